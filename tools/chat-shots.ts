/**
 * Pictures of the bot's chat surfaces for the README: the real bot on the loopback Discord
 * (models/default when present) is used as a new user would — a share code pasted in a group
 * DM, right-click → Apps → "Open this girl"; right-click a friend → Apps → "Favourites" — and
 * what it answered (text, picture, buttons, exactly as sent) is drawn in a Discord-like page
 * by headless Chromium. Writes docs/gallery/open-this-girl.png, favourites-menu.png and
 * gift.png (/favorite give in the group DM, then the receiver's Accept).
 *
 *   npx tsx tools/chat-shots.ts [--out docs/gallery]
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { registerCommands } from '../src/bot.ts';
import type { ApiObject, MessageView } from '../testkit/discord/index.ts';
import { botOnLoopback } from './lib/bot-on-loopback.ts';
import { chromiumAvailable, launchChromium } from './web-browser.ts';

const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1]! : 'docs/gallery';

if (!chromiumAvailable()) {
  process.stderr.write('chat-shots: no Chromium (set GFF_CHROMIUM)\n');
  process.exit(2);
}

const { loop, bot, note, close } = await botOnLoopback({
  fallback: { imageSize: 64, channels: 64 },
  fallbackNote: 'a RANDOM untrained model (the faces are noise)',
  env: { GFF_WORKERS: '0', GFF_STUDIO_URL: 'https://studio.example.org/' },
});
process.stdout.write(`chat-shots: ${note}\n`);

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const names = new Map<string, string>();

/** Discord's markdown, as far as the bot's replies use it. */
function markdown(text: string): string {
  return (
    escapeHtml(text)
      .replace(/`([^`]+)`/g, (_, code: string) => `<code>${code.length > 60 ? `${code.slice(0, 57)}…` : code}</code>`)
      .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
      .replace(/&lt;@(\d+)&gt;/g, (_, id: string) => `<span class="mention">@${names.get(id) ?? 'someone'}</span>`)
      // Discord timestamps, as an English client in UTC shows them.
      .replace(/&lt;t:(\d+):R&gt;/g, (_, t: string) => `<span class="stamp">in ${Math.round((Number(t) * 1000 - Date.now()) / 3_600_000)} hours</span>`)
      .replace(
        /&lt;t:(\d+):f&gt;/g,
        (_, t: string) =>
          `<span class="stamp">${new Date(Number(t) * 1000).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })}</span>`,
      )
      .replace(/\n/g, '<br>')
  );
}

function componentsHtml(rows: ApiObject[]): string {
  return rows
    .map((row) => {
      const items = (row.components ?? []).map((c: ApiObject) => {
        if (c.type === 3) return `<div class="select">${escapeHtml(c.placeholder ?? '')}<span>⌄</span></div>`;
        const label = `${c.emoji?.name ?? ''}${c.label ? ` ${escapeHtml(c.label)}` : ''}`.trim();
        return `<div class="button${c.style === 1 ? ' primary' : c.style === 3 ? ' success' : ''}">${label}${c.style === 5 ? ' ↗' : ''}</div>`;
      });
      return `<div class="row">${items.join('')}</div>`;
    })
    .join('');
}

function embedHtml(e: ApiObject, files: Map<string, string>): string {
  const image = e.image?.url?.startsWith('attachment://') ? files.get(e.image.url.slice('attachment://'.length)) : undefined;
  const fields = (e.fields ?? []).map((f: ApiObject) => `<div class="field"><b>${markdown(f.name)}</b><div>${markdown(f.value)}</div></div>`).join('');
  return `<div class="embed"><div class="title">${markdown(e.title ?? '')}</div>${fields}${image ? `<img src="${image}">` : ''}<div class="footer">${markdown(e.footer?.text ?? '')}</div></div>`;
}

interface Line {
  author: string;
  bot?: boolean;
  /** What the user did to get this answer ("used Open this girl"). */
  via?: string;
  message: MessageView | { content: string; attachments: []; components: []; embeds: []; ephemeral: false };
}

function page(title: string, lines: Line[]): string {
  const body = lines
    .map(({ author, bot: isBot, via, message }) => {
      const files = new Map(message.attachments.map((a) => [a.filename, `data:${a.contentType};base64,${a.data.toString('base64')}`]));
      const inEmbed = new Set(message.embeds.map((e) => String(e.image?.url ?? '').replace('attachment://', '')));
      const images = message.attachments
        .filter((a) => a.contentType.startsWith('image/') && !inEmbed.has(a.filename))
        .map((a) => `<img src="${files.get(a.filename)}">`)
        .join('');
      return `<div class="message">
        ${via ? `<div class="via">↱ <b>${escapeHtml(via.split('|')[0]!)}</b> used <span class="cmd">${escapeHtml(via.split('|')[1]!)}</span></div>` : ''}
        <div class="head"><div class="avatar${isBot ? ' bot' : ''}">${escapeHtml(author[0]!.toUpperCase())}</div>
        <div><span class="name">${escapeHtml(author)}</span>${isBot ? '<span class="tag">APP</span>' : ''}<span class="time">Today at 21:00</span>
        <div class="content">${markdown(message.content)}</div>
        ${message.embeds.map((e) => embedHtml(e, files)).join('')}${images}${componentsHtml(message.components)}
        ${message.ephemeral ? '<div class="only">👁 Only you can see this · <u>Dismiss message</u></div>' : ''}</div></div></div>`;
    })
    .join('');
  return `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; background: #313338; color: #dbdee1; font: 15px/1.4 "Noto Sans", "Noto Sans CJK JP", sans-serif; }
    .channel { padding: 10px 16px; border-bottom: 1px solid #26272b; color: #f2f3f5; font-weight: 600; }
    .message { padding: 8px 16px; } .head { display: flex; gap: 14px; }
    .avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; background: #5865f2; color: #fff; display: grid; place-items: center; font-weight: 700; }
    .avatar.bot { background: #eb459e; } .name { color: #f2f3f5; font-weight: 600; margin-right: 6px; }
    .tag { background: #5865f2; color: #fff; font-size: 10px; padding: 1px 4px; border-radius: 3px; margin-right: 6px; }
    .time { color: #949ba4; font-size: 12px; } .content { margin: 2px 0 6px; max-width: 760px; word-break: break-word; }
    code { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 0 3px; font-size: 13px; }
    .mention { background: #3c4270; color: #c9cdfb; border-radius: 3px; padding: 0 2px; }
    img { display: block; border-radius: 8px; margin: 4px 0; max-width: 400px; }
    .row { display: flex; gap: 8px; margin: 6px 0; } .button { background: #4e5058; color: #fff; border-radius: 4px; padding: 5px 14px; font-size: 14px; }
    .button.primary { background: #5865f2; } .button.success { background: #248046; } .stamp { background: #3f4147; border-radius: 3px; padding: 0 2px; } .select { background: #1e1f22; border-radius: 4px; padding: 8px 10px; width: 380px; color: #949ba4; display: flex; justify-content: space-between; }
    .only { color: #949ba4; font-size: 12px; margin-top: 4px; } .only u { color: #00a8fc; text-decoration: none; }
    .via { color: #949ba4; font-size: 13px; margin: 0 0 2px 54px; } .cmd { color: #00a8fc; }
    .embed { background: #2b2d31; border-left: 4px solid #eb459e; border-radius: 4px; padding: 8px 12px; max-width: 520px; }
    .embed .title { font-weight: 700; color: #f2f3f5; } .field { margin: 6px 0; font-size: 14px; } .footer { color: #949ba4; font-size: 12px; }
  </style><div class="channel"># ${escapeHtml(title)}</div>${body}`;
}

try {
  await registerCommands({ token: loop.token, appId: loop.fixtures.application.id, api: loop.restApi });
  const { alice, bob } = loop.fixtures.users;
  names.set(alice.id, 'alice').set(bob.id, 'bob');
  const model = bot.ctx.runtime.catalog.get(bot.ctx.runtime.catalog.defaultModelId)!;
  const where = { privateChannel: true } as const;

  // Bob pastes a share code in the group DM; Alice opens her.
  const grid = await loop.sendCommand({ name: 'gacha', options: { tags: 'smile', count: 9, seed: 2026 }, user: bob, ...where }).finalMessage();
  const codes = await loop.clickButton({ customId: grid.components.at(-1)!.components.at(-1).custom_id, message: grid, user: bob, ...where }).finalMessage();
  // 📋 gives nine codes (in codes.txt when they do not fit): Bob copies the fourth.
  const code = (codes.content + codes.attachments.map((a) => a.data.toString()).join('')).match(/[A-Za-z0-9_-]{64,}/g)?.[3] ?? '';
  const shared = loop.userMessage({ content: `this one is my favourite, look: \`${code}\``, author: bob, channelId: grid.channelId });
  const opened = await loop
    .sendMessageCommand({ name: 'Open this girl', message: shared, user: alice, ...where })
    .finalMessage({ where: (m) => m.attachments.length > 0 });

  // Alice made hers public; Bob right-clicks her → Favourites.
  for (const tile of ['1', '4', '8']) {
    const star = grid.components.flatMap((r) => r.components).find((c: ApiObject) => String(c.custom_id).endsWith(`:${tile}`));
    await loop.clickButton({ customId: star.custom_id, message: grid, user: alice, ...where }).finalMessage();
  }
  await loop.sendCommand({ name: 'favorite', subcommand: 'visibility', options: { who: 'public' }, user: alice, ...where }).finalMessage();
  const favourites = await loop
    .sendUserCommand({ name: 'Favourites', target: alice, user: bob, ...where })
    .finalMessage({ where: (m) => m.attachments.length > 0 });

  // Alice gives Bob her favourite #1; Bob accepts (the offer pings Bob alone, the accept pings Alice).
  const giving = loop.sendCommand({ name: 'favorite', subcommand: 'give', options: { slot: 1, to: bob }, user: alice, ...where });
  const offer = await giving.finalMessage({ where: (m) => !m.ephemeral && m.attachments.length > 0 });
  const accept = offer.components.flatMap((r) => r.components).find((c: ApiObject) => String(c.custom_id).startsWith('favorite:gift-accept:'));
  const accepting = loop.clickButton({ customId: accept.custom_id, message: offer, user: bob, ...where });
  const accepted = await accepting.finalMessage();
  const ping = (await accepting.waitFor((e) => e.kind === 'followup')).message!;

  const browser = await launchChromium({ viewport: { width: 860, height: 400 } });
  try {
    await mkdir(OUT, { recursive: true });
    const shoot = async (file: string, html: string) => {
      const tab = await browser.context.newPage();
      await tab.setContent(html);
      await tab.screenshot({ path: path.join(OUT, file), fullPage: true });
      await tab.close();
      process.stdout.write(`chat-shots: ${path.join(OUT, file)}\n`);
    };
    await shoot(
      'open-this-girl.png',
      page(`group DM · model ${model.id}`, [
        { author: 'bob', message: shared },
        { author: 'girlfriend-factory', bot: true, via: 'alice|Open this girl', message: opened },
      ]),
    );
    await shoot(
      'favourites-menu.png',
      page(`group DM · model ${model.id}`, [{ author: 'girlfriend-factory', bot: true, via: 'bob|Favourites', message: favourites }]),
    );
    await shoot(
      'gift.png',
      page(`group DM · model ${model.id}`, [
        { author: 'girlfriend-factory', bot: true, via: 'alice|/favorite give', message: offer },
        { author: 'girlfriend-factory', bot: true, via: 'bob|🎁 Accept', message: { ...accepted, attachments: [] } },
        { author: 'girlfriend-factory', bot: true, message: ping },
      ]),
    );
  } finally {
    await browser.close();
  }
} finally {
  await close();
}
