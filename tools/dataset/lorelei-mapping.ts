/**
 * Which lorelei option values mean which tag. Decided by looking at the contact sheets in
 * docs/lorelei/ (tools/contact-sheets.ts renders them); docs/dataset.md has the table.
 */
const v = (...n: number[]) => n.map((i) => `variant${String(i).padStart(2, '0')}`);

/** Hair variants per hairstyle tag. 25, 27, 28 and 34 (bald or shaved) are not used. */
export const HAIRSTYLES: Record<string, string[]> = {
  short_hair: v(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 20, 22, 43, 44, 47),
  medium_hair: v(10, 17, 19, 23, 32, 37, 42, 48),
  long_hair: v(13, 15, 16, 21, 33, 35, 40, 41),
  curly_hair: v(5, 18, 24, 39),
  hair_bun: v(14, 26, 38, 45, 46),
  ponytail: v(31, 36),
  twintails: v(29, 30),
};

/** Base colours (hex RGB); each render jitters them a little so a tag is a region, not a point. */
export const HAIR_COLORS: Record<string, string> = {
  blonde_hair: 'f2d25a',
  brown_hair: '7a4a2a',
  black_hair: '222026',
  blue_hair: '2f4fd0',
  pink_hair: 'f28cc0',
  purple_hair: '7f3fb2',
  green_hair: '3f9f46',
  red_hair: 'd02c2c',
  silver_hair: '9ea4b4',
  white_hair: 'f5f5f2',
  orange_hair: 'f0801e',
  aqua_hair: '32c8cc',
};

export const EYE_COLORS: Record<string, string> = {
  blue_eyes: '2060e0',
  red_eyes: 'd01818',
  brown_eyes: '6e3c14',
  green_eyes: '18a038',
  purple_eyes: '8a32d0',
  yellow_eyes: 'e8c000',
  pink_eyes: 'f050b0',
  aqua_eyes: '10c0d0',
};

/** Skin tones; `null` is the untagged medium tone. */
export const SKIN_TONES: Array<{ tag: string | null; color: string; weight: number }> = [
  { tag: null, color: 'f5d0b0', weight: 0.4 },
  { tag: 'pale_skin', color: 'fff0e8', weight: 0.2 },
  { tag: 'tan', color: 'd49a6a', weight: 0.2 },
  { tag: 'dark_skin', color: '8a5530', weight: 0.2 },
];

export const BACKGROUNDS: Record<string, string> = {
  white_background: 'ffffff',
  grey_background: 'b4b4b4',
  blue_background: 'a8cdf0',
  pink_background: 'f8c4d8',
  yellow_background: 'f8eaa0',
  green_background: 'b4e4b0',
};

export const EYES_CLOSED = v(1, 19, 22);
export const EYES_WINK = v(15);
export const EYES_OPEN = v(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 20, 21, 23, 24);

const happy = (...n: number[]) => n.map((i) => `happy${String(i).padStart(2, '0')}`);
const sad = (...n: number[]) => n.map((i) => `sad${String(i).padStart(2, '0')}`);
/** Mouths: happy* → smile, sad* → frown; those showing teeth, tongue or an open O → open_mouth. */
export const MOUTHS_SMILE_CLOSED = happy(1, 2, 3, 4, 5, 6, 8, 10, 11, 13, 14, 15, 17, 18);
export const MOUTHS_SMILE_OPEN = happy(7, 9, 12, 16);
export const MOUTHS_FROWN_CLOSED = sad(2, 3, 4, 5, 9);
export const MOUTHS_FROWN_OPEN = sad(1, 6, 7, 8);

/** glasses variant02 is dark sunglasses; the others are clear glasses. */
export const GLASSES_CLEAR = v(1, 3, 4, 5);
export const GLASSES_SUN = v(2);

/**
 * The "girls" look (`npm run dataset -- --look girls`): the variants that read as girls when
 * the contact sheets in docs/lorelei/ are looked at with that question (product.md, "Data").
 * Short hair keeps the bobs and fuller cuts (no crops or quiffs), curly keeps the long curls,
 * open eyes keep those with lashes or a soft lid, brows keep the thin arches, mouths drop the
 * grimaces and toothy grins. The tags mean what they meant; only untagged variety narrows.
 */
export const GIRL_HAIRSTYLES: Record<string, string[]> = {
  ...HAIRSTYLES,
  short_hair: v(11, 12, 22, 43, 47),
  curly_hair: v(18, 24),
};
export const GIRL_EYES_OPEN = v(4, 6, 7, 8, 9, 10, 12, 14, 17, 18, 20, 21, 23, 24);
export const GIRL_EYEBROWS = v(1, 2, 5, 7, 9, 11, 12);
export const GIRL_MOUTHS_SMILE_CLOSED = happy(1, 2, 3, 4, 5, 6, 8, 10, 11, 13, 14, 17);
export const GIRL_MOUTHS_SMILE_OPEN = happy(7, 9, 12);
export const GIRL_MOUTHS_FROWN_CLOSED = sad(2, 3, 4, 9);
export const GIRL_MOUTHS_FROWN_OPEN = sad(1, 8);
