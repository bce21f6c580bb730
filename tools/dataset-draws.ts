/**
 * Writes draws.csv (every untagged draw outside factors.csv: framing, tilt, gradient, colour
 * jitter, accessory looks) for a dataset rendered before the renderer recorded them, without
 * rendering again: each face's draws follow from meta.json's seed and its index. Every row's
 * tags and factors are checked against the folder's own files first, so a folder rendered by
 * another version of the renderer is refused rather than given wrong draws. Also for a draw the
 * renderer learnt to record later (eyesHidden): the other columns come out as they were.
 * `npm run dataset:draws -- --data data/lorelei128`
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { type FaceLook, sampleFace, UNTAGGED_DRAWS, untaggedDraws, untaggedFactors } from './dataset/sample-face.ts';

const program = new Command('dataset-draws').requiredOption('--data <dir>', 'a folder written by npm run dataset (meta.json, tags.csv, factors.csv)').parse();
const dir = resolve(program.opts<{ data: string }>().data);

function fail(message: string): never {
  console.error(`dataset-draws: ${message}`);
  process.exit(1);
}

function csvRows(name: string): string[][] {
  const path = join(dir, name);
  if (!existsSync(path)) fail(`${path}: missing`);
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

const metaPath = join(dir, 'meta.json');
if (!existsSync(metaPath)) fail(`${metaPath}: missing (draws can be recomputed only for folders npm run dataset wrote)`);
const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { seed?: number; count?: number; style?: string; look?: FaceLook };
if (meta.style && meta.style !== 'lorelei')
  fail(`${metaPath}: its style, ${meta.style}, renders tags only: no untagged draws to record (lorelei sets have them)`);
if (!Number.isInteger(meta.seed) || !Number.isInteger(meta.count)) fail(`${metaPath}: no integer seed and count`);
const tagRows = csvRows('tags.csv');
const factorRows = csvRows('factors.csv');
if (tagRows.length !== meta.count || factorRows.length !== meta.count) {
  fail(`tags.csv has ${tagRows.length} rows and factors.csv ${factorRows.length}, meta.json says ${meta.count}`);
}

const out = [['image', ...UNTAGGED_DRAWS].join(',')];
for (let i = 0; i < meta.count!; i++) {
  const face = sampleFace(meta.seed!, i, undefined, meta.look ?? 'all');
  const [file, tags] = tagRows[i]!;
  if (tags !== face.tags.join(' ') || factorRows[i]!.slice(1).join(',') !== untaggedFactors(face.options).join(',')) {
    fail(`${file}: its tags or factors are not what this renderer draws for seed ${meta.seed}, index ${i}; render the folder again`);
  }
  out.push([file, ...untaggedDraws(face.draws)].join(','));
}
writeFileSync(join(dir, 'draws.csv'), `${out.join('\n')}\n`);
console.log(`${join(dir, 'draws.csv')}: ${meta.count} rows, ${UNTAGGED_DRAWS.length} draws each`);
