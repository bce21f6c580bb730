/**
 * Discord drops an interaction that is not acknowledged within 3 s, and its error reply with
 * it. Handlers acknowledge quickly when they can, but some must ask the store first (a
 * favourite to show, a ⭐ to save, the shared rate limit) and a slow or hung store (up to its
 * timeouts, GFF_DB_*_TIMEOUT_MS) would let the window pass. The guard acknowledges for the
 * handler when it has not done so after `afterMs`: a private "thinking…" (deferReply,
 * ephemeral) for commands and components, an empty choice list for autocomplete. The
 * handler's later calls are redirected so that it need not know: reply/update become
 * editReply of that placeholder, deferReply/deferUpdate become no-ops. Private because the
 * handler's own reply might have been private (a favourites list must never go public); a
 * public picture then arrives privately — rare, and better than no answer.
 */
import { MessageFlags, type Interaction } from 'discord.js';

/** Leaves a second of the 3 s for the gateway's delivery and a busy event loop. */
export const DEFAULT_ACK_AFTER_MS = 1500;

export interface AckGuard {
  /** Whether the handler itself deferred (started work that answers later), as opposed to the guard. */
  readonly handlerDeferred: boolean;
  /** Whether the guard acknowledged for the handler. */
  readonly autoAcknowledged: boolean;
  /** Stops the timer (the handler has finished). */
  stop(): void;
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;

/**
 * Watches `interaction` from now on. `onAutoAck` hears of each guard acknowledgement (logging);
 * `onError` of one that failed (the interaction expired meanwhile).
 */
export function guardAcknowledgement(
  interaction: Interaction,
  afterMs: number,
  hooks: { onAutoAck?: () => void; onError?: (e: unknown) => void } = {},
): AckGuard {
  const target = interaction as unknown as Record<string, AnyFn>;
  // The interaction's own methods, bound before any is redirected.
  const originals = new Map<string, AnyFn>();
  for (const name of ['respond', 'reply', 'update', 'deferReply', 'deferUpdate', 'editReply', 'showModal']) {
    if (typeof target[name] === 'function') originals.set(name, target[name].bind(interaction));
  }
  const original = (name: string): AnyFn | undefined => originals.get(name);
  const call = (name: string, args: unknown[]): Promise<unknown> => {
    const f = original(name);
    if (!f) return Promise.reject(new TypeError(`interaction has no ${name}()`));
    return f(...args);
  };
  let handlerAcked = false;
  let handlerDeferred = false;
  let auto: Promise<unknown> | undefined;
  const redirect = (name: string, viaAuto: (args: unknown[]) => Promise<unknown>, deferral = false) => {
    if (!original(name)) return;
    target[name] = (...args: unknown[]) => {
      if (deferral) handlerDeferred = true;
      if (!auto) {
        handlerAcked = true;
        return call(name, args);
      }
      return auto.then(() => viaAuto(args));
    };
  };
  if (interaction.isAutocomplete()) {
    redirect('respond', () => Promise.resolve(undefined));
  } else if (interaction.isRepliable()) {
    // After the guard's deferReply: the placeholder is the reply.
    const asEdit = (args: unknown[]) => call('editReply', [withoutFlags(args[0])]);
    redirect('reply', asEdit);
    redirect('update', asEdit);
    redirect('deferReply', () => Promise.resolve(undefined), true);
    redirect('deferUpdate', () => Promise.resolve(undefined), true);
    // A modal cannot follow a deferral (Discord refuses it, as it would refuse it late): tracked
    // only, so that a handler's own modal is not followed by the guard's deferral.
    redirect('showModal', (args) => call('showModal', args));
  } else {
    return { handlerDeferred: false, autoAcknowledged: false, stop: () => undefined };
  }
  const timer = setTimeout(() => {
    if (handlerAcked) return;
    hooks.onAutoAck?.();
    auto = interaction.isAutocomplete() ? call('respond', [[]]) : call('deferReply', [{ flags: MessageFlags.Ephemeral }]);
    auto.catch((e: unknown) => hooks.onError?.(e));
  }, afterMs);
  timer.unref?.();
  return {
    get handlerDeferred() {
      return handlerDeferred;
    },
    get autoAcknowledged() {
      return auto !== undefined;
    },
    stop: () => clearTimeout(timer),
  };
}

/** Reply options minus `flags` (an edit cannot change whether the placeholder is private). */
function withoutFlags(options: unknown): unknown {
  if (typeof options === 'string' || options === null || typeof options !== 'object') return options;
  const { flags: _flags, ephemeral: _ephemeral, fetchReply: _fetchReply, withResponse: _withResponse, ...rest } = options as Record<string, unknown>;
  return rest;
}
