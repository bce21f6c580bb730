import { ActionRowBuilder, ButtonBuilder, ButtonStyle, StringSelectMenuBuilder, type MessageActionRowComponentBuilder } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { translator } from '../../src/i18n/index.ts';
import { studioUrl, withStudioLink } from '../../src/commands/shared/studio-link.ts';
import type { MessageView } from '../../testkit/discord/index.ts';
import { startWorld, type World } from './harness.ts';

const tr = translator('en');
const BASE = 'https://studio.example.org/gff/';
const row = (...c: MessageActionRowComponentBuilder[]) => new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(...c);
const button = (id: string) => new ButtonBuilder().setCustomId(id).setLabel(id).setStyle(ButtonStyle.Secondary);

/** Link buttons of a message: [label, url]. */
function links(m: MessageView): [string, string][] {
  const out: [string, string][] = [];
  for (const r of (m.components ?? []) as { components?: { style?: number; url?: string; label?: string }[] }[]) {
    for (const c of r.components ?? []) if (c.style === ButtonStyle.Link) out.push([c.label ?? '', c.url ?? '']);
  }
  return out;
}

describe('"Open in studio" link button', () => {
  it('GIVEN GFF_STUDIO_URL THEN config reads it; unset it is absent; a non-URL is a configuration error', () => {
    expect(loadConfig({ GFF_STUDIO_URL: BASE }).GFF_STUDIO_URL).toBe(BASE);
    expect(loadConfig({}).GFF_STUDIO_URL).toBeUndefined();
    expect(loadConfig({ GFF_STUDIO_URL: '' }).GFF_STUDIO_URL).toBeUndefined();
    expect(() => loadConfig({ GFF_STUDIO_URL: 'not a url' })).toThrow(/GFF_STUDIO_URL/);
  });

  it('GIVEN a studio URL THEN the link is <url>#g=<code>; none without one or past 512 characters', () => {
    expect(studioUrl(BASE, 'AQIH')).toBe(`${BASE}#g=AQIH`);
    expect(studioUrl(`${BASE}#old`, 'AQIH')).toBe(`${BASE}#g=AQIH`);
    expect(studioUrl(undefined, 'AQIH')).toBeUndefined();
    expect(studioUrl(BASE, 'A'.repeat(600))).toBeUndefined();
  });

  it('GIVEN reply rows THEN the link joins the last button row, else a row of its own, never a sixth row', () => {
    const joined = withStudioLink([row(button('a')), row(button('b'))], BASE, 'C0DE', tr).map((r) => r.toJSON());
    expect(joined).toHaveLength(2);
    expect(joined[1]!.components).toHaveLength(2);
    expect(joined[1]!.components[1]).toMatchObject({ style: ButtonStyle.Link, url: `${BASE}#g=C0DE`, label: 'Open in studio' });
    const select = new StringSelectMenuBuilder().setCustomId('s').addOptions({ label: 'x', value: 'x' });
    expect(withStudioLink([row(select)], BASE, 'C0DE', tr).map((r) => r.toJSON())).toHaveLength(2);
    expect(withStudioLink([], BASE, 'C0DE', tr)).toHaveLength(1);
    const full = Array.from({ length: 5 }, () => row(...Array.from({ length: 5 }, (_, i) => button(`b${i}`))));
    expect(withStudioLink(full, BASE, 'C0DE', tr)).toHaveLength(5);
    const rows = [row(button('a'))];
    expect(withStudioLink(rows, undefined, 'C0DE', tr)).toBe(rows);
  });
});

describe('"Open in studio" on replies, end to end', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.close());

  it('GIVEN GFF_STUDIO_URL THEN /generate, /favorite show, /morph and /blend carry the link to the girl; unset, they do not', async () => {
    const bot = await w.startBot({ GFF_STUDIO_URL: BASE });
    const gen = await w.loop.sendCommand({ name: 'generate', options: { seed: 5, tags: 'smile' } }).finalMessage();
    const code = /`([A-Za-z0-9_-]{20,})`/.exec(gen.content)![1]!;
    expect(links(gen)).toEqual([['Open in studio', `${BASE}#g=${code}`]]);
    const other = /`([A-Za-z0-9_-]{20,})`/.exec((await w.loop.sendCommand({ name: 'generate', options: { seed: 6 } }).finalMessage()).content)![1]!;
    await w.loop.sendCommand({ name: 'favorite', subcommand: 'add', options: { code } }).finalMessage();
    await w.loop.sendCommand({ name: 'favorite', subcommand: 'add', options: { code: other } }).finalMessage();
    const show = await w.loop.sendCommand({ name: 'favorite', subcommand: 'show', options: { slot: 2 } }).finalMessage();
    expect(links(show)).toEqual([['Open in studio', `${BASE}#g=${code}`]]);
    const morph = await w.loop.sendCommand({ name: 'morph', options: { slot: 2, to: 'open_mouth', steps: 3 } }).finalMessage();
    // A morph's link opens her last frame (its code is the reply's: issue 30, item 10), not the favourite.
    const lastFrame = /`([A-Za-z0-9_-]{20,})`/.exec(morph.content)![1]!;
    expect(lastFrame).not.toBe(code);
    expect(links(morph)).toEqual([['Open in studio', `${BASE}#g=${lastFrame}`]]);
    const blend = await w.loop.sendCommand({ name: 'blend', options: { slots: '2 1', steps: 3 } }).finalMessage();
    expect(links(blend)).toEqual([['Open in studio', `${BASE}#g=${code}`]]);
    await bot.stop();

    const plain = await w.startBot();
    const again = await w.loop.sendCommand({ name: 'generate', options: { seed: 5, tags: 'smile' } }).finalMessage();
    expect(again.content).toContain(code);
    expect(links(again)).toEqual([]);
    const show2 = await w.loop.sendCommand({ name: 'favorite', subcommand: 'show', options: { slot: 2 } }).finalMessage();
    expect(links(show2)).toEqual([]);
    await plain.stop();
  });
});
