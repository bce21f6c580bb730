/**
 * Text one user wrote (a favourite's name), shown to other users in a message: it must read as
 * the plain text it is. Markdown is escaped, masked links included (`[click me](https://…)`
 * would otherwise hide where it leads); a mention cannot render (its `<` is escaped, so
 * `<@id>` shows as typed); bidi controls, which reverse the rest of the line, and zero-width
 * spaces are removed. Joiners (U+200C/U+200D) stay: emoji sequences and some scripts need them.
 */
import { escapeMarkdown } from 'discord.js';

const BIDI_AND_ZERO_WIDTH = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

export function plainUserText(text: string): string {
  return escapeMarkdown(text.replace(BIDI_AND_ZERO_WIDTH, ''), { maskedLink: true }).replace(/</g, '\\<');
}

/** ' “Alice”' for messages others read, or ''. */
export function quotedForOthers(name: string | null): string {
  return name ? ` “${plainUserText(name)}”` : '';
}
