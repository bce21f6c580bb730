/**
 * `npm start`: .env (when present) → environment → config → bot, with SIGINT/SIGTERM
 * shutdown. Configuration and token problems are one line on stderr: exit 2 for a missing
 * or malformed setting, 1 when Discord rejects the token or the bot cannot start.
 */
import { loadConfig, requireToken, type Config } from '../config.ts';
import { ModelLoadError } from '../gan/errors.ts';
import { StoreError } from '../store/index.ts';
import type { Bot } from './start.ts';

const EXIT_CONFIG = 2;
const EXIT_START = 1;

function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env'); // never overrides variables already set in the shell
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function startFailure(e: unknown): string {
  const err = e as { code?: unknown; status?: unknown; message?: string };
  if (err.code === 'TokenInvalid' || err.status === 401 || err.code === 4004) {
    return 'Discord rejected DISCORD_TOKEN: reset the bot token in the developer portal and put the new one in .env.';
  }
  if (e instanceof ModelLoadError || e instanceof StoreError) return e.message;
  return `could not start: ${err.message ?? String(e)}`;
}

/** `start` is the entry's startBot with the command list already bound (src/bot.ts). */
export async function main(start: (config: Config) => Promise<Bot>): Promise<number> {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig();
    requireToken(config);
  } catch (e) {
    process.stderr.write(`gff-bot: ${(e as Error).message}\n`);
    return EXIT_CONFIG;
  }
  let bot: Bot;
  try {
    bot = await start(config);
  } catch (e) {
    process.stderr.write(`gff-bot: ${startFailure(e)}\n`);
    return EXIT_START;
  }
  const running = bot;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.stderr.write(`gff-bot: ${signal}: finishing replies in flight, then stopping (again to force)\n`);
      process.once(signal, () => process.exit(130));
      void running.stop().then(resolve, (err: unknown) => {
        process.stderr.write(`gff-bot: shutdown failed: ${(err as Error)?.message ?? String(err)}\n`);
        resolve();
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  return 0;
}
