/**
 * `npm run start:sharded` whose wrapper is killed outright (issue 30, item 18): the manager and
 * its shards must end with it, not go on under PID 1. First the watch itself (parent-watch.ts),
 * then the real chain: tsx → src/shard.ts → a shard process on the loopback Discord, tsx killed
 * with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { watchParent } from '../../src/bot/parent-watch.ts';
import { LoopbackDiscord } from '../../testkit/discord/index.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

describe('watching the parent', () => {
  it('GIVEN the parent pid changes THEN onGone is called once, naming the old parent', async () => {
    let ppid = 4242;
    const reasons: string[] = [];
    const called = new Promise<void>((resolve) => {
      watchParent(
        (r) => {
          reasons.push(r);
          resolve();
        },
        { parentPid: () => ppid, intervalMs: 5, channel: undefined },
      );
    });
    ppid = 1; // reparented to init
    await called;
    expect(reasons).toEqual(['its parent process (pid 4242) is gone']);
  });

  it('GIVEN the IPC channel closes THEN onGone is called once; after stop() nothing is called and no listener is left', () => {
    const channel = new EventEmitter();
    const reasons: string[] = [];
    watchParent((r) => reasons.push(r), { parentPid: () => 1, channel });
    channel.emit('disconnect');
    channel.emit('disconnect');
    expect(reasons).toEqual(['its parent process closed the IPC channel (gone)']);
    const other = new EventEmitter();
    const stop = watchParent((r) => reasons.push(r), { parentPid: () => 1, channel: other });
    stop();
    expect(other.listenerCount('disconnect')).toBe(0);
    other.emit('disconnect');
    expect(reasons).toHaveLength(1);
  });
});

/** The children of `pid` running `script` (not tsx's esbuild helper), from /proc (Linux). */
function childrenOf(pid: number, script: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.endsWith(script))
      )
        out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe.runIf(existsSync('/proc/self/stat'))('npm run start:sharded with its wrapper killed', () => {
  it('GIVEN tsx → manager → shard running AND tsx is killed with SIGKILL THEN the manager stops the shard and both exit', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gff-orphans-'));
    const loop = await LoopbackDiscord.start();
    const left: number[] = [];
    try {
      await makeTinyModel(path.join(dir, 'models/tiny'), { id: 'tiny' });
      const wrapper = spawn(process.execPath, [TSX, path.join(ROOT, 'src/shard.ts')], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          DISCORD_TOKEN: loop.token,
          DISCORD_API: loop.restApi,
          GFF_SHARD_COUNT: '1',
          GFF_MODELS_DIR: path.join(dir, 'models'),
          GFF_DEFAULT_MODEL: 'tiny',
          GFF_DATABASE: path.join(dir, 'gff.db'),
          GFF_WORKERS: '0',
          GFF_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      wrapper.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      await expect.poll(() => loop.liveShards, { timeout: 60_000, interval: 200 }).toEqual([0]);
      const [manager] = childrenOf(wrapper.pid!, 'src/shard.ts');
      expect(manager).toBeDefined();
      const [shard] = childrenOf(manager!, 'src/bot.ts');
      expect(shard).toBeDefined();
      left.push(manager!, shard!);

      wrapper.kill('SIGKILL');
      // Before: both went on under PID 1, the shard still holding its gateway session.
      await expect.poll(() => [running(manager!), running(shard!)], { timeout: 30_000, interval: 200 }).toEqual([false, false]);
      expect(loop.liveShards).toEqual([]);
      expect(stderr).toMatch(/its parent process .*: each shard finishes its replies in flight, then stops/);
    } finally {
      for (const pid of left) if (running(pid)) process.kill(pid, 'SIGKILL');
      await loop.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
