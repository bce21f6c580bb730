/**
 * A process that serves on behalf of its parent — the sharding manager under npm/tsx, a shard
 * under its manager — must not outlive it: killed with SIGKILL (or crashed), a parent sends no
 * signal on, and its children would go on under PID 1, holding the bot's gateway sessions,
 * with nobody left to stop them. Two ways to notice: the IPC channel a forking parent (tsx,
 * ShardingManager) opened closes, and — for parents without one — the parent pid changes
 * (Linux and macOS give orphans a new parent). The pid is watched only when the parent is a
 * wrapper that exists to run this process (`startedByWrapper`: npm, the tsx CLI): node started
 * directly — by systemd, a container, or a shell that then exits — is not stopped by its
 * parent's end, and a process started by PID 1 has no parent that could go.
 */

/**
 * Whether this process runs under a wrapper that lives only for it: an npm script (npm sets
 * npm_lifecycle_event) or the tsx CLI (which starts node with its preflight module).
 */
export function startedByWrapper(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['npm_lifecycle_event']) return true;
  return execArgv.some((a) => /[\\/]tsx[\\/]dist[\\/]preflight\.c?js$/.test(a));
}

export interface ParentWatchOptions {
  /** How often to look at the parent pid (ms; default 1000; 0: only the IPC channel is watched). */
  intervalMs?: number;
  /** The current parent pid (default process.ppid, which Node reads afresh each time). */
  parentPid?: () => number;
  /** The IPC channel to the parent, if any (default: this process's, when it has one). */
  channel?: Pick<NodeJS.EventEmitter, 'once' | 'off'> | undefined;
}

/** Calls `onGone` once, with a reason, when the parent is gone. Returns a function that stops watching. */
export function watchParent(onGone: (reason: string) => void, opts: ParentWatchOptions = {}): () => void {
  const parentPid = opts.parentPid ?? (() => process.ppid);
  const channel = 'channel' in opts ? opts.channel : process.channel ? process : undefined;
  const first = parentPid();
  let timer: NodeJS.Timeout | undefined;
  let watching = true;
  const stop = () => {
    if (!watching) return;
    watching = false;
    clearInterval(timer);
    // A 'disconnect' listener keeps the IPC channel referenced (and the process alive): remove it.
    channel?.off('disconnect', onDisconnect);
  };
  const gone = (reason: string) => {
    if (!watching) return;
    stop();
    onGone(reason);
  };
  function onDisconnect() {
    gone('its parent process closed the IPC channel (gone)');
  }
  channel?.once('disconnect', onDisconnect);
  const intervalMs = opts.intervalMs ?? 1000;
  if (first > 1 && intervalMs > 0) {
    timer = setInterval(() => {
      if (parentPid() !== first) gone(`its parent process (pid ${first}) is gone`);
    }, intervalMs);
    timer.unref();
  }
  return stop;
}
