/**
 * Reads and checks a model directory (models/<id>/: model.json, weights shards, tags.json,
 * card.json) without TensorFlow.js, so the main thread can list models and parse tags
 * while only the workers load weights. Every inconsistency is a ModelLoadError naming the
 * file and the problem.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { probeSchema } from './model-check.ts';
import { GeneratorError, ModelLoadError } from './errors.ts';
import { errorDetail } from '../latent/errors.ts';
import { TagVocabulary, type TagSpec } from '../tags/vocabulary.ts';

const modelIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-" (1–64)');

const cardSchema = z
  .object({
    format: z.literal(1),
    id: modelIdSchema,
    /**
     * Ids this model was served under before (a model renamed when another took its place):
     * share codes, favourites and pictures stored with them still draw with this model.
     */
    formerIds: z.array(modelIdSchema).max(16).optional(),
    name: z.string(),
    zDim: z.number().int().positive(),
    imageSize: z.number().int().min(4),
    numTags: z.number().int().positive(),
    created: z.string(),
    training: z.record(z.unknown()).optional(),
    metrics: z.record(z.unknown()).optional(),
    /** Every file of the model with its size and SHA-256 (export.py writes it; checked at load). */
    files: z
      .array(z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]+$/), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
      .optional(),
    /** The tfjs weights' output on the fixed probe batch (model-check.ts; npm run model:fingerprint). */
    probe: probeSchema.optional(),
    /**
     * The models that draw the same girls (same z and tags, same face) at other picture sizes:
     * px → model id, this model included under its own imageSize, the same map in every card
     * of the family (e.g. {"128": "a128", "256": "a256"}). A girl keeps her model id; a size
     * asked for draws her with the member of that size (src/core/picture-size.ts).
     */
    sizes: z
      .record(z.string().regex(/^[1-9][0-9]{0,3}$/, 'a key must be a size in px, e.g. "256"'), modelIdSchema)
      .refine((s) => Object.keys(s).length <= 8, 'at most 8 sizes')
      .optional(),
  })
  .passthrough()
  .superRefine((card, ctx) => {
    if (card.sizes === undefined) return;
    const own = card.sizes[String(card.imageSize)];
    if (own !== card.id) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['sizes'],
        message: `it must name this model ("${card.id}") at its own imageSize, "${card.imageSize}"${own === undefined ? '' : `, not "${own}"`}`,
      });
    }
  });
export type ModelCard = z.infer<typeof cardSchema>;

const tagsSchema = z.object({
  tags: z.array(
    z.object({
      name: z.string().min(1),
      group: z.string().min(1),
      ja: z.string().optional(),
      aliases: z.array(z.string()).optional(),
      exclusive: z.string().min(1).optional(),
      hides: z.array(z.string().min(1)).optional(),
      frequency: z.number().min(0).max(1).optional(),
    }),
  ),
});

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z
    .object({
      dtype: z.enum(['float16', 'uint8', 'uint16']),
      min: z.number().optional(),
      scale: z.number().optional(),
      original_dtype: z.string().optional(),
    })
    .optional(),
});
export type WeightSpec = z.infer<typeof weightSpecSchema>;

const modelJsonSchema = z
  .object({
    format: z.literal('layers-model').optional(),
    modelTopology: z.record(z.unknown()),
    weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(weightSpecSchema) })).min(1),
  })
  .passthrough();
export type ModelJson = z.infer<typeof modelJsonSchema>;

/** What callers need to know about a model, weights aside: id, sizes, tags, card. */
export interface ModelSummary {
  id: string;
  /** card.json `formerIds`: older ids that still name this model ([] when none). */
  formerIds: readonly string[];
  /** Absolute path of the directory. */
  dir: string;
  card: ModelCard;
  vocabulary: TagVocabulary;
  zDim: number;
  imageSize: number;
  numTags: number;
}

/** Everything about a model except its weights, checked for consistency. */
export interface ModelFiles extends ModelSummary {
  modelJson: ModelJson;
  /** All weight specs of the manifest, in the order their bytes follow each other. */
  weightSpecs: WeightSpec[];
  /** Absolute paths of the weight shards, in manifest order. */
  weightPaths: string[];
  /** Bytes the specs need in all. */
  weightBytes: number;
}

/** A path as shown to users: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint16: 2, uint8: 1 };

/** Bytes one spec occupies in the weight data (quantised size when quantised). */
export function specBytes(spec: WeightSpec): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return count * BYTES[spec.quantization?.dtype ?? spec.dtype]!;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelLoadError(
      'missing_file',
      file,
      code === 'ENOENT' ? `${displayPath(file)} is missing.` : `${displayPath(file)} cannot be read (${code ?? String(e)}).`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError('bad_json', file, `${displayPath(file)} is not valid JSON: ${(e as Error).message}`);
  }
}

function validate<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, file: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? `field "${issue.path.join('.')}"` : 'top level';
  throw new ModelLoadError('bad_format', file, `${displayPath(file)} has a bad ${where}: ${issue.message}.`);
}

/** The declared input width, from the InputLayer config, if the topology states it. */
export function declaredInputWidth(topology: Record<string, unknown>): number | undefined {
  const config = ((topology['model_config'] as Record<string, unknown> | undefined)?.['config'] ?? topology['config']) as
    | { layers?: { class_name?: string; config?: Record<string, unknown> }[] }
    | undefined;
  const input = config?.layers?.find((l) => l.class_name === 'InputLayer');
  const shape = (input?.config?.['batch_input_shape'] ?? input?.config?.['batch_shape'] ?? input?.config?.['batchInputShape']) as unknown[] | undefined;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' ? last : undefined;
}

export async function readModelFiles(modelDir: string): Promise<ModelFiles> {
  const dir = path.resolve(modelDir);
  const file = (name: string) => path.join(dir, name);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ModelLoadError('missing_file', dir, `Model directory ${displayPath(dir)} does not exist.`);
  }

  const card = validate(cardSchema, await readJson(file('card.json')), file('card.json'));
  const tagsFile = file('tags.json');
  const tags = validate(tagsSchema, await readJson(tagsFile), tagsFile).tags as TagSpec[];
  const modelFile = file('model.json');
  const modelJson = validate(modelJsonSchema, await readJson(modelFile), modelFile);

  if (tags.length !== card.numTags) {
    throw new ModelLoadError('tag_count', tagsFile, `${displayPath(tagsFile)} lists ${tags.length} tags but card.json says numTags is ${card.numTags}.`);
  }
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.name)) throw new ModelLoadError('duplicate_tag', tagsFile, `${displayPath(tagsFile)} lists the tag "${t.name}" twice.`);
    seen.add(t.name);
  }

  const width = declaredInputWidth(modelJson.modelTopology);
  if (width !== undefined && width !== card.zDim + card.numTags) {
    throw new ModelLoadError(
      'shape_mismatch',
      modelFile,
      `${displayPath(modelFile)} takes inputs of width ${width}, but card.json needs zDim + numTags = ${card.zDim} + ${card.numTags} = ${card.zDim + card.numTags}.`,
    );
  }

  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const weightPaths = modelJson.weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => {
      const abs = path.resolve(dir, p);
      if (path.relative(dir, abs).startsWith('..') || path.isAbsolute(p)) {
        throw new ModelLoadError('bad_format', modelFile, `${displayPath(modelFile)} names a weights file outside the model directory: "${p}".`);
      }
      return abs;
    });
  const weightBytes = weightSpecs.reduce((a, s) => a + specBytes(s), 0);
  let found = 0;
  for (const p of weightPaths) {
    try {
      found += (await stat(p)).size;
    } catch {
      throw new ModelLoadError('missing_file', p, `${displayPath(p)} is missing (listed in model.json).`);
    }
  }
  checkWeightSize(weightPaths, weightBytes, found);
  await verifyChecksums(dir, card);
  return {
    id: card.id,
    formerIds: card.formerIds ?? [],
    dir,
    card,
    vocabulary: new TagVocabulary(tags),
    zDim: card.zDim,
    imageSize: card.imageSize,
    numTags: card.numTags,
    modelJson,
    weightSpecs,
    weightPaths,
    weightBytes,
  };
}

/**
 * The files card.json lists (but model.onnx, which the ONNX Runtime engine checks itself so that
 * a bad one only costs that backend) must match their SHA-256: weights of the right size but
 * corrupt, or another network's files of the same shape, are refused here in one line instead
 * of drawing wrong faces for old share codes.
 */
async function verifyChecksums(dir: string, card: ModelCard): Promise<void> {
  for (const f of card.files ?? []) {
    if (f.name === 'model.onnx') continue;
    const file = path.join(dir, f.name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      throw new ModelLoadError('missing_file', file, `${displayPath(file)} is missing (listed in card.json).`);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== f.sha256) {
      throw new ModelLoadError(
        'checksum',
        file,
        `${displayPath(file)} does not match the SHA-256 in card.json: the file is corrupt or belongs to another model (export the model again, or restore the file).`,
      );
    }
  }
}

function checkWeightSize(paths: string[], expected: number, found: number): void {
  if (expected === found) return;
  const names = paths.map((p) => path.basename(p)).join(' + ');
  const where = paths.length === 1 ? displayPath(paths[0]!) : `${displayPath(path.dirname(paths[0]!))}/{${names}}`;
  const what = found < expected ? 'is truncated' : 'is larger than model.json says';
  throw new ModelLoadError('weights_size', paths[0]!, `${where} ${what}: model.json's weights need ${expected} bytes, found ${found}.`);
}

/** All shards, concatenated in manifest order (the layout tfjs expects as one buffer). */
export async function readWeightData(files: ModelFiles): Promise<ArrayBuffer> {
  const shards = await Promise.all(files.weightPaths.map((p) => readFile(p)));
  const total = shards.reduce((a, b) => a + b.length, 0);
  checkWeightSize(files.weightPaths, files.weightBytes, total);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    out.set(s, offset);
    offset += s.length;
  }
  return out.buffer;
}

/** Sub-directories of `root` that hold a card.json (candidate model directories), sorted. */
export async function findModelDirs(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const name of names.sort()) {
    const card = path.join(root, name, 'card.json');
    try {
      if ((await stat(card)).isFile()) dirs.push(path.resolve(root, name));
    } catch {
      // not a model directory
    }
  }
  return dirs;
}

/**
 * The model a batch names and its input width, checked the same way by every engine:
 * `input` must hold `count` rows of zDim + numTags values.
 */
export function batchModel<M extends ModelSummary>(
  models: ReadonlyMap<string, M>,
  modelId: string,
  input: Float32Array,
  count: number,
): { m: M; width: number } {
  const m = models.get(modelId);
  if (!m) throw new GeneratorError('unknown_model', `This generator has no model "${modelId}".`, errorDetail('model.not_here', { model: modelId }));
  const width = m.zDim + m.numTags;
  if (input.length !== count * width) {
    throw new GeneratorError('bad_request', `batch input holds ${input.length} values, expected ${count} × ${width}`);
  }
  return { m, width };
}
