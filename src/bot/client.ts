/**
 * The discord.js client: only the Guilds intent (slash commands need no other), no
 * mentions from user-typed text, and bounded caches — by default users and members are
 * kept forever, which grows without bound on a public bot.
 */
import { Client, GatewayIntentBits, Options, disableValidators, type User, type GuildMember } from 'discord.js';

const isSelf = (x: User | GuildMember) => x.id === x.client.user?.id;

export function createClient(opts: { restApi?: string } = {}): Client {
  // The component builders check every field with shapeshift on each set and toJSON: 0.20 CPU ms
  // for a /gacha reply's buttons and menus against 0.085 unchecked, on every picture. What they
  // would catch is checked where it can be fixed, by the tests against the loopback Discord's
  // validation (testkit/discord/validate.ts), and Discord refuses a bad payload all the same.
  disableValidators();
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // Favourite names and tags are user text: never let them ping anyone.
    allowedMentions: { parse: [] },
    ...(opts.restApi ? { rest: { api: opts.restApi } } : {}),
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      // The bot never reads channel history: interaction payloads carry what it needs.
      MessageManager: 0,
      ReactionManager: 0,
      PresenceManager: 0,
      GuildMemberManager: { maxSize: 200, keepOverLimit: isSelf },
      UserManager: { maxSize: 1000, keepOverLimit: isSelf },
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      users: { interval: 3600, filter: () => (u: User) => !isSelf(u) },
      guildMembers: { interval: 3600, filter: () => (m: GuildMember) => !isSelf(m) },
    },
  });
}
