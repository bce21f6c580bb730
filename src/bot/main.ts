/**
 * `npm start`: .env (when present) → environment → config → bot, with SIGINT/SIGTERM
 * shutdown. Configuration and token problems are one line on stderr: exit 2 for a missing
 * or malformed setting, 1 when Discord rejects the token or the bot cannot start.
 * The same runs in each shard process of `npm run start:sharded` (src/bot/shard-main.ts).
 */
import { loadConfig, requireToken, type Config } from '../config.ts';
import { ModelLoadError } from '../gan/errors.ts';
import { StoreError } from '../store/index.ts';
import { heapFlagsWarning } from './heap-flags.ts';
import { startedByWrapper, watchParent } from './parent-watch.ts';
import { shardOfProcess } from './shards.ts';
import type { Bot } from './start.ts';

const EXIT_CONFIG = 2;
const EXIT_START = 1;
const EXIT_FORCED = 130;
/** Signals this close to the first are the same request arriving twice, not a second one. */
const SAME_REQUEST_MS = 1000;

export function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env'); // never overrides variables already set in the shell
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** One line for an operator on why the bot could not start. */
export function startFailure(e: unknown): string {
  const err = e as { code?: unknown; status?: unknown; message?: string };
  if (err.code === 'TokenInvalid' || err.status === 401 || err.code === 4004) {
    return 'Discord rejected DISCORD_TOKEN: reset the bot token in the developer portal and put the new one in .env.';
  }
  if (e instanceof ModelLoadError || e instanceof StoreError) return e.message;
  return `could not start: ${err.message ?? String(e)}`;
}

/** `start` is the entry's startBot with the command list already bound (src/bot.ts). */
export async function main(start: (config: Config) => Promise<Bot>): Promise<number> {
  const shard = shardOfProcess();
  try {
    return await run(start, shard !== undefined);
  } finally {
    // A shard process has an IPC channel to its ShardingManager, and discord.js listens on it:
    // left open, it would keep the process alive after the bot has stopped.
    if (shard && process.connected) process.disconnect();
  }
}

async function run(start: (config: Config) => Promise<Bot>, isShard: boolean): Promise<number> {
  // Watched from the first moment: a wrapper killed while the model loads must not be missed.
  const parent = watchWrapper(isShard);
  try {
    return await runWatched(start, isShard, parent);
  } finally {
    parent.unwatch();
  }
}

interface WrapperWatch {
  /** Why the wrapper is gone, once it is. */
  gone?: string;
  whenGone(reason: string): void;
  unwatch(): void;
}

/**
 * Started by a wrapper that lives only for it (npm start → tsx) or that forked it: when that
 * wrapper is killed outright, the bot stops as on SIGTERM rather than run on under PID 1. node
 * started directly (systemd, a shell that then exits) is not watched (parent-watch.ts); a shard
 * watches its manager's IPC channel instead (below).
 */
function watchWrapper(isShard: boolean): WrapperWatch {
  const w: WrapperWatch = {
    whenGone: (reason) => {
      w.gone = reason;
    },
    unwatch: () => undefined,
  };
  if (isShard || !(startedByWrapper() || process.channel)) return w;
  w.unwatch = watchParent((reason) => w.whenGone(reason), { intervalMs: startedByWrapper() ? 1000 : 0 });
  return w;
}

async function runWatched(start: (config: Config) => Promise<Bot>, isShard: boolean, parent: WrapperWatch): Promise<number> {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig();
    requireToken(config);
  } catch (e) {
    process.stderr.write(`gff-bot: ${(e as Error).message}\n`);
    return EXIT_CONFIG;
  }
  let bot: Bot;
  try {
    bot = await start(config);
  } catch (e) {
    process.stderr.write(`gff-bot: ${startFailure(e)}\n`);
    return EXIT_START;
  }
  const running = bot;
  // Only here, where the bot serves (npm start, each shard): bots that tools and tests start in
  // their own processes are not serving anyone.
  const heapWarning = heapFlagsWarning();
  if (heapWarning) running.ctx.log.warn({ part: 'heap' }, heapWarning);
  await new Promise<void>((resolve) => {
    let firstAt: number | undefined;
    const stop = (why: string) => {
      firstAt = Date.now();
      process.stderr.write(`gff-bot: ${why}: finishing replies in flight, then stopping (again to force)\n`);
      void running.stop().then(resolve, (err: unknown) => {
        process.stderr.write(`gff-bot: shutdown failed: ${(err as Error)?.message ?? String(err)}\n`);
        resolve();
      });
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstAt === undefined) return stop(signal);
      // A terminal's Ctrl-C reaches every process of its group, and the sharding manager (like
      // systemd) forwards its own signal as well: one request can arrive twice at once. Only a
      // repeat after a moment forces.
      if (Date.now() - firstAt >= SAME_REQUEST_MS) process.exit(EXIT_FORCED);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // The wrapper went while the bot was starting, or goes now: stop as on SIGTERM.
    parent.whenGone = (reason) => firstAt === undefined && stop(reason);
    if (parent.gone !== undefined) parent.whenGone(parent.gone);
    if (isShard) {
      // The manager is gone (killed, crashed) without a signal to us: stop as on SIGTERM rather than linger.
      const orphaned = () => firstAt === undefined && stop('the sharding manager is gone');
      if (process.connected) process.once('disconnect', orphaned);
      else orphaned(); // it went while this shard was starting
      // discord.js reports each gateway disconnect to the manager with process.send, which emits
      // 'error' on the process once the channel is closed; that report has no one to reach.
      process.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ERR_IPC_CHANNEL_CLOSED') process.stderr.write(`gff-bot: ${err.message}\n`);
      });
    }
  });
  return 0;
}
