/** One random lorelei face: the DiceBear options to render it and the tags those options mean. */
import { SeedRandom } from '../../src/latent/seed-random.ts';
import {
  BACKGROUNDS,
  EYE_COLORS,
  EYES_CLOSED,
  EYES_OPEN,
  EYES_WINK,
  GIRL_EYEBROWS,
  GIRL_EYES_OPEN,
  GIRL_HAIRSTYLES,
  GIRL_MOUTHS_FROWN_CLOSED,
  GIRL_MOUTHS_FROWN_OPEN,
  GIRL_MOUTHS_SMILE_CLOSED,
  GIRL_MOUTHS_SMILE_OPEN,
  GLASSES_CLEAR,
  GLASSES_SUN,
  HAIR_COLORS,
  HAIRSTYLES,
  MOUTHS_FROWN_CLOSED,
  MOUTHS_FROWN_OPEN,
  MOUTHS_SMILE_CLOSED,
  MOUTHS_SMILE_OPEN,
  SKIN_TONES,
} from './lorelei-mapping.ts';

/** Which variants a dataset draws: every usable one, or those that read as girls (lorelei-mapping.ts). */
export type FaceLook = 'all' | 'girls';
export const FACE_LOOKS: readonly FaceLook[] = ['all', 'girls'];

const VARIANTS = {
  all: {
    hairstyles: HAIRSTYLES,
    eyesOpen: EYES_OPEN,
    eyebrows: Array.from({ length: 13 }, (_, i) => `variant${String(i + 1).padStart(2, '0')}`),
    smileClosed: MOUTHS_SMILE_CLOSED,
    smileOpen: MOUTHS_SMILE_OPEN,
    frownClosed: MOUTHS_FROWN_CLOSED,
    frownOpen: MOUTHS_FROWN_OPEN,
  },
  girls: {
    hairstyles: GIRL_HAIRSTYLES,
    eyesOpen: GIRL_EYES_OPEN,
    eyebrows: GIRL_EYEBROWS,
    smileClosed: GIRL_MOUTHS_SMILE_CLOSED,
    smileOpen: GIRL_MOUTHS_SMILE_OPEN,
    frownClosed: GIRL_MOUTHS_FROWN_CLOSED,
    frownOpen: GIRL_MOUTHS_FROWN_OPEN,
  },
} as const;

export interface SampledFace {
  options: Record<string, unknown>;
  tags: string[];
  /** Every untagged draw outside factors.csv as [choice, choices] (UNTAGGED_DRAWS): see there. */
  draws: Record<UntaggedDraw, [number, number] | undefined>;
}

/**
 * The renderer's other untagged draws, beside the variants of factors.csv: framing, tilt,
 * gradient colours and angle, each colour's jitter, and the look of an accessory the tags ask
 * for. With these and factors.csv a face is fully determined by its tags, so a generator can be
 * taught exactly what every z number draws (training/draw_codes.py). A draw that does not
 * happen (no gradient, no tilt) is left out of the row.
 */
export const UNTAGGED_DRAWS = [
  'glassesVariant',
  'tiltSide',
  'tiltAngle',
  'gradientFrom',
  'gradientTo',
  'gradientAngle',
  'hairRed',
  'hairGreen',
  'hairBlue',
  'eyesRed',
  'eyesGreen',
  'eyesBlue',
  'skinRed',
  'skinGreen',
  'skinBlue',
  'glassesColor',
  'earringsVariant',
  'earringsColor',
  'flowerColor',
  'scale',
  'shiftX',
  'shiftY',
  // Last, so that the z numbers of the draws above keep their places (models trained before it).
  'eyesHidden',
] as const;
export type UntaggedDraw = (typeof UNTAGGED_DRAWS)[number];

const ACCESSORY_COLORS = ['ff5c8a', 'ffffff', 'ffd23f', 'e0403a', 'b57edc', '6ec6ff'];
const METAL_COLORS = ['d4a017', 'c0c0c8', 'e06080'];

function pick<T>(rng: SeedRandom, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

function pickKey(rng: SeedRandom, table: Record<string, unknown>): string {
  return pick(rng, Object.keys(table));
}

/** A SeedRandom that also notes the draws it is asked to name, for draws.csv. */
class NamedDraws {
  readonly drawn: Partial<Record<UntaggedDraw, [number, number]>> = {};
  constructor(private readonly rng: SeedRandom) {}

  int(n: number, name: UntaggedDraw): number {
    const k = this.rng.int(n);
    this.drawn[name] = [k, n];
    return k;
  }

  pick<T>(items: readonly T[], name: UntaggedDraw): T {
    return items[this.int(items.length, name)]!;
  }
}

/** Moves each channel by up to ±`amount` so one tag covers a small region of colours. */
function jitter(draws: NamedDraws, hex: string, amount: number, names: readonly [UntaggedDraw, UntaggedDraw, UntaggedDraw]): string {
  let out = '';
  for (let i = 0; i < 3; i++) {
    const c = parseInt(hex.slice(i * 2, i * 2 + 2), 16) + draws.int(2 * amount + 1, names[i]!) - amount;
    out += Math.max(0, Math.min(255, c)).toString(16).padStart(2, '0');
  }
  return out;
}

/**
 * A face drawn from the dataset's distribution; the same (seed, index) always gives the same face.
 * With `given` (a full tag set, as the dataset writes them) every tagged choice is that set's and
 * only the untagged ones (hair variant, eyes, eyebrows, nose, head, mouth variant, framing,
 * colour jitter) stay random: the evaluator's "real faces with the same tags" reference. The
 * random draws happen in the same order either way, so the dataset is unchanged.
 */
export function sampleFace(seed: number, index: number, given?: readonly string[], look: FaceLook = 'all'): SampledFace {
  const variants = VARIANTS[look];
  // Each image has its own stream, so any split of the work between threads gives the same set.
  const rng = new SeedRandom((Math.imul(seed, 0x9e3779b1) + index) >>> 0);
  const named = new NamedDraws(rng);
  const has = (t: string) => given?.includes(t) ?? false;
  const givenKey = (table: Record<string, unknown>) => given?.find((t) => t in table);
  const tags: string[] = [];

  let hairstyle = pickKey(rng, variants.hairstyles);
  let hairColor = pickKey(rng, HAIR_COLORS);
  if (given) {
    hairstyle = givenKey(variants.hairstyles) ?? hairstyle;
    hairColor = givenKey(HAIR_COLORS) ?? hairColor;
  }
  tags.push(hairstyle, hairColor);

  let eyesRoll = rng.uniform();
  if (given) eyesRoll = has('closed_eyes') ? 0.05 : has('one_eye_closed') ? 0.15 : 0.5;
  const eyes = eyesRoll < 0.12 ? pick(rng, EYES_CLOSED) : eyesRoll < 0.2 ? pick(rng, EYES_WINK) : pick(rng, variants.eyesOpen);
  if (eyesRoll < 0.12) tags.push('closed_eyes');
  else if (eyesRoll < 0.2) tags.push('one_eye_closed');
  let eyeColor = pickKey(rng, EYE_COLORS);
  if (given) eyeColor = givenKey(EYE_COLORS) ?? eyeColor;
  // Closed eyes keep their colour (the lids' lines) but carry no eye-colour tag: the colour is an
  // untagged draw like any other, and a generator not told it paints the mean of all eight.
  if (eyesRoll < 0.12) named.drawn.eyesHidden = [Object.keys(EYE_COLORS).indexOf(eyeColor), Object.keys(EYE_COLORS).length];

  let glassesRoll = rng.uniform();
  if (given) glassesRoll = has('glasses') ? 0.05 : has('sunglasses') ? 0.2 : 0.5;
  const glasses = glassesRoll < 0.15 ? named.pick(GLASSES_CLEAR, 'glassesVariant') : glassesRoll < 0.23 ? pick(rng, GLASSES_SUN) : null;
  if (glassesRoll < 0.15) tags.push('glasses');
  else if (glasses) tags.push('sunglasses');
  // An eye colour nobody can see (closed eyes, dark lenses) is not tagged, as on Danbooru.
  if (eyesRoll >= 0.12 && !(glasses && GLASSES_SUN.includes(glasses))) tags.push(eyeColor);

  let mouthRoll = rng.uniform();
  if (given) mouthRoll = has('smile') ? (has('open_mouth') ? 0.5 : 0.2) : has('open_mouth') ? 0.9 : 0.7;
  let mouth: string;
  if (mouthRoll < 0.45) {
    mouth = pick(rng, variants.smileClosed);
    tags.push('smile');
  } else if (mouthRoll < 0.65) {
    mouth = pick(rng, variants.smileOpen);
    tags.push('smile', 'open_mouth');
  } else if (mouthRoll < 0.85) {
    mouth = pick(rng, variants.frownClosed);
    tags.push('frown');
  } else {
    mouth = pick(rng, variants.frownOpen);
    tags.push('frown', 'open_mouth');
  }

  let skinRoll = rng.uniform();
  let skin = SKIN_TONES[0]!;
  for (const tone of SKIN_TONES) {
    if (skinRoll < tone.weight) {
      skin = tone;
      break;
    }
    skinRoll -= tone.weight;
  }
  if (given) skin = SKIN_TONES.find((t) => t.tag !== null && has(t.tag)) ?? SKIN_TONES.find((t) => t.tag === null)!;
  if (skin.tag) tags.push(skin.tag);

  const roll = (p: number, tag: string) => {
    const r = rng.uniform() < p;
    return given ? has(tag) : r;
  };
  const freckles = roll(0.2, 'freckles');
  if (freckles) tags.push('freckles');
  const earrings = roll(0.25, 'earrings');
  if (earrings) tags.push('earrings');
  const flower = roll(0.2, 'hair_flower');
  if (flower) tags.push('hair_flower');

  const tilt = roll(0.2, 'head_tilt');
  let rotate = 0;
  if (tilt) {
    const side = rng.uniform() < 0.5 ? -1 : 1;
    named.drawn.tiltSide = [side < 0 ? 0 : 1, 2];
    rotate = side * (8 + named.int(7, 'tiltAngle'));
    tags.push('head_tilt');
  }

  let backgroundKey = rng.int(Object.keys(BACKGROUNDS).length + 1);
  if (given) {
    const k = Object.keys(BACKGROUNDS).findIndex((b) => has(b));
    backgroundKey = k >= 0 ? k : has('gradient_background') ? Object.keys(BACKGROUNDS).length : backgroundKey;
  }
  const solidColors = Object.values(BACKGROUNDS);
  let background: Record<string, unknown>;
  if (backgroundKey < solidColors.length) {
    tags.push(Object.keys(BACKGROUNDS)[backgroundKey]!);
    background = { backgroundColor: [solidColors[backgroundKey]], backgroundType: ['solid'] };
  } else {
    tags.push('gradient_background');
    const a = named.pick(solidColors.slice(1), 'gradientFrom');
    let b = named.pick(solidColors.slice(1), 'gradientTo');
    if (b === a) b = 'ffffff';
    background = { backgroundColor: [a, b], backgroundType: ['gradientLinear'], backgroundRotation: [named.int(360, 'gradientAngle')] };
  }

  const options: Record<string, unknown> = {
    seed: `${seed}-${index}`,
    hair: [pick(rng, variants.hairstyles[hairstyle]!)],
    hairColor: [jitter(named, HAIR_COLORS[hairColor]!, 10, ['hairRed', 'hairGreen', 'hairBlue'])],
    eyes: [eyes],
    eyesColor: [jitter(named, EYE_COLORS[eyeColor]!, 8, ['eyesRed', 'eyesGreen', 'eyesBlue'])],
    eyebrows: [pick(rng, variants.eyebrows)],
    eyebrowsColor: ['2a1e18'],
    mouth: [mouth],
    nose: [`variant${String(1 + rng.int(6)).padStart(2, '0')}`],
    head: [`variant0${1 + rng.int(4)}`],
    skinColor: [jitter(named, skin.color, 6, ['skinRed', 'skinGreen', 'skinBlue'])],
    glasses: glasses ? [glasses] : undefined,
    glassesProbability: glasses ? 100 : 0,
    glassesColor: [named.pick(['000000', '3a2a20', '8a1c2c'], 'glassesColor')],
    earrings: [`variant0${1 + named.int(3, 'earringsVariant')}`],
    earringsProbability: earrings ? 100 : 0,
    earringsColor: [named.pick(METAL_COLORS, 'earringsColor')],
    freckles: ['variant01'],
    frecklesProbability: freckles ? 100 : 0,
    hairAccessories: ['flowers'],
    hairAccessoriesProbability: flower ? 100 : 0,
    hairAccessoriesColor: [named.pick(ACCESSORY_COLORS, 'flowerColor')],
    beardProbability: 0,
    // Zoom onto the face (lorelei leaves a wide margin) with a little framing jitter,
    // so that untagged variation exists for z to carry.
    scale: 112 + named.int(9, 'scale'),
    translateX: named.int(5, 'shiftX') - 2,
    translateY: 2 + named.int(5, 'shiftY') - 2,
    rotate,
    ...background,
  };
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  // Drawn either way (so the stream stays the same), but only seen with the accessory.
  const unseen: UntaggedDraw[] = [
    ...(glasses ? [] : (['glassesColor'] as const)),
    ...(earrings ? [] : (['earringsVariant', 'earringsColor'] as const)),
    ...(flower ? [] : (['flowerColor'] as const)),
  ];
  const draws = Object.fromEntries(UNTAGGED_DRAWS.map((name) => [name, unseen.includes(name) ? undefined : named.drawn[name]])) as SampledFace['draws'];
  return { options, tags, draws };
}

/** The options no tag names, one column each in factors.csv: what z has to carry. */
export const UNTAGGED_FACTORS = ['hair', 'eyes', 'eyebrows', 'mouth', 'nose', 'head'] as const;

/** One draws.csv cell per UNTAGGED_DRAWS name: "choice/choices", empty where nothing was drawn. */
export function untaggedDraws(draws: SampledFace['draws']): string[] {
  return UNTAGGED_DRAWS.map((name) => {
    const d = draws[name];
    return d ? `${d[0]}/${d[1]}` : '';
  });
}

export function untaggedFactors(options: Record<string, unknown>): string[] {
  return UNTAGGED_FACTORS.map((k) => String((options[k] as string[] | undefined)?.[0] ?? ''));
}
