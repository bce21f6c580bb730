/**
 * The bot under load through the loopback Discord: 1, 5 and 20 simulated users, each
 * sending /gacha (9 tiles) again as soon as its previous reply lands, several rounds each.
 * Prints p50/p99 from interaction to finished reply (the loopback's own timestamps), images/s,
 * peak RSS and whether every interaction got its reply; then the generator's raw images/s at
 * batch 32 on the same model and workers, for comparison (batching should keep the bot at
 * 20 users near it). Figures only, no assertions.
 *
 * With `--store postgres` the bot keeps its store in a private PostgreSQL server started for
 * the run (testkit/postgres.ts; Debian: apt-get install postgresql), with the shared rate limit
 * in the database; `--store sqlite` (default) is the embedded file. Both run the rate limiter
 * (1000 per second: never refusing, always counting), so its cost is in the figures.
 *
 *   npm run bench:bot -- [--rounds 5] [--users 1,5,20] [--store sqlite|postgres]
 */
import os from 'node:os';
import { seedToZ } from '../src/latent/seed-random.ts';
import { makeUser } from '../testkit/discord/fixtures.ts';
import { TestPostgres } from '../testkit/postgres.ts';
import { botOnLoopback } from './lib/bot-on-loopback.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const ROUNDS = Number(arg('rounds') ?? 5);
const USERS = (arg('users') ?? '1,5,20').split(',').map(Number);
const TILES = 9;
const STORE = arg('store') ?? 'sqlite';
if (STORE !== 'sqlite' && STORE !== 'postgres') throw new Error(`--store must be sqlite or postgres, got ${STORE}`);
const TAG_SETS = ['blonde_hair, smile', 'blue_hair, twintails', 'red_hair, glasses', 'black_hair, long_hair', 'pink_hair, hair_flower'];

const pg = STORE === 'postgres' ? await TestPostgres.start() : undefined;
const { loop, bot, note, close } = await botOnLoopback({
  fallback: { imageSize: 64, channels: 256 },
  fallbackNote: "using a RANDOM model of the default generator's size made on the fly (64 px, 256→16 channels, ≈80 M MACs per image)",
  env: { GFF_MAX_QUEUE: '4096', GFF_RATE_LIMIT: '1000', GFF_RATE_WINDOW_S: '1', ...(pg ? { GFF_DATABASE_URL: pg.createDatabase('bench') } : {}) },
});

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * (sorted.length - 1)))] ?? NaN;
const out = (s: string) => process.stdout.write(`${s}\n`);

/** Raw generator: back-to-back batches of 32, one in flight per worker, for `seconds`. */
async function rawImagesPerSecond(seconds: number): Promise<number> {
  const svc = bot.ctx.runtime.service;
  const m = svc.model();
  const tags = new Float32Array(m.numTags);
  tags[0] = 1;
  const batch = Array.from({ length: 32 }, (_, i) => ({ z: seedToZ(i, m.zDim), tags }));
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
  rawCpuMsPerImage = cpuMs(cpu) / images;
  return (images * 1000) / (performance.now() - start);
}

/** CPU time of the whole process (main thread, generator workers, sharp and the loopback) since `since`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}
let rawCpuMsPerImage = NaN;

interface Phase {
  users: number;
  sent: number;
  answered: number;
  latencies: number[];
  maxAckMs: number;
  imagesPerSecond: number;
  cpuMsPerImage: number;
}

async function phase(users: number): Promise<Phase> {
  const people = Array.from({ length: users }, (_, i) => makeUser(`bench${users}_${i}`));
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let maxAckMs = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    people.map(async (user, u) => {
      for (let r = 0; r < ROUNDS; r++) {
        const rec = loop.sendCommand({ name: 'gacha', options: { tags: TAG_SETS[(u + r) % TAG_SETS.length]!, count: TILES }, user });
        sent++;
        try {
          await rec.finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 120_000 });
          const done = rec.events.find((e) => e.kind === 'edit' && e.uploads.length > 0);
          latencies.push(done?.at ?? rec.elapsedMs);
          maxAckMs = Math.max(maxAckMs, rec.ackMs ?? Infinity);
          answered++;
        } catch {
          // counted as lost below
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpuMsPerImage = cpuMs(cpu) / Math.max(1, answered * TILES);
  return { users, sent, answered, latencies: latencies.sort((a, b) => a - b), maxAckMs, imagesPerSecond: (answered * TILES) / seconds, cpuMsPerImage };
}

try {
  const stats = bot.ctx.runtime.service.stats();
  out(`bench-bot: ${note}`);
  out(
    `node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'cpu'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  out(`backend ${stats.backend}, ${stats.workers.length} worker(s), max batch ${stats.defaultModelBatch}; /gacha of ${TILES} tiles, ${ROUNDS} rounds per user`);
  out(`store: ${pg ? `PostgreSQL (private server, ${bot.ctx.rateLimiter.constructor.name})` : `SQLite file (${bot.ctx.rateLimiter.constructor.name})`}`);
  const raw = await rawImagesPerSecond(3);
  // Warm-up through the whole path (sharp, SQLite, REST) before timing.
  await loop
    .sendCommand({ name: 'gacha', options: { tags: 'smile', count: TILES } })
    .finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 120_000 });
  out(
    `${'users'.padStart(5)}${'replies'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ack ms'.padStart(12)}${'images/s'.padStart(10)}${'cpu ms/img'.padStart(12)}${'lost'.padStart(6)}`,
  );
  const results: Phase[] = [];
  for (const users of USERS) {
    const p = await phase(users);
    results.push(p);
    out(
      `${String(p.users).padStart(5)}${`${p.answered}/${p.sent}`.padStart(10)}${pct(p.latencies, 0.5).toFixed(0).padStart(9)}${pct(p.latencies, 0.99).toFixed(0).padStart(9)}` +
        `${p.maxAckMs.toFixed(0).padStart(12)}${p.imagesPerSecond.toFixed(1).padStart(10)}${p.cpuMsPerImage.toFixed(1).padStart(12)}${String(p.sent - p.answered).padStart(6)}`,
    );
  }
  const after = bot.ctx.runtime.service.stats();
  out(
    `generator alone, batch 32: ${raw.toFixed(1)} images/s, ${rawCpuMsPerImage.toFixed(1)} cpu ms/image (the rest of the bot's cpu ms/image is rendering, REST and the in-process loopback)`,
  );
  const top = results[results.length - 1];
  if (top)
    out(`bot at ${top.users} users: ${top.imagesPerSecond.toFixed(1)} images/s = ${((100 * top.imagesPerSecond) / raw).toFixed(0)} % of the raw generator`);
  out(`mean batch in the bot phases: ${(after.images / Math.max(1, after.batches)).toFixed(1)} images per forward pass (all batches so far)`);
  out(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; every interaction answered: ${results.every((p) => p.answered === p.sent) ? 'yes (0 lost)' : 'NO'}`);
} finally {
  clearInterval(sampler);
  await close();
  await pg?.destroy();
}
