/**
 * `npm run studio`: builds the studio with the bundled model and serves it on 127.0.0.1.
 * Usage: tsx tools/studio.ts [--port 5173] [--model models/default]
 * Bad arguments and failures are one line on stderr (exit 2 / 1), never a stack trace.
 */
import { buildWeb } from './web-build.ts';
import { serveStatic } from './web-server.ts';

const USAGE = 'usage: npm run studio -- [--port 5173] [--model models/default]';

function fail(message: string, code: number): never {
  process.stderr.write(`studio: ${message}\n`);
  process.exit(code);
}

/** A TCP port: a whole number 0–65535 (0: any free one). */
function parsePort(text: string, from: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw new RangeError(`${from} must be a port number from 0 to 65535, not ${JSON.stringify(text)}`);
  return port;
}

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) fail(`${name} needs a value (${USAGE})`, 2);
  return value;
};
for (const a of args) if (a.startsWith('--') && a !== '--port' && a !== '--model') fail(`unknown option ${a} (${USAGE})`, 2);

let port: number;
try {
  const given = arg('--port');
  port = given !== undefined ? parsePort(given, '--port') : process.env['PORT'] ? parsePort(process.env['PORT'], 'PORT') : 5173;
} catch (e) {
  fail((e as Error).message, 2);
}

try {
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
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(130); // a second Ctrl+C: at once
      stopping = true;
      void s.close().then(() => process.exit(0));
    });
  }
} catch (e) {
  fail(e instanceof Error ? e.message : String(e), 1);
}
