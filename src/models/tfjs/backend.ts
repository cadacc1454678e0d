/**
 * TensorFlow.js, loaded lazily so commands that never train (emb analogy) do not pay for it.
 * The native binding @tensorflow/tfjs-node is used when a user has installed it (it cannot be
 * installed everywhere, so it is not a dependency); else the wasm backend (SIMD); else the
 * plain JavaScript cpu backend.
 */
import { EmbError, option } from '../../errors.js';

export type Tf = typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers');
import { BACKENDS, type BackendName } from './backends.js';

export { BACKENDS, type BackendName } from './backends.js';

let chosen: { name: BackendName; production: boolean } = { name: 'auto', production: false };
let loaded: Promise<Tf> | undefined;

/**
 * Chooses TensorFlow.js's backend for this process, once, before the first model that uses it
 * trains or loads: `auto` (the default) tries tfjs-node, then wasm, then cpu. `production`
 * turns on TensorFlow.js's production mode (fewer checks), a global setting of TensorFlow.js
 * that emb leaves alone unless asked (the command line asks). Choosing another backend once
 * TensorFlow.js runs is an E_INPUT error.
 */
export function setBackend(name: BackendName, options: { production?: boolean } = {}): void {
  if (!BACKENDS.includes(name))
    throw new EmbError(
      'E_INPUT',
      `setBackend: expected one of ${BACKENDS.join(', ')}, got ${JSON.stringify(name)}`,
    );
  if (loaded && name !== chosen.name)
    throw new EmbError(
      'E_INPUT',
      `setBackend: TensorFlow.js already runs on the ${chosen.name} backend; choose the backend before the first model trains or loads`,
    );
  chosen = { name, production: options.production ?? false };
}

/** The backend chosen (for worker threads, which choose the same). */
export function chosenBackend(): { name: BackendName; production: boolean } {
  return chosen;
}

/** TensorFlow.js with the chosen backend, loaded on first use. */
export function tensorflow(): Promise<Tf> {
  loaded ??= load(chosen.name).catch((e) => {
    loaded = undefined;
    throw e;
  });
  return loaded;
}

async function load(backend: BackendName): Promise<Tf> {
  const core = await import('@tensorflow/tfjs-core');
  const layers = await import('@tensorflow/tfjs-layers');
  const tf = { ...core, ...layers } as Tf;
  if (chosen.production) core.env().set('PROD', true);
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
