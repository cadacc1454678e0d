/**
 * The TensorFlow.js backends a user can ask for, and the one chosen for the process, apart from
 * TensorFlow.js itself, so that the public types (settings, options, setBackend) never make a
 * program's compiler load TensorFlow.js's own.
 */
import { EmbError } from '../../errors.js';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

let chosen: { name: BackendName; production: boolean } = { name: 'auto', production: false };
let started = false;

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
  if (started && name !== chosen.name)
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

/** Marks TensorFlow.js as loading with the chosen backend (backend.ts), until it fails. */
export function loading<T>(load: Promise<T>): Promise<T> {
  started = true;
  load.catch(() => (started = false));
  return load;
}
