/**
 * /morph slot: to: steps: from: — the original's attribute morph: one favourite, her tags
 * interpolated towards `to` (both ends included), as a strip and an animated WebP. Morphs
 * chain as in the original: the next morph of the same favourite starts from this one's
 * target (MorphStateRepo), unless `from` is given.
 */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { Preconditions } from '../bot/command.ts';
import type { BotContext } from '../bot/context.ts';
import { filesOf, replyAfterWork } from '../bot/respond.ts';
import { requireModel } from '../core/catalog.ts';
import { shareCodeOf } from '../core/girl.ts';
import { LIMITS } from '../core/limits.ts';
import { morph } from '../core/morph.ts';
import { vectorOf, weightsOf } from '../core/tag-weights.ts';
import { translator } from '../i18n/index.ts';
import { autocompleteOptions } from './shared/autocomplete.ts';
import { favouriteGirl, loadFavourite, quotedName } from './shared/favourites.ts';
import { named, slotOption, tagsOption } from './shared/options.ts';
import { saveGirls, withStorageNote } from './shared/stored-pictures.ts';
import { tileComponents } from './shared/tile-buttons.ts';
import { withStudioLink } from './shared/studio-link.ts';
import { tagsText } from './shared/tag-names.ts';

export const data = named(
  new SlashCommandBuilder(),
  'morph',
  'モーフィング',
  'Morph a favourite towards other tags; morphs chain',
  'お気に入りを別のタグへ少しずつ変化させます（続けると連鎖）',
)
  .addIntegerOption((o) => slotOption(o, 'Which favourite (1 = newest)', 'どのお気に入りか（1 が最新）'))
  .addStringOption((o) => tagsOption(o, 'to', '変化先', 'Target tags', '変化先のタグ', true))
  .addIntegerOption((o) =>
    named(
      o,
      'steps',
      'ステップ数',
      `Frames, both ends included (${LIMITS.steps.min}–${LIMITS.steps.max}, default ${LIMITS.steps.default})`,
      `コマ数、両端を含む（${LIMITS.steps.min}〜${LIMITS.steps.max}、既定 ${LIMITS.steps.default}）`,
    )
      .setMinValue(LIMITS.steps.min)
      .setMaxValue(LIMITS.steps.max),
  )
  .addStringOption((o) =>
    tagsOption(o, 'from', '変化元', 'Start tags (default: where her last morph ended)', '変化元のタグ（既定: 前回のモーフィングの行き先）'),
  )
  .addBooleanOption((o) =>
    named(
      o,
      'keep',
      '維持',
      'Keep her own tags “to” does not name (default true; false: only her hair, eyes, mouth… stay)',
      '変化先で指定しないタグは元のまま（既定 true。false なら髪・目・口などだけ残す）',
    ),
  );

/** Every use draws: it counts against the user's drawing rate limit. */
export const preconditions: Preconditions = { execute: ['drawLimit'] };

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const user = interaction.user.id;
  const fav = await loadFavourite(ctx, user, interaction.options.getInteger('slot', true));
  const girl = favouriteGirl(ctx, fav);
  const model = requireModel(ctx.runtime.catalog, girl.modelId);
  const fromText = interaction.options.getString('from');
  const last = await ctx.morphs.getLastTarget(user, fav.id);
  // Typed start tags go onto her own (the groups not named keep hers), as `to` does.
  const from = fromText ? undefined : last ? vectorOf(model, last) : girl.tags;
  const to = interaction.options.getString('to', true);
  const steps = interaction.options.getInteger('steps') ?? undefined;
  const keep = interaction.options.getBoolean('keep') ?? true;
  await replyAfterWork(interaction, ctx, async () => {
    const r = await morph(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), {
      girl,
      ...(from ? { from } : { fromText: fromText ?? '' }),
      to,
      steps,
      keep,
    });
    // Only a morph that was drawn moves the chain on, and only from where it started: another
    // morph of her drawn at the same time (here or in another shard) may have ended first.
    const moved = await ctx.morphs.setLastTarget(user, fav.id, weightsOf(model.vocabulary, r.to), last);
    const vocab = model.vocabulary;
    // The end frame's code: the next morph of a chain starts from her, and two chained
    // replies must not show the same code.
    const endCode = shareCodeOf({ ...girl, tags: r.to });
    const content = [
      tr('morph.content', { slot: fav.index, name: quotedName(fav), from: tagsText(vocab, r.from, tr), to: tagsText(vocab, r.to, tr), steps: r.girls.length }),
      ...(!moved.ok && moved.code === 'moved_on'
        ? [tr('morph.chain_moved_on', { to: moved.current ? tagsText(vocab, vectorOf(model, moved.current), tr) : '-' })]
        : []),
      tr('morph.code', { code: endCode }),
      tr('tiles.hint_short'),
    ].join('\n');
    const saved = await saveGirls(ctx, user, r.girls);
    const id = saved.id;
    return {
      content: withStorageNote(content, saved, tr),
      files: filesOf(r.attachments),
      components: withStudioLink(id ? tileComponents(id, r.girls.length, tr) : [], ctx.studioUrl, endCode, tr),
    };
  });
}

export function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  return autocompleteOptions(interaction, ctx);
}
