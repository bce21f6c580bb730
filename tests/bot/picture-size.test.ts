/**
 * /settings size: (issue 31, "256 px") through the loopback Discord. Tiny models: "tiny"
 * (128 px, the default) and "tiny256" (256 px) linked by card.json sizes as one family, and
 * "solo" (128 px) alone. 128 px is the default; at 256 px the family's girls are drawn by
 * tiny256 and keep their own model id; solo's girls stay 128 px without an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { peekShareCode } from '../../src/latent/share-code.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import { gridLayout } from '../../src/render/index.ts';
import type { ApiObject } from '../../testkit/discord/index.ts';
import { makeUser } from '../../testkit/discord/fixtures.ts';
import { blankTiles } from '../core/helpers.ts';
import { pngSize, startWorld, type World } from './harness.ts';

const FAMILY = { '128': 'tiny', '256': 'tiny256' };

describe('/settings size: picture sizes in the bot', () => {
  let w: World;
  let bot: Bot;
  let user: ApiObject;

  const send = (name: string, options: Record<string, string | number | boolean> = {}, locale = 'en-US') =>
    w.loop.sendCommand({ name, options, user, locale }).finalMessage({ where: (m) => m.content !== '' || m.attachments.length > 0 });
  const gachaWidth = async (px: number) => {
    const grid = await send('gacha', { tags: 'smile', count: 4, seed: 10 });
    expect(grid.attachments).toHaveLength(1);
    const expected = gridLayout(blankTiles(4, px), { numbers: true, title: 'seeds 10–13 · smile' });
    return [(await pngSize(grid.attachments[0]!.data)).width, expected.width];
  };
  const codeOf = (modelId: string, seed: number) => {
    const model = bot.ctx.runtime.catalog.get(modelId)!;
    return shareCodeOf({ modelId, z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(['smile']) });
  };

  beforeAll(async () => {
    w = await startWorld({
      models: ['tiny', 'tiny256', 'solo'],
      modelOptions: { tiny: { imageSize: 128, sizes: FAMILY }, tiny256: { imageSize: 256, sizes: FAMILY }, solo: { imageSize: 128 } },
    });
    bot = await w.startBot();
    user = makeUser('pia');
  });
  afterAll(() => w.close());

  it('GIVEN a user who never chose THEN /settings says 128 px, the default, stores nothing, and pictures come at 128 px', async () => {
    const reply = await send('settings');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content.split('\n')).toEqual([
      '🖼️ Your pictures are drawn at **128 px** (the default: the quickest).',
      'Every model here draws 128 px pictures.',
      '🔒 Your favourites are private: only you can see them.',
      'Change them with `/settings size:` (128 px is quicker, 256 px sharper) and `/favorite visibility who:`.',
    ]);
    expect(await bot.ctx.settings.pictureSize(user.id)).toBeUndefined();
    const [got, want] = await gachaWidth(128);
    expect(got).toBe(want);
  });

  it('GIVEN /settings size:256 THEN it is stored and named; the family’s girls are drawn at 256 px and keep their model id and code', async () => {
    const reply = await send('settings', { size: 256 });
    expect(reply.content.split('\n').slice(0, 2)).toEqual([
      '🖼️ From now on your pictures are drawn at **256 px**.',
      'At 256 px: girls of `tiny`, `tiny256`. Girls of the other models keep their own size.',
    ]);
    expect(await bot.ctx.settings.pictureSize(user.id)).toBe(256);
    const [got, want] = await gachaWidth(256);
    expect(got).toBe(want);
    const code = codeOf('tiny', 7);
    const girl = await send('generate', { code });
    expect(girl.content).toContain(code);
    expect(peekShareCode(code).modelId).toBe('tiny');
    // 256 px, shown 2× as a 256 px model's picture, in a 4 px border.
    expect((await pngSize(girl.attachments[0]!.data)).width).toBe(4 + 512 + 4);
  });

  it('GIVEN 256 px and a girl whose model has no 256 px size THEN she is drawn at her own 128 px, with no error', async () => {
    const code = codeOf('solo', 3);
    const girl = await send('generate', { code });
    expect(girl.content).toContain(code);
    expect((await pngSize(girl.attachments[0]!.data)).width).toBe(4 + 256 + 4);
  });

  it('GIVEN a size the bot does not offer (a forged request) THEN a clear refusal and the stored size stays; Japanese replies too', async () => {
    const bad = await send('settings', { size: 300 });
    expect(bad.content).toBe('There is no 300 px picture size: choose 128, 256. Nothing was changed.');
    expect(await bot.ctx.settings.pictureSize(user.id)).toBe(256);
    const ja = await send('settings', {}, 'ja');
    expect(ja.content).toMatch(/^🖼️ あなたの画像は \*\*256 px\*\* で描かれます。\n256 px で描かれるのは `tiny`, `tiny256` の子です。/);
    expect((await send('settings', { size: 300 }, 'ja')).content).toMatch(
      /300 px という画像サイズはありません。128, 256 から選んでください。何も変更していません。/,
    );
  });

  it('GIVEN /settings size:128 THEN pictures are 128 px again; /help names /settings size: in English and Japanese', async () => {
    expect((await send('settings', { size: 128 })).content).toMatch(/^🖼️ From now on your pictures are drawn at \*\*128 px\*\*\./);
    expect(await bot.ctx.settings.pictureSize(user.id)).toBe(128);
    const [got, want] = await gachaWidth(128);
    expect(got).toBe(want);
    const help = async (locale: string) => (await w.loop.sendCommand({ name: 'help', user, locale }).finalMessage()).embeds[0]!.description as string;
    expect(await help('en-US')).toMatch(/`\/settings size:` your pictures at 128 px \(the default, quickest\) or 256 px/);
    expect(await help('ja')).toMatch(/`\/settings size:` 画像の大きさ: 128 px（既定・いちばん速い）か 256 px/);
  });

  it('GIVEN 256 px chosen but the store failing when a drawing starts THEN the picture still comes, at the default 128 px, logged once', async () => {
    await bot.ctx.settings.setPictureSize(user.id, 256);
    const failing = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    bot.ctx.settings.pictureSize = () => Promise.reject(failing);
    try {
      const before = w.logs.length;
      const [got, want] = await gachaWidth(128);
      expect(got).toBe(want);
      expect(w.logs.slice(before).filter((l) => l.includes('picture size not read: storage failed (SQLITE_BUSY); drawing at the default size'))).toHaveLength(
        1,
      );
    } finally {
      delete (bot.ctx.settings as Partial<typeof bot.ctx.settings>).pictureSize;
    }
    expect(await bot.ctx.settings.pictureSize(user.id)).toBe(256);
  });
});
