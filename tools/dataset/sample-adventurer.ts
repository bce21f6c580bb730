/** One random adventurer face: the DiceBear options to render it and the tags those options mean. */
import { SeedRandom } from '../../src/latent/seed-random.ts';
import {
  BACKGROUNDS,
  EYEBROWS,
  EYES,
  GLASSES,
  HAIR_COLORS,
  HAIR_JITTER,
  HAIR_LENGTHS,
  MOUTHS_OTHER,
  MOUTHS_SMILE,
  SKIN_COLORS,
  UNTAGGED_FEATURES,
} from './adventurer-mapping.ts';

/** How often each standalone tag is drawn. */
export const ADVENTURER_RATES = { smile: 0.5, blush: 0.25, glasses: 0.25, untaggedFeature: 0.15 } as const;

export interface AdventurerFace {
  options: Record<string, unknown>;
  tags: string[];
}

function pick<T>(rng: SeedRandom, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** Moves each channel by up to ±amount. */
function jitter(rng: SeedRandom, hex: string, amount: number): string {
  let out = '';
  for (let i = 0; i < 3; i++) {
    const c = parseInt(hex.slice(i * 2, i * 2 + 2), 16) + rng.int(2 * amount + 1) - amount;
    out += Math.max(0, Math.min(255, c)).toString(16).padStart(2, '0');
  }
  return out;
}

/**
 * A face of the adventurer set; the same (seed, index) always gives the same face, whatever the
 * split of the work between threads. The tags (hair colour, hair length, smile, blush, glasses,
 * background) are drawn and then the options that show them; everything else — eyes, brows,
 * the mouth within its class, skin, freckles or a birthmark, the hair variant within its length,
 * colour jitter, a mirror image — is drawn at random per image and tagged by nothing.
 */
export function sampleAdventurerFace(seed: number, index: number): AdventurerFace {
  // A stream of its own per image, apart from lorelei's (sample-face.ts) for the same seed.
  const rng = new SeedRandom(((Math.imul(seed, 0x9e3779b1) + index) ^ 0x5ad7e47) >>> 0);
  const tags: string[] = [];

  const hairColor = pick(rng, Object.keys(HAIR_COLORS));
  const hairLength = pick(rng, Object.keys(HAIR_LENGTHS));
  tags.push(hairColor, hairLength);
  const smile = rng.uniform() < ADVENTURER_RATES.smile;
  if (smile) tags.push('smile');
  const blush = rng.uniform() < ADVENTURER_RATES.blush;
  if (blush) tags.push('blush');
  const glasses = rng.uniform() < ADVENTURER_RATES.glasses;
  if (glasses) tags.push('glasses');
  const background = pick(rng, Object.keys(BACKGROUNDS));
  tags.push(background);

  const untaggedFeature = !blush && rng.uniform() < ADVENTURER_RATES.untaggedFeature;
  const features = blush ? ['blush'] : untaggedFeature ? [pick(rng, UNTAGGED_FEATURES)] : [];
  const options: Record<string, unknown> = {
    seed: `adventurer-${seed}-${index}`,
    hair: [pick(rng, HAIR_LENGTHS[hairLength]!)],
    hairColor: [jitter(rng, pick(rng, HAIR_COLORS[hairColor]!), HAIR_JITTER)],
    hairProbability: 100,
    eyes: [pick(rng, EYES)],
    eyebrows: [pick(rng, EYEBROWS)],
    mouth: [pick(rng, smile ? MOUTHS_SMILE : MOUTHS_OTHER)],
    skinColor: [jitter(rng, pick(rng, SKIN_COLORS), 4)],
    glasses: [pick(rng, GLASSES)],
    glassesProbability: glasses ? 100 : 0,
    ...(features.length ? { features } : {}),
    featuresProbability: features.length ? 100 : 0,
    earringsProbability: 0,
    flip: rng.uniform() < 0.5,
    // A little framing jitter (percent of the picture), as lorelei's renders have.
    translateX: rng.int(5) - 2,
    translateY: rng.int(5) - 2,
    backgroundColor: [BACKGROUNDS[background]!],
    backgroundType: ['solid'],
  };
  return { options, tags };
}
