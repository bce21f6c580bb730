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
} from '../../src/gan/share-code.ts';
export { ShareCodeError, type ShareCodeErrorCode } from '../../src/gan/errors.ts';
export { seedToZ, SeedRandom } from '../../src/gan/seed-random.ts';
export { lerp, slerp, bilinear, interpolateSteps, variations, truncate } from '../../src/gan/latent.ts';
export { roundToFloat16 } from '../../src/util/float16.ts';
export { TagVocabulary, normalizeTag, KNOWN_GROUPS, type TagSpec, type TagEntry, type TagGroup } from '../../src/gan/tag-vocabulary.ts';
export type { ParseResult, TagWarning } from '../../src/gan/tag-parse.ts';
export { fillExclusiveSets } from '../../src/core/tags-input.ts';
export type { ModelEntry } from '../../src/core/catalog.ts';
export { describeTags } from '../../src/core/girl.ts';
export { LIMITS } from '../../src/core/limits.ts';
