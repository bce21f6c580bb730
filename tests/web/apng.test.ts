import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assembleApng, readPngChunks } from '../../web/src/apng.ts';

/** A w×h opaque PNG of one colour, as a browser's canvas.toBlob would give (RGBA, 8 bits). */
async function solid(r: number, g: number, b: number, w = 16, h = 16): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: w, height: h, channels: 4, background: { r, g, b, alpha: 1 } } })
      .png()
      .toBuffer(),
  );
}

const u32 = (d: Uint8Array, at: number) => new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(at);
const u16 = (d: Uint8Array, at: number) => new DataView(d.buffer, d.byteOffset, d.byteLength).getUint16(at);

describe('APNG from still PNG frames (the studio’s full-colour animation download)', () => {
  it('GIVEN three frames THEN one looping APNG: chunks in order, sequence numbers unbroken, each frame’s image data carried over', async () => {
    const frames = [await solid(255, 0, 0), await solid(0, 255, 0), await solid(0, 0, 255)];
    const apng = assembleApng(frames, 250);
    const chunks = readPngChunks(apng); // checks every CRC
    const order = chunks.map((c) => c.type).filter((t) => ['IHDR', 'acTL', 'fcTL', 'IDAT', 'fdAT', 'IEND'].includes(t));
    const runs = order.filter((t, i) => t !== order[i - 1]); // consecutive data chunks as one
    expect(runs).toEqual(['IHDR', 'acTL', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'fcTL', 'fdAT', 'IEND']);
    const actl = chunks.find((c) => c.type === 'acTL')!;
    expect([u32(actl.data, 0), u32(actl.data, 4)]).toEqual([3, 0]); // 3 frames, loop forever
    const sequence = chunks.filter((c) => c.type === 'fcTL' || c.type === 'fdAT').map((c) => u32(c.data, 0));
    expect(sequence).toEqual(sequence.map((_, i) => i));
    for (const fctl of chunks.filter((c) => c.type === 'fcTL')) {
      expect([u32(fctl.data, 4), u32(fctl.data, 8), u16(fctl.data, 20), u16(fctl.data, 22)]).toEqual([16, 16, 250, 1000]);
    }
    // Frame 1 is the still image; frames 2 and 3 travel as fdAT, byte for byte their own IDAT data.
    const idat = (png: Uint8Array) =>
      readPngChunks(png)
        .filter((c) => c.type === 'IDAT')
        .map((c) => Array.from(c.data));
    expect(chunks.filter((c) => c.type === 'IDAT').map((c) => Array.from(c.data))).toEqual(idat(frames[0]!));
    expect(chunks.filter((c) => c.type === 'fdAT').map((c) => Array.from(c.data.subarray(4)))).toEqual([...idat(frames[1]!), ...idat(frames[2]!)]);
    const still = await sharp(apng).raw().toBuffer({ resolveWithObject: true });
    expect(still.info).toMatchObject({ width: 16, height: 16 });
    expect(Array.from(still.data.subarray(0, 3))).toEqual([255, 0, 0]);
  });

  it('GIVEN frames of different sizes, a damaged frame or none THEN a clear error', async () => {
    await expect(async () => assembleApng([await solid(1, 2, 3), await solid(1, 2, 3, 8, 8)], 100)).rejects.toThrow('differ in size');
    const broken = await solid(1, 2, 3);
    broken[broken.length - 20] = broken.at(-20)! ^ 0xff; // inside the last data chunk
    expect(() => assembleApng([broken], 100)).toThrow(/bad CRC|IEND/);
    expect(() => assembleApng([new Uint8Array([1, 2, 3])], 100)).toThrow('not a PNG file');
    expect(() => assembleApng([], 100)).toThrow('at least one frame');
  });
});
