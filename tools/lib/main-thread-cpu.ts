/**
 * CPU time of this process's main thread alone (Linux: /proc/self/task/<pid>/stat), in ms.
 * process.cpuUsage() counts every thread — ONNX Runtime's, V8's helpers, libuv's — so it
 * cannot say what the bot's own event loop spends; Node 20 has no per-thread figure of its
 * own. Undefined where /proc is not there. Resolution: the kernel's clock tick (10 ms).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** USER_HZ: 100 on every Linux that Node runs on. */
const TICKS_PER_SECOND = 100;

export function mainThreadCpuMs(): number | undefined {
  if (os.platform() !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised name: state is field 3, utime 14 and stime 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
