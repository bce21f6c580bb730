/**
 * Memory of `npm run start:sharded` with the bot's default settings: the manager and its shard
 * processes against the loopback Discord (one guild per shard), RSS by `ps -o rss=` once every
 * shard is ready, and again after each shard has drawn `--gachas` gachas of 9. Figures only.
 *
 *   npx tsx tools/bench-shard-rss.ts [--shards 2] [--gachas 5] [--model default]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerCommands } from '../src/bot.ts';
import { LoopbackDiscord } from '../testkit/discord/index.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const shards = Number(arg('shards', '2'));
const gachas = Number(arg('gachas', '5'));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const rssMiB = (pid: number) =>
  Number(
    execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
      .toString()
      .trim(),
  ) / 1024;
/** The shard processes: the manager's children running src/bot.ts. */
const shardPids = (manager: number) =>
  execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(manager)])
    .toString()
    .split('\n')
    .filter((l) => l.includes('src/bot.ts'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));

const dir = await mkdtemp(path.join(tmpdir(), 'gff-shard-rss-'));
const loop = await LoopbackDiscord.start({ guildCount: shards, recommendedShards: shards });
await registerCommands({ token: loop.token, appId: loop.fixtures.application.id, api: loop.restApi });
// node --import <tsx loader> (not the tsx CLI), so the child's pid is the manager's own.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const manager = spawn(process.execPath, ['--import', tsx, path.join(ROOT, 'src/shard.ts')], {
  cwd: dir, // no .env here: only the variables below
  env: {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: loop.token,
    DISCORD_API: loop.restApi,
    GFF_MODELS_DIR: path.join(ROOT, 'models'),
    GFF_DEFAULT_MODEL: arg('model', 'default'),
    GFF_DATABASE: path.join(dir, 'gff.db'),
    GFF_RATE_LIMIT: '0',
    GFF_LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// Only the shards' start-up lines (they name backend, model and workers) from the log.
let pending = '';
manager.stdout.on('data', (b: Buffer) => {
  const lines = (pending + b.toString()).split('\n');
  pending = lines.pop()!;
  for (const line of lines) {
    const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string }) : undefined;
    if (entry?.msg?.startsWith('ready: ')) process.stdout.write(`${entry.msg}\n`);
  }
});
const started = Date.now();
while (loop.liveShards.length < shards) {
  if (manager.exitCode !== null) throw new Error(`the manager exited with ${manager.exitCode}`);
  await new Promise((r) => setTimeout(r, 200));
}
// A moment for start-up work after READY (the font check) to settle.
await new Promise((r) => setTimeout(r, 2000));
const pids = shardPids(manager.pid!);
const report = (when: string) =>
  process.stdout.write(
    `${when}: manager ${rssMiB(manager.pid!).toFixed(0)} MiB; shard processes ${pids.map((p) => `${rssMiB(p).toFixed(0)} MiB`).join(', ')}\n`,
  );
process.stdout.write(`${shards} shard(s) ready ${((Date.now() - started) / 1000).toFixed(1)} s after start (5.5 s apart, as discord.js spawns)\n`);
report('after start-up');
for (let n = 0; n < gachas; n++) {
  await Promise.all(
    loop.fixtures.guilds.map((g) =>
      loop
        .sendCommand({ name: 'gacha', options: { tags: 'smile', count: 9, seed: 9 * n + 1 }, guild: g.guild })
        .finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 60_000 }),
    ),
  );
}
report(`after ${gachas} gachas of 9 on each shard`);
manager.kill('SIGTERM');
const code = await new Promise((resolve) => manager.once('exit', (c) => resolve(c)));
process.stdout.write(`stopped: manager exit code ${code}\n`);
await loop.stop();
await rm(dir, { recursive: true, force: true });
