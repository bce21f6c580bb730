/**
 * Whether labels will render. SVG text goes through pango/fontconfig, which draws hex boxes
 * ("tofu") for glyphs no installed font has, and nothing at all for colour-bitmap emoji
 * fonts (Noto Color Emoji), which sharp's renderer cannot draw. Names and tags with kana,
 * kanji or emoji need a Japanese font and a monochrome emoji font: on Debian
 * `apt-get install fonts-ipafont-gothic fonts-symbola` (or fonts-noto-cjk), see README.
 */
import { execFile } from 'node:child_process';

/** `fc-list` output for a pattern (family names), null when fontconfig's tools are absent. */
export type FcList = (pattern: string) => Promise<string | null>;

const runFcList: FcList = (pattern) =>
  new Promise((resolve) => {
    execFile('fc-list', [pattern, 'family'], { timeout: 5000 }, (err, stdout) => resolve(err ? null : stdout));
  });

let cached: Promise<boolean | null> | null = null;

/** true/false from `fc-list :lang=ja`; null when fontconfig's tools are absent. Cached. */
export function hasJapaneseFont(): Promise<boolean | null> {
  cached ??= runFcList(':lang=ja').then((out) => (out === null ? null : out.trim().length > 0));
  return cached;
}

/** Which scripts the installed fonts draw in labels; null = cannot tell (no fc-list). */
export interface FontCoverage {
  japanese: boolean | null;
  emoji: boolean | null;
  /** Families of colour emoji fonts: pango prefers them for emoji, and sharp draws them blank. */
  colourEmoji: string[];
}

/** Hiragana, katakana and kanji that names and tag names use; ⭐ and 🌸 for emoji (monochrome fonts only). */
const JAPANESE_PATTERN = ':charset=306f 30a2 9aea';
const EMOJI_PATTERN = ':charset=2b50 1f338:color=False';
const COLOUR_EMOJI_PATTERN = ':charset=2b50:color=True';

export async function labelFontCoverage(fcList: FcList = runFcList): Promise<FontCoverage> {
  const has = (out: string | null) => (out === null ? null : out.trim().length > 0);
  const [ja, emoji, colour] = await Promise.all([fcList(JAPANESE_PATTERN), fcList(EMOJI_PATTERN), fcList(COLOUR_EMOJI_PATTERN)]);
  const colourEmoji = [
    ...new Set(
      (colour ?? '')
        .split('\n')
        .map((l) => l.split(',')[0]!.trim())
        .filter((l) => l !== ''),
    ),
  ];
  return { japanese: has(ja), emoji: has(emoji), colourEmoji };
}

/** One line for the start-up log when labels would lose characters; undefined when all is well. */
export function missingFontsMessage(c: FontCoverage): string | undefined {
  if (c.japanese === null || c.emoji === null) {
    return 'fonts: cannot check label fonts (fc-list not found); install fontconfig, fonts-ipafont-gothic and fonts-symbola, or Japanese names and emoji may draw as empty boxes';
  }
  const missing = [...(c.japanese ? [] : ['Japanese (fonts-ipafont-gothic or fonts-noto-cjk)']), ...(c.emoji ? [] : ['emoji (fonts-symbola)'])];
  if (missing.length > 0) {
    return `fonts: no font for ${missing.join(' or ')}: such names and tags draw as empty boxes in pictures; install the package and restart`;
  }
  if (c.colourEmoji.length > 0) {
    return `fonts: colour emoji font ${c.colourEmoji.join(', ')} is installed and pango prefers it, but sharp draws it blank: emoji in names will be missing (remove fonts-noto-color-emoji; Symbola then draws them)`;
  }
  return undefined;
}
