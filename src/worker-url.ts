/**
 * Worker threads run compiled modules only: a worker does not inherit the tsx loader, so when
 * emb runs from source (tests and benchmarks under tsx) the callers do the work in-thread.
 */
export const workersAvailable = !import.meta.url.endsWith('.ts');

/** The URL of the compiled worker module `name` beside `base` (a module's import.meta.url). */
export function workerUrl(name: string, base: string): URL {
  return new URL(`./${name}.js`, base);
}
