/**
 * Writes a small but complete model directory (models/<id>/ contract: model.json in the
 * tfjs layers format, float16-quantised weights.bin, tags.json, card.json) with seeded
 * random weights. The graph has the real generator's structure — Dense → Reshape → BN →
 * ReLU, residual upsampling blocks (UpSampling2D, Conv2D 3×3 + BN + ReLU, 1×1 skip, Add),
 * Conv2D → tanh — at a few channels, so tests load and run it in milliseconds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SeedRandom } from '../src/latent/seed-random.ts';
import { encodeFloat16 } from '../src/latent/float16.ts';
import { VOCABULARY } from '../src/tags/default-vocabulary.ts';

export interface TinyModelOptions {
  id?: string;
  numTags?: number;
  /** 16 (2 blocks), 32 (3 blocks), 64 (4 blocks); 128 and 256 for picture-size tests (slower). */
  imageSize?: 16 | 32 | 64 | 128 | 256;
  seed?: number;
  zDim?: number;
  /** Channels at 4×4; halves per block down to 4. */
  channels?: number;
  /** float16 weights as the exporter writes them (default), or plain float32. */
  quantize?: boolean;
  /** Number of weight files the manifest splits the bytes into (default 1: weights.bin). */
  shards?: number;
  /** card.json formerIds: ids the model answered to before. */
  formerIds?: string[];
  /** card.json sizes: px → the id of the model that draws the same girls at that size (this one included). */
  sizes?: Record<string, string>;
  /** More of card.json's `training` (e.g. factorCodes/drawCodes: a model with coded parts). */
  training?: Record<string, unknown>;
}

export interface TinyModel {
  dir: string;
  id: string;
  zDim: number;
  numTags: number;
  imageSize: number;
  /** Weight bytes in all. */
  weightBytes: number;
}

interface Layer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, never>][][];
}

interface Spec {
  name: string;
  shape: number[];
  values: Float32Array;
}

export async function makeTinyModel(dir: string, options: TinyModelOptions = {}): Promise<TinyModel> {
  const id = options.id ?? path.basename(dir);
  const zDim = options.zDim ?? 100;
  const numTags = options.numTags ?? 48;
  const imageSize = options.imageSize ?? 16;
  const quantize = options.quantize ?? true;
  const shards = options.shards ?? 1;
  const rng = new SeedRandom(options.seed ?? 1);
  const blocks = Math.log2(imageSize / 4);
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`imageSize must be 4·2^k, got ${imageSize}`);
  const ch = [options.channels ?? 16];
  for (let b = 0; b < blocks; b++) ch.push(Math.max(4, ch[b]! >> 1));

  const layers: Layer[] = [];
  const specs: Spec[] = [];
  const node = (...inputs: string[]) => [inputs.map((n) => [n, 0, 0, {}] as [string, number, number, Record<string, never>])];
  const base = (name: string) => ({ name, trainable: true, dtype: 'float32' });
  const normal = (n: number, std: number, mean = 0) => {
    const v = rng.normals(n);
    for (let i = 0; i < n; i++) v[i] = mean + std * v[i]!;
    return v;
  };
  const addLayer = (class_name: string, name: string, config: Record<string, unknown>, ...inputs: string[]) => {
    layers.push({ class_name, name, config: { ...base(name), ...config }, inbound_nodes: inputs.length ? node(...inputs) : [] });
    return name;
  };
  const conv = (name: string, input: string, cin: number, cout: number, k: number) => {
    addLayer(
      'Conv2D',
      name,
      {
        filters: cout,
        kernel_size: [k, k],
        strides: [1, 1],
        padding: 'same',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: 'linear',
        use_bias: true,
      },
      input,
    );
    specs.push({ name: `${name}/kernel`, shape: [k, k, cin, cout], values: normal(k * k * cin * cout, Math.sqrt(2 / (k * k * cin))) });
    specs.push({ name: `${name}/bias`, shape: [cout], values: normal(cout, 0.05) });
    return name;
  };
  const bn = (name: string, input: string, c: number) => {
    addLayer('BatchNormalization', name, { axis: 3, momentum: 0.99, epsilon: 1e-3, center: true, scale: true }, input);
    specs.push({ name: `${name}/gamma`, shape: [c], values: normal(c, 0.1, 1) });
    specs.push({ name: `${name}/beta`, shape: [c], values: normal(c, 0.1) });
    specs.push({ name: `${name}/moving_mean`, shape: [c], values: normal(c, 0.1) });
    specs.push({ name: `${name}/moving_variance`, shape: [c], values: normal(c, 0.2).map((v) => 1 + Math.abs(v)) });
    return name;
  };

  const width = zDim + numTags;
  let x = addLayer('InputLayer', 'input', { batch_input_shape: [null, width], sparse: false });
  layers[0]!.config = { batch_input_shape: [null, width], dtype: 'float32', sparse: false, name: 'input' };
  x = addLayer('Dense', 'fc', { units: 16 * ch[0]!, activation: 'linear', use_bias: true }, x);
  specs.push({ name: 'fc/kernel', shape: [width, 16 * ch[0]!], values: normal(width * 16 * ch[0]!, Math.sqrt(2 / width)) });
  specs.push({ name: 'fc/bias', shape: [16 * ch[0]!], values: normal(16 * ch[0]!, 0.05) });
  x = addLayer('Reshape', 'fc_reshape', { target_shape: [4, 4, ch[0]!] }, x);
  x = bn('fc_bn', x, ch[0]!);
  x = addLayer('Activation', 'fc_relu', { activation: 'relu' }, x);
  for (let b = 0; b < blocks; b++) {
    const up = addLayer('UpSampling2D', `block${b}_up`, { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' }, x);
    const c = conv(`block${b}_conv`, up, ch[b]!, ch[b + 1]!, 3);
    const n = bn(`block${b}_bn`, c, ch[b + 1]!);
    const r = addLayer('Activation', `block${b}_relu`, { activation: 'relu' }, n);
    const s = conv(`block${b}_skip`, up, ch[b]!, ch[b + 1]!, 1);
    x = addLayer('Add', `block${b}_add`, {}, r, s);
  }
  x = conv('out', x, ch[blocks]!, 3, 3);
  x = addLayer('Activation', 'out_tanh', { activation: 'tanh' }, x);

  // Weight bytes: float16 LE (quantised) or float32 LE, specs back to back.
  const chunks = specs.map((s) => (quantize ? encodeFloat16(s.values) : new Uint8Array(s.values.slice().buffer)));
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  const paths = shards === 1 ? ['weights.bin'] : Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
  const per = Math.ceil(total / shards);

  const modelJson = {
    format: 'layers-model',
    generatedBy: 'testkit/tiny-model.ts',
    convertedBy: null,
    modelTopology: {
      class_name: 'Model',
      config: { name: 'generator', layers, input_layers: [['input', 0, 0]], output_layers: [[x, 0, 0]] },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    },
    weightsManifest: [
      {
        paths,
        weights: specs.map((s) => ({
          name: s.name,
          shape: s.shape,
          dtype: 'float32',
          ...(quantize ? { quantization: { dtype: 'float16', original_dtype: 'float32' } } : {}),
        })),
      },
    ],
  };

  const tags = Array.from({ length: numTags }, (_, i) => {
    const v = VOCABULARY[i];
    const frequency = Math.round((0.3 / (1 + i * 0.2)) * 1000) / 1000; // decreasing, like real data
    return v
      ? { name: v.name, group: v.group, ja: v.ja, ...(v.aliases ? { aliases: v.aliases } : {}), ...(v.exclusive ? { exclusive: v.exclusive } : {}), frequency }
      : { name: `extra_tag_${i}`, group: 'other', ja: `追加${i}`, frequency };
  });

  const card = {
    format: 1,
    id,
    ...(options.formerIds ? { formerIds: options.formerIds } : {}),
    ...(options.sizes ? { sizes: options.sizes } : {}),
    name: `Tiny test model ${id}`,
    zDim,
    imageSize,
    numTags,
    created: new Date(0).toISOString(),
    training: { note: 'random weights for tests', seed: options.seed ?? 1, ...options.training },
    metrics: {},
  };

  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson)),
    writeFile(path.join(dir, 'tags.json'), JSON.stringify({ tags }, null, 1)),
    writeFile(path.join(dir, 'card.json'), JSON.stringify(card, null, 2)),
    ...paths.map((p, i) => writeFile(path.join(dir, p), all.subarray(i * per, Math.min(total, (i + 1) * per)))),
  ]);
  return { dir, id, zDim, numTags, imageSize, weightBytes: total };
}
