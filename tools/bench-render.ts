/**
 * CPU and wall time of the pictures the bot sends, rendered one after another with
 * realistic tiles (DiceBear lorelei faces at 64 px, as the generator is trained on):
 *
 *   - gacha: 9-tile grid, number badges and a title (the bot's hottest path)
 *   - strip: 7-frame morph strip with a title and "1/7"… labels
 *   - grid 25: 25-tile grid with number badges and tag captions (variations)
 *   - labeled: 3 × 4 restyle table with row and column labels and a title
 *
 * Every title is new (as gacha seeds are), so each render but the 25-tile grid pays for
 * one text rasterisation; badges, step labels and tag captions repeat, as in the bot.
 *
 * CPU is the whole process's user + system time (main thread and libuv/libvips threads),
 * divided by the renders; the machine may be busy, so compare figures from one run.
 *
 *   npx tsx tools/bench-render.ts [--iters 60] [--concurrency 1] [--impl /path/to/render/index.ts ...]
 *
 * Several --impl give side-by-side figures (e.g. a checkout of the previous src/render).
 */
import { createAvatar } from '@dicebear/core';
import { lorelei } from '@dicebear/collection';
import sharp from 'sharp';
import type { RawImage } from '../src/render/raw-image.ts';

type RenderModule = typeof import('../src/render/index.ts');

function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && process.argv[i + 1] !== undefined) out.push(process.argv[i + 1]!);
  });
  return out;
}

const ITERS = Number(args('iters')[0] ?? 60);
/** Renders in flight at once (the bot renders for many users at a time); 1 = one after another. */
const CONCURRENCY = Math.max(1, Number(args('concurrency')[0] ?? 1));
const IMPLS = args('impl');
if (IMPLS.length === 0) IMPLS.push(new URL('../src/render/index.ts', import.meta.url).pathname);

async function loreleiFace(seed: string, size = 64): Promise<RawImage> {
  const svg = createAvatar(lorelei, { seed, size, backgroundColor: ['b6e3f4', 'c0aede', 'd1d4f9', 'ffd5dc', 'ffdfbf'] }).toString();
  const { data, info } = await sharp(Buffer.from(svg))
    .resize(size, size)
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== size) throw new Error(`unexpected raster ${info.width}×${info.height}×${info.channels}`);
  return { width: size, height: size, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

const faces = await Promise.all(Array.from({ length: 25 }, (_, i) => loreleiFace(`bench-${i}`)));

interface Case {
  name: string;
  run: (r: RenderModule) => Promise<Buffer>;
}

/** A fresh number per render: titles differ every time (as gacha seeds do), so each render rasterises one new text. */
let serial = 1_000_000;

const CASES: Case[] = [
  {
    name: 'gacha 9 tiles (badges + new title)',
    run: (r) => {
      const first = serial++ * 9;
      return r.renderGrid(faces.slice(0, 9), { numbers: true, title: `seeds ${first}–${first + 8} · red_hair, smile` });
    },
  },
  {
    name: 'strip 7 frames ("1/7"… + new title)',
    run: (r) => r.renderStrip(faces.slice(0, 7), { title: `#${serial++} red_hair, smile → blue_hair, glasses` }),
  },
  {
    name: 'grid 25 tiles (badges + tag captions)',
    run: (r) =>
      r.renderGrid(faces, {
        numbers: true,
        captions: faces.map((_, k) => ['blonde_hair, smile', 'blue_hair', 'red_hair, glasses', 'black_hair, long_hair', ''][k % 5]!),
      }),
  },
  {
    name: 'labeled 3×4 restyle (row/col labels + new title)',
    run: (r) =>
      r.renderLabeledGrid([faces.slice(0, 4), faces.slice(4, 8), faces.slice(8, 12)], {
        rowLabels: ['blonde_hair, blue_eyes', 'red_hair, glasses, smile', 'black_hair, long_hair, earrings'],
        colLabels: ['#1', '#2', '#3', '#4'],
        title: `Restyle #${serial++}`,
      }),
  },
];

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

const impls: { path: string; mod: RenderModule }[] = [];
for (const path of IMPLS) impls.push({ path, mod: (await import(path)) as RenderModule });

const out = (s: string) => process.stdout.write(`${s}\n`);
out(
  `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, sharp.concurrency ${sharp.concurrency()}, ${ITERS} renders per case, ` +
    (CONCURRENCY === 1 ? 'one at a time' : `${CONCURRENCY} at a time (wall ms = elapsed / renders)`),
);
for (const c of CASES) {
  out(`\n${c.name}`);
  // Interleave implementations in rounds so a background load hits them alike.
  const totals = impls.map(() => ({ cpu: 0, wall: 0, bytes: 0 }));
  for (const { mod } of impls) for (let i = 0; i < 3; i++) await c.run(mod); // warm up (fonts, caches, JIT)
  const ROUND = Math.max(10, CONCURRENCY);
  for (let done = 0; done < ITERS; done += ROUND) {
    for (const [k, { mod }] of impls.entries()) {
      const n = Math.min(ROUND, ITERS - done);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      let left = n;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, n) }, async () => {
          while (left > 0) {
            left--;
            const png = await c.run(mod);
            totals[k]!.bytes += png.length;
          }
        }),
      );
      totals[k]!.wall += performance.now() - t0;
      totals[k]!.cpu += cpuMs(cpu);
    }
  }
  impls.forEach(({ path }, k) => {
    const t = totals[k]!;
    out(
      `  ${(t.cpu / ITERS).toFixed(2).padStart(7)} ms CPU  ${(t.wall / ITERS).toFixed(2).padStart(7)} ms wall  ` +
        `${(t.bytes / ITERS / 1024).toFixed(1).padStart(6)} KiB  ${path}`,
    );
  });
}
