import { describe, expect, it } from 'vitest';
import { MicroBatcher, type BatchItem } from '../../src/gan/batcher.ts';

interface Item extends BatchItem {
  n: number;
}
const item = (n: number, modelId = 'a', enqueuedAt = 0): Item => ({ n, modelId, enqueuedAt });
const owned = (owner: string, n: number, modelId = 'a', enqueuedAt = 0): Item & { owner: string } => ({ n, modelId, enqueuedAt, owner });
/** `count` items of `owner`, numbered from 0. */
const request = (owner: string, count: number, modelId = 'a') => Array.from({ length: count }, (_, n) => owned(owner, n, modelId));
/** The owners of one batch's items, in order. */
const ownersOf = (batch: { items: Item[] } | undefined) => batch?.items.map((i) => i.owner);

/** A deterministic pseudo-random sequence (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('MicroBatcher', () => {
  it('GIVEN an empty queue THEN nothing is due', () => {
    const b = new MicroBatcher<Item>(4, 5);
    expect(b.dueIn(0)).toBeUndefined();
    expect(b.take(0)).toBeUndefined();
  });

  it('GIVEN fewer than maxBatch items THEN the batch is due when the oldest has waited maxWaitMs', () => {
    const b = new MicroBatcher<Item>(4, 5);
    b.push([item(1, 'a', 10), item(2, 'a', 12)]);
    expect(b.dueIn(11)).toBe(4);
    expect(b.take(11)).toBeUndefined();
    expect(b.take(15)?.items.map((i) => i.n)).toEqual([1, 2]);
    expect(b.length).toBe(0);
  });

  it('GIVEN maxBatch items of a model THEN the batch is due at once and holds at most maxBatch', () => {
    const b = new MicroBatcher<Item>(3, 1000);
    b.push([1, 2, 3, 4, 5].map((n) => item(n)));
    expect(b.dueIn(0)).toBe(0);
    expect(b.take(0)?.items.map((i) => i.n)).toEqual([1, 2, 3]);
    expect(b.dueIn(0)).toBe(1000); // 2 left: wait for company
    expect(b.take(0, true)?.items.map((i) => i.n)).toEqual([4, 5]);
  });

  it('GIVEN a model whose images weigh four (128 px) THEN its batches hold a quarter as many, and a model heavier than maxBatch still goes one by one', () => {
    const weights: Record<string, number> = { big: 4, huge: 64 };
    const b = new MicroBatcher<Item>(8, 1000, (id) => weights[id] ?? 1);
    expect([b.limitOf('small'), b.limitOf('big'), b.limitOf('huge')]).toEqual([8, 2, 1]);
    b.push([1, 2, 3].map((n) => item(n, 'big')));
    expect(b.dueIn(0)).toBe(0); // two big images are a full batch
    expect(b.take(0)?.items.map((i) => i.n)).toEqual([1, 2]);
    expect(b.dueIn(0)).toBe(1000);
    b.push([4, 5].map((n) => item(n, 'huge')));
    expect(b.take(0, true)?.items.map((i) => i.n)).toEqual([3]);
    expect(b.take(0)?.items.map((i) => i.n)).toEqual([4]);
    b.push([6, 7, 8].map((n) => item(n, 'small')));
    expect(b.take(0)?.items.map((i) => i.n)).toEqual([5]);
    expect(b.dueIn(0)).toBe(1000); // 3 small images of 8: wait for company
  });

  it('GIVEN items of two models THEN each batch holds one model, in arrival order of the head', () => {
    const b = new MicroBatcher<Item>(10, 0);
    b.push([item(1, 'a'), item(2, 'b'), item(3, 'a'), item(4, 'b'), item(5, 'c')]);
    const first = b.take(0)!;
    expect(first.modelId).toBe('a');
    expect(first.items.map((i) => i.n)).toEqual([1, 3]);
    expect(b.take(0)!.items.map((i) => i.n)).toEqual([2, 4]);
    expect(b.take(0)!.modelId).toBe('c');
  });

  it('GIVEN remove(pred) THEN matching items leave the queue and per-model counts stay right', () => {
    const b = new MicroBatcher<Item>(2, 100);
    b.push([item(1), item(2), item(3)]);
    expect(b.remove((i) => i.n !== 3).map((i) => i.n)).toEqual([1, 2]);
    expect(b.length).toBe(1);
    expect(b.dueIn(0)).toBe(100); // 1 < maxBatch again
  });

  it('GIVEN bad settings THEN RangeError', () => {
    expect(() => new MicroBatcher(0, 1)).toThrow(RangeError);
    expect(() => new MicroBatcher(1, -1)).toThrow(RangeError);
  });
});

describe('MicroBatcher fairness across owners', () => {
  const weights: Record<string, number> = { big: 4 };
  const at128 = () => new MicroBatcher<Item>(16, 4, (id) => weights[id] ?? 1); // 4 images of 128 px a batch

  it('GIVEN twelve owners with 25-tile grids THEN they take turns a batch each, in arrival order, and every tile is served once in its own order', () => {
    const b = at128();
    const owners = Array.from({ length: 12 }, (_, u) => `u${u}`);
    for (const o of owners) b.push(request(o, 25, 'big'));
    expect(b.owners).toBe(12);
    const firstRound = owners.map(() => b.take(0));
    firstRound.forEach((batch, u) => expect(ownersOf(batch)).toEqual(Array(4).fill(`u${u}`)));
    const served = new Map<string, number[]>(owners.map((o, u) => [o, firstRound[u]!.items.map((i) => i.n)]));
    for (let batch = b.take(0, true); batch; batch = b.take(0, true)) {
      for (const it of batch.items) served.get(it.owner!)!.push(it.n);
    }
    for (const o of owners) expect(served.get(o)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    expect(b.length).toBe(0);
    expect(b.owners).toBe(0);
  });

  it('GIVEN twelve grids queued WHEN someone asks for one picture THEN it is in the very next batch, the grids then carry on', () => {
    const b = at128();
    for (let u = 0; u < 12; u++) b.push(request(`grid${u}`, 25, 'big'));
    expect(ownersOf(b.take(0))).toEqual(Array(4).fill('grid0'));
    b.push([owned('single', 0, 'big')]);
    // The picture goes first; the rest of the batch is the next grid's turn.
    expect(ownersOf(b.take(0))).toEqual(['single', 'grid1', 'grid1', 'grid1']);
    expect(ownersOf(b.take(0))).toEqual(['grid1', 'grid2', 'grid2', 'grid2']);
    expect(b.queuedOf('single')).toBe(0);
  });

  it('GIVEN an owner already taking turns WHEN it asks for more THEN it does not jump the queue again', () => {
    const b = at128();
    b.push(request('a', 8, 'big'));
    b.push(request('b', 8, 'big'));
    expect(ownersOf(b.take(0))).toEqual(['a', 'a', 'a', 'a']);
    b.push([owned('a', 100, 'big')]);
    expect(ownersOf(b.take(0))).toEqual(['b', 'b', 'b', 'b']);
    expect(ownersOf(b.take(0))).toEqual(['a', 'a', 'a', 'a']);
    expect(b.queuedOf('a')).toBe(1);
    expect(b.queuedOf('b')).toBe(4);
  });

  it('GIVEN owners arriving and leaving at random THEN, while two both wait, neither has been served more than one batch beyond the other, and every item is served', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = prng(seed);
      const b = at128();
      const limit = b.limitOf('big');
      const served = new Map<string, number>();
      const servedOf = (o: string) => served.get(o) ?? 0;
      /** For each pair "x|y" of owners both waiting: x's served count when that began. */
      const start = new Map<string, number>();
      let pushed = 0;
      let taken = 0;
      for (let step = 0; step < 400; step++) {
        if (rnd() < 0.3) {
          const owner = `u${Math.floor(rnd() * 8)}`;
          const size = rnd() < 0.5 ? 1 : 1 + Math.floor(rnd() * 25);
          if (b.queuedOf(owner) === 0) {
            // It starts waiting: from here on it is compared with everyone waiting.
            for (let u = 0; u < 8; u++) {
              const other = `u${u}`;
              if (other === owner || b.queuedOf(other) === 0) continue;
              start.set(`${owner}|${other}`, servedOf(owner));
              start.set(`${other}|${owner}`, servedOf(other));
            }
          }
          b.push(request(owner, size, 'big'));
          pushed += size;
        } else {
          const batch = b.take(0, true);
          for (const it of batch?.items ?? []) served.set(it.owner!, servedOf(it.owner!) + 1);
          taken += batch?.items.length ?? 0;
        }
        for (const [pair, from] of start) {
          const [x, y] = pair.split('|') as [string, string];
          if (b.queuedOf(x) === 0 || b.queuedOf(y) === 0) {
            start.delete(pair); // no longer both waiting: compared afresh when they are again
            continue;
          }
          const gainX = servedOf(x) - from;
          const gainY = servedOf(y) - start.get(`${y}|${x}`)!;
          expect(Math.abs(gainX - gainY), `seed ${seed} step ${step}: ${x} vs ${y}`).toBeLessThanOrEqual(limit);
        }
      }
      for (let batch = b.take(0, true); batch; batch = b.take(0, true)) taken += batch.items.length;
      expect(taken).toBe(pushed);
    }
  });

  it('GIVEN a cancelled request in the middle of the round THEN the others keep their turns and counts', () => {
    const b = at128();
    b.push(request('a', 8, 'big'));
    b.push(request('b', 8, 'big'));
    b.push(request('c', 8, 'big'));
    expect(ownersOf(b.take(0))).toEqual(['a', 'a', 'a', 'a']);
    expect(b.remove((it) => it.owner === 'b')).toHaveLength(8);
    expect(b.owners).toBe(2);
    expect(ownersOf(b.take(0))).toEqual(['c', 'c', 'c', 'c']);
    expect(ownersOf(b.take(0))).toEqual(['a', 'a', 'a', 'a']);
    expect(ownersOf(b.take(0))).toEqual(['c', 'c', 'c', 'c']);
    expect(b.length).toBe(0);
  });

  it("GIVEN a batch that one owner cannot fill THEN the next owners fill it, and its model is the first owner's", () => {
    const b = at128();
    b.push(request('a', 2, 'big'));
    b.push([owned('b', 0, 'small')]);
    b.push(request('c', 9, 'big'));
    const first = b.take(0)!;
    expect(first.modelId).toBe('big');
    expect(ownersOf(first)).toEqual(['a', 'a', 'c', 'c']); // b's picture is of another model: it waits one batch
    expect(ownersOf(b.take(0, true))).toEqual(['b']);
    expect(ownersOf(b.take(0))).toEqual(['c', 'c', 'c', 'c']);
  });
});
