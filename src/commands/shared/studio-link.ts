/**
 * "Open in studio": a Link button to the web studio (web/, GFF_STUDIO_URL) that opens one
 * girl from her share code (`<url>#g=<code>`). Absent when GFF_STUDIO_URL is not set.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type MessageActionRowComponentBuilder } from 'discord.js';
import type { Translate } from '../../i18n/index.ts';

type Row = ActionRowBuilder<MessageActionRowComponentBuilder>;

/** Discord's limits: a link button's URL, buttons per row, rows per message. */
const MAX_URL = 512;
const MAX_PER_ROW = 5;
const MAX_ROWS = 5;

/** The studio's address for one girl, or undefined without a studio (or past Discord's URL limit). */
export function studioUrl(base: string | undefined, code: string): string | undefined {
  if (!base) return undefined;
  const url = `${base.replace(/#.*$/, '')}#g=${code}`;
  return url.length <= MAX_URL ? url : undefined;
}

export function studioButton(base: string | undefined, code: string, tr: Translate): ButtonBuilder | undefined {
  const url = studioUrl(base, code);
  return url ? new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel(tr('studio.open')).setEmoji('🎨') : undefined;
}

/**
 * `rows` with the studio button added: in the last row when it has room, else in a row of
 * its own when the message has room; unchanged without a studio.
 */
export function withStudioLink(rows: Row[], base: string | undefined, code: string, tr: Translate): Row[] {
  const button = studioButton(base, code, tr);
  if (!button) return rows;
  const last = rows[rows.length - 1];
  if (last && last.components.length < MAX_PER_ROW && last.components.every((c) => c instanceof ButtonBuilder)) {
    return [...rows.slice(0, -1), new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(...last.components, button)];
  }
  if (rows.length >= MAX_ROWS) return rows;
  return [...rows, new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(button)];
}
