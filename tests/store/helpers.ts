import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreLogger } from '../../src/store/db.ts';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gff-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock the test moves by hand (Unix ms). */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function memoryLog(): StoreLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_o, msg) => void lines.push(`info ${msg}`), warn: (_o, msg) => void lines.push(`warn ${msg}`) };
}

export const zOf = (...v: number[]) => new Float32Array(v);
