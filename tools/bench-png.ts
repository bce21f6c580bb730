/**
 * PNG settings for the bot's grids, measured on the generator's own pictures (models/default):
 * a 9-tile and a 25-tile /gacha grid composed as the bot composes them, then encoded with
 * each setting, one after another. Prints bytes and CPU ms per encode (the whole process's
 * user + system time: libvips runs on its own threads), and how many colours each grid has
 * (a lossless palette needs ≤ 256). Figures only; the machine may be busy, so compare within
 * one run.
 *
 *   npx tsx tools/bench-png.ts [--iters 20] [--model models/default]
 */
import sharp from 'sharp';
import { GeneratorService } from '../src/gan/generator-service.ts';
import { seedToZ } from '../src/latent/seed-random.ts';
import { composeRaw } from '../src/render/compose.ts';
import { gridLabels, gridLayout } from '../src/render/grid.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ITERS = Number(arg('iters') ?? 20);
const svc = await GeneratorService.create({ modelDirs: [arg('model') ?? 'models/default'], workers: 0 });

/** Distinct RGB colours of a raw canvas, counting no further than `stopAt`. */
function colours(rgb: Buffer, stopAt: number): number {
  const seen = new Set<number>();
  for (let i = 0; i < rgb.length && seen.size <= stopAt; i += 3) seen.add((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!);
  return seen.size;
}

const SETTINGS: [string, sharp.PngOptions][] = [
  ['level 4, no adaptive filter (now)', { compressionLevel: 4, adaptiveFiltering: false }],
  ['level 1, no adaptive filter', { compressionLevel: 1, adaptiveFiltering: false }],
  ['level 2, no adaptive filter', { compressionLevel: 2, adaptiveFiltering: false }],
  ['level 3, no adaptive filter', { compressionLevel: 3, adaptiveFiltering: false }],
  ['level 6, no adaptive filter', { compressionLevel: 6, adaptiveFiltering: false }],
  ['level 2, adaptive filter', { compressionLevel: 2, adaptiveFiltering: true }],
  ['level 4, adaptive filter', { compressionLevel: 4, adaptiveFiltering: true }],
  ['palette 256, dither 0.5, effort 1, level 9 (the "strong" fallback)', { palette: true, colours: 256, dither: 0.5, effort: 1, compressionLevel: 9 }],
];

try {
  const m = svc.model();
  const tags = new Float32Array(m.numTags);
  tags[0] = 1;
  process.stdout.write(
    `bench-png: model ${m.id} (${m.imageSize} px), sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, concurrency ${sharp.concurrency()}, ${ITERS} encodes per case\n`,
  );
  for (const count of [9, 25]) {
    const tiles = await svc.generate(Array.from({ length: count }, (_, i) => ({ z: seedToZ(5000 + i, m.zDim), tags })));
    const opts = { numbers: true, title: `seeds 5000–${5000 + count - 1} · blonde_hair, smile` };
    const layout = gridLayout(tiles, opts);
    const canvas = await composeRaw(
      layout.width,
      layout.height,
      tiles.map((image, i) => ({ image, box: layout.cells[i]! })),
      gridLabels(layout, opts),
    );
    const n = colours(canvas, 100_000);
    process.stdout.write(
      `${count}-tile grid, ${layout.width}×${layout.height}, ${n > 100_000 ? '> 100000' : n} colours (raw ${(canvas.length / 1024).toFixed(0)} KiB)\n`,
    );
    for (const [name, png] of SETTINGS) {
      const encode = () =>
        sharp(canvas, { raw: { width: layout.width, height: layout.height, channels: 3 } })
          .png(png)
          .toBuffer();
      await encode();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      let bytes = 0;
      for (let i = 0; i < ITERS; i++) bytes = (await encode()).length;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000 / ITERS;
      const wallMs = (performance.now() - t0) / ITERS;
      process.stdout.write(
        `  ${name.padEnd(68)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB  ${cpuMs.toFixed(2).padStart(6)} cpu ms  ${wallMs.toFixed(2).padStart(6)} wall ms\n`,
      );
    }
  }
} finally {
  await svc.close();
}
