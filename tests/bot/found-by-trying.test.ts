/** Issue #10 ("Found by trying"): what users broke by trying, end to end through the loopback Discord. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { girlFromCode, shareCodeOf } from '../../src/core/girl.ts';
import { roundToFloat16 } from '../../src/latent/float16.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import type { ApiObject, MessageView } from '../../testkit/discord/index.ts';
import { snowflake } from '../../testkit/discord/snowflake.ts';
import { findId, starButtons, startWorld, type World } from './harness.ts';

describe('issue #10: found by trying', () => {
  let w: World;
  let bot: Bot;
  let alice: ApiObject;
  let bob: ApiObject;

  const codeOf = (seed: number, tags: string[]) => {
    const model = bot.ctx.runtime.catalog.get('tiny')!;
    return shareCodeOf({ modelId: 'tiny', z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(tags) });
  };
  const send = (name: string, options: Record<string, string | number | boolean> = {}, extra: { subcommand?: string; locale?: string; as?: ApiObject } = {}) =>
    w.loop.sendCommand({
      name,
      options,
      user: extra.as ?? alice,
      ...(extra.subcommand ? { subcommand: extra.subcommand } : {}),
      ...(extra.locale ? { locale: extra.locale } : {}),
    });
  const clearFavourites = async (user: ApiObject) => {
    for (const f of await bot.ctx.favourites.list(user.id)) await bot.ctx.favourites.removeById(user.id, f.id);
  };
  /** A copy of a public message (as another client could forge it) carrying one button with this custom_id. */
  const forged = (of: MessageView, customId: string): ApiObject => ({
    ...of.api,
    id: snowflake(),
    components: [{ type: 1, components: [{ type: 2, style: 2, label: 'x', custom_id: customId }] }],
  });

  beforeAll(async () => {
    w = await startWorld();
    bot = await w.startBot();
    alice = w.loop.fixtures.users.alice;
    bob = w.loop.fixtures.users.bob;
  });
  afterAll(() => w.close());

  describe('17: button handlers', () => {
    it('GIVEN custom_ids naming Object.prototype members THEN the user is told the button is gone, privately', async () => {
      const grid = await send('gacha', { tags: 'smile', count: 1 }).finalMessage();
      for (const id of ['gacha:constructor', 'favorite:hasOwnProperty', 'gacha:__proto__', 'favorite:toString:1']) {
        const rec = w.loop.clickButton({ customId: id, message: forged(grid, id), user: alice });
        const reply = await rec.finalMessage();
        expect(reply.content).toMatch(/no longer available/);
        expect(rec.ephemeral).toBe(true);
      }
      expect(w.logs.filter((l) => /"level":(50|"error")/.test(l))).toEqual([]);
    });

    it('GIVEN favorite:keep / favorite:remove clicked on another user’s public message THEN that message is not rewritten and the answer is private', async () => {
      clearFavourites(alice);
      await send('favorite', { code: codeOf(5, ['smile']), name: 'Ann' }, { subcommand: 'add' }).finalMessage();
      const fav = (await bot.ctx.favourites.list(alice.id))[0]!;
      const bobsGrid = await send('gacha', { tags: 'smile', count: 1 }, { as: bob }).finalMessage();
      for (const action of ['keep', 'remove']) {
        const msg = forged(bobsGrid, `favorite:${action}:${fav.id}`);
        const rec = w.loop.clickButton({ customId: `favorite:${action}:${fav.id}`, message: msg, user: alice });
        await rec.finalMessage();
        expect(rec.ephemeral).toBe(true);
        expect(w.loop.message(msg.id)!.content).toBe(bobsGrid.content);
        expect(w.loop.message(msg.id)!.components).toEqual(msg.components);
      }
    });
  });

  describe('8: the same ⭐ twice', () => {
    it('GIVEN ⭐ pressed twice, then five times at once THEN each girl is saved once and the others are told she is already favourite #n', async () => {
      clearFavourites(alice);
      const grid = await send('gacha', { tags: 'smile', count: 4 }).finalMessage();
      const [star1, star2] = starButtons(grid);
      const first = await w.loop.clickButton({ customId: star1!, message: grid, user: alice }).finalMessage();
      expect(first.content).toMatch(/Saved tile 1/);
      const second = w.loop.clickButton({ customId: star1!, message: grid, user: alice });
      expect((await second.finalMessage()).content).toMatch(/already your favourite #1\b/);
      expect(second.ephemeral).toBe(true);
      expect(await bot.ctx.favourites.count(alice.id)).toBe(1);
      const clicks = Array.from({ length: 5 }, () => w.loop.clickButton({ customId: star2!, message: grid, user: alice }));
      const replies = await Promise.all(clicks.map((c) => c.finalMessage()));
      expect(replies.filter((m) => /Saved tile 2/.test(m.content))).toHaveLength(1);
      expect(replies.filter((m) => /already your favourite #1\b/.test(m.content))).toHaveLength(4);
      expect(await bot.ctx.favourites.count(alice.id)).toBe(2);
      const ja = await w.loop.clickButton({ customId: star1!, message: grid, user: alice, locale: 'ja' }).finalMessage();
      expect(ja.content).toMatch(/すでにお気に入り #2/);
      // Another user keeps her too: that is their own list.
      expect((await w.loop.clickButton({ customId: star1!, message: grid, user: bob }).finalMessage()).content).toMatch(/Saved tile 1/);
    });

    it('GIVEN /favorite add with a code already kept THEN no second row is made', async () => {
      clearFavourites(alice);
      const code = codeOf(21, ['red_hair']);
      await send('favorite', { code }, { subcommand: 'add' }).finalMessage();
      const again = await send('favorite', { code, name: 'Twin' }, { subcommand: 'add' }).finalMessage();
      expect(again.content).toMatch(/already your favourite #1\b/);
      expect(await bot.ctx.favourites.count(alice.id)).toBe(1);
    });
  });

  describe('3: favourite names in public replies', () => {
    const NAME = '`x`||y||*z*';
    const ESCAPED = '\\`x\\`\\|\\|y\\|\\|\\*z\\*';
    it('GIVEN names with backticks, || and * THEN /blend, /restyle, the rename reply and the list embed escape them', async () => {
      clearFavourites(alice);
      await send('favorite', { code: codeOf(31, ['smile']), name: NAME }, { subcommand: 'add' }).finalMessage();
      await send('favorite', { code: codeOf(32, ['smile']) }, { subcommand: 'add' }).finalMessage();
      const renamed = await send('favorite', { slot: 1, name: NAME }, { subcommand: 'rename' }).finalMessage();
      expect(renamed.content).toContain(ESCAPED);
      const blend = await send('blend', { slots: '1 2', steps: 3 }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(blend.content).toContain(ESCAPED);
      expect(blend.content).not.toContain(NAME);
      const restyle = await send('restyle', { tags1: 'smile', columns: 2 }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(restyle.content).toContain(ESCAPED);
      expect(restyle.content).not.toContain(NAME);
      const list = await send('favorite', {}, { subcommand: 'list' }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(list.embeds[0]!.fields.map((f: ApiObject) => f.name)).toEqual([`#1 ${ESCAPED}`, `#2 ${ESCAPED}`]);
    });
  });

  describe('7: invisible names', () => {
    it('GIVEN a name of only zero-width, format or blank characters THEN add and rename refuse it, in English and Japanese, and nothing changes', async () => {
      clearFavourites(alice);
      const code = codeOf(41, ['smile']);
      for (const name of ['\u200b', '\u200b\u200d\u2060', '\ufeff \u3164', '\u2800']) {
        const added = send('favorite', { code, name }, { subcommand: 'add' });
        expect((await added.finalMessage()).content).toMatch(/visible/);
        expect(added.ephemeral).toBe(true);
      }
      expect(await bot.ctx.favourites.count(alice.id)).toBe(0);
      await send('favorite', { code, name: 'Ann' }, { subcommand: 'add' }).finalMessage();
      const ja = await send('favorite', { slot: 1, name: '\u200b' }, { subcommand: 'rename', locale: 'ja' }).finalMessage();
      expect(ja.content).toMatch(/見える文字/);
      expect((await bot.ctx.favourites.list(alice.id))[0]!.name).toBe('Ann');
      // A name with a visible character among the invisible ones is fine.
      expect((await send('favorite', { slot: 1, name: '\u200bA' }, { subcommand: 'rename' }).finalMessage()).content).toMatch(/now called/);
    });
  });

  describe('2: /generate seed:N is gacha tile N', () => {
    it('GIVEN /generate seed:N tags:T THEN her share code is that of tile 1 of /gacha seed:N tags:T; fill:false fills the groups not named with their most common tag, the same for every seed (issue 30 item 5)', async () => {
      const grid = await send('gacha', { tags: 'smile', count: 1, seed: 4242 }).finalMessage();
      const codes = await w.loop.clickButton({ customId: findId(grid, 'gacha:codes:'), message: grid, user: alice }).finalMessage();
      const tileCode = /`([^`]+)`\s*$/.exec(codes.content)![1]!;
      const one = await send('generate', { seed: 4242, tags: 'smile' }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(one.content).toContain(tileCode);
      const plain = await send('generate', { seed: 4242, tags: 'smile', fill: false }).finalMessage({ where: (m) => m.attachments.length > 0 });
      const other = await send('generate', { seed: 4243, tags: 'smile', fill: false }).finalMessage({ where: (m) => m.attachments.length > 0 });
      const tagsOf = (m: MessageView) => /^🎨 seed \d+ · (.*)$/m.exec(m.content)![1]!;
      expect(tagsOf(plain)).toMatch(/_hair.*smile|smile.*_hair/);
      expect(tagsOf(plain)).toBe(tagsOf(other));
    });
  });

  describe('4, 6: /restyle replies', () => {
    it('GIVEN /restyle with 1 favourite and 3 columns THEN the reply names the seeds the random columns really have', async () => {
      clearFavourites(alice);
      await send('favorite', { code: codeOf(51, ['smile']) }, { subcommand: 'add' }).finalMessage();
      const reply = await send('restyle', { tags1: 'smile', columns: 3 }).finalMessage({ where: (m) => m.attachments.length > 0 });
      const [, first, last] = /seeds (\d+)–(\d+)/.exec(reply.content)!;
      expect(Number(last) - Number(first)).toBe(1);
      const codes = await w.loop.clickButton({ customId: findId(reply, 'gacha:codes:'), message: reply, user: alice }).finalMessage();
      const zs = [...codes.content.matchAll(/`([A-Za-z0-9_-]{20,})`/g)].map((m) => girlFromCode(bot.ctx.runtime.catalog, m[1]!).z);
      expect(zs).toHaveLength(3);
      const model = bot.ctx.runtime.catalog.get('tiny')!;
      expect([...zs[1]!]).toEqual([...seedToZ(Number(first), model.zDim)].map(roundToFloat16));
      expect([...zs[2]!]).toEqual([...seedToZ(Number(last), model.zDim)].map(roundToFloat16));
    });

    it('GIVEN tag text full of commas and spaces THEN the reply echoes the parsed tags, not the text', async () => {
      const typed = `smile${','.repeat(300)}  ,, 金髪`;
      const reply = await send('restyle', { tags1: typed, tags2: 'red_hair', columns: 1 }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(reply.content).toContain('rows smile, blonde_hair / red_hair');
      expect(reply.content).not.toContain(',,');
    });
  });

  describe('10: small things', () => {
    it('GIVEN /blend slots with full-width digits THEN they are read as the same numbers', async () => {
      clearFavourites(alice);
      await send('favorite', { code: codeOf(61, ['smile']) }, { subcommand: 'add' }).finalMessage();
      await send('favorite', { code: codeOf(62, ['smile']) }, { subcommand: 'add' }).finalMessage();
      const blend = await send('blend', { slots: '１　２', steps: 3 }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(blend.content).toMatch(/Blend of #1 \+ #2/);
    });
  });

  describe('10: Japanese replies in Japanese', () => {
    it('GIVEN ja THEN /generate, /morph, /restyle and 🔀 name tags and seeds in Japanese, and one random column by its one seed', async () => {
      const ja = { locale: 'ja' };
      const withPicture = { where: (m: MessageView) => m.attachments.length > 0 };
      const gen = await send('generate', { seed: 5, tags: '笑顔', fill: false }, ja).finalMessage(withPicture);
      expect(gen.content).toMatch(/シード 5 · [^\n]*笑顔/);
      clearFavourites(alice);
      await send('favorite', { code: codeOf(71, ['blonde_hair', 'smile']) }, { subcommand: 'add' }).finalMessage();
      const morph = await send('morph', { slot: 1, to: 'red_hair' }, ja).finalMessage(withPicture);
      expect(morph.content).toContain('金髪, 笑顔 → 赤髪, 笑顔');
      expect(morph.content).not.toMatch(/blonde_hair|red_hair|smile/);
      const restyle = await send('restyle', { tags1: 'smile', columns: 2 }, ja).finalMessage(withPicture);
      expect(restyle.content).toMatch(/ランダムな列はシード \d+、行 笑顔/);
      const grid = await send('gacha', { tags: 'smile', count: 2, seed: 9 }, ja).finalMessage(withPicture);
      const rec = w.loop.selectMenu({ customId: findId(grid, 'gacha:variations:'), message: grid, values: ['1'], user: alice, locale: 'ja' });
      const variations = await rec.finalMessage(withPicture);
      expect(variations.content).toContain('タイル 1 (シード 9)');
    });
  });
});
