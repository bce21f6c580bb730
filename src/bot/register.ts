/** Registers the command list with Discord: per guild while developing, globally for release. */
import { ApplicationIntegrationType, InteractionContextType, REST, Routes } from 'discord.js';
import type { AnyCommand } from './command.ts';

/**
 * Where a global command is offered: installed on a server or on a user's account (user
 * install), and used in servers, the bot's DM and private channels (group DMs, DMs between
 * users). Discord keeps both settings for global commands only: a guild command is the
 * server's, so guild registration leaves them out.
 */
export const INTEGRATION_TYPES = [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall] as const;
export const CONTEXTS = [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel] as const;

/** The commands as Discord receives them; `global`: with the install types and contexts above (a command's own win). */
export function commandPayloads(commands: readonly AnyCommand[], opts: { global?: boolean } = {}) {
  return commands.map((c) => {
    const own = c.data.toJSON();
    // The builders' JSON has these keys even when unset (undefined): `??`, not a spread, decides.
    return opts.global ? { ...own, integration_types: own.integration_types ?? [...INTEGRATION_TYPES], contexts: own.contexts ?? [...CONTEXTS] } : own;
  });
}

export interface RegisterOptions {
  commands: readonly AnyCommand[];
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
  const result = (await rest.put(route, { body: commandPayloads(opts.commands, { global: !opts.guildId }) })) as unknown[];
  return result.length;
}
