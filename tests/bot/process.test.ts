/**
 * `npm start` as a process (src/bot.ts run by tsx): one-line configuration and token errors
 * with their exit codes, and SIGTERM with a reply in flight (it lands, then the process exits 0).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/bot.ts';
import { BOT_HEAP_FLAGS } from '../../src/bot/heap-flags.ts';
import { LoopbackDiscord } from '../../testkit/discord/index.ts';
import { makeTinyModel } from '../../testkit/tiny-model.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const BOT = path.join(ROOT, 'src/bot.ts');

interface Run {
  code: Promise<number | null>;
  stdout: string[];
  stderr: string[];
  kill(signal: NodeJS.Signals): void;
  waitFor(re: RegExp): Promise<void>;
}

/** The bot in a child process, in an empty folder (so no .env is picked up), with only `env` set; `nodeFlags` as npm start passes them. */
function runBot(cwd: string, env: Record<string, string>, nodeFlags: readonly string[] = BOT_HEAP_FLAGS): Run {
  const child = spawn(process.execPath, [TSX, ...nodeFlags, BOT], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => stderr.push(b.toString()));
  return {
    code: new Promise((resolve) => child.on('exit', (c) => resolve(c))),
    stdout,
    stderr,
    kill: (s) => child.kill(s),
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout: ${stdout.join('')} stderr: ${stderr.join('')}`)), 150_000);
        const check = () => {
          if (re.test(stdout.join(''))) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 20);
        };
        check();
      }),
  };
}

// Child processes start tsx and a generator: generous limits so a loaded 2-core machine passes too.
describe('npm start (src/bot.ts as a process)', { timeout: 300_000 }, () => {
  let dir: string;
  let loop: LoopbackDiscord;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gff-proc-'));
    await makeTinyModel(path.join(dir, 'models/tiny'), { id: 'tiny' });
    loop = await LoopbackDiscord.start();
    await registerCommands({ token: loop.token, appId: loop.fixtures.application.id, guildId: loop.fixtures.guild.id, api: loop.restApi });
    env = {
      DISCORD_TOKEN: loop.token,
      DISCORD_API: loop.restApi,
      GFF_MODELS_DIR: path.join(dir, 'models'),
      GFF_DEFAULT_MODEL: 'tiny',
      GFF_DATABASE: path.join(dir, 'var/gff.db'),
      GFF_WORKERS: '0',
      GFF_LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await loop.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN a PostgreSQL server that is not there THEN one line naming it (no password) on stderr and exit code 1', async () => {
    const run = runBot(dir, { ...env, GFF_DATABASE_URL: 'postgres://gff:s3cret@127.0.0.1:9/gff' });
    expect(await run.code).toBe(1);
    const err = run.stderr.join('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^gff-bot: PostgreSQL at postgres:\/\/gff@127\.0\.0\.1:9\/gff is not answering: .*ECONNREFUSED/);
    expect(err + run.stdout.join('')).not.toContain('s3cret');
  });

  it('GIVEN no token THEN one line on stderr and exit code 2', async () => {
    const run = runBot(dir, { ...env, DISCORD_TOKEN: '' });
    expect(await run.code).toBe(2);
    expect(run.stderr.join('')).toBe('gff-bot: Configuration error: DISCORD_TOKEN is not set (see .env.example).\n');
  });

  it('GIVEN a malformed token THEN one line that does not echo it, exit code 2', async () => {
    const run = runBot(dir, { ...env, DISCORD_TOKEN: 'secret-but-wrong' });
    expect(await run.code).toBe(2);
    const err = run.stderr.join('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toContain('secret-but-wrong');
  });

  it('GIVEN a token Discord rejects THEN one line on stderr and exit code 1', async () => {
    const run = runBot(dir, { ...env, DISCORD_TOKEN: 'wrong.bot.token' });
    expect(await run.code).toBe(1);
    expect(run.stderr.join('')).toBe('gff-bot: Discord rejected DISCORD_TOKEN: reset the bot token in the developer portal and put the new one in .env.\n');
  });

  it('GIVEN SIGTERM while a reply is in flight THEN the reply lands, then the process closes everything and exits 0', async () => {
    const run = runBot(dir, env);
    await run.waitFor(/"msg":"ready: /);
    const slow = loop.failNext('POST /interactions/:id/:token/callback', { status: 429, retryAfter: 0.5 });
    const rec = loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 4 } });
    await expect.poll(() => slow.hits, { timeout: 120_000 }).toBe(1);
    run.kill('SIGTERM');
    const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0, timeoutMs: 120_000 });
    expect(reply.attachments[0]!.filename).toBe('gacha.png');
    expect(await run.code).toBe(0);
    expect(run.stdout.join('')).toMatch(/"msg":"stopped"/);
    expect(run.stdout.join('')).not.toContain(loop.token);
    expect(run.stdout.join('')).not.toContain('"part":"heap"'); // started as npm start starts it
  });

  it("GIVEN node started without the bot's heap setting THEN the log says so once it is ready, naming the flag", async () => {
    const run = runBot(dir, env, []);
    await run.waitFor(/"part":"heap".*--initial-old-space-size=128/);
    run.kill('SIGTERM');
    expect(await run.code).toBe(0);
  });
});
