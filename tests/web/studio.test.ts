/**
 * The studio in a real browser: Debian's headless Chromium driven by playwright-core.
 * Skipped with a note where /usr/bin/chromium is missing, unless GFF_REQUIRE_BROWSER=1
 * (CI installs chromium and sets it). GFF_WRITE_SCREENSHOTS=1 also refreshes docs/studio/*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../testkit/run-process.ts';
import { buildWeb } from '../../tools/web-build.ts';
import { serveStatic, type StaticServer } from '../../tools/web-server.ts';
import { chromiumAvailable, launchChromium, CHROMIUM_PATH, type HeadlessBrowser } from '../../tools/web-browser.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const browserReady = chromiumAvailable();
if (!browserReady) {
  if (process.env['GFF_REQUIRE_BROWSER'] === '1') throw new Error(`GFF_REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
  console.warn(`tests/web: skipped — ${CHROMIUM_PATH} is missing (apt-get install chromium to run the studio's browser tests)`);
}

type Probe = { ready: boolean; error: string | null; backend: string | null; firstFaceMs: number | null; draws: number; liveSteps: number[]; liveBusy: number };

describe.skipIf(!browserReady)('the studio in headless Chromium', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gff-web-'));
  const shots = path.join(dir, 'shots');
  let server: StaticServer;
  let browser: HeadlessBrowser;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots);
    const built = await buildWeb({ out: path.join(dir, 'site') });
    server = await serveStatic(built.out);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (process.env['GFF_WRITE_SCREENSHOTS'] === '1') {
      mkdirSync(path.join(ROOT, 'docs/studio'), { recursive: true });
      for (const f of ['gacha.png', 'morph.png', 'blend.png', 'favourites.png', 'ja.png', 'bad-code.png']) {
        // Small PNGs for the README: 256-colour palette, at most 900 px wide.
        await sharp(path.join(shots, f))
          .resize({ width: 900, withoutEnlargement: true })
          .png({ palette: true, quality: 85, compressionLevel: 9 })
          .toFile(path.join(ROOT, 'docs/studio', f))
          .catch(() => undefined); // a failed test took no screenshot
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(hash = '', query = ''): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}${query}${hash}`);
    await page.waitForFunction(() => {
      const p = (window as unknown as { gffStudio?: Probe }).gffStudio;
      return p && (p.error !== null || (p.ready && p.firstFaceMs !== null));
    });
    return page;
  }

  const probe = (page: Page) => page.evaluate(() => (window as unknown as { gffStudio: Probe }).gffStudio);

  /**
   * Waits until a live slider's faces are painted: more steps than `before`, none in flight or
   * waiting. A fixed pause is not enough on a loaded machine: the last draw may still be running.
   */
  const liveSettled = (page: Page, before: number) =>
    page.waitForFunction((n) => {
      const p = (window as unknown as { gffStudio: Probe }).gffStudio;
      return p.liveSteps.length > n && p.liveBusy === 0;
    }, before);
  const liveCount = async (page: Page) => (await probe(page)).liveSteps.length;

  /** RGBA bytes of the canvases matching a selector. */
  const pixels = (page: Page, selector: string) =>
    page.$$eval(selector, (cs) =>
      cs.map((c) =>
        Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data),
      ),
    );

  function stdDev(rgba: number[]): number {
    const v: number[] = [];
    for (let i = 0; i < rgba.length; i += 4) v.push(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  }

  function meanAbsDiff(a: number[], b: number[]): number {
    let s = 0;
    let n = 0;
    for (let i = 0; i < a.length; i++) {
      if (i % 4 === 3) continue; // alpha
      s += Math.abs(a[i]! - b[i]!);
      n++;
    }
    return s / n;
  }

  it('GIVEN a cold start THEN the page loads without console errors and the gacha draws nine distinct, non-blank faces', async () => {
    const page = await open();
    const p = await probe(page);
    expect(p.error).toBeNull();
    expect(['wasm', 'webgl', 'cpu']).toContain(p.backend);
    const faces = await pixels(page, '[data-testid=gacha-grid] canvas');
    expect(faces).toHaveLength(9);
    for (const f of faces) expect(stdDev(f)).toBeGreaterThan(20);
    expect(meanAbsDiff(faces[0]!, faces[1]!)).toBeGreaterThan(5);
    // Tags typed (Japanese alias included) tick the grouped checkboxes; a roll follows them.
    await page.fill('[data-testid=tag-text]', '金髪, smile');
    await page.dispatchEvent('[data-testid=tag-text]', 'input');
    expect(await page.isChecked('input[data-tag=blonde_hair]')).toBe(true);
    expect(await page.isChecked('input[data-tag=smile]')).toBe(true);
    await page.fill('[data-testid=tag-text]', 'blonde_hiar');
    await page.dispatchEvent('[data-testid=tag-text]', 'input');
    expect(await page.textContent('.picker .feedback')).toContain('did you mean blonde_hair');
    await page.fill('[data-testid=tag-text]', 'blonde hair, smile');
    await page.dispatchEvent('[data-testid=tag-text]', 'input');
    const before = (await probe(page)).draws;
    await page.click('[data-testid=roll]');
    await page.waitForFunction((n) => (window as unknown as { gffStudio: Probe }).gffStudio.draws >= n + 9, before);
    await page.screenshot({ path: path.join(shots, 'gacha.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('GIVEN a share code from `gff generate` THEN #g=<code> draws the same girl within a small tolerance', async () => {
    const png = path.join(dir, 'cli.png');
    // Both sides at the bundled model's own size, whatever it is (the canvas draws it unscaled).
    const size = (JSON.parse(readFileSync(path.join(ROOT, 'models/default/card.json'), 'utf8')) as { imageSize: number }).imageSize;
    const run = await runProcess(
      process.execPath,
      [path.join(ROOT, 'bin/gff.js'), 'generate', '--seed', '42', '--tags', 'blonde_hair, smile, twintails', '--size', String(size), '-o', png],
      {
        cwd: ROOT,
        env: { ...process.env, GFF_BACKEND: 'wasm' },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const code = /^code (\S+)$/m.exec(run.stdout)![1]!;
    // The CLI's picture is the tile inside a 4 px gutter, a caption band below.
    const cli = await sharp(png).extract({ left: 4, top: 4, width: size, height: size }).ensureAlpha().raw().toBuffer();
    const page = await open(`#g=${code}`);
    await page.waitForFunction(() => !(document.querySelector('[data-testid=girl]') as HTMLElement).hidden);
    await page.waitForFunction(() => (window as unknown as { gffStudio: Probe }).gffStudio.draws >= 10);
    expect(await page.inputValue('[data-testid=girl-code]')).toBe(code);
    const [web] = await pixels(page, '[data-testid=girl-canvas]');
    const diff = meanAbsDiff(web!, Array.from(cli));
    const maxDiff = Math.max(...web!.map((v, i) => Math.abs(v - cli[i]!)));
    expect(diff).toBeLessThan(1.5);
    expect(maxDiff).toBeLessThanOrEqual(24);
    await page.close();
  });

  it('GIVEN favourites kept and imported THEN they survive a reload, newest first, and export as share codes', async () => {
    const page = await open();
    await page.evaluate(() => localStorage.removeItem('gff.favourites.v1'));
    await page.click('[data-testid=gacha-grid] figure:nth-child(1) [data-testid=keep]');
    await page.click('[data-testid=gacha-grid] figure:nth-child(2) [data-testid=keep]');
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { gffStudio: Probe }).gffStudio.ready);
    await page.click('[data-tab=favourites]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fav]').length === 2);
    await page.fill('[data-testid=fav-name] >> nth=0', 'Aoi');
    await page.dispatchEvent('[data-testid=fav-name] >> nth=0', 'change');
    const codes = await page.evaluate(() =>
      (JSON.parse(localStorage.getItem('gff.favourites.v1')!) as { code: string; name: string }[]).map((f) => [f.code, f.name]),
    );
    expect(codes).toHaveLength(2);
    expect(codes[0]![1]).toBe('Aoi');
    // A code made by the CLI imports; a foreign or broken one gets a clear message, not a blank page.
    const cli = await runProcess(process.execPath, [path.join(ROOT, 'bin/gff.js'), 'code', '--seed', '7', '--tags', 'pink_hair'], { cwd: ROOT });
    const cliCode = cli.stdout.trim().split(/\s+/).pop()!;
    await page.fill('[data-testid=import-text]', `${cliCode}\nnot-a-code`);
    await page.click('[data-testid=import]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fav]').length === 3);
    expect(await page.isVisible('[data-testid=banner]')).toBe(true);
    expect(await page.textContent('[data-testid=banner]')).toMatch(/cannot be read: .*(incomplete|not a share code|damaged)/);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { gffStudio: Probe }).gffStudio.ready);
    await page.click('[data-tab=favourites]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fav] canvas').length === 3);
    const stored = await page.evaluate(() => (JSON.parse(localStorage.getItem('gff.favourites.v1')!) as { code: string }[]).map((f) => f.code));
    expect(stored[0]).toBe(cliCode);
    expect(stored.slice(1)).toEqual(codes.map((c) => c[0]));
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(shots, 'favourites.png') });
    await page.close();
  });

  it('GIVEN a girl and target tags THEN dragging the morph slider redraws her', async () => {
    const page = await open();
    await page.click('[data-testid=gacha-grid] figure:nth-child(3) canvas');
    // The gacha's seeds are random: aim at a hair colour and a background she does not have, so
    // that the morph changes more than her mouth (a red-haired girl on blue differed by 1.7).
    const hers = (await page.textContent('[data-testid=girl] .tags-line')) ?? '';
    expect(hers).toMatch(/[a-z]+[ _]hair/);
    const hair = /red[ _]hair/.test(hers) ? 'blue_hair' : 'red_hair';
    const background = /blue[ _]background/.test(hers) ? 'pink_background' : 'blue_background';
    await page.click('[data-tab=morph]');
    await page.fill('[data-testid=morph-to]', `${hair}, open_mouth, ${background}`);
    await page.dispatchEvent('[data-testid=morph-to]', 'input');
    await page.waitForFunction(() => document.querySelectorAll('.morph .strip canvas').length === 7);
    const start = (await pixels(page, '[data-testid=morph-canvas]'))[0]!;
    const steps = (await probe(page)).liveSteps.length;
    const box = (await page.locator('[data-testid=morph-slider]').boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 2 + ((box.width - 4) * i) / 10, box.y + box.height / 2);
    await page.mouse.up();
    await liveSettled(page, steps);
    const end = (await pixels(page, '[data-testid=morph-canvas]'))[0]!;
    expect(Number(await page.inputValue('[data-testid=morph-slider]'))).toBeGreaterThan(900);
    expect(meanAbsDiff(start, end)).toBeGreaterThan(8);
    await page.screenshot({ path: path.join(shots, 'morph.png') });
    // The full-colour download: Chromium's own decoder reads it as a looping animation of the
    // 7 frames there and back (12), each as large as the GIF's.
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=morph-apng]')]);
    expect(saved.suggestedFilename()).toBe('morph-animated.png');
    const apng = readFileSync((await saved.path())!);
    const decoded = await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      type Track = { frameCount: number; animated: boolean; repetitionCount: number };
      type Decoder = {
        tracks: { ready: Promise<void>; selectedTrack: Track };
        decode(o: { frameIndex: number }): Promise<{ image: { displayWidth: number } }>;
      };
      const ImageDecoderCtor = (globalThis as unknown as { ImageDecoder: new (o: { data: Uint8Array; type: string }) => Decoder }).ImageDecoder;
      const decoder = new ImageDecoderCtor({ data, type: 'image/png' });
      await decoder.tracks.ready;
      const track = decoder.tracks.selectedTrack;
      const last = await decoder.decode({ frameIndex: track.frameCount - 1 });
      return { frames: track.frameCount, animated: track.animated, loops: track.repetitionCount, width: last.image.displayWidth };
    }, apng.toString('base64'));
    expect(decoded).toEqual({ frames: 12, animated: true, loops: Number.POSITIVE_INFINITY, width: 192 });
    await page.close();
  });

  it('GIVEN two or more favourites THEN the blend slider and the 2-D pad redraw live', async () => {
    const page = await open();
    await page.click('[data-tab=blend]');
    await page.waitForFunction(() => document.querySelectorAll('.blend .strip canvas').length === 7);
    const a = (await pixels(page, '[data-testid=blend-canvas]'))[0]!;
    let steps = await liveCount(page);
    await page.fill('[data-testid=blend-slider]', '1000');
    await page.dispatchEvent('[data-testid=blend-slider]', 'input');
    await liveSettled(page, steps);
    const b = (await pixels(page, '[data-testid=blend-canvas]'))[0]!;
    expect(meanAbsDiff(a, b)).toBeGreaterThan(3);
    await page.locator('[data-testid=pad]').scrollIntoViewIfNeeded();
    const pad = (await page.locator('[data-testid=pad]').boundingBox())!;
    steps = await liveCount(page);
    await page.mouse.click(pad.x + 10, pad.y + 10);
    await liveSettled(page, steps);
    const tl = (await pixels(page, '[data-testid=pad-canvas]'))[0]!;
    steps = await liveCount(page);
    await page.mouse.click(pad.x + pad.width - 10, pad.y + pad.height - 10);
    await liveSettled(page, steps);
    const br = (await pixels(page, '[data-testid=pad-canvas]'))[0]!;
    expect(meanAbsDiff(tl, br)).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(shots, 'blend.png'), fullPage: true });
    await page.close();
  });

  it('GIVEN a girl of the coded default model THEN 🔀 variations redraw one named part per tile; σ on the slider perturbs her whole z, "By part" goes back (issue 31)', async () => {
    const earlier = errors.length;
    const page = await open();
    await page.click('[data-testid=gacha-grid] canvas >> nth=0');
    await page.click('[data-tab=variations]');
    const labels = () => page.$$eval('[data-testid=var-grid] figcaption span', (s) => s.map((e) => e.textContent));
    const walk = ['hair and face outline', 'eyes and brows', 'mouth and nose', 'framing and colours'];
    const byPart = ['★', ...Array.from({ length: 8 }, (_, i) => `${i + 2} · ${walk[i % 4]}`)];
    await page.click('[data-testid=var-again]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=var-grid] canvas').length === 9);
    expect(await labels()).toEqual(byPart);
    expect(await page.textContent('[data-testid=var-mode]')).toBe('one part each');
    expect(await page.isHidden('[data-testid=var-parts]')).toBe(true);
    await page.fill('[data-testid=var-sigma]', '0.5');
    await page.dispatchEvent('[data-testid=var-sigma]', 'input');
    await page.dispatchEvent('[data-testid=var-sigma]', 'change');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=var-grid] figcaption span')[1]?.textContent === '2');
    expect(await labels()).toEqual(['★', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(await page.textContent('[data-testid=var-mode]')).toBe('σ 0.50');
    await page.click('[data-testid=var-parts]');
    await page.waitForFunction((want) => document.querySelectorAll('[data-testid=var-grid] figcaption span')[1]?.textContent === want, byPart[1]);
    expect(await labels()).toEqual(byPart);
    expect(errors.slice(earlier)).toEqual([]);
    await page.close();
  });

  it('GIVEN a broken or foreign code in the URL THEN the page says so and still works', async () => {
    const page = await open('#g=AQIHZGVmYXVsdGQwfjyYO3c29Si1Ook_9DU3wZO8C7TDp684TrcVrLI6S70');
    expect(await page.textContent('[data-testid=banner]')).toMatch(/share code/i);
    expect((await pixels(page, '[data-testid=gacha-grid] canvas')).length).toBe(9);
    await page.screenshot({ path: path.join(shots, 'bad-code.png') });
    await page.close();
    const missing = await open('', '?model=nowhere/');
    const p = await probe(missing);
    expect(p.error).toMatch(/nowhere/);
    expect(await missing.textContent('[data-testid=banner]')).toContain('npm run build:web');
    await missing.close();
  });

  it('GIVEN a Japanese browser THEN the studio speaks Japanese', async () => {
    const page = await open('', '?lang=ja');
    expect(await page.textContent('[data-tab=gacha]')).toBe('ガチャ');
    expect(await page.textContent('fieldset.group-hair_color legend')).toBe('髪の色');
    await page.screenshot({ path: path.join(shots, 'ja.png') });
    await page.close();
  });
});
