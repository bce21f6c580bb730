/**
 * The rules of the session pool (src/gan/session-pool.ts) with stand-in values instead of ONNX
 * Runtime sessions, and a clock the test moves: nothing here waits or times anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src/gan/session-pool.ts';

interface Fake {
  id: string;
  n: number;
}

function setup(opts: { idleMs?: number; maxLoaded?: number; retryMs?: number; fail?: Set<string> } = {}) {
  let clock = 0;
  const loads: string[] = [];
  const released: string[] = [];
  const gates: (() => void)[] = [];
  const pool = new SessionPool<Fake>({
    load: async (id) => {
      loads.push(id);
      await new Promise<void>((resolve) => gates.push(resolve));
      if (opts.fail?.has(id)) throw new Error(`cannot load ${id}`);
      return { id, n: loads.length };
    },
    release: async (id) => {
      released.push(id);
    },
    idleMs: opts.idleMs ?? 1000,
    maxLoaded: opts.maxLoaded ?? 2,
    retryMs: opts.retryMs ?? 500,
    now: () => clock,
  });
  pools.push(pool);
  /** Lets every load begun so far finish. */
  const open = async () => {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const g = gates.shift();
      if (!g) return;
      g();
    }
  };
  const use = (id: string) => pool.use(id, async (v) => v);
  /** A use that loads and returns at once (gates opened while it waits). */
  const useNow = async (id: string) => {
    const p = use(id);
    p.catch(() => {}); // observed below, after the gates open
    await open();
    return p;
  };
  return { pool, loads, released, use, useNow, open, tick: (ms: number) => (clock += ms), now: () => clock };
}

const pools: SessionPool<Fake>[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.dispose();
});

describe('session pool', () => {
  it('GIVEN a value not pinned THEN it is loaded by its first use, and later uses reuse it', async () => {
    const { pool, loads, useNow } = setup();
    pool.pin('default', { id: 'default', n: 0 });
    expect(pool.loaded()).toEqual(['default']);
    expect(loads).toEqual([]);
    const a = await useNow('old');
    const b = await useNow('old');
    expect(b).toBe(a);
    expect(loads).toEqual(['old']);
    expect(pool.loaded().sort()).toEqual(['default', 'old']);
  });

  it('GIVEN two first uses of one value at once THEN one load serves both', async () => {
    const { loads, use, open } = setup();
    const both = Promise.all([use('old'), use('old')]);
    await open();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(loads).toEqual(['old']);
  });

  it('GIVEN a value idle past idleMs THEN it is released, never the pinned one, and a later use loads it again', async () => {
    const { pool, loads, released, useNow, tick, now } = setup({ idleMs: 1000 });
    pool.pin('default', { id: 'default', n: 0 });
    await useNow('old');
    tick(999);
    pool.sweep();
    expect(released).toEqual([]);
    pool.sweep(now() + 1);
    expect(released).toEqual(['old']);
    expect(pool.loaded()).toEqual(['default']);
    await useNow('old');
    expect(loads).toEqual(['old', 'old']);
  });

  it('GIVEN a use still running on a value THEN it is not released however long it runs, and is released once idle', async () => {
    const { pool, released, useNow, open, tick } = setup({ idleMs: 1000, maxLoaded: 0 });
    await useNow('warm');
    expect(released).toEqual(['warm']); // maxLoaded 0: released the moment its use ends
    let finish!: () => void;
    const running = pool.use('old', (v) => new Promise<Fake>((r) => (finish = () => r(v))));
    await open();
    tick(10_000);
    pool.sweep();
    expect(pool.loaded()).toEqual(['old']);
    finish();
    await running;
    expect(released).toEqual(['warm', 'old']);
  });

  it('GIVEN more values than maxLoaded THEN the least recently used idle one makes room', async () => {
    const { released, useNow, tick } = setup({ idleMs: 0, maxLoaded: 2 });
    await useNow('a');
    tick(1);
    await useNow('b');
    tick(1);
    await useNow('a');
    tick(1);
    await useNow('c');
    expect(released).toEqual(['b']);
  });

  it('GIVEN a load that fails THEN its error answers until retryMs, then it is tried again', async () => {
    const fail = new Set(['broken']);
    const { loads, use, useNow, tick } = setup({ retryMs: 500, fail });
    await expect(useNow('broken')).rejects.toThrow('cannot load broken');
    await expect(use('broken')).rejects.toThrow('cannot load broken'); // no second load
    expect(loads).toEqual(['broken']);
    tick(500);
    fail.delete('broken'); // the file was restored
    await expect(useNow('broken')).resolves.toMatchObject({ id: 'broken' });
    expect(loads).toEqual(['broken', 'broken']);
  });
});
