import type { BotContext } from '../../bot/context.ts';
import { requireModel } from '../../core/catalog.ts';
import type { TagVocabulary } from '../../tags/vocabulary.ts';

/** The default model's tags: what the picker, /tags and autocomplete offer. */
export function vocabularyOfDefault(ctx: BotContext): TagVocabulary {
  return requireModel(ctx.runtime.catalog).vocabulary;
}
