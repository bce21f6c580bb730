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
import { startedByWrapper, watchParent } from '../../src/bot/parent-watch.ts';
import { LoopbackDiscord } from '../../testkit/discord/index.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

describe('watching the parent', () => {
  it('GIVEN how the process was started THEN only npm scripts and the tsx CLI count as wrappers whose end ends it', () => {
    expect(startedByWrapper([], { npm_lifecycle_event: 'start' })).toBe(true);
    expect(startedByWrapper(['--require', '/app/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///app/node_modules/tsx/dist/loader.mjs'], {})).toBe(
      true,
    );
    // node --import tsx src/bot.ts (systemd, a shell that exits) and a shard forked by its manager: not wrapped.
    expect(startedByWrapper(['--import', 'tsx'], {})).toBe(false);
    expect(startedByWrapper(['--import', 'file:///app/node_modules/tsx/dist/loader.mjs'], {})).toBe(false);
  });

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

/** tsx → `script` (→ its children) on the loopback Discord; tsx killed with SIGKILL once the bot is connected. */
async function killWrapperOf(script: string, childScripts: string[]): Promise<{ stderr: string; leftRunning: () => boolean[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gff-orphans-'));
  const loop = await LoopbackDiscord.start();
  const pids: number[] = [];
  try {
    await makeTinyModel(path.join(dir, 'models/tiny'), { id: 'tiny' });
    const wrapper = spawn(process.execPath, [TSX, path.join(ROOT, script)], {
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
    await expect.poll(() => loop.liveShards.length, { timeout: 60_000, interval: 200 }).toBe(1);
    let parent = wrapper.pid!;
    for (const child of [script, ...childScripts]) {
      const [pid] = childrenOf(parent, child);
      expect(pid, `${child} under ${parent}`).toBeDefined();
      pids.push(pid!);
      parent = pid!;
    }
    wrapper.kill('SIGKILL');
    // Before: they went on under PID 1, the bot still holding its gateway session.
    await expect.poll(() => pids.map(running), { timeout: 30_000, interval: 200 }).toEqual(pids.map(() => false));
    expect(loop.liveShards).toEqual([]);
    return { stderr, leftRunning: () => pids.map(running) };
  } finally {
    for (const pid of pids) if (running(pid)) process.kill(pid, 'SIGKILL');
    await loop.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe.runIf(existsSync('/proc/self/stat'))('a wrapper killed outright', () => {
  it('GIVEN tsx → manager → shard (npm run start:sharded) AND tsx is killed with SIGKILL THEN the manager stops the shard and both exit', async () => {
    const { stderr } = await killWrapperOf('src/shard.ts', ['src/bot.ts']);
    expect(stderr).toMatch(/its parent process .*: each shard finishes its replies in flight, then stops/);
  }, 120_000);

  it('GIVEN tsx → bot (npm start) AND tsx is killed with SIGKILL THEN the bot stops and exits', async () => {
    const { stderr } = await killWrapperOf('src/bot.ts', []);
    expect(stderr).toMatch(/its parent process .* is gone: finishing replies in flight, then stopping/);
  }, 120_000);
});
