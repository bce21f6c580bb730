/**
 * `npm run demo`: what the bot does, in a few seconds, on the bundled model — a 9-girl gacha,
 * a morph of one of them between two tag sets (strip + animated WebP) and a blend of two
 * of them — written to ./out/ with the core functions the bot and the CLI use.
 *
 *   npm run demo -- [--seed 2016] [--models-dir models] [--model default] [--out out]
 */
import { blend } from '../src/core/blend.ts';
import { gacha } from '../src/core/gacha.ts';
import { describeTags, shareCodeOf } from '../src/core/girl.ts';
import { morph } from '../src/core/morph.ts';
import { knownTags, openModel, readOptions, run, save, shiftedTags } from './lib/showcase.ts';

const TOOL = 'demo';
const USAGE = 'usage: npm run demo -- [--seed N] [--models-dir models] [--model default] [--out out] [--backend auto|wasm|cpu|…]';

const started = performance.now();
const opts = readOptions(TOOL, 'out', USAGE, true);
const seed = opts.seed ?? 2016;
const opened = await openModel(TOOL, opts);
const { ctx, model } = opened;

await run(TOOL, opened, async () => {
  const lines: string[] = [];
  const tags = knownTags(model, ['smile']);

  const g = await gacha(ctx, { seed, count: 9, tags });
  lines.push(
    `${await save(opts.out, 'demo-gacha.png', g.attachments[0]!)}  gacha: 9 girls, seeds ${g.seeds[0]}–${g.seeds[8]}${tags ? `, tags "${tags}"` : ''}`,
  );

  const girl = g.girls[0]!;
  const from = model.vocabulary.namesOf(girl.tags);
  const to = shiftedTags(model, girl, ['hair_color', 'hairstyle']);
  const m = await morph(ctx, { girl, to: to.join(', '), steps: 7 });
  lines.push(
    `${await save(opts.out, 'demo-morph.png', m.attachments[0]!)}  morph of girl #1: ${from.join(', ') || '(no tags)'} → ${to.join(', ') || '(no tags)'}, 7 steps`,
  );
  lines.push(`${await save(opts.out, 'demo-morph.webp', m.attachments[1]!)}  the same morph, animated`);

  const b = await blend(ctx, { girls: [g.girls[0]!, g.girls[1]!], steps: 7, labels: ['#1', '#2'] });
  lines.push(`${await save(opts.out, 'demo-blend.png', b.attachments[0]!)}  blend of girls #1 and #2 (7 steps, each end as she is: z and tags blend together)`);

  process.stdout.write(`model "${model.id}" (${model.name}), ${model.imageSize} px\n`);
  for (const l of lines) process.stdout.write(`wrote ${l}\n`);
  process.stdout.write(`girl #1: ${describeTags(model.vocabulary, girl.tags)}\n  code ${shareCodeOf(girl)}\n`);
  process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
});
