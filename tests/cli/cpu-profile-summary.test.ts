/** tools/cpu-profile-summary.ts: which part of the program a sample counts for. */
import { describe, expect, it } from 'vitest';
import { partOf, selfTimeByPart } from '../../tools/cpu-profile-summary.ts';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

describe('cpu-profile-summary', () => {
  it('GIVEN frames THEN parts by file, V8 pseudo-frames by name', () => {
    expect(partOf(frame('composeRaw', 'file:///repo/src/render/compose.ts'))).toBe('render (compose, labels)');
    expect(partOf(frame('run', 'file:///repo/src/gan/ort-engine.ts'))).toBe('generator worker (ORT session)');
    expect(partOf(frame('take', 'file:///repo/src/gan/batcher.ts'))).toBe('generator service (queue, batches)');
    expect(partOf(frame('x', 'file:///repo/node_modules/@discordjs/rest/dist/index.js'))).toBe('discord.js, REST, gateway');
    expect(partOf(frame('(garbage collector)', ''))).toBe('garbage collection');
    expect(partOf(frame('(idle)', ''))).toBe('idle');
    expect(partOf(frame('concat', 'node:buffer'))).toBe('Node internals');
  });

  it("GIVEN Node's own code called from the renderer THEN its time counts for the renderer; GC and idle stay apart", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 4, 5] },
        { id: 2, callFrame: frame('composeRaw', 'file:///repo/src/render/compose.ts'), children: [3] },
        { id: 3, callFrame: frame('allocUnsafe', 'node:buffer') },
        { id: 4, callFrame: frame('(garbage collector)', '') },
        { id: 5, callFrame: frame('(idle)', '') },
      ],
      samples: [2, 3, 3, 4, 5],
      timeDeltas: [1000, 2000, 3000, 4000, 5000],
      startTime: 0,
      endTime: 15_000,
    };
    expect(Object.fromEntries(selfTimeByPart(profile))).toEqual({
      'render (compose, labels)': 1,
      'render (compose, labels) (in Node)': 5,
      'garbage collection': 4,
      idle: 5,
    });
  });
});
