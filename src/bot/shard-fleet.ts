/**
 * The shard processes of one host under discord.js's ShardingManager: spawn them one after
 * another, respawn one that crashes after it was ready, stop them all gracefully on request.
 *
 * Start-up and respawn are driven here rather than by `manager.spawn()` and discord.js's
 * automatic respawn: a shard that exits before it is ready (a bad setting, a rejected token, a
 * model or database that cannot load) would otherwise be respawned forever, and a spawn loop in
 * progress could not be stopped by a signal.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import { BOT_HEAP_FLAGS } from './heap-flags.ts';
import type { Logger } from './logger.ts';
import { respawnDelayMs } from './shards.ts';

/** The exit code of a fleet stopped by force (a second signal), as for 128 + SIGINT. */
export const EXIT_FORCED = 130;
/** src/bot/main.ts's code for a missing or malformed setting. */
const EXIT_CONFIG = 2;
const EXIT_START = 1;

export interface FleetOptions {
  /** The bot's entry (src/bot.ts); a .ts file runs through tsx's loader. */
  file: string;
  count: number;
  /** The shard ids to start here. */
  ids: readonly number[];
  token: string;
  /** The children's environment (default this process's); the shard variables are added to it. */
  env?: NodeJS.ProcessEnv;
  log: Logger;
  /** Between one shard's start and the next. Discord lets a bot identify max_concurrency
   * sessions per 5 s; discord.js's own spawn waits 5.5 s (the default). */
  spawnDelayMs?: number;
  /** How long a shard may take to load its model and log in before its start counts as failed (default 2 min). */
  readyTimeoutMs?: number;
  /** Pipe the children's stdout and stderr (read them in onSpawn) instead of sharing this process's. */
  silent?: boolean;
  onSpawn?: (id: number, child: ChildProcess) => void;
  /** Respawn back-off for a shard that crashed after it was ready (default respawnDelayMs). */
  respawnDelay?: (crashes: readonly number[], now: number) => number;
}

export interface ShardFleet {
  readonly manager: ShardingManager;
  /** Resolves once every shard of this host has been ready; rejects with ShardStartError when one
   * could not start, or with a plain Error when stop() or kill() came first. */
  readonly ready: Promise<void>;
  /** The exit code once every child is gone: 0 after stop() (1 if a shard did not stop cleanly),
   * the failed shard's (2: a setting, 1: anything else) after a start-up failure, 130 after kill(). */
  readonly done: Promise<number>;
  /** No more spawns or respawns; SIGTERM to every child, which finishes its replies in flight and exits. */
  stop(): void;
  /** SIGKILL to every child. */
  kill(): void;
}

/** A shard could not start: the fleet stops and exits with `exitCode`. */
export class ShardStartError extends Error {
  override readonly name = 'ShardStartError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface ShardState {
  shard: Shard;
  child?: ChildProcess;
  /** Ready since its latest spawn. */
  ready: boolean;
  crashes: number[];
  readyTimer?: NodeJS.Timeout;
  respawnTimer?: NodeJS.Timeout;
  /** Settles the start-up loop's wait for this spawn (ready or gone). */
  settle?: () => void;
}

/**
 * node's flags for a shard process: the bot's heap setting (heap-flags.ts), and for a .ts entry
 * the tsx loader for `--import`, by absolute URL so it resolves from any working directory.
 */
export function shardExecArgv(file: string): string[] {
  const loader = file.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return [...BOT_HEAP_FLAGS, ...loader];
}

function describeExit(child: ChildProcess): string {
  return child.signalCode ? `killed by ${child.signalCode}` : `exit code ${child.exitCode}`;
}

/**
 * ShardingManager's constructor marks its own process as a shard (SHARDING_MANAGER,
 * SHARDING_MANAGER_MODE, DISCORD_TOKEN in process.env): a Client made later in this process (a
 * test's) would then talk over IPC to a parent that is not its manager. Put them back.
 */
function createManager(file: string, options: ConstructorParameters<typeof ShardingManager>[1]): ShardingManager {
  const keys = ['SHARDING_MANAGER', 'SHARDING_MANAGER_MODE', 'DISCORD_TOKEN'] as const;
  const saved = keys.map((k) => process.env[k]);
  try {
    return new ShardingManager(file, options);
  } finally {
    keys.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    });
  }
}

export function startShards(opts: FleetOptions): ShardFleet {
  const { log, count, token } = opts;
  const ids = [...opts.ids];
  const spawnDelayMs = opts.spawnDelayMs ?? 5500;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const respawnDelay = opts.respawnDelay ?? respawnDelayMs;
  const baseEnv = opts.env ?? process.env;
  const manager = createManager(opts.file, {
    totalShards: count,
    shardList: ids,
    mode: 'process',
    respawn: false,
    silent: opts.silent ?? false,
    execArgv: shardExecArgv(opts.file),
    token,
  });
  // Every variable the child's Client reads to know it is a shard, set here explicitly (the
  // Shard's own copy lacks SHARDING_MANAGER_MODE once createManager has cleaned process.env).
  manager.on('shardCreate', (shard) => {
    shard.env = {
      ...baseEnv,
      SHARDING_MANAGER: 'true',
      SHARDING_MANAGER_MODE: 'process',
      SHARDS: String(shard.id),
      SHARD_COUNT: String(count),
      DISCORD_TOKEN: token,
    };
  });

  const states = new Map<number, ShardState>();
  let stopping = false;
  let exitCode = 0;
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {}); // the caller may only await `done`
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  // Ends the wait between two spawns when a stop comes, so the process need not sit it out.
  const spawning = new AbortController();
  const finishIfAllGone = () => {
    if (stopping && [...states.values()].every((s) => !s.child)) resolveDone(exitCode);
  };

  const beginStop = (signal: NodeJS.Signals) => {
    stopping = true;
    spawning.abort();
    rejectReady(new Error('the shards were stopped before all of them were ready'));
    for (const s of states.values()) {
      clearTimeout(s.respawnTimer);
      clearTimeout(s.readyTimer);
      s.settle?.();
      s.child?.kill(signal);
    }
    finishIfAllGone();
  };

  const fail = (message: string, code: number) => {
    if (stopping) return;
    // No log line: the caller prints the message once, as the one line an operator needs.
    exitCode = code;
    rejectReady(new ShardStartError(message, code));
    beginStop('SIGTERM');
  };

  const spawn = (s: ShardState): Promise<void> =>
    new Promise<void>((settle) => {
      s.ready = false;
      s.settle = settle;
      s.readyTimer = setTimeout(
        () => fail(`shard ${s.shard.id} was not ready ${readyTimeoutMs / 1000} s after it started; stopping all shards`, EXIT_START),
        readyTimeoutMs,
      );
      // -1: resolve at once; readiness and early exits are watched through the shard's events.
      s.shard.spawn(-1).catch((err: unknown) => fail(`shard ${s.shard.id} could not be started: ${(err as Error)?.message ?? String(err)}`, EXIT_START));
    });

  const onDeath = (s: ShardState, child: ChildProcess) => {
    clearTimeout(s.readyTimer);
    s.child = undefined;
    s.settle?.();
    const wasReady = s.ready;
    s.ready = false;
    const id = s.shard.id;
    if (stopping) {
      // Killed by our SIGTERM before it had set up its own handlers (still starting) is a clean stop too.
      const clean = child.exitCode === 0 || child.signalCode === 'SIGTERM';
      if (clean) log.info(`shard ${id} stopped (${describeExit(child)})`);
      else log.warn({ exitCode: child.exitCode, signal: child.signalCode }, `shard ${id} did not stop cleanly (${describeExit(child)})`);
      if (!clean && exitCode === 0) exitCode = EXIT_START;
      finishIfAllGone();
      return;
    }
    if (!wasReady) {
      const kind = child.exitCode === EXIT_CONFIG ? EXIT_CONFIG : EXIT_START;
      fail(`shard ${id} could not start (${describeExit(child)}); not respawning it: fix what the line above names, then start again`, kind);
      return;
    }
    const now = Date.now();
    s.crashes = [...s.crashes.filter((t) => now - t < 24 * 3_600_000), now];
    const delay = respawnDelay(s.crashes, now);
    log.error(
      { exitCode: child.exitCode, signal: child.signalCode },
      `shard ${id} exited (${describeExit(child)}) after it was ready; respawning it in ${delay / 1000} s`,
    );
    s.respawnTimer = setTimeout(() => {
      if (!stopping) void spawn(s);
    }, delay);
  };

  const create = (id: number): ShardState => {
    const shard = manager.createShard(id);
    const s: ShardState = { shard, ready: false, crashes: [] };
    states.set(id, s);
    shard.on('spawn', (child) => {
      s.child = child as ChildProcess;
      s.child.on('error', (err) => log.error({ err }, `shard ${id}: its process failed: ${err.message}`));
      opts.onSpawn?.(id, s.child);
    });
    shard.on('ready', () => {
      clearTimeout(s.readyTimer);
      s.ready = true;
      log.info(`shard ${id} ready`);
      s.settle?.();
    });
    shard.on('death', (child) => onDeath(s, child as ChildProcess));
    // Emitted by discord.js's own respawn, which is off; a listener keeps an 'error' from throwing.
    shard.on('error', (err) => log.error({ err }, `shard ${id}: ${err.message}`));
    return s;
  };

  void (async () => {
    log.info({ count, ids }, `starting shard(s) ${ids.join(', ')} of ${count}`);
    for (const [i, id] of ids.entries()) {
      if (stopping) return;
      const s = create(id);
      const pause = i < ids.length - 1 ? sleep(spawnDelayMs, undefined, { signal: spawning.signal }).catch(() => {}) : undefined;
      await Promise.all([spawn(s), pause]);
    }
    if (stopping) return;
    log.info({ count, ids }, `all ${ids.length} shard(s) of this host ready`);
    resolveReady();
  })();

  return {
    manager,
    ready,
    done,
    stop() {
      if (stopping) return;
      log.info('stopping: each shard finishes its replies in flight, then exits');
      beginStop('SIGTERM');
    },
    kill() {
      const alive = [...states.values()].filter((s) => s.child);
      if (stopping && !alive.length) return; // all gone already: nothing to force
      log.warn('forced stop: killing every shard');
      exitCode = EXIT_FORCED;
      if (!stopping) beginStop('SIGKILL');
      else for (const s of alive) s.child?.kill('SIGKILL');
    },
  };
}
