/**
 * Issue 30 item 13, in Chromium: switching language keeps the page as it was, the pad's
 * corners share out the favourites, and a malformed #g= does not stop the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../tools/web-build.ts';
import { serveStatic, type StaticServer } from '../../tools/web-server.ts';
import { chromiumAvailable, launchChromium, type HeadlessBrowser } from '../../tools/web-browser.ts';

type Probe = { ready: boolean; error: string | null; firstFaceMs: number | null; draws: number };

describe.skipIf(!chromiumAvailable())('the studio keeps its state (issue 30 item 13)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gff-web-state-'));
  let server: StaticServer;
  let browser: HeadlessBrowser;
  const errors: string[] = [];

  beforeAll(async () => {
    const built = await buildWeb({ out: path.join(dir, 'site') });
    server = await serveStatic(built.out);
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

  async function open(hash = '', query = ''): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}${query}${hash}`);
    await started(page);
    return page;
  }

  const pixels = (page: Page, selector: string) =>
    page.$$eval(selector, (cs) =>
      cs.map((c) =>
        Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data),
      ),
    );
  const gridDrawn = (page: Page) => page.waitForFunction(() => document.querySelectorAll('[data-testid=gacha-grid] canvas').length === 9);

  it('GIVEN ticked tags and a rolled grid THEN 日本語 keeps the tags, the seeds and the faces', async () => {
    const page = await open();
    await gridDrawn(page);
    await page.fill('[data-testid=tag-text]', 'blonde_hair, smile');
    await page.dispatchEvent('[data-testid=tag-text]', 'input');
    const before = await page.evaluate(() => (window as unknown as { gffStudio: Probe }).gffStudio.draws);
    await page.click('[data-testid=roll]');
    await page.waitForFunction((n) => (window as unknown as { gffStudio: Probe }).gffStudio.draws >= n + 9, before);
    const seeds = (await page.textContent('.gacha .stage .hint'))!.match(/\d+/g);
    const faces = await pixels(page, '[data-testid=gacha-grid] canvas');
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid=lang]')]);
    await started(page);
    await gridDrawn(page);
    expect(await page.textContent('[data-tab=gacha]')).toBe('ガチャ');
    expect(await page.inputValue('[data-testid=tag-text]')).toBe('blonde_hair, smile');
    expect(await page.isChecked('input[data-tag=blonde_hair]')).toBe(true);
    expect(await page.isChecked('input[data-tag=smile]')).toBe(true);
    expect((await page.textContent('.gacha .stage .hint'))!.match(/\d+/g)).toEqual(seeds);
    expect(await pixels(page, '[data-testid=gacha-grid] canvas')).toEqual(faces);
    // And back: English again, still the same grid.
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid=lang]')]);
    await started(page);
    await gridDrawn(page);
    expect(await page.textContent('[data-tab=gacha]')).toBe('Gacha');
    expect((await page.textContent('.gacha .stage .hint'))!.match(/\d+/g)).toEqual(seeds);
    await page.close();
  });

  it('GIVEN two favourites THEN the pad’s corners are ⭐1 ⭐2 ⭐1 ⭐2, each favourite at two corners', async () => {
    const page = await open();
    await gridDrawn(page);
    await page.evaluate(() => localStorage.removeItem('gff.favourites.v1'));
    await page.click('[data-testid=gacha-grid] figure:nth-child(1) [data-testid=keep]');
    await page.click('[data-testid=gacha-grid] figure:nth-child(2) [data-testid=keep]');
    await page.click('[data-tab=blend]');
    const corners = await page.$$eval('[data-testid^=pad-]', (els) =>
      els.filter((e) => e.tagName === 'SELECT').map((e) => (e as HTMLSelectElement).selectedOptions[0]?.textContent),
    );
    expect(corners).toEqual(['⭐1', '⭐2', '⭐1', '⭐2']);
    await page.evaluate(() => localStorage.removeItem('gff.favourites.v1'));
    await page.close();
  });

  it('GIVEN #g=% (a malformed escape) THEN the page starts, says the code cannot be read, and draws', async () => {
    const page = await open('#g=%');
    const p = await page.evaluate(() => (window as unknown as { gffStudio: Probe }).gffStudio);
    expect(p.ready).toBe(true);
    expect(p.error).toBeNull();
    expect(await page.textContent('[data-testid=banner]')).toMatch(/share code/i);
    await gridDrawn(page);
    // Item 8 in the studio: a tag the original had is "not among this model's tags", no guess.
    await page.fill('[data-testid=tag-text]', 'blush');
    await page.dispatchEvent('[data-testid=tag-text]', 'input');
    expect(await page.textContent('.picker .feedback')).toBe('"blush" is not among this model’s tags.');
    await page.close();
    expect(errors.filter((e) => /URI malformed/.test(e))).toEqual([]);
  });
});
