/** Issue #10 ("Found by trying"): what users broke by trying, end to end through the loopback Discord. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
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
  const send = (name: string, options: Record<string, string | number> = {}, extra: { subcommand?: string; locale?: string; as?: ApiObject } = {}) =>
    w.loop.sendCommand({
      name,
      options,
      user: extra.as ?? alice,
      ...(extra.subcommand ? { subcommand: extra.subcommand } : {}),
      ...(extra.locale ? { locale: extra.locale } : {}),
    });
  const clearFavourites = (user: ApiObject) => {
    for (const f of bot.ctx.favourites.list(user.id)) bot.ctx.favourites.removeById(user.id, f.id);
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
      const fav = bot.ctx.favourites.list(alice.id)[0]!;
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
});
