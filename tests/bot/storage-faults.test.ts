/**
 * Storage faults as users and operators see them (issue #10, items 18 and 19): a database
 * deleted while running, permanent corruption versus a busy database, and a start-up error
 * that names the file.
 */
import { mkdirSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { openDatabase } from '../../src/store/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { startWorld, type World } from './harness.ts';

describe('storage faults end to end', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.close());

  const codeOf = (bot: Bot, seed: number) => {
    const model = bot.ctx.runtime.catalog.get('tiny')!;
    return shareCodeOf({ modelId: 'tiny', z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(['smile']) });
  };

  it('GIVEN the database folder is deleted while running THEN adds are not confirmed: users are told storage is unavailable, one clear log line', async () => {
    const folder = path.join(w.dir, 'deleted');
    mkdirSync(folder);
    const file = path.join(folder, 'gff.db');
    const bot = await w.startBot({ GFF_DATABASE: file });
    const user = makeUser('dora');
    const add = (seed: number, locale = 'en-US') =>
      w.loop.sendCommand({ name: 'favorite', subcommand: 'add', options: { code: codeOf(bot, seed) }, user, locale }).finalMessage();
    try {
      expect((await add(1)).content).toMatch(/favourite, #1/);
      rmSync(folder, { recursive: true, force: true });
      const second = await add(2);
      expect(second.content).not.toMatch(/Saved/);
      expect(second.content).toMatch(/storage is unavailable/);
      expect(second.content).not.toMatch(/try again in a moment/);
      expect((await add(3, 'ja')).content).toMatch(/保存先が使えません/);
      const lines = w.logs.filter((l) => l.includes(file) && /deleted or replaced/.test(l));
      expect(lines).toHaveLength(1);
      // Drawing needs no storage: the picture is posted, without buttons that could not work, saying why.
      const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 }, user }).finalMessage();
      expect(grid.attachments).toHaveLength(1);
      expect(grid.content).toMatch(/No buttons under this picture/);
      expect(grid.components).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('GIVEN a corrupt database under a running bot THEN users are told storage is unavailable (not "try again"), in English and Japanese; a busy one says try again', async () => {
    const bot = await w.startBot({ GFF_DATABASE: path.join(w.dir, 'corrupt-later.db') });
    const user = makeUser('erin');
    const list = (locale = 'en-US') => w.loop.sendCommand({ name: 'favorite', subcommand: 'list', options: {}, user, locale }).finalMessage();
    const failWith = (code: string, message: string) => {
      bot.ctx.favourites.list = () => {
        throw Object.assign(new Error(message), { code });
      };
    };
    try {
      for (const [code, message] of [
        ['SQLITE_CORRUPT', 'database disk image is malformed'],
        ['SQLITE_NOTADB', 'file is not a database'],
        ['SQLITE_FULL', 'database or disk is full'],
        ['SQLITE_IOERR_READ', 'disk I/O error'],
        ['SQLITE_READONLY', 'attempt to write a readonly database'],
      ]) {
        failWith(code!, message!);
        const en = await list();
        expect(en.content, code).toMatch(/storage is unavailable/);
        expect(en.content, code).not.toMatch(/try again in a moment/);
        expect((await list('ja')).content, code).toMatch(/保存先が使えません/);
      }
      for (const code of ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT']) {
        failWith(code, 'database is locked');
        expect((await list()).content, code).toMatch(/try again in a moment/);
        expect((await list('ja')).content, code).toMatch(/少し待ってから/);
      }
    } finally {
      await bot.stop();
    }
  });

  it('GIVEN a database file with corrupt pages at start-up THEN the start-up error names the file', async () => {
    const file = path.join(w.dir, 'corrupt.db');
    const db = await openDatabase(file); // schema in place
    await db.run('CREATE TABLE pad (x TEXT)');
    for (let i = 0; i < 100; i++) await db.run('INSERT INTO pad VALUES (?)', 'x'.repeat(500));
    await db.close();
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0x5a), 0, size - 4096, 4096); // every page but the header's
    closeSync(fd);
    await expect(w.startBot({ GFF_DATABASE: file })).rejects.toThrow(
      expect.objectContaining({ message: expect.stringMatching(new RegExp(`${file.replace(/[.\\/]/g, '\\$&')}.*malformed`)) }),
    );
  });
});
