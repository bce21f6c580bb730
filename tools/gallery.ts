/**
 * `npm run gallery`: regenerates the README gallery from the committed model into
 * docs/gallery/ — gacha, morph (+ animated WebP), blend, restyle and variations — with
 * fixed seeds, so the same model and backend give the same files, and prints the markdown
 * to paste into the README.
 *
 *   npm run gallery -- [--models-dir models] [--model default] [--out docs/gallery] [--backend auto]
 */
import path from 'node:path';
import { blend } from '../src/core/blend.ts';
import type { Attachment } from '../src/core/context.ts';
import { gacha } from '../src/core/gacha.ts';
import { morph } from '../src/core/morph.ts';
import { restyle } from '../src/core/restyle.ts';
import { variations } from '../src/core/variations.ts';
import { knownTags, openModel, readOptions, run, save, shiftedTags } from './lib/showcase.ts';

const TOOL = 'gallery';
const USAGE = 'usage: npm run gallery -- [--models-dir models] [--model default] [--out docs/gallery] [--backend auto|wasm|cpu|…]';

/** Fixed so that the gallery only changes when the model does. */
const GALLERY_SEEDS = { gacha: 1, restyleFill: 101, variations: 7 } as const;

const opts = readOptions(TOOL, 'docs/gallery', USAGE);
const opened = await openModel(TOOL, opts);
const { ctx, model, runtime } = opened;

await run(TOOL, opened, async () => {
  const made: { file: string; alt: string; caption: string }[] = [];
  const put = async (name: string, attachment: Attachment, alt: string, caption: string) => {
    await save(opts.out, name, attachment);
    made.push({ file: path.join(opts.out, name), alt, caption });
  };

  const tags = knownTags(model, ['smile']);
  const g = await gacha(ctx, { seed: GALLERY_SEEDS.gacha, count: 9, tags });
  await put(
    'gacha.png',
    g.attachments[0]!,
    'Gacha: nine girls',
    `\`/gacha tags:${tags}\` — nine girls, seeds ${g.seeds[0]}–${g.seeds[8]}; unnamed hair colour, eyes, hairstyle and background are drawn at random.`,
  );

  const [first, second, third] = [g.girls[0]!, g.girls[1]!, g.girls[2]!];
  const from = model.vocabulary.namesOf(first.tags);
  const to = shiftedTags(model, first, ['hair_color', 'hairstyle']);
  const m = await morph(ctx, { girl: first, to: to.join(', '), steps: 7 });
  await put(
    'morph.png',
    m.attachments[0]!,
    'Morph: one girl between two tag sets',
    `\`/morph\` — girl 1 from *${from.join(', ')}* to *${to.join(', ')}* in 7 steps.`,
  );
  await put('morph.webp', m.attachments[1]!, 'Morph, animated', 'The same morph as an animated WebP.');

  const b = await blend(ctx, { girls: [first, second], steps: 7, labels: ['#1', '#2'] });
  await put(
    'blend.png',
    b.attachments[0]!,
    'Blend: two girls’ z interpolated',
    '`/blend` — girls 1 and 2 blended in 7 steps (z by slerp, tags between hers and hers), each end as she is.',
  );

  const rows = [
    ['blonde_hair', 'blue_eyes', 'long_hair', 'smile', 'white_background'],
    ['black_hair', 'red_eyes', 'ponytail', 'glasses', 'grey_background'],
    ['pink_hair', 'green_eyes', 'twintails', 'frown', 'blue_background'],
  ].map((set) => knownTags(model, set));
  const r = await restyle(ctx, { girls: [first, second, third], columns: 5, tagSets: rows, seed: GALLERY_SEEDS.restyleFill });
  await put(
    'restyle.png',
    r.attachments[0]!,
    'Restyle: the same girls with other tags',
    '`/restyle` — girls 1–3 and two random girls (columns) redrawn with three tag sets (rows).',
  );

  const v = await variations(ctx, { girl: first, count: 8, seed: GALLERY_SEEDS.variations });
  const how = v.mode === 'codes' ? 'each redrawing one part (captioned) and keeping the rest of her z' : `neighbours of her z (σ ${v.sigma})`;
  await put('variations.png', v.attachments[0]!, 'Variations of one girl', `Variations — girl 1 (tile 1) and eight variations, ${how}.`);

  const card = runtime.service.model(model.id).card;
  const posix = (p: string) => path.relative(process.cwd(), path.resolve(p)).split(path.sep).join('/');
  for (const f of made) process.stderr.write(`wrote ${posix(f.file)}\n`);
  if (/random weights|tiny test model/i.test(`${card.name} ${JSON.stringify(card.training ?? {})}`)) {
    process.stderr.write(`note: "${model.id}" is a test model with random weights; do not commit these pictures.\n`);
  }
  process.stdout.write('## Gallery\n\n');
  for (const f of made) process.stdout.write(`![${f.alt}](${posix(f.file)})\n${f.caption}\n\n`);
  process.stdout.write(
    `<sub>Made by \`npm run gallery\` from model \`${model.id}\` (${card.name}, ${card.created}) on the ${runtime.service.backend?.name ?? 'unknown'} backend.</sub>\n`,
  );
});
