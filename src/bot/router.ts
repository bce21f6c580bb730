/**
 * The one interaction router: slash commands, context menus and autocomplete go to the
 * module of that name and type, components to the module named by their custom_id's first
 * part (a context menu's customIdPrefix). Every handler runs
 * inside one try/catch (errors.ts) and is tracked, so shutdown can wait for replies in flight.
 */
import type { Interaction } from 'discord.js';
import { langOf, t } from '../i18n/index.ts';
import { DEFAULT_ACK_AFTER_MS, guardAcknowledgement } from './ack-guard.ts';
import { isContextMenu, type AnyCommand, type Precondition } from './command.ts';
import type { BotContext } from './context.ts';
import { parseCustomId } from './custom-id.ts';
import { reportError, tellPrivately } from './errors.ts';
import { RateLimitedError, type Refund } from './rate-limit.ts';
import { noteReceived, workStarted } from './respond.ts';

/** Slash commands are type 1, user commands 2, message commands 3: names are unique per type. */
const keyOf = (type: number, name: string) => `${type}:${name}`;

export class InteractionRouter {
  private readonly byKey: ReadonlyMap<string, AnyCommand>;
  /** By the custom_id's first part: a slash command's name, a context menu's prefix. */
  private readonly byPrefix: ReadonlyMap<string, AnyCommand>;
  private readonly inFlight = new Set<Promise<void>>();
  private accepting = true;

  constructor(
    commands: readonly AnyCommand[],
    private readonly ctx: BotContext,
    /** Acknowledge for a handler that has not answered after this long (ack-guard.ts). */
    private readonly ackAfterMs = DEFAULT_ACK_AFTER_MS,
  ) {
    this.byKey = new Map(commands.map((c) => [keyOf(isContextMenu(c) ? c.data.toJSON().type : 1, c.data.name), c]));
    this.byPrefix = new Map(commands.map((c) => [isContextMenu(c) ? c.customIdPrefix : c.data.name, c]));
    // Two modules under one key would silently lose one's interactions or buttons.
    if (this.byKey.size !== commands.length || this.byPrefix.size !== commands.length) {
      throw new Error('Two commands share a name of the same type, or a custom_id prefix');
    }
  }

  /** Entry point for the client's interactionCreate event; never throws or rejects. */
  handle(interaction: Interaction): void {
    const run = this.dispatch(interaction)
      .catch((e: unknown) => this.ctx.log.error({ err: e }, 'interaction router failed'))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Stops taking new work and waits (up to timeoutMs) for handlers in flight; true if all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.accepting = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const done = Promise.allSettled([...this.inFlight]).then(() => true as const);
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }

  private async dispatch(interaction: Interaction): Promise<void> {
    const started = performance.now();
    noteReceived(interaction);
    const route = this.route(interaction);
    if (!route) {
      // A command removed since it was registered, or a button from an older version.
      this.ctx.log.warn({ type: interaction.type, id: describe(interaction) }, 'interaction for no known command');
      if (interaction.isRepliable()) await tellPrivately(interaction, t(langOf(interaction.locale), 'error.gone'), this.ctx);
      return;
    }
    if (!this.accepting) {
      if (interaction.isRepliable()) await tellPrivately(interaction, t(langOf(interaction.locale), 'error.shutting_down'), this.ctx);
      return;
    }
    const user = interaction.user.id;
    const drawLimit = route.preconditions?.includes('drawLimit') ?? false;
    // From here on the store may be asked (the shared rate limit, the handler): answer within Discord's 3 s whatever it does.
    const guard = guardAcknowledgement(interaction, this.ackAfterMs, {
      onAutoAck: () => this.ctx.log.warn({ what: route.name, user, afterMs: this.ackAfterMs }, 'slow handler: acknowledged for it'),
      onError: (err) => this.ctx.log.warn({ err, what: route.name, user }, 'could not acknowledge a slow handler'),
    });
    try {
      let refund: Refund | undefined;
      let limited: RateLimitedError | undefined;
      if (drawLimit) {
        try {
          refund = await this.ctx.rateLimiter.take(user);
        } catch (e) {
          if (!(e instanceof RateLimitedError)) throw e;
          limited = e;
        }
      }
      try {
        // Over the limit, the handler still runs until it would draw: a typo is answered as a
        // typo (fix it, then wait), and only a request that would really draw hears "Easy there".
        await route.run(limited ? withoutDrawing(this.ctx, limited) : this.ctx);
      } finally {
        // Nothing was drawn (refused, bad input, a menu instead): the use is given back.
        if (refund && !guard.handlerDeferred && !workStarted(interaction)) {
          await refund().catch((err: unknown) => this.ctx.log.warn({ err, user }, 'could not give back a rate-limit use'));
        }
      }
    } catch (e) {
      await reportError(interaction, e, this.ctx, route.name);
    } finally {
      guard.stop();
      this.ctx.log.debug({ what: route.name, user: interaction.user.id, ms: Math.round(performance.now() - started) }, 'interaction handled');
    }
  }

  private route(interaction: Interaction): { name: string; preconditions?: readonly Precondition[]; run: (ctx: BotContext) => Promise<void> } | undefined {
    if (interaction.isChatInputCommand()) {
      const command = this.byKey.get(keyOf(1, interaction.commandName));
      const sub = interaction.options.getSubcommand(false);
      if (!command || isContextMenu(command)) return undefined;
      const declared = command.preconditions?.execute;
      const preconditions = Array.isArray(declared) ? declared : sub ? own(declared as Record<string, readonly Precondition[]> | undefined, sub) : undefined;
      return { name: `/${interaction.commandName}${sub ? ` ${sub}` : ''}`, preconditions, run: (ctx) => command.execute(interaction, ctx) };
    }
    if (interaction.isContextMenuCommand()) {
      const command = this.byKey.get(keyOf(interaction.commandType, interaction.commandName));
      if (!command || !isContextMenu(command)) return undefined;
      return {
        name: `[${interaction.commandName}]`,
        preconditions: command.preconditions?.execute,
        run: (ctx) => command.executeContextMenu(interaction, ctx),
      };
    }
    if (interaction.isAutocomplete()) {
      const command = this.byKey.get(keyOf(1, interaction.commandName));
      if (!command || isContextMenu(command)) return undefined;
      return {
        name: `/${interaction.commandName} (autocomplete)`,
        run: (ctx) => (command.autocomplete ? command.autocomplete(interaction, ctx) : interaction.respond([])),
      };
    }
    if (interaction.isButton() || interaction.isStringSelectMenu()) {
      const { command: name, action, args } = parseCustomId(interaction.customId);
      const command = this.byPrefix.get(name);
      // Own properties only: "gacha:constructor" must not find Object.prototype.constructor.
      const handler = own(command?.components, action);
      return (
        handler && { name: `${name}:${action}`, preconditions: own(command?.preconditions?.components, action), run: (ctx) => handler(interaction, args, ctx) }
      );
    }
    return undefined;
  }
}

/**
 * The bot's context for a user over the drawing limit: everything as usual, except that the
 * first drawing fails at once (before any reply is deferred) with `limited`.
 */
function withoutDrawing(ctx: BotContext, limited: RateLimitedError): BotContext {
  const refuse = { generate: () => Promise.reject(limited) };
  return { ...ctx, core: (limit?: number) => ({ ...ctx.core(limit), generator: refuse }) };
}

/** record[key] when it is the record's own property (custom_ids are user-forgeable text). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

function describe(interaction: Interaction): string {
  if (interaction.isCommand() || interaction.isAutocomplete()) return interaction.commandName;
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return interaction.customId;
  return 'unknown';
}
