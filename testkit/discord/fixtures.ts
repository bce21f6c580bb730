import { DISCORD_EPOCH, snowflake } from './snowflake.ts';

// API objects travel as plain JSON; discord.js reads them loosely, so do we.
// biome-ignore lint/suspicious/noExplicitAny: fixtures are built from partial API payloads
export type ApiObject = Record<string, any>;

/** Permissions a freshly invited bot typically has in a text channel (send, embed, attach, …). */
export const DEFAULT_APP_PERMISSIONS = '2248473465835073';
/** An ordinary member: view, send, read history, use application commands. */
export const DEFAULT_MEMBER_PERMISSIONS = '2147552256';

/**
 * Guild ids are snowflakes whose millisecond part is k modulo 2520 (the least common multiple
 * of 1…10): Discord routes a guild to shard (id >> 22) % n, so guild k is on shard k % n for
 * any n that divides 2520 — every count a test would use.
 */
const GUILD_ID_PERIOD = 2520;

export interface FixtureOptions {
  applicationId?: string;
  botUsername?: string;
  guildName?: string;
  channelName?: string;
  guildLocale?: string;
  /** How many guilds the bot is in (default 1). Guild k lands on shard k % n for every shard
   * count n from 1 to 10 (see `shardOfGuild`), so sharded tests know where each guild goes. */
  guildCount?: number;
}

/** A guild the bot is in, with its one text channel. */
export interface GuildFixture {
  guild: ApiObject;
  channel: ApiObject;
}

export interface Fixtures {
  bot: ApiObject;
  application: ApiObject;
  /** The first guild and its channel: where interactions happen unless a test picks another. */
  guild: ApiObject;
  channel: ApiObject;
  /** Every guild the bot is in, the first one (`guild`, `channel`) included. */
  guilds: GuildFixture[];
  /** A server the bot is NOT in, where a user who installed the app on their account uses it:
   * never announced to the bot, its channel answers 403 Missing Access. */
  foreignGuild: GuildFixture;
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
  const count = options.guildCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > GUILD_ID_PERIOD) throw new RangeError(`guildCount must be 1–${GUILD_ID_PERIOD}, got ${count}`);
  const guilds = Array.from({ length: count }, (_, k) => makeGuild(k, options));
  const { guild, channel } = guilds[0]!;
  const foreignGuild = makeGuild(count, { ...options, guildName: 'Elsewhere', channelName: 'lounge' });
  return { bot, application, guild, channel, guilds, foreignGuild, users: { alice: makeUser('alice'), bob: makeUser('bob') } };
}

function makeGuild(k: number, options: FixtureOptions): GuildFixture {
  const sinceEpoch = BigInt(Date.now()) - DISCORD_EPOCH;
  const at = Number(DISCORD_EPOCH + sinceEpoch - (sinceEpoch % BigInt(GUILD_ID_PERIOD)) - BigInt(GUILD_ID_PERIOD) + BigInt(k));
  const guildId = snowflake(at);
  const baseName = options.guildName ?? 'Loopback Guild';
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
    name: k === 0 ? baseName : `${baseName} ${k + 1}`,
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
  return { guild, channel };
}

/** The shard that receives a guild's events when the bot runs `count` shards: (id >> 22) % count, as Discord does. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** The fixture guild with this id (or the guild object itself), or an error naming the known ones. */
export function findGuild(fx: Fixtures, guild: ApiObject | string): GuildFixture {
  const id = typeof guild === 'string' ? guild : guild.id;
  const found = fx.guilds.find((g) => g.guild.id === id) ?? (fx.foreignGuild.guild.id === id ? fx.foreignGuild : undefined);
  if (!found)
    throw new Error(`Guild ${id} is not one of the loopback's guilds (${fx.guilds.map((g) => g.guild.id).join(', ')}); see LoopbackOptions.guildCount`);
  return found;
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

/** A group DM (type 3) among users, the bot not among them: a private channel (context 2) only a user install reaches. */
export function groupDmChannel(users: ApiObject[]): ApiObject {
  return { id: snowflake(), type: 3, name: null, icon: null, owner_id: users[0]?.id, recipients: users, last_message_id: null, flags: 0 };
}

/**
 * GUILD_CREATE as the Guilds intent delivers it after READY: with it discord.js caches the guild
 * and channel, so `interaction.guild`, `interaction.channel` and GuildMember objects are real.
 */
export function guildCreatePayload(fx: Fixtures, which: GuildFixture = fx.guilds[0]!): ApiObject {
  return {
    ...which.guild,
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
    channels: [which.channel],
    members: [guildMember(fx.bot, DEFAULT_APP_PERMISSIONS)],
  };
}
