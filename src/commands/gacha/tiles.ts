/**
 * Pictures of numbered tiles and the state behind their buttons. Each posted picture is a
 * row in gacha_results (12-character id in the custom_ids), holding what is needed to
 * rebuild any tile: a seed (plain gacha draws) or z itself (variations, morph frames,
 * blends…). So ⭐, 🔀, 🔄 and 📋 work for anyone who sees the message, and after restarts,
 * until the row expires.
 */
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  StringSelectMenuBuilder,
  type MessageActionRowComponentBuilder,
} from 'discord.js';
import type { BotContext } from '../../bot/context.ts';
import { customId } from '../../bot/custom-id.ts';
import { Refusal } from '../../bot/refusal.ts';
import type { Reply } from '../../bot/respond.ts';
import { requireModel } from '../../core/catalog.ts';
import { gachaGirls, type GachaResult as GachaOutcome } from '../../core/gacha.ts';
import { shareCodeOf, type Girl } from '../../core/girl.ts';
import { vectorOf, weightsOf } from '../../core/tag-weights.ts';
import type { Translate } from '../../i18n/index.ts';
import type { GachaResult as StoredResult } from '../../store/index.ts';

/** Up to this many tiles get one ⭐ button each (3 rows of 5); up to 25 a select menu. */
const MAX_STAR_BUTTONS = 15;
const MAX_SELECT_OPTIONS = 25;

export type Row = ActionRowBuilder<MessageActionRowComponentBuilder>;

/** Stores a gacha draw by its seeds: the tiles are rebuilt by re-running the same draw. */
export function saveGacha(ctx: BotContext, userId: string, r: GachaOutcome, randomFill: boolean): string {
  const vocab = requireModel(ctx.runtime.catalog, r.modelId).vocabulary;
  return ctx.results.save({
    userId,
    modelId: r.modelId,
    tags: weightsOf(vocab, r.requested.vector),
    draws: r.seeds.map((seed) => ({ seed })),
    params: { kind: 'gacha', psi: r.psi, fill: randomFill },
  }).id;
}

/** Stores arbitrary girls of one model by their z and tags; undefined when models are mixed. */
export function saveGirls(ctx: BotContext, userId: string, girls: readonly Girl[], params: Record<string, unknown> = {}): string | undefined {
  const modelId = girls[0]?.modelId;
  const model = modelId === undefined ? undefined : ctx.runtime.catalog.get(modelId);
  if (!model || girls.length > 100 || girls.some((g) => g.modelId !== modelId)) return undefined;
  const tileTags = girls.map((g) => weightsOf(model.vocabulary, g.tags));
  const first = JSON.stringify(tileTags[0]);
  const uniform = tileTags.every((t) => JSON.stringify(t) === first);
  return ctx.results.save({
    userId,
    modelId: model.id,
    tags: tileTags[0]!,
    draws: girls.map((g) => ({ z: g.z })),
    params: { kind: 'girls', ...params, ...(uniform ? {} : { tileTags }) },
  }).id;
}

export function loadResult(ctx: BotContext, id: string): StoredResult {
  const found = ctx.results.get(id);
  if (!found.ok) throw new Refusal(found.code === 'expired' ? 'error.result_expired' : 'error.result_missing');
  return found.result;
}

const isWeights = (x: unknown): x is Record<string, number> =>
  typeof x === 'object' && x !== null && Object.values(x).every((v) => typeof v === 'number');

/** Tile n (1-based) of a stored picture. */
export function tileGirl(ctx: BotContext, r: StoredResult, tile: number): Girl {
  const draw = Number.isInteger(tile) ? r.draws[tile - 1] : undefined;
  if (!draw) throw new Refusal('error.tile', { tile });
  const core = ctx.core();
  const model = requireModel(core.catalog, r.modelId);
  if ('seed' in draw) {
    const psi = typeof r.params.psi === 'number' ? r.params.psi : 1;
    const tags = Object.keys(r.tags).join(', ');
    return gachaGirls(core, { modelId: model.id, tags, count: 1, seed: draw.seed, psi, randomFill: r.params.fill !== false }).girls[0]!;
  }
  const perTile = Array.isArray(r.params.tileTags) ? r.params.tileTags[tile - 1] : undefined;
  return { modelId: model.id, z: draw.z, tags: vectorOf(model, isWeights(perTile) ? perTile : r.tags) };
}

export function allTiles(ctx: BotContext, r: StoredResult): Girl[] {
  return r.draws.map((_, i) => tileGirl(ctx, r, i + 1));
}

/**
 * The buttons under a picture of n tiles, within Discord's 5 rows × 5 buttons:
 * ⭐1…⭐n (≤ 15 tiles; a select menu up to 25), a 🔀 variations select, then 🔄 and 📋.
 */
export function tileComponents(id: string, n: number, tr: Translate, opts: { variations?: boolean; reroll?: boolean } = {}): Row[] {
  const rows: Row[] = [];
  const tiles = Array.from({ length: n }, (_, i) => i + 1);
  const tileOptions = () => tiles.map((i) => ({ label: tr('tiles.tile', { tile: i }), value: String(i) }));
  if (n <= MAX_STAR_BUTTONS) {
    for (let start = 0; start < n; start += 5) {
      const buttons = tiles
        .slice(start, start + 5)
        .map((i) => new ButtonBuilder().setCustomId(customId('gacha', 'fav', id, i)).setLabel(`⭐${i}`).setStyle(ButtonStyle.Secondary));
      rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(buttons));
    }
  } else if (n <= MAX_SELECT_OPTIONS) {
    const select = new StringSelectMenuBuilder().setCustomId(customId('gacha', 'favsel', id)).setPlaceholder(tr('tiles.fav_placeholder')).addOptions(tileOptions());
    rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(select));
  }
  if (opts.variations && n <= MAX_SELECT_OPTIONS) {
    const select = new StringSelectMenuBuilder().setCustomId(customId('gacha', 'var', id)).setPlaceholder(tr('tiles.var_placeholder')).addOptions(tileOptions());
    rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(select));
  }
  const last: ButtonBuilder[] = [];
  if (opts.reroll) last.push(new ButtonBuilder().setCustomId(customId('gacha', 'reroll', id)).setEmoji('🔄').setStyle(ButtonStyle.Primary));
  last.push(new ButtonBuilder().setCustomId(customId('gacha', 'codes', id)).setEmoji('📋').setStyle(ButtonStyle.Secondary));
  rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(last));
  return rows;
}

/** The share codes of some girls: in the message when they fit, else as codes.txt. */
export function codesReply(girls: readonly Girl[], tr: Translate): Reply {
  const codes = girls.map((g) => shareCodeOf(g));
  const inline = `${tr('tiles.codes_intro')}\n${codes.map((c, i) => `**${i + 1}** \`${c}\``).join('\n')}`;
  if (inline.length <= 2000) return { content: inline };
  const text = codes.map((c, i) => `${i + 1}\t${c}`).join('\n') + '\n';
  return { content: tr('tiles.codes_file', { count: codes.length }), files: [new AttachmentBuilder(Buffer.from(text), { name: 'codes.txt' })] };
}
