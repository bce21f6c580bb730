/**
 * User options (resolved users and members, as Discord sends them) and who a message pings
 * (`MessageView.pinged`, from its content and allowed_mentions; edits and ephemeral messages
 * ping nobody).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageFlags, type GuildMember, type User } from 'discord.js';
import { makeUser } from '../../../testkit/discord/fixtures.ts';
import { pingedBy } from '../../../testkit/discord/messages.ts';
import { startHarness, type Harness } from './harness.ts';

describe('pingedBy: Discord’s rule for who a new message notifies', () => {
  const a = '100000000000000001';
  const b = '100000000000000002';
  const role = '100000000000000003';
  const text = `<@${a}> and <@!${b}>, <@&${role}> @everyone`;

  it('GIVEN no allowed_mentions THEN everything in the content pings', () => {
    expect(pingedBy(text, undefined)).toEqual([a, b, `role:${role}`, 'everyone']);
  });

  it('GIVEN parse: [] THEN nobody; GIVEN users: [a] THEN a alone; a listed id not in the content pings nobody', () => {
    expect(pingedBy(text, { parse: [] })).toEqual([]);
    expect(pingedBy(text, { users: [a] })).toEqual([a]);
    expect(pingedBy('hello', { users: [a] })).toEqual([]);
    expect(pingedBy(text, { parse: ['users'] })).toEqual([a, b]);
    expect(pingedBy(text, { parse: ['everyone'], roles: [role] })).toEqual([`role:${role}`, 'everyone']);
  });
});

describe('user options and pings through the loopback', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.handlerErrors.length = 0;
  });

  it('GIVEN a user object as an option value THEN the bot reads the user (and in a guild the member) from the resolved data', async () => {
    const carol = makeUser('carol');
    let seen: { user: User | null; member: GuildMember | null } | undefined;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = { user: i.options.getUser('to'), member: i.options.getMember('to') as GuildMember | null };
      await i.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    });
    await h.loop.sendCommand({ name: 'give', options: { to: carol, slot: 1 } }).finalMessage();
    expect(seen?.user?.id).toBe(carol.id);
    expect(seen?.user?.username).toBe('carol');
    expect(seen?.member?.id).toBe(carol.id);

    await h.loop.sendCommand({ name: 'give', options: { to: carol }, dm: true }).finalMessage();
    expect(seen?.user?.id).toBe(carol.id);
    expect(seen?.member).toBeNull();
    expect(h.handlerErrors).toEqual([]);
  });

  it('GIVEN a follow-up that allows one user THEN that user alone is pinged; an edit adding mentions pings nobody; an ephemeral one neither', async () => {
    const { alice, bob } = h.loop.fixtures.users;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply({ content: `<@${bob.id}> edited in`, allowedMentions: { users: [bob.id] } });
      await i.followUp({ content: `<@${bob.id}> and <@${alice.id}> @everyone`, allowedMentions: { users: [bob.id] } });
      await i.followUp({ content: `<@${bob.id}> privately`, flags: MessageFlags.Ephemeral, allowedMentions: { users: [bob.id] } });
    });
    const rec = h.loop.sendCommand({ name: 'ping' });
    const ephemeral = (await rec.waitFor((e) => e.kind === 'followup' && e.message!.ephemeral)).message!;
    const messages = rec.events.filter((e) => e.message).map((e) => [e.kind, e.message!.pinged]);
    expect(messages).toEqual([
      ['callback', []],
      ['edit', []],
      ['followup', [bob.id]],
      ['followup', []],
    ]);
    expect(ephemeral.pinged).toEqual([]);
    expect(h.handlerErrors).toEqual([]);
  });

  it('GIVEN allowed_mentions that parse users and also list some THEN Discord’s 50035 comes back', async () => {
    const { bob } = h.loop.fixtures.users;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: `<@${bob.id}>`, allowedMentions: { parse: ['users'], users: [bob.id] } });
    });
    h.loop.sendCommand({ name: 'ping' });
    await expect.poll(() => h.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toMatchObject({ code: 50035 });
  });
});
