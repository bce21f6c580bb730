/**
 * A small static file server for the built studio (and for its tests and benchmark).
 * Loopback only by default; GET/HEAD; no directory listings; never leaves the root, not even
 * through a symlink; files are streamed (a download holds a read buffer, not the whole file);
 * every answer carries nosniff, a Content-Security-Policy and a no-framing rule; close() ends
 * idle and half-sent connections, so a stalled client cannot hold up a shutdown.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * What the studio page needs and no more: its own scripts, styles, model files and wasm
 * ('wasm-unsafe-eval' compiles tfjs's wasm backend; no eval of JavaScript), pictures as
 * blob:/data: URLs (downloads, the empty favicon), tfjs's wasm worker from a blob where the
 * browser runs threads. Nothing may frame it (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** On every answer, errors included. X-Frame-Options for browsers without frame-ancestors. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** A client has this long to send its request's headers, and the whole request (ms). */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** On close(), downloads under way get this long to finish before their connections are cut (ms). */
const CLOSE_GRACE_MS = 2000;

export interface StaticServer {
  url: string;
  server: Server;
  /** Stops listening, ends idle and half-sent connections at once and the rest after a short grace. */
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, extra: Record<string, string> = {}, body?: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...(body ? { 'content-type': 'text/plain; charset=utf-8' } : {}), ...extra }).end(body);
}

/** The file under `realBase` that `rel` names, after symlinks; undefined when it lies outside or is not a file. */
async function fileWithin(realBase: string, rel: string): Promise<{ file: string; size: number } | undefined> {
  const named = path.resolve(realBase, `.${rel}`);
  if (named !== realBase && !named.startsWith(realBase + path.sep)) return undefined;
  let real: string;
  try {
    real = await realpath(named);
  } catch {
    return undefined;
  }
  // A symlink inside the folder may point anywhere: what counts is where it leads.
  if (!real.startsWith(realBase + path.sep)) return undefined;
  const st = await stat(real).catch(() => undefined);
  return st?.isFile() ? { file: real, size: st.size } : undefined;
}

export async function serveStatic(root: string, opts: { host?: string; port?: number; isolate?: boolean } = {}): Promise<StaticServer> {
  const realBase = await realpath(path.resolve(root));
  // Open connections, and those sending a file now: close() ends the others at once.
  const sockets = new Set<Socket>();
  const downloading = new Set<Socket>();
  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        answer(res, 405, { allow: 'GET, HEAD' });
        return;
      }
      let rel: string;
      try {
        rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        answer(res, 400);
        return;
      }
      if (rel.includes('\0')) {
        answer(res, 400);
        return;
      }
      if (rel.endsWith('/')) rel += 'index.html';
      const found = await fileWithin(realBase, rel);
      if (!found) {
        answer(res, 404, {}, 'not found\n');
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': TYPES[path.extname(found.file)] ?? 'application/octet-stream',
        'content-length': found.size,
        'cache-control': 'no-cache',
        // Cross-origin isolation lets the wasm backend use threads where the browser allows.
        ...(opts.isolate ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      // Streamed with back-pressure: a slow client holds one read buffer, not the file.
      const socket = req.socket;
      downloading.add(socket);
      try {
        await pipeline(createReadStream(found.file), res);
      } catch {
        res.destroy(); // the client left, or the file went away
      } finally {
        downloading.delete(socket);
      }
    },
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as { port: number; address: string };
  return {
    url: `http://${addr.address}:${addr.port}/`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections between requests and requests still arriving (a half-sent
        // request is no download under way) would otherwise hold close() until they time out.
        for (const socket of sockets) if (!downloading.has(socket)) socket.destroy();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      }),
  };
}
