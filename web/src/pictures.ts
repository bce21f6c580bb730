/** Faces onto canvases, strips and grids for download, and animations: GIF (gifenc) and APNG. */
import { GIFEncoder, applyPalette, quantize } from 'gifenc';
import { assembleApng } from './apng.ts';
import type { Face } from './engine.ts';

/** A canvas at the model's own resolution (CSS scales it for display). */
export function faceCanvas(face: Face | null, size: number, cls = 'face'): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  c.className = cls;
  if (face) paint(c, face);
  return c;
}

export function paint(canvas: HTMLCanvasElement, face: Face): void {
  if (canvas.width !== face.width) canvas.width = face.width;
  if (canvas.height !== face.height) canvas.height = face.height;
  canvas.getContext('2d')!.putImageData(face, 0, 0);
}

function source(face: Face): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = face.width;
  c.height = face.height;
  c.getContext('2d')!.putImageData(face, 0, 0);
  return c;
}

/** Faces laid out in `columns`, each scaled to `tile` px (smooth), `gap` px apart. */
export function gridCanvas(faces: readonly Face[], columns: number, tile = 192, gap = 4): HTMLCanvasElement {
  const rows = Math.ceil(faces.length / columns);
  const c = document.createElement('canvas');
  c.width = columns * tile + (columns + 1) * gap;
  c.height = rows * tile + (rows + 1) * gap;
  const g = c.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, c.width, c.height);
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = 'high';
  faces.forEach((f, i) => {
    g.drawImage(source(f), gap + (i % columns) * (tile + gap), gap + Math.floor(i / columns) * (tile + gap), tile, tile);
  });
  return c;
}

export function stripCanvas(faces: readonly Face[], tile = 192): HTMLCanvasElement {
  return gridCanvas(faces, faces.length, tile);
}

export function canvasBlob(c: HTMLCanvasElement, type = 'image/png'): Promise<Blob> {
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas could not be encoded'))), type));
}

/** The frames there and back (ping-pong), without showing either end twice in a row. */
function loopSequence(frames: readonly Face[], pingPong: boolean): Face[] {
  return pingPong && frames.length > 2 ? [...frames, ...frames.slice(1, -1).reverse()] : [...frames];
}

/** An endlessly looping GIF of the frames (ping-pong: there and back), each `tile` px. */
export function gifBlob(frames: readonly Face[], delayMs = 120, tile = 192, pingPong = true): Blob {
  const enc = GIFEncoder();
  for (const f of loopSequence(frames, pingPong)) {
    const c = gridCanvas([f], 1, tile, 0);
    const { data } = c.getContext('2d')!.getImageData(0, 0, tile, tile);
    const palette = quantize(data, 256);
    enc.writeFrame(applyPalette(data, palette), tile, tile, { palette, delay: delayMs });
  }
  enc.finish();
  return new Blob([enc.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' });
}

/** The same animation as an endlessly looping APNG: every frame in full colour, lossless. */
export async function apngBlob(frames: readonly Face[], delayMs = 120, tile = 192, pingPong = true): Promise<Blob> {
  const pngs: Uint8Array[] = [];
  for (const f of loopSequence(frames, pingPong)) {
    pngs.push(new Uint8Array(await (await canvasBlob(gridCanvas([f], 1, tile, 0))).arrayBuffer()));
  }
  return new Blob([assembleApng(pngs, delayMs) as Uint8Array<ArrayBuffer>], { type: 'image/apng' });
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
