/**
 * Where a process's JavaScript threads spent their time, from the .cpuprofile files that
 * `node --cpu-prof` writes (one per thread: the main thread and each worker): self time per
 * part of the program (the bot's rendering, the store, discord.js, the loopback Discord, the
 * generator's worker…), as ms and as a share of the thread's busy (not idle) time.
 *
 * Native threads are not sampled: ONNX Runtime's intra-op threads and libvips' show only as
 * the JS frames that wait on them (or not at all), so read this beside `bench:bot`'s
 * cpu ms/image, which counts every thread.
 *
 *   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx tools/bench-bot.ts --users 20
 *   npx tsx tools/cpu-profile-summary.ts /tmp/prof [--top 12]
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The part of the program a frame belongs to, by its file (or V8's pseudo-frames). */
export function partOf(frame: { functionName: string; url: string }): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8 and native code (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const rules: [RegExp, string][] = [
    [/\/src\/render\//, 'render (compose, labels)'],
    [/node_modules\/sharp\//, 'sharp (JS side)'],
    [/\/src\/gan\/(generator-worker|ort-engine|engine|generator-engine|image)\.ts/, 'generator worker (ORT session)'],
    [/node_modules\/onnxruntime/, 'generator worker (ORT session)'],
    [/\/src\/gan\//, 'generator service (queue, batches)'],
    [/\/src\/(store|bot\/rate-limit)/, 'store'],
    [/node_modules\/(better-sqlite3|pg)/, 'store'],
    [/node_modules\/(discord\.js|@discordjs|@sapphire|undici|ws|discord-api-types)\//, 'discord.js, REST, gateway'],
    [/\/testkit\//, 'loopback Discord (bench only)'],
    [/\/src\/(core|commands|bot|i18n|latent|tags|util)\//, 'bot logic (commands, core, latent)'],
    [/\/tools\//, 'the bench itself'],
    [/node_modules\/(tsx|esbuild|get-tsconfig)/, 'module loading (tsx)'],
    [/^node:/, 'Node internals'],
  ];
  for (const [re, part] of rules) if (re.test(url)) return part;
  return url.includes('node_modules/') ? `other package: ${url.split('node_modules/')[1]!.split('/')[0]}` : 'other';
}

/** Node's own code and native calls say little by themselves: they count for the nearest caller that is the program's or a package's. */
const borrowed = (part: string) => part === 'Node internals' || part.startsWith('native: ') || part === 'V8 and native code (program)';

/** Self ms per part of one profile, Node's internals and native calls charged to their caller's part. */
export function selfTimeByPart(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partCache = new Map<number, string>();
  const partFor = (id: number): string => {
    const cached = partCache.get(id);
    if (cached) return cached;
    const own = partOf(byId.get(id)!.callFrame);
    let part = own;
    if (borrowed(own)) {
      for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
        const p = partOf(byId.get(up)!.callFrame);
        if (!borrowed(p) && p !== 'other') {
          part = `${p} (in Node)`;
          break;
        }
      }
    }
    partCache.set(id, part);
    return part;
  };
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (!byId.has(id)) return;
    const part = partFor(id);
    out.set(part, (out.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx tools/cpu-profile-summary.ts <folder of .cpuprofile files> [--top N]');
  const topAt = process.argv.indexOf('--top');
  const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 12;
  const files = (await stat(dir)).isDirectory() ? (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f)) : [dir];
  const profiles = await Promise.all(files.map(async (f) => ({ file: f, profile: JSON.parse(await readFile(f, 'utf8')) as CpuProfile })));
  // The main thread first (Node names it CPU.<date>.<time>.<pid>.<thread>.<seq>: thread 0), then workers.
  const threadOf = (f: string) => Number(path.basename(f).split('.')[4] ?? 0);
  profiles.sort((a, b) => threadOf(a.file) - threadOf(b.file));
  for (const { file, profile } of profiles) {
    const parts = selfTimeByPart(profile);
    const wall = (profile.endTime - profile.startTime) / 1000;
    const idle = parts.get('idle') ?? 0;
    const busy = [...parts.values()].reduce((a, b) => a + b, 0) - idle;
    const thread = threadOf(file) === 0 ? 'main thread' : `worker thread ${threadOf(file)}`;
    process.stdout.write(
      `${thread} (${path.basename(file)}): ${(wall / 1000).toFixed(1)} s sampled, busy ${(busy / 1000).toFixed(1)} s (${((100 * busy) / wall).toFixed(0)} %)\n`,
    );
    const rows = [...parts.entries()].filter(([p]) => p !== 'idle').sort((a, b) => b[1] - a[1]);
    for (const [part, ms] of rows.slice(0, top)) {
      process.stdout.write(`  ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(7)} s  ${part}\n`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cpu-profile-summary.ts')) await main();
