import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { CALLBACK } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { PNG_SIGNATURE, findId, pngSize, starButtons, startWorld, type World } from './harness.ts';
import { loadResult, tileGirl } from '../../src/commands/shared/stored-pictures.ts';
import { requireModel } from '../../src/core/catalog.ts';
import { seedGirl } from '../../src/core/girl.ts';

describe('/gacha end to end', () => {
  let w: World;
  let bot: Bot;

  beforeAll(async () => {
    w = await startWorld();
    bot = await w.startBot();
  });
  afterAll(() => w.close());

  it('GIVEN /gacha with tags THEN the reply itself is a 9-tile PNG grid with ⭐1–⭐9, 🔀, 🔄, 📋 and the seeds (drawn within the reply window)', async () => {
    const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'blonde_hair, smile' } });
    const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(rec.events).toHaveLength(1);
    expect(rec.events[0]).toMatchObject({ kind: 'callback', callbackType: CALLBACK.REPLY });
    expect(rec.ephemeral).toBe(false);
    const png = reply.attachments[0]!;
    expect(png.filename).toBe('gacha.png');
    expect(png.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const size = await pngSize(png.data);
    expect(size.format).toBe('png');
    expect(size.width).toBeGreaterThan(3 * 16);
    expect(starButtons(reply)).toHaveLength(9);
    expect(findId(reply, 'gacha:variations:')).toBeTruthy();
    expect(findId(reply, 'gacha:reroll:')).toBeTruthy();
    expect(findId(reply, 'gacha:codes:')).toBeTruthy();
    expect(reply.content).toMatch(/seeds \d+–\d+ · blonde_hair, smile/);
    expect(reply.content).toMatch(/`\/gacha tags:blonde_hair, smile count:9 seed:\d+`/);
  });

  it('GIVEN a gacha picture stored before the fill drew skin tones THEN its tiles are its own girls again; a new one keeps the new fill', async () => {
    const model = requireModel(bot.ctx.runtime.catalog, 'tiny');
    const seeds = Array.from({ length: 30 }, (_, i) => 7000 + i);
    const none = new Float32Array(model.vocabulary.size);
    const tones = [...model.optionalSets.values()].flat();
    // A row as the bot wrote it before: no fill version in its params.
    const old = await bot.ctx.results.save({ userId: '1', modelId: 'tiny', tags: {}, draws: seeds.map((seed) => ({ seed })) });
    const oldRow = await loadResult(bot.ctx, old.id);
    seeds.forEach((seed, i) => {
      const girl = tileGirl(bot.ctx, oldRow, i + 1);
      expect(Array.from(girl.tags)).toEqual(Array.from(seedGirl(model, seed, none, { randomFill: true, fillVersion: 1 }).tags));
      expect(model.vocabulary.namesOf(girl.tags).filter((n) => tones.includes(n))).toEqual([]);
    });
    // A new gacha of the same seeds: version 2, skin tones among them, and its buttons redraw those girls.
    const reply = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'blonde_hair', count: 25, seed: 7000 } }).finalMessage();
    const row = await loadResult(bot.ctx, findId(reply, 'gacha:codes:').split(':')[2]!);
    expect(row.params).toMatchObject({ kind: 'gacha', fillVersion: 2 });
    const girls = seeds.slice(0, 25).map((_, i) => tileGirl(bot.ctx, row, i + 1));
    const blonde = model.vocabulary.toVector(['blonde_hair']);
    girls.forEach((g, i) => expect(Array.from(g.tags)).toEqual(Array.from(seedGirl(model, 7000 + i, blonde, { randomFill: true }).tags)));
    // The tiny model's skin tones are 4 % of its data each: 3 of these 25 (deterministic in the seeds).
    expect(girls.filter((g) => model.vocabulary.namesOf(g.tags).some((n) => tones.includes(n))).length).toBeGreaterThan(0);
  });

  it('GIVEN the redraw command a reply shows THEN it draws the very same picture', async () => {
    const first = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'red_hair', count: 4 } }).finalMessage();
    const seed = Number(/seed:(\d+)/.exec(first.content)![1]);
    const again = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'red_hair', count: 4, seed } }).finalMessage();
    expect(again.attachments[0]!.data.equals(first.attachments[0]!.data)).toBe(true);
    expect(starButtons(again)).toHaveLength(4);
  });

  it('GIVEN ψ THEN the grid says so, the redraw command carries it, 🔄 keeps it, and it changes the girls', async () => {
    const plain = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'red_hair', count: 4, seed: 77 } }).finalMessage();
    const typical = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'red_hair', count: 4, seed: 77, psi: 0.5 } }).finalMessage();
    expect(typical.content).toMatch(/red_hair · ψ 0.5/);
    expect(typical.content).toContain('`/gacha tags:red_hair count:4 seed:77 psi:0.5`');
    expect(plain.content).not.toMatch(/ψ|psi/);
    expect(typical.attachments[0]!.data.equals(plain.attachments[0]!.data)).toBe(false);
    const rerolled = await w.loop
      .clickButton({ customId: findId(typical, 'gacha:reroll:'), message: typical })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(rerolled.content).toMatch(/psi:0.5/);
    const refused = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'red_hair', psi: 3 } }).finalMessage();
    expect(refused.content).toMatch(/ψ \(truncation\).*0.3.*1.5/);
  });

  it('GIVEN 20 tiles THEN ⭐ becomes a select menu and the message keeps within 5 rows', async () => {
    const reply = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 20 } }).finalMessage();
    expect(starButtons(reply)).toHaveLength(0);
    expect(findId(reply, 'gacha:keep-tile-menu:')).toBeTruthy();
    expect(reply.components.length).toBeLessThanOrEqual(5);
  });

  it('GIVEN ⭐3 pressed by the author and by another user THEN each gets the tile in their OWN favourites', async () => {
    const alice = w.loop.fixtures.users.alice;
    const bob = w.loop.fixtures.users.bob;
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'blue_hair' }, user: alice }).finalMessage();
    const star = starButtons(grid)[2]!;
    const a = await w.loop.clickButton({ customId: star, message: grid, user: alice }).finalMessage();
    const b = w.loop.clickButton({ customId: star, message: grid, user: bob });
    expect((await b.finalMessage()).content).toMatch(/Saved tile 3 as your newest favourite, #1/);
    expect(b.ephemeral).toBe(true);
    expect(a.content).toMatch(/Saved tile 3/);
    const bobs = await bot.ctx.favourites.list(bob.id);
    const alices = await bot.ctx.favourites.list(alice.id);
    expect(bobs[0]!.z).toEqual(alices[0]!.z);
    expect(bobs[0]!.tags).toMatchObject({ blue_hair: 1 });
  });

  it('GIVEN 🔄 THEN a new grid with the same tags and new seeds is posted as a new message', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'green_eyes', count: 6 } }).finalMessage();
    const rec = w.loop.clickButton({ customId: findId(grid, 'gacha:reroll:'), message: grid });
    const next = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(rec.callbackType).toBe(CALLBACK.REPLY);
    expect(next.id).not.toBe(grid.id);
    expect(next.content).toMatch(/green_eyes/);
    expect(starButtons(next)).toHaveLength(6);
    expect(next.content).not.toBe(grid.content);
  });

  it('GIVEN 🔀 on tile 2 THEN 9 tiles (her + 8 variations) come back, and a variation can be kept with ⭐', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'pink_hair' } }).finalMessage();
    const rec = w.loop.selectMenu({ customId: findId(grid, 'gacha:variations:'), message: grid, values: ['2'] });
    const vars = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(vars.attachments[0]!.filename).toBe('variations.png');
    expect(vars.content).toMatch(/8 variations of tile 2 \(seed \d+\)/);
    expect(starButtons(vars)).toHaveLength(9);
    const bob = w.loop.fixtures.users.bob;
    const kept = await w.loop.clickButton({ customId: starButtons(vars)[4]!, message: vars, user: bob }).finalMessage();
    expect(kept.content).toMatch(/Saved tile 5/);
    // 🔄 on a variations picture: new variations of the same girl.
    const again = await w.loop.clickButton({ customId: findId(vars, 'gacha:reroll:'), message: vars }).finalMessage();
    expect(again.content).toMatch(/variations of tile 2/);
  });

  it('GIVEN components from before the ids were renamed (gacha:fav, favsel, var) THEN they still keep and vary tiles', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'pink_hair', count: 3 } }).finalMessage();
    const id = findId(grid, 'gacha:codes:').split(':')[2]!;
    const options = ['1', '2', '3'].map((v) => ({ label: v, value: v }));
    const old = {
      ...grid.api,
      id: '1234567890123456780',
      components: [
        { type: 1, components: [{ type: 2, style: 2, label: '⭐1', custom_id: `gacha:fav:${id}:1` }] },
        { type: 1, components: [{ type: 3, custom_id: `gacha:favsel:${id}`, options }] },
        { type: 1, components: [{ type: 3, custom_id: `gacha:var:${id}`, options }] },
      ],
    };
    const user = makeUser('olga');
    const star = await w.loop.clickButton({ customId: `gacha:fav:${id}:1`, message: old, user }).finalMessage();
    expect(star.content).toMatch(/Saved tile 1/);
    const menu = await w.loop.selectMenu({ customId: `gacha:favsel:${id}`, message: old, values: ['2'], user }).finalMessage();
    expect(menu.content).toMatch(/Saved tile 2/);
    const vars = await w.loop.selectMenu({ customId: `gacha:var:${id}`, message: old, values: ['3'] }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(vars.content).toMatch(/variations of tile 3/);
  });

  it('GIVEN 📋 THEN the share codes come privately and a code redraws the tile with /generate', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'silver_hair', count: 9 } }).finalMessage();
    const rec = w.loop.clickButton({ customId: findId(grid, 'gacha:codes:'), message: grid });
    const codes = await rec.finalMessage();
    expect(rec.ephemeral).toBe(true);
    const file = codes.attachments.find((a) => a.filename === 'codes.txt');
    expect(file).toBeDefined();
    const lines = file!.data.toString().trim().split('\n');
    expect(lines).toHaveLength(9);
    const code = lines[0]!.split('\t')[1]!;
    const gen = await w.loop.sendCommand({ name: 'generate', options: { code } }).finalMessage();
    expect(gen.attachments[0]!.filename).toBe('girl.png');
    expect(gen.content).toContain(code);
    expect(gen.content).toMatch(/silver_hair/);
  });

  it('GIVEN /gacha without tags THEN a private picker (4 menus + Draw) keeps the selection and Draw posts a grid', async () => {
    const rec = w.loop.sendCommand({ name: 'gacha', options: { count: 4 } });
    const picker = await rec.finalMessage();
    expect(rec.ephemeral).toBe(true);
    expect(picker.components).toHaveLength(5);
    const hairMenu = findId(picker, 'gacha:pick:0:');
    const styleMenu = findId(picker, 'gacha:pick:2:');
    const upd = w.loop.selectMenu({ customId: hairMenu, message: picker, values: ['black_hair'] });
    await upd.waitForCallback();
    expect(upd.callbackType).toBe(CALLBACK.UPDATE);
    const upd2 = w.loop.selectMenu({ customId: styleMenu, message: picker.id, values: ['twintails'] });
    const after = await upd2.finalMessage();
    type Option = { value: string; default?: boolean };
    const ticked = after.components.flatMap((row) =>
      (row.components as { options?: Option[] }[]).flatMap((c) => (c.options ?? []).filter((o) => o.default).map((o) => o.value)),
    );
    expect(ticked).toEqual(['black_hair', 'twintails']);
    const drawRec = w.loop.clickButton({ customId: findId(after, 'gacha:draw:'), message: picker.id });
    const grid = await drawRec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(drawRec.ephemeral).toBe(false);
    expect(grid.content).toMatch(/black_hair, twintails/);
    expect(starButtons(grid)).toHaveLength(4);
  });

  it('GIVEN /gacha psi without tags THEN the picker carries ψ to the draw', async () => {
    const picker = await w.loop.sendCommand({ name: 'gacha', options: { count: 4, psi: 0.7 } }).finalMessage();
    expect(picker.content).toMatch(/ψ 0.7/);
    const upd = w.loop.selectMenu({ customId: findId(picker, 'gacha:pick:0:'), message: picker, values: ['pink_hair'] });
    const after = await upd.finalMessage();
    const grid = await w.loop
      .clickButton({ customId: findId(after, 'gacha:draw:'), message: picker.id })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(grid.content).toMatch(/pink_hair · ψ 0.7/);
  });

  it('GIVEN a partly typed tag THEN autocomplete offers ≤ 25 completions, Japanese included', async () => {
    const en = w.loop.sendAutocomplete({ name: 'gacha', focused: 'tags', value: 'smile, blo' });
    await en.waitForCallback();
    expect(en.autocompleteChoices!.length).toBeLessThanOrEqual(25);
    expect(en.autocompleteChoices!.map((c) => c.value)).toContain('smile, blonde_hair');
    const ja = w.loop.sendAutocomplete({ name: 'gacha', focused: 'tags', value: '金' });
    await ja.waitForCallback();
    expect(ja.autocompleteChoices!.map((c) => c.value).join(' ')).toMatch(/blonde_hair|金髪/);
  });

  it.each([
    [{ tags: 'blonde_hiar' }, /blonde_hair/],
    [{ tags: 'smile', count: 0 }, /from 1 to 25/],
    [{ tags: 'smile', count: 26 }, /from 1 to 25/],
    [{ tags: 'smile', seed: -1 }, /seed is a whole number/i],
    [{ count: 99 }, /from 1 to 25/],
  ])('GIVEN bad options %j THEN a private message explains (and no public message is left)', async (options, message) => {
    const rec = w.loop.sendCommand({ name: 'gacha', options });
    const reply = await rec.finalMessage();
    expect(rec.ephemeral).toBe(true);
    expect(rec.callbackType).toBe(CALLBACK.REPLY);
    expect(reply.content).toMatch(message);
  });

  it('GIVEN a small attachment_size_limit THEN the picture is shrunk under it; a tiny one gets a clear refusal', async () => {
    const full = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 16, seed: 7 } }).finalMessage();
    const limit = Math.floor(full.attachments[0]!.size * 0.6);
    const rec = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 16, seed: 7 }, attachmentSizeLimit: limit });
    const reply = await rec.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(reply.attachments[0]!.size).toBeLessThanOrEqual(limit);
    const tiny = w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 16 }, attachmentSizeLimit: 300 });
    const refusal = await tiny.finalMessage({ where: (m) => m.ephemeral });
    expect(refusal.content.length).toBeGreaterThan(0);
    expect(refusal.attachments).toHaveLength(0);
    // Refused within the reply window: answered privately, no public placeholder ever shown.
    expect(tiny.events).toHaveLength(1);
    expect(tiny.callbackType).toBe(CALLBACK.REPLY);
  });

  it('GIVEN a Japanese client THEN the reply and the errors are in Japanese', async () => {
    const reply = await w.loop.sendCommand({ name: 'gacha', options: { tags: '金髪, 笑顔', count: 2 }, locale: 'ja' }).finalMessage();
    expect(reply.content).toMatch(/人 · シード/);
    expect(reply.content).toMatch(/blonde_hair, smile/);
    const bad = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'ねこみみ' }, locale: 'ja' }).finalMessage();
    expect(bad.content).toMatch(/知らないタグ/);
  });
});
