/** Posting a gacha grid or a variations grid, with its buttons (used by /gacha and its buttons). */
import type { RepliableInteraction } from 'discord.js';
import type { BotContext } from '../../bot/context.ts';
import { filesOf, replyAfterWork } from '../../bot/respond.ts';
import { gacha, type GachaRequest, type GachaResult } from '../../core/gacha.ts';
import type { Girl } from '../../core/girl.ts';
import { variations, type VariationsResult } from '../../core/variations.ts';
import { seedRangeText } from '../../core/seed-range.ts';
import { translator, type Translate } from '../../i18n/index.ts';
import { saveGacha, saveVariations, withStorageNote } from '../shared/stored-pictures.ts';
import { tileComponents } from '../shared/tile-buttons.ts';

export async function postGacha(interaction: RepliableInteraction, ctx: BotContext, req: GachaRequest): Promise<void> {
  const tr = translator(interaction.locale);
  await replyAfterWork(interaction, ctx, async () => {
    const r = await gacha(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), req);
    const saved = await saveGacha(ctx, interaction.user.id, r);
    return {
      content: withStorageNote(gachaContent(r, tr), saved, tr),
      files: filesOf(r.attachments),
      components: saved.id ? tileComponents(saved.id, r.girls.length, tr, { variations: true, reroll: true }) : [],
    };
  });
}

/** What was drawn and the exact command that draws it again. */
export function gachaContent(r: GachaResult, tr: Translate): string {
  const names = r.requested.names.join(', ');
  const first = r.seeds[0]!;
  const psi = r.psi === 1 ? '' : ` psi:${r.psi}`;
  const redo = `/gacha${names ? ` tags:${names}` : ''} count:${r.seeds.length} seed:${first}${psi}`;
  return [
    tr('gacha.content', {
      girls: r.seeds.length === 1 ? tr('gacha.girls_one') : tr('gacha.girls', { count: r.seeds.length }),
      seeds: r.seeds.length === 1 ? tr('gacha.seed_one', { seed: first }) : tr('gacha.seeds', { range: seedRangeText(r.seeds) }),
      tags: (names || tr('gacha.random_tags')) + (r.psi === 1 ? '' : ` · ψ ${r.psi}`),
    }),
    tr('gacha.redo', { command: redo }),
    ...r.requested.warnings.map((w) => tr('gacha.warning', { message: w.message })),
    tr('tiles.hint'),
  ].join('\n');
}

/** Variations of one girl; tile 1 is she herself. `of` names her for the caption ("tile 3 (seed 42)"). */
export async function postVariations(interaction: RepliableInteraction, ctx: BotContext, girl: Girl, of: string): Promise<void> {
  const tr = translator(interaction.locale);
  await replyAfterWork(interaction, ctx, async () => {
    const r = await variations(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { girl });
    const saved = await saveVariations(ctx, interaction.user.id, r.girls, { ...(r.sigma !== undefined ? { sigma: r.sigma } : {}), noiseSeed: r.seed, of });
    const content = [variationsContent(r, of, tr), tr('tiles.hint')].join('\n');
    return {
      content: withStorageNote(content, saved, tr),
      files: filesOf(r.attachments),
      components: saved.id ? tileComponents(saved.id, r.girls.length, tr, { variations: true, reroll: true }) : [],
    };
  });
}

/** What a variations picture shows: the part each tile redraws, or the σ of its noise. */
export function variationsContent(r: VariationsResult, of: string, tr: Translate): string {
  const count = r.girls.length - 1;
  if (r.mode === 'codes') {
    const parts = [...new Set(r.parts)].map((p) => tr(`refine.part.${p}`)).join(' → ');
    return tr('variations.content_parts', { count, of, parts, seed: r.seed });
  }
  return tr('variations.content', { count, of, sigma: r.sigma ?? '', seed: r.seed });
}
