/**
 * TensorFlow.js, loaded lazily so commands that never train (emb analogy) do not pay for it.
 * The native binding @tensorflow/tfjs-node is used when a user has installed it (it cannot be
 * installed everywhere, so it is not a dependency); else the wasm backend (SIMD); else the
 * plain JavaScript cpu backend.
 */
import { EmbError, option } from '../../errors.js';

export type Tf = typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers');
import type { BackendName } from './backends.js';

export { BACKENDS, type BackendName } from './backends.js';

let loaded: Promise<Tf> | undefined;
let loadedWith: BackendName | undefined;

/** TensorFlow.js with a backend chosen once per process (`auto` tries them in order). */
export function tensorflow(backend: BackendName = 'auto'): Promise<Tf> {
  if (loaded && (backend === 'auto' || backend === loadedWith)) return loaded;
  loadedWith = backend;
  loaded = load(backend);
  return loaded;
}

async function load(backend: BackendName): Promise<Tf> {
  const core = await import('@tensorflow/tfjs-core');
  const layers = await import('@tensorflow/tfjs-layers');
  const tf = { ...core, ...layers } as Tf;
  core.env().set('PROD', true); // no NaN checks and debug logging on every op
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
  loaded = undefined;
  throw new EmbError(
    'E_INPUT',
    backend === 'tensorflow'
      ? `the tensorflow backend needs @tensorflow/tfjs-node; install it ("npm install @tensorflow/tfjs-node") or use ${option('backend', 'wasm')}`
      : `the TensorFlow.js ${backend} backend could not be started`,
  );
}
