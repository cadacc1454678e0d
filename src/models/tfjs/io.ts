/**
 * Saving and loading TensorFlow.js layers models in a folder without tfjs-node (which owns the
 * file:// handler): a small save handler writes the standard pair, a topology JSON and one
 * weights file, so the network also loads in a browser with tf.loadLayersModel.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { EmbError } from '../../errors.js';
import type { Tf } from './backend.js';

/** File names inside the model folder (model.json is emb's own metadata). */
export const NETWORK_FILE = 'network.json';
export const WEIGHTS_FILE = 'weights.bin';

export async function saveNetwork(tf: Tf, network: LayersModel, dir: string): Promise<string[]> {
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const weights = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
      writeFileSync(join(dir, WEIGHTS_FILE), new Uint8Array(weights ?? new ArrayBuffer(0)));
      const manifest = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, NETWORK_FILE), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return [NETWORK_FILE, WEIGHTS_FILE];
}

/** Loads the network a model saved, checked against the inputs and outputs it must have. */
export async function loadNetwork(
  tf: Tf,
  dir: string,
  shape: { inputs: number; outputs: number },
): Promise<LayersModel> {
  let manifest: { modelTopology: object; weightsManifest: { weights: never[] }[] };
  let weights: Buffer;
  try {
    manifest = JSON.parse(readFileSync(join(dir, NETWORK_FILE), 'utf8'));
    weights = readFileSync(join(dir, WEIGHTS_FILE));
  } catch (e) {
    throw new EmbError(
      'E_MODEL',
      `${dir}: the network files are missing or unreadable (${(e as Error).message})`,
    );
  }
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  );
  let network: LayersModel;
  try {
    network = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: manifest.modelTopology,
        weightSpecs: manifest.weightsManifest[0].weights,
        weightData,
      }),
    );
  } catch (e) {
    // A damaged network.json fails deep inside TensorFlow.js, in its words.
    throw new EmbError(
      'E_MODEL',
      `${join(dir, NETWORK_FILE)}: not a network this emb can load (${(e as Error).message.replace(/\s+/g, ' ')})`,
      { cause: e },
    );
  }
  const [input, output] = [network.inputs[0]?.shape, network.outputs[0]?.shape];
  if (
    input?.length !== 2 ||
    input[1] !== shape.inputs ||
    output?.length !== 2 ||
    output[1] !== shape.outputs
  ) {
    network.dispose();
    throw new EmbError(
      'E_MODEL',
      `${join(dir, NETWORK_FILE)}: expected a network from ${shape.inputs} inputs to ${shape.outputs} outputs, found ${JSON.stringify(input)} to ${JSON.stringify(output)}`,
    );
  }
  return network;
}
