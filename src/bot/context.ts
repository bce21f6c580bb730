/** What every command handler gets: the runtime, the repositories, settings and the log. */
import type { CoreContext } from '../core/context.ts';
import type { Runtime } from '../runtime.ts';
import type { FavouritesRepo, GachaResultsRepo, GiftsRepo, MorphStateRepo, UserSettingsRepo } from '../store/index.ts';
import type { Logger } from './logger.ts';
import type { DrawLimiter } from './rate-limit.ts';

export interface BotContext {
  readonly runtime: Runtime;
  readonly favourites: FavouritesRepo;
  readonly results: GachaResultsRepo;
  readonly morphs: MorphStateRepo;
  /** Each user's own choices (who may see their favourites, the size of their pictures). */
  readonly settings: UserSettingsRepo;
  /** Gift offers between users (/favorite give). */
  readonly gifts: GiftsRepo;
  /** In memory for one process; in the database when several share it. */
  readonly rateLimiter: DrawLimiter;
  readonly log: Logger;
  /** GFF_REPLY_WINDOW_MS: how long a picture may take and still be the reply itself (respond.ts). */
  readonly replyWindowMs: number;
  /** GFF_STUDIO_URL: where "Open in studio" links point; no links when unset. */
  readonly studioUrl?: string;
  /**
   * The core's context with this interaction's upload limit, drawing for `owner` (the user: the
   * generator shares itself fairly among users) at their picture size (/settings size:).
   */
  core(attachmentLimitBytes?: number, owner?: string): CoreContext;
}
