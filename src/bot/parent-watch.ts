/**
 * A process that serves on behalf of its parent — the sharding manager under npm/tsx, a shard
 * under its manager — must not outlive it: killed with SIGKILL (or crashed), a parent sends no
 * signal on, and its children would go on under PID 1, holding the bot's gateway sessions,
 * with nobody left to stop them. Two ways to notice: the IPC channel a forking parent (tsx,
 * ShardingManager) opened closes, and — for parents without one — the parent pid changes
 * (Linux and macOS give orphans a new parent). A process started by PID 1 (systemd, a
 * container's init) has no parent that could go, and is not watched that way.
 */

export interface ParentWatchOptions {
  /** How often to look at the parent pid (ms; default 1000). */
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
  if (first > 1) {
    timer = setInterval(() => {
      if (parentPid() !== first) gone(`its parent process (pid ${first}) is gone`);
    }, opts.intervalMs ?? 1000);
    timer.unref();
  }
  return stop;
}
