/**
 * The bot on PostgreSQL (GFF_DATABASE_URL) end to end: favourites and buttons as on SQLite;
 * the server stopped while the bot runs (users are told storage is not answering, nothing
 * half-written, the bot recovers when it is back); skipped with a note where no server can
 * be started (a failure under GFF_REQUIRE_POSTGRES=1, as in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { SharedRateLimiter } from '../../src/bot/rate-limit.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { CALLBACK } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { postgresTestsEnabled, TestPostgres } from '../../testkit/postgres.ts';
import { findId, starButtons, startWorld, type World } from './harness.ts';

describe.runIf(postgresTestsEnabled())('the bot on PostgreSQL', () => {
  let w: World;
  let pg: TestPostgres;
  let url: string;
  let bot: Bot;

  beforeAll(async () => {
    pg = await TestPostgres.start();
    url = pg.createDatabase('bot');
    w = await startWorld();
    bot = await w.startBot({ GFF_DATABASE_URL: url, GFF_RATE_LIMIT: '20' });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await pg?.destroy();
  });

  /** /favorite list's reply as text (its content and embeds). */
  const list = async (user: ReturnType<typeof makeUser>, locale = 'en-US') => {
    const m = await w.loop.sendCommand({ name: 'favorite', subcommand: 'list', options: {}, user, locale }).finalMessage();
    return JSON.stringify([m.content, m.embeds]);
  };

  it('GIVEN ⭐ on a gacha and a restart THEN the favourite is in PostgreSQL, listed, and survives the restart', async () => {
    const user = makeUser('pia');
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 4 }, user }).finalMessage();
    const saved = await w.loop.clickButton({ customId: starButtons(grid)[1]!, message: grid, user }).finalMessage();
    expect(saved.content).toMatch(/Saved tile 2/);
    expect(await bot.ctx.favourites.count(user.id)).toBe(1);
    // With PostgreSQL the rate limit is counted in the database, for every process that uses it.
    expect(bot.ctx.rateLimiter).toBeInstanceOf(SharedRateLimiter);
    await bot.stop();
    bot = await w.startBot({ GFF_DATABASE_URL: url, GFF_RATE_LIMIT: '20' });
    expect(await list(user)).toMatch(/#1/);
    // The old message's buttons still work: the gacha result is in the database too.
    const again = await w.loop.clickButton({ customId: starButtons(grid)[2]!, message: grid, user }).finalMessage();
    expect(again.content).toMatch(/Saved tile 3/);
  });

  it('GIVEN a gift offered, the bot restarted, then two Accept presses THEN she is in the receiver’s favourites once, in PostgreSQL', async () => {
    const giver = makeUser('gia');
    const receiver = makeUser('rio');
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 4 }, user: giver }).finalMessage();
    await w.loop.clickButton({ customId: starButtons(grid)[0]!, message: grid, user: giver }).finalMessage();
    const rec = w.loop.sendCommand({ name: 'favorite', subcommand: 'give', options: { slot: 1, to: receiver }, user: giver });
    const offer = await rec.finalMessage({ where: (m) => !m.ephemeral });
    expect(offer.pinged).toEqual([receiver.id]);
    await bot.stop();
    bot = await w.startBot({ GFF_DATABASE_URL: url, GFF_RATE_LIMIT: '20' });
    const accept = findId(offer, 'favorite:gift-accept:');
    const presses = [0, 1].map(() => w.loop.clickButton({ customId: accept, message: offer, user: receiver }));
    const answers = (await Promise.all(presses.map((p) => p.finalMessage()))).map((m) => m.content);
    expect(answers.filter((c) => /she is now their favourite #1/.test(c))).toHaveLength(1);
    expect(answers.filter((c) => /has been accepted/.test(c))).toHaveLength(1);
    expect(await bot.ctx.favourites.count(receiver.id)).toBe(1);
    expect(await bot.ctx.favourites.count(giver.id)).toBe(1);
  });

  it('GIVEN /favorite visibility who:public on PostgreSQL THEN another user sees her list with the Favourites menu, also after a restart', async () => {
    const owner = makeUser('rita');
    const viewer = makeUser('sam');
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 }, user: owner }).finalMessage();
    await w.loop.clickButton({ customId: starButtons(grid)[0]!, message: grid, user: owner }).finalMessage();
    const peek = () =>
      w.loop.sendUserCommand({ name: 'Favourites', target: owner, user: viewer }).finalMessage({ where: (m) => m.content !== '' || m.embeds.length > 0 });
    expect((await peek()).content).toMatch(/keeps their favourites private/);
    await w.loop.sendCommand({ name: 'favorite', subcommand: 'visibility', options: { who: 'public' }, user: owner }).finalMessage();
    await bot.stop();
    bot = await w.startBot({ GFF_DATABASE_URL: url, GFF_RATE_LIMIT: '20' });
    expect((await peek()).embeds[0]!.title).toBe('Their favourites (1)');
  });

  it('GIVEN the server stops while the bot runs THEN users are told storage is not answering, nothing is half-written, and it recovers when the server is back', async () => {
    const user = makeUser('quinn');
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 4 }, user }).finalMessage();
    await w.loop.clickButton({ customId: starButtons(grid)[0]!, message: grid, user }).finalMessage();
    expect(await bot.ctx.favourites.count(user.id)).toBe(1);

    await pg.stopServer();
    try {
      const star = await w.loop.clickButton({ customId: starButtons(grid)[3]!, message: grid, user }).finalMessage();
      expect(star.content).toMatch(/not answering right now; please try again in a moment/);
      expect(star.ephemeral).toBe(true);
      expect(await list(user)).toMatch(/not answering/);
      expect(await list(user, 'ja')).toMatch(/応答しません/);
      // Drawing needs no storage: the picture comes (the rate limit lets it through), without its buttons, saying why.
      const drawn = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 }, user }).finalMessage();
      expect(drawn.attachments).toHaveLength(1);
      expect(drawn.content).toMatch(/No buttons under this picture: the favourites storage cannot be reached right now/);
      expect(starButtons(drawn)).toEqual([]);
      expect(w.logs.some((l) => l.includes('rate limit not counted: storage failed'))).toBe(true);
      expect(w.logs.some((l) => l.includes('"code":"db_not_answering"') && l.includes('storage not answering'))).toBe(true);
      expect(w.logs.join('\n')).not.toMatch(/"stack":"[^"]*StoreError/); // no stack per interaction
    } finally {
      await pg.startServer();
    }
    // Back: the favourite from before is there, the ⭐ that failed left nothing, and new ones work.
    await expect.poll(() => list(user), { timeout: 15_000, interval: 250 }).toMatch(/#1/);
    expect(await bot.ctx.favourites.count(user.id)).toBe(1);
    const star = await w.loop.clickButton({ customId: starButtons(grid)[3]!, message: grid, user }).finalMessage();
    expect(star.content).toMatch(/Saved tile 4/);
    expect(await bot.ctx.favourites.count(user.id)).toBe(2);
  }, 60_000);

  it('GIVEN the server hangs (SIGSTOP) THEN /favorite add, /favorite list and ⭐ are acknowledged within the window and then told storage is not answering, and all works after SIGCONT', async () => {
    // Short timeouts and a quick acknowledgement for the test; production: 5 s / 10 s and 1.5 s.
    await bot.stop();
    const env = { GFF_DATABASE_URL: url, GFF_RATE_LIMIT: '20', GFF_DB_CONNECT_TIMEOUT_MS: '3000', GFF_DB_STATEMENT_TIMEOUT_MS: '3000' };
    bot = await w.startBot(env, { ackAfterMs: 50 });
    const user = makeUser('rhea');
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 4 }, user }).finalMessage();
    const model = bot.ctx.runtime.catalog.get(bot.ctx.runtime.catalog.defaultModelId)!;
    const code = shareCodeOf({ modelId: model.id, z: seedToZ(7, model.zDim), tags: model.vocabulary.toVector(['smile']) });
    pg.pauseServer();
    try {
      const add = w.loop.sendCommand({
        name: 'favorite',
        subcommand: 'add',
        options: { code },
        user,
      });
      const list = w.loop.sendCommand({ name: 'favorite', subcommand: 'list', options: {}, user });
      const star = w.loop.clickButton({ customId: starButtons(grid)[3]!, message: grid, user });
      for (const r of [add, list, star]) {
        // The store cannot have answered: the first callback is the deferral, not a reply after the timeout.
        const first = await r.waitForCallback(20_000);
        expect(first.callbackType).toBe(CALLBACK.DEFER);
        const answer = await r.finalMessage({ timeoutMs: 20_000 });
        expect(answer.content).toMatch(/not answering right now; please try again in a moment/);
        expect(r.ephemeral).toBe(true);
      }
    } finally {
      pg.resumeServer();
    }
    await expect.poll(() => bot.ctx.favourites.count(user.id).catch(() => -1), { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(0);
    const saved = await w.loop.clickButton({ customId: starButtons(grid)[3]!, message: grid, user }).finalMessage();
    expect(saved.content).toMatch(/Saved tile 4/);
  }, 90_000);
});
