import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTPError } from 'discord.js';
import { startHarness, type Harness } from './harness.ts';

const EDIT = 'PATCH /webhooks/:app/:token/messages/@original';
const CALLBACK_ROUTE = 'POST /interactions/:id/:token/callback';

describe('REST faults: discord.js retries by itself', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply(`done ${i.options.getString('tag') ?? ''}`.trim());
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.handlerErrors.length = 0;
    h.loop.clearFaults();
  });

  const statusesFor = (record: { token: string }, method: string) =>
    h.loop.requests.filter((r) => r.method === method && r.path.includes(record.token)).map((r) => r.status);

  it('GIVEN a 429 on the edit THEN discord.js waits retry_after, retries and the edit lands', async () => {
    const fault = h.loop.failNext(EDIT, { status: 429, retryAfter: 0.05 });
    const record = h.loop.sendCommand({ name: 'draw', options: { tag: 'a' } });
    const message = await record.finalMessage();
    expect(message.content).toBe('done a');
    expect(fault.hits).toBe(1);
    expect(statusesFor(record, 'PATCH')).toEqual([429, 200]);
    expect(h.handlerErrors).toEqual([]);
  });

  it('GIVEN a global 429 on the edit THEN the edit still lands', async () => {
    h.loop.failNext(EDIT, { status: 429, retryAfter: 0.05, global: true });
    const record = h.loop.sendCommand({ name: 'draw', options: { tag: 'g' } });
    expect((await record.finalMessage()).content).toBe('done g');
    expect(statusesFor(record, 'PATCH')).toEqual([429, 200]);
  });

  it('GIVEN a 429 on the callback THEN the defer is retried and acknowledged once', async () => {
    h.loop.failNext(CALLBACK_ROUTE, { status: 429, retryAfter: 0.05 });
    const record = h.loop.sendCommand({ name: 'draw', options: { tag: 'c' } });
    expect((await record.finalMessage()).content).toBe('done c');
    expect(statusesFor(record, 'POST')).toEqual([429, 204]);
    expect(record.events.filter((e) => e.kind === 'callback')).toHaveLength(1);
  });

  it('GIVEN a 500 once on the callback THEN discord.js retries and the reply arrives', async () => {
    h.loop.failNext(CALLBACK_ROUTE, { status: 500 });
    const record = h.loop.sendCommand({ name: 'draw', options: { tag: 'x' } });
    expect((await record.finalMessage()).content).toBe('done x');
    expect(statusesFor(record, 'POST')).toEqual([500, 204]);
  });

  it('GIVEN 502 on every attempt THEN editReply fails cleanly with HTTPError after 1 + 3 retries', async () => {
    h.loop.failNext(EDIT, { status: 502 }, 10);
    const record = h.loop.sendCommand({ name: 'draw' });
    await expect.poll(() => h.handlerErrors.length, { timeout: 10_000 }).toBe(1);
    expect(h.handlerErrors[0]).toBeInstanceOf(HTTPError);
    expect((h.handlerErrors[0] as HTTPError).status).toBe(502);
    expect(statusesFor(record, 'PATCH')).toEqual([502, 502, 502, 502]);
    expect(record.edits).toHaveLength(0);
  });
});

describe('gateway drops: the client resumes and keeps working', () => {
  let h: Harness;

  beforeAll(async () => {
    // No 5 s identify throttle, so the invalidated-session case re-identifies at once.
    h = await startHarness({}, { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } });
    h.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply(`pong ${i.commandName}`);
    });
  });
  afterAll(() => h.close());

  it('GIVEN the socket closes with 4000 and an interaction arrives meanwhile THEN the client resumes and gets it replayed', async () => {
    const resumed = h.loop.waitForResume();
    h.loop.dropGateway({ code: 4000 });
    const missed = h.loop.sendCommand({ name: 'while-down' });
    await resumed;
    expect((await missed.finalMessage()).content).toBe('pong while-down');
    expect((await h.loop.sendCommand({ name: 'after' }).finalMessage()).content).toBe('pong after');
    expect(h.loop.gatewayStats.resumes).toBe(1);
    expect(h.loop.gatewayStats.identifies).toBe(1);
  });

  it('GIVEN the TCP connection is killed without a close frame THEN the client resumes', async () => {
    const resumed = h.loop.waitForResume();
    h.loop.dropGateway({ terminate: true });
    await resumed;
    expect((await h.loop.sendCommand({ name: 'after-kill' }).finalMessage()).content).toBe('pong after-kill');
  });

  it('GIVEN Discord asks for a reconnect (op 7) THEN the client resumes', async () => {
    const resumed = h.loop.waitForResume();
    h.loop.requestReconnect();
    await resumed;
    expect((await h.loop.sendCommand({ name: 'after-op7' }).finalMessage()).content).toBe('pong after-op7');
  });

  it('GIVEN the session is invalidated THEN the client identifies again and a later interaction works', async () => {
    const identifiesBefore = h.loop.gatewayStats.identifies;
    h.loop.dropGateway({ invalidate: true });
    // There is no session to queue into until the client identifies anew.
    expect(() => h.loop.sendCommand({ name: 'nobody' })).toThrow(/No bot session/);
    await h.loop.waitForReady();
    expect(h.loop.gatewayStats.identifies).toBe(identifiesBefore + 1);
    expect((await h.loop.sendCommand({ name: 'after-reidentify' }).finalMessage()).content).toBe('pong after-reidentify');
  });
});
