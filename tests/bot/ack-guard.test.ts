/**
 * The router's acknowledgement guard (src/bot/ack-guard.ts) on a stand-in interaction: a
 * handler that answers in time is left alone; a slow one is deferred for, privately, and its
 * later reply/update land as edits of that placeholder — even when they come while the
 * deferral is still on its way.
 */
import { MessageFlags, type Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { guardAcknowledgement } from '../../src/bot/ack-guard.ts';

/** Records the calls; deferReply resolves only when `finishDefer()` is called. */
function fakeInteraction(kind: 'command' | 'autocomplete' = 'command') {
  const calls: { name: string; arg: unknown }[] = [];
  let finishDefer = () => {};
  const deferred = new Promise<void>((resolve) => (finishDefer = resolve));
  let onAutoDefer = () => {};
  const autoDeferSeen = new Promise<void>((resolve) => (onAutoDefer = resolve));
  const record = (name: string) => async (arg: unknown) => {
    calls.push({ name, arg });
  };
  const interaction = {
    isAutocomplete: () => kind === 'autocomplete',
    isRepliable: () => kind === 'command',
    reply: record('reply'),
    update: record('update'),
    editReply: record('editReply'),
    deferUpdate: record('deferUpdate'),
    respond: record('respond'),
    deferReply: async (arg: unknown) => {
      calls.push({ name: 'deferReply', arg });
      onAutoDefer();
      await deferred;
    },
  };
  return { interaction: interaction as unknown as Interaction & Record<string, (a?: unknown) => Promise<unknown>>, calls, finishDefer, autoDeferSeen };
}

describe('acknowledging for a slow handler', () => {
  it('GIVEN a handler that replies at once THEN the guard sends nothing of its own', async () => {
    const f = fakeInteraction();
    const guard = guardAcknowledgement(f.interaction, 10);
    await f.interaction.reply({ content: 'hi' });
    await new Promise((r) => setTimeout(r, 30));
    guard.stop();
    expect(f.calls.map((c) => c.name)).toEqual(['reply']);
    expect(guard.autoAcknowledged).toBe(false);
  });

  it('GIVEN a handler silent past the limit THEN a private deferral goes out; its reply and update, even while that is in flight, become edits after it', async () => {
    const f = fakeInteraction();
    const guard = guardAcknowledgement(f.interaction, 1);
    await f.autoDeferSeen;
    expect(f.calls[0]).toEqual({ name: 'deferReply', arg: { flags: MessageFlags.Ephemeral } });
    const replied = f.interaction.reply({ content: 'done', flags: MessageFlags.Ephemeral });
    const updated = f.interaction.update({ content: 'changed', components: [] });
    await new Promise((r) => setTimeout(r, 10));
    expect(f.calls.map((c) => c.name)).toEqual(['deferReply']); // nothing may overtake the deferral
    f.finishDefer();
    await Promise.all([replied, updated]);
    expect(f.calls.slice(1)).toEqual([
      { name: 'editReply', arg: { content: 'done' } },
      { name: 'editReply', arg: { content: 'changed', components: [] } },
    ]);
    expect(guard.autoAcknowledged).toBe(true);
    expect(guard.handlerDeferred).toBe(false);
    await f.interaction.deferReply({});
    expect(guard.handlerDeferred).toBe(true); // the handler started drawing: its rate-limit use stands
    expect(f.calls.filter((c) => c.name === 'deferReply')).toHaveLength(1);
  });

  it('GIVEN a slow autocomplete THEN an empty list answers in time and the late answer is dropped', async () => {
    const f = fakeInteraction('autocomplete');
    guardAcknowledgement(f.interaction, 1);
    await expect.poll(() => f.calls.length).toBe(1);
    await f.interaction.respond([{ name: 'late', value: 'late' }]);
    expect(f.calls).toEqual([{ name: 'respond', arg: [] }]);
  });
});
