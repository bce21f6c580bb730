/**
 * The models a GeneratorService serves, read in the main thread from their metadata only
 * (card.json, tags.json, model.json, weight sizes): no tfjs, no weights.
 */
import { GeneratorError, ModelLoadError } from './errors.ts';
import type { GeneratorServiceOptions, ModelSummary } from './generator-types.ts';
import { findModelDirs, readModelFiles } from './model-files.ts';

export async function readServedModels(
  options: Pick<GeneratorServiceOptions, 'modelDirs' | 'modelsRoot' | 'defaultModelId'>,
): Promise<{ models: Map<string, ModelSummary>; defaultModelId: string }> {
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
    models.set(f.id, { id: f.id, dir: f.dir, card: f.card, vocabulary: f.vocabulary, zDim: f.zDim, imageSize: f.imageSize, numTags: f.numTags });
  }
  const defaultModelId = options.defaultModelId ?? (models.has('default') ? 'default' : models.keys().next().value!);
  if (!models.has(defaultModelId)) {
    throw new GeneratorError('unknown_model', `The default model "${defaultModelId}" is not among the models (${[...models.keys()].join(', ')}).`);
  }
  return { models, defaultModelId };
}
