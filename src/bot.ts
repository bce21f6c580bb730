/**
 * The one entry that wires the bot: the command list (src/commands/) into the bot's start-up,
 * router and registration (src/bot/). Nothing below imports upward: bot/ never imports
 * commands/, and commands/ see the bot only through its types and reply helpers.
 *
 *   npm start            (reads .env; see .env.example)
 *
 * Tests start it in-process: `startBot({ config, restApi: loop.restApi })`.
 */
import { pathToFileURL } from 'node:url';
import type { AnyCommand } from './bot/command.ts';
import { main } from './bot/main.ts';
import { commandPayloads as payloadsOf, registerCommands as register, type RegisterOptions } from './bot/register.ts';
import { startBot as start, type Bot, type BotOptions as StartOptions } from './bot/start.ts';
import { commands as allCommands } from './commands/index.ts';

export type { Bot };

export type BotOptions = Omit<StartOptions, 'commands'> & { commands?: readonly AnyCommand[] };

/** Starts the bot with every command (or the given ones). */
export function startBot(opts: BotOptions): Promise<Bot> {
  return start({ ...opts, commands: opts.commands ?? allCommands });
}

/** The commands as Discord receives them (`global`: with user-install types and contexts). */
export function commandPayloads(opts: { global?: boolean } = {}) {
  return payloadsOf(allCommands, opts);
}

/** Registers every command with Discord (per guild, or globally); returns how many. */
export function registerCommands(opts: Omit<RegisterOptions, 'commands'>): Promise<number> {
  return register({ ...opts, commands: allCommands });
}

// `npm start` / `tsx src/bot.ts`: run from the environment (src/bot/main.ts).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main((config) => startBot({ config }));
}
