/**
 * `npm run contact-sheet`: the picture a user judges a model by. For a few full tag sets, one
 * PNG each: a row of 8 seeds per model given, above a row of 8 real DiceBear renders with the
 * same tags (only the untagged choices — hair variant, eyes, eyebrows, nose, head, mouth
 * variant — random). Every tile is shown at the same display size, so a 64 px model is
 * enlarged with the bot's own tile kernel, as users see it. Written as lossless WebP.
 *
 *   npm run contact-sheet -- MODEL_DIR [MODEL_DIR…] [--out docs/contact-sheets] [--seed 1] [--size 128] [--look all|girls]
 *                            [--data DIR --sets "a b c; d e"]
 * --look: which lorelei variants the real row draws (the look the models were trained on).
 * --data: one's own art (docs/own-data.md): the real row is the folder's own images that carry
 * exactly each set's tags (its first 8), and --sets names the tag sets (";" between sets).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { GeneratorService } from '../src/gan/generator-service.ts';
import { seedToZ } from '../src/latent/seed-random.ts';
import { normalizeTag } from '../src/tags/vocabulary.ts';
import { renderLabeledGrid, scaleTile, type RawImage } from '../src/render/index.ts';
import { renderFacePng } from './dataset/render-face.ts';
import { FACE_LOOKS, sampleFace, type FaceLook } from './dataset/sample-face.ts';

const USAGE =
  'usage: npm run contact-sheet -- MODEL_DIR [MODEL_DIR…] [--out docs/contact-sheets] [--seed 1] [--size 128] [--look all|girls] [--data DIR --sets "a b c; d e"]';

/** Full tag sets (every exclusive choice named), fixed so that sheets of two models compare. */
const SHEET_SETS: readonly (readonly string[])[] = [
  ['blonde_hair', 'blue_eyes', 'long_hair', 'smile', 'white_background'],
  ['black_hair', 'red_eyes', 'ponytail', 'frown', 'glasses', 'grey_background'],
  ['pink_hair', 'green_eyes', 'twintails', 'smile', 'open_mouth', 'blue_background'],
  ['aqua_hair', 'yellow_eyes', 'hair_bun', 'smile', 'hair_flower', 'tan', 'pink_background'],
  ['silver_hair', 'purple_eyes', 'short_hair', 'frown', 'freckles', 'earrings', 'gradient_background'],
];
const SEEDS_PER_ROW = 8;

function fail(message: string): never {
  process.stderr.write(`contact-sheet: ${message}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'docs/contact-sheets' },
    seed: { type: 'string', default: '1' },
    size: { type: 'string', default: '128' },
    look: { type: 'string', default: 'all' },
    data: { type: 'string' },
    sets: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length === 0) fail(`give at least one model folder\n${USAGE}`);
const firstSeed = Number(values.seed);
const size = Number(values.size);
if (!Number.isInteger(firstSeed) || firstSeed < 0) fail('--seed must be a whole number ≥ 0');
if (!Number.isInteger(size) || size < 32 || size > 512) fail('--size must be a whole number of pixels from 32 to 512');
if (!(FACE_LOOKS as readonly string[]).includes(values.look!)) fail(`--look must be ${FACE_LOOKS.join(' or ')}`);
const look = values.look as FaceLook;
if (Boolean(values.data) !== Boolean(values.sets)) fail('--data and --sets go together: the folder of real images, and the tag sets to draw');
/**
 * The tags of one cell of tags.csv or --sets: commas when there are any, else spaces, each
 * folded as the CLI folds tags (docs/own-data.md; training/tag_names.py mirrors it).
 */
const splitTags = (cell: string) =>
  cell
    .split(cell.includes(',') ? ',' : /\s+/)
    .map(normalizeTag)
    .filter(Boolean);
const sheetSets: readonly (readonly string[])[] = values.sets
  ? values.sets
      .split(';')
      .map(splitTags)
      .filter((set) => set.length > 0)
  : SHEET_SETS;
if (sheetSets.length === 0) fail('--sets names no tags');

let service: GeneratorService;
try {
  // Every row draws each model in turn: all their sessions stay loaded (the bot keeps one besides the default).
  service = await GeneratorService.create({ modelDirs: positionals, workers: 0, maxOtherModels: positionals.length });
} catch (e) {
  fail((e as Error).message);
}
const models = [...service.models().values()];

/** `img` as a size × size tile: smaller models' pictures enlarged as the bot enlarges tiles. */
async function asTile(img: RawImage): Promise<RawImage> {
  if (img.width === size && img.height === size) return img;
  return { width: size, height: size, channels: 3, data: new Uint8Array(await scaleTile(img, size, size)) };
}

/** One's own folder: image path → its tag set (a row per image of tags.csv: image,tags), read once. */
let folderRows: { image: string; tags: Set<string> }[] | undefined;
function folderTags(dir: string): { image: string; tags: Set<string> }[] {
  if (folderRows) return folderRows;
  const lines = readFileSync(join(dir, 'tags.csv'), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1);
  folderRows = lines.flatMap((line) => {
    const comma = line.indexOf(',');
    if (comma < 0) return [];
    const unquote = (v: string) => v.trim().replace(/^"(.*)"$/s, '$1');
    return [{ image: unquote(line.slice(0, comma)), tags: new Set(splitTags(unquote(line.slice(comma + 1)))) }];
  });
  return folderRows;
}

async function folderRow(set: readonly string[]): Promise<RawImage[]> {
  const want = new Set(set);
  const same = folderTags(values.data!).filter((r) => r.tags.size === want.size && [...want].every((t) => r.tags.has(t)));
  const row: RawImage[] = [];
  for (const r of same.slice(0, SEEDS_PER_ROW)) {
    const { data, info } = await sharp(join(values.data!, r.image))
      .flatten({ background: '#ffffff' })
      .resize(size, size, { fit: 'cover', kernel: 'nearest' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    row.push({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) });
  }
  if (row.length === 0) fail(`no image in ${values.data} has exactly the tags ${set.join(', ')}`);
  // Fewer than 8 such images: the rest of the row is left empty (dark), as the grid is.
  while (row.length < SEEDS_PER_ROW) row.push({ width: size, height: size, channels: 3, data: new Uint8Array(size * size * 3).fill(40) });
  return row;
}

async function realRow(set: readonly string[], setIndex: number): Promise<RawImage[]> {
  if (values.data) return folderRow(set);
  const row: RawImage[] = [];
  for (let k = 0; k < SEEDS_PER_ROW; k++) {
    // Seed 91 is no dataset's (1 training, 2 held-out, 77 the evaluator's matched renders).
    const face = sampleFace(91, setIndex * SEEDS_PER_ROW + k, set, look);
    const { data, info } = await sharp(await renderFacePng(face.options, size))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    row.push({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) });
  }
  return row;
}

try {
  mkdirSync(values.out!, { recursive: true });
  const seeds = Array.from({ length: SEEDS_PER_ROW }, (_, i) => firstSeed + i);
  for (const [s, set] of sheetSets.entries()) {
    const rows: RawImage[][] = [];
    const labels: string[] = [];
    for (const m of models) {
      const missing = set.filter((t) => !m.vocabulary.lookup(t));
      if (missing.length) fail(`model "${m.id}" does not know ${missing.join(', ')}`);
      const tags = m.vocabulary.toVector([...set]);
      const images = await service.generate(seeds.map((seed) => ({ modelId: m.id, z: seedToZ(seed, m.zDim), tags })));
      rows.push(await Promise.all(images.map(asTile)));
      labels.push(`${m.card.name ?? m.id} (${m.imageSize} px)`);
    }
    rows.push(await realRow(set, s));
    labels.push(values.data ? `${basename(values.data)}, same tags` : `real renders (${size} px)`);
    const png = await renderLabeledGrid(rows, {
      rowLabels: labels,
      colLabels: seeds.map((seed) => `seed ${seed}`),
      tileSize: size,
      title: set.join(', '),
    });
    // Lossless WebP: the same pixels as the PNG in about 60 % of the bytes (these sheets are committed).
    const file = join(values.out!, `set${s + 1}.webp`);
    writeFileSync(file, await sharp(png).webp({ lossless: true, effort: 6 }).toBuffer());
    process.stderr.write(`wrote ${file}: ${models.map((m) => basename(m.dir)).join(', ')} and ${values.data ? "the folder's own images" : 'real renders'}\n`);
  }
} catch (e) {
  await service.close().catch(() => undefined);
  fail((e as Error).message);
}
await service.close();
