import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { CALLBACK, type ApiObject } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { findId, pngSize, starButtons, startWorld, type World } from './harness.ts';
import { gridLayout } from '../../src/render/index.ts';
import { blankTiles } from '../core/helpers.ts';

const pick = (l: { width: number; height: number }) => [l.width, l.height];

describe('favourites, restyle, morph and blend end to end', () => {
  let w: World;
  let bot: Bot;
  let user: ApiObject;
  const codes: string[] = [];

  /** A girl's share code made directly (model, seed, tags), as /generate would print it. */
  const codeOf = (modelId: string, seed: number, tags: string[]) => {
    const model = bot.ctx.runtime.catalog.get(modelId)!;
    return shareCodeOf({ modelId, z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(tags) });
  };
  const send = (name: string, options: Record<string, string | number | boolean> = {}, extra: { subcommand?: string; locale?: string; as?: ApiObject } = {}) =>
    w.loop.sendCommand({
      name,
      options,
      user: extra.as ?? user,
      ...(extra.subcommand ? { subcommand: extra.subcommand } : {}),
      ...(extra.locale ? { locale: extra.locale } : {}),
    });

  /** /favorite remove, then the confirmation's Remove button; the final private message. */
  const removeSlot = async (slot: number) => {
    const ask = await send('favorite', { slot }, { subcommand: 'remove' }).finalMessage();
    return w.loop.clickButton({ customId: findId(ask, 'favorite:remove:'), message: ask, user }).finalMessage();
  };

  beforeAll(async () => {
    w = await startWorld({ models: ['tiny', 'old'] });
    bot = await w.startBot();
    user = makeUser('carol');
  });
  afterAll(() => w.close());

  it('GIVEN 20 concurrent ⭐ clicks on 9 tiles THEN exactly 7 favourites exist and 13 clicks are told the limit or that she is kept already', async () => {
    const grid = await send('gacha', { tags: 'smile', count: 9 }).finalMessage();
    const stars = starButtons(grid);
    const clicks = Array.from({ length: 20 }, (_, i) => w.loop.clickButton({ customId: stars[i % 9]!, message: grid, user }));
    const replies = await Promise.all(clicks.map((c) => c.finalMessage()));
    expect(replies.filter((m) => /Saved tile/.test(m.content))).toHaveLength(7);
    expect(replies.filter((m) => /already have 7 favourites|already your favourite #[1-7]\b/.test(m.content))).toHaveLength(13);
    expect(clicks.every((c) => c.ephemeral)).toBe(true);
    expect(await bot.ctx.favourites.count(user.id)).toBe(7);
    // Clear the list for the next tests.
    for (let i = 0; i < 7; i++) await removeSlot(1);
    expect(await bot.ctx.favourites.count(user.id)).toBe(0);
  });

  it('GIVEN /favorite add with codes THEN they are saved newest first, named, and another user sees none of them', async () => {
    codes.push(codeOf('tiny', 11, ['blonde_hair', 'long_hair']), codeOf('tiny', 12, ['blue_hair', 'smile']), codeOf('tiny', 13, ['red_hair']));
    const first = await send('favorite', { code: codes[0]!, name: 'Alice' }, { subcommand: 'add' }).finalMessage();
    expect(first.content).toMatch(/newest favourite, #1 “Alice” \(1\/7\)\.$/);
    await send('favorite', { code: codes[1]! }, { subcommand: 'add' }).finalMessage();
    await send('favorite', { code: codes[2]! }, { subcommand: 'add' }).finalMessage();
    expect((await bot.ctx.favourites.list(user.id)).map((f) => f.name)).toEqual([null, null, 'Alice']);
    const bobs = await send('favorite', {}, { subcommand: 'list', as: w.loop.fixtures.users.bob }).finalMessage();
    expect(bobs.content).toMatch(/no favourites yet/);
  });

  it('GIVEN /favorite list THEN a private grid of all favourites comes with names and codes', async () => {
    const rec = send('favorite', {}, { subcommand: 'list' });
    const list = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(rec.ephemeral).toBe(true);
    expect(rec.events[0]).toMatchObject({ callbackType: CALLBACK.REPLY });
    const embed = list.embeds[0]!;
    expect(embed.fields.map((f: ApiObject) => f.name)).toEqual(['#1', '#2', '#3 Alice']);
    expect(embed.fields[2].value).toContain(codes[0]);
    expect(embed.image.url).toMatch(/favourites\.png/);
    const { width, height } = await pngSize(list.attachments[0]!.data);
    expect(width).toBeGreaterThan(height); // 3 tiles side by side with captions
  });

  it('GIVEN /favorite show, rename and remove THEN each acts on the caller’s own numbered favourite', async () => {
    const show = await send('favorite', { slot: 3 }, { subcommand: 'show' }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(show.content).toMatch(/Favourite #3 “Alice” · blonde_hair, long_hair/);
    expect(show.content).toContain(codes[0]);
    expect((await pngSize(show.attachments[0]!.data)).width).toBeGreaterThanOrEqual(64);
    const renamed = await send('favorite', { slot: 2, name: 'Beth' }, { subcommand: 'rename' }).finalMessage();
    expect(renamed.content).toMatch(/#2 is now called \*\*Beth\*\*/);
    await send('favorite', { code: codeOf('tiny', 14, ['pink_hair']) }, { subcommand: 'add' }).finalMessage();
    const removed = await removeSlot(1);
    expect(removed.content).toMatch(/Removed favourite #1/);
    expect(removed.content).toContain(`/favorite add code:${codeOf('tiny', 14, ['pink_hair'])}`);
    expect(removed.components).toEqual([]);
    expect((await bot.ctx.favourites.list(user.id)).map((f) => f.name)).toEqual([null, 'Beth', 'Alice']);
  });

  it('GIVEN /favorite remove THEN nothing goes until Remove is pressed; Keep keeps her; Remove takes that very girl, once', async () => {
    await send('favorite', { code: codeOf('tiny', 15, ['aqua_hair']), name: 'Dot' }, { subcommand: 'add' }).finalMessage();
    const before = await bot.ctx.favourites.list(user.id);
    const rec = send('favorite', { slot: 1 }, { subcommand: 'remove' });
    const ask = await rec.finalMessage();
    expect(rec.ephemeral).toBe(true);
    expect(ask.content).toMatch(/Remove favourite #1 “Dot” · aqua_hair\?/);
    expect(await bot.ctx.favourites.list(user.id)).toEqual(before);
    const kept = await w.loop.clickButton({ customId: findId(ask, 'favorite:keep:'), message: ask, user }).finalMessage();
    expect(kept.content).toMatch(/Kept favourite #1 “Dot”/);
    expect(await bot.ctx.favourites.list(user.id)).toEqual(before);
    expect(kept.components).toEqual([]);
    // Two confirmations for Dot, then a newer favourite moves her to #2: Remove still removes Dot, once.
    const asks = [
      await send('favorite', { slot: 1 }, { subcommand: 'remove' }).finalMessage(),
      await send('favorite', { slot: 1 }, { subcommand: 'remove' }).finalMessage(),
    ];
    await send('favorite', { code: codeOf('tiny', 16, ['pink_hair']), name: 'Eve' }, { subcommand: 'add' }).finalMessage();
    const press = (m: (typeof asks)[number]) => w.loop.clickButton({ customId: findId(m, 'favorite:remove:'), message: m, user }).finalMessage();
    expect((await press(asks[0]!)).content).toMatch(/Removed favourite #2 “Dot”/);
    expect((await press(asks[1]!)).content).toMatch(/already gone/);
    expect((await bot.ctx.favourites.list(user.id)).map((f) => f.name)).toEqual(['Eve', null, 'Beth', 'Alice']);
    await removeSlot(1); // as before, for the next tests
  });

  it.each([
    ['show', { slot: 0 }, /from 1 to 7 \(got 0\)/],
    ['show', { slot: 8 }, /from 1 to 7 \(got 8\)/],
    ['show', { slot: 5 }, /no favourite #5: you have 3/],
    ['remove', { slot: 8 }, /from 1 to 7/],
    ['rename', { slot: 1, name: '   ' }, /1 to 32 characters/],
    ['add', { code: 'not-a-code' }, /./],
    ['add', { code: `${'A'.repeat(40)}` }, /./],
  ])('GIVEN /favorite %s %j THEN a private explanation', async (sub, options, message) => {
    const rec = send('favorite', options, { subcommand: sub });
    const reply = await rec.finalMessage();
    expect(rec.ephemeral).toBe(true);
    expect(reply.content).toMatch(message);
    expect(reply.content).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  });

  it('GIVEN a favourite of another installed model and one of a removed model THEN list labels them and show explains', async () => {
    const other = makeUser('dora');
    await send('favorite', { code: codeOf('old', 5, ['green_hair']) }, { subcommand: 'add', as: other }).finalMessage();
    const vocab = bot.ctx.runtime.catalog.get('tiny')!.vocabulary;
    await bot.ctx.favourites.add(other.id, { modelId: 'gone', z: seedToZ(9, 100), tags: { smile: 1 } });
    expect(vocab.size).toBeGreaterThan(0);
    const list = await send('favorite', {}, { subcommand: 'list', as: other }).finalMessage({ where: (m) => m.embeds.length > 0 });
    const fields = list.embeds[0]!.fields as ApiObject[];
    expect(fields[0]!.name).toBe('#1 [gone]');
    expect(fields[0]!.value).toMatch(/model "gone" is not installed/);
    expect(fields[1]!.name).toBe('#2 [old]');
    const showOld = await send('favorite', { slot: 2 }, { subcommand: 'show', as: other }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(showOld.content).toMatch(/model old/);
    const showGone = await send('favorite', { slot: 1 }, { subcommand: 'show', as: other }).finalMessage();
    expect(showGone.content).toMatch(/model "gone", which this bot no longer has/);
  });

  it('GIVEN /restyle with two tag sets THEN favourites are the first columns, random girls fill to 6, one row per set', async () => {
    const rec = send('restyle', { tags1: 'blonde_hair', tags2: 'blue_hair, glasses' });
    const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(reply.attachments[0]!.filename).toBe('restyle.png');
    expect(reply.content).toMatch(/columns #1, #2 Beth, #3 Alice, random columns: seeds (\d+)–(\d+); rows blonde_hair \/ blue_hair, glasses/);
    expect(starButtons(reply)).toHaveLength(12); // 3 favourites + 3 random × 2 rows
    const { width, height } = await pngSize(reply.attachments[0]!.data);
    expect(width).toBeGreaterThan(height * 2);
  });

  it('GIVEN two /morph of one favourite THEN the strip and an animated WebP come back and the second starts where the first ended', async () => {
    const first = await send('morph', { slot: 3, to: 'red_hair, smile', steps: 5 }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(first.attachments.map((a) => a.filename)).toEqual(['morph.png', 'morph.webp']);
    // Her long hair is kept: "to" names hair colour and mouth only.
    expect(first.content).toMatch(/blonde_hair, long_hair → red_hair, long_hair, smile in 5 steps/);
    const webp = await sharp(first.attachments[1]!.data, { animated: true }).metadata();
    expect(webp.format).toBe('webp');
    expect(webp.pages).toBeGreaterThan(1);
    const second = await send('morph', { slot: 3, to: 'twintails', keep: false }).finalMessage({ where: (m) => m.attachments.length > 0 });
    // keep:false drops her extras but keeps her hair colour and mouth (issue 30 item 5).
    expect(second.content).toMatch(/red_hair, long_hair, smile → red_hair, twintails, smile in 7 steps/);
    expect(starButtons(second)).toHaveLength(7);
    // A ⭐ on a morph frame keeps her with fractional tags.
    const kept = await w.loop.clickButton({ customId: starButtons(second)[3]!, message: second, user: makeUser('erin') }).finalMessage();
    expect(kept.content).toMatch(/Saved tile 4/);
  });

  it.each([
    [{ slot: 3, to: 'smile', steps: 1 }, /from 2 to 16/],
    [{ slot: 3, to: 'smile', steps: 17 }, /from 2 to 16/],
    [{ slot: 0, to: 'smile' }, /from 1 to 7/],
    [{ slot: 3, to: 'smille' }, /smile/],
  ])('GIVEN /morph %j THEN a private explanation', async (options, message) => {
    const rec = send('morph', options);
    expect((await rec.finalMessage()).content).toMatch(message);
    expect(rec.ephemeral).toBe(true);
  });

  it('GIVEN /blend of 2 and of 3 favourites THEN a 7-frame strip and a 5×5 grid come back', async () => {
    const strip = await send('blend', { slots: '1 3' }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(strip.content).toMatch(/Blend of #1 \+ #3 Alice \(7 steps\)/);
    expect(starButtons(strip)).toHaveLength(7);
    const grid = await send('blend', { slots: '1,2,3', steps: 3 }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(grid.content).toMatch(/3×3 grid/);
    // Three columns of tiles under the title that names the corners (issue 30 item 3).
    const { width, height } = await pngSize(grid.attachments[0]!.data);
    expect([width, height]).toEqual(pick(gridLayout(blankTiles(9, 16), { columns: 3, numbers: true, title: '#1 + #2 Beth + #3 Alice' })));
  });

  it.each([['1'], ['1 1'], ['1 9'], ['a b'], ['1 2 3 4 5']])('GIVEN /blend slots:%s THEN a private explanation', async (slots) => {
    const reply = await send('blend', { slots }).finalMessage();
    expect(reply.content).toMatch(/Give 2 to 4 different favourite numbers from 1 to 7/);
  });

  it('GIVEN /blend steps out of range for a grid THEN a private explanation', async () => {
    const reply = await send('blend', { slots: '1 2 3', steps: 9 }).finalMessage();
    expect(reply.content).toMatch(/from 2 to 7/);
  });

  it('GIVEN slot and slots autocomplete THEN the user’s favourites are offered', async () => {
    const rec = w.loop.sendAutocomplete({ name: 'morph', focused: 'slot', value: 'ali', user });
    await rec.waitForCallback();
    expect(rec.autocompleteChoices).toEqual([{ name: expect.stringMatching(/^#3 Alice · /), value: 3 }]);
    const slots = w.loop.sendAutocomplete({ name: 'blend', focused: 'slots', value: '3 ', user });
    await slots.waitForCallback();
    expect(slots.autocompleteChoices).toEqual([
      { name: '3 1 · Alice + #1', value: '3 1' },
      { name: '3 2 · Alice + Beth', value: '3 2' },
    ]);
  });

  it('GIVEN /tags and /help THEN grouped tags with Japanese names, and the commands', async () => {
    const tags = await send('tags', {}, { locale: 'ja' }).finalMessage();
    const fields = tags.embeds[0]!.fields as ApiObject[];
    expect(fields[0]!.name).toBe('髪の色');
    expect(fields[0]!.value).toMatch(/`blonde_hair` 金髪/);
    const help = await send('help').finalMessage();
    expect(help.embeds[0]!.description).toMatch(/\/morph/);
  });

  it('GIVEN a Japanese client THEN favourite replies and errors are Japanese', async () => {
    const reply = await send('favorite', { slot: 8 }, { subcommand: 'show', locale: 'ja' }).finalMessage();
    expect(reply.content).toMatch(/お気に入り番号は 1〜7/);
    const list = await send('favorite', {}, { subcommand: 'list', locale: 'ja' }).finalMessage({ where: (m) => m.embeds.length > 0 });
    expect(list.embeds[0]!.title).toMatch(/あなたのお気に入り（3\/7）/);
  });
});
