/**
 * Builds the studio (web/) into a folder any static host can serve:
 *   app.js (esbuild bundle), index.html, style.css, tfjs/*.wasm (the wasm backend's
 *   binaries) and models/default/ (model.json, weights.bin, tags.json, card.json), with
 *   models/size-<px>/ beside it for each model its card.json `sizes` names that sits in the
 *   same models folder (the studio's size select draws the same girls with it).
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
  /** px → model id of the other sizes written to models/size-<px>/ (card.json sizes). */
  sizes: Record<string, string>;
}

interface CardIds {
  id: string;
  formerIds?: string[];
  sizes?: Record<string, string>;
}

/** The folder beside `modelDir` whose model answers to `id` (its id or a former id), if any. */
async function siblingDir(modelDir: string, id: string): Promise<string | undefined> {
  const root = path.dirname(modelDir);
  for (const name of (await readdir(root)).sort()) {
    const dir = path.join(root, name);
    if (dir === modelDir) continue;
    try {
      const card = JSON.parse(await readFile(path.join(dir, 'card.json'), 'utf8')) as CardIds;
      if (card.id === id || card.formerIds?.includes(id)) return dir;
    } catch {
      // not a model folder
    }
  }
  return undefined;
}

async function copyModel(from: string, to: string): Promise<void> {
  const modelJson = JSON.parse(await readFile(path.join(from, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  await mkdir(to, { recursive: true });
  for (const f of [...MODEL_FILES, ...modelJson.weightsManifest.flatMap((g) => g.paths)]) await cp(path.join(from, f), path.join(to, f));
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
  const card = JSON.parse(await readFile(path.join(modelDir, 'card.json'), 'utf8')) as CardIds;

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
  await copyModel(modelDir, path.join(out, 'models', 'default'));
  // Its other sizes (card.json sizes) whose folders are beside it; the page says so if one it offers is missing.
  const sizes: Record<string, string> = {};
  for (const [px, id] of Object.entries(card.sizes ?? {})) {
    if (id === card.id) continue;
    const dir = await siblingDir(modelDir, id);
    if (!dir) continue;
    await copyModel(dir, path.join(out, 'models', `size-${px}`));
    sizes[px] = id;
  }
  await writeFile(path.join(out, '.nojekyll'), '');
  return { out, modelId: card.id, files: await listFiles(out), sizes };
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
  const others = Object.entries(r.sizes).map(([px, id]) => `${id} at ${px} px`);
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), r.out) || '.'} (${(total / 1024 / 1024).toFixed(2)} MiB, model "${r.modelId}"${others.length ? `; also ${others.join(', ')}` : ''})\n`,
  );
}
