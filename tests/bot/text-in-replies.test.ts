/** Issue 30 items 7, 8 and 11: names, unknown tags and errors as replies show them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { shareCodeOf } from '../../src/core/girl.ts';
import { seedToZ } from '../../src/latent/seed-random.ts';
import type { ApiObject } from '../../testkit/discord/index.ts';
import { startWorld, type World } from './harness.ts';

describe('text in replies (issue 30)', () => {
  let w: World;
  let bot: Bot;
  let alice: ApiObject;

  const codeOf = (seed: number, tags: string[]) => {
    const model = bot.ctx.runtime.catalog.get('tiny')!;
    return shareCodeOf({ modelId: 'tiny', z: seedToZ(seed, model.zDim), tags: model.vocabulary.toVector(tags) });
  };
  const send = (name: string, options: Record<string, string | number | boolean> = {}, extra: { subcommand?: string; locale?: string } = {}) =>
    w.loop.sendCommand({
      name,
      options,
      user: alice,
      ...(extra.subcommand ? { subcommand: extra.subcommand } : {}),
      ...(extra.locale ? { locale: extra.locale } : {}),
    });
  const clearFavourites = async () => {
    for (const f of await bot.ctx.favourites.list(alice.id)) await bot.ctx.favourites.removeById(alice.id, f.id);
  };

  beforeAll(async () => {
    w = await startWorld();
    bot = await w.startBot();
    alice = w.loop.fixtures.users.alice;
  });
  afterAll(() => w.close());

  describe('7: names in public replies', () => {
    it('GIVEN a name that is a markdown link, a mention or an unclosed U+202E THEN replies show it as text, never as a link, mention or reversed line', async () => {
      await clearFavourites();
      const LINK = '[click me](https://evil.example)';
      await send('favorite', { code: codeOf(71, ['smile']), name: LINK }, { subcommand: 'add' }).finalMessage();
      await send('favorite', { code: codeOf(72, ['smile']), name: '\u202Eevil <@1> @everyone' }, { subcommand: 'add' }).finalMessage();
      const blend = await send('blend', { slots: '1 2', steps: 3 }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(blend.content).toContain('\\[click me\\](https\\://evil.example)');
      expect(blend.content).not.toContain(LINK);
      expect(blend.content).toContain('evil \\<\\@1> \\@everyone');
      expect(blend.content).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b]/u);
      const renamed = await send('favorite', { slot: 1, name: '[click](https://evil.example)\u202E' }, { subcommand: 'rename' }).finalMessage();
      expect(renamed.content).toContain('**\\[click\\](https\\://evil.example)**');
      expect(renamed.content).not.toContain('\u202E');
    });

    it('GIVEN a Hebrew name THEN it is isolated (FSI…PDI) so it cannot reorder the sentence', async () => {
      await clearFavourites();
      await send('favorite', { code: codeOf(73, ['smile']), name: 'שלום' }, { subcommand: 'add' }).finalMessage();
      const show = await send('favorite', { slot: 1 }, { subcommand: 'show' }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(show.content).toContain('“\u2068שלום\u2069”');
    });
  });

  describe('8: unknown tags', () => {
    it('GIVEN 1,000 characters of unknown tags THEN one short reply with a count of the rest, not ~95 lines cut at 2,000', async () => {
      const tags = Array.from({ length: 200 }, (_, i) => `nosuchtag${i}`)
        .join(', ')
        .slice(0, 1000);
      const reply = await send('gacha', { tags }).finalMessage();
      expect(reply.content.length).toBeLessThan(600);
      expect(reply.content.split('\n').length).toBeLessThanOrEqual(8);
      expect(reply.content).toMatch(/…and \d+ more words that are not tags of this model\./);
      expect(reply.content).toContain('/tags lists the tags this model knows.');
    });

    it('GIVEN blush in Japanese THEN "not among this model’s tags", in Japanese', async () => {
      const reply = await send('gacha', { tags: '赤面' }, { locale: 'ja' }).finalMessage();
      expect(reply.content).toContain('「赤面」（blush）はこのモデルのタグにはありません。');
      expect(reply.content).not.toMatch(/did you mean|もしかして/);
    });
  });

  describe('11: Japanese', () => {
    it('GIVEN /generate with no options in Japanese THEN a Japanese body under the Japanese heading', async () => {
      const reply = await send('generate', {}, { locale: 'ja' }).finalMessage();
      expect(reply.content).toBe('共有コードが読めません。\n共有コードか、シード（とタグ）を指定してください。');
    });

    it('GIVEN a damaged share code in Japanese THEN its reason in Japanese', async () => {
      const code = codeOf(74, ['smile']);
      const damaged = `${code.slice(0, 20)}${code[20] === 'A' ? 'B' : 'A'}${code.slice(21)}`;
      const reply = await send('generate', { code: damaged }, { locale: 'ja' }).finalMessage();
      expect(reply.content).toMatch(/^共有コードが読めません。\nこの共有コードは壊れて/);
      expect(reply.content).not.toMatch(/share code/i);
    });

    it('GIVEN a number out of range in Japanese THEN the field and the range in Japanese', async () => {
      const reply = await send('gacha', { count: 3, psi: 9 }, { locale: 'ja' }).finalMessage();
      expect(reply.content).toBe('数値が範囲外です。\nψ（切り詰め）は 0.3〜1.5 の数です（9 が指定されました）。');
    });

    it('GIVEN /favorite list in Japanese THEN tag names are Japanese, as /favorite show gives them', async () => {
      await clearFavourites();
      await send('favorite', { code: codeOf(75, ['blonde_hair', 'smile']) }, { subcommand: 'add' }).finalMessage();
      const list = await send('favorite', {}, { subcommand: 'list', locale: 'ja' }).finalMessage({ where: (m) => m.embeds.length > 0 });
      const value = (list.embeds[0]!.fields as ApiObject[])[0]!.value as string;
      expect(value).toContain('金髪');
      expect(value).toContain('笑顔');
      expect(value).not.toContain('blonde_hair');
      const show = await send('favorite', { slot: 1 }, { subcommand: 'show', locale: 'ja' }).finalMessage({ where: (m) => m.attachments.length > 0 });
      expect(show.content).toContain(value.split('\n')[0]!);
    });
  });
});
