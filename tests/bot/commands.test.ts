/** The command modules and bot helpers without a model: builders, components, rate limit, log scrubbing. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandPayloads } from '../../src/bot.ts';
import type { BotContext } from '../../src/bot/context.ts';
import { parseCustomId } from '../../src/bot/custom-id.ts';
import { InteractionRouter } from '../../src/bot/router.ts';
import { scrubTokens, serializeError } from '../../src/bot/logger.ts';
import { RateLimiter, RateLimitedError } from '../../src/bot/rate-limit.ts';
import { tileComponents } from '../../src/commands/shared/tile-buttons.ts';
import { translator } from '../../src/i18n/index.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { LoopbackDiscord } from '../../testkit/discord/index.ts';

type Json = {
  name: string;
  type?: number;
  description?: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  options?: Json[];
};

function* walk(list: Json[]): Generator<Json> {
  for (const item of list) {
    yield item;
    yield* walk(item.options ?? []);
  }
}

describe('command definitions', () => {
  it('GIVEN the command list THEN every command, subcommand and option has a Japanese name and description (context menus: a name only)', () => {
    const payloads = commandPayloads() as Json[];
    expect(payloads.map((c) => c.name)).toEqual([
      'gacha',
      'generate',
      'favorite',
      'restyle',
      'morph',
      'blend',
      'tags',
      'settings',
      'help',
      'Open this girl',
      'Favourites',
    ]);
    const slash = payloads.filter((c) => (c.type ?? 1) === 1);
    for (const item of walk(slash)) {
      expect(item.name_localizations?.ja, item.name).toBeTruthy();
      expect(item.description_localizations?.ja, item.name).toBeTruthy();
      expect(item.description!.length).toBeLessThanOrEqual(100);
    }
    for (const menu of payloads.filter((c) => (c.type ?? 1) !== 1)) {
      expect(menu.name_localizations?.ja, menu.name).toBeTruthy();
      expect(menu.description ?? '', menu.name).toBe('');
    }
  });

  it('GIVEN `npm run deploy-commands` against the loopback THEN the guild gets the same list; without a guild it says so', async () => {
    const loop = await LoopbackDiscord.start();
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = (env: Record<string, string>, args: string[] = []) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'tools/deploy-commands.ts'), ...args], {
          cwd: path.join(root, 'tests'), // no .env here
          env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: loop.token, DISCORD_APP_ID: loop.fixtures.application.id, DISCORD_API: loop.restApi, ...env },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => (out += b));
        child.stderr.on('data', (b: Buffer) => (err += b));
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    try {
      const ok = await run({ DISCORD_GUILD_ID: loop.fixtures.guild.id });
      expect(ok).toMatchObject({
        code: 0,
        out: `Registered 11 commands in guild ${loop.fixtures.guild.id}. User installs see only global commands: use --global for them.\n`,
      });
      expect(loop.commands.list(loop.fixtures.guild.id).map((c) => c.name)).toContain('morph');
      const missing = await run({});
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/DISCORD_GUILD_ID is not set.*--global/);
      const global = await run({}, ['--global']);
      expect(global).toMatchObject({ code: 0, out: 'Registered 11 commands globally, for server and user installs (may take up to an hour to appear).\n' });
      expect(loop.commands.list().length).toBe(11);
      // Global commands reach user installs everywhere; the guild's are that server's alone.
      for (const c of loop.commands.list()) expect([c.name, c.integration_types, c.contexts]).toEqual([c.name, [0, 1], [0, 1, 2]]);
      for (const c of loop.commands.list(loop.fixtures.guild.id)) expect(c.integration_types).toBeUndefined();
    } finally {
      await loop.stop();
    }
  });
});

describe('router', () => {
  it('GIVEN two modules under one name or custom_id prefix THEN the router refuses to start rather than lose one', async () => {
    const help = await import('../../src/commands/help.ts');
    const open = await import('../../src/commands/open-girl.ts');
    const ctx = {} as BotContext;
    expect(() => new InteractionRouter([help, help], ctx)).toThrow(/share a name/);
    expect(
      () => new InteractionRouter([open, { ...open, data: { ...open.data, name: 'Other', toJSON: () => ({ ...open.data.toJSON(), name: 'Other' }) } }], ctx),
    ).toThrow(/custom_id prefix/);
    expect(() => new InteractionRouter([help, open], ctx)).not.toThrow();
  });
});

describe('tile components', () => {
  it.each([1, 4, 9, 15, 16, 25, 26, 49])('GIVEN %i tiles THEN at most 5 rows of at most 5, unique custom_ids of ≤ 100 chars', (n) => {
    const rows = tileComponents('AbCdEfGhIjKl', n, translator('en'), { variations: true, reroll: true }).map((r) => r.toJSON());
    expect(rows.length).toBeLessThanOrEqual(5);
    const ids = rows.flatMap((r) => r.components.map((c) => ('custom_id' in c ? c.custom_id : '')));
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rows) expect(r.components.length).toBeLessThanOrEqual(5);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(100);
    const stars = ids.filter((id) => id.startsWith('gacha:keep-tile:'));
    expect(stars.length).toBe(n <= 15 ? n : 0);
    expect(parseCustomId(ids[0]!)).toMatchObject({ command: 'gacha' });
  });
});

describe('rate limiter', () => {
  it('GIVEN 2 per 10 s THEN the third use waits for the oldest to leave the window; refunds give a use back', async () => {
    let now = 1_000;
    const rl = new RateLimiter(2, 10_000, () => now);
    await rl.take('u');
    now += 3_000;
    const refund = await rl.take('u');
    await expect(rl.take('u')).rejects.toThrow(RateLimitedError);
    await expect(rl.take('u')).rejects.toMatchObject({ retryAfterMs: 7_000 });
    await rl.take('v'); // other users are unaffected
    await refund();
    await rl.take('u');
    now += 20_000;
    await rl.take('w');
    expect(rl.trackedUsers).toBe(1); // idle users are swept
  });

  it('GIVEN limit 0 THEN nothing is limited', async () => {
    const rl = new RateLimiter(0, 1000);
    for (let i = 0; i < 100; i++) await rl.take('u');
  });
});

describe('logging and messages', () => {
  it('GIVEN errors carrying interaction webhook URLs THEN the tokens are cut out', () => {
    const url = 'http://x/api/v10/webhooks/123/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original';
    const err = Object.assign(new Error(`failed ${url}`), { url, status: 502, method: 'PATCH' });
    const json = JSON.stringify(serializeError(err));
    expect(json).not.toContain('aW50ZXJhY3Rpb246c2VjcmV0');
    expect(json).toContain('/webhooks/123/:token/messages');
    expect(scrubTokens('POST /interactions/99/tok.en-x/callback')).toBe('POST /interactions/99/:token/callback');
  });

  it('GIVEN the message tables THEN Japanese has every English key and the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(vars(ja[key]), key).toEqual(vars(en[key]));
    }
  });
});
