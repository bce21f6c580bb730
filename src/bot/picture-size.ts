/**
 * The size a user's pictures are drawn at: their /settings size:, else the bot's default
 * (128 px, the quickest). Looked up when a drawing starts. Drawing needs no storage: when the
 * store fails or is slow to answer, the picture comes at the default size.
 */
import { BOT_DEFAULT_PICTURE_PX, type PictureSize } from '../core/picture-size.ts';
import type { UserSettingsRepo } from '../store/index.ts';
import type { Logger } from './logger.ts';

/** Longest a drawing waits for the user's setting before it goes on at the default size. */
const SETTING_WAIT_MS = 2000;

/** The bot's sizes are wishes: a girl whose model family lacks one keeps her own size. */
export const DEFAULT_PICTURE_SIZE: PictureSize = { px: BOT_DEFAULT_PICTURE_PX, strict: false };

export function userPictureSize(settings: Pick<UserSettingsRepo, 'pictureSize'>, userId: string, log: Logger): () => Promise<PictureSize> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), SETTING_WAIT_MS);
    });
    const read = settings.pictureSize(userId).then(
      (px) => ({ px }),
      (err: unknown) => ({ err }),
    );
    const got = await Promise.race([read, late]);
    clearTimeout(timer);
    if (got === 'late' || 'err' in got) {
      const why = got === 'late' ? 'storage slow' : `storage failed (${(got.err as { code?: string })?.code ?? 'error'})`;
      log.warn({ part: 'store' }, `picture size not read: ${why}; drawing at the default size`);
      return DEFAULT_PICTURE_SIZE;
    }
    return got.px === undefined ? DEFAULT_PICTURE_SIZE : { px: got.px, strict: false };
  };
}
