/**
 * The studio's static server (tools/web-server.ts) and launcher (tools/studio.ts) without a
 * browser: security headers on every answer, no way out of the folder through a symlink,
 * downloads streamed rather than read whole, a shutdown that a stalled client cannot hold up,
 * and a bad --port told in one line.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../tools/web-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the studio server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gff-serve-'));
  const site = path.join(dir, 'site');
  let s: StaticServer;

  beforeAll(async () => {
    mkdirSync(path.join(site, 'models'), { recursive: true });
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>studio</title>');
    writeFileSync(path.join(site, 'models', 'model.json'), '{}');
    writeFileSync(path.join(dir, 'secret.txt'), 'outside the site');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(site, 'leak.txt'));
    symlinkSync(dir, path.join(site, 'up'));
    symlinkSync(path.join(site, 'models', 'model.json'), path.join(site, 'inside.json'));
    // 64 MiB without using the disk (sparse).
    const fd = openSync(path.join(site, 'big.bin'), 'w');
    ftruncateSync(fd, 64 * 1024 * 1024);
    closeSync(fd);
    s = await serveStatic(site);
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (p: string, method = 'GET') => {
    const r = await fetch(new URL(p, s.url), { method });
    return { status: r.status, headers: r.headers, body: await r.text() };
  };

  it('GIVEN any answer (a page, a 404, a 405) THEN it says nosniff, a CSP that forbids framing and eval, and X-Frame-Options DENY', async () => {
    const answers = [await get('/'), await get('/nosuch.js'), await get('/', 'POST')];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 405]);
    for (const a of answers) {
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('x-frame-options')).toBe('DENY');
      const csp = a.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain("'unsafe-eval'");
      expect(csp).not.toContain("'unsafe-inline'");
    }
  });

  it('GIVEN symlinks inside the folder THEN those leading out of it are not followed; one leading to a file inside is served', async () => {
    expect((await get('/leak.txt')).status).toBe(404);
    expect((await get('/up/secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    const inside = await get('/inside.json');
    expect([inside.status, inside.body]).toEqual([200, '{}']);
  });

  it('GIVEN 4 downloads of a 64 MiB file whose clients do not read THEN the server holds read buffers, not the files (was: each read whole)', async () => {
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    const paused = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
            const req = request(new URL('/big.bin', s.url), (res) => {
              res.pause(); // headers in, body left waiting: back-pressure all the way to the file
              resolve(res);
            });
            req.on('error', reject);
            req.end();
          }),
      ),
    );
    expect(paused.map((r) => Number(r.headers['content-length']))).toEqual(Array(4).fill(64 * 1024 * 1024));
    // Read whole, the four files alone would be 256 MiB of buffers by now.
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    for (const r of paused) r.destroy();
  });

  it('GIVEN a half-sent request and an idle keep-alive connection THEN close() still finishes (was: held until the client gave up)', async () => {
    const other = await serveStatic(site);
    const port = Number(new URL(other.url).port);
    const half = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => half.once('connect', () => resolve()));
    half.write('GET /index.html HTTP/1.1\r\nHost: x\r\n'); // no blank line: the request never ends
    half.on('error', () => undefined);
    const idle = connect(port, '127.0.0.1');
    idle.on('error', () => undefined);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    idle.write('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => idle.once('data', () => resolve())); // answered; the connection stays open
    await other.close();
    const closed = (sock: import('node:net').Socket) => new Promise<void>((resolve) => (sock.destroyed ? resolve() : sock.once('close', () => resolve())));
    await Promise.all([closed(half), closed(idle)]);
  });
});

describe('npm run studio', () => {
  const studio = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tools/studio.ts'), ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it('GIVEN --port abc, --port 99999 or an unknown option THEN one line on stderr and exit 2, no stack trace', async () => {
    for (const [args, says] of [
      [['--port', 'abc'], /--port must be a port number from 0 to 65535, not "abc"/],
      [['--port', '99999'], /--port must be a port number/],
      [['--port'], /--port needs a value/],
      [['--colour', 'red'], /unknown option --colour/],
    ] as const) {
      const r = await studio([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
