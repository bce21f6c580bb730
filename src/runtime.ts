/**
 * Composition shared by the bot and the CLI: the generator service over a models folder,
 * and the catalog the core reads tags and sizes from.
 */
import type { BackendPreference } from './gan/backend-plan.ts';
import type { GanLogger } from './gan/backend.ts';
import { GeneratorService, type ModelSummary } from './gan/generator-service.ts';
import type { ModelCatalog, ModelEntry } from './core/catalog.ts';
import type { CoreContext } from './core/context.ts';

export interface RuntimeOptions {
  modelsDir: string;
  defaultModelId?: string;
  backend?: BackendPreference;
  workers?: number;
  maxBatch?: number;
  maxWaitMs?: number;
  maxQueue?: number;
  log?: GanLogger;
}

export interface Runtime {
  service: GeneratorService;
  catalog: ModelCatalog;
  context(attachmentLimitBytes?: number): CoreContext;
  close(): Promise<void>;
}

function toEntry(m: ModelSummary): ModelEntry {
  const sets = new Map<string, string[]>();
  for (const e of m.vocabulary.entries) {
    if (!e.exclusive) continue;
    sets.set(e.exclusive, [...(sets.get(e.exclusive) ?? []), e.name]);
  }
  return { id: m.id, name: m.card.name ?? m.id, zDim: m.zDim, imageSize: m.imageSize, vocabulary: m.vocabulary, exclusiveSets: sets };
}

export function catalogOf(service: GeneratorService): ModelCatalog {
  const entries = new Map([...service.models().values()].map((m) => [m.id, toEntry(m)]));
  return {
    defaultModelId: service.defaultModelId,
    get: (id) => entries.get(id),
    ids: () => [...entries.keys()],
  };
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const service = await GeneratorService.create({
    modelsRoot: opts.modelsDir,
    ...(opts.defaultModelId !== undefined ? { defaultModelId: opts.defaultModelId } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.maxBatch !== undefined ? { maxBatch: opts.maxBatch } : {}),
    ...(opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {}),
    ...(opts.maxQueue !== undefined ? { maxQueue: opts.maxQueue } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const catalog = catalogOf(service);
  return {
    service,
    catalog,
    context: (attachmentLimitBytes) => ({
      generator: service,
      catalog,
      ...(attachmentLimitBytes !== undefined ? { attachmentLimitBytes } : {}),
    }),
    close: () => service.close(),
  };
}
