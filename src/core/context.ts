/** What every core operation needs: something that draws, and what it can draw with. */
import type { GenerateRequest } from '../gan/generator-types.ts';
import type { RawImage } from '../gan/image.ts';
import type { ModelCatalog } from './catalog.ts';
import type { Girl } from './girl.ts';
import type { PictureSize } from './picture-size.ts';

export type { GenerateRequest };

/** The GeneratorService's surface as the core sees it (tests can pass anything with it). */
export interface ImageGenerator {
  generate(requests: readonly GenerateRequest[]): Promise<RawImage[]>;
}

export interface CoreContext {
  generator: ImageGenerator;
  catalog: ModelCatalog;
  /** Upload limit for one attachment, in bytes (Discord: the interaction's attachment_size_limit). */
  attachmentLimitBytes?: number;
  /**
   * The picture size asked for: each girl drawn by her model family's member of that size
   * (picture-size.ts), or a function that finds it when a drawing starts (the bot reads the
   * user's setting). None: every girl at her own model's size.
   */
  pictureSize?: PictureSize | (() => Promise<PictureSize | undefined>);
}

export interface Attachment {
  name: string;
  data: Buffer;
  contentType: 'image/png' | 'image/webp' | 'image/gif';
}

/** What an operation hands back to the bot or the CLI. */
export interface CoreResult {
  attachments: Attachment[];
  /** The girls drawn, in tile order. */
  girls: Girl[];
}
