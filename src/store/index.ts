export type { Db, Engine, Queryable, MigrationTx, OpenOptions, StoreLogger, SqlValue, RunResult } from './db.ts';
export { openDatabase, engineOf, migrationsDirOf } from './open.ts';
export { redactUrl } from './postgres.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export { storeFailureKind, namingFile, type StoreFailureKind } from './failure.ts';
export { loadMigrations, migrate, type Migration, type MigrateResult } from './migrate.ts';
export { encodeFloat16, decodeFloat16, FLOAT16_MAX } from '../latent/float16.ts';
export { encodeTags, decodeTags, type TagWeights } from './tags.ts';
export { checkName, NAME_MAX_CHARS, type NameCheck } from './validate.ts';
export {
  FavouritesRepo,
  type Favourite,
  type NewFavourite,
  type AddResult,
  type GetResult,
  type RenameResult,
  type FavouritesOptions,
} from './favourites.ts';
export {
  GachaResultsRepo,
  DEFAULT_GACHA_TTL_MS,
  type PictureDraw,
  type StoredPicture,
  type NewStoredPicture,
  type GachaGetResult,
  type GachaResultsOptions,
} from './gacha-results.ts';
export { encodeParams, decodeParams, type PictureParams } from './picture-params.ts';
export { MorphStateRepo, type SetTargetResult } from './morph-state.ts';
export { RateLimitHitsRepo, type TakeResult } from './rate-limit-hits.ts';
export { UserSettingsRepo } from './user-settings.ts';
export { copyStore, type CopyCounts } from './copy.ts';
export {
  GiftsRepo,
  DEFAULT_GIFT_LIMITS,
  type GiftOffer,
  type GiftStatus,
  type GiftLimits,
  type GiftsOptions,
  type OfferResult,
  type AcceptResult,
  type DeclineResult,
} from './gifts.ts';
