/**
 * Text one user wrote (a favourite's name) inside a message others see. Discord would read
 * it as markdown — `[click me](https://evil.example)` as a link whose address is hidden, `<@id>`
 * as a mention, `https://…` as a link with a preview — and an unclosed U+202E would reverse
 * the rest of the line. So: hidden format characters go, every markdown sign is escaped, and
 * a name in a right-to-left script is isolated (FSI…PDI) so it cannot reorder the sentence
 * around it.
 */
import { escapeMarkdown } from 'discord.js';
import { stripHiddenFormat } from '../render/text.ts';

/** Letters of the right-to-left scripts. */
const RTL = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;
const FSI = '\u2068';
const PDI = '\u2069';

/** `text` fit to sit inside a message: shown as typed, never as markup, a link or a mention. */
export function userText(text: string): string {
  const visible = stripHiddenFormat(text);
  const escaped = escapeMarkdown(visible, { heading: true, bulletedList: true, numberedList: true })
    // Links and mentions: "[", "]" (masked links), "<" (<@id>, <#id>, <:emoji:id>), "@" (@everyone), "://" (bare links).
    .replace(/[[\]<@]/g, '\\$&')
    .replace(/:\/\//g, '\\://')
    .replace(/^>/, '\\>');
  return RTL.test(visible) ? `${FSI}${escaped}${PDI}` : escaped;
}

/** `text` without hidden format characters, for plain-text places (autocomplete choices) where markdown is not read. */
export function plainUserText(text: string): string {
  return stripHiddenFormat(text);
}
