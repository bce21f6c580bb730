/** What every core operation needs: something that draws, and what it can draw with. */
import type { RawImage } from '../render/raw-image.ts';
import type { ModelCatalog } from './catalog.ts';

export interface GenerationRequest {
  modelId: string;
  z: Float32Array;
  tags: Float32Array;
}

/** The GeneratorService's surface as the core sees it (tests can pass anything with it). */
export interface ImageGenerator {
  generate(requests: readonly GenerationRequest[]): Promise<RawImage[]>;
}

export interface CoreContext {
  generator: ImageGenerator;
  catalog: ModelCatalog;
  /** Upload limit for one attachment, in bytes (Discord: the interaction's attachment_size_limit). */
  attachmentLimitBytes?: number;
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
  girls: import('./girl.ts').Girl[];
}
