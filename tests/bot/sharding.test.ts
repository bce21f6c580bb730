/**
 * `npm run start:sharded` (issue #13): the settings (GFF_SHARD_COUNT, GFF_SHARD_IDS), the plan
 * and the children's environment as plain functions; then end to end, two real shard
 * processes of src/bot.ts under discord.js's ShardingManager (src/bot/shard-fleet.ts) on the
 * loopback Discord, one guild per shard, sharing one database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/bot.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { ShardStartError, startShards, type ShardFleet } from '../../src/bot/shard-fleet.ts';
import { fetchGatewayBot } from '../../src/bot/shard-main.ts';
import { loadShardSettings, parseShardIds, planShards, respawnDelayMs, shardChildEnv, shardOfProcess, type GatewayBotInfo } from '../../src/bot/shards.ts';
import { ConfigError } from '../../src/config.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { LoopbackDiscord, type ApiObject, type MessageView } from '../../testkit/discord/index.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';
import { postgresTestsEnabled, TestPostgres } from '../../testkit/postgres.ts';
import { customIds, starButtons } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOT = path.join(ROOT, 'src/bot.ts');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

describe('shard settings', () => {
  const message = (env: Record<string, string>) => {
    try {
      loadShardSettings(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error(`no error for ${JSON.stringify(env)}`);
  };

  it('GIVEN nothing set (or empty values, as KEY= in .env) THEN the count is auto and every shard runs', () => {
    expect(loadShardSettings({})).toEqual({ count: 'auto' });
    expect(loadShardSettings({ GFF_SHARD_COUNT: '', GFF_SHARD_IDS: '' })).toEqual({ count: 'auto' });
    expect(loadShardSettings({ GFF_SHARD_COUNT: ' AUTO ' })).toEqual({ count: 'auto' });
  });

  it('GIVEN a count and ids and ranges THEN they parse, ascending', () => {
    expect(loadShardSettings({ GFF_SHARD_COUNT: '4' })).toEqual({ count: 4 });
    expect(loadShardSettings({ GFF_SHARD_COUNT: '8', GFF_SHARD_IDS: '6, 0,2-4' })).toEqual({ count: 8, ids: [0, 2, 3, 4, 6] });
    expect(loadShardSettings({ GFF_SHARD_COUNT: '8', GFF_SHARD_IDS: '7-7' })).toEqual({ count: 8, ids: [7] });
  });

  it('GIVEN malformed values THEN one line names the variable, its value and what is wrong', () => {
    expect(message({ GFF_SHARD_COUNT: 'two' })).toBe('Configuration error: GFF_SHARD_COUNT="two" must be auto or a whole number of shards from 1 to 65536.');
    expect(message({ GFF_SHARD_COUNT: '0' })).toMatch(/^Configuration error: GFF_SHARD_COUNT="0" must be auto or a whole number/);
    expect(message({ GFF_SHARD_COUNT: '1.5' })).toMatch(/GFF_SHARD_COUNT="1.5"/);
    expect(message({ GFF_SHARD_COUNT: '99999999' })).toMatch(/from 1 to 65536/);
    expect(message({ GFF_SHARD_COUNT: '4', GFF_SHARD_IDS: '0,4' })).toBe(
      'Configuration error: GFF_SHARD_IDS="0,4" names shard 4, but GFF_SHARD_COUNT=4 has shards 0–3.',
    );
    expect(message({ GFF_SHARD_COUNT: '4', GFF_SHARD_IDS: '0-2,2' })).toBe('Configuration error: GFF_SHARD_IDS="0-2,2" names shard 2 twice.');
    expect(message({ GFF_SHARD_COUNT: '4', GFF_SHARD_IDS: '3-1' })).toMatch(/the range 3-1, which runs backwards/);
    expect(message({ GFF_SHARD_COUNT: '4', GFF_SHARD_IDS: '0,,1' })).toMatch(/an empty entry/);
    expect(message({ GFF_SHARD_COUNT: '4', GFF_SHARD_IDS: 'one' })).toMatch(/"one", which is not a shard id or range/);
    expect(message({ GFF_SHARD_COUNT: '4', GFF_SHARD_IDS: '-1' })).toMatch(/"-1", which is not a shard id/);
  });

  it('GIVEN explicit ids with count auto THEN that is an error: the ids only mean something under a count every host shares', () => {
    expect(message({ GFF_SHARD_IDS: '0-1' })).toMatch(/^Configuration error: GFF_SHARD_IDS="0-1" needs a fixed GFF_SHARD_COUNT/);
  });

  it('GIVEN a huge range THEN it is refused by the count before anything is expanded', () => {
    expect(parseShardIds('0-4294967295', 16)).toMatch(/names shard 4294967295/);
  });
});

describe('shard plan, identity and environment', () => {
  const gateway = (shards: number, remaining = 1000): GatewayBotInfo => ({
    shards,
    session_start_limit: { total: 1000, remaining, reset_after: 3_600_000, max_concurrency: 1 },
  });

  it("GIVEN auto THEN Discord's recommendation is the count and this host runs all of them", () => {
    expect(planShards({ count: 'auto' }, gateway(3))).toEqual({ count: 3, ids: [0, 1, 2], recommended: true });
    expect(planShards({ count: 4, ids: [2, 3] }, gateway(1))).toEqual({ count: 4, ids: [2, 3], recommended: false });
  });

  it('GIVEN fewer session starts left today than shards to start THEN one line says so', () => {
    expect(() => planShards({ count: 4 }, gateway(1, 3))).toThrow(/allows this bot 3 more gateway session start\(s\).*fewer than the 4 shard\(s\)/);
  });

  it('GIVEN the variables ShardingManager sets in a child THEN the process knows its shard; elsewhere it is none', () => {
    expect(shardOfProcess({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' })).toEqual({ ids: [1], count: 2 });
    expect(shardOfProcess({ SHARDING_MANAGER: 'true', SHARDS: '[0,3]', SHARD_COUNT: '4' })).toEqual({ ids: [0, 3], count: 4 });
    expect(shardOfProcess({ SHARDS: '1', SHARD_COUNT: '2' })).toBeUndefined();
    expect(shardOfProcess({ SHARDING_MANAGER: 'true', SHARDS: 'x', SHARD_COUNT: '2' })).toBeUndefined();
  });

  it("GIVEN several shards on one host THEN each gets its share of the cores: the default pool for it, and ONNX Runtime's threads divided among its workers, unless set", () => {
    expect(shardChildEnv({ A: '1' }, 2, 16)).toEqual({ A: '1', GFF_WORKERS: '2', GFF_ORT_THREADS: '4' });
    expect(shardChildEnv({ GFF_WORKERS: '2' }, 4, 16)).toMatchObject({ GFF_WORKERS: '2', GFF_ORT_THREADS: '2' });
    // One core each: one single-threaded worker, not two sharing it.
    expect(shardChildEnv({}, 8, 2)).toMatchObject({ GFF_WORKERS: '1', GFF_ORT_THREADS: '1' });
    expect(shardChildEnv({ GFF_ORT_THREADS: '3' }, 8, 2)).toMatchObject({ GFF_WORKERS: '1', GFF_ORT_THREADS: '3' });
    // 0 (drawing in the shard's own thread) is kept, with the share's threads.
    expect(shardChildEnv({ GFF_WORKERS: '0' }, 1, 2)).toMatchObject({ GFF_WORKERS: '0', GFF_ORT_THREADS: '2' });
    // wasm: a single-threaded worker per core of the share.
    expect(shardChildEnv({}, 2, 8, 'wasm')).toMatchObject({ GFF_WORKERS: '4', GFF_ORT_THREADS: '1' });
  });

  it('GIVEN repeated crashes THEN the respawn delay doubles from 1 s to at most a minute, and old crashes are forgotten', () => {
    const now = 100 * 60_000;
    expect(respawnDelayMs([now], now)).toBe(1000);
    expect(respawnDelayMs([now - 2000, now - 1000, now], now)).toBe(4000);
    expect(
      respawnDelayMs(
        Array.from({ length: 12 }, (_, i) => now - i),
        now,
      ),
    ).toBe(60_000);
    expect(respawnDelayMs([now - 11 * 60_000, now], now)).toBe(1000);
  });
});

/** A shard process's output, line by line. */
interface ShardOutput {
  stdout: string[];
  stderr: string[];
}

function collect(outputs: Map<number, ShardOutput>, id: number, child: ChildProcess): void {
  const out = outputs.get(id) ?? { stdout: [], stderr: [] };
  outputs.set(id, out);
  for (const [stream, lines] of [
    [child.stdout, out.stdout],
    [child.stderr, out.stderr],
  ] as const) {
    let rest = '';
    stream?.on('data', (b: Buffer) => {
      const parts = (rest + b.toString()).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
  }
}

describe('a shard that cannot start', () => {
  it('GIVEN a malformed setting THEN shard 0 exits 2, it is not respawned, no other shard starts, and the fleet ends with 2', async () => {
    const outputs = new Map<number, ShardOutput>();
    const fleet = startShards({
      file: BOT,
      count: 2,
      ids: [0, 1],
      token: 'not.a.token',
      env: { PATH: process.env.PATH ?? '', GFF_BACKEND: 'no-such-backend' },
      log: createLogger('silent'),
      spawnDelayMs: 0,
      silent: true,
      onSpawn: (id, child) => collect(outputs, id, child),
    });
    const failure = await fleet.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ShardStartError);
    expect((failure as ShardStartError).exitCode).toBe(2);
    expect((failure as Error).message).toBe('shard 0 could not start (exit code 2); not respawning it: fix what the line above names, then start again');
    expect(await fleet.done).toBe(2);
    expect([...fleet.manager.shards.keys()]).toEqual([0]);
    expect(outputs.get(0)!.stderr.join('\n')).toMatch(/^gff-bot: Configuration error: GFF_BACKEND="no-such-backend"/);
  });
});

describe('npm run start:sharded (src/shard.ts as a process)', () => {
  /** The manager in an empty folder (no .env), with only `env`; its exit code and stderr. */
  const run = async (env: Record<string, string>) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gff-shard-proc-'));
    const child = spawn(process.execPath, [TSX, path.join(ROOT, 'src/shard.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await rm(dir, { recursive: true, force: true });
    return { code, stderr };
  };

  it('GIVEN malformed shard settings THEN one line on stderr and exit code 2, before any shard starts', async () => {
    const r = await run({ DISCORD_TOKEN: 'a.b.c', GFF_SHARD_COUNT: '2', GFF_SHARD_IDS: '1,1' });
    expect(r).toEqual({ code: 2, stderr: 'gff-bot: Configuration error: GFF_SHARD_IDS="1,1" names shard 1 twice.\n' });
  });

  it('GIVEN a token Discord rejects THEN GET /gateway/bot on DISCORD_API says so in one line, exit code 1', async () => {
    const loop = await LoopbackDiscord.start();
    try {
      const r = await run({ DISCORD_TOKEN: 'wrong.bot.token', DISCORD_API: loop.restApi });
      expect(r).toEqual({
        code: 1,
        stderr: 'gff-bot: Discord rejected DISCORD_TOKEN: reset the bot token in the developer portal and put the new one in .env.\n',
      });
      expect(loop.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual(['GET /gateway/bot 401']);
    } finally {
      await loop.stop();
    }
  });
});

/**
 * The database each shard process opens, as environment: one entry per engine. PostgreSQL runs
 * where a private server can be started (testkit/postgres.ts; required in CI).
 */
interface Engine {
  name: string;
  /** Starts what the engine needs and returns the shard processes' environment for it. */
  setUp(dir: string): Promise<Record<string, string>>;
  tearDown(): Promise<void>;
}
let pg: TestPostgres | undefined;
const engines: Engine[] = [
  // One SQLite file for both processes: WAL lets them read at once, and IMMEDIATE transactions
  // (busy_timeout) serialise the writers, so the favourites limit holds across processes.
  { name: 'sqlite', setUp: async (dir) => ({ GFF_DATABASE: path.join(dir, 'gff.db') }), tearDown: async () => undefined },
  // One PostgreSQL database: each process its own pool; the user's advisory lock serialises the adds.
  ...(postgresTestsEnabled()
    ? [
        {
          name: 'postgres',
          setUp: async () => {
            pg = await TestPostgres.start();
            return { GFF_DATABASE_URL: pg.createDatabase('shards') };
          },
          tearDown: async () => {
            await pg?.destroy();
            pg = undefined;
          },
        },
      ]
    : []),
];

describe.each(engines)('two shard processes on one $name database', (engine) => {
  let dir: string;
  let loop: LoopbackDiscord;
  let fleet: ShardFleet;
  const outputs = new Map<number, ShardOutput>();
  const managerLines: string[] = [];
  let guildA: ApiObject;
  let guildB: ApiObject;

  /** Parsed JSON log lines of one shard process. */
  const logsOf = (id: number) =>
    outputs
      .get(id)!
      .stdout.filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as ApiObject);
  const managerSaid = (re: RegExp) => managerLines.filter((l) => re.test(JSON.parse(l).msg)).length;
  const list = (user: ApiObject, guild: ApiObject) =>
    loop
      .sendCommand({ name: 'favorite', subcommand: 'list', user, guild })
      .finalMessage({ where: (m) => m.attachments.length > 0 || /no favourites/.test(m.content) });
  const codesIn = (m: MessageView) => (m.embeds[0]?.fields ?? []).map((f: ApiObject) => String(f.value));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gff-shards-'));
    await makeTinyModel(path.join(dir, 'models/tiny'), { id: 'tiny' });
    loop = await LoopbackDiscord.start({ guildCount: 2, recommendedShards: 2 });
    [guildA, guildB] = loop.fixtures.guilds.map((g) => g.guild) as [ApiObject, ApiObject];
    // Global commands: both guilds have them, as after `npm run deploy-commands -- --global`.
    await registerCommands({ token: loop.token, appId: loop.fixtures.application.id, api: loop.restApi });
    // GFF_SHARD_COUNT=auto, asked of the loopback through DISCORD_API as npm run start:sharded does.
    const plan = planShards(loadShardSettings({}), await fetchGatewayBot(loop.token, loop.restApi));
    expect(plan).toEqual({ count: 2, ids: [0, 1], recommended: true });
    fleet = startShards({
      file: BOT,
      count: plan.count,
      ids: plan.ids,
      token: loop.token,
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_API: loop.restApi,
        GFF_MODELS_DIR: path.join(dir, 'models'),
        GFF_DEFAULT_MODEL: 'tiny',
        GFF_WORKERS: '0',
        GFF_RATE_LIMIT: '0',
        GFF_LOG_LEVEL: 'info',
        ...(await engine.setUp(dir)),
      },
      log: createLogger('info', { write: (line: string) => void managerLines.push(line) }),
      spawnDelayMs: 0, // the loopback does not rate-limit IDENTIFY
      silent: true,
      onSpawn: (id, child) => collect(outputs, id, child),
    });
    await fleet.ready;
  }, 90_000);

  afterAll(async () => {
    if (fleet) {
      fleet.kill(); // a no-op for children the last test already stopped
      await fleet.done;
    }
    await loop?.stop();
    await engine.tearDown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN both shards started THEN each identified as its shard, owns one guild, and every log line carries its shard', async () => {
    expect(loop.liveShards).toEqual([0, 1]);
    expect([loop.shardOf(guildA.id), loop.shardOf(guildB.id)]).toEqual([0, 1]);
    expect(loop.gatewayStats.identifyPayloads.map((d) => d.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const id of [0, 1]) {
      // The manager hears "ready" over IPC a moment before the shard's own line reaches its pipe.
      await expect.poll(() => logsOf(id).some((l) => new RegExp(`^ready: shard ${id} of 2, `).test(l.msg))).toBe(true);
      expect(logsOf(id).every((l) => JSON.stringify(l.shard) === JSON.stringify([id]))).toBe(true);
      expect(outputs.get(id)!.stdout.join('\n')).not.toContain(loop.token);
    }
    expect(managerSaid(/^shard [01] ready$/)).toBe(2);
  });

  it('GIVEN 20 concurrent ⭐ from one user on 20 different tiles across both shards THEN exactly 7 are stored and 13 are told the limit', async () => {
    const user = makeUser('dana');
    const gachaA = loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 10, seed: 1 }, user, guild: guildA });
    const gachaB = loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 10, seed: 1001 }, user, guild: guildB });
    const grids = await Promise.all([gachaA, gachaB].map((g) => g.finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 20_000 })));
    const presses = grids.flatMap((grid) => starButtons(grid).map((customId) => ({ customId, grid })));
    expect(presses).toHaveLength(20);
    const clicks = presses.map(({ customId, grid }) => loop.clickButton({ customId, message: grid, user }));
    expect(clicks.map((c) => loop.shardOf(c.payload.guild_id)).sort()).toEqual([...Array(10).fill(0), ...Array(10).fill(1)]);
    const replies = await Promise.all(clicks.map((c) => c.finalMessage({ timeoutMs: 20_000 })));
    expect(replies.filter((m) => /Saved tile/.test(m.content))).toHaveLength(7);
    expect(replies.filter((m) => /already have 7 favourites/.test(m.content))).toHaveLength(13);
    // Both processes read the same 7 back.
    const [viaA, viaB] = await Promise.all([list(user, guildA), list(user, guildB)]);
    expect(viaA.embeds[0]!.title).toMatch(/\(7\/7\)/);
    expect(codesIn(viaA)).toHaveLength(7);
    expect(codesIn(viaB)).toEqual(codesIn(viaA));
  });

  it('GIVEN a favourite added through shard 0 THEN /favorite list through shard 1 lists it', async () => {
    const user = makeUser('erin');
    const grid = await loop
      .sendCommand({ name: 'gacha', options: { tags: 'blonde_hair', count: 4, seed: 77 }, user, guild: guildA })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    const kept = await loop.clickButton({ customId: starButtons(grid)[2]!, message: grid, user }).finalMessage();
    expect(kept.content).toMatch(/Saved tile 3 as your newest favourite, #1 \(1\/7\)/);
    const viaB = await list(user, guildB);
    expect(viaB.embeds[0]!.title).toMatch(/\(1\/7\)/);
    expect(codesIn(viaB)).toEqual(codesIn(await list(user, guildA)));
  });

  it('GIVEN a receiver with 6 favourites accepts gifts offered on both shards at once THEN one is added and the other is told her list is full', async () => {
    const [gia, gus, rin] = [makeUser('gia'), makeUser('gus'), makeUser('rin')];
    const keepTiles = async (user: ApiObject, guild: ApiObject, n: number, seed: number) => {
      const grid = await loop
        .sendCommand({ name: 'gacha', options: { tags: 'smile', count: n, seed }, user, guild })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      for (const customId of starButtons(grid)) await loop.clickButton({ customId, message: grid, user }).finalMessage();
    };
    await keepTiles(gia, guildA, 1, 500);
    await keepTiles(gus, guildB, 1, 600);
    await keepTiles(rin, guildA, 6, 700);
    const offerIn = (from: ApiObject, guild: ApiObject) =>
      loop
        .sendCommand({ name: 'favorite', subcommand: 'give', options: { slot: 1, to: rin }, user: from, guild })
        .finalMessage({ where: (m) => !m.ephemeral && m.attachments.length > 0 });
    const offers = [await offerIn(gia, guildA), await offerIn(gus, guildB)];
    const accepts = offers.map((message) => {
      const customId = customIds(message).find((id) => id.startsWith('favorite:gift-accept:'))!;
      return loop.clickButton({ customId, message, user: rin });
    });
    expect(accepts.map((c) => loop.shardOf(c.payload.guild_id))).toEqual([0, 1]);
    const answers = (await Promise.all(accepts.map((c) => c.finalMessage({ timeoutMs: 20_000 })))).map((m) => m.content);
    expect(answers.filter((c) => /she is now their favourite #1 .*\(7\/7\)/.test(c))).toHaveLength(1);
    expect(answers.filter((c) => /^Your favourites are full \(7\)/.test(c))).toHaveLength(1);
    expect((await list(rin, guildB)).embeds[0]!.title).toMatch(/\(7\/7\)/);
  });

  it('GIVEN a shard process crashes after it was ready THEN the manager says so, respawns it, and it serves its guild again', async () => {
    const before = loop.gatewayStats.identifies;
    fleet.manager.shards.get(1)!.process!.kill('SIGKILL');
    await expect.poll(() => managerSaid(/^shard 1 exited \(killed by SIGKILL\) after it was ready; respawning it in 1 s$/), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => managerSaid(/^shard 1 ready$/), { timeout: 30_000 }).toBe(2);
    expect(loop.gatewayStats.identifies).toBe(before + 1);
    expect(loop.gatewayStats.identifyPayloads.at(-1)!.shard).toEqual([1, 2]);
    const viaB = await list(makeUser('erin-again'), guildB);
    expect(viaB.content).toMatch(/no favourites yet/);
  });

  it('GIVEN stop() while a reply is in flight (and a Ctrl-C reaching shard 0 too) THEN the reply lands, both shard processes exit 0 and the fleet ends with 0', async () => {
    const slow = loop.failNext('POST /interactions/:id/:token/callback', { status: 429, retryAfter: 0.5 });
    const user = makeUser('faye');
    const rec = loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 4, seed: 5 }, user, guild: guildB });
    await expect.poll(() => slow.hits, { timeout: 20_000 }).toBe(1);
    const children = [0, 1].map((id) => fleet.manager.shards.get(id)!.process!);
    const exits = children.map((c) => new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code))));
    // A terminal's Ctrl-C reaches every process of the group; the manager's SIGTERM follows at
    // once: the same request twice, which must not count as "again to force".
    children[0]!.kill('SIGINT');
    fleet.stop();
    const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 20_000 });
    expect(reply.attachments[0]!.filename).toBe('gacha.png');
    expect(await fleet.done).toBe(0);
    expect(await Promise.all(exits)).toEqual([0, 0]);
    for (const id of [0, 1]) expect(logsOf(id).some((l) => l.msg === 'stopped')).toBe(true);
    expect(managerSaid(/^shard [01] stopped \(exit code 0\)$/)).toBe(2);
  });
});
