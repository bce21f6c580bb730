/**
 * Issue 31, "256 px", in Chromium: the studio built with the default model, whose card.json
 * `sizes` names its 256 px sibling, offers a picture-size select; 256 px draws the same girl
 * (same share code, the same face at twice the size) with the sibling model, and the choice
 * holds across reloads. A sibling missing from the site is said in the page, at 128 px.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeShareCode } from '../../src/latent/share-code.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { buildWeb } from '../../tools/web-build.ts';
import { serveStatic, type StaticServer } from '../../tools/web-server.ts';
import { chromiumAvailable, launchChromium, type HeadlessBrowser } from '../../tools/web-browser.ts';

type Probe = { ready: boolean; error: string | null; firstFaceMs: number | null; draws: number };

const ROOT = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!chromiumAvailable())('the studio’s picture size (card.json sizes)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gff-web-size-'));
  let server: StaticServer;
  let browser: HeadlessBrowser;
  let site: string;
  const errors: string[] = [];
  // The default's card: its id and its family of sizes, whichever model is the default now.
  const card = JSON.parse(readFileSync(path.join(ROOT, 'models/default/card.json'), 'utf8')) as { id: string; sizes: Record<string, string> };
  // A girl of the 128 px model: her code names the default's id at either size.
  const tags = new Float32Array(48);
  tags[0] = 1;
  const code = encodeShareCode({ modelId: card.id, z: seedToZ(42, 100), tags });

  beforeAll(async () => {
    const built = await buildWeb({ out: path.join(dir, 'site'), modelDir: path.join(ROOT, 'models/default') });
    expect(card.sizes['128']).toBe(card.id);
    expect(built.sizes).toEqual({ '256': card.sizes['256'] });
    site = built.out;
    // The same model in a folder without its 256 px sibling beside it.
    cpSync(path.join(site, 'models/default'), path.join(site, 'alone/default'), { recursive: true });
    server = await serveStatic(site);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const started = (page: Page) =>
    page.waitForFunction(() => {
      const p = (window as unknown as { gffStudio?: Probe }).gffStudio;
      return p && (p.error !== null || (p.ready && p.firstFaceMs !== null));
    });
  const girlShown = (page: Page) => page.waitForFunction(() => !(document.querySelector('[data-testid=girl]') as HTMLElement).hidden);
  const girlFace = (page: Page) =>
    page.$eval('[data-testid=girl-canvas]', (c) => {
      const canvas = c as HTMLCanvasElement;
      return { width: canvas.width, data: Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
  /** The 256 px face averaged over 2 × 2 blocks against the 128 px one: mean difference per channel. */
  function halvedDiff(big: { width: number; data: number[] }, small: { width: number; data: number[] }): number {
    let sum = 0;
    let n = 0;
    for (let y = 0; y < small.width; y++) {
      for (let x = 0; x < small.width; x++) {
        for (let ch = 0; ch < 3; ch++) {
          let v = 0;
          for (const [dy, dx] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ] as const)
            v += big.data[((2 * y + dy) * big.width + 2 * x + dx) * 4 + ch]!;
          sum += Math.abs(v / 4 - small.data[(y * small.width + x) * 4 + ch]!);
          n++;
        }
      }
    }
    return sum / n;
  }

  it('GIVEN the 128 px default THEN 256 px in the select redraws her with the 256 px model: same code, same face twice as large, kept across reloads', async () => {
    const page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}#g=${code}`);
    await started(page);
    await girlShown(page);
    expect(await page.$$eval('[data-testid=px] option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['128', '256']);
    expect(await page.inputValue('[data-testid=px]')).toBe('128');
    const small = await girlFace(page);
    expect(small.width).toBe(128);

    await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=px]', '256')]);
    await started(page);
    await girlShown(page);
    expect(await page.inputValue('[data-testid=px]')).toBe('256');
    expect(await page.textContent('[data-testid=backend]')).toMatch(/256 px/);
    expect(await page.inputValue('[data-testid=girl-code]')).toBe(code);
    const big = await girlFace(page);
    expect(big.width).toBe(256);
    expect(halvedDiff(big, small)).toBeLessThan(6);
    expect(await page.$$eval('[data-testid=gacha-grid] canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width))).toEqual(Array(9).fill(256));

    // The choice holds across a reload; 128 px again draws as at first.
    await page.reload();
    await started(page);
    expect(await page.inputValue('[data-testid=px]')).toBe('256');
    await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=px]', '128')]);
    await started(page);
    await girlShown(page);
    expect(await girlFace(page)).toEqual(small);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('GIVEN ?px=256 where the 256 px model is not beside the page THEN the page says so and draws at 128 px', async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}?model=alone/default/&px=256`);
    await started(page);
    const p = await page.evaluate(() => (window as unknown as { gffStudio: Probe }).gffStudio);
    expect([p.ready, p.error]).toEqual([true, null]);
    expect(await page.textContent('[data-testid=banner]')).toMatch(
      /^The 256 px model could not be loaded \(.*size-256\/card\.json answered HTTP 404\.\); drawing at 128 px\./,
    );
    expect(await page.$$eval('[data-testid=gacha-grid] canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width))).toEqual(Array(9).fill(128));
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
