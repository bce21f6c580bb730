import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { BusyError } from '../../src/gan/errors.ts';
import type { Runtime } from '../../src/runtime.ts';
import { CALLBACK } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { findId, starButtons, startWorld, type World } from './harness.ts';

const EDIT = 'PATCH /webhooks/:app/:token/messages/@original';
/** The interaction's first answer: the picture itself when it is drawn within the reply window. */
const REPLY = 'POST /interactions/:id/:token/callback';
/** A bot that always shows "thinking…" first and edits the picture in (the path of slow pictures). */
const DEFER_FIRST = { GFF_REPLY_WINDOW_MS: '0' };

/** The shared runtime with its generator replaced (busy queue, broken generator…). */
function withGenerator(rt: Runtime, generate: () => Promise<never>): Runtime {
  return { ...rt, context: (limit) => ({ ...rt.context(limit), generator: { generate } }) };
}

describe('bot resilience end to end', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.close());

  /** Each test runs its own bot on the shared world, one at a time. */
  async function withBot(env: Record<string, string>, extra: Parameters<World['startBot']>[1], body: (bot: Bot) => Promise<void>) {
    const bot = await w.startBot(env, extra);
    try {
      await body(bot);
    } finally {
      await bot.stop();
    }
  }

  it('GIVEN a restart on the same database THEN the old message’s buttons still work; purged results get a clear message', async () => {
    const first = await w.startBot();
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'black_hair', count: 3 } }).finalMessage();
    await first.stop();
    await withBot({}, {}, async (bot) => {
      const kept = await w.loop.clickButton({ customId: starButtons(grid)[1]!, message: grid }).finalMessage();
      expect(kept.content).toMatch(/Saved tile 2/);
      const codes = await w.loop.clickButton({ customId: findId(grid, 'gacha:codes:'), message: grid }).finalMessage();
      expect(codes.content).toMatch(/\*\*3\*\* `/);
      await bot.ctx.results.purgeExpired(Date.now() + 365 * 24 * 3600_000);
      const gone = w.loop.clickButton({ customId: starButtons(grid)[0]!, message: grid });
      expect((await gone.finalMessage()).content).toMatch(/no longer stored/);
      expect(gone.ephemeral).toBe(true);
      const old = await bot.ctx.results.save({ userId: '1', modelId: 'tiny', tags: {}, draws: [{ seed: 1 }], ttlMs: 1 });
      await new Promise((r) => setTimeout(r, 5));
      const stale = {
        ...grid.api,
        id: '1234567890123456789',
        components: [{ type: 1, components: [{ type: 2, style: 2, label: '⭐1', custom_id: `gacha:fav:${old.id}:1` }] }],
      };
      const expired = await w.loop.clickButton({ customId: `gacha:fav:${old.id}:1`, message: stale }).finalMessage();
      expect(expired.content).toMatch(/expired/);
    });
  });

  for (const [what, env, route] of [
    ['the reply', {}, REPLY],
    ['the edit of a deferred reply', DEFER_FIRST, EDIT],
  ] as const) {
    it(`GIVEN REST 429 and a 500 on ${what} THEN discord.js waits/retries and the picture lands`, async () => {
      await withBot(env, {}, async () => {
        const limited = w.loop.failNext(route, { status: 429, retryAfter: 0.05 });
        const a = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage({ where: (m) => m.attachments.length > 0 });
        expect(limited.hits).toBe(1);
        expect(a.attachments[0]!.filename).toBe('gacha.png');
        const failed = w.loop.failNext(route, { status: 500 });
        const b = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage({ where: (m) => m.attachments.length > 0 });
        expect(failed.hits).toBe(1);
        expect(b.attachments).toHaveLength(1);
      });
    });
  }

  for (const [what, env, route] of [
    ['the reply', {}, REPLY],
    ['the edit of a deferred reply', DEFER_FIRST, EDIT],
  ] as const) {
    it(`GIVEN ${what} fails for good (5xx past the retries) THEN the user gets a private apology, it is logged, and the bot carries on`, async () => {
      await withBot(env, {}, async () => {
        const failing = w.loop.failNext(route, { status: 502 }, 4);
        const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } });
        const apology = await rec.finalMessage({ where: (m) => m.ephemeral, timeoutMs: 20_000 });
        expect(failing.hits).toBe(4);
        expect(apology.content).toMatch(/^Sorry — something went wrong on our side while running \/gacha/);
        expect(apology.content).not.toMatch(/\.ts:\d+|Error:/);
        expect(w.logs.some((l) => l.includes('"command":"/gacha"') && l.includes('"level":50'))).toBe(true);
        const next = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage({ where: (m) => m.attachments.length > 0 });
        expect(next.attachments).toHaveLength(1);
      });
    });
  }

  it('GIVEN a picture slower than the reply window THEN "thinking…" comes first and the picture is edited in; the drawing counts once', async () => {
    const slowly: Runtime = {
      ...w.runtime,
      context: (limit, owner, size) => {
        const ctx = w.runtime.context(limit, owner, size);
        const generate: typeof ctx.generator.generate = async (...args) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return ctx.generator.generate(...args);
        };
        return { ...ctx, generator: { ...ctx.generator, generate } };
      },
    };
    await withBot({ GFF_REPLY_WINDOW_MS: '50', GFF_RATE_LIMIT: '1', GFF_RATE_WINDOW_S: '60' }, { runtime: slowly }, async () => {
      const user = makeUser('gus');
      const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 }, user });
      const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(rec.events.map((e) => e.kind)).toEqual(['callback', 'edit']);
      expect(rec.callbackType).toBe(CALLBACK.DEFER);
      expect(rec.ephemeral).toBe(false);
      expect(reply.attachments[0]!.filename).toBe('gacha.png');
      const again = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 }, user });
      expect((await again.finalMessage()).content).toMatch(/at most 1 drawing/);
    });
  });

  it('GIVEN the gateway drops THEN the bot resumes and answers the command sent meanwhile', async () => {
    await withBot({}, {}, async () => {
      const resumed = w.loop.waitForResume(20_000);
      w.loop.dropGateway({ code: 4000 });
      const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } });
      await resumed;
      const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 20_000 });
      expect(reply.attachments).toHaveLength(1);
      expect(w.loop.gatewayStats.resumes).toBeGreaterThanOrEqual(1);
    });
  });

  it('GIVEN stop() while a reply is in flight THEN the reply lands, newcomers are told to wait, then generator and database close', async () => {
    const bot = await w.startBot({}, { runtime: undefined }); // its own runtime, which stop() must close
    const slow = w.loop.failNext(REPLY, { status: 429, retryAfter: 0.4 });
    const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } });
    await expect.poll(() => slow.hits, { timeout: 10_000 }).toBe(1);
    let stoppedAt = 0;
    const stopping = bot.stop().then(() => (stoppedAt = performance.now()));
    const late = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile' } });
    expect((await late.finalMessage()).content).toMatch(/restarting/);
    const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    const landedAt = performance.now();
    expect(reply.attachments[0]!.filename).toBe('gacha.png');
    await stopping;
    expect(stoppedAt).toBeGreaterThanOrEqual(landedAt);
    await expect(bot.ctx.runtime.service.generate([])).rejects.toThrow(/shutting down/);
    await expect(bot.ctx.favourites.count('1')).rejects.toThrow();
    expect(w.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });

  it('GIVEN a per-user rate limit THEN the third drawing within the window is refused with the wait; ⭐ and bad input do not count', async () => {
    await withBot({ GFF_RATE_LIMIT: '2', GFF_RATE_WINDOW_S: '60' }, {}, async () => {
      const user = makeUser('fay');
      const send = (tags: string) => w.loop.sendCommand({ name: 'gacha', options: { tags, count: 2 }, user });
      expect((await send('smille').finalMessage()).content).toMatch(/smile/); // refused early: not counted
      const grid = await send('smile').finalMessage({ where: (m) => m.attachments.length > 0 });
      await w.loop.clickButton({ customId: starButtons(grid)[0]!, message: grid, user }).finalMessage();
      await send('smile').finalMessage({ where: (m) => m.attachments.length > 0 });
      const third = send('smile');
      expect((await third.finalMessage()).content).toMatch(/at most 2 drawings per 60 s\. Try again in \d+ s/);
      expect(third.ephemeral).toBe(true);
      const other = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(other.attachments).toHaveLength(1);
    });
  });

  it('GIVEN a full generator queue THEN a private "busy, try again in N s" comes straight back (no public placeholder)', async () => {
    await withBot({}, { runtime: withGenerator(w.runtime, () => Promise.reject(new BusyError(2500))) }, async () => {
      const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile' } });
      expect((await rec.finalMessage()).content).toBe('The girl factory is busy right now. Please try again in 3 s.');
      expect(rec.callbackType).toBe(CALLBACK.REPLY);
      expect(rec.ephemeral).toBe(true);
      const ja = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile' }, locale: 'ja' }).finalMessage();
      expect(ja.content).toMatch(/3 秒後/);
    });
  });

  it('GIVEN a user whose own pictures fill their share of the queue THEN the bot draws for that user and says how many of theirs still wait', async () => {
    const owners: (string | undefined)[] = [];
    const runtime: Runtime = {
      ...w.runtime,
      context: (limit, owner) => {
        owners.push(owner);
        return { ...w.runtime.context(limit, owner), generator: { generate: () => Promise.reject(new BusyError(4200, 30)) } };
      },
    };
    await withBot({}, { runtime }, async () => {
      const user = makeUser('queue-hog');
      const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile' }, user });
      expect((await rec.finalMessage()).content).toBe(
        '30 of your pictures are still waiting to be drawn. Please let them land (about 5 s) before asking for more.',
      );
      expect(rec.ephemeral).toBe(true);
      expect(owners).toEqual([user['id']]);
      const ja = await w.loop.sendCommand({ name: 'generate', options: { seed: 1 }, locale: 'ja', user }).finalMessage();
      expect(ja.content).toMatch(/まだ 30 枚.*約 5 秒/);
    });
  });

  it('GIVEN a bug in the generator THEN a short apology, the error logged with the command name, and the bot keeps going', async () => {
    await withBot({}, { runtime: withGenerator(w.runtime, () => Promise.reject(new TypeError('boom at depth'))) }, async () => {
      const rec = w.loop.sendCommand({ name: 'generate', options: { seed: 3, tags: 'smile' } });
      const reply = await rec.finalMessage();
      expect(reply.content).toMatch(/^Sorry — something went wrong on our side while running \/generate/);
      expect(reply.content).not.toMatch(/boom|TypeError/);
      expect(w.logs.some((l) => l.includes('boom at depth') && l.includes('"command":"/generate"'))).toBe(true);
      const help = await w.loop.sendCommand({ name: 'help' }).finalMessage();
      expect(help.embeds).toHaveLength(1);
    });
  });

  it('GIVEN a command or button the bot does not know THEN a private "no longer available"', async () => {
    await withBot({}, {}, async () => {
      const rec = w.loop.sendCommand({ name: 'removed-command' });
      expect((await rec.finalMessage()).content).toMatch(/no longer available/);
      expect(rec.ephemeral).toBe(true);
    });
  });

  it('GIVEN everything above THEN the logs hold a start-up line and never the bot token or an interaction token', () => {
    const startup = w.logs.find((l) => l.includes('"msg":"ready: '));
    expect(startup).toMatch(/"backend":"wasm".*"model":"tiny","tags":48,"workers":0/);
    const secrets = [w.loop.token, ...w.loop.interactions.map((i) => i.token)];
    expect(w.loop.interactions.length).toBeGreaterThan(10);
    const leaks = w.logs.filter((l) => secrets.some((s) => l.includes(s)));
    expect(leaks).toEqual([]);
  });
});
