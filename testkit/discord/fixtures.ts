import { snowflake } from './snowflake.ts';

// API objects travel as plain JSON; discord.js reads them loosely, so do we.
// biome-ignore lint/suspicious/noExplicitAny: fixtures are built from partial API payloads
export type ApiObject = Record<string, any>;

/** Permissions a freshly invited bot typically has in a text channel (send, embed, attach, …). */
export const DEFAULT_APP_PERMISSIONS = '2248473465835073';
/** An ordinary member: view, send, read history, use application commands. */
export const DEFAULT_MEMBER_PERMISSIONS = '2147552256';

export interface FixtureOptions {
  applicationId?: string;
  botUsername?: string;
  guildName?: string;
  channelName?: string;
  guildLocale?: string;
}

export interface Fixtures {
  bot: ApiObject;
  application: ApiObject;
  guild: ApiObject;
  channel: ApiObject;
  /** Two ordinary users so tests can check per-user behaviour without inventing ids. */
  users: { alice: ApiObject; bob: ApiObject };
}

export function makeUser(username: string, overrides: ApiObject = {}): ApiObject {
  return {
    id: snowflake(),
    username,
    global_name: username[0]?.toUpperCase() + username.slice(1),
    discriminator: '0',
    avatar: null,
    public_flags: 0,
    flags: 0,
    ...overrides,
  };
}

export function createFixtures(options: FixtureOptions = {}): Fixtures {
  const applicationId = options.applicationId ?? snowflake();
  // Discord gives a bot user the same id as its application; bots rely on that sometimes.
  const bot = makeUser(options.botUsername ?? 'girlfriend-factory', { id: applicationId, bot: true });
  const application = {
    id: applicationId,
    name: bot.username,
    icon: null,
    description: '',
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    bot,
    owner: makeUser('owner'),
    team: null,
  };
  const guildId = snowflake();
  const channel = {
    id: snowflake(),
    type: 0,
    guild_id: guildId,
    name: options.channelName ?? 'general',
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0,
  };
  const guild = {
    id: guildId,
    name: options.guildName ?? 'Loopback Guild',
    icon: null,
    owner_id: snowflake(),
    preferred_locale: options.guildLocale ?? 'en-US',
    features: [],
    // The @everyone role shares the guild's id.
    roles: [
      {
        id: guildId,
        name: '@everyone',
        color: 0,
        hoist: false,
        position: 0,
        permissions: DEFAULT_MEMBER_PERMISSIONS,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
  };
  return { bot, application, guild, channel, users: { alice: makeUser('alice'), bob: makeUser('bob') } };
}

export function guildMember(user: ApiObject, permissions = DEFAULT_MEMBER_PERMISSIONS): ApiObject {
  return {
    user,
    nick: null,
    avatar: null,
    roles: [],
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    permissions,
  };
}

export function dmChannel(user: ApiObject): ApiObject {
  return { id: snowflake(), type: 1, recipients: [user], last_message_id: null, flags: 0 };
}

/**
 * GUILD_CREATE as the Guilds intent delivers it after READY: with it discord.js caches the guild
 * and channel, so `interaction.guild`, `interaction.channel` and GuildMember objects are real.
 */
export function guildCreatePayload(fx: Fixtures): ApiObject {
  return {
    ...fx.guild,
    unavailable: false,
    large: false,
    member_count: 3,
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    emojis: [],
    stickers: [],
    voice_states: [],
    presences: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    channels: [fx.channel],
    members: [guildMember(fx.bot, DEFAULT_APP_PERMISSIONS)],
  };
}
