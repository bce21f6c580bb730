import { performance } from 'node:perf_hooks';
import type { ApiObject } from './fixtures.ts';
import type { MessageView } from './messages.ts';

export const CALLBACK = {
  PONG: 1,
  REPLY: 4,
  DEFER: 5,
  DEFER_UPDATE: 6,
  UPDATE: 7,
  AUTOCOMPLETE: 8,
  MODAL: 9,
} as const;

export const INTERACTION = { PING: 1, COMMAND: 2, COMPONENT: 3, AUTOCOMPLETE: 4, MODAL_SUBMIT: 5 } as const;

export interface UploadRecord {
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export type InteractionEventKind = 'callback' | 'edit' | 'followup' | 'delete';

export interface InteractionEvent {
  kind: InteractionEventKind;
  /** ms since the loopback sent the interaction (the 3-second rule applies to the first callback). */
  at: number;
  /** Only for `callback`: 4 reply, 5 defer, 6 deferUpdate, 7 update, 8 autocomplete, 9 modal. */
  callbackType?: number;
  /** The JSON the bot sent: the whole callback body (`{type, data}`) or the webhook body. */
  payload: ApiObject | null;
  /** Files uploaded with this request, bytes intact. */
  uploads: UploadRecord[];
  /** The message as it stood right after this event, if the event touched one. */
  message?: MessageView;
}

export type EventPredicate = (event: InteractionEvent, record: InteractionRecord) => boolean;

interface Waiter {
  predicate: EventPredicate;
  resolve: (event: InteractionEvent) => void;
}

/** Everything the bot did in answer to one interaction, in order. */
export class InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  readonly createdAt = performance.now();
  readonly events: InteractionEvent[] = [];
  originalMessageId?: string;
  /** Discord makes every message of this interaction ephemeral, whatever the bot asks (InteractionContext.forceEphemeral). */
  forcedEphemeral = false;
  private readonly waiters = new Set<Waiter>();

  constructor(
    /** The INTERACTION_CREATE payload as dispatched. */
    readonly payload: ApiObject,
  ) {
    this.id = payload.id;
    this.token = payload.token;
    this.type = payload.type;
  }

  get attachmentSizeLimit(): number {
    return this.payload.attachment_size_limit;
  }

  get elapsedMs(): number {
    return performance.now() - this.createdAt;
  }

  get callback(): InteractionEvent | undefined {
    return this.events.find((e) => e.kind === 'callback');
  }

  get acknowledged(): boolean {
    return this.callback !== undefined;
  }

  get callbackType(): number | undefined {
    return this.callback?.callbackType;
  }

  /** Time from dispatch to the first callback; Discord drops interactions not answered in 3 s. */
  get ackMs(): number | undefined {
    return this.callback?.at;
  }

  /** Whether the bot ASKED for an ephemeral first response; what Discord made of it (forceEphemeral) is `message.ephemeral`. */
  get ephemeral(): boolean {
    const flags = this.callback?.payload?.data?.flags ?? 0;
    return Boolean(flags & 64);
  }

  get edits(): InteractionEvent[] {
    return this.events.filter((e) => e.kind === 'edit');
  }

  get followUps(): MessageView[] {
    return this.events.filter((e) => e.kind === 'followup').map((e) => e.message!);
  }

  get autocompleteChoices(): ApiObject[] | undefined {
    const event = this.events.find((e) => e.callbackType === CALLBACK.AUTOCOMPLETE);
    return event?.payload?.data?.choices;
  }

  get modal(): ApiObject | undefined {
    return this.events.find((e) => e.callbackType === CALLBACK.MODAL)?.payload?.data;
  }

  push(event: Omit<InteractionEvent, 'at'>): InteractionEvent {
    const full = { ...event, at: this.elapsedMs };
    this.events.push(full);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(full, this)) {
        this.waiters.delete(waiter);
        waiter.resolve(full);
      }
    }
    return full;
  }

  /** Resolves with the first event (past or future) matching `predicate`. */
  waitFor(predicate: EventPredicate, timeoutMs = 10_000): Promise<InteractionEvent> {
    const past = this.events.find((e) => predicate(e, this));
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting on interaction ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  waitForCallback(timeoutMs = 10_000): Promise<InteractionEvent> {
    return this.waitFor((e) => e.kind === 'callback', timeoutMs);
  }

  /**
   * Resolves with the first message state the user would see as an answer: a direct reply or
   * update, an edit of a deferred reply, or a follow-up, that has content, embeds, components
   * or attachments (a "thinking…" placeholder does not count). Pass `where` to wait for a later
   * state, e.g. `m => m.attachments.length > 0` for a bot that edits in stages.
   */
  async finalMessage(options: { timeoutMs?: number; where?: (message: MessageView) => boolean } = {}): Promise<MessageView> {
    const where = options.where ?? (() => true);
    const event = await this.waitFor((e) => {
      const visible =
        (e.kind === 'callback' && (e.callbackType === CALLBACK.REPLY || e.callbackType === CALLBACK.UPDATE)) || e.kind === 'edit' || e.kind === 'followup';
      return visible && e.message !== undefined && hasSubstance(e.message) && where(e.message);
    }, options.timeoutMs);
    return event.message!;
  }

  /** One line per event; used in timeout errors so a failing test says what did happen. */
  describe(): string {
    const head = `${this.id} (type ${this.type}, ${this.payload.data?.name ?? this.payload.data?.custom_id ?? '?'})`;
    if (this.events.length === 0) return `${head}: the bot sent nothing`;
    const lines = this.events.map((e) => {
      const what = e.kind === 'callback' ? `callback type ${e.callbackType}` : e.kind;
      const content = e.message ? ` content=${JSON.stringify(e.message.content.slice(0, 80))}` : '';
      const files = e.uploads.length ? ` files=${e.uploads.map((u) => u.filename).join(',')}` : '';
      return `  +${Math.round(e.at)}ms ${what}${content}${files}`;
    });
    return `${head}:\n${lines.join('\n')}`;
  }
}

function hasSubstance(message: MessageView): boolean {
  return !message.loading && (message.content.length > 0 || message.embeds.length > 0 || message.components.length > 0 || message.attachments.length > 0);
}
