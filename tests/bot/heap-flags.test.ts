import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_HEAP_FLAGS, heapFlagsWarning } from '../../src/bot/heap-flags.ts';
import { shardExecArgv } from '../../src/bot/shard-fleet.ts';

const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the heap setting the bot runs with', () => {
  it('is passed by npm start, and by the benches that measure the bot and its memory', () => {
    for (const name of ['start', 'bench:bot', 'bench:rss']) {
      for (const flag of BOT_HEAP_FLAGS) expect(scripts[name], name).toContain(` ${flag} `);
    }
  });

  it('is passed to every shard process, before the tsx loader of a .ts entry', () => {
    const ts = shardExecArgv('/srv/bot/src/bot.ts');
    expect(ts.slice(0, BOT_HEAP_FLAGS.length)).toEqual([...BOT_HEAP_FLAGS]);
    expect(ts[BOT_HEAP_FLAGS.length]).toBe('--import');
    expect(ts.at(-1)).toMatch(/^file:\/\/.*tsx/);
    expect(shardExecArgv('/srv/bot/dist/bot.js')).toEqual([...BOT_HEAP_FLAGS]);
  });

  it('warns an operator who started node without it, naming the flag and the way to start', () => {
    const warning = heapFlagsWarning(['--import', 'tsx']);
    expect(warning).toContain('--initial-old-space-size=128');
    expect(warning).toMatch(/npm start/);
    expect(heapFlagsWarning(['--enable-source-maps', ...BOT_HEAP_FLAGS])).toBeUndefined();
  });
});
