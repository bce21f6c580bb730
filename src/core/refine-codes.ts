/**
 * The refine loop's pure part (what Waifu Labs made popular): four rounds of nine, each
 * keeping her and redrawing one part — her hair and face outline, her eyes and brows, her
 * mouth and nose, her framing and colours — from which the user picks one.
 *
 * It works on the model's coded parts. A model trained with factor and draw codes
 * (training/factor_codes.py, draw_codes.py) lists them in its card: training.factorCodes
 * {name: {zIndex, variants, limitedBy, variantsWith}} and training.drawCodes {name: {zIndex,
 * choices}}. z[zIndex] chooses the k-th of n choices when Φ(z) ∈ [k/n, (k+1)/n), n being the
 * count for the face's limiting tags (variantsWith, else all variants, as training's targets()
 * does). A round moves only its own numbers, each into the middle of another choice's share, so
 * every tile differs from her in that part and keeps every other number of z exactly. A model
 * without codes (the first one) gets variations at a σ that shrinks round by round instead.
 *
 * 🔀 variations use the same parts (partVariations): each tile redraws one part, the parts
 * taken in turn, with a choice the variations' seed draws from the same other choices.
 */
import { z as zod } from 'zod';
import { roundToFloat16 } from '../latent/float16.ts';
import { variations as perturb } from '../latent/interpolate.ts';
import { normalCdf, normalQuantile } from '../latent/normal.ts';
import { SeedRandom } from '../latent/seed-random.ts';
import type { TagVocabulary } from '../tags/vocabulary.ts';

export const REFINE_ROUNDS = 4;
/** Tiles per round: she herself (tile 1), then up to 8 others. */
export const REFINE_TILES = 9;
/** σ of each round's variations for a model without codes: broad first, fine last. */
export const FALLBACK_SIGMAS: readonly number[] = [0.5, 0.35, 0.25, 0.15];

export type RefinePart = 'outline' | 'eyes' | 'mouth' | 'framing';
/** The part each round redraws, round 1 first. */
export const REFINE_PARTS: readonly RefinePart[] = ['outline', 'eyes', 'mouth', 'framing'];
/** What each part is called on a picture (the bot's replies say it in the user's language: refine.part.*). */
export const PART_TITLES: Readonly<Record<RefinePart, string>> = {
  outline: 'hair and face outline',
  eyes: 'eyes and brows',
  mouth: 'mouth and nose',
  framing: 'framing and colours',
};

/** A draw code that only shows with some tag (tilt with head_tilt…): left alone without it. */
interface DrawInRound {
  name: string;
  onlyWith?: readonly string[];
}

/**
 * Which codes each part redraws. The names are the renderer's (tools/dataset/sample-face.ts
 * UNTAGGED_FACTORS, UNTAGGED_DRAWS); a name the card lacks is skipped. Each part's first code
 * has the most choices, so the tiles' walk changes it on every tile.
 */
const PART_CODES: Record<RefinePart, { factors: readonly string[]; draws: readonly DrawInRound[] }> = {
  outline: { factors: ['hair', 'head'], draws: [] },
  eyes: { factors: ['eyes', 'eyebrows'], draws: [{ name: 'eyesHidden', onlyWith: ['closed_eyes'] }] },
  mouth: { factors: ['mouth', 'nose'], draws: [] },
  framing: {
    factors: [],
    draws: [
      { name: 'scale' },
      { name: 'shiftX' },
      { name: 'shiftY' },
      { name: 'tiltSide', onlyWith: ['head_tilt'] },
      { name: 'tiltAngle', onlyWith: ['head_tilt'] },
      { name: 'gradientFrom', onlyWith: ['gradient_background'] },
      { name: 'gradientTo', onlyWith: ['gradient_background'] },
      { name: 'gradientAngle', onlyWith: ['gradient_background'] },
      ...['hair', 'eyes', 'skin'].flatMap((what) => ['Red', 'Green', 'Blue'].map((c) => ({ name: `${what}${c}` }))),
      { name: 'glassesColor', onlyWith: ['glasses', 'sunglasses'] },
      { name: 'earringsColor', onlyWith: ['earrings'] },
      { name: 'flowerColor', onlyWith: ['hair_flower'] },
    ],
  },
};

const count = zod.number().int().min(0).max(100_000);
const factorCodeSchema = zod.object({
  zIndex: zod.number().int().min(0),
  variants: count,
  limitedBy: zod.array(zod.string()).default([]),
  variantsWith: zod.record(count).optional(),
});
const drawCodeSchema = zod.object({ zIndex: zod.number().int().min(0), choices: count });
const codesSchema = zod.object({
  factorCodes: zod.record(factorCodeSchema),
  drawCodes: zod.record(drawCodeSchema).optional(),
});

export type FactorCode = zod.infer<typeof factorCodeSchema>;
export type DrawCode = zod.infer<typeof drawCodeSchema>;

/** A model's coded z numbers, as its card lists them. */
export interface CodedParts {
  factors: Readonly<Record<string, FactorCode>>;
  draws: Readonly<Record<string, DrawCode>>;
}

/** What the refine loop needs of a model: its card, z size and tag vocabulary. */
export interface RefineModel {
  card: { training?: Record<string, unknown> };
  zDim: number;
  vocabulary: TagVocabulary;
}

/**
 * The coded parts the card lists, or undefined for a model without them (or whose card lists
 * them malformed, or outside z: then the σ fallback is the safe reading).
 */
export function codedParts(model: Pick<RefineModel, 'card' | 'zDim'>): CodedParts | undefined {
  const parsed = codesSchema.safeParse(model.card.training ?? {});
  if (!parsed.success) return undefined;
  const { factorCodes, drawCodes = {} } = parsed.data;
  const indices = [...Object.values(factorCodes), ...Object.values(drawCodes)].map((c) => c.zIndex);
  if (indices.length === 0 || indices.some((i) => i >= model.zDim)) return undefined;
  return { factors: factorCodes, draws: drawCodes };
}

/** One coded number a round redraws, with how many choices it has for her tags. */
export interface RoundNumber {
  name: string;
  zIndex: number;
  choices: number;
}

const hasTag = (vocab: TagVocabulary, tags: ArrayLike<number>, name: string): boolean => {
  const entry = vocab.entries.find((e) => e.name === name);
  return entry !== undefined && (tags[entry.index] ?? 0) >= 0.5;
};

/**
 * How many variants a factor code chooses among for these tags: the count for the limiting
 * tags she has (comma-joined in the card's order), else every variant — as training's
 * FactorCodes.targets reads it.
 */
export function variantsFor(code: FactorCode, vocab: TagVocabulary, tags: ArrayLike<number>): number {
  const key = code.limitedBy.filter((t) => hasTag(vocab, tags, t)).join(',');
  return code.variantsWith?.[key] ?? code.variants;
}

/** The numbers a round redraws for a girl with these tags (those with one choice left out). */
export function roundNumbers(parts: CodedParts, part: RefinePart, vocab: TagVocabulary, tags: ArrayLike<number>): RoundNumber[] {
  const spec = PART_CODES[part];
  const out: RoundNumber[] = [];
  for (const name of spec.factors) {
    const code = parts.factors[name];
    if (code) out.push({ name, zIndex: code.zIndex, choices: variantsFor(code, vocab, tags) });
  }
  for (const d of spec.draws) {
    const code = parts.draws[d.name];
    if (code && (!d.onlyWith || d.onlyWith.some((t) => hasTag(vocab, tags, t)))) out.push({ name: d.name, zIndex: code.zIndex, choices: code.choices });
  }
  return out.filter((n) => n.choices > 1);
}

/** The choice (0 … n−1) a z number makes among n: the share of N(0, 1) it falls in. */
export function choiceOf(value: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(normalCdf(value) * n)));
}

/** The z number in the middle (in Φ's terms) of choice k's share: where no blend is drawn. */
export function middleOf(k: number, n: number): number {
  return normalQuantile((k + 0.5) / n);
}

/** Her choices among these numbers, read from z as it is drawn (float16, as share codes and the generator read it). */
export function choicesOf(z: ArrayLike<number>, numbers: readonly RoundNumber[]): number[] {
  return numbers.map((n) => choiceOf(roundToFloat16(z[n.zIndex]!), n.choices));
}

/** A copy of z with each of these numbers in the middle of its choice; every other number kept exactly. */
export function withChoices(z: ArrayLike<number>, numbers: readonly RoundNumber[], choices: readonly number[]): Float32Array {
  const out = Float32Array.from(z);
  numbers.forEach((n, i) => {
    out[n.zIndex] = middleOf(choices[i]!, n.choices);
  });
  return out;
}

/**
 * Tile k's move for a number of n choices: with n ≥ 9 the eight tiles spread over all the
 * choices (k·n/9 apart, so no two share one), with fewer they step one by one.
 */
const offset = (n: number, k: number): number => (n >= REFINE_TILES ? Math.round((k * n) / REFINE_TILES) : k);

/**
 * Up to `want` choice tuples that differ from hers and from each other: first the walk that
 * moves every number at once (tile k: each number k steps on), then, where that repeats
 * (few choices), the other combinations in order.
 */
export function otherChoices(numbers: readonly RoundNumber[], hers: readonly number[], want = REFINE_TILES - 1): number[][] {
  const seen = new Set([hers.join(',')]);
  const out: number[][] = [];
  const add = (t: number[]) => {
    const key = t.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    out.push(t);
  };
  for (let k = 1; k < REFINE_TILES && out.length < want; k++) add(numbers.map((n, i) => (hers[i]! + offset(n.choices, k)) % n.choices));
  const combinations = numbers.reduce((p, n) => p * n.choices, 1);
  for (let m = 1; m < Math.min(combinations, 1_000_000) && out.length < want; m++) {
    let rest = m;
    add(
      numbers.map((n, i) => {
        const step = rest % n.choices;
        rest = Math.floor(rest / n.choices);
        return (hers[i]! + step) % n.choices;
      }),
    );
  }
  return out;
}

export interface RefineRoundPlan {
  round: number;
  part: RefinePart;
  /** 'codes': the round's coded numbers moved; 'sigma': variations at `sigma` (no codes). */
  mode: 'codes' | 'sigma';
  sigma?: number;
  /** The numbers moved (mode 'codes'). */
  numbers?: RoundNumber[];
  /** Tile 1 is her z itself; then up to 8 others. */
  zs: Float32Array[];
}

export function checkRound(round: number): number {
  if (!Number.isInteger(round) || round < 1 || round > REFINE_ROUNDS) throw new RangeError(`a refine round is 1 to ${REFINE_ROUNDS}, got ${round}`);
  return round;
}

/**
 * The nine z's of one round for the girl (z, tags) of this model: hers first, then each with
 * only this round's coded numbers moved to another choice. `noiseSeed` only matters for a
 * model without codes (or a round none of whose codes has a second choice for her tags).
 */
export function refineRound(model: RefineModel, girl: { z: ArrayLike<number>; tags: ArrayLike<number> }, round: number, noiseSeed: number): RefineRoundPlan {
  checkRound(round);
  if (girl.z.length !== model.zDim) throw new RangeError(`z has ${girl.z.length} numbers, the model takes ${model.zDim}`);
  const part = REFINE_PARTS[round - 1]!;
  // Her z as she is drawn (share codes and the generator read float16), so her choices are read
  // from the very numbers that drew her.
  const her = Float32Array.from(girl.z, roundToFloat16);
  const parts = codedParts(model);
  const numbers = parts ? roundNumbers(parts, part, model.vocabulary, girl.tags) : [];
  if (numbers.length > 0) {
    const others = otherChoices(numbers, choicesOf(her, numbers));
    if (others.length > 0) return { round, part, mode: 'codes', numbers, zs: [her, ...others.map((choices) => withChoices(her, numbers, choices))] };
  }
  const sigma = FALLBACK_SIGMAS[round - 1]!;
  return { round, part, mode: 'sigma', sigma, zs: [her, ...perturb(her, sigma, REFINE_TILES - 1, noiseSeed)] };
}

/** One 🔀 variation of a coded model: her z with one part's numbers moved to another choice. */
export interface PartVariation {
  part: RefinePart;
  /** The numbers moved. */
  numbers: RoundNumber[];
  z: Float32Array;
}

/**
 * `count` variations of the girl (z, tags), each redrawing exactly one part: the parts in turn
 * (outline, eyes, mouth, framing, outline, …), each time another of that part's other choices
 * (otherChoices, in an order `seed` shuffles), every other number of z kept exactly. A part
 * with no other choice for her tags, or none left, is passed over; so there are fewer than
 * `count` only when her tags leave fewer looks, and none for a model without coded parts.
 */
export function partVariations(model: RefineModel, girl: { z: ArrayLike<number>; tags: ArrayLike<number> }, count: number, seed: number): PartVariation[] {
  if (girl.z.length !== model.zDim) throw new RangeError(`z has ${girl.z.length} numbers, the model takes ${model.zDim}`);
  const parts = codedParts(model);
  if (!parts) return [];
  const rng = new SeedRandom(seed);
  const pools = REFINE_PARTS.map((part) => {
    const numbers = roundNumbers(parts, part, model.vocabulary, girl.tags);
    const others = numbers.length > 0 ? otherChoices(numbers, choicesOf(girl.z, numbers), Math.max(count, REFINE_TILES - 1)) : [];
    // Fisher–Yates with the variations' seed: which of her other looks this picture shows.
    for (let i = others.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [others[i], others[j]] = [others[j]!, others[i]!];
    }
    return { part, numbers, others };
  });
  const out: PartVariation[] = [];
  for (let k = 0; out.length < count && pools.some((p) => p.others.length > 0); k++) {
    const pool = pools[k % pools.length]!;
    const choices = pool.others.shift();
    if (choices) out.push({ part: pool.part, numbers: pool.numbers, z: withChoices(girl.z, pool.numbers, choices) });
  }
  return out;
}
