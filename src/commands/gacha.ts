/**
 * /gacha tags: count: seed: — the original's infinite gacha: a numbered grid of new girls.
 * Without tags it opens the tag picker. Owns the buttons of every tile picture (⭐ 🔀 🔍 🔄 📋).
 */
import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction, type AutocompleteInteraction } from 'discord.js';
import type { BotContext } from '../bot/context.ts';
import type { ComponentHandler, Preconditions } from '../bot/command.ts';
import { LIMITS, checkSeed, intInRange, numberInRange } from '../core/limits.ts';
import { langOf } from '../i18n/index.ts';
import { autocompleteOptions } from './shared/autocomplete.ts';
import { named, tagsOption } from './shared/options.ts';
import { LEGACY_TILE_ACTIONS, TILE_ACTIONS } from './shared/tile-buttons.ts';
import { vocabularyOfDefault } from './shared/vocabulary.ts';
import * as buttons from './gacha/buttons.ts';
import { pickerMessage } from './gacha/picker.ts';
import { postGacha } from './gacha/post.ts';
import * as refine from './gacha/refine.ts';

export const data = named(
  new SlashCommandBuilder(),
  'gacha',
  'ガチャ',
  'Draw a grid of new girls for the tags (no tags: pick them from menus)',
  'タグに合う女の子をまとめて引きます（タグなしならメニューで選択）',
)
  .addStringOption((o) => tagsOption(o, 'tags', 'タグ', 'Tags, comma separated (e.g. blonde_hair, smile / 金髪, 笑顔)', 'タグ（カンマ区切り。例: 金髪, 笑顔）'))
  .addIntegerOption((o) =>
    named(
      o,
      'count',
      '人数',
      `How many girls (${LIMITS.gachaCount.min}–${LIMITS.gachaCount.max}, default ${LIMITS.gachaCount.default})`,
      `人数（${LIMITS.gachaCount.min}〜${LIMITS.gachaCount.max}、既定 ${LIMITS.gachaCount.default}）`,
    )
      .setMinValue(LIMITS.gachaCount.min)
      .setMaxValue(LIMITS.gachaCount.max),
  )
  .addIntegerOption((o) =>
    named(o, 'seed', 'シード', 'First seed, to draw the same girls again (default random)', '最初のシード（同じ子をもう一度引くとき。既定はランダム）')
      .setMinValue(0)
      .setMaxValue(0xffffffff),
  )
  .addNumberOption((o) =>
    named(
      o,
      'psi',
      '典型度',
      `Truncation ψ ${LIMITS.psi.min}–${LIMITS.psi.max}: below 1 = more typical, cleaner faces; above 1 = wilder (default 1)`,
      `ψ ${LIMITS.psi.min}〜${LIMITS.psi.max}。1 未満で整った典型的な顔、1 超で個性的に（既定 1）`,
    )
      .setMinValue(LIMITS.psi.min)
      .setMaxValue(LIMITS.psi.max),
  );

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tags = interaction.options.getString('tags') ?? '';
  const count = interaction.options.getInteger('count') ?? undefined;
  const seed = interaction.options.getInteger('seed') ?? undefined;
  const psi = interaction.options.getNumber('psi') ?? undefined;
  if (tags.trim()) {
    await postGacha(interaction, ctx, { tags, count, seed, psi });
    return;
  }
  // Checked now so that the picker never carries a value the draw would refuse.
  const state = {
    count: intInRange(count, LIMITS.gachaCount, 'The number of girls'),
    ...(seed !== undefined ? { seed: checkSeed(seed) } : {}),
    ...(psi !== undefined ? { psi: numberInRange(psi, LIMITS.psi, 'ψ (truncation)') } : {}),
    selected: new Set<string>(),
  };
  await interaction.reply({ ...pickerMessage(vocabularyOfDefault(ctx), langOf(interaction.locale), state), flags: MessageFlags.Ephemeral });
}

export function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  return autocompleteOptions(interaction, ctx);
}

const tileHandlers: Readonly<Record<string, ComponentHandler>> = {
  [TILE_ACTIONS.keep]: buttons.keepTileButton,
  [TILE_ACTIONS.keepMenu]: buttons.keepTileMenu,
  [TILE_ACTIONS.variations]: buttons.variationsOfTile,
  [TILE_ACTIONS.reroll]: buttons.reroll,
  [TILE_ACTIONS.codes]: buttons.codes,
  [TILE_ACTIONS.refine]: refine.startFromMenu,
  [TILE_ACTIONS.refineTile]: refine.startFromTile,
  [TILE_ACTIONS.refineMenu]: refine.chooseTile,
  [refine.REFINE_ACTIONS.pick]: refine.pick,
  [refine.REFINE_ACTIONS.done]: refine.done,
};

export const components: Readonly<Record<string, ComponentHandler>> = {
  ...tileHandlers,
  // Buttons on messages posted before the ids were renamed.
  ...Object.fromEntries(Object.entries(LEGACY_TILE_ACTIONS).map(([old, now]) => [old, tileHandlers[now]!])),
  pick: buttons.pick,
  draw: buttons.draw,
};

/**
 * What draws counts against the user's drawing rate limit: the command (a tag picker shown
 * instead gives the use back), 🔀, 🔄, 🔍 and its picks, and the picker's 🎲. ⭐, 📋 and picker changes do not.
 */
export const preconditions: Preconditions = {
  execute: ['drawLimit'],
  components: {
    [TILE_ACTIONS.variations]: ['drawLimit'],
    var: ['drawLimit'], // the 🔀 menu's id before the rename
    [TILE_ACTIONS.reroll]: ['drawLimit'],
    draw: ['drawLimit'],
    // 🔍 and each refine pick draw a round (the private tile menu does not).
    [TILE_ACTIONS.refine]: ['drawLimit'],
    [TILE_ACTIONS.refineTile]: ['drawLimit'],
    [refine.REFINE_ACTIONS.pick]: ['drawLimit'],
    [refine.REFINE_ACTIONS.done]: ['drawLimit'],
  },
};
