/**
 * /settings size: — the size the user's pictures are drawn at (issue 31, "256 px"): 128 px by
 * default (the quickest), or 256 px, where a girl's model family draws that size (card.json
 * sizes, src/core/picture-size.ts); other girls keep their own size. Without an option it
 * tells the user's choices. Nothing is drawn here.
 */
import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../bot/context.ts';
import { Refusal } from '../bot/refusal.ts';
import { BOT_DEFAULT_PICTURE_PX, BOT_PICTURE_SIZES, modelsDrawingAt } from '../core/picture-size.ts';
import { translator, type Translate } from '../i18n/index.ts';
import type { ModelCatalog } from '../core/catalog.ts';
import { named } from './shared/options.ts';

export const data = named(
  new SlashCommandBuilder(),
  'settings',
  '設定',
  'Your choices: the size your pictures are drawn at',
  'あなたの設定: 画像を描く大きさ',
).addIntegerOption((o) =>
  named(
    o,
    'size',
    'サイズ',
    'Picture size: 128 px (default, quicker) or 256 px (sharper, where the girl’s model draws it)',
    '画像の大きさ: 128 px（既定・速い）か 256 px（精細・そのモデルが描ける子だけ）',
  ).addChoices(
    { name: '128 px (default, quicker)', name_localizations: { ja: '128 px（既定・速い）' }, value: 128 },
    { name: '256 px (sharper, slower)', name_localizations: { ja: '256 px（精細・遅め）' }, value: 256 },
  ),
);

/** Model ids named in a reply, at most this many. */
const MAX_MODELS_NAMED = 8;

/** Which girls a size reaches here: all, some (named), or none. */
function reachLine(catalog: ModelCatalog, px: number, tr: Translate): string {
  const reached = modelsDrawingAt(catalog, px);
  if (reached.length === catalog.ids().length) return tr('settings.size_all', { px });
  if (reached.length === 0) return tr('settings.size_none', { px });
  const named = reached.slice(0, MAX_MODELS_NAMED).map((id) => `\`${id}\``);
  const models = reached.length > MAX_MODELS_NAMED ? `${named.join(', ')}, …` : named.join(', ');
  return tr('settings.size_some', { px, models });
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const user = interaction.user.id;
  const asked = interaction.options.getInteger('size');
  if (asked !== null) {
    // Discord offers only the choices; anything else (a forged request) is refused, nothing stored.
    if (!(BOT_PICTURE_SIZES as readonly number[]).includes(asked)) throw new Refusal('settings.size_bad', { px: asked, sizes: BOT_PICTURE_SIZES.join(', ') });
    await ctx.settings.setPictureSize(user, asked);
  }
  const chosen = asked ?? (await ctx.settings.pictureSize(user));
  const px = chosen ?? BOT_DEFAULT_PICTURE_PX;
  const lines = [
    tr(asked !== null ? 'settings.size_now' : 'settings.size', { px, default: chosen === undefined ? tr('settings.size_default') : '' }),
    reachLine(ctx.runtime.catalog, px, tr),
    tr((await ctx.settings.favouritesPublic(user)) ? 'fav.visibility_public' : 'fav.visibility_private'),
    tr('settings.change'),
  ];
  await interaction.reply({ content: lines.join('\n'), flags: MessageFlags.Ephemeral });
}
