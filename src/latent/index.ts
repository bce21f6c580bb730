/**
 * The latent room: seeds → z, the maths between z's, share codes and float16 — pure
 * functions with no runtime, no tfjs and no Discord (a browser may import this barrel).
 */
export { SeedRandom, seedToZ } from './seed-random.ts';
export { lerp, slerp, interpolateSteps, bilinear, bilinearGrid, variations, truncate, type InterpolationKind } from './interpolate.ts';
export {
  SHARE_CODE_VERSION,
  crc32,
  encodeShareCode,
  decodeShareCode,
  peekShareCode,
  quantiseTag,
  onTagGrid,
  type ShareCodeData,
  type ShareCodeExpectation,
} from './share-code.ts';
export { encodeFloat16, decodeFloat16, float32ToFloat16Bits, float16BitsToFloat32, roundToFloat16, FLOAT16_MAX } from './float16.ts';
export { ShareCodeError, errorDetail, type ShareCodeErrorCode, type ErrorDetail } from './errors.ts';
