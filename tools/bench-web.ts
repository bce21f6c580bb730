/**
 * `npm run bench:web`: the studio's figures in headless Chromium (Debian's chromium via
 * playwright-core), each run in a fresh browser with an empty profile (cold cache):
 *   - first face on screen: ms from navigation start to the first gacha face painted;
 *   - page weight: bytes fetched by that load (page, script, wasm, model);
 *   - slider step: ms from a morph-slider input event to her face repainted, over a drag,
 *     and the frames per second the drag ran at;
 *   - the backend that actually ran, for each one asked for.
 * Usage: tsx tools/bench-web.ts [--runs 3] [--steps 40]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWeb } from './web-build.ts';
import { serveStatic } from './web-server.ts';
import { chromiumAvailable, launchChromium, CHROMIUM_PATH } from './web-browser.ts';

type Probe = { ready: boolean; error: string | null; backend: string | null; firstFaceMs: number | null; liveSteps: number[]; liveBusy: number };

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RUNS = arg('--runs', 3);
const STEPS = arg('--steps', 40);

if (!chromiumAvailable()) {
  process.stderr.write(`${CHROMIUM_PATH} is missing: apt-get install chromium\n`);
  process.exit(2);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const dir = mkdtempSync(path.join(os.tmpdir(), 'gff-bench-web-'));
const built = await buildWeb({ out: path.join(dir, 'site') });
const server = await serveStatic(built.out);

interface Variant {
  label: string;
  query: string;
  extraArgs?: string[];
}
const variants: Variant[] = [
  { label: 'wasm (default)', query: '' },
  { label: 'webgl, flags as given (--disable-gpu)', query: '?backend=webgl' },
  {
    label: 'webgl on SwiftShader (--enable-unsafe-swiftshader)',
    query: '?backend=webgl',
    extraArgs: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  },
  { label: 'cpu (plain JS)', query: '?backend=cpu' },
];

process.stdout.write(
  `studio benchmark: ${RUNS} cold loads and a ${STEPS}-step morph drag per backend; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}\n`,
);
const rows: string[] = [];
for (const v of variants) {
  const first: number[] = [];
  const weights: number[] = [];
  let backend = '?';
  let steps: number[] = [];
  let fps = NaN;
  for (let run = 0; run < RUNS; run++) {
    const b = await launchChromium({ extraArgs: v.extraArgs });
    try {
      const page = await b.context.newPage();
      await page.goto(server.url + v.query);
      await page.waitForFunction(
        () => {
          const p = (window as unknown as { gffStudio?: Probe }).gffStudio;
          return p && (p.error !== null || p.firstFaceMs !== null);
        },
        null,
        { timeout: 60_000 },
      );
      const p = await page.evaluate(() => (window as unknown as { gffStudio: Probe }).gffStudio);
      if (p.error) throw new Error(p.error);
      backend = p.backend ?? '?';
      first.push(p.firstFaceMs!);
      weights.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
          const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
          return [...nav, ...res].reduce((a, e) => a + (e.encodedBodySize || 0), 0);
        }),
      );
      if (run === RUNS - 1) {
        // A drag on the morph slider: one input event per animation frame, as a hand drags.
        await page.click('[data-testid=gacha-grid] figure:nth-child(1) canvas');
        await page.click('[data-tab=morph]');
        await page.fill('[data-testid=morph-to]', 'red_hair, open_mouth, twintails');
        await page.dispatchEvent('[data-testid=morph-to]', 'input');
        await page.waitForFunction(() => document.querySelectorAll('.morph .strip canvas').length === 7, null, { timeout: 60_000 });
        await page.waitForTimeout(300);
        const r = await page.evaluate(async (n) => {
          const probe = (window as unknown as { gffStudio: Probe }).gffStudio;
          const slider = document.querySelector('[data-testid=morph-slider]') as HTMLInputElement;
          const before = probe.liveSteps.length;
          const t0 = performance.now();
          for (let i = 1; i <= n; i++) {
            slider.value = String(Math.round((1000 * i) / n));
            slider.dispatchEvent(new Event('input'));
            await new Promise(requestAnimationFrame);
          }
          // The drag is over when the last input's face is up; slow backends skip inputs.
          while (probe.liveBusy > 0 && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
          const drawn = probe.liveSteps.slice(before);
          return { drawn, seconds: (performance.now() - t0) / 1000 };
        }, STEPS);
        steps = r.drawn;
        fps = r.drawn.length / r.seconds;
      }
    } finally {
      await b.close();
    }
  }
  const line =
    `${v.label.padEnd(52)} ran: ${backend.padEnd(5)}  first face ${median(first).toFixed(0)} ms (runs ${first.map((x) => x.toFixed(0)).join(', ')})` +
    `  page ${(median(weights) / 1024 / 1024).toFixed(2)} MiB  slider step median ${median(steps).toFixed(1)} ms, p95 ${pct(steps, 0.95).toFixed(1)} ms, ${fps.toFixed(1)} frames/s (${steps.length} of ${STEPS} inputs drawn)`;
  rows.push(line);
  process.stdout.write(line + '\n');
}
await server.close();
rmSync(dir, { recursive: true, force: true });
