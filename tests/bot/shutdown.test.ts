/**
 * Shutdown when a step throws synchronously (issue #10, item 11): closing the database can
 * throw (disk full, corrupt pages); the remaining steps must still run and stop() resolve.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWorld, type World } from './harness.ts';

describe('bot shutdown', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.close());

  it('GIVEN closing the database throws synchronously THEN the error is logged, the generator still closes and stop() resolves', async () => {
    const bot = await w.startBot({}, { runtime: undefined }); // its own runtime, which stop() must close
    const db = (bot.ctx.favourites as unknown as { db: { close(): void } }).db;
    const realClose = db.close.bind(db);
    db.close = () => {
      realClose();
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const closeRuntime = vi.spyOn(bot.ctx.runtime, 'close');
    await expect(bot.stop()).resolves.toBeUndefined();
    expect(closeRuntime).toHaveBeenCalledOnce();
    await expect(bot.ctx.runtime.service.generate([])).rejects.toThrow(/shutting down/);
    expect(w.logs.some((l) => l.includes('shutdown step failed') && l.includes('database or disk is full'))).toBe(true);
    expect(w.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
