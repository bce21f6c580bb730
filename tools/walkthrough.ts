/**
 * Plays one user through the bot over the loopback Discord — /gacha → ⭐ → /favorite list →
 * /restyle → /morph twice (the second chains from the first) → /blend — and saves every
 * reply's attachments in out/walkthrough/ with an index.md of what was sent and received.
 *
 *   npm run e2e:walkthrough
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InteractionRecord, MessageView } from '../testkit/discord/index.ts';
import { botOnLoopback } from './lib/bot-on-loopback.ts';

const OUT = 'out/walkthrough';
const { loop, note, close } = await botOnLoopback({
  fallback: { imageSize: 64, channels: 64 },
  fallbackNote: 'using a RANDOM untrained model made on the fly (64 px): the faces are noise, the flow is real',
  env: { GFF_WORKERS: '0' },
});
process.stdout.write(`walkthrough: ${note}\n`);
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });

const index: string[] = ['# Walkthrough', '', `Drawn with: ${note}.`, '', 'Each step: what the user sent, what the bot answered, the files it attached.', ''];
let step = 0;

function componentsOf(m: MessageView): string[] {
  const out: string[] = [];
  for (const row of m.components as { components?: { custom_id?: string; label?: string; placeholder?: string; emoji?: { name?: string } }[] }[]) {
    for (const c of row.components ?? []) out.push(c.label ?? c.emoji?.name ?? (c.placeholder ? `[${c.placeholder}]` : c.custom_id) ?? '?');
  }
  return out;
}

async function record(what: string, rec: InteractionRecord, wantFiles = true): Promise<MessageView> {
  const reply = await rec.finalMessage({ where: (m) => !wantFiles || m.attachments.length > 0 || m.ephemeral, timeoutMs: 120_000 });
  step++;
  const saved: string[] = [];
  for (const a of reply.attachments) {
    const name = `${String(step).padStart(2, '0')}-${a.filename}`;
    await writeFile(path.join(OUT, name), a.data);
    saved.push(`[${name}](${name}) (${(a.size / 1024).toFixed(1)} KiB)`);
  }
  const flow = rec.events.map((e) => (e.kind === 'callback' ? `callback ${e.callbackType}` : e.kind)).join(' → ');
  index.push(
    `## ${step}. ${what}`,
    '',
    `- sent: \`${what}\`${rec.ephemeral ? ' (answer is private)' : ''}`,
    `- bot: ${flow}, first answer after ${Math.round(rec.ackMs ?? 0)} ms`,
  );
  if (reply.content) index.push(`- content:`, '', ...reply.content.split('\n').map((l) => `  > ${l}`), '');
  for (const e of reply.embeds) index.push(`- embed: **${e.title ?? ''}** ${(e.fields ?? []).map((f: { name: string }) => f.name).join(' · ')}`);
  if (reply.components.length) index.push(`- components: ${componentsOf(reply).join(' ')}`);
  if (saved.length) index.push(`- files: ${saved.join(', ')}`);
  index.push('');
  process.stdout.write(`${step}. ${what} → ${saved.length ? saved.map((s) => s.replace(/\].*/, '').slice(1)).join(', ') : reply.content.split('\n')[0]}\n`);
  return reply;
}

const star = (m: MessageView, tile: number) => `gacha:keep-tile:${/gacha:keep-tile:([\w-]+):/.exec(JSON.stringify(m.components))![1]}:${tile}`;

try {
  const grid = await record('/gacha tags:blonde_hair, smile count:9', loop.sendCommand({ name: 'gacha', options: { tags: 'blonde_hair, smile', count: 9 } }));
  await record('⭐3 under the gacha grid', loop.clickButton({ customId: star(grid, 3), message: grid }), false);
  await record('⭐7 under the gacha grid', loop.clickButton({ customId: star(grid, 7), message: grid }), false);
  const grid2 = await record(
    '/gacha tags:青髪, ツインテール count:4 (Japanese tags)',
    loop.sendCommand({ name: 'gacha', options: { tags: '青髪, ツインテール', count: 4 } }),
  );
  await record('⭐2 under the second grid', loop.clickButton({ customId: star(grid2, 2), message: grid2 }), false);
  await record('/favorite list', loop.sendCommand({ name: 'favorite', subcommand: 'list' }));
  await record(
    '/restyle tags1:red_hair tags2:silver_hair, glasses tags3:pink_hair, smile',
    loop.sendCommand({ name: 'restyle', options: { tags1: 'red_hair', tags2: 'silver_hair, glasses', tags3: 'pink_hair, smile' } }),
  );
  await record('/morph slot:1 to:red_hair, smile', loop.sendCommand({ name: 'morph', options: { slot: 1, to: 'red_hair, smile' } }));
  await record(
    '/morph slot:1 to:twintails, closed_eyes (chains from red_hair, smile)',
    loop.sendCommand({ name: 'morph', options: { slot: 1, to: 'twintails, closed_eyes' } }),
  );
  await record('/blend slots:1 3', loop.sendCommand({ name: 'blend', options: { slots: '1 3' } }));
  await record('/blend slots:1 2 3 steps:5', loop.sendCommand({ name: 'blend', options: { slots: '1 2 3', steps: 5 } }));
  await writeFile(path.join(OUT, 'index.md'), index.join('\n'));
  process.stdout.write(`walkthrough: ${step} steps, files and index.md in ${OUT}/\n`);
} finally {
  await close();
}
