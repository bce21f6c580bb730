import { AttachmentBuilder, type MessageComponentInteraction, type RepliableInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DIRECT_REPLY_MAX_BYTES, noteReceived, replyAfterWork, updateAfterWork, workStarted, type Reply } from '../../src/bot/respond.ts';

/** An interaction that records which of its answering methods were called, in order. */
function fakeInteraction() {
  const calls: { method: string; options?: unknown }[] = [];
  const record =
    (method: string) =>
    async (options?: unknown): Promise<void> => {
      calls.push({ method, options });
    };
  const interaction = {
    reply: record('reply'),
    deferReply: record('deferReply'),
    editReply: record('editReply'),
    update: record('update'),
    deferUpdate: record('deferUpdate'),
  };
  return { interaction, calls, methods: () => calls.map((c) => c.method) };
}

const asReply = (i: object) => i as unknown as RepliableInteraction;
const picture = (bytes = 100): Reply => ({ content: 'here she is', files: [new AttachmentBuilder(Buffer.alloc(bytes), { name: 'gacha.png' })] });
const resolveAfter = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(resolve, ms, value));

describe('replying with a picture: at once within the reply window, else "thinking…" then an edit', () => {
  it('GIVEN a picture drawn within the window THEN it is the reply itself, and the drawing counts', async () => {
    const { interaction, calls, methods } = fakeInteraction();
    await replyAfterWork(asReply(interaction), { replyWindowMs: 1000 }, () => resolveAfter(5, picture()), { ephemeral: true });
    expect(methods()).toEqual(['reply']);
    expect(calls[0]!.options).toMatchObject({ content: 'here she is', flags: 64 });
    expect(workStarted(interaction)).toBe(true);
  });

  it('GIVEN a picture slower than the window THEN deferred first, then edited in', async () => {
    const { interaction, methods } = fakeInteraction();
    await replyAfterWork(asReply(interaction), { replyWindowMs: 20 }, () => resolveAfter(150, picture()));
    expect(methods()).toEqual(['deferReply', 'editReply']);
  });

  it('GIVEN the window 0 THEN always deferred first', async () => {
    const { interaction, methods } = fakeInteraction();
    await replyAfterWork(asReply(interaction), { replyWindowMs: 0 }, async () => picture());
    expect(methods()).toEqual(['deferReply', 'editReply']);
  });

  it('GIVEN the window spent before drawing began (a slow store) THEN deferred, though the picture itself was quick', async () => {
    const { interaction, methods } = fakeInteraction();
    noteReceived(interaction);
    await resolveAfter(120, undefined);
    await replyAfterWork(asReply(interaction), { replyWindowMs: 100 }, async () => picture());
    expect(methods()).toEqual(['deferReply', 'editReply']);
  });

  it('GIVEN an upload over the direct-reply limit THEN deferred and edited in, however quick', async () => {
    const { interaction, methods } = fakeInteraction();
    await replyAfterWork(asReply(interaction), { replyWindowMs: 1000 }, async () => picture(DIRECT_REPLY_MAX_BYTES + 1));
    expect(methods()).toEqual(['deferReply', 'editReply']);
  });

  it('GIVEN a refusal found at once THEN nothing is answered here (the router answers privately) and nothing counts', async () => {
    const { interaction, methods } = fakeInteraction();
    await expect(
      replyAfterWork(asReply(interaction), { replyWindowMs: 1000 }, () => {
        throw new Error('unknown tag');
      }),
    ).rejects.toThrow('unknown tag');
    expect(methods()).toEqual([]);
    expect(workStarted(interaction)).toBe(false);
  });

  it('GIVEN a failure within the window THEN it is thrown before any answer, so it can still be private', async () => {
    const { interaction, methods } = fakeInteraction();
    await expect(
      replyAfterWork(asReply(interaction), { replyWindowMs: 1000 }, () => resolveAfter(10, undefined).then(() => Promise.reject(new Error('generator down')))),
    ).rejects.toThrow('generator down');
    expect(methods()).toEqual([]);
  });

  it('GIVEN a button that redraws its message THEN the update itself within the window (old attachments dropped), else deferUpdate then edit', async () => {
    const quick = fakeInteraction();
    await updateAfterWork(quick.interaction as unknown as MessageComponentInteraction, { replyWindowMs: 1000 }, async () => picture());
    expect(quick.methods()).toEqual(['update']);
    expect(quick.calls[0]!.options).toMatchObject({ attachments: [] });
    const slow = fakeInteraction();
    await updateAfterWork(slow.interaction as unknown as MessageComponentInteraction, { replyWindowMs: 20 }, () => resolveAfter(150, picture()));
    expect(slow.methods()).toEqual(['deferUpdate', 'editReply']);
    expect(slow.calls[1]!.options).toMatchObject({ attachments: [] });
  });
});
