/**
 * Animated PNG from still PNGs: full colour and lossless, where a GIF has 256 colours a frame.
 * The browser encodes each frame (canvas.toBlob); this only re-wraps their compressed image
 * data as APNG chunks (acTL, fcTL, fdAT), so no encoder ships with the studio. Every current
 * browser plays APNG; viewers that do not show the first frame.
 */
import { crc32 } from '../../src/latent/index.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

/** The chunks of a PNG file, in order; throws on a damaged file (bad signature, length or CRC). */
export function readPngChunks(png: Uint8Array): PngChunk[] {
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    if (at + 12 + length > png.length) throw new Error('PNG chunk runs past the end of the file');
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    if (crc32(typeAndData) !== view.getUint32(at + 8 + length)) throw new Error('PNG chunk with a bad CRC');
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    chunks.push({ type, data: typeAndData.subarray(4) });
    at += 12 + length;
    if (type === 'IEND') return chunks;
  }
  throw new Error('PNG file without IEND');
}

function chunkBytes(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v));
  return out;
}

/**
 * One APNG of the given PNG frames, all of one size and pixel format, each shown `delayMs`,
 * looping forever (plays = 0) or `plays` times. The first frame is also the still image.
 */
export function assembleApng(frames: readonly Uint8Array[], delayMs: number, plays = 0): Uint8Array {
  if (frames.length === 0) throw new Error('an animation needs at least one frame');
  const parsed = frames.map(readPngChunks);
  const header = parsed[0]!.find((c) => c.type === 'IHDR');
  if (!header) throw new Error('PNG frame without IHDR');
  const sameHeader = (c: PngChunk[]) => {
    const h = c.find((x) => x.type === 'IHDR');
    return !!h && h.data.length === header.data.length && h.data.every((b, i) => b === header.data[i]);
  };
  if (!parsed.every(sameHeader)) throw new Error('the frames differ in size or pixel format');
  const view = new DataView(header.data.buffer, header.data.byteOffset, header.data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const delay = Math.max(0, Math.min(65535, Math.round(delayMs)));

  const parts: Uint8Array[] = [Uint8Array.from(SIGNATURE), chunkBytes('IHDR', header.data)];
  // Colour information and the like (sRGB, gAMA, iCCP, pHYs…) from the first frame, before the animation.
  const firstImage = parsed[0]!.findIndex((c) => c.type === 'IDAT');
  for (const c of parsed[0]!.slice(1, firstImage)) if (c.type !== 'IHDR') parts.push(chunkBytes(c.type, c.data));
  parts.push(chunkBytes('acTL', u32s(frames.length, plays)));
  let sequence = 0;
  parsed.forEach((chunks, index) => {
    const control = new Uint8Array(26);
    const cv = new DataView(control.buffer);
    cv.setUint32(0, sequence++);
    cv.setUint32(4, width);
    cv.setUint32(8, height);
    // x and y offsets 0; delay as a fraction delay / 1000 s; dispose none, blend source (frames are whole pictures).
    cv.setUint16(20, delay);
    cv.setUint16(22, 1000);
    parts.push(chunkBytes('fcTL', control));
    for (const c of chunks) {
      if (c.type !== 'IDAT') continue;
      if (index === 0) {
        parts.push(chunkBytes('IDAT', c.data));
      } else {
        const data = new Uint8Array(4 + c.data.length);
        new DataView(data.buffer).setUint32(0, sequence++);
        data.set(c.data, 4);
        parts.push(chunkBytes('fdAT', data));
      }
    }
  });
  parts.push(chunkBytes('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
