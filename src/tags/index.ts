/**
 * The tags room: a model's vocabulary and everything done with user text — parsing with
 * "did you mean" suggestions, ranking, autocompletion. Plain functions over a TagVocabulary,
 * no runtime and no Discord (callers pass their platform's limits).
 */
export {
  TagVocabulary,
  normalizeTag,
  stripInvisible,
  KNOWN_GROUPS,
  type KnownTagGroup,
  type TagGroup,
  type TagSpec,
  type TagEntry,
  type LookupKey,
} from './vocabulary.ts';
export {
  parseTags,
  tagWarnings,
  unknownTagsMessage,
  UNKNOWN_TAG_WORDING,
  MAX_UNKNOWN_LINES,
  DEFAULT_MULTI_GROUPS,
  type ParseResult,
  type ParseOptions,
  type TagWarning,
  type UnknownTag,
  type UnknownTagWording,
} from './parse.ts';
export { tagElsewhere } from './elsewhere.ts';
export { rankTags, suggestTags, typoDistance } from './suggest.ts';
export { autocompleteTags, type AutocompleteChoice, type ChoiceLimits } from './autocomplete.ts';
export { VOCABULARY, type TagInfo } from './default-vocabulary.ts';
