/**
 * The context menus: "Open this girl" on a message (share code, studio link, the bot's own
 * pictures) and "Favourites" on a user (shown only when their owner made them public), in a
 * server and through a user install.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands, type Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { loadResult, tileGirl } from '../../src/commands/shared/stored-pictures.ts';
import { CALLBACK, type InteractionRecord, type MessageView } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { customIds, findId, PNG_SIGNATURE, starButtons, startWorld, type World } from './harness.ts';

const STUDIO = 'https://studio.example.org/gff/';

describe('context menus', () => {
  let w: World;
  let bot: Bot;
  const resultId = (m: MessageView) => findId(m, 'gacha:codes:').split(':')[2]!;
  const codeOfTile = async (m: MessageView, tile: number) => shareCodeOf(tileGirl(bot.ctx, await loadResult(bot.ctx, resultId(m)), tile));
  const codeOf = (seed: number, tags: string[]) => {
    const model = bot.ctx.runtime.catalog.get('tiny')!;
    return shareCodeOf({ modelId: 'tiny', z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(tags) });
  };
  /** The code an opened girl's reply shows. */
  const shownCode = (m: MessageView) => /`([A-Za-z0-9_-]{16,})`/.exec(m.content)?.[1];
  const picture = (rec: InteractionRecord) => rec.finalMessage({ where: (m) => m.attachments.length > 0 });

  beforeAll(async () => {
    w = await startWorld();
    await registerCommands({ token: w.loop.token, appId: w.loop.fixtures.application.id, api: w.loop.restApi });
    bot = await w.startBot({ GFF_STUDIO_URL: STUDIO });
  });
  afterAll(() => w.close());

  it('GIVEN the registered menus THEN "Open this girl" is a message command and "Favourites" a user command, both named in Japanese, with no description', () => {
    const menus = w.loop.commands.list().filter((c) => c.type !== 1);
    expect(menus.map((c) => [c.name, c.type, c.name_localizations?.ja])).toEqual([
      ['Open this girl', 3, 'この子を開く'],
      ['Favourites', 2, 'お気に入りを見る'],
    ]);
    for (const c of menus) expect(c.description ?? '').toBe('');
  });

  describe('Open this girl', () => {
    it('GIVEN a /gacha grid THEN a private menu asks which girl, and the chosen one opens privately with her code, tags and buttons', async () => {
      const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'blonde_hair', count: 4 } }).finalMessage();
      const ask = w.loop.sendMessageCommand({ name: 'Open this girl', message: grid, user: w.loop.fixtures.users.bob });
      const menu = await ask.finalMessage();
      expect(ask.ephemeral).toBe(true);
      expect(menu.content).toMatch(/That picture shows 4 girls/);
      const options = menu.components[0]!.components[0].options as { label: string; description: string }[];
      expect(options.map((o) => o.label)).toEqual(['Girl 1', 'Girl 2', 'Girl 3', 'Girl 4']);
      for (const o of options) expect(o.description).toMatch(/blonde_hair/);
      const select = findId(menu, 'open:tile:');
      const rec = w.loop.selectMenu({ customId: select, message: menu, values: ['3'], user: w.loop.fixtures.users.bob });
      const her = await picture(rec);
      expect(rec.ephemeral).toBe(true);
      expect(her.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(her.content).toMatch(/girl 3 of that message · .*blonde_hair/);
      expect(shownCode(her)).toBe(await codeOfTile(grid, 3));
      // The usual buttons of one girl: ⭐, 🔀, 📋 and the studio link.
      expect(starButtons(her)).toHaveLength(1);
      expect(customIds(her).some((id) => id.startsWith('gacha:variations:'))).toBe(true);
      expect(JSON.stringify(her.components)).toContain(`${STUDIO}#g=${await codeOfTile(grid, 3)}`);
      const kept = await w.loop.clickButton({ customId: starButtons(her)[0]!, message: her, user: w.loop.fixtures.users.bob }).finalMessage();
      expect(kept.content).toMatch(/Saved tile 1 as your newest favourite, #1/);
    });

    it('GIVEN a /generate picture (one girl) THEN she opens at once, the same girl', async () => {
      const one = await w.loop.sendCommand({ name: 'generate', options: { seed: 42, tags: 'red_hair' } }).finalMessage();
      const rec = w.loop.sendMessageCommand({ name: 'Open this girl', message: one });
      const her = await picture(rec);
      expect(rec.ephemeral).toBe(true);
      expect(her.content).toMatch(/from that picture/);
      expect(shownCode(her)).toBe(shownCode(one));
    });

    it('GIVEN messages users wrote: a code, a studio link, two codes THEN each opens her (two: a menu); a plain one is told politely', async () => {
      const code = codeOf(7, ['blue_hair', 'smile']);
      const said = w.loop.userMessage({ content: `look at her! \`${code}\`` });
      const fromCode = await picture(w.loop.sendMessageCommand({ name: 'Open this girl', message: said }));
      expect(fromCode.content).toMatch(/from the share code in that message/);
      expect(shownCode(fromCode)).toBe(code);

      const link = w.loop.userMessage({ content: `<${STUDIO}#g=${code}>` });
      expect(shownCode(await picture(w.loop.sendMessageCommand({ name: 'Open this girl', message: link })))).toBe(code);

      const other = codeOf(8, ['green_eyes']);
      const two = w.loop.userMessage({ content: `${code}\nand\n${other}` });
      const menu = await w.loop.sendMessageCommand({ name: 'Open this girl', message: two }).finalMessage();
      expect(menu.content).toMatch(/holds 2 share codes/);
      const second = await picture(w.loop.selectMenu({ customId: findId(menu, 'open:tile:'), message: menu, values: ['2'] }));
      expect(shownCode(second)).toBe(other);

      const plain = w.loop.sendMessageCommand({
        name: 'Open this girl',
        message: w.loop.userMessage({ content: 'good morning everyone, AAAAAAAAAAAAAAAAAAAAAAAA' }),
      });
      expect((await plain.finalMessage()).content).toMatch(/found no girl in that message/);
      expect(plain.ephemeral).toBe(true);
      const ja = await w.loop.sendMessageCommand({ name: 'Open this girl', message: w.loop.userMessage({ content: 'hi' }), locale: 'ja' }).finalMessage();
      expect(ja.content).toMatch(/女の子が見つかりませんでした/);
    });

    it('GIVEN a picture of the bot whose stored girls are gone, or a code of a model this bot lacks THEN each is said plainly', async () => {
      const old = w.loop.userMessage({ content: '', author: w.loop.fixtures.bot });
      old.api.components = [{ type: 1, components: [{ type: 2, style: 2, custom_id: 'gacha:codes:AAAAAAAAAAAA', emoji: { name: '📋' } }] }];
      const expired = await w.loop.sendMessageCommand({ name: 'Open this girl', message: old.api }).finalMessage();
      expect(expired.content).toMatch(/older than the bot keeps its girls/);
      const foreign = shareCodeOf({ modelId: 'gone-model', z: new Float32Array(8), tags: new Float32Array(3) });
      const said = w.loop.userMessage({ content: `from another bot: ${foreign}` });
      expect((await w.loop.sendMessageCommand({ name: 'Open this girl', message: said }).finalMessage()).content).toMatch(/model "gone-model"/);
    });

    it("GIVEN a user's message carrying the bot's custom_ids THEN it is not taken for the bot's picture (only the app's own messages are)", async () => {
      const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage();
      const forged = w.loop.userMessage({ content: 'not a picture' });
      forged.api.components = grid.api.components;
      const rec = w.loop.sendMessageCommand({ name: 'Open this girl', message: forged.api });
      expect((await rec.finalMessage()).content).toMatch(/found no girl/);
    });

    it('GIVEN a user install in a group DM THEN it opens a girl there too, through the interaction alone', async () => {
      const mark = w.loop.requests.length;
      const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 1 }, privateChannel: true }).finalMessage();
      const rec = w.loop.sendMessageCommand({ name: 'Open this girl', message: grid, user: w.loop.fixtures.users.bob });
      expect(rec.payload.context).toBe(2);
      expect(shownCode(await picture(rec))).toBe(await codeOfTile(grid, 1));
      expect(w.loop.requestsBeyondInteractions(mark)).toEqual([]);
    });
  });

  describe('Favourites', () => {
    const dana = makeUser('dana');
    const erin = makeUser('erin');
    const menu = (target: typeof dana, as: typeof dana, extra: { locale?: string; privateChannel?: boolean } = {}) =>
      w.loop.sendUserCommand({ name: 'Favourites', target, user: as, ...extra });
    const visibility = (who?: 'public' | 'private') =>
      w.loop.sendCommand({ name: 'favorite', subcommand: 'visibility', options: who ? { who } : {}, user: dana }).finalMessage();

    beforeAll(async () => {
      for (const seed of [1, 2]) {
        await w.loop
          .sendCommand({ name: 'favorite', subcommand: 'add', options: { code: codeOf(seed, ['smile']), name: `Dana's **#${seed}**` }, user: dana })
          .finalMessage();
      }
    });

    it('GIVEN favourites never made public THEN others are told politely that they are private, with no picture; the owner sees her own', async () => {
      const rec = menu(dana, erin);
      const reply = await rec.finalMessage();
      expect(rec.ephemeral).toBe(true);
      expect(reply.content).toBe(`<@${dana.id}> keeps their favourites private. (Each of us chooses with \`/favorite visibility\`.)`);
      expect(reply.attachments).toHaveLength(0);
      expect(rec.events.some((e) => e.callbackType === CALLBACK.DEFER)).toBe(false);
      const own = await menu(dana, dana).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(own.embeds[0]!.title).toMatch(/Your favourites \(2\/7\)/);
      expect((await visibility()).content).toMatch(/private: only you.*\n.*\/favorite visibility who:/);
    });

    it('GIVEN /favorite visibility who:public THEN anyone sees her list privately, names escaped; who:private hides it again', async () => {
      expect((await visibility('public')).content).toMatch(/Your favourites are public/);
      const rec = menu(dana, erin, { privateChannel: true });
      const list = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(rec.ephemeral).toBe(true);
      expect(list.content).toContain(`<@${dana.id}>`);
      expect(list.embeds[0]!.title).toBe('Their favourites (2)');
      expect(list.embeds[0]!.fields.map((f: { name: string }) => f.name)).toEqual(["#1 Dana's \\*\\*#2\\*\\*", "#2 Dana's \\*\\*#1\\*\\*"]);
      expect(list.embeds[0]!.footer.text).toMatch(/Shared by their owner/);
      const ja = await menu(dana, erin, { locale: 'ja' }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(ja.embeds[0]!.title).toBe('お気に入り（2 人）');

      expect((await visibility('private')).content).toMatch(/private/);
      expect((await menu(dana, erin).finalMessage()).content).toMatch(/keeps their favourites private/);
      expect(await bot.ctx.settings.favouritesPublic(dana.id)).toBe(false);
    });

    it('GIVEN a public user with no favourites, or a bot THEN each is said plainly', async () => {
      const fay = makeUser('fay');
      await w.loop.sendCommand({ name: 'favorite', subcommand: 'visibility', options: { who: 'public' }, user: fay }).finalMessage();
      expect((await menu(fay, erin).finalMessage()).content).toMatch(/shares their favourites but has none yet/);
      expect((await menu(w.loop.fixtures.bot, erin).finalMessage()).content).toMatch(/is a bot/);
    });
  });
});
