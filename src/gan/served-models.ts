/**
 * The models a GeneratorService serves, read in the main thread from their metadata only
 * (card.json, tags.json, model.json, weight sizes): no tfjs, no weights.
 */
import path from 'node:path';
import { GeneratorError, ModelLoadError } from './errors.ts';
import type { GeneratorServiceOptions, ModelSummary } from './generator-types.ts';
import { findModelDirs, readModelFiles } from './model-files.ts';

export interface ServedModels {
  /** id → metadata. */
  models: Map<string, ModelSummary>;
  /** Former id (card.json `formerIds`) → the id of the model that now answers to it. */
  formerIds: Map<string, string>;
  defaultModelId: string;
}

/** The model an id names: its own id first, else the model that had it before. */
export function resolveModelId(served: Pick<ServedModels, 'models' | 'formerIds'>, id: string): string | undefined {
  return served.models.has(id) ? id : served.formerIds.get(id);
}

export async function readServedModels(options: Pick<GeneratorServiceOptions, 'modelDirs' | 'modelsRoot' | 'defaultModelId'>): Promise<ServedModels> {
  const dirs = [...(options.modelDirs ?? []), ...(options.modelsRoot ? await findModelDirs(options.modelsRoot) : [])];
  if (dirs.length === 0) {
    const where = options.modelsRoot ? ` in ${options.modelsRoot}` : '';
    throw new ModelLoadError(
      'missing_file',
      options.modelsRoot ?? '',
      `No model found${where}: a model is a directory holding card.json, tags.json, model.json and its weights.`,
    );
  }
  const models = new Map<string, ModelSummary>();
  for (const dir of dirs) {
    const f = await readModelFiles(dir);
    if (models.has(f.id)) {
      throw new ModelLoadError('bad_format', f.dir, `Two model directories use the id "${f.id}": ${models.get(f.id)!.dir} and ${f.dir}.`);
    }
    models.set(f.id, {
      id: f.id,
      formerIds: f.formerIds,
      dir: f.dir,
      card: f.card,
      vocabulary: f.vocabulary,
      zDim: f.zDim,
      imageSize: f.imageSize,
      numTags: f.numTags,
    });
  }
  const formerIds = new Map<string, string>();
  for (const m of models.values()) {
    for (const old of m.formerIds) {
      const owner = resolveModelId({ models, formerIds }, old);
      if (owner !== undefined) {
        throw new ModelLoadError(
          'bad_format',
          m.dir,
          `${m.dir}/card.json claims the former id "${old}", which ${models.get(owner)!.dir} already answers to: stored girls with that id would change model.`,
        );
      }
      formerIds.set(old, m.id);
    }
  }
  checkSizeLinks(models, formerIds);
  const defaultModelId = chooseDefault(models, formerIds, options.defaultModelId);
  return { models, formerIds, defaultModelId };
}

/**
 * The model new pictures are drawn with. A name given (GFF_DEFAULT_MODEL, --model) is a model
 * id, else the name of its folder (models/default/ holds the default model whatever its id, so
 * a new default can take the folder while the old model keeps its id elsewhere), else a former
 * id. Without a name: the folder named "default", the id "default", else the first model.
 */
function chooseDefault(models: Map<string, ModelSummary>, formerIds: Map<string, string>, wanted: string | undefined): string {
  const byFolder = (name: string) => [...models.values()].find((m) => path.basename(m.dir) === name)?.id;
  if (wanted === undefined) return byFolder('default') ?? (models.has('default') ? 'default' : models.keys().next().value!);
  const id = models.has(wanted) ? wanted : (byFolder(wanted) ?? formerIds.get(wanted));
  if (id === undefined) {
    throw new GeneratorError('unknown_model', `The default model "${wanted}" is not among the models (${[...models.keys()].join(', ')}).`);
  }
  return id;
}

/**
 * card.json `sizes` (model-files.ts) links models that draw the same girls at other sizes. A
 * linked model that is served here must be that: drawn at the size it is listed under, with
 * the same z and tags, and linking back; a linked model not served here is a size this
 * folder lacks, not an error. A bad link is refused at start-up, before it draws a stranger.
 */
function checkSizeLinks(models: Map<string, ModelSummary>, formerIds: Map<string, string>): void {
  for (const m of models.values()) {
    for (const [px, linked] of Object.entries(m.card.sizes ?? {})) {
      const id = resolveModelId({ models, formerIds }, linked);
      if (id === undefined || id === m.id) continue;
      const other = models.get(id)!;
      const names = (x: ModelSummary) => x.vocabulary.entries.map((e) => e.name).join(',');
      const problem =
        other.imageSize !== Number(px)
          ? `draws ${other.imageSize} px pictures, not ${px} px`
          : other.zDim !== m.zDim || names(other) !== names(m)
            ? 'takes another z or other tags, so it cannot draw the same girls'
            : ![m.id, ...m.formerIds].includes(other.card.sizes?.[String(m.imageSize)] ?? '')
              ? `does not list "${m.id}" under "${m.imageSize}" in its own card.json sizes`
              : undefined;
      if (problem) {
        throw new ModelLoadError('bad_format', m.dir, `${m.dir}/card.json lists "${linked}" as its ${px} px size, but that model (${other.dir}) ${problem}.`);
      }
    }
  }
}
