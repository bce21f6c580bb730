import { afterEach, describe, expect, it } from 'vitest';
import { DiscordAPIError } from 'discord.js';
import { startHarness, type Harness } from './harness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Discord rules the loopback can enforce', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('GIVEN an ack deadline THEN a reply after it fails with 10062 Unknown interaction and ackMs is not set', async () => {
    h = await startHarness({ ackDeadlineMs: 50 });
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await sleep(150);
      await i.reply('too late');
    });
    const record = h.loop.sendCommand({ name: 'slow' });
    await expect.poll(() => h!.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toBeInstanceOf(DiscordAPIError);
    expect(h.handlerErrors[0]).toMatchObject({ code: 10062, status: 404 });
    expect(record.acknowledged).toBe(false);
    expect(record.ackMs).toBeUndefined();
  });

  it('GIVEN an expired interaction token THEN a follow-up fails with 50027 Invalid Webhook Token', async () => {
    h = await startHarness({ tokenLifetimeMs: 100 });
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await sleep(200);
      await i.editReply('finally');
    });
    const record = h.loop.sendCommand({ name: 'slow' });
    await expect.poll(() => h!.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toMatchObject({ code: 50027, status: 401 });
    expect(record.edits).toHaveLength(0);
  });

  it('GIVEN an edit with only content THEN attachments stay; GIVEN attachments: [] THEN they go', async () => {
    h = await startHarness();
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'v1', files: [{ attachment: Buffer.from('abc'), name: 'a.txt' }] });
      await i.editReply({ content: 'v2' });
      await i.editReply({ content: 'v3', attachments: [] });
    });
    const record = h.loop.sendCommand({ name: 'draw' });
    await record.waitFor((e) => e.message?.content === 'v3');
    const states = record.events.map((e) => [e.message?.content, e.message?.attachments.map((a) => a.filename)]);
    expect(states).toEqual([
      ['v1', ['a.txt']],
      ['v2', ['a.txt']],
      ['v3', []],
    ]);
  });

  it('GIVEN fetchReply and deleteReply THEN @original is served and then marked deleted', async () => {
    h = await startHarness();
    let fetched: string | undefined;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply('to be removed');
      fetched = (await i.fetchReply()).content;
      await i.deleteReply();
    });
    const record = h.loop.sendCommand({ name: 'draw' });
    const deleted = await record.waitFor((e) => e.kind === 'delete');
    expect(fetched).toBe('to be removed');
    expect(deleted.message?.deleted).toBe(true);
    expect(h.loop.message(record.originalMessageId!)?.deleted).toBe(true);
  });

  it('GIVEN a message with too many rows THEN Discord-style 50035 comes back and nothing is recorded', async () => {
    h = await startHarness();
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const row = { type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'x' }] };
      const rows = Array.from({ length: 6 }, (_, n) => ({ ...row, components: [{ ...row.components[0], custom_id: `b${n}` }] }));
      await i.reply({ content: 'rows', components: rows as never });
    });
    const record = h.loop.sendCommand({ name: 'draw' });
    await expect.poll(() => h!.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toMatchObject({ code: 50035 });
    expect(record.acknowledged).toBe(false);
  });

  it('GIVEN the bot calls a route the loopback lacks THEN it gets 404 and the call is listed', async () => {
    h = await startHarness();
    await expect(h.client.rest.get('/guilds/1/audit-logs')).rejects.toMatchObject({ status: 404 });
    expect(h.loop.unhandledRequests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /guilds/1/audit-logs']);
  });

  it('GIVEN a RegExp fault pattern THEN it matches METHOD and path', async () => {
    h = await startHarness();
    const fault = h.loop.failNext(/^POST \/channels\/\d+\/messages$/, { status: 503 }, 1);
    const channel = h.client.channels.cache.get(h.loop.fixtures.channel.id);
    if (!channel?.isSendable()) throw new Error('fixture channel should be sendable');
    const sent = await channel.send('hello channel');
    expect(fault.hits).toBe(1);
    expect(h.loop.messages.at(-1)).toMatchObject({ id: sent.id, kind: 'channel', content: 'hello channel' });
  });
});
