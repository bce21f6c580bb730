import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommandRegistry } from './commands.ts';
import { checkSelection, COMPONENT, findInteractive } from './components.ts';
import { FaultInjector, type Fault, type FaultHandle, type RoutePattern } from './faults.ts';
import { createFixtures, guildCreatePayload, shardOfGuild, type ApiObject, type FixtureOptions, type Fixtures } from './fixtures.ts';
import { Gateway, type DropOptions, type GatewayStats, type ShardTuple } from './gateway.ts';
import {
  buildAutocomplete,
  buildCommand,
  buildComponent,
  buildMessageCommand,
  buildModalSubmit,
  buildUserCommand,
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  type AutocompleteInput,
  type BuildEnv,
  type CommandInput,
  type InteractionContext,
  type MessageCommandInput,
  type UserCommandInput,
} from './interactions.ts';
import { MessageStore, type MessageView } from './messages.ts';
import { InteractionRecord, type EventPredicate, type InteractionEvent } from './record.ts';
import { createRestHandler, type RequestLogEntry, type RestContext } from './rest.ts';
import { snowflake } from './snowflake.ts';

export interface LoopbackOptions extends FixtureOptions {
  /** The bot token the client must present (IDENTIFY and `Authorization: Bot …`). */
  token?: string;
  /** HELLO's heartbeat_interval; small values exercise heartbeat ACKs quickly. Default 41250. */
  heartbeatIntervalMs?: number;
  /** Answer 401 to bot-token REST calls with the wrong token (default true). With false a wrong
   * token gets as far as the gateway, which closes with 4004. */
  checkRestAuth?: boolean;
  /** List the guilds as unavailable in READY and send GUILD_CREATE, as Discord does with the
   * Guilds intent, so discord.js caches guild and channel (default true). False: `guilds: []`.
   * A sharded client's shard gets only the guilds it owns ((id >> 22) % count). */
  announceGuild?: boolean;
  /** GET /gateway/bot's `shards`, what `totalShards: 'auto'` spawns (default 1). */
  recommendedShards?: number;
  /** Default `attachment_size_limit` for interactions (10 MiB). */
  attachmentSizeLimit?: number;
  /** Answer callbacks later than this with 10062 Unknown interaction, like Discord's 3 s rule.
   * Default null: accept and only record `ackMs` (a loaded CI box should not flake). */
  ackDeadlineMs?: number | null;
  /** Interaction token lifetime; Discord's is 15 minutes. */
  tokenLifetimeMs?: number;
}

export interface ComponentInput extends InteractionContext {
  customId: string;
  /** The message carrying the component: a MessageView, its API JSON, or its id. Its current
   * state in the loopback is used, so a removed or disabled button cannot be clicked. */
  message: MessageView | ApiObject | string;
}

export interface SelectInput extends ComponentInput {
  values: string[];
}

/** Apps → `name` on a message: the bot's own (a MessageView or its id) or one a user wrote (`loop.userMessage`). */
export interface MessageMenuInput extends Omit<MessageCommandInput, 'message'> {
  message: MessageView | ApiObject | string;
}

/** What a user wrote in a channel, for message commands to be run on. */
export interface UserMessageInput {
  content?: string;
  embeds?: ApiObject[];
  /** Default `fixtures.users.bob`. */
  author?: ApiObject;
  /** Default the first guild's channel. */
  channelId?: string;
}

export interface ModalInput extends InteractionContext {
  /** The modal's custom_id; taken from `from`'s recorded modal when omitted. */
  customId?: string;
  /** The interaction that opened the modal (its callback type 9 payload is checked). */
  from?: InteractionRecord;
  fields: Record<string, string>;
  message?: MessageView | ApiObject | string;
}

/**
 * A Discord stand-in on 127.0.0.1: gateway WebSocket plus REST, enough for the real discord.js
 * Client to log in, receive interactions and answer them, with everything it sent recorded.
 */
export class LoopbackDiscord {
  readonly fixtures: Fixtures;
  readonly token: string;
  readonly commands: CommandRegistry;
  /** Every REST request in arrival order, faults and 404s included. */
  readonly requests: RequestLogEntry[] = [];
  /** Every interaction sent, in order. */
  readonly interactions: InteractionRecord[] = [];
  private readonly store: MessageStore;
  private readonly faults = new FaultInjector();
  private readonly gateway: Gateway;
  private readonly server: Server;
  private readonly ctx: RestContext;
  private readonly env: BuildEnv;
  private port = 0;

  private constructor(options: LoopbackOptions) {
    this.fixtures = createFixtures(options);
    this.token = options.token ?? 'loopback.bot.token';
    this.commands = new CommandRegistry(this.fixtures.application.id);
    this.store = new MessageStore(() => this.origin, this.fixtures.bot);
    const announce = options.announceGuild ?? true;
    // READY lists, and GUILD_CREATE follows for, only the guilds the identifying shard owns:
    // discord.js waits for a GUILD_CREATE per listed guild before it is ready.
    const owned = ([id, count]: ShardTuple) => (announce ? this.fixtures.guilds.filter((g) => shardOfGuild(g.guild.id, count) === id) : []);
    this.gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      url: () => this.gatewayUrl,
      readyData: (shard) => ({
        user: this.fixtures.bot,
        guilds: owned(shard).map((g) => ({ id: g.guild.id, unavailable: true })),
        application: { id: this.fixtures.application.id, flags: this.fixtures.application.flags },
        private_channels: [],
        relationships: [],
        presences: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
        user_settings: {},
      }),
      afterReady: (shard) => owned(shard).map((g) => ({ t: 'GUILD_CREATE', d: guildCreatePayload(this.fixtures, g) })),
    });
    this.ctx = {
      token: this.token,
      checkAuth: options.checkRestAuth ?? true,
      fixtures: this.fixtures,
      origin: () => this.origin,
      gatewayUrl: () => this.gatewayUrl,
      recommendedShards: options.recommendedShards ?? 1,
      interactions: new Map(),
      messages: this.store,
      commands: this.commands,
      faults: this.faults,
      requests: this.requests,
      channels: new Map([...this.fixtures.guilds, this.fixtures.foreignGuild].map((g) => [g.channel.id, g.channel])),
      hiddenChannels: new Set([this.fixtures.foreignGuild.channel.id]),
      ackDeadlineMs: options.ackDeadlineMs ?? null,
      tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
    };
    this.env = {
      fixtures: this.fixtures,
      lookupCommand: (name, guildId) => this.commands.lookup(name, guildId),
      defaultAttachmentSizeLimit: options.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
      dmChannels: new Map(),
      privateChannels: new Map(),
    };
    this.server = createServer(createRestHandler(this.ctx));
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://loopback').pathname === '/gateway') this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  static async start(options: LoopbackOptions = {}): Promise<LoopbackDiscord> {
    const loop = new LoopbackDiscord(options);
    await new Promise<void>((resolve, reject) => {
      loop.server.once('error', reject);
      loop.server.listen(0, '127.0.0.1', () => resolve());
    });
    loop.port = (loop.server.address() as AddressInfo).port;
    return loop;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Pass as `new Client({ rest: { api: loop.restApi } })`; discord.js appends `/v10`. */
  get restApi(): string {
    return `${this.origin}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** Every message the bot created (replies, follow-ups, channel posts), current state. */
  get messages(): MessageView[] {
    return this.store.all;
  }

  /** REST calls no route answered (404): what the bot needed that the loopback lacks. */
  get unhandledRequests(): RequestLogEntry[] {
    return this.requests.filter((r) => r.unhandled);
  }

  get gatewayStats(): GatewayStats {
    return this.gateway.stats;
  }

  message(id: string): MessageView | undefined {
    return this.store.get(id);
  }

  /** Resolves once a bot session for the shard (default 0) is identified (or resumed) and its socket is open. */
  waitForReady(timeoutMs?: number, shard?: number): Promise<string> {
    return this.gateway.waitForReady(timeoutMs, shard);
  }

  /** Shard ids whose session is connected and past READY, ascending ([0] for an unsharded bot). */
  get liveShards(): number[] {
    return this.gateway.liveShards;
  }

  /** The shard that gets this guild's events under the shard count the bot identified with (0 for none: DMs). */
  shardOf(guildId: string | undefined): number {
    return this.gateway.shardOf(guildId);
  }

  /** Resolves on the next RESUME; start waiting before `dropGateway()`. */
  waitForResume(timeoutMs?: number): Promise<void> {
    return this.gateway.waitForResume(timeoutMs);
  }

  /** Cuts a shard's (default 0) gateway connection (default close code 4000: discord.js resumes). */
  dropGateway(options?: DropOptions, shard?: number): void {
    this.gateway.drop(options, shard);
  }

  requestReconnect(shard?: number): void {
    this.gateway.requestReconnect(shard);
  }

  /** Sends any gateway dispatch (e.g. GUILD_MEMBER_ADD) to the bot — to the shard that owns
   * `data.guild_id`, or `shard` — and returns its sequence number. */
  dispatch(event: string, data: unknown, shard?: number): number {
    return this.gateway.dispatch(event, data, shard ?? this.gateway.shardOf((data as ApiObject | null)?.guild_id));
  }

  sendCommand(input: CommandInput): InteractionRecord {
    return this.send(buildCommand(this.env, input), input);
  }

  sendAutocomplete(input: AutocompleteInput): InteractionRecord {
    return this.send(buildAutocomplete(this.env, input), input);
  }

  /** A message command (right-click a message → Apps → name), where that message is. */
  sendMessageCommand(input: MessageMenuInput): InteractionRecord {
    const message = this.currentMessage(input.message);
    return this.send(buildMessageCommand(this.env, { ...this.contextFor(message, input), name: input.name, message }), input);
  }

  /** A user command (right-click a user → Apps → name). */
  sendUserCommand(input: UserCommandInput): InteractionRecord {
    return this.send(buildUserCommand(this.env, input), input);
  }

  /** A message a user (not the bot) wrote, stored so that message commands can target it. */
  userMessage(input: UserMessageInput): MessageView {
    const id = snowflake();
    return this.store.adopt({
      id,
      channel_id: input.channelId ?? this.fixtures.channel.id,
      type: 0,
      author: input.author ?? this.fixtures.users.bob,
      content: input.content ?? '',
      embeds: input.embeds ?? [],
      components: [],
      attachments: [],
      flags: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
    });
  }

  /**
   * REST calls since `mark` (an index into `requests`) other than interaction callbacks and
   * interaction webhooks: what a bot answering through the interaction alone never makes.
   */
  requestsBeyondInteractions(mark = 0): RequestLogEntry[] {
    return this.requests.slice(mark).filter((r) => !/^\/(interactions\/\d+\/[^/]+\/callback|webhooks\/\d+\/[^/]+(\/messages\/[^/]+)?)$/.test(r.path));
  }

  clickButton(input: ComponentInput): InteractionRecord {
    const message = this.currentMessage(input.message);
    findInteractive(message, input.customId, true);
    return this.send(
      buildComponent(this.env, this.contextFor(message, input), message, {
        custom_id: input.customId,
        component_type: COMPONENT.BUTTON,
      }),
      input,
    );
  }

  selectMenu(input: SelectInput): InteractionRecord {
    const message = this.currentMessage(input.message);
    const select = findInteractive(message, input.customId, false);
    checkSelection(select, input.values);
    return this.send(
      buildComponent(this.env, this.contextFor(message, input), message, {
        custom_id: input.customId,
        component_type: select.type,
        values: input.values,
      }),
      input,
    );
  }

  submitModal(input: ModalInput): InteractionRecord {
    const modal = input.from?.modal;
    if (input.from && !modal) throw new Error(`Interaction ${input.from.id} opened no modal:\n${input.from.describe()}`);
    const customId = input.customId ?? modal?.custom_id;
    if (!customId) throw new Error('submitModal needs customId or from');
    if (modal && modal.custom_id !== customId) throw new Error(`The modal shown was "${modal.custom_id}", not "${customId}"`);
    const message = input.message ? this.currentMessage(input.message) : (input.from?.payload.message as ApiObject | undefined);
    const context = message ? this.contextFor(message, input) : input;
    return this.send(buildModalSubmit(this.env, context, customId, input.fields, message), input);
  }

  waitFor(record: InteractionRecord, predicate: EventPredicate, timeoutMs?: number): Promise<InteractionEvent> {
    return record.waitFor(predicate, timeoutMs);
  }

  /** Answers the next `times` REST requests matching `pattern` with `fault` instead of the route. */
  failNext(pattern: RoutePattern, fault: Fault, times = 1): FaultHandle {
    return this.faults.add(pattern, fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Closes sockets and the server. Destroy the discord.js client first, or it will try to reconnect. */
  async stop(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(payload: ApiObject, context: InteractionContext): InteractionRecord {
    const record = new InteractionRecord(payload);
    record.forcedEphemeral = context.forceEphemeral ?? false;
    this.ctx.channels.set(payload.channel.id, payload.channel);
    // Channels of a user install (a guild the bot is not in, a private channel) are out of the bot's sight.
    const botSees = payload.context === 1 || this.fixtures.guilds.some((g) => g.guild.id === payload.guild_id);
    if (!botSees) this.ctx.hiddenChannels.add(payload.channel.id);
    this.ctx.interactions.set(record.id, record);
    try {
      // To the shard that owns the interaction's guild, as Discord does (shard 0 for DMs).
      this.gateway.dispatch('INTERACTION_CREATE', payload, this.gateway.shardOf(payload.guild_id));
    } catch (error) {
      this.ctx.interactions.delete(record.id);
      throw error;
    }
    this.interactions.push(record);
    return record;
  }

  private currentMessage(ref: MessageView | ApiObject | string): ApiObject {
    const id: string = typeof ref === 'string' ? ref : ref.id;
    const stored = this.store.get(id);
    if (stored?.deleted) throw new Error(`Message ${id} was deleted`);
    if (stored) return stored.api;
    if (typeof ref === 'string') throw new Error(`Unknown message ${id}`);
    const api = 'api' in ref && typeof ref.api === 'object' ? (ref.api as ApiObject) : ref;
    return this.store.adopt(api).api;
  }

  /** A click happens where the message is: in its DM channel if it was posted in a DM, else in its guild. */
  private contextFor(message: ApiObject, input: InteractionContext): InteractionContext {
    const channel = this.ctx.channels.get(message.channel_id);
    if (channel?.type === 3) return { ...input, privateChannel: true, channel: input.channel ?? channel };
    if (channel?.type === 1) return { ...input, dm: true, channel: input.channel ?? channel };
    if (channel?.guild_id && input.guild === undefined && !input.dm) return { ...input, guild: channel.guild_id, channel: input.channel ?? channel };
    return input;
  }
}
