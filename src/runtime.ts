/**
 * Composition shared by the bot and the CLI: the generator service over a models folder,
 * and the catalog the core reads tags and sizes from.
 */
import { GeneratorService, type GeneratorServiceOptions, type ModelSummary } from './gan/generator-service.ts';
import type { ModelCatalog, ModelEntry } from './core/catalog.ts';
import type { CoreContext } from './core/context.ts';
import { tagSetsOf } from './core/tag-sets.ts';

export type RuntimeOptions = Omit<GeneratorServiceOptions, 'modelDirs' | 'modelsRoot' | 'faultInjection'> & {
  /** Folder whose sub-folders are models (models/<id>/). */
  modelsDir: string;
};

export interface Runtime {
  service: GeneratorService;
  catalog: ModelCatalog;
  /**
   * The core's context; its pictures are drawn for `owner` (a user id), whom the generator
   * serves in turn with the others, at `pictureSize` where given (core/picture-size.ts).
   */
  context(attachmentLimitBytes?: number, owner?: string, pictureSize?: CoreContext['pictureSize']): CoreContext;
  close(): Promise<void>;
}

function toEntry(m: ModelSummary): ModelEntry {
  return { ...m, name: m.card.name ?? m.id, ...tagSetsOf(m.vocabulary) };
}

export function catalogOf(service: GeneratorService): ModelCatalog {
  const entries = new Map([...service.models().values()].map((m) => [m.id, toEntry(m)]));
  return {
    defaultModelId: service.defaultModelId,
    // A former id (card.json formerIds) finds the model that answers to it now.
    get: (id) => {
      const resolved = service.resolveId(id);
      return resolved === undefined ? undefined : entries.get(resolved);
    },
    ids: () => [...entries.keys()],
  };
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { modelsDir, ...serviceOptions } = opts;
  const service = await GeneratorService.create({ ...serviceOptions, modelsRoot: modelsDir });
  const catalog = catalogOf(service);
  return {
    service,
    catalog,
    context: (attachmentLimitBytes, owner, pictureSize) => ({
      generator: owner === undefined ? service : { generate: (requests) => service.generate(requests, { owner }) },
      catalog,
      ...(attachmentLimitBytes !== undefined ? { attachmentLimitBytes } : {}),
      ...(pictureSize !== undefined ? { pictureSize } : {}),
    }),
    close: () => service.close(),
  };
}
