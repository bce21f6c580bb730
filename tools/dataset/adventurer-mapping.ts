/**
 * Which DiceBear *adventurer* option values mean which tag (`npm run dataset -- --style
 * adventurer`): a second, smaller tagged set in another style, the stand-in for one's own art
 * (data with exact tags but no per-image codes: no factors.csv, draws.csv or masks).
 * Decided by looking at contact sheets of every variant at 64 and 150 px; only variants that
 * read as girls' faces are drawn (product.md, "Data"). Adventurer is CC BY 4.0 (Lisa Wischofsky).
 */
import { VOCABULARY, type TagInfo } from '../../src/tags/default-vocabulary.ts';

/**
 * Hair colour tags → adventurer's own hairColor options (hex RGB); each render picks one and
 * jitters it by up to ±HAIR_JITTER a channel, so that a tag is a small region of colours.
 * Left out: the orange, ash, green, aqua, pink and purple options.
 */
export const HAIR_COLORS: Record<string, string[]> = {
  blonde_hair: ['e5d7a3', 'b9a05f'],
  brown_hair: ['6a4e35', '562306'],
  black_hair: ['0e0e0e'],
  red_hair: ['ab2a18'],
  silver_hair: ['afafaf'],
};
export const HAIR_JITTER = 6;

/**
 * Hair variants per length. long_hair: hair that falls past the chin on both sides (long
 * straight, layered and wavy cuts, the braid). short_hair: hair that ends at the ears or cheeks
 * (bobs, a fringed cut, the curly one). Left out as neither clearly long nor clearly short at 64 px: the
 * chin-length cuts (long01, long17, long20, long22, long24), the tied-up ones (buns, twintails,
 * ponytail: long10–long15, long19, long23); the cuts whose bangs hide the eyes and so the glasses
 * (long26, short06); and the cuts that read as boys (crops, quiffs, mohawks, spikes, the bald
 * heads: short01, short04, short05, short07–short19).
 */
export const HAIR_LENGTHS: Record<string, string[]> = {
  long_hair: ['long04', 'long05', 'long06', 'long07', 'long08', 'long09', 'long16', 'long18'],
  short_hair: ['long02', 'long03', 'long21', 'long25', 'short02', 'short03'],
};

/** Clear glasses with frames that show at 64 px (variant01 is sunglasses, variant03 a tiny pince-nez). */
export const GLASSES = ['variant02', 'variant04', 'variant05'];

/** Mouths that smile (open laughs, grins, the v line); the others drawn are neutral or surprised. */
export const MOUTHS_SMILE = ['variant01', 'variant02', 'variant05', 'variant25', 'variant26', 'variant27', 'variant28', 'variant29', 'variant30'];
/** Not smiling: small lips, line, pout, 'o', kiss. Left out: tongues, teeth, drool, yells, grimaces. */
export const MOUTHS_OTHER = [
  'variant03',
  'variant04',
  'variant06',
  'variant07',
  'variant08',
  'variant09',
  'variant10',
  'variant17',
  'variant18',
  'variant20',
  'variant21',
];

/** Open eyes that read as girls' (round, lashed, sparkling); no angry, sleepy or closed ones, no winks. */
export const EYES = [
  'variant01',
  'variant02',
  'variant03',
  'variant06',
  'variant07',
  'variant10',
  'variant11',
  'variant12',
  'variant23',
  'variant24',
  'variant25',
  'variant26',
];
/** Thin or soft brows; no thick angry ones, the unibrow or the hairy one (variant01, 02, 04, 13, 14). */
export const EYEBROWS = ['variant03', 'variant05', 'variant06', 'variant07', 'variant08', 'variant09', 'variant10', 'variant11', 'variant12', 'variant15'];

/** adventurer's skin colours, untagged; each render jitters them a little. */
export const SKIN_COLORS = ['f2d3b1', 'ecad80', '9e5622', '763900'];

/** The cheeks' blush is a tag; freckles and the birthmark are untagged features (never the mustache). */
export const UNTAGGED_FEATURES = ['freckles', 'birthmark'];

export const BACKGROUNDS: Record<string, string> = {
  blue_background: 'a8cdf0',
  pink_background: 'f8c4d8',
  yellow_background: 'f8eaa0',
  green_background: 'b4e4b0',
};

const BLUSH: TagInfo = { name: 'blush', group: 'face', ja: '赤面', aliases: ['blushing', '頬染め'] };

/**
 * vocab.json of an adventurer set: 14 tags with their exclusive sets (hair colour, hair length,
 * background); smile, blush and glasses stand alone. Entries the default vocabulary has are
 * taken from it (Japanese names, aliases), so a fine-tune from a lorelei model shares them.
 */
export const ADVENTURER_VOCABULARY: TagInfo[] = [
  ...Object.keys(HAIR_COLORS),
  'long_hair',
  'short_hair',
  'smile',
  'blush',
  'glasses',
  ...Object.keys(BACKGROUNDS),
].map((name) => {
  if (name === 'blush') return BLUSH;
  const known = VOCABULARY.find((t) => t.name === name);
  if (!known) throw new Error(`adventurer tag ${name} is not in the default vocabulary`);
  // smile stands alone here: adventurer's other mouths are no tag (lorelei's smile/frown set has two)
  if (name === 'smile') return { name: known.name, group: known.group, ja: known.ja, ...(known.aliases ? { aliases: known.aliases } : {}) };
  return known;
});
