/**
 * Settings that belong to a whole process, not to one call: a program that trains on a large
 * corpus (the `emb train` command) sets them once, at its start.
 */
import { native } from '../native/addon.js';

/**
 * Freed blocks of 8 MB and more go back to the system at once, and every thread allocates
 * from one arena (glibc's malloc; elsewhere nothing changes). Training frees typed arrays of
 * 1-45 MB in two threads, which otherwise stay in the process: on the SpamAssassin corpus
 * the peak was 1,019-1,043 MiB without this, 930-960 MiB with it, for 1-6 s more CPU
 * (bench/README.md, section 16). It changes no answer.
 */
export function returnFreedMemory(): void {
  native?.tuneAllocator();
}
