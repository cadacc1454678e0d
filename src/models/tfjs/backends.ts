/**
 * The TensorFlow.js backends a user can ask for, apart from TensorFlow.js itself, so that the
 * public types (settings, options) never make a program's compiler load TensorFlow.js's own.
 */
export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
