/**
 * /blend slots:"1 3" steps: tags: — the original's blend: favourites as they are (z and tags)
 * at the ends of a strip (2) or the corners of a bilinear grid (3–4, steps = its side); named
 * tags are put onto each. The reply says which tags each end wore.
 */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { Preconditions } from '../bot/command.ts';
import type { BotContext } from '../bot/context.ts';
import { Refusal } from '../bot/refusal.ts';
import { filesOf, replyAfterWork } from '../bot/respond.ts';
import { blend } from '../core/blend.ts';
import { LIMITS } from '../core/limits.ts';
import { translator } from '../i18n/index.ts';
import { autocompleteOptions } from './shared/autocomplete.ts';
import { favouriteGirl, favouriteLabel, favouriteLabelText, favouritesAt, parseSlots } from './shared/favourites.ts';
import { named, tagsOption } from './shared/options.ts';
import { saveGirls, withStorageNote } from './shared/stored-pictures.ts';
import { tileComponents } from './shared/tile-buttons.ts';
import { withStudioLink } from './shared/studio-link.ts';
import { shareCodeOf } from '../core/girl.ts';
import { requireModel } from '../core/catalog.ts';
import { tagNamesText, tagsText } from './shared/tag-names.ts';

export const data = named(
  new SlashCommandBuilder(),
  'blend',
  'ブレンド',
  'Blend 2–4 favourites’ faces (2: a strip, 3–4: a grid)',
  'お気に入り 2〜4 人の顔を混ぜます（2 人: 帯、3〜4 人: グリッド）',
)
  .addStringOption((o) =>
    named(o, 'slots', '番号', 'Favourites to blend, e.g. "1 3"', '混ぜるお気に入りの番号。例「1 3」').setRequired(true).setMaxLength(30).setAutocomplete(true),
  )
  .addIntegerOption((o) =>
    named(
      o,
      'steps',
      'ステップ数',
      `Strip length for 2 (${LIMITS.steps.min}–${LIMITS.steps.max}), grid side for 3–4 (${LIMITS.blendGrid.min}–${LIMITS.blendGrid.max})`,
      `2 人なら帯の長さ（${LIMITS.steps.min}〜${LIMITS.steps.max}）、3〜4 人ならグリッドの辺（${LIMITS.blendGrid.min}〜${LIMITS.blendGrid.max}）`,
    )
      .setMinValue(2)
      .setMaxValue(LIMITS.steps.max),
  )
  .addStringOption((o) =>
    tagsOption(o, 'tags', 'タグ', 'Tags put on every girl (default: each keeps her own)', '全員に付けるタグ（既定: それぞれ自分のタグのまま）'),
  );

/** Every use draws: it counts against the user's drawing rate limit. */
export const preconditions: Preconditions = { execute: ['drawLimit'] };

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const user = interaction.user.id;
  const favourites = await favouritesAt(ctx, user, parseSlots(ctx, interaction.options.getString('slots', true), 2, 4));
  const girls = favourites.map((f) => favouriteGirl(ctx, f));
  if (girls.some((g) => g.modelId !== girls[0]!.modelId)) throw new Refusal('error.mixed_models');
  const labels = favourites.map((f) => favouriteLabel(ctx, f));
  const steps = interaction.options.getInteger('steps') ?? undefined;
  const tags = interaction.options.getString('tags') ?? undefined;
  await replyAfterWork(interaction, ctx, async () => {
    const r = await blend(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { girls, steps, tags, labels });
    const n = r.girls.length;
    const shape = girls.length === 2 ? tr('blend.strip', { steps: n }) : tr('blend.grid', { side: Math.round(Math.sqrt(n)) });
    const vocab = requireModel(ctx.runtime.catalog, girls[0]!.modelId).vocabulary;
    const content = [
      tr('blend.content', { names: favourites.map((f) => favouriteLabelText(ctx, f)).join(' + '), shape }),
      r.namedTags.length ? tr('blend.tags_named', { tags: tagNamesText(vocab, r.namedTags, tr) }) : tr('blend.tags_own'),
      ...favourites.map((f, i) => tr('blend.end_tags', { name: favouriteLabelText(ctx, f), tags: tagsText(vocab, r.endTags[i]!, tr) })),
      n <= 25 ? tr('tiles.hint_short') : tr('tiles.codes_only'),
    ].join('\n');
    const saved = await saveGirls(ctx, user, r.girls);
    const id = saved.id;
    return {
      content: withStorageNote(content, saved, tr),
      files: filesOf(r.attachments),
      components: withStudioLink(id ? tileComponents(id, n, tr) : [], ctx.studioUrl, shareCodeOf(girls[0]!), tr),
    };
  });
}

export function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  return autocompleteOptions(interaction, ctx);
}
