/** The buttons under a picture of numbered tiles, and the share-codes reply they lead to. */
import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, StringSelectMenuBuilder, type MessageActionRowComponentBuilder } from 'discord.js';
import { customId } from '../../bot/custom-id.ts';
import { CONTENT_MAX, type Reply } from '../../bot/respond.ts';
import { shareCodeOf, type Girl } from '../../core/girl.ts';
import type { Translate } from '../../i18n/index.ts';

/** Up to this many tiles get one ⭐ button each (3 rows of 5); up to 25 a select menu. */
const MAX_STAR_BUTTONS = 15;
const MAX_SELECT_OPTIONS = 25;

export type Row = ActionRowBuilder<MessageActionRowComponentBuilder>;

/**
 * The action part of the tile components' custom_ids ("gacha:<action>:<result id>…"); the
 * handlers are gacha's (src/commands/gacha.ts), which also accepts LEGACY_TILE_ACTIONS.
 */
export const TILE_ACTIONS = {
  /** ⭐n: keep tile n (args: result id, tile). */
  keep: 'keep-tile',
  /** ⭐ menu for pictures of 16–25 tiles (args: result id; the tile is the selected value). */
  keepMenu: 'keep-tile-menu',
  /** 🔀 menu: variations of the selected tile (args: result id). */
  variations: 'variations',
  /** 🔄: the same again (args: result id). */
  reroll: 'reroll',
  /** 📋: the share codes, privately (args: result id). */
  codes: 'codes',
  /** 🔍 menu: refine the selected tile round by round (args: result id). */
  refine: 'refine',
  /** 🔍 button under a one-tile picture: refine that tile (args: result id, tile). */
  refineTile: 'refine-tile',
  /** 🔍 button where a 🔍 menu has no row left: a private menu of the tiles (args: result id). */
  refineMenu: 'refine-menu',
} as const;

/** The short ids of messages posted before the rename; their buttons keep working until their rows expire. */
export const LEGACY_TILE_ACTIONS = { fav: TILE_ACTIONS.keep, favsel: TILE_ACTIONS.keepMenu, var: TILE_ACTIONS.variations } as const;

/** Discord's most rows of components under one message. */
const MAX_ROWS = 5;

/** The 🔍 select menu: refine one of the n tiles, round by round (src/commands/gacha/refine.ts). */
export function refineSelect(id: string, n: number, tr: Translate): StringSelectMenuBuilder {
  return new StringSelectMenuBuilder()
    .setCustomId(customId('gacha', TILE_ACTIONS.refine, id))
    .setPlaceholder(tr('tiles.refine_placeholder'))
    .addOptions(Array.from({ length: n }, (_, i) => ({ label: tr('tiles.tile', { tile: i + 1 }), value: String(i + 1) })));
}

/**
 * The buttons under a picture of n tiles, within Discord's 5 rows × 5 buttons:
 * ⭐1…⭐n (≤ 15 tiles; a select menu up to 25), a 🔀 variations select, a 🔍 refine select
 * (a 🔍 button beside 📋 for one tile, or where no row is left), then 🔄 and 📋.
 */
export function tileComponents(id: string, n: number, tr: Translate, opts: { variations?: boolean; reroll?: boolean } = {}): Row[] {
  const rows: Row[] = [];
  const tiles = Array.from({ length: n }, (_, i) => i + 1);
  const tileOptions = () => tiles.map((i) => ({ label: tr('tiles.tile', { tile: i }), value: String(i) }));
  if (n <= MAX_STAR_BUTTONS) {
    for (let start = 0; start < n; start += 5) {
      const buttons = tiles.slice(start, start + 5).map((i) =>
        new ButtonBuilder()
          .setCustomId(customId('gacha', TILE_ACTIONS.keep, id, i))
          .setLabel(`⭐${i}`)
          .setStyle(ButtonStyle.Secondary),
      );
      rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(buttons));
    }
  } else if (n <= MAX_SELECT_OPTIONS) {
    const select = new StringSelectMenuBuilder()
      .setCustomId(customId('gacha', TILE_ACTIONS.keepMenu, id))
      .setPlaceholder(tr('tiles.fav_placeholder'))
      .addOptions(tileOptions());
    rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(select));
  }
  if (opts.variations && n <= MAX_SELECT_OPTIONS) {
    const select = new StringSelectMenuBuilder()
      .setCustomId(customId('gacha', TILE_ACTIONS.variations, id))
      .setPlaceholder(tr('tiles.var_placeholder'))
      .addOptions(tileOptions());
    rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(select));
  }
  // 🔍 goes wherever 🔀 does: a menu when it has a row (the last row stays for 🔄 📋), else a button.
  const refine = opts.variations && n <= MAX_SELECT_OPTIONS;
  const refineAsMenu = refine && n > 1 && rows.length + 2 <= MAX_ROWS;
  if (refineAsMenu) rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(refineSelect(id, n, tr)));
  const last: ButtonBuilder[] = [];
  if (opts.reroll)
    last.push(
      new ButtonBuilder()
        .setCustomId(customId('gacha', TILE_ACTIONS.reroll, id))
        .setEmoji('🔄')
        .setStyle(ButtonStyle.Primary),
    );
  last.push(
    new ButtonBuilder()
      .setCustomId(customId('gacha', TILE_ACTIONS.codes, id))
      .setEmoji('📋')
      .setStyle(ButtonStyle.Secondary),
  );
  if (refine && !refineAsMenu) {
    const action = n === 1 ? customId('gacha', TILE_ACTIONS.refineTile, id, 1) : customId('gacha', TILE_ACTIONS.refineMenu, id);
    last.push(new ButtonBuilder().setCustomId(action).setEmoji('🔍').setLabel(tr('tiles.refine')).setStyle(ButtonStyle.Secondary));
  }
  rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(last));
  return rows;
}

/** The share codes of some girls: in the message when they fit, else as codes.txt. */
export function codesReply(girls: readonly Girl[], tr: Translate): Reply {
  const codes = girls.map((g) => shareCodeOf(g));
  const inline = `${tr('tiles.codes_intro')}\n${codes.map((c, i) => `**${i + 1}** \`${c}\``).join('\n')}`;
  if (inline.length <= CONTENT_MAX) return { content: inline };
  const text = `${codes.map((c, i) => `${i + 1}\t${c}`).join('\n')}\n`;
  return { content: tr('tiles.codes_file', { count: codes.length }), files: [new AttachmentBuilder(Buffer.from(text), { name: 'codes.txt' })] };
}
