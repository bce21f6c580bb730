/**
 * `npm run studio`: builds the studio with the bundled model and serves it on 127.0.0.1.
 * Usage: tsx tools/studio.ts [--port 5173] [--model models/default]
 */
import { buildWeb } from './web-build.ts';
import { serveStatic } from './web-server.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(arg('--port') ?? process.env['PORT'] ?? 5173);
const started = performance.now();
const built = await buildWeb({ modelDir: arg('--model') });
const total = built.files.reduce((a, f) => a + f.bytes, 0);
let s: Awaited<ReturnType<typeof serveStatic>>;
try {
  s = await serveStatic(built.out, { port });
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
  process.stderr.write(`port ${port} is taken; using a free one\n`);
  s = await serveStatic(built.out, { port: 0 });
}
process.stdout.write(
  `built web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s (${(total / 1024 / 1024).toFixed(2)} MiB with model "${built.modelId}")\n` +
    `Girl Friend Factory studio: ${s.url}\n(Ctrl+C stops it)\n`,
);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void s.close().then(() => process.exit(0)));
