import {
  DEFAULT_APP_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  dmChannel,
  findGuild,
  groupDmChannel,
  guildMember,
  type ApiObject,
  type Fixtures,
  type GuildFixture,
} from './fixtures.ts';
import { INTERACTION } from './record.ts';
import { snowflake } from './snowflake.ts';
import { randomBytes } from 'node:crypto';

export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Who sends the interaction, from where, with which limits. All optional. */
export interface InteractionContext {
  /** Defaults to `fixtures.users.alice`. */
  user?: ApiObject;
  /** The user's client language; discord.js exposes it as `interaction.locale`. Default 'en-US'. */
  locale?: string;
  guildLocale?: string;
  /** Send from a DM with the bot instead of the guild channel. */
  dm?: boolean;
  /** The guild it happens in: one of `fixtures.guilds` (object or id). Default the first; a click
   * defaults to the guild of the message clicked. With shards, it decides which shard gets it. */
  guild?: ApiObject | string;
  /** Override the channel object (defaults to the guild's channel, or a DM channel). */
  channel?: ApiObject;
  appPermissions?: string;
  memberPermissions?: string;
  /** Bytes per attachment the bot may upload for this interaction (Discord: 10 MiB by default, more with boosts). */
  attachmentSizeLimit?: number;
  /**
   * The user installed the app on their account (integration type 1): authorizing_integration_owners
   * is `{"1": user id}`. In a guild it defaults to `fixtures.foreignGuild`, a server the bot is not
   * in (clicks on messages there are user-install clicks by themselves). Only global commands
   * whose integration_types include 1 can be sent this way, as Discord only offers those.
   */
  userInstall?: boolean;
  /** A group DM among users (context 2): no guild, no member, a channel the bot never saw and
   * cannot read (403 Missing Access). Implies `userInstall`. */
  privateChannel?: boolean;
  /** Discord forces every response to this interaction ephemeral, as in a server that denies the
   * user "Use External Apps". The bot is not told; its messages just come out ephemeral. */
  forceEphemeral?: boolean;
}

/** Where Discord says an interaction happened: in a guild, the bot's DM, or a private channel. */
export const CONTEXT = { GUILD: 0, BOT_DM: 1, PRIVATE_CHANNEL: 2 } as const;
/** How the app was installed: on a server, or on a user's account. */
export const INTEGRATION = { GUILD_INSTALL: 0, USER_INSTALL: 1 } as const;

/** A user option takes the user's API object (e.g. `fixtures.users.bob`, `makeUser('carol')`): Discord sends its id and resolves it. */
export type OptionValue = string | number | boolean | ApiObject;

export interface CommandInput extends InteractionContext {
  name: string;
  /** `{prompt: 'blue hair', count: 3, to: fixtures.users.bob}` or raw API option objects. */
  options?: Record<string, OptionValue> | ApiObject[];
  subcommand?: string;
  subcommandGroup?: string;
}

export interface AutocompleteInput extends CommandInput {
  /** The option being typed; its value is sent as a string, as Discord does. */
  focused: string;
  /** What the user has typed so far in the focused option (default: the value in `options`, or ''). */
  value?: string;
}

/** Looks up what the bot registered (in that guild, else globally) so option types match its definitions. */
export type CommandLookup = (name: string, guildId: string, type?: number) => ApiObject | undefined;

export interface BuildEnv {
  fixtures: Fixtures;
  lookupCommand: CommandLookup;
  defaultAttachmentSizeLimit: number;
  /** One DM channel per user, as in Discord. */
  dmChannels: Map<string, ApiObject>;
  /** One group DM per user for `privateChannel` interactions (the user and bob, or alice). */
  privateChannels: Map<string, ApiObject>;
}

/** A right-click on a message: Apps → `name`. */
export interface MessageCommandInput extends InteractionContext {
  name: string;
  /** The message's API JSON (what Discord puts in data.resolved.messages). */
  message: ApiObject;
}

/** A right-click on a user: Apps → `name`. */
export interface UserCommandInput extends InteractionContext {
  name: string;
  target: ApiObject;
}

const COMMAND_TYPE = { CHAT_INPUT: 1, USER: 2, MESSAGE: 3 } as const;

const OPTION = { SUB_COMMAND: 1, SUB_COMMAND_GROUP: 2, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, NUMBER: 10 } as const;

export function buildCommand(env: BuildEnv, input: CommandInput): ApiObject {
  return base(env, INTERACTION.COMMAND, commandData(env, input), input);
}

export function buildMessageCommand(env: BuildEnv, input: MessageCommandInput): ApiObject {
  const definition = offered(env, input, COMMAND_TYPE.MESSAGE);
  const data = {
    id: definition?.id ?? snowflake(),
    name: input.name,
    type: COMMAND_TYPE.MESSAGE,
    target_id: input.message.id,
    resolved: { messages: { [input.message.id]: input.message } },
  };
  return base(env, INTERACTION.COMMAND, data, input);
}

export function buildUserCommand(env: BuildEnv, input: UserCommandInput): ApiObject {
  const definition = offered(env, input, COMMAND_TYPE.USER);
  const inGuild = !input.dm && !input.privateChannel;
  const data = {
    id: definition?.id ?? snowflake(),
    name: input.name,
    type: COMMAND_TYPE.USER,
    target_id: input.target.id,
    resolved: {
      users: { [input.target.id]: input.target },
      // In a guild Discord adds the target's member object, without its user.
      ...(inGuild ? { members: { [input.target.id]: (({ user: _, ...m }) => m)(guildMember(input.target)) } } : {}),
    },
  };
  return base(env, INTERACTION.COMMAND, data, input);
}

export function buildAutocomplete(env: BuildEnv, input: AutocompleteInput): ApiObject {
  const values: Record<string, OptionValue> | ApiObject[] = input.options ?? {};
  let withFocus: Record<string, OptionValue> | ApiObject[];
  if (Array.isArray(values)) {
    withFocus = values;
  } else {
    withFocus = { ...values, [input.focused]: String(input.value ?? values[input.focused] ?? '') };
  }
  const data = commandData(env, { ...input, options: withFocus }, input.focused);
  return base(env, INTERACTION.AUTOCOMPLETE, data, input);
}

export function buildComponent(env: BuildEnv, context: InteractionContext, message: ApiObject, data: ApiObject): ApiObject {
  return base(env, INTERACTION.COMPONENT, data, context, { message });
}

export function buildModalSubmit(env: BuildEnv, context: InteractionContext, customId: string, fields: Record<string, string>, message?: ApiObject): ApiObject {
  // Legacy action-row layout: discord.js 14 reads it through `fields.getTextInputValue()`.
  const components = Object.entries(fields).map(([id, value]) => ({
    type: 1,
    components: [{ type: 4, custom_id: id, value }],
  }));
  return base(env, INTERACTION.MODAL_SUBMIT, { custom_id: customId, components }, context, message ? { message } : {});
}

/** The guild an interaction comes from; DMs look commands up in the first guild, as before guilds could be chosen. */
function guildOf(env: BuildEnv, ctx: InteractionContext): GuildFixture {
  return ctx.guild === undefined ? env.fixtures.guilds[0]! : findGuild(env.fixtures, ctx.guild);
}

/** The interaction's context number: 0 guild, 1 the bot's DM, 2 a private channel. */
function contextOf(ctx: InteractionContext): number {
  return ctx.privateChannel ? CONTEXT.PRIVATE_CHANNEL : ctx.dm ? CONTEXT.BOT_DM : CONTEXT.GUILD;
}

/** A user install: asked for, or implied by where it happens (a private channel, a guild the bot is not in). */
function isUserInstall(env: BuildEnv, ctx: InteractionContext): boolean {
  if (ctx.userInstall || ctx.privateChannel) return true;
  if (ctx.dm || ctx.guild === undefined) return false;
  const id = typeof ctx.guild === 'string' ? ctx.guild : ctx.guild.id;
  return id === env.fixtures.foreignGuild.guild.id;
}

/**
 * The registered command Discord would show here, or an error saying why a user could not
 * run it: a user install sees only global commands that list integration type 1, and a
 * command whose `contexts` leaves out this context is not offered there. Names the bot never
 * registered pass (tests of the loopback itself send made-up commands).
 */
function offered(env: BuildEnv, input: InteractionContext & { name: string }, type: number = COMMAND_TYPE.CHAT_INPUT): ApiObject | undefined {
  const userInstall = isUserInstall(env, input);
  const guildId =
    input.privateChannel || input.dm || (userInstall && input.guild === undefined) ? env.fixtures.guilds[0]!.guild.id : guildOf(env, input).guild.id;
  const definition = env.lookupCommand(input.name, userInstall ? '' : guildId, type);
  if (!definition) {
    if (userInstall && env.lookupCommand(input.name, guildId, type)) {
      throw new Error(`"${input.name}" is a guild command: Discord offers only global commands to a user install`);
    }
    return undefined;
  }
  const context = contextOf(input);
  const installs: number[] = definition.integration_types ?? [INTEGRATION.GUILD_INSTALL];
  if (userInstall && !installs.includes(INTEGRATION.USER_INSTALL)) {
    throw new Error(`"${input.name}" is not offered to user installs: its integration_types are [${installs.join(', ')}]`);
  }
  const contexts: number[] | null | undefined = definition.contexts;
  if (contexts && !contexts.includes(context))
    throw new Error(`"${input.name}" is not offered in context ${context}: its contexts are [${contexts.join(', ')}]`);
  return definition;
}

function commandData(env: BuildEnv, input: CommandInput, focused?: string): ApiObject {
  const definition = offered(env, input);
  let definedOptions: ApiObject[] = definition?.options ?? [];
  const path: Array<{ name: string; type: number }> = [];
  if (input.subcommandGroup) {
    path.push({ name: input.subcommandGroup, type: OPTION.SUB_COMMAND_GROUP });
    definedOptions = findOption(definedOptions, input.subcommandGroup)?.options ?? [];
  }
  if (input.subcommand) {
    path.push({ name: input.subcommand, type: OPTION.SUB_COMMAND });
    definedOptions = findOption(definedOptions, input.subcommand)?.options ?? [];
  }
  const users = new Map<string, ApiObject>();
  let options = toApiOptions(input.options ?? {}, definedOptions, focused, users);
  for (const level of path.reverse()) options = [{ ...level, options }];
  return {
    id: definition?.id ?? snowflake(),
    name: input.name,
    type: 1,
    ...(definition?.guild_id ? { guild_id: definition.guild_id } : {}),
    ...(options.length ? { options } : {}),
    ...(users.size ? { resolved: resolvedUsers(users, !input.dm && !input.privateChannel) } : {}),
  };
}

/** `data.resolved` for user options: each user, and in a guild their member (without the user, as Discord sends it). */
function resolvedUsers(users: Map<string, ApiObject>, inGuild: boolean): ApiObject {
  const byId = Object.fromEntries(users);
  if (!inGuild) return { users: byId };
  const members = Object.fromEntries([...users].map(([id, user]) => [id, { ...guildMember(user), user: undefined, permissions: DEFAULT_MEMBER_PERMISSIONS }]));
  return { users: byId, members };
}

function findOption(options: ApiObject[], name: string): ApiObject | undefined {
  return options.find((o) => o.name === name);
}

function toApiOptions(
  values: Record<string, OptionValue> | ApiObject[],
  defined: ApiObject[],
  focused?: string,
  users: Map<string, ApiObject> = new Map(),
): ApiObject[] {
  if (Array.isArray(values)) return values;
  return Object.entries(values).map(([name, given]) => {
    const type = findOption(defined, name)?.type ?? inferType(given);
    let value = given;
    if (typeof given === 'object') {
      if (type !== OPTION.USER) throw new Error(`Option ${name} is not a user option: pass a string, number or boolean`);
      users.set(given.id, given);
      value = given.id;
    }
    return {
      name,
      type,
      // Discord sends the focused option's partial input as a string whatever its type.
      value: name === focused ? String(value) : value,
      ...(name === focused ? { focused: true } : {}),
    };
  });
}

function inferType(value: OptionValue): number {
  if (typeof value === 'object') return OPTION.USER;
  if (typeof value === 'boolean') return OPTION.BOOLEAN;
  if (typeof value === 'number') return Number.isInteger(value) ? OPTION.INTEGER : OPTION.NUMBER;
  return OPTION.STRING;
}

function base(env: BuildEnv, type: number, data: ApiObject, ctx: InteractionContext, extra: ApiObject = {}): ApiObject {
  const fx = env.fixtures;
  const user = ctx.user ?? fx.users.alice;
  const id = snowflake();
  const appPermissions = ctx.appPermissions ?? DEFAULT_APP_PERMISSIONS;
  const userInstall = isUserInstall(env, ctx);
  const common = {
    id,
    application_id: fx.application.id,
    type,
    data,
    // Tokens are opaque to the bot; unique ones catch code that mixes interactions up.
    token: `loopback.${id}.${randomBytes(12).toString('base64url')}`,
    version: 1,
    locale: ctx.locale ?? 'en-US',
    app_permissions: appPermissions,
    entitlements: [],
    attachment_size_limit: ctx.attachmentSizeLimit ?? env.defaultAttachmentSizeLimit,
    ...extra,
  };
  if (ctx.privateChannel) {
    let channel = ctx.channel ?? env.privateChannels.get(user.id);
    if (!channel) {
      channel = groupDmChannel([user, user.id === fx.users.bob.id ? fx.users.alice : fx.users.bob]);
      env.privateChannels.set(user.id, channel);
    }
    // No guild, no member: only the user, and the user install that lets the app answer here.
    return {
      ...common,
      channel,
      channel_id: channel.id,
      user,
      context: CONTEXT.PRIVATE_CHANNEL,
      authorizing_integration_owners: { [INTEGRATION.USER_INSTALL]: user.id },
    };
  }
  if (ctx.dm) {
    let channel = ctx.channel ?? env.dmChannels.get(user.id);
    if (!channel) {
      channel = dmChannel(user);
      env.dmChannels.set(user.id, channel);
    }
    return {
      ...common,
      channel,
      channel_id: channel.id,
      user,
      context: CONTEXT.BOT_DM,
      authorizing_integration_owners: userInstall ? { [INTEGRATION.USER_INSTALL]: user.id } : { [INTEGRATION.GUILD_INSTALL]: '0' },
    };
  }
  const { guild, channel: guildChannel } = userInstall && ctx.guild === undefined ? fx.foreignGuild : guildOf(env, ctx);
  const channel: ApiObject = { ...(ctx.channel ?? guildChannel), permissions: ctx.memberPermissions ?? DEFAULT_MEMBER_PERMISSIONS };
  const botInGuild = fx.guilds.some((g) => g.guild.id === guild.id);
  const owners: Record<string, string> = {};
  if (botInGuild) owners[INTEGRATION.GUILD_INSTALL] = guild.id;
  if (userInstall) owners[INTEGRATION.USER_INSTALL] = user.id;
  return {
    ...common,
    channel,
    channel_id: channel.id,
    guild_id: guild.id,
    guild: { id: guild.id, locale: ctx.guildLocale ?? guild.preferred_locale, features: [] },
    guild_locale: ctx.guildLocale ?? guild.preferred_locale,
    member: guildMember(user, ctx.memberPermissions ?? DEFAULT_MEMBER_PERMISSIONS),
    context: CONTEXT.GUILD,
    authorizing_integration_owners: owners,
  };
}
