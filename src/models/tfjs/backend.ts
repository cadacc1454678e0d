/**
 * TensorFlow.js, loaded lazily so commands that never train (emb analogy) do not pay for it.
 * The native binding @tensorflow/tfjs-node is used when a user has installed it (it cannot be
 * installed everywhere, so it is not a dependency); else the wasm backend (SIMD); else the
 * plain JavaScript cpu backend.
 */
import { EmbError, option } from '../../errors.js';

export type Tf = typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers');
import { chosenBackend, loading, type BackendName } from './backends.js';

export { BACKENDS, chosenBackend, setBackend, type BackendName } from './backends.js';

let loaded: Promise<Tf> | undefined;

/** TensorFlow.js with the chosen backend (setBackend), loaded on first use. */
export function tensorflow(): Promise<Tf> {
  loaded ??= loading(
    load(chosenBackend().name).catch((e) => {
      loaded = undefined;
      throw e;
    }),
  );
  return loaded;
}

async function load(backend: BackendName): Promise<Tf> {
  const core = await import('@tensorflow/tfjs-core');
  const layers = await import('@tensorflow/tfjs-layers');
  const tf = { ...core, ...layers } as Tf;
  if (chosenBackend().production) core.env().set('PROD', true);
  const tryBackend = async (name: Exclude<BackendName, 'auto'>): Promise<boolean> => {
    try {
      if (name === 'tensorflow') {
        // A computed specifier keeps TypeScript from requiring the optional package's types.
        const pkg = '@tensorflow/tfjs-node';
        await import(pkg);
      } else if (name === 'wasm') {
        await import('@tensorflow/tfjs-backend-wasm');
      } else {
        await import('@tensorflow/tfjs-backend-cpu');
      }
      return await core.setBackend(name);
    } catch {
      return false;
    }
  };
  const order: Exclude<BackendName, 'auto'>[] =
    backend === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [backend];
  for (const name of order) {
    if (await tryBackend(name)) {
      await core.ready();
      return tf;
    }
  }
  throw new EmbError(
    'E_INPUT',
    backend === 'tensorflow'
      ? `the tensorflow backend needs @tensorflow/tfjs-node; install it ("npm install @tensorflow/tfjs-node") or use ${option('backend', 'wasm')}`
      : `the TensorFlow.js ${backend} backend could not be started`,
  );
}
