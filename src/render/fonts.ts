/**
 * Whether Japanese labels will render. SVG text goes through pango/fontconfig, which draws
 * hex boxes for glyphs no installed font has. The machine this was written on has only
 * DejaVu fonts, so it answers false there; install e.g. fonts-noto-cjk to get kana/kanji.
 */
import { execFile } from 'node:child_process';

let cached: Promise<boolean | null> | null = null;

/** true/false from `fc-list :lang=ja`; null when fontconfig's tools are absent. Cached. */
export function hasJapaneseFont(): Promise<boolean | null> {
  cached ??= new Promise((resolve) => {
    execFile('fc-list', [':lang=ja', 'family'], { timeout: 5000 }, (err, stdout) => {
      resolve(err ? null : stdout.trim().length > 0);
    });
  });
  return cached;
}
