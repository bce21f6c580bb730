/**
 * The bot under load through the loopback Discord. Figures only, no assertions.
 *
 * `--scenario users` (default): 1, 5 and 20 simulated users, each sending /gacha (9 tiles)
 * again as soon as its previous reply lands, several rounds each. Prints p50/p99 from
 * interaction to finished reply (the loopback's own timestamps), images/s, CPU per image and
 * whether every interaction got its reply; the generator's own images/s is measured in the
 * same run (before and after the phases, averaged), and the last phase is printed beside it.
 *
 * `--scenario burst`: 12 users ask for a 25-tile /gacha at once; while their grids are being
 * drawn, other users ask for single pictures (/generate, a ⭐-then-🔀 on a one-picture gacha,
 * /gacha count:1), 36 of them (`--singles`), one every 250 ms (`--every`). Prints one line on stdout:
 * `burst: single-picture p50 A ms p99 B ms; grids p99 C ms; answered N/N` (details on stderr).
 *
 * `--scenario stages`: one user, 9-tile /gacha one after another; per picture, the generator's
 * time beside what the bot spends outside it (compose and labels, PNG encode, upload and store),
 * after `--warm` grids (20) drawn first, as a bot that has been running has drawn them.
 *
 * With `--store postgres` the bot keeps its store in a private PostgreSQL server started for
 * the run (testkit/postgres.ts; Debian: apt-get install postgresql), with the shared rate limit
 * in the database; `--store sqlite` (default) is the embedded file. Both run the rate limiter
 * (1000 per second: never refusing, always counting), so its cost is in the figures.
 *
 *   npm run bench:bot -- [--scenario users|burst|stages] [--rounds 5] [--users 1,5,20] [--store sqlite|postgres]
 *                        [--grids 12] [--singles 36] [--every 250] [--warm 20] [--models-dir DIR --model ID]
 */
import os from 'node:os';
import { BOT_HEAP_FLAGS, heapFlagsWarning } from '../src/bot/heap-flags.ts';
import type { GenerateOptions, GenerateRequest } from '../src/gan/generator-types.ts';
import { seedToZ } from '../src/latent/seed-random.ts';
import { composeRaw, encodePng } from '../src/render/compose.ts';
import { gridLabels, gridLayout } from '../src/render/grid.ts';
import type { RawImage } from '../src/render/raw-image.ts';
import sharp from 'sharp';
import { makeUser } from '../testkit/discord/fixtures.ts';
import type { InteractionRecord, MessageView } from '../testkit/discord/index.ts';
import { TestPostgres } from '../testkit/postgres.ts';
import { burstLine, generatorLine, percentile, stagesLine, throughputLine } from './lib/bench-bot-lines.ts';
import { botOnLoopback } from './lib/bot-on-loopback.ts';
import { mainThreadCpuMs } from './lib/main-thread-cpu.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const SCENARIO = arg('scenario') ?? 'users';
if (!['users', 'burst', 'stages'].includes(SCENARIO)) throw new Error(`--scenario must be users, burst or stages, got ${SCENARIO}`);
const ROUNDS = Number(arg('rounds') ?? 5);
const USERS = (arg('users') ?? '1,5,20').split(',').map(Number);
const GRIDS = Number(arg('grids') ?? 12);
/** Single-picture requests during the burst, each a different user's. */
const SINGLES = Number(arg('singles') ?? 36);
/** One single-picture request every this many ms during the burst. */
const EVERY_MS = Number(arg('every') ?? 250);
const TILES = 9;
/** `--scenario stages`: grids drawn before measuring (`--warm`), as a bot that has been running has. */
const WARM_GRIDS = Number(arg('warm') ?? 20);
const STORE = arg('store') ?? 'sqlite';
if (STORE !== 'sqlite' && STORE !== 'postgres') throw new Error(`--store must be sqlite or postgres, got ${STORE}`);
const MODELS_DIR = arg('models-dir');
const TAG_SETS = ['blonde_hair, smile', 'blue_hair, twintails', 'red_hair, glasses', 'black_hair, long_hair', 'pink_hair, hair_flower'];

/** Settings that change how the bot draws, taken from the environment when set. */
const TUNING = [
  'GFF_MAX_BATCH',
  'GFF_MAX_WAIT_MS',
  'GFF_WORKERS',
  'GFF_PIPELINE_DEPTH',
  'GFF_REPLY_WINDOW_MS',
  'GFF_ORT_SPIN',
  'GFF_BACKEND',
  'GFF_MODEL_IDLE_S',
  'GFF_MAX_OTHER_MODELS',
];
const pg = STORE === 'postgres' ? await TestPostgres.start() : undefined;
const { loop, bot, note, close } = await botOnLoopback({
  fallback: { imageSize: 64, channels: 256 },
  fallbackNote: "using a RANDOM model of the default generator's size made on the fly (64 px, 256→16 channels, ≈80 M MACs per image)",
  env: {
    GFF_MAX_QUEUE: '4096',
    GFF_RATE_LIMIT: '1000',
    GFF_RATE_WINDOW_S: '1',
    ...(pg ? { GFF_DATABASE_URL: pg.createDatabase('bench') } : {}),
    // The shell's tuning settings reach the bot under test (GFF_MAX_BATCH=32 npm run bench:bot).
    ...Object.fromEntries(Object.entries(process.env).filter(([k, v]) => TUNING.includes(k) && v !== undefined) as [string, string][]),
  },
  ...(MODELS_DIR ? { model: { modelsDir: MODELS_DIR, id: arg('model') ?? 'default' } } : {}),
});

// process.memoryUsage.rss() every 100 ms, not memoryUsage() every 25: the full call walks the
// heap spaces, and at 25 ms even rss() showed in the main thread's profile (4 % of its busy time).
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);

const out = (s: string) => process.stdout.write(`${s}\n`);
/** The burst scenario keeps stdout to its one line; its context goes to stderr. */
const info = SCENARIO === 'burst' ? (s: string) => process.stderr.write(`${s}\n`) : out;

/** ms from sending to the first event that uploaded a picture (the answer landing). */
function landedMs(rec: InteractionRecord): number {
  return rec.events.find((e) => e.uploads.length > 0)?.at ?? rec.elapsedMs;
}
const withPicture = { where: (m: MessageView) => m.attachments.length > 0, timeoutMs: 180_000 };

/** CPU time of the whole process (main thread, generator workers, sharp and the loopback) since `since`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

/** Raw generator: back-to-back batches of `size` (32, or the bot's own), one in flight per worker, for `seconds`. */
async function rawImagesPerSecond(seconds: number, size = 32): Promise<{ perSecond: number; cpuMsPerImage: number }> {
  const svc = bot.ctx.runtime.service;
  const m = svc.model();
  const tags = new Float32Array(m.numTags);
  tags[0] = 1;
  const batch = Array.from({ length: size }, (_, i) => ({ z: seedToZ(i, m.zDim), tags }));
  await svc.generate(batch);
  const inFlight = Math.max(1, svc.stats().workers.length);
  let images = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() - start < seconds * 1000) {
        await svc.generate(batch);
        images += batch.length;
      }
    }),
  );
  return { perSecond: (images * 1000) / (performance.now() - start), cpuMsPerImage: cpuMs(cpu) / images };
}

/** `grids` 9-tile gachas, one after another, with seeds unlike the measured ones (stages: 100·r). */
async function warmUp(grids = 1): Promise<void> {
  for (let w = 0; w < grids; w++) {
    await loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: TILES, seed: 1_000_003 * (w + 1) } }).finalMessage(withPicture);
  }
}

function header(): void {
  const stats = bot.ctx.runtime.service.stats();
  info(`bench-bot: ${note}`);
  info(
    `node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'cpu'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  info(`backend ${stats.backend}, ${stats.workers.length} worker(s), max batch ${stats.defaultModelBatch}, sharp.concurrency ${sharp.concurrency()}`);
  // The bot's own start (npm start) passes these; a run without them measures another bot.
  info(heapFlagsWarning() ?? `heap: ${BOT_HEAP_FLAGS.join(' ')} (as npm start)`);
  info(`store: ${pg ? `PostgreSQL (private server, ${bot.ctx.rateLimiter.constructor.name})` : `SQLite file (${bot.ctx.rateLimiter.constructor.name})`}`);
}

interface Phase {
  users: number;
  sent: number;
  answered: number;
  latencies: number[];
  maxAckMs: number;
  imagesPerSecond: number;
  cpuMsPerImage: number;
  /** The main thread's share of cpuMsPerImage (NaN off Linux): the bot's own event loop. */
  mainMsPerImage: number;
}

async function phase(users: number): Promise<Phase> {
  const people = Array.from({ length: users }, (_, i) => makeUser(`bench${users}_${i}`));
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let maxAckMs = 0;
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  const start = performance.now();
  await Promise.all(
    people.map(async (user, u) => {
      for (let r = 0; r < ROUNDS; r++) {
        const rec = loop.sendCommand({ name: 'gacha', options: { tags: TAG_SETS[(u + r) % TAG_SETS.length]!, count: TILES }, user });
        sent++;
        try {
          await rec.finalMessage(withPicture);
          latencies.push(landedMs(rec));
          maxAckMs = Math.max(maxAckMs, rec.ackMs ?? Infinity);
          answered++;
        } catch {
          // counted as lost below
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const images = Math.max(1, answered * TILES);
  const mainMs = mainCpu === undefined ? Number.NaN : mainThreadCpuMs()! - mainCpu;
  return {
    users,
    sent,
    answered,
    latencies: latencies.sort((a, b) => a - b),
    maxAckMs,
    imagesPerSecond: (answered * TILES) / seconds,
    cpuMsPerImage: cpuMs(cpu) / images,
    mainMsPerImage: mainMs / images,
  };
}

async function usersScenario(): Promise<void> {
  const before = await rawImagesPerSecond(3);
  await warmUp();
  out(
    `${'users'.padStart(5)}${'replies'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ack ms'.padStart(12)}${'images/s'.padStart(10)}${'cpu ms/img'.padStart(12)}${'main ms/img'.padStart(13)}${'lost'.padStart(6)}`,
  );
  const results: Phase[] = [];
  for (const users of USERS) {
    const p = await phase(users);
    results.push(p);
    out(
      `${String(p.users).padStart(5)}${`${p.answered}/${p.sent}`.padStart(10)}${percentile(p.latencies, 0.5).toFixed(0).padStart(9)}${percentile(p.latencies, 0.99).toFixed(0).padStart(9)}` +
        `${p.maxAckMs.toFixed(0).padStart(12)}${p.imagesPerSecond.toFixed(1).padStart(10)}${p.cpuMsPerImage.toFixed(1).padStart(12)}${p.mainMsPerImage.toFixed(2).padStart(13)}${String(p.sent - p.answered).padStart(6)}`,
    );
  }
  const after = await rawImagesPerSecond(3);
  const raw = (before.perSecond + after.perSecond) / 2;
  const stats = bot.ctx.runtime.service.stats();
  // The bot draws in batches of its own size (GFF_MAX_BATCH), smaller than 32 at 128 px: the
  // generator alone at that size says how much of the gap is batch size, not the bot.
  const atBotBatch = await rawImagesPerSecond(3, stats.defaultModelBatch);
  const top = results[results.length - 1];
  out(
    generatorLine({
      before: before.perSecond,
      after: after.perSecond,
      generatorCpuMsPerImage: (before.cpuMsPerImage + after.cpuMsPerImage) / 2,
      botCpuMsPerImage: top?.cpuMsPerImage ?? Number.NaN,
    }),
  );
  if (top) out(throughputLine({ users: top.users, botImagesPerSecond: top.imagesPerSecond, generatorImagesPerSecond: raw, latencies: top.latencies }));
  out(
    `generator alone at the bot's batch of ${stats.defaultModelBatch}: ${atBotBatch.perSecond.toFixed(1)} images/s; ` +
      `the bot at ${top?.users ?? 0} users drew ${top ? ((100 * top.imagesPerSecond) / atBotBatch.perSecond).toFixed(0) : '—'} % of that`,
  );
  out(`mean batch: ${(stats.images / Math.max(1, stats.batches)).toFixed(1)} images per forward pass (all batches so far)`);
  out(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; every interaction answered: ${results.every((p) => p.answered === p.sent) ? 'yes (0 lost)' : 'NO'}`);
}

/** A one-picture gacha of `user`'s to press ⭐ and 🔀 on. */
async function onePictureGacha(user: ReturnType<typeof makeUser>): Promise<MessageView> {
  return loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 1 }, user }).finalMessage(withPicture);
}

/** The custom_id of the message's first component whose id starts with `prefix`. */
function buttonOf(m: MessageView, prefix: string): string {
  const ids: string[] = [];
  const visit = (list: unknown[] | undefined) => {
    for (const c of (list ?? []) as { custom_id?: string; components?: unknown[] }[]) {
      if (c.custom_id) ids.push(c.custom_id);
      visit(c.components);
    }
  };
  visit(m.components);
  const id = ids.find((c) => c.startsWith(prefix));
  if (!id) throw new Error(`no ${prefix}… component on the picture (${ids.join(', ')})`);
  return id;
}

async function burstScenario(): Promise<void> {
  header();
  await warmUp();
  // Every single picture is a different user's; each ⭐-then-🔀 starts from a one-picture
  // gacha of that user's, posted before the burst.
  const singleUsers = Array.from({ length: SINGLES }, (_, i) => makeUser(`single${i}`));
  const kinds = ['/generate', '/gacha count:1', '⭐ then 🔀'];
  const pictures = new Map<number, MessageView>();
  for (let i = 2; i < SINGLES; i += 3) pictures.set(i, await onePictureGacha(singleUsers[i]!));

  const singles: number[] = [];
  const grids: number[] = [];
  let sent = 0;
  const perKind = new Map<string, number[]>(kinds.map((k) => [k, []]));
  const singleLandedAt: number[] = [];
  let lastGridAt = 0;
  const start = performance.now();
  const gridRuns = Array.from({ length: GRIDS }, async (_, u) => {
    const rec = loop.sendCommand({ name: 'gacha', options: { tags: TAG_SETS[u % TAG_SETS.length]!, count: 25 }, user: makeUser(`grid${u}`) });
    sent++;
    try {
      await rec.finalMessage(withPicture);
      grids.push(landedMs(rec));
      lastGridAt = Math.max(lastGridAt, performance.now());
    } catch {
      // counted as unanswered
    }
  });
  // The single pictures arrive at a steady rate (open loop: the same work whatever the
  // order of service), from the first grid on.
  const ask = async (i: number) => {
    const user = singleUsers[i]!;
    const kind = kinds[i % 3]!;
    try {
      let rec: InteractionRecord;
      if (kind === '/generate') rec = loop.sendCommand({ name: 'generate', options: { seed: 1000 + i, tags: 'smile' }, user });
      else if (kind === '/gacha count:1') rec = loop.sendCommand({ name: 'gacha', options: { tags: 'blue_hair', count: 1 }, user });
      else {
        const picture = pictures.get(i)!;
        await loop.clickButton({ customId: buttonOf(picture, 'gacha:keep-tile:'), message: picture, user }).finalMessage();
        rec = loop.clickButton({ customId: buttonOf(picture, 'gacha:reroll:'), message: picture, user });
      }
      sent++;
      await rec.finalMessage(withPicture);
      singles.push(landedMs(rec));
      singleLandedAt.push(performance.now());
      perKind.get(kind)!.push(landedMs(rec));
    } catch {
      // counted as unanswered
    }
  };
  const singleRuns: Promise<void>[] = [];
  for (let i = 0; i < SINGLES; i++) {
    await new Promise((r) => setTimeout(r, EVERY_MS));
    singleRuns.push(ask(i));
  }
  await Promise.all([...gridRuns, ...singleRuns]);
  const seconds = (performance.now() - start) / 1000;
  const sortedGrids = [...grids].sort((a, b) => a - b);
  const p99Of = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      0.99,
    ).toFixed(0);
  const during = singleLandedAt.filter((t) => t <= lastGridAt).length;
  info(
    `${GRIDS} grids of 25 landed from ${sortedGrids[0]?.toFixed(0)} to ${sortedGrids[sortedGrids.length - 1]?.toFixed(0)} ms; ` +
      `${singles.length} single pictures, ${during} of them landed before the last grid ` +
      `(${kinds.map((k) => `${k}: p99 ${p99Of(perKind.get(k)!)} ms of ${perKind.get(k)!.length}`).join(', ')}); ${seconds.toFixed(1)} s in all`,
  );
  out(burstLine({ singles, grids, sent }));
}

/** One user, 9-tile /gacha one after another: where a picture's time goes, as CPU time and as wall time. */
async function stagesScenario(): Promise<void> {
  header();
  const svc = bot.ctx.runtime.service;
  // Instrument the one door every picture goes through: each generate()'s time and its tiles.
  // One user, one picture at a time: while it runs, the process's CPU is the generator's.
  const original = svc.generate.bind(svc);
  let last = { wall: 0, cpu: 0, tiles: [] as RawImage[] };
  svc.generate = async (requests: readonly GenerateRequest[], options?: GenerateOptions) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const tiles = await original(requests, options);
    last = { wall: performance.now() - t0, cpu: cpuMs(cpu), tiles };
    return tiles;
  };
  // A running bot has drawn many titles: its label cache holds the digits of seeds at their
  // places (src/render/title-pieces.ts). Warm it as such a bot's is, with seeds unlike the
  // measured ones, so that the figures are a running bot's, not a fresh one's first titles.
  await warmUp(WARM_GRIDS);
  const rounds = Math.max(5, ROUNDS * 3);
  const zero = () => ({ generator: 0, compose: 0, encode: 0, rest: 0 });
  const wall = zero();
  const cpu = zero();
  for (let r = 0; r < rounds; r++) {
    const tags = TAG_SETS[r % TAG_SETS.length]!;
    const cpuAtSend = process.cpuUsage();
    const rec = loop.sendCommand({ name: 'gacha', options: { tags, count: TILES, seed: 100 * r } });
    await rec.finalMessage(withPicture);
    const totalCpu = cpuMs(cpuAtSend);
    const totalWall = landedMs(rec);
    const gen = last;
    // The same grid rendered again here, compose and encode timed apart (as core/gacha.ts renders it).
    const title = `seeds ${100 * r}–${100 * r + TILES - 1} · ${tags}`;
    const layout = gridLayout(gen.tiles, { numbers: true, title });
    const labels = gridLabels(layout, { numbers: true, title });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const canvas = await composeRaw(
      layout.width,
      layout.height,
      gen.tiles.map((image, i) => ({ image, box: layout.cells[i]! })),
      labels,
    );
    const composeCpu = cpuMs(c0);
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    await encodePng(sharp(canvas, { raw: { width: layout.width, height: layout.height, channels: 3 } }));
    const encodeCpu = cpuMs(c1);
    const t2 = performance.now();
    for (const [sum, g, comp, enc, total] of [
      [wall, gen.wall, t1 - t0, t2 - t1, totalWall],
      [cpu, gen.cpu, composeCpu, encodeCpu, totalCpu],
    ] as const) {
      sum.generator += g;
      sum.compose += comp;
      sum.encode += enc;
      sum.rest += Math.max(0, total - g - comp - enc);
    }
  }
  const mean = (s: ReturnType<typeof zero>) => ({
    tiles: TILES,
    generator: s.generator / rounds,
    compose: s.compose / rounds,
    encode: s.encode / rounds,
    rest: s.rest / rounds,
  });
  out(stagesLine(mean(cpu), 'cpu'));
  out(stagesLine(mean(wall), 'wall'));
  out(
    `(means of ${rounds} pictures, one user; "upload and store" is the round trip less the rest: discord.js, the REST upload, the store and the in-process loopback's own parsing)`,
  );
}

try {
  if (SCENARIO === 'users') {
    header();
    out(`/gacha of ${TILES} tiles, ${ROUNDS} rounds per user`);
    await usersScenario();
  } else if (SCENARIO === 'burst') await burstScenario();
  else await stagesScenario();
} finally {
  clearInterval(sampler);
  await close();
  await pg?.destroy();
}
