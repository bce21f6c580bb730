/** Issue 30 ("Found by trying, round 2"), items 4, 6, 9 and 10: chat replies end to end through the loopback Discord. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { girlFromCode, shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import type { ApiObject, MessageView } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { snowflake } from '../../testkit/discord/snowflake.ts';
import { findId, starButtons, startWorld, type World } from './harness.ts';

const withPicture = { where: (m: MessageView) => m.attachments.length > 0 };

describe('issue 30: found by trying, round 2', () => {
  let w: World;
  let bot: Bot;
  let alice: ApiObject;

  /** A code of `model` ("old" answers to the former id "default" and draws 32 px, "tiny" 16 px). */
  const codeOf = (seed: number, tags: string[], modelId = 'tiny') => {
    const model = bot.ctx.runtime.catalog.get(modelId)!;
    return shareCodeOf({ modelId, z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(tags) });
  };
  const send = (name: string, options: Record<string, string | number | boolean> = {}, extra: { subcommand?: string; as?: ApiObject } = {}) =>
    w.loop.sendCommand({ name, options, user: extra.as ?? alice, ...(extra.subcommand ? { subcommand: extra.subcommand } : {}) });
  const clearFavourites = async (user: ApiObject) => {
    for (const f of await bot.ctx.favourites.list(user.id)) await bot.ctx.favourites.removeById(user.id, f.id);
  };
  /** Alice's favourites, oldest first given: the last one given is #1. */
  const keep = async (...codes: string[]) => {
    await clearFavourites(alice);
    for (const code of codes) await send('favorite', { code }, { subcommand: 'add' }).finalMessage();
  };

  beforeAll(async () => {
    w = await startWorld({ models: ['tiny', 'old'], modelOptions: { old: { formerIds: ['default'], imageSize: 32 } } });
    bot = await w.startBot();
    alice = w.loop.fixtures.users.alice;
  });
  afterAll(() => w.close());

  describe('4: /blend keeps each girl as she is', () => {
    it('GIVEN #1 blonde and #2 blue-haired THEN the ends wear their own tags, and the reply says which', async () => {
      await keep(codeOf(3, ['blue_hair', 'frown']), codeOf(4, ['blonde_hair', 'smile']));
      const r = await send('blend', { slots: '1 2', steps: 3 }).finalMessage(withPicture);
      expect(r.content).toMatch(/Tags: each girl keeps her own\./);
      expect(r.content).toMatch(/^#1: blonde_hair, smile$/m);
      expect(r.content).toMatch(/^#2: blue_hair, frown$/m);
      const codes = await w.loop.clickButton({ customId: findId(r, 'gacha:codes:'), message: r, user: alice }).finalMessage();
      const ends = [...codes.content.matchAll(/`([A-Za-z0-9_-]{20,})`/g)].map((m) => girlFromCode(bot.ctx.runtime.catalog, m[1]!));
      const vocab = bot.ctx.runtime.catalog.get('tiny')!.vocabulary;
      expect(ends[0]!.tags[vocab.indexOf('blonde_hair')]).toBe(1);
      expect(ends[2]!.tags[vocab.indexOf('blue_hair')]).toBe(1);
    });

    it('GIVEN tags:green_hair THEN the reply names it and each girl keeps her own mouth', async () => {
      const r = await send('blend', { slots: '1 2', steps: 3, tags: 'green_hair' }).finalMessage(withPicture);
      expect(r.content).toMatch(/Tags: green_hair on every girl/);
      expect(r.content).toMatch(/^#1: green_hair, smile$/m);
      expect(r.content).toMatch(/^#2: green_hair, frown$/m);
    });
  });

  describe('6: /restyle with favourites of two model sizes', () => {
    it('GIVEN an old 32 px favourite beside a 16 px one THEN a picture, not "something went wrong"', async () => {
      await keep(codeOf(5, ['smile'], 'old'), codeOf(6, ['smile']));
      const r = await send('restyle', { tags1: 'red_hair' }).finalMessage(withPicture);
      expect(r.attachments[0]!.filename).toBe('restyle.png');
    });
  });

  describe('9: share codes pasted with what surrounds them', () => {
    it('GIVEN a code in backticks, in quotes, or as a studio link THEN /generate and /favorite add read her', async () => {
      const code = codeOf(7, ['red_hair']);
      for (const pasted of [`\`${code}\``, `"${code}"`, `https://studio.example/#g=${code}`, `Share code: \`${code}\``]) {
        const r = await send('generate', { code: pasted }).finalMessage();
        expect(r.content, pasted).toContain(code);
      }
      await clearFavourites(alice);
      const added = await send('favorite', { code: ` \`${code}\` ` }, { subcommand: 'add' }).finalMessage();
      expect(added.content).toMatch(/Saved as your newest favourite, #1/);
    });
  });

  describe('10: wording', () => {
    it('GIVEN count:1 THEN "1 girl" and one seed; a run from 4294967295 THEN the wrap is shown', async () => {
      const one = await send('gacha', { tags: 'smile', count: 1, seed: 5 }).finalMessage(withPicture);
      expect(one.content).toMatch(/^🎲 \*\*1\*\* girl · seed 5 · smile$/m);
      const wrap = await send('gacha', { tags: 'smile', count: 3, seed: 4294967295 }).finalMessage(withPicture);
      expect(wrap.content).toMatch(/\*\*3\*\* girls · seeds 4294967295, 0–1 ·/);
    });

    it('GIVEN two ⭐ at once THEN each reply counts its own save, and a save says the numbers moved', async () => {
      await clearFavourites(alice);
      const grid = await send('gacha', { tags: 'smile', count: 4 }).finalMessage(withPicture);
      const [a, b] = starButtons(grid);
      const replies = await Promise.all([a!, b!].map((customId) => w.loop.clickButton({ customId, message: grid, user: alice }).finalMessage()));
      const counts = replies.map((m) => /\((\d)\/7\)/.exec(m.content)![1]).sort();
      expect(counts).toEqual(['1', '2']);
      expect(replies.find((m) => m.content.includes('(2/7)'))!.content).toMatch(/moved down a number/);
      expect(replies.find((m) => m.content.includes('(1/7)'))!.content).not.toMatch(/moved down/);
    });

    it('GIVEN two chained morphs THEN each reply shows the code of its own last frame', async () => {
      await keep(codeOf(8, ['blonde_hair', 'smile']));
      const first = await send('morph', { slot: 1, to: 'red_hair', steps: 2 }).finalMessage(withPicture);
      const second = await send('morph', { slot: 1, to: 'blue_hair', steps: 2 }).finalMessage(withPicture);
      const codeIn = (m: MessageView) => /last frame: `([^`]+)`/.exec(m.content)![1]!;
      expect(codeIn(first)).not.toBe(codeIn(second));
      const vocab = bot.ctx.runtime.catalog.get('tiny')!.vocabulary;
      expect(girlFromCode(bot.ctx.runtime.catalog, codeIn(second)).tags[vocab.indexOf('blue_hair')]).toBe(1);
    });

    it('GIVEN an old "default" code THEN she is labelled with the model that draws her', async () => {
      await keep(codeOf(9, ['smile'], 'default'));
      const shown = await w.loop.sendCommand({ name: 'favorite', subcommand: 'show', options: { slot: 1 }, user: alice }).finalMessage(withPicture);
      expect(shown.content).toMatch(/model old/);
      expect(shown.content).not.toMatch(/default/);
      const restyled = await send('restyle', { tags1: 'smile' }).finalMessage(withPicture);
      expect(restyled.content).toMatch(/#1 \[old\]/);
    });

    it('GIVEN /restyle columns:2 with three favourites THEN the reply names the two drawn', async () => {
      await keep(codeOf(10, ['smile']), codeOf(11, ['smile']), codeOf(12, ['smile']));
      const r = await send('restyle', { tags1: 'frown', columns: 2 }).finalMessage(withPicture);
      expect(r.content).toMatch(/columns #1, #2;/);
      const codes = await w.loop.clickButton({ customId: findId(r, 'gacha:codes:'), message: r, user: alice }).finalMessage();
      expect([...codes.content.matchAll(/`([A-Za-z0-9_-]{20,})`/g)]).toHaveLength(2);
    });

    it('GIVEN 📋 under 9 tiles THEN the codes that fit are in the message, and all 9 in codes.txt', async () => {
      const grid = await send('gacha', { tags: 'smile', count: 9 }).finalMessage(withPicture);
      const codes = await w.loop.clickButton({ customId: findId(grid, 'gacha:codes:'), message: grid, user: alice }).finalMessage();
      const inline = [...codes.content.matchAll(/`([A-Za-z0-9_-]{20,})`/g)];
      expect(inline.length).toBeGreaterThan(0);
      expect(codes.content).toMatch(new RegExp(`tiles 1–${inline.length} below.*all 9 are in codes\\.txt`));
      expect(codes.content.length).toBeLessThanOrEqual(2000);
      expect(
        codes.attachments
          .find((a) => a.filename === 'codes.txt')!
          .data.toString()
          .trim()
          .split('\n'),
      ).toHaveLength(9);
    });

    it('GIVEN a forged gacha:pick id on a button THEN the user is told it is gone, privately', async () => {
      const grid = await send('gacha', { tags: 'smile', count: 1 }).finalMessage(withPicture);
      const id = 'gacha:pick:0:9:-:-';
      const message = { ...grid.api, id: snowflake(), components: [{ type: 1, components: [{ type: 2, style: 2, label: 'x', custom_id: id }] }] };
      const rec = w.loop.clickButton({ customId: id, message, user: alice });
      expect((await rec.finalMessage()).content).toMatch(/no longer available/);
      expect(rec.ephemeral).toBe(true);
    });
  });
});

describe('issue 30 item 10: a typo over the drawing limit', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
    await w.startBot({ GFF_RATE_LIMIT: '1', GFF_RATE_WINDOW_S: '3600' });
  });
  afterAll(() => w.close());

  it('GIVEN a user over the limit THEN a typo is answered as the typo, and a good request with "Easy there"', async () => {
    const user = makeUser('rita');
    await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 1 }, user }).finalMessage(withPicture);
    const typo = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smiel', count: 1 }, user }).finalMessage();
    expect(typo.content).toMatch(/smiel/);
    expect(typo.content).not.toMatch(/Easy there/);
    const good = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 1 }, user }).finalMessage();
    expect(good.content).toMatch(/Easy there/);
    expect(good.attachments).toHaveLength(0);
  });
});
