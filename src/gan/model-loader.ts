/**
 * Loads a model directory into TensorFlow.js (current backend): metadata checks from
 * model-files.ts, then weights, then the graph's own input/output shapes.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './errors.ts';
import { displayPath, readModelFiles, readWeightData, type ModelSummary } from './model-files.ts';
import path from 'node:path';

export interface LoadedModel extends ModelSummary {
  /** Input [null, zDim + numTags] (z first, then tags) → output [null, S, S, 3] in [-1, 1]. */
  model: tf.LayersModel;
}

export async function loadModel(dir: string): Promise<LoadedModel> {
  const files = await readModelFiles(dir);
  const weightData = await readWeightData(files);
  const modelFile = path.join(files.dir, 'model.json');
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: files.modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[],
        weightData,
        format: files.modelJson.format,
      }),
    );
  } catch (e) {
    throw new ModelLoadError('tfjs_load', modelFile, `${displayPath(modelFile)} cannot be loaded by TensorFlow.js: ${(e as Error).message}`);
  }

  const width = files.zDim + files.numTags;
  const S = files.imageSize;
  const problem = (() => {
    if (model.inputs.length !== 1) return `has ${model.inputs.length} inputs, expected 1`;
    if (model.outputs.length !== 1) return `has ${model.outputs.length} outputs, expected 1`;
    const inShape = model.inputs[0]!.shape;
    if (inShape.length !== 2 || inShape[1] !== width) {
      return `takes inputs of shape [${inShape.join(', ')}], expected [null, ${width}] (zDim ${files.zDim} + numTags ${files.numTags})`;
    }
    const outShape = model.outputs[0]!.shape;
    if (outShape.length !== 4 || outShape[1] !== S || outShape[2] !== S || outShape[3] !== 3) {
      return `gives outputs of shape [${outShape.join(', ')}], expected [null, ${S}, ${S}, 3] (card.json imageSize ${S})`;
    }
    return undefined;
  })();
  if (problem) {
    model.dispose();
    throw new ModelLoadError('shape_mismatch', modelFile, `${displayPath(modelFile)} ${problem}.`);
  }

  return {
    id: files.id,
    formerIds: files.formerIds,
    dir: files.dir,
    card: files.card,
    vocabulary: files.vocabulary,
    zDim: files.zDim,
    imageSize: S,
    numTags: files.numTags,
    model,
  };
}
