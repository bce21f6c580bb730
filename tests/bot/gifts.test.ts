/**
 * /favorite give end to end through the loopback Discord on SQLite: the offer message (her
 * picture, who is pinged), the receiver's Accept/Decline, clicks by anyone else, the limits on
 * givers, blocks after declines, a full list, expiry, a restart between offer and accept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { openDatabase } from '../../src/store/open.ts';
import { CALLBACK, type ApiObject, type MessageView } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { customIds, findId, PNG_SIGNATURE, startWorld, type World } from './harness.ts';

describe('gifts: /favorite give', () => {
  let w: World;
  let bot: Bot;
  let seed = 100;

  beforeAll(async () => {
    w = await startWorld();
    bot = await w.startBot();
  });
  afterAll(() => w.close());

  /** Adds a new girl to `user`'s favourites (she becomes #1). */
  const keep = async (user: ApiObject, name?: string) => {
    const model = bot.ctx.runtime.catalog.get('tiny')!;
    const code = shareCodeOf({ modelId: 'tiny', z: seedToZ(seed++, model.zDim), tags: model.vocabulary.toVector(['smile']) });
    const added = await w.loop.sendCommand({ name: 'favorite', subcommand: 'add', options: { code, ...(name ? { name } : {}) }, user }).finalMessage();
    expect(added.content).toMatch(/Saved as your newest favourite, #1/);
  };
  const give = (from: ApiObject, to: ApiObject, extra: { slot?: number; locale?: string; dm?: boolean } = {}) =>
    w.loop.sendCommand({
      name: 'favorite',
      subcommand: 'give',
      options: { slot: extra.slot ?? 1, to },
      user: from,
      ...(extra.locale ? { locale: extra.locale } : {}),
      ...(extra.dm ? { dm: true } : {}),
    });
  /** /favorite give, then the public offer message. */
  const offer = async (from: ApiObject, to: ApiObject, extra: { locale?: string } = {}) => {
    const rec = give(from, to, extra);
    return { rec, message: await rec.finalMessage({ where: (m) => !m.ephemeral }) };
  };
  const click = (message: MessageView, action: 'accept' | 'decline', user: ApiObject) =>
    w.loop.clickButton({ customId: findId(message, `favorite:gift-${action}:`), message, user });
  /** The refusal a /favorite give got (private, nothing public posted). */
  const refusal = async (rec: ReturnType<typeof give>) => {
    const m = await rec.finalMessage();
    expect(m.ephemeral).toBe(true);
    expect(rec.events.some((e) => e.message && !e.message.ephemeral)).toBe(false);
    return m.content;
  };

  it('GIVEN a named favourite given to bob THEN the offer shows her picture, pings bob alone, and the giver is told privately', async () => {
    const { alice, bob } = w.loop.fixtures.users;
    await keep(alice, '**Rin** @everyone');
    const { rec, message } = await offer(alice, bob);
    expect(rec.events[0]).toMatchObject({ callbackType: CALLBACK.DEFER });
    expect(message.kind).toBe('followup');
    expect(message.content).toContain(`<@${bob.id}>, <@${alice.id}> would like to give you a girl`);
    expect(message.content).toContain('\\*\\*Rin\\*\\*'); // her name is user text: markdown escaped
    expect(message.pinged).toEqual([bob.id]); // not alice, not @everyone
    expect(message.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(customIds(message)).toEqual([expect.stringMatching(/^favorite:gift-accept:\d+$/), expect.stringMatching(/^favorite:gift-decline:\d+$/)]);
    const told = await rec.finalMessage({ where: (m) => m.ephemeral });
    expect(told.content).toMatch(/favourite #1 “\\\*\\\*Rin\\\*\\\* \\@everyone” is offered to <@\d+>.*Gifts waiting for an answer: 1\/3/s);

    // Someone else's click is refused privately and changes nothing.
    const carol = makeUser('carol');
    const stranger = click(message, 'accept', carol);
    expect((await stranger.finalMessage()).content).toBe(`This gift is for <@${bob.id}>: only they can accept or decline it.`);
    expect(stranger.ephemeral).toBe(true);
    expect(await bot.ctx.favourites.count(carol.id)).toBe(0);
    expect(customIds(w.loop.message(message.id)!)).toHaveLength(2);
    const giverDeclines = click(message, 'decline', alice);
    expect((await giverDeclines.finalMessage()).content).toMatch(/only they can/);

    // Bob accepts with a double click: one press takes, the offer becomes the result, alice is
    // pinged once, bob has her once, with her name; the other press finds her already accepted.
    const presses = [click(message, 'accept', bob), click(message, 'accept', bob)];
    const answers = await Promise.all(presses.map((p) => p.finalMessage()));
    const won = answers.findIndex((m) => /she is now their favourite/.test(m.content));
    expect(won).toBeGreaterThanOrEqual(0);
    const [yes, updated] = [presses[won]!, answers[won]!];
    expect(answers[1 - won]!.content).toBe(`🎁 <@${alice.id}>’s gift to <@${bob.id}> has been accepted.`);
    expect(yes.callbackType).toBe(CALLBACK.UPDATE);
    expect(updated.content).toMatch(new RegExp(`<@${bob.id}> accepted <@${alice.id}>’s gift: she is now their favourite #1 .*\\(1/7\\)`));
    expect(updated.components).toEqual([]);
    expect(yes.events[0]!.payload?.data?.allowed_mentions).toEqual({ parse: [] }); // an edit pings nobody anyway
    const ping = (await yes.waitFor((e) => e.kind === 'followup')).message!;
    expect(ping.content).toBe(`🎁 <@${alice.id}>: <@${bob.id}> accepted your gift “\\*\\*Rin\\*\\* \\@everyone”.`);
    expect(ping.pinged).toEqual([alice.id]);
    expect((await bot.ctx.favourites.list(bob.id)).map((f) => f.name)).toEqual(['**Rin** @everyone']);
    expect(await bot.ctx.favourites.count(alice.id)).toBe(1);
  });

  it('GIVEN a name with a masked link, a mention and a bidi override THEN the offer shows it as plain text and the receiver keeps it as it was', async () => {
    const wes = makeUser('wes');
    const xia = makeUser('xia');
    const name = '[x](https://e.vil) <@42> \u202eab'; // ≤ 32 characters
    await keep(wes, name);
    const { message } = await offer(wes, xia);
    expect(message.content).toContain('“\\[x\\](https\\://e.vil) \\<\\@42> ab”'); // userText: as typed, never a link or a mention
    expect(message.content).not.toContain('\u202e');
    expect(message.pinged).toEqual([xia.id]);
    await click(message, 'accept', xia).finalMessage();
    expect((await bot.ctx.favourites.list(xia.id)).map((f) => f.name)).toEqual([name]);
  });

  it('GIVEN gifts to yourself, to a bot, in the bot DM or of a slot you lack THEN each is refused privately and nothing is offered', async () => {
    const dan = makeUser('dan');
    await keep(dan);
    expect(await refusal(give(dan, dan))).toMatch(/cannot give a girl to yourself/);
    expect(await refusal(give(dan, w.loop.fixtures.bot))).toMatch(/Bots do not keep favourites/);
    expect(await refusal(give(dan, w.loop.fixtures.users.bob, { dm: true }))).toMatch(/Nobody else sees this chat/);
    expect(await refusal(give(dan, w.loop.fixtures.users.bob, { slot: 2 }))).toMatch(/no favourite #2/);
    expect(await refusal(give(makeUser('nobody'), dan))).toMatch(/no favourites yet/);
    expect(await bot.ctx.gifts.pendingFrom(dan.id)).toEqual([]);
  });

  it('GIVEN Discord refuses the offer message THEN the giver is told privately and the offer is withdrawn, not left waiting', async () => {
    const una = makeUser('una');
    await keep(una);
    const refused = w.loop.failNext('POST /webhooks/:app/:token', { status: 403, body: { code: 50001, message: 'Missing Access' } });
    const rec = give(una, makeUser('vic'));
    const apology = await rec.finalMessage({ where: (m) => m.ephemeral });
    expect(refused.hits).toBe(1);
    expect(apology.content).toMatch(/^Sorry — something went wrong on our side while running \/favorite give/);
    expect(rec.events.some((e) => e.message && !e.message.ephemeral)).toBe(false);
    expect(await bot.ctx.gifts.pendingFrom(una.id)).toEqual([]);
  });

  it('GIVEN the giver’s private confirmation fails after the offer went out THEN the offer stands and the receiver can accept it', async () => {
    const ada = makeUser('ada');
    const ben = makeUser('ben');
    await keep(ada);
    const lost = w.loop.failNext('PATCH /webhooks/:app/:token/messages/@original', { status: 404, body: { code: 10015, message: 'Unknown Webhook' } });
    const rec = give(ada, ben);
    const message = await rec.finalMessage({ where: (m) => !m.ephemeral });
    await expect.poll(() => w.logs.some((l) => l.includes('its confirmation to the giver failed'))).toBe(true);
    expect(lost.hits).toBe(1);
    expect(await bot.ctx.gifts.pendingFrom(ada.id)).toHaveLength(1);
    expect((await click(message, 'accept', ben).finalMessage()).content).toMatch(/she is now their favourite #1/);
  });

  it('GIVEN pinging the giver fails after an accept THEN the receiver is not told it failed: she is kept', async () => {
    const cal = makeUser('cal');
    const dee = makeUser('dee');
    await keep(cal);
    const { message } = await offer(cal, dee);
    w.loop.failNext('POST /webhooks/:app/:token', { status: 403, body: { code: 50001, message: 'Missing Access' } });
    const yes = click(message, 'accept', dee);
    expect((await yes.finalMessage()).content).toMatch(/she is now their favourite #1/);
    await expect.poll(() => w.logs.some((l) => l.includes('pinging the giver failed'))).toBe(true);
    expect(yes.events.filter((e) => e.message?.ephemeral)).toEqual([]);
    expect(await bot.ctx.favourites.count(dee.id)).toBe(1);
  });

  it('GIVEN Discord makes the offer private (a server denying "Use External Apps") THEN it is withdrawn and the giver told why', async () => {
    const yan = makeUser('yan');
    await keep(yan);
    // What Discord answers then: the follow-up was created, but ephemeral, whatever the bot asked.
    const { bot: author, channel } = w.loop.fixtures;
    const ephemeralAnswer = {
      id: '1',
      channel_id: channel.id,
      type: 0,
      author,
      content: '',
      flags: 64,
      timestamp: new Date().toISOString(),
      attachments: [],
      embeds: [],
      components: [],
      mentions: [],
      mention_roles: [],
      pinned: false,
      tts: false,
      mention_everyone: false,
      edited_timestamp: null,
    };
    const forced = w.loop.failNext('POST /webhooks/:app/:token', { status: 200, body: ephemeralAnswer });
    const rec = give(yan, makeUser('zoe'));
    const told = await rec.finalMessage({ where: (m) => m.ephemeral && /withdrawn/.test(m.content) });
    expect(forced.hits).toBe(1);
    expect(told.content).toMatch(/^This server lets me answer you only privately, so <@\d+> could not see the offer; it has been withdrawn\./);
    expect(await bot.ctx.gifts.pendingFrom(yan.id)).toEqual([]);
  });

  it('GIVEN 3 open offers THEN a 4th is refused; a second gift to one person is refused while the first waits', async () => {
    const eve = makeUser('eve');
    for (let i = 0; i < 4; i++) await keep(eve);
    await offer(eve, makeUser('r1'));
    const r2 = makeUser('r2');
    await offer(eve, r2);
    expect(await refusal(give(eve, r2, { slot: 2 }))).toMatch(
      /^<@\d+> has not answered your last gift yet \(it waits until <t:\d+:f>\): one gift at a time to each person\.$/,
    );
    await offer(eve, makeUser('r3'), { locale: 'ja' });
    expect(await refusal(give(eve, makeUser('r4'), { slot: 2 }))).toMatch(/already have 3 gifts waiting/);
  });

  it('GIVEN a receiver declines a giver three times THEN the offer is dropped each time, she is told on the third, and the giver can offer her no more', async () => {
    const fay = makeUser('fay');
    const gus = makeUser('gus');
    const declines = [];
    for (let round = 1; round <= 3; round++) {
      await keep(fay);
      const { message } = await offer(fay, gus);
      const no = click(message, 'decline', gus);
      declines.push(no);
      const updated = await no.finalMessage();
      expect(updated.content).toBe(`<@${gus.id}> declined <@${fay.id}>’s gift.`);
      expect(updated.components).toEqual([]);
    }
    const notice = await declines[2]!.waitFor((e) => e.kind === 'followup');
    expect(notice.message).toMatchObject({ ephemeral: true, content: `You have declined 3 gifts from <@${fay.id}>, so they cannot offer you more.` });
    expect(await bot.ctx.favourites.count(gus.id)).toBe(0);
    await keep(fay);
    expect(await refusal(give(fay, gus))).toBe(`<@${gus.id}> has declined 3 of your gifts, so you cannot offer them more.`);
    // The first two declines (long finished by now) told her nothing more.
    expect(declines.slice(0, 2).map((d) => d.events.filter((e) => e.kind === 'followup'))).toEqual([[], []]);
  });

  it('GIVEN a receiver with 7 favourites THEN Accept says the list is full and keeps the offer; after a removal Accept works', async () => {
    const hal = makeUser('hal');
    const ivy = makeUser('ivy');
    await keep(hal, 'Yui');
    for (let i = 0; i < 7; i++) await keep(ivy);
    const { message } = await offer(hal, ivy);
    const full = click(message, 'accept', ivy);
    expect((await full.finalMessage()).content).toMatch(/^Your favourites are full \(7\)\. Remove one with \/favorite remove, then press Accept again/);
    expect(full.ephemeral).toBe(true);
    expect(customIds(w.loop.message(message.id)!)).toHaveLength(2);
    await bot.ctx.favourites.remove(ivy.id, 7);
    const ok = await click(message, 'accept', ivy).finalMessage();
    expect(ok.content).toMatch(/she is now their favourite #1 “Yui” \(7\/7\)/);
  });

  it('GIVEN a day passes unanswered THEN Accept finds the offer expired, drops it and adds nothing', async () => {
    const jon = makeUser('jon');
    const kim = makeUser('kim');
    await keep(jon);
    const { message } = await offer(jon, kim);
    const id = Number(findId(message, 'favorite:gift-accept:').split(':')[2]);
    // A day later: the offer's times moved back by a day (the bot's clock is the wall clock).
    const db = await openDatabase(w.config().GFF_DATABASE!);
    try {
      await db.run('UPDATE gift_offers SET created_at = created_at - 86400000, expires_at = expires_at - 86400000 WHERE id = ?', id);
    } finally {
      await db.close();
    }
    const late = await click(message, 'accept', kim).finalMessage();
    expect(late.content).toBe(`<@${jon.id}>’s gift to <@${kim.id}> expired unanswered (offers last a day).`);
    expect(late.components).toEqual([]);
    expect(await bot.ctx.favourites.count(kim.id)).toBe(0);
    expect(await bot.ctx.gifts.pendingFrom(jon.id)).toEqual([]);
  });

  it('GIVEN the bot restarts between offer and accept THEN the old message’s Accept still works', async () => {
    const lea = makeUser('lea');
    const max = makeUser('max');
    await keep(lea, 'Aoi');
    const { message } = await offer(lea, max, { locale: 'ja' });
    expect(message.content).toContain(`<@${max.id}> さん、<@${lea.id}> さんから女の子 “Aoi”の贈り物です`);
    expect(customIds(message)).toHaveLength(2);
    await bot.stop();
    bot = await w.startBot();
    const accepted = click(message, 'accept', max);
    expect((await accepted.finalMessage()).content).toMatch(/accepted .*favourite #1 “Aoi”/);
    expect((await bot.ctx.favourites.list(max.id)).map((f) => f.name)).toEqual(['Aoi']);
  });

  it('GIVEN a Japanese receiver THEN her answers are in Japanese', async () => {
    const ned = makeUser('ned');
    const oki = makeUser('oki');
    await keep(ned);
    const { message } = await offer(ned, oki);
    const refused = await w.loop
      .clickButton({ customId: findId(message, 'favorite:gift-accept:'), message, user: makeUser('pat'), locale: 'ja' })
      .finalMessage();
    expect(refused.content).toBe(`この贈り物は <@${oki.id}> さん宛てです。受け取るか断るかは本人だけが選べます。`);
    const no = await w.loop.clickButton({ customId: findId(message, 'favorite:gift-decline:'), message, user: oki, locale: 'ja' }).finalMessage();
    expect(no.content).toBe(`<@${oki.id}> さんは <@${ned.id}> さんの贈り物を断りました。`);
  });
});
