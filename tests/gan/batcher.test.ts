import { describe, expect, it } from 'vitest';
import { MicroBatcher, type BatchItem } from '../../src/gan/batcher.ts';

interface Item extends BatchItem {
  n: number;
}
const item = (n: number, modelId = 'a', enqueuedAt = 0): Item => ({ n, modelId, enqueuedAt });

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
