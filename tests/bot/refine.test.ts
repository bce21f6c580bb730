/** The refine loop (🔍) end to end through the loopback Discord, on tiny models with and without coded parts. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { choiceOf } from '../../src/core/refine-codes.ts';
import { CALLBACK, type MessageView } from '../../testkit/discord/index.ts';
import { customIds, findId, pngSize, startWorld, type World } from './harness.ts';

/** The shipped model's coded parts, lent to a tiny model (same z size, same tags). */
const shipped = JSON.parse(readFileSync('models/default/card.json', 'utf8')).training;
const codes = { factorCodes: shipped.factorCodes, drawCodes: shipped.drawCodes };

const picks = (m: MessageView) => customIds(m).filter((id) => id.startsWith('gacha:refine-pick:'));
const roundId = (m: MessageView) => picks(m)[0]!.split(':')[2]!;

describe('🔍 refine, a model with coded parts', () => {
  let w: World;
  let bot: Bot;

  beforeAll(async () => {
    w = await startWorld({ modelOptions: { tiny: { training: codes } } });
    bot = await w.startBot();
  });
  afterAll(() => w.close());

  const stored = async (id: string) => {
    const r = await bot.ctx.results.get(id);
    if (!r.ok) throw new Error(r.message);
    return r.result;
  };

  it('GIVEN 🔍 on tile 3 THEN round 1 (her + 8 hair outlines) is the presser’s alone, and picks walk the rounds in place to a girl ⭐ keeps', async () => {
    const { alice, bob } = w.loop.fixtures.users;
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'short_hair, blonde_hair, smile' }, user: alice }).finalMessage();
    expect(grid.components.length).toBeLessThanOrEqual(5);
    const start = w.loop.selectMenu({ customId: findId(grid, 'gacha:refine:'), message: grid, values: ['3'], user: alice });
    const round1 = await start.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(start.events[0]).toMatchObject({ kind: 'callback', callbackType: CALLBACK.REPLY });
    expect(start.ephemeral).toBe(false);
    expect(round1.id).not.toBe(grid.id);
    expect(round1.content).toMatch(/Round 1 of 4: her hair and face outline/);
    expect(round1.attachments[0]!.filename).toBe('refine.png');
    expect(picks(round1)).toHaveLength(9);
    expect(findId(round1, 'gacha:refine-done:')).toBeTruthy();

    // Round 1's tiles: tile 1 is tile 3 of the grid; the others move only z[0] (hair) and z[5] (head).
    const r1 = await stored(roundId(round1));
    const gridRow = await stored(findId(grid, 'gacha:codes:').split(':')[2]!);
    expect(r1.userId).toBe(alice.id);
    expect(r1.params).toMatchObject({ kind: 'refine', round: 1 });
    expect('seed' in gridRow.draws[2]! && gridRow.draws[2].seed).toBeTypeOf('number');
    const her = (r1.draws[0] as { z: Float32Array }).z;
    // Her hair variants with short_hair and her head shapes, as the shipped card counts them
    // (v2's data had 15 short cuts, v3's girls look 5: then a tile may keep the cut and change the head).
    const hairN: number = shipped.factorCodes.hair.variantsWith?.short_hair ?? shipped.factorCodes.hair.variants;
    const headN: number = shipped.factorCodes.head.variants;
    for (const d of r1.draws.slice(1)) {
      const z = (d as { z: Float32Array }).z;
      const moved = Array.from(z, (x, i) => (x === her[i] ? -1 : i)).filter((i) => i >= 0);
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.every((i) => i === 0 || i === 5)).toBe(true);
      const otherLook = choiceOf(z[0]!, hairN) !== choiceOf(her[0]!, hairN) || choiceOf(z[5]!, headN) !== choiceOf(her[5]!, headN);
      expect(otherLook).toBe(true);
    }

    // Bob may not pick in Alice's round: a private refusal, her message untouched.
    const refused = w.loop.clickButton({ customId: picks(round1)[3]!, message: round1, user: bob });
    expect((await refused.finalMessage()).content).toMatch(/Only the one who started this refinement can pick here/);
    expect(refused.ephemeral).toBe(true);
    expect(w.loop.message(round1.id)!.content).toBe(round1.content);

    // Alice picks tile 4: the same message becomes round 2, starting from that tile.
    const pick1 = w.loop.clickButton({ customId: picks(round1)[3]!, message: round1, user: alice });
    const round2 = await pick1.finalMessage({ where: (m) => /Round 2/.test(m.content) });
    expect(pick1.events[0]).toMatchObject({ kind: 'callback', callbackType: CALLBACK.UPDATE });
    expect(round2.id).toBe(round1.id);
    expect(round2.content).toMatch(/Round 2 of 4: her eyes and brows/);
    expect(round2.attachments).toHaveLength(1);
    const r2 = await stored(roundId(round2));
    expect((r2.draws[0] as { z: Float32Array }).z).toEqual((r1.draws[3] as { z: Float32Array }).z);
    const her2 = (r2.draws[0] as { z: Float32Array }).z;
    for (const d of r2.draws.slice(1)) {
      const z = (d as { z: Float32Array }).z;
      expect(
        Array.from(z, (x, i) => (x === her2[i] ? -1 : i))
          .filter((i) => i >= 0)
          .every((i) => i === 1 || i === 2),
      ).toBe(true);
    }

    // A restart between rounds: the buttons still answer.
    await bot.stop();
    bot = await w.startBot();
    const round3 = await w.loop
      .clickButton({ customId: picks(round2)[1]!, message: round2, user: alice })
      .finalMessage({ where: (m) => /Round 3/.test(m.content) });
    expect(round3.content).toMatch(/mouth and nose/);
    const round4 = await w.loop
      .clickButton({ customId: picks(round3)[0]!, message: round3, user: alice })
      .finalMessage({ where: (m) => /Round 4/.test(m.content) });
    expect(round4.content).toMatch(/framing and colours/);
    const r4 = await stored(roundId(round4));
    const chosen = (r4.draws[8] as { z: Float32Array }).z;

    // The last pick: she alone, with ⭐1 (keep), 🔀, 🔍 and 📋.
    const last = w.loop.clickButton({ customId: picks(round4)[8]!, message: round4, user: alice });
    const final = await last.finalMessage({ where: (m) => /Refined in 4 rounds/.test(m.content) });
    expect(final.id).toBe(round1.id);
    expect(final.attachments).toHaveLength(1);
    expect(final.attachments[0]!.filename).toBe('girl.png');
    expect(picks(final)).toHaveLength(0);
    const keep = findId(final, 'gacha:keep-tile:');
    expect(findId(final, 'gacha:refine-tile:')).toBeTruthy();
    const kept = await w.loop.clickButton({ customId: keep, message: final, user: alice }).finalMessage();
    expect(kept.content).toMatch(/Saved tile 1/);
    const favs = await bot.ctx.favourites.list(alice.id);
    expect(Array.from(favs[0]!.z)).toEqual(Array.from(chosen));
  });

  it('GIVEN ✅ Done in round 2 THEN she is kept as she is in that round', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'long_hair, frown', count: 4 } }).finalMessage();
    const round1 = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:refine:'), message: grid, values: ['1'] })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    const round2 = await w.loop.clickButton({ customId: picks(round1)[1]!, message: round1 }).finalMessage({ where: (m) => /Round 2/.test(m.content) });
    const her = (await stored(roundId(round2))).draws[0] as { z: Float32Array };
    const final = await w.loop
      .clickButton({ customId: findId(round2, 'gacha:refine-done:'), message: round2 })
      .finalMessage({ where: (m) => /Refined/.test(m.content) });
    const finalRow = await stored(findId(final, 'gacha:codes:').split(':')[2]!);
    expect((finalRow.draws[0] as { z: Float32Array }).z).toEqual(her.z);
  });

  it('GIVEN a ponytail THEN round 1 has the 8 tiles her tags allow and says so', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'ponytail', count: 2 } }).finalMessage();
    const round1 = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:refine:'), message: grid, values: ['2'] })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(picks(round1)).toHaveLength(8);
    expect(round1.content).toMatch(/only 7 other looks/);
  });

  it('GIVEN one girl (/generate) THEN 🔍 is a button; GIVEN 15 tiles THEN a button opening a private tile menu; rows stay within 5', async () => {
    const one = await w.loop.sendCommand({ name: 'generate', options: { seed: 5, tags: 'smile' } }).finalMessage({ where: (m) => m.attachments.length > 0 });
    const round1 = await w.loop
      .clickButton({ customId: findId(one, 'gacha:refine-tile:'), message: one })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(round1.content).toMatch(/Round 1 of 4/);

    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 15 } }).finalMessage();
    expect(grid.components.length).toBeLessThanOrEqual(5);
    const menu = w.loop.clickButton({ customId: findId(grid, 'gacha:refine-menu:'), message: grid });
    const chooser = await menu.finalMessage();
    expect(menu.ephemeral).toBe(true);
    expect(chooser.content).toMatch(/Which tile/);
    const started = w.loop.selectMenu({ customId: findId(chooser, 'gacha:refine:'), message: chooser, values: ['15'] });
    const round = await started.finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(started.ephemeral).toBe(false);
    expect(round.content).toMatch(/Round 1 of 4/);
    expect((await pngSize(round.attachments[0]!.data)).format).toBe('png');
  });

  it('GIVEN forged round buttons (a tile that is not there, a picture that is no round) THEN a clear private refusal', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage();
    const round1 = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:refine:'), message: grid, values: ['1'] })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    // A message carrying forged ids (custom_ids are whatever a client sends).
    let n = 0;
    const forged = (customId: string) => ({
      ...round1.api,
      id: `123456789012345678${n++}`,
      components: [{ type: 1, components: [{ type: 2, style: 2, label: 'x', custom_id: customId }] }],
    });
    const tile12 = `gacha:refine-pick:${roundId(round1)}:12`;
    const noTile = w.loop.clickButton({ customId: tile12, message: forged(tile12) });
    expect((await noTile.finalMessage()).content).toMatch(/There is no tile 12/);
    expect(noTile.ephemeral).toBe(true);
    const notRoundId = `gacha:refine-pick:${findId(grid, 'gacha:codes:').split(':')[2]!}:1`;
    const notRound = w.loop.clickButton({ customId: notRoundId, message: forged(notRoundId) });
    expect((await notRound.finalMessage()).content).toMatch(/no longer stored/);
    expect(notRound.ephemeral).toBe(true);
    expect(w.loop.message(round1.id)!.content).toBe(round1.content);
  });

  it('GIVEN a Japanese client THEN the rounds and the refusal are in Japanese', async () => {
    const { alice, bob } = w.loop.fixtures.users;
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 3 }, user: alice, locale: 'ja' }).finalMessage();
    const round1 = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:refine:'), message: grid, values: ['1'], user: alice, locale: 'ja' })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(round1.content).toMatch(/ラウンド 1\/4: 髪型と顔の輪郭/);
    const refused = await w.loop.clickButton({ customId: picks(round1)[1]!, message: round1, user: bob, locale: 'ja' }).finalMessage();
    expect(refused.content).toMatch(/仕上げを始めた人だけ/);
  });

  it('GIVEN 🔀 on a tile THEN each variation redraws one named part, in turn, keeping the rest of her z; 🔄 draws other looks', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'long_hair, smile', count: 3 } }).finalMessage();
    const vars = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:variations:'), message: grid, values: ['2'] })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(vars.content).toMatch(
      /8 variations of tile 2 \(seed \d+\), each redrawing one part of her and keeping the rest: hair and face outline → eyes and brows → mouth and nose → framing and colours, in turn \(noise seed \d+\)/,
    );
    expect(vars.content).not.toMatch(/σ/);
    const row = await stored(findId(vars, 'gacha:codes:').split(':')[2]!);
    expect(row.params).toMatchObject({ kind: 'variations', of: expect.stringMatching(/^tile 2/) });
    expect(row.params).not.toHaveProperty('sigma');
    const zs = row.draws.map((d) => (d as { z: Float32Array }).z);
    const partZ = [[0, 5], [1, 2], [3, 4], Array.from({ length: 22 }, (_, i) => 6 + i)];
    zs.slice(1).forEach((z, k) => {
      const moved = Array.from(z, (x, i) => (x === zs[0]![i] ? -1 : i)).filter((i) => i >= 0);
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.every((i) => partZ[k % 4]!.includes(i))).toBe(true);
    });
    const again = await w.loop.clickButton({ customId: findId(vars, 'gacha:reroll:'), message: vars }).finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(again.content).toMatch(/each redrawing one part/);

    const ja = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:variations:'), message: grid, values: ['1'], locale: 'ja' })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    expect(ja.content).toMatch(/一か所だけ描き直し.*髪型と顔の輪郭 → 目と眉 → 口と鼻 → 構図と色 の順/);
  });
});

describe('🔍 refine, a model without coded parts', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
    await w.startBot();
  });
  afterAll(() => w.close());

  it('GIVEN no codes in the card THEN each round shows variations at a shrinking σ', async () => {
    const grid = await w.loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 2 } }).finalMessage();
    let round = await w.loop
      .selectMenu({ customId: findId(grid, 'gacha:refine:'), message: grid, values: ['1'] })
      .finalMessage({ where: (m) => m.attachments.length > 0 });
    const sigmas: string[] = [];
    for (let r = 1; r <= 4; r++) {
      expect(round.content).toMatch(new RegExp(`Round ${r} of 4: variations of her`));
      sigmas.push(/σ ([\d.]+)/.exec(round.content)![1]!);
      expect(picks(round)).toHaveLength(9);
      if (r < 4)
        round = await w.loop
          .clickButton({ customId: picks(round)[2]!, message: round })
          .finalMessage({ where: (m) => new RegExp(`Round ${r + 1}`).test(m.content) });
    }
    expect(sigmas).toEqual(['0.5', '0.35', '0.25', '0.15']);
  });
});
