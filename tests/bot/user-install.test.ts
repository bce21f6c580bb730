/**
 * The bot used through a user install (the app added to a user's account): in a group DM and
 * in a server it is not in, where Discord may force every reply ephemeral. Everything must go
 * through the interaction: no REST call other than interaction callbacks and webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPayloads, registerCommands, type Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { loadResult, tileGirl } from '../../src/commands/shared/stored-pictures.ts';
import { CALLBACK, CONTEXT, INTEGRATION, type InteractionContext, type MessageView } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { customIds, findId, PNG_SIGNATURE, starButtons, startWorld, type World } from './harness.ts';

type Where = { name: string; context: InteractionContext; ephemeralAlways: boolean };

describe('user install: the bot answers through the interaction alone', () => {
  let w: World;
  let bot: Bot;
  let mark = 0;
  const resultId = (m: MessageView) => findId(m, 'gacha:codes:').split(':')[2]!;
  const codeOfTile = async (m: MessageView, tile: number) => shareCodeOf(tileGirl(bot.ctx, await loadResult(bot.ctx, resultId(m)), tile));

  beforeAll(async () => {
    w = await startWorld();
    // User installs see global commands only: register them as `npm run deploy-commands -- --global` does.
    await registerCommands({ token: w.loop.token, appId: w.loop.fixtures.application.id, api: w.loop.restApi });
    bot = await w.startBot();
  });
  afterAll(() => w.close());

  it('GIVEN global registration THEN every command is offered to guild and user installs in servers, bot DMs and private channels; guild registration leaves both out', () => {
    const global = w.loop.commands.list();
    expect(global.map((c) => [c.name, c.type])).toEqual(commandPayloads().map((c) => [c.name, c.type ?? 1]));
    for (const c of global) {
      expect(c.integration_types, c.name).toEqual([INTEGRATION.GUILD_INSTALL, INTEGRATION.USER_INSTALL]);
      expect(c.contexts, c.name).toEqual([CONTEXT.GUILD, CONTEXT.BOT_DM, CONTEXT.PRIVATE_CHANNEL]);
    }
    for (const c of w.loop.commands.list(w.loop.fixtures.guild.id)) expect([c.integration_types, c.contexts], c.name).toEqual([undefined, undefined]);
  });

  const places: Where[] = [
    { name: 'a group DM (context 2, no guild, no member)', context: { privateChannel: true }, ephemeralAlways: false },
    { name: 'a server the bot is not in, which forces replies ephemeral', context: { userInstall: true, forceEphemeral: true }, ephemeralAlways: true },
  ];

  describe.each(places)('in $name', ({ context, ephemeralAlways }) => {
    const alice = () => w.loop.fixtures.users.alice;
    const bob = () => w.loop.fixtures.users.bob;
    beforeAll(() => {
      mark = w.loop.requests.length;
    });

    it('GIVEN /gacha, ⭐ by another user, 🔀, 🔄 and 📋 THEN all work and every message is an interaction response', async () => {
      const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'blonde_hair', count: 4 }, user: alice(), ...context });
      const grid = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(rec.payload.authorizing_integration_owners).toMatchObject({ [INTEGRATION.USER_INSTALL]: alice().id });
      expect(rec.payload.guild_id === undefined).toBe(Boolean(context.privateChannel));
      expect(grid.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(grid.ephemeral).toBe(ephemeralAlways);
      expect(starButtons(grid)).toHaveLength(4);

      const star = w.loop.clickButton({ customId: starButtons(grid)[1]!, message: grid, user: bob(), ...context });
      expect((await star.finalMessage()).content).toMatch(/Saved tile 2 as your newest favourite, #1/);
      expect(star.payload.context).toBe(rec.payload.context);
      const kept = (await bot.ctx.favourites.list(bob().id))[0]!.z;
      const tile2 = tileGirl(bot.ctx, await loadResult(bot.ctx, resultId(grid)), 2).z;
      expect(Math.max(...kept.map((v, i) => Math.abs(v - tile2[i]!)))).toBeLessThan(0.01); // stored as float16

      const vars = await w.loop
        .selectMenu({ customId: findId(grid, 'gacha:variations:'), message: grid, values: ['3'], user: bob(), ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(vars.content).toMatch(/variations of tile 3/);
      expect(vars.ephemeral).toBe(ephemeralAlways);
      const again = await w.loop
        .clickButton({ customId: findId(grid, 'gacha:reroll:'), message: grid, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(again.content).toMatch(/blonde_hair/);
      const codes = await w.loop.clickButton({ customId: findId(grid, 'gacha:codes:'), message: grid, ...context }).finalMessage();
      expect(codes.content + codes.attachments.map((a) => a.data.toString()).join('')).toContain(await codeOfTile(grid, 1));
      expect(w.loop.requestsBeyondInteractions(mark)).toEqual([]);
    });

    it('GIVEN the tag picker, /favorite add, list, show, rename and remove, /morph, /blend, /restyle, /generate, /tags and autocomplete THEN they answer too, and bad input is told privately', async () => {
      const carol = makeUser('carol');
      const picker = await w.loop.sendCommand({ name: 'gacha', options: { count: 2 }, user: carol, ...context }).finalMessage();
      const menu = customIds(picker).find((id) => id.startsWith('gacha:pick:'))!;
      const ticked = await w.loop
        .selectMenu({ customId: menu, message: picker, values: [picker.components[0]!.components[0].options[0].value], user: carol, ...context })
        .finalMessage();
      const drawn = await w.loop
        .clickButton({ customId: findId(ticked, 'gacha:draw:'), message: ticked, user: carol, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(starButtons(drawn)).toHaveLength(2);

      const fav = (subcommand: string, options: Record<string, string | number> = {}) =>
        w.loop
          .sendCommand({ name: 'favorite', subcommand, options, user: carol, ...context })
          .finalMessage({ where: (m) => m.attachments.length > 0 || m.content !== '' });
      expect((await fav('add', { code: await codeOfTile(drawn, 1), name: 'Ami' })).content).toMatch(/favourite, #1 “Ami”/);
      expect((await fav('add', { code: await codeOfTile(drawn, 2) })).content).toMatch(/favourite, #1/);
      const list = await fav('list');
      expect(list.ephemeral).toBe(true);
      expect(list.embeds[0]!.title).toMatch(/Your favourites \(2\/7\)/);
      expect((await fav('show', { slot: 2 })).content).toMatch(/Favourite #2 “Ami”/);
      expect((await fav('rename', { slot: 1, name: 'Bea' })).content).toMatch(/now called \*\*Bea\*\*/);
      const morph = await w.loop
        .sendCommand({ name: 'morph', options: { slot: 1, to: 'red_hair', steps: 3 }, user: carol, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(morph.content).toMatch(/Morph of #1 “Bea”/);
      const blend = await w.loop
        .sendCommand({ name: 'blend', options: { slots: '1 2', steps: 3 }, user: carol, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(blend.attachments[0]!.filename).toBe('blend.png');
      const restyle = await w.loop
        .sendCommand({ name: 'restyle', options: { tags1: 'red_hair', columns: 2 }, user: carol, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(restyle.attachments[0]!.filename).toBe('restyle.png');
      const one = await w.loop
        .sendCommand({ name: 'generate', options: { seed: 5 }, user: carol, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(one.content).toMatch(/seed 5/);
      expect((await w.loop.sendCommand({ name: 'tags', user: carol, ...context }).finalMessage()).embeds[0]!.title).toMatch(/Tags of model tiny/);
      const typed = w.loop.sendAutocomplete({ name: 'gacha', focused: 'tags', value: 'blon', user: carol, ...context });
      await typed.waitFor((e) => e.callbackType === CALLBACK.AUTOCOMPLETE);
      expect(typed.autocompleteChoices!.map((c) => c.value)).toContain('blonde_hair');
      const ask = await fav('remove', { slot: 2 });
      const removed = await w.loop.clickButton({ customId: findId(ask, 'favorite:remove:'), message: ask, user: carol, ...context }).finalMessage();
      expect(removed.content).toMatch(/Removed favourite #2 “Ami”/);
      const bad = w.loop.sendCommand({ name: 'gacha', options: { tags: 'no_such_tag_at_all' }, user: carol, ...context });
      expect((await bad.finalMessage()).content).toMatch(/no_such_tag_at_all/);
      expect(bad.ephemeral).toBe(true);
      expect(w.loop.requestsBeyondInteractions(mark)).toEqual([]);
    });

    it('GIVEN /favorite give THEN in a group DM the offer pings the receiver and Accept works; where replies are forced private it is withdrawn and the giver told why', async () => {
      const dot = makeUser('dot');
      const grid = await w.loop
        .sendCommand({ name: 'gacha', options: { tags: 'smile', count: 1 }, user: dot, ...context })
        .finalMessage({ where: (m) => m.attachments.length > 0 });
      await w.loop.clickButton({ customId: starButtons(grid)[0]!, message: grid, user: dot, ...context }).finalMessage();
      const rec = w.loop.sendCommand({ name: 'favorite', subcommand: 'give', options: { slot: 1, to: bob() }, user: dot, ...context });
      if (ephemeralAlways) {
        const told = await rec.finalMessage({ where: (m) => /withdrawn/.test(m.content) });
        expect(told.content).toMatch(/^This server lets me answer you only privately/);
        expect(await bot.ctx.gifts.pendingFrom(dot.id)).toEqual([]);
      } else {
        const offer = await rec.finalMessage({ where: (m) => !m.ephemeral });
        expect(offer.pinged).toEqual([bob().id]);
        const yes = w.loop.clickButton({ customId: findId(offer, 'favorite:gift-accept:'), message: offer, user: bob(), ...context });
        expect((await yes.finalMessage()).content).toMatch(/she is now their favourite #1/);
        expect((await yes.waitFor((e) => e.kind === 'followup')).message!.pinged).toEqual([dot.id]);
      }
      expect(w.loop.requestsBeyondInteractions(mark)).toEqual([]);
    });
  });

  it("GIVEN the loopback THEN a user install's channel is out of the bot's sight (403), as on Discord", async () => {
    const rec = w.loop.sendCommand({ name: 'help', privateChannel: true });
    await rec.finalMessage();
    await expect(bot.client.channels.fetch(rec.payload.channel_id)).rejects.toMatchObject({ code: 50001 });
    await expect(bot.client.channels.fetch(w.loop.fixtures.foreignGuild.channel.id)).rejects.toMatchObject({ code: 50001 });
  });

  it('GIVEN /help in Japanese THEN it names the new surfaces: Open this girl, Favourites, visibility and the user install', async () => {
    const help = await w.loop.sendCommand({ name: 'help', privateChannel: true, locale: 'ja' }).finalMessage();
    const text = help.embeds[0]!.description as string;
    for (const part of ['この子を開く', 'お気に入りを見る', '/favorite visibility', 'ユーザーインストール', '/favorite give', '贈る'])
      expect(text).toContain(part);
    const en = (await w.loop.sendCommand({ name: 'help' }).finalMessage()).embeds[0]!.description as string;
    for (const part of ['Open this girl', 'Favourites', '/favorite visibility', 'user install', '/favorite give']) expect(en).toContain(part);
  });
});
