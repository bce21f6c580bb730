/** Registers the command list with Discord: per guild while developing, globally for release. */
import { REST, Routes } from 'discord.js';
import type { Command } from './command.ts';

export function commandPayloads(commands: readonly Command[]) {
  return commands.map((c) => c.data.toJSON());
}

export interface RegisterOptions {
  commands: readonly Command[];
  token: string;
  appId: string;
  /** Guild commands appear at once; global ones can take up to an hour. */
  guildId?: string;
  /** Base URL of the REST API (the tests' loopback Discord); default Discord's. */
  api?: string;
}

/** Bulk-overwrites the commands (PUT), so removed commands disappear; returns how many. */
export async function registerCommands(opts: RegisterOptions): Promise<number> {
  const rest = new REST(opts.api ? { api: opts.api } : {}).setToken(opts.token);
  const route = opts.guildId ? Routes.applicationGuildCommands(opts.appId, opts.guildId) : Routes.applicationCommands(opts.appId);
  const result = (await rest.put(route, { body: commandPayloads(opts.commands) })) as unknown[];
  return result.length;
}
