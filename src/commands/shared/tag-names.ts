/** Tags in replies, in the reader's language: Danbooru names in English, Japanese names in Japanese. */
import { describeTags } from '../../core/girl.ts';
import type { Translate } from '../../i18n/index.ts';
import type { TagVocabulary } from '../../tags/vocabulary.ts';

const japanese = (tr: Translate) => tr('meta.lang') === 'ja';

/** A tag vector as words ("金髪, 笑顔" / "blonde_hair, smile"). */
export function tagsText(vocab: TagVocabulary, tags: ArrayLike<number>, tr: Translate): string {
  return describeTags(vocab, tags, { japanese: japanese(tr) });
}

/** Tag names (as parsed) in the reader's language. */
export function tagNamesText(vocab: TagVocabulary, names: readonly string[], tr: Translate): string {
  if (!japanese(tr)) return names.join(', ');
  return names.map((n) => vocab.lookup(n)?.ja || n).join(', ');
}
