/** TensorFlow.js's backend for the kinds that run on it, chosen once per process. */
export { setBackend, BACKENDS, type BackendName } from '../models/tfjs/backends.js';
