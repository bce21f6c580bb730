/**
 * The studio's one door into the bot's source (src/). Everything the page shares with the
 * bot — share codes, seeds, latent arithmetic, float16, the tag vocabulary and parser, the
 * gacha's random fill — is re-exported here, so that moving those modules in src/ changes
 * this file only. Every module reached from here must be browser-safe (no node: imports);
 * share-code.ts uses the global Buffer for base64url, which web/src/node-shims.ts supplies
 * at build time (esbuild `inject`).
 */
export {
  encodeShareCode,
  decodeShareCode,
  peekShareCode,
  type ShareCodeData,
  ShareCodeError,
  type ShareCodeErrorCode,
  seedToZ,
  SeedRandom,
  lerp,
  slerp,
  bilinear,
  interpolateSteps,
  variations,
  truncate,
  roundToFloat16,
} from '../../src/latent/index.ts';
export { TagVocabulary, normalizeTag, KNOWN_GROUPS, parseTags, unknownTagsMessage, type TagSpec, type TagEntry, type TagGroup, type ParseResult, type TagWarning } from '../../src/tags/index.ts';
export { fillSetsAtRandom, mergeTags } from '../../src/core/tags-input.ts';
export { tagSetsOf } from '../../src/core/tag-sets.ts';
export { codedParts, partVariations, type RefinePart } from '../../src/core/refine-codes.ts';
import type { ModelEntry as BotModelEntry } from '../../src/core/catalog.ts';
/** What the page knows of a model: the card's sizes and the vocabulary (no files, no runtime). */
export type ModelEntry = Pick<BotModelEntry, 'id' | 'formerIds' | 'name' | 'zDim' | 'imageSize' | 'vocabulary' | 'exclusiveSets' | 'optionalSets'>;
export { describeTags } from '../../src/core/girl.ts';
export { LIMITS } from '../../src/core/limits.ts';
