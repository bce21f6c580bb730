/**
 * Replying with pictures. Discord drops an interaction not acknowledged within 3 s, so
 * work that draws is started first and the reply deferred at once — unless the work has
 * already failed by the next turn of the event loop (bad tags, bad code, busy queue: all
 * checked synchronously), in which case the error is answered directly, privately, with
 * no public "thinking…" message left behind.
 */
import { AttachmentBuilder, MessageFlags, type BaseMessageOptions, type MessageComponentInteraction, type RepliableInteraction } from 'discord.js';
import type { Attachment } from '../core/context.ts';

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

/**
 * Starts `work`, then defers and edits in its reply. The drawing rate limit is not this
 * helper's business: commands declare it (Command.preconditions) and the router checks it,
 * counting the use only when this helper has deferred (drawing started).
 */
export async function replyAfterWork(interaction: RepliableInteraction, work: () => Promise<Reply>, opts: WorkOptions = {}): Promise<void> {
  const { pending } = await startWork(work);
  await interaction.deferReply(opts.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const reply = await pending;
  await interaction.editReply({ ...reply, ...(reply.content !== undefined ? { content: clip(reply.content) } : {}) });
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
