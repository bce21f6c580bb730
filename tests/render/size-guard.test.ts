import { describe, expect, it } from 'vitest';
import { renderAnimation } from '../../src/render/animation.ts';
import { renderGrid } from '../../src/render/grid.ts';
import { DISCORD_ATTACHMENT_LIMIT_BYTES, fitUnderLimit, formatBytes, type SizeStep } from '../../src/render/size-guard.ts';
import { noiseTile } from './helpers.ts';

const MiB = 1024 * 1024;

describe('fitUnderLimit', () => {
  it('GIVEN a render that fits THEN it is used as is, in one try', async () => {
    const steps: SizeStep[] = [];
    const r = await fitUnderLimit(
      async (s) => {
        steps.push(s);
        return Buffer.alloc(100);
      },
      1000,
      { tileSize: 128 },
    );
    expect(r).toMatchObject({ ok: true, tries: 1, step: { tileSize: 128, compression: 'default' } });
    expect(steps).toHaveLength(1);
  });

  it('GIVEN bytes ∝ tileSize² THEN it tries strong compression, then jumps to a tile size that fits', async () => {
    const steps: SizeStep[] = [];
    // 'strong' halves the size; 128 px strong = 8192 bytes.
    const fake = async (s: SizeStep) => {
      steps.push(s);
      return Buffer.alloc((s.tileSize ** 2 * (s.compression === 'strong' ? 0.5 : 1)) | 0);
    };
    const r = await fitUnderLimit(fake, 3000, { tileSize: 128 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.buffer.length).toBeLessThanOrEqual(3000);
    expect(steps[0]).toEqual({ tileSize: 128, compression: 'default' });
    expect(steps[1]).toEqual({ tileSize: 128, compression: 'strong' });
    expect(r.step.tileSize).toBeLessThan(128);
    expect(r.step.tileSize % 8).toBe(0);
    expect(r.tries).toBeLessThanOrEqual(4);
  });

  it('GIVEN a limit nothing can meet THEN too_large with a message for the user', async () => {
    const r = await fitUnderLimit(async (s) => Buffer.alloc(s.tileSize * 100), 10, { tileSize: 128, minTileSize: 48 });
    expect(r).toMatchObject({ ok: false, code: 'too_large', limitBytes: 10, smallestBytes: 4800 });
    if (!r.ok) expect(r.message).toMatch(/too large/);
  });

  it('GIVEN a limit under 1 MiB THEN the message speaks KiB (or bytes), not "0.0 MiB"', async () => {
    const r = await fitUnderLimit(async (s) => Buffer.alloc(s.tileSize * 10_000), 256 * 1024, { tileSize: 128, minTileSize: 48 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('the limit is 256 KiB');
    expect(r.message).toContain('(468.8 KiB at the smallest size');
    expect(r.message).not.toMatch(/0\.0 MiB/);
    const tiny = await fitUnderLimit(async (s) => Buffer.alloc(s.tileSize * 100), 10, { tileSize: 128 });
    if (!tiny.ok) expect(tiny.message).toContain('(4.7 KiB at the smallest size; the limit is 10 bytes)');
  });

  it('GIVEN sizes THEN formatBytes picks bytes, KiB or MiB', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(100_000)).toBe('97.7 KiB');
    expect(formatBytes(1024 * 1024)).toBe('1 MiB');
    expect(formatBytes(DISCORD_ATTACHMENT_LIMIT_BYTES)).toBe('10 MiB');
    expect(formatBytes(8.5 * MiB)).toBe('8.5 MiB');
  });

  it('GIVEN 49 noise tiles (worst case) at 128 px THEN the first PNG is already under 8 MiB and 10 MiB', async () => {
    const tiles = Array.from({ length: 49 }, (_, i) => noiseTile(64, i));
    const r = await fitUnderLimit((s) => renderGrid(tiles, { numbers: true, ...s }), 8 * MiB, { tileSize: 128 });
    expect(r.ok && r.tries).toBe(1);
    if (r.ok) {
      expect(r.buffer.length).toBeGreaterThan(2 * MiB); // noise really does not compress
      expect(r.buffer.length).toBeLessThan(Math.min(8 * MiB, DISCORD_ATTACHMENT_LIMIT_BYTES));
    }
  });

  it('GIVEN 25 noise tiles and a 256 KiB limit THEN a smaller render fits', async () => {
    const tiles = Array.from({ length: 25 }, (_, i) => noiseTile(64, 100 + i));
    const limit = 256 * 1024;
    const r = await fitUnderLimit((s) => renderGrid(tiles, { numbers: true, ...s }), limit, { tileSize: 128 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.buffer.length).toBeLessThanOrEqual(limit);
      expect(r.step).toMatchObject({ compression: 'strong' });
      expect(r.step.tileSize).toBeLessThan(128);
    }
  });

  it('GIVEN an animation over its limit THEN it is shrunk under it too', async () => {
    const frames = Array.from({ length: 7 }, (_, i) => noiseTile(64, 200 + i));
    const limit = 100 * 1024;
    const r = await fitUnderLimit((s) => renderAnimation(frames, { format: 'webp', pingPong: true, ...s }), limit, { tileSize: 256 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.buffer.length).toBeLessThanOrEqual(limit);
  });
});
