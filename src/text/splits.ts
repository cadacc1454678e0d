import { EmbError } from '../errors.js';
import { Random } from '../random.js';

/** Indices of the examples of each class, in order of first appearance of the class. */
export function byClass(labels: readonly number[]): number[][] {
  const groups: number[][] = [];
  labels.forEach((y, i) => (groups[y] ??= []).push(i));
  return groups.filter((g) => g !== undefined);
}

export interface Fold {
  train: number[];
  test: number[];
}

/**
 * Stratified k-fold cross-validation: each class is shuffled and dealt round-robin into the
 * folds, so every fold keeps the class proportions. Labels are class ids 0..C-1.
 */
export function stratifiedKFold(labels: readonly number[], k: number, seed: number): Fold[] {
  if (!Number.isInteger(k) || k < 2)
    throw new EmbError('E_INPUT', `the number of folds must be at least 2, got ${k}`);
  const rng = new Random(seed);
  const foldOf = new Int32Array(labels.length);
  let offset = 0;
  for (const group of byClass(labels)) {
    if (group.length < k) {
      throw new EmbError(
        'E_INPUT',
        `class ${labels[group[0]]} has ${group.length} examples, fewer than the ${k} folds; use fewer folds`,
      );
    }
    rng.shuffle(group);
    // Continue the round-robin where the previous class stopped, so fold sizes stay even.
    group.forEach((i, r) => (foldOf[i] = (offset + r) % k));
    offset = (offset + group.length) % k;
  }
  const folds: Fold[] = Array.from({ length: k }, () => ({ train: [], test: [] }));
  for (let i = 0; i < labels.length; i++) {
    for (let f = 0; f < k; f++) (f === foldOf[i] ? folds[f].test : folds[f].train).push(i);
  }
  return folds;
}

/**
 * A stratified random subset of `size` indices from `pool` (class shares kept, rounding
 * resolved by largest remainder, at least one example per class when size allows).
 */
export function stratifiedSample(
  labels: readonly number[],
  pool: readonly number[],
  size: number,
  rng: Random,
): number[] {
  if (size >= pool.length) return [...pool];
  const groups = byClass(pool.map((i) => labels[i])).map((g) => g.map((j) => pool[j]));
  const exact = groups.map((g) => (g.length * size) / pool.length);
  const take = exact.map((x, c) => Math.min(groups[c].length, Math.max(1, Math.floor(x))));
  let left = size - take.reduce((a, b) => a + b, 0);
  const order = exact.map((x, c) => [x - Math.floor(x), c] as const).sort((a, b) => b[0] - a[0]);
  for (let r = 0; left > 0 && r < order.length * 2; r++) {
    const c = order[r % order.length][1];
    if (take[c] < groups[c].length) {
      take[c]++;
      left--;
    }
  }
  const out: number[] = [];
  groups.forEach((g, c) => out.push(...rng.shuffle([...g]).slice(0, take[c])));
  return out.sort((a, b) => a - b);
}

/** A stratified split of all examples into train and test parts, test a fraction in (0, 1). */
export function stratifiedHoldout(
  labels: readonly number[],
  testFraction: number,
  seed: number,
): Fold {
  if (!(testFraction > 0 && testFraction < 1))
    throw new EmbError('E_INPUT', `the test fraction must be between 0 and 1, got ${testFraction}`);
  const all = labels.map((_, i) => i);
  const test = stratifiedSample(
    labels,
    all,
    Math.round(labels.length * testFraction),
    new Random(seed),
  );
  const inTest = new Set(test);
  return { train: all.filter((i) => !inTest.has(i)), test };
}
