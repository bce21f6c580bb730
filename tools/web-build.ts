/**
 * Builds the studio (web/) into a folder any static host can serve:
 *   app.js (esbuild bundle), index.html, style.css, tfjs/*.wasm (the wasm backend's
 *   binaries) and models/<id>/ (model.json, weights.bin, tags.json, card.json).
 * Usage: tsx tools/web-build.ts [--out web/dist] [--model models/default] [--dev]
 */
import { build } from 'esbuild';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_FILES = ['model.json', 'tags.json', 'card.json'];

export interface WebBuildOptions {
  out?: string;
  modelDir?: string;
  /** Unminified, with source maps. */
  dev?: boolean;
}

export interface WebBuildResult {
  out: string;
  modelId: string;
  /** Every file written, relative to out, with its size in bytes. */
  files: { file: string; bytes: number }[];
}

async function listFiles(dir: string, base = dir): Promise<{ file: string; bytes: number }[]> {
  const out: { file: string; bytes: number }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push({ file: path.relative(base, p), bytes: (await stat(p)).size });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export async function buildWeb(opts: WebBuildOptions = {}): Promise<WebBuildResult> {
  const out = path.resolve(ROOT, opts.out ?? 'web/dist');
  const modelDir = path.resolve(ROOT, opts.modelDir ?? 'models/default');
  const card = JSON.parse(await readFile(path.join(modelDir, 'card.json'), 'utf8')) as { id: string };
  const modelJson = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const shards = modelJson.weightsManifest.flatMap((g) => g.paths);

  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'tfjs'), { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'web/src/main.ts')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: !opts.dev,
    sourcemap: opts.dev ? 'linked' : false,
    legalComments: 'none',
    inject: [path.join(ROOT, 'web/src/node-shims.ts')],
    // tfjs-backend-wasm's Emscripten glue names Node modules on code paths a browser never takes.
    external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) await cp(path.join(ROOT, 'web', f), path.join(out, f));
  const require = createRequire(import.meta.url);
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  for (const f of await readdir(wasmDir)) if (f.endsWith('.wasm')) await cp(path.join(wasmDir, f), path.join(out, 'tfjs', f));
  // The page asks for models/default/ whatever the source folder's id: the default model.
  const dest = path.join(out, 'models', 'default');
  await mkdir(dest, { recursive: true });
  for (const f of [...MODEL_FILES, ...shards]) await cp(path.join(modelDir, f), path.join(dest, f));
  await writeFile(path.join(out, '.nojekyll'), '');
  return { out, modelId: card.id, files: await listFiles(out) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const r = await buildWeb({ out: arg('--out'), modelDir: arg('--model'), dev: args.includes('--dev') });
  const total = r.files.reduce((a, f) => a + f.bytes, 0);
  for (const f of r.files) process.stdout.write(`${(f.bytes / 1024).toFixed(1).padStart(9)} KiB  ${f.file}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), r.out) || '.'} (${(total / 1024 / 1024).toFixed(2)} MiB, model "${r.modelId}")\n`);
}
