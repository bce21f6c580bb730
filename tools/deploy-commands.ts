/**
 * Registers the bot's commands (the same list the bot routes, src/commands/index.ts): slash
 * commands and the "Open this girl" / "Favourites" context menus.
 *   npm run deploy-commands             → the guild DISCORD_GUILD_ID (instant; for development)
 *   npm run deploy-commands -- --global → everywhere: for server installs AND user installs
 *     (integration types 0 and 1; servers, the bot's DM and private channels), which Discord
 *     offers only for global commands (can take up to an hour to appear)
 * Reads .env when present. Problems are one line on stderr (exit 2 configuration, 1 Discord).
 */
import { ConfigError, loadConfig, requireDiscord } from '../src/config.ts';
import { registerCommands } from '../src/bot.ts';

async function main(): Promise<number> {
  const global = process.argv.includes('--global');
  let discord: ReturnType<typeof requireDiscord>;
  let api: string | undefined;
  try {
    try {
      process.loadEnvFile('.env');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const config = loadConfig();
    discord = requireDiscord(config, !global);
    api = config.DISCORD_API;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`deploy-commands: ${e.message}${global ? '' : ' (or pass --global)'}\n`);
    return 2;
  }
  try {
    const n = await registerCommands({ token: discord.token, appId: discord.appId, ...(global ? {} : { guildId: discord.guildId }), ...(api ? { api } : {}) });
    process.stdout.write(
      global
        ? `Registered ${n} commands globally, for server and user installs (may take up to an hour to appear).\n`
        : `Registered ${n} commands in guild ${discord.guildId}. User installs see only global commands: use --global for them.\n`,
    );
    return 0;
  } catch (e) {
    const err = e as { status?: number; message?: string };
    const why = err.status === 401 ? 'Discord rejected DISCORD_TOKEN' : (err.message ?? String(e));
    process.stderr.write(`deploy-commands: ${why}\n`);
    return 1;
  }
}

process.exitCode = await main();
