/**
 * Look and sizing shared by every render. Sizes are in output pixels.
 */

/**
 * Scaling filter for tiles. Lorelei art is flat colour with thin dark outlines, already
 * anti-aliased at 64 px. Side by side at 2×, `nearest` doubles every anti-aliased pixel
 * and turns the jaw, hair and glasses outlines into visible stair-steps; `linear` blurs
 * them. What we use:
 *
 * - Enlarging (the usual 64 → 128 px): Catmull-Rom bicubic, done in JS by upscale.ts. That
 *   is what sharp has always drawn here: libvips enlarges with its "bicubic" (Catmull-Rom)
 *   interpolator for every kernel except nearest/linear, so `lanczos3`, `lanczos2`,
 *   `mitchell` and `cubic` gave byte-identical tiles at identical cost (checked with sharp
 *   0.34.5 / libvips 8.17.3), so a cheaper kernel had nothing to gain. Catmull-Rom is a
 *   4-tap interpolating filter close to lanczos2: outlines stay crisp and smooth at 2×,
 *   with no visible ringing on the flat fills. upscale.ts reproduces libvips' arithmetic,
 *   so the look is unchanged to the bit, at ≈⅙ of the CPU.
 * - Shrinking (fitUnderLimit's fallback tiles below the source size): this kernel, through
 *   sharp's reduce, which does apply it; lanczos3 keeps shrunk outlines sharp without
 *   aliasing.
 */
export const TILE_KERNEL = 'lanczos3' as const;

/** Tiles at or below this size are shown at 2× by default (64 → 128 px). */
export const SMALL_TILE_PX = 64;
/** Space between tiles and around the edge. Thin: a grid should read as one picture. */
export const GUTTER_PX = 4;
/** Discord's dark theme is #313338; a slightly darker frame keeps tiles apart in both themes. */
export const BACKGROUND = { r: 30, g: 31, b: 34 } as const;
export const BACKGROUND_HEX = '#1e1f22';
export const TEXT_HEX = '#f2f3f5';
export const MUTED_TEXT_HEX = '#b5bac1';

/**
 * Fonts for SVG labels. Pango asks fontconfig for each family in turn and falls back per
 * glyph: DejaVu for Latin, a Japanese font for kana and kanji, Symbola for emoji (named
 * before any colour emoji font, which sharp draws blank). Without them those characters
 * come out as hex boxes; the bot says so at start-up (fonts.ts, README's set-up).
 */
export const FONT_FAMILY = "'DejaVu Sans', 'Noto Sans CJK JP', 'Noto Sans JP', 'IPAGothic', 'IPAPGothic', 'Symbola', sans-serif";

/** Caption text size for a display tile of `tilePx`: readable on phones, fits ~16 chars at 128 px. */
export function captionFontPx(tilePx: number): number {
  return Math.max(10, Math.min(16, Math.round(tilePx / 10)));
}

/** Number badge text size: large enough to read at a glance, small enough not to hide the face. */
export function badgeFontPx(tilePx: number): number {
  return Math.max(10, Math.min(20, Math.round(tilePx / 8)));
}

export const TITLE_FONT_PX = 16;

/** Height of a band holding one line of `fontPx` text. */
export function lineBandPx(fontPx: number): number {
  return Math.ceil(fontPx * 1.5);
}

/** Default display size: small tiles doubled, larger tiles at their own size. */
export function defaultTileSize(tileWidth: number): number {
  return tileWidth <= SMALL_TILE_PX ? tileWidth * 2 : tileWidth;
}

/** Upper bound on tiles in one picture: 7×7 is the largest grid any command draws, with room. */
export const MAX_TILES = 100;
