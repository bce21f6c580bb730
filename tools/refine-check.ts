/**
 * `npx tsx tools/refine-check.ts [--id lorelei128-v2] [--girls 60] [--faces 120]`: does each refine round
 * redraw its part and leave the rest alone? A pixel-region proxy for the evaluator's factor judge
 * (training/evaluate.py), whose checkpoint is not in the repository:
 *
 * 1. Where each part lives: real DiceBear faces (tools/dataset/sample-face.ts) rendered twice,
 *    the second time with only that part's variants changed (hair + head, eyes + eyebrows, mouth
 *    + nose); a pixel belongs to the part when it changes (> 32 levels) in ≥ 5 % of the pairs.
 * 2. For random gacha girls, each round's tiles against her (tile 1): the share of the part's
 *    pixels that changed by > 32 levels, and the share of the other pixels that did. A tile
 *    "differs in its part" when ≥ 5 % of the part's pixels changed, and "is the same elsewhere"
 *    when ≤ 2 % of the other pixels did. Round 4 (framing) moves the whole face, so it has no
 *    "elsewhere".
 * 3. The same for 🔀 variations at σ 0.35 (every z number moved), as the baseline.
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { gachaGirls } from '../src/core/gacha.ts';
import { drawable } from '../src/core/draw.ts';
import { REFINE_PARTS, refineRound } from '../src/core/refine-codes.ts';
import { variations } from '../src/latent/interpolate.ts';
import { startRuntime } from '../src/runtime.ts';
import { SeedRandom } from '../src/latent/seed-random.ts';
import { renderFacePng } from './dataset/render-face.ts';
import { sampleFace } from './dataset/sample-face.ts';
import { EYES_OPEN, HAIRSTYLES, MOUTHS_FROWN_CLOSED, MOUTHS_FROWN_OPEN, MOUTHS_SMILE_CLOSED, MOUTHS_SMILE_OPEN } from './dataset/lorelei-mapping.ts';

const { values } = parseArgs({ options: { id: { type: 'string' }, girls: { type: 'string', default: '60' }, faces: { type: 'string', default: '120' } } });
const GIRLS = Number(values.girls);
const FACES = Number(values.faces);
const CHANGED = 32;
const PART_SHARE = 0.05;
const VISIBLE = 0.05;
const CLEAN = 0.02;

const runtime = await startRuntime({ modelsDir: 'models', workers: 0 });
const ctx = runtime.context();
const model = runtime.catalog.get(values.id ?? runtime.catalog.defaultModelId)!;
const S = model.imageSize;

async function raw(png: Buffer): Promise<Uint8Array> {
  return new Uint8Array(await sharp(png).removeAlpha().resize(S, S).raw().toBuffer());
}
const changedAt = (a: Uint8Array, b: Uint8Array, p: number) =>
  Math.max(Math.abs(a[3 * p]! - b[3 * p]!), Math.abs(a[3 * p + 1]! - b[3 * p + 1]!), Math.abs(a[3 * p + 2]! - b[3 * p + 2]!)) > CHANGED;

// 1. The parts' regions, from real renders.
const rng = new SeedRandom(7);
const other = <T>(list: readonly T[], now: T): T => {
  const rest = list.filter((x) => x !== now);
  return rest[rng.int(rest.length)] ?? now;
};
const variant = (n: number) => `variant${String(1 + rng.int(n)).padStart(2, '0')}`;
const ALL_HAIR = Object.values(HAIRSTYLES).flat();
const ALL_MOUTHS = [...MOUTHS_SMILE_CLOSED, ...MOUTHS_SMILE_OPEN, ...MOUTHS_FROWN_CLOSED, ...MOUTHS_FROWN_OPEN];
const CHANGES: Record<string, (o: Record<string, unknown>) => Record<string, unknown>> = {
  outline: (o) => ({ ...o, hair: [other(ALL_HAIR, (o.hair as string[])[0]!)], head: [variant(4)] }),
  eyes: (o) => ({ ...o, eyes: [other(EYES_OPEN, (o.eyes as string[])[0]!)], eyebrows: [variant(13)] }),
  mouth: (o) => ({ ...o, mouth: [other(ALL_MOUTHS, (o.mouth as string[])[0]!)], nose: [variant(6)] }),
};
const regions: Record<string, Uint8Array> = {};
for (const [part, change] of Object.entries(CHANGES)) {
  const counts = new Uint32Array(S * S);
  for (let i = 0; i < FACES; i++) {
    const { options } = sampleFace(11, i);
    const [a, b] = await Promise.all([raw(await renderFacePng(options, S)), raw(await renderFacePng(change(options), S))]);
    for (let p = 0; p < S * S; p++) if (changedAt(a, b, p)) counts[p]!++;
  }
  regions[part] = Uint8Array.from(counts, (c) => (c >= PART_SHARE * FACES ? 1 : 0));
}

// 2. and 3. Tiles against her.
interface Tally {
  tiles: number;
  visible: number;
  clean: number;
  both: number;
  inShare: number;
  outShare: number;
}
const tally = (): Tally => ({ tiles: 0, visible: 0, clean: 0, both: 0, inShare: 0, outShare: 0 });
const byRound = REFINE_PARTS.map(tally);
const baseline = REFINE_PARTS.map(tally);

function score(t: Tally, region: Uint8Array | undefined, her: Uint8Array, tile: Uint8Array): void {
  let inside = 0;
  let inChanged = 0;
  let outChanged = 0;
  for (let p = 0; p < S * S; p++) {
    const c = changedAt(her, tile, p);
    if (!region || region[p]) {
      inside++;
      if (c) inChanged++;
    } else if (c) outChanged++;
  }
  const inShare = inChanged / inside;
  const outShare = region ? outChanged / Math.max(1, S * S - inside) : 0;
  t.tiles++;
  t.inShare += inShare;
  t.outShare += outShare;
  if (inShare >= VISIBLE) t.visible++;
  if (outShare <= CLEAN) t.clean++;
  if (inShare >= VISIBLE && outShare <= CLEAN) t.both++;
}

for (let g = 0; g < GIRLS; g++) {
  const girl = gachaGirls(ctx, { modelId: model.id, count: 1, seed: 1000 + g }).girls[0]!;
  for (let r = 0; r < REFINE_PARTS.length; r++) {
    const zs = refineRound(model, girl, r + 1, g).zs;
    const vars = variations(zs[0]!, 0.35, zs.length - 1, g);
    const images = await ctx.generator.generate([...zs, ...vars].map((z) => drawable({ modelId: model.id, z, tags: girl.tags })));
    const region = regions[REFINE_PARTS[r]!];
    const her = images[0]!.data;
    for (let k = 1; k < zs.length; k++) score(byRound[r]!, region, her, images[k]!.data);
    for (let k = zs.length; k < images.length; k++) score(baseline[r]!, region, her, images[k]!.data);
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`model ${model.id}, ${GIRLS} gacha girls (seeds 1000…${999 + GIRLS}), regions from ${FACES} real render pairs`);
console.log(
  'round | part | its share of the picture | tiles differing there (≥ 5 % of its pixels) | same elsewhere (≤ 2 % of the rest) | both | its pixels changed | other pixels changed | 🔀 σ 0.35: differing there | same elsewhere | both | its pixels | other pixels',
);
REFINE_PARTS.forEach((part, r) => {
  const t = byRound[r]!;
  const b = baseline[r]!;
  const has = regions[part] !== undefined;
  const area = has ? regions[part]!.reduce((s, x) => s + x, 0) / (S * S) : 1;
  const share = (n: number, x: Tally) => pct(n / x.tiles);
  const row = (x: Tally) =>
    [share(x.visible, x), has ? share(x.clean, x) : '—', has ? share(x.both, x) : '—', pct(x.inShare / x.tiles), has ? pct(x.outShare / x.tiles) : '—'].join(
      ' | ',
    );
  console.log(`${r + 1} | ${part} | ${pct(area)} | ${row(t)} | ${row(b)} (${t.tiles} tiles)`);
});
await runtime.close();
