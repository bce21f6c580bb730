/**
 * /restyle tags1: tags2: tags3: slots: columns: — the original's attribute change: the same
 * faces redrawn with other tags. Favourites first as columns (all, or the `slots` given),
 * random girls fill up to `columns`; each tag set is a row.
 */
import { randomInt } from 'node:crypto';
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { Preconditions } from '../bot/command.ts';
import type { BotContext } from '../bot/context.ts';
import { filesOf, replyAfterWork } from '../bot/respond.ts';
import { LIMITS } from '../core/limits.ts';
import { restyle } from '../core/restyle.ts';
import { translator } from '../i18n/index.ts';
import { autocompleteOptions } from './shared/autocomplete.ts';
import { favouriteGirl, favouriteLabel, favouriteLabelText, favouritesAt, parseSlots } from './shared/favourites.ts';
import { named, tagsOption } from './shared/options.ts';
import { saveGirls, withStorageNote } from './shared/stored-pictures.ts';
import { tileComponents } from './shared/tile-buttons.ts';
import { tagNamesText } from './shared/tag-names.ts';
import { requireModel } from '../core/catalog.ts';

const DEFAULT_COLUMNS = 6;

export const data = named(
  new SlashCommandBuilder(),
  'restyle',
  '属性変更',
  'Redraw your favourites (and random girls) with other tags',
  'お気に入り（とランダムな子）を別のタグで描き直します',
)
  .addStringOption((o) => tagsOption(o, 'tags1', 'タグ1', 'First row’s tags', '1 行目のタグ', true))
  .addStringOption((o) => tagsOption(o, 'tags2', 'タグ2', 'Second row’s tags', '2 行目のタグ'))
  .addStringOption((o) => tagsOption(o, 'tags3', 'タグ3', 'Third row’s tags', '3 行目のタグ'))
  .addStringOption((o) =>
    named(o, 'slots', '番号', 'Which favourites, e.g. "1 3" (default: all)', 'どのお気に入りか。例「1 3」（既定: 全員）').setMaxLength(60),
  )
  .addIntegerOption((o) =>
    named(o, 'columns', '列数', `Columns, filled with random girls (default ${DEFAULT_COLUMNS})`, `列数。足りない分はランダムな子（既定 ${DEFAULT_COLUMNS}）`)
      .setMinValue(1)
      .setMaxValue(LIMITS.restyleColumns.max),
  )
  .addBooleanOption((o) =>
    named(
      o,
      'keep',
      '維持',
      'Girls keep their own tags a row does not name (default true; false: only hair, eyes, mouth… stay)',
      '行で指定しないタグは各自のまま（既定 true。false なら髪・目・口などだけ残す）',
    ),
  );

/** Every use draws: it counts against the user's drawing rate limit. */
export const preconditions: Preconditions = { execute: ['drawLimit'] };

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const user = interaction.user.id;
  const slotsText = interaction.options.getString('slots');
  const favourites = slotsText ? await favouritesAt(ctx, user, parseSlots(ctx, slotsText, 1, LIMITS.restyleColumns.max)) : await ctx.favourites.list(user);
  const girls = favourites.map((f) => favouriteGirl(ctx, f));
  const labels = favourites.map((f) => favouriteLabel(ctx, f));
  const tagSets = ['tags1', 'tags2', 'tags3'].map((n) => interaction.options.getString(n)).filter((s): s is string => s !== null);
  const columns = interaction.options.getInteger('columns') ?? Math.max(DEFAULT_COLUMNS, girls.length);
  const keep = interaction.options.getBoolean('keep') ?? true;
  const seed = randomInt(0, 0xffffffff - LIMITS.restyleColumns.max);
  await replyAfterWork(interaction, ctx, async () => {
    const r = await restyle(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { girls, columns, tagSets, columnLabels: labels, seed, keep });
    const seeds = r.randomSeeds;
    const random =
      seeds.length > 1
        ? tr('restyle.random', { first: seeds[0]!, last: seeds[seeds.length - 1]! })
        : seeds.length === 1
          ? tr('restyle.random_one', { seed: seeds[0]! })
          : '';
    // The tags as parsed, not as typed: typed text may be 1000 characters of commas.
    const vocab = requireModel(ctx.runtime.catalog, girls[0]?.modelId).vocabulary;
    const rows = r.rowNames.map((names) => tagNamesText(vocab, names, tr) || tr('restyle.no_tags')).join(' / ');
    const content = [
      // Only the favourites shown: columns:2 with seven favourites draws the first two.
      tr('restyle.content', { columns: [...favourites.slice(0, columns).map((f) => favouriteLabelText(ctx, f)), random].filter(Boolean).join(', '), rows }),
      tr('tiles.hint_short'),
    ].join('\n');
    const saved = await saveGirls(ctx, user, r.girls, { columns });
    return {
      content: withStorageNote(content, saved, tr),
      files: filesOf(r.attachments),
      components: saved.id ? tileComponents(saved.id, r.girls.length, tr) : [],
    };
  });
}

export function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  return autocompleteOptions(interaction, ctx);
}
