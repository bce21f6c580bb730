/**
 * An expected refusal decided by the bot itself (slot out of range, expired buttons…):
 * carries a message key so the one error handler can answer in the user's language.
 */
import type { MessageKey, Vars } from '../i18n/index.ts';

export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly key: MessageKey,
    readonly vars: Vars = {},
  ) {
    super(key);
  }
}
