/**
 * `-o` files: checked before anything is drawn (a folder, a path under a file, a picture
 * format gff does not write), written in the format their name asks for, and write failures
 * (disk full, read-only, no permission) turned into one line for the user.
 */
import { statSync, type Stats } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { CliError } from './errors.ts';

/** Picture formats by file extension (no extension: PNG). */
const FORMATS = { '': 'png', '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.gif': 'gif' } as const;
type Format = (typeof FORMATS)[keyof typeof FORMATS];

/** The format `out`'s extension names, or a CliError listing the ones gff writes. */
export function outputFormat(out: string): Format {
  const ext = extname(out).toLowerCase();
  const format = (FORMATS as Record<string, Format>)[ext];
  if (!format) throw new CliError(`cannot write "${out}": gff writes .png, .jpg, .webp or .gif pictures, not ${ext}`);
  return format;
}

/**
 * `data` (a PNG, or a morph's WebP/GIF animation) in the format `out` names: converted when the
 * two differ (JPEG at quality 92, WebP lossless), as is when they match.
 */
export async function encodeFor(out: string, data: Buffer, contentType: string): Promise<Buffer> {
  const format = outputFormat(out);
  if (contentType === `image/${format}`) return data;
  const image = sharp(data, { animated: contentType !== 'image/png' });
  if (format === 'jpeg') return image.jpeg({ quality: 92 }).toBuffer();
  if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
  return image.toFormat(format).toBuffer();
}

const WHY: Record<string, string> = {
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'part of the path is a file, not a folder',
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error on the device',
  EFBIG: 'the file is too large for the device',
};

/** The one-line error for an fs failure on `out`, or undefined when it is not one we explain. */
export function outputError(out: string, err: unknown): CliError | undefined {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = code ? WHY[code] : undefined;
  return why ? new CliError(`cannot write "${out}": ${why}`) : undefined;
}

/** stat, or undefined where nothing is (ENOTDIR: a file stands where a folder should). */
function statOf(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw outputError(p, err) ?? err;
  }
}

/** Throws CliError when `out` cannot be a file: it is a folder, or a folder on its way is a file. */
export function checkOutput(out: string): void {
  if (!(out.endsWith(sep) || out.endsWith('/'))) outputFormat(out);
  if (out.endsWith(sep) || out.endsWith('/')) throw new CliError(`cannot write "${out}": is a folder, not a file`);
  const st = statOf(out);
  if (st?.isDirectory()) throw new CliError(`cannot write "${out}": is a folder, not a file`);
  // The nearest existing ancestor must be a folder.
  let dir = dirname(resolve(out));
  for (;;) {
    const d = statOf(dir);
    if (d) {
      if (!d.isDirectory()) throw new CliError(`cannot write "${out}": "${dir}" is a file, not a folder`);
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** Writes `data` to `out`, creating its folder; fs failures become one-line CliErrors. */
export async function writeOutput(out: string, data: Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(out) || '.', { recursive: true });
    await writeFile(out, data);
  } catch (err) {
    throw outputError(out, err) ?? err;
  }
}
