/** /generate code: | seed: tags: — one girl at full size, with her share code. */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { Preconditions } from '../bot/command.ts';
import type { BotContext } from '../bot/context.ts';
import { filesOf, replyAfterWork } from '../bot/respond.ts';
import { requireModel } from '../core/catalog.ts';
import { generate as draw } from '../core/generate.ts';
import { shareCodeOf } from '../core/girl.ts';
import { translator } from '../i18n/index.ts';
import { autocompleteOptions } from './shared/autocomplete.ts';
import { named, tagsOption } from './shared/options.ts';
import { saveGirls, withStorageNote } from './shared/stored-pictures.ts';
import { tileComponents } from './shared/tile-buttons.ts';
import { withStudioLink } from './shared/studio-link.ts';
import { tagsText } from './shared/tag-names.ts';

export const data = named(
  new SlashCommandBuilder(),
  'generate',
  '生成',
  'Draw one girl large, from a share code or from a seed and tags',
  '共有コード、またはシードとタグから 1 人を大きく描きます',
)
  .addStringOption((o) => named(o, 'code', 'コード', 'A share code (from 📋 or /favorite list)', '共有コード（📋 や /favorite list から）').setMaxLength(2000))
  .addIntegerOption((o) =>
    named(o, 'seed', 'シード', 'A seed (a gacha tile’s number)', 'シード（ガチャのタイルの番号）').setMinValue(0).setMaxValue(0xffffffff),
  )
  .addStringOption((o) =>
    tagsOption(
      o,
      'tags',
      'タグ',
      'Tags (with a seed; with a code: put on her, the rest stays hers)',
      'タグ（シードと一緒に。コードと一緒なら指定した分だけその子のタグを変更）',
    ),
  )
  .addBooleanOption((o) =>
    named(
      o,
      'fill',
      '補完',
      'With a seed: unnamed hair, eyes… as that gacha tile (true, default) or the most common (false)',
      'シードと一緒に: 指定しない髪色・目などをガチャのタイルと同じに（true・既定）、最も多いものに（false）',
    ),
  );

/** Every use draws: it counts against the user's drawing rate limit. */
export const preconditions: Preconditions = { execute: ['drawLimit'] };

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const code = interaction.options.getString('code')?.trim() || undefined;
  const seed = interaction.options.getInteger('seed') ?? undefined;
  const tags = interaction.options.getString('tags') ?? undefined;
  const randomFill = interaction.options.getBoolean('fill') ?? true;
  const tr = translator(interaction.locale);
  await replyAfterWork(interaction, ctx, async () => {
    const r = await draw(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { code, seed, tags, randomFill, typicalFill: true });
    const girl = r.girls[0]!;
    const vocab = requireModel(ctx.runtime.catalog, girl.modelId).vocabulary;
    const what = code ? tr('generate.code') : tr('generate.seed', { seed: String(girl.seed) });
    const content = tr('generate.content', { what, tags: tagsText(vocab, girl.tags, tr), code: shareCodeOf(girl) });
    const saved = await saveGirls(ctx, interaction.user.id, r.girls);
    const id = saved.id;
    return {
      content: withStorageNote(content, saved, tr),
      files: filesOf(r.attachments),
      components: withStudioLink(id ? tileComponents(id, 1, tr, { variations: true }) : [], ctx.studioUrl, shareCodeOf(girl), tr),
    };
  });
}

export function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  return autocompleteOptions(interaction, ctx);
}
