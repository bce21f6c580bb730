/**
 * Replying with pictures. Discord drops an interaction not acknowledged within 3 s. Work that
 * draws is started first; a picture ready within the reply window (GFF_REPLY_WINDOW_MS) is
 * the reply itself, and a slower one is deferred ("thinking…") and edited in. A failure found
 * by the next turn of the event loop (bad tags, bad code, busy queue: all checked
 * synchronously), or within the window, is answered directly, privately, with no public
 * "thinking…" message left behind.
 */
import { AttachmentBuilder, MessageFlags, type BaseMessageOptions, type MessageComponentInteraction, type RepliableInteraction } from 'discord.js';
import type { Attachment } from '../core/context.ts';
import type { BotContext } from './context.ts';

export const CONTENT_MAX = 2000;

export function clip(text: string, max = CONTENT_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function filesOf(attachments: readonly Attachment[]): AttachmentBuilder[] {
  return attachments.map((a) => new AttachmentBuilder(a.data, { name: a.name }));
}

export type Reply = Pick<BaseMessageOptions, 'content' | 'files' | 'components' | 'embeds'>;

export interface WorkOptions {
  /** Private answer (lists); default public. */
  ephemeral?: boolean;
}

/**
 * Attachments larger than this are always deferred and edited in: the reply itself must reach
 * Discord within its 3 s, and one of this size sent at the window's end (at most 1.2 s) takes
 * 0.85 s more at 5 Mbit/s. A 9-tile 128 px grid is ≈ 55 KB, 25 tiles ≈ 150 KB; animations run
 * to megabytes.
 */
export const DIRECT_REPLY_MAX_BYTES = 512 * 1024;

/** Interactions whose drawing has started (replyAfterWork): the router counts their rate-limit use. */
const drawingStarted = new WeakSet<object>();

/** When the router took each interaction (performance.now()): the reply window counts from there. */
const receivedAt = new WeakMap<object, number>();

/**
 * Notes that the router has just taken `interaction`. Its reply window then ends
 * GFF_REPLY_WINDOW_MS after this moment, however long the store took before drawing began, and
 * so always before the router's own acknowledgement (ack-guard.ts, 1.5 s).
 */
export function noteReceived(interaction: object): void {
  receivedAt.set(interaction, performance.now());
}

/** Whether replyAfterWork started drawing for this interaction (its work passed the first turn). */
export function workStarted(interaction: object): boolean {
  return drawingStarted.has(interaction);
}

/**
 * Starts `work` and lets one turn pass: a refusal it finds at once (bad input, a missing
 * favourite) is thrown here, so it can be answered privately before anything is deferred.
 * The work itself goes on in `pending` (wrapped: awaiting a bare promise would wait for it).
 */
export async function startWork<T>(work: () => Promise<T>): Promise<{ pending: Promise<T> }> {
  let pending: Promise<T>;
  try {
    pending = work();
  } catch (e) {
    pending = Promise.reject(e);
  }
  let failed: { error: unknown } | undefined;
  pending.catch((error: unknown) => {
    failed = { error };
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (failed) throw failed.error;
  return { pending };
}

/** What the helpers below need of the bot's context. */
type ReplyWindow = Pick<BotContext, 'replyWindowMs'>;

/** How a picture is answered: at once, or deferred and edited in. */
interface AnswerPaths {
  direct(reply: Reply): Promise<unknown>;
  defer(): Promise<unknown>;
  edit(reply: Reply): Promise<unknown>;
}

/**
 * Starts `work`; a refusal it finds at once is thrown (answered privately by the router). Once
 * drawing has started, the use counts (workStarted). What the work returns within `windowMs` of
 * the interaction's arrival (noteReceived; of now where the router did not note it), uploading
 * ≤ DIRECT_REPLY_MAX_BYTES, is the answer itself: one request to Discord, no
 * "thinking…". Otherwise the interaction is deferred and the answer edited in.
 */
async function answerAfterWork(interaction: object, windowMs: number, work: () => Promise<Reply>, paths: AnswerPaths): Promise<void> {
  const { pending } = await startWork(work);
  drawingStarted.add(interaction);
  const since = receivedAt.get(interaction);
  const early = await settledWithin(pending, since === undefined ? windowMs : windowMs - (performance.now() - since));
  if (early && attachmentBytes(early.value) <= DIRECT_REPLY_MAX_BYTES) {
    await paths.direct(clipped(early.value));
    return;
  }
  await paths.defer();
  await paths.edit(clipped(early ? early.value : await pending));
}

/**
 * Answers with what `work` draws, as a new reply (answerAfterWork: at once within
 * `ctx.replyWindowMs`, else deferred and edited in). The drawing rate limit is not this
 * helper's business: commands declare it (Command.preconditions) and the router checks it,
 * counting the use once drawing has started here (workStarted).
 */
export function replyAfterWork(interaction: RepliableInteraction, ctx: ReplyWindow, work: () => Promise<Reply>, opts: WorkOptions = {}): Promise<void> {
  const flags = opts.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
  return answerAfterWork(interaction, ctx.replyWindowMs, work, {
    direct: (reply) => interaction.reply({ ...reply, ...flags }),
    defer: () => interaction.deferReply(flags),
    edit: (reply) => interaction.editReply(reply),
  });
}

/**
 * Replaces the clicked message with what `work` draws (answerAfterWork): a refusal found at
 * once is answered privately without touching the message.
 */
export function updateAfterWork(interaction: MessageComponentInteraction, ctx: ReplyWindow, work: () => Promise<Reply>): Promise<void> {
  return answerAfterWork(interaction, ctx.replyWindowMs, work, {
    direct: (reply) => interaction.update({ ...reply, attachments: [] }),
    defer: () => interaction.deferUpdate(),
    edit: (reply) => interaction.editReply({ ...reply, attachments: [] }),
  });
}

function clipped(reply: Reply): Reply {
  return { ...reply, ...(reply.content !== undefined ? { content: clip(reply.content) } : {}) };
}

/** `pending`'s value if it settles within `ms` (its rejection is thrown), else undefined. */
async function settledWithin<T>(pending: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  if (ms <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([pending.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Bytes the reply uploads (a file given other than as a buffer counts as too large to send directly). */
function attachmentBytes(reply: Reply): number {
  let bytes = 0;
  for (const file of reply.files ?? []) {
    const data = file instanceof AttachmentBuilder ? file.attachment : file;
    bytes += Buffer.isBuffer(data) ? data.length : Number.POSITIVE_INFINITY;
  }
  return bytes;
}

/**
 * Whether the clicking user owns the message a component sits on: a private message, or
 * one answering that user's own interaction. custom_ids can be forged onto any message, so
 * handlers that rewrite their message check this first.
 */
export function ownsMessage(interaction: MessageComponentInteraction): boolean {
  const message = interaction.message;
  if (message.flags.has(MessageFlags.Ephemeral)) return true;
  const owner = message.interactionMetadata?.user.id ?? message.interaction?.user.id;
  return owner === interaction.user.id;
}

/** Replaces the message's content (and drops its buttons) when the user owns it; otherwise answers privately. */
export async function updateOwnOrTell(interaction: MessageComponentInteraction, content: string): Promise<void> {
  if (ownsMessage(interaction)) await interaction.update({ content, components: [] });
  else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
