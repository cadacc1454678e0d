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
 * Which examples must stay on one side of a split: for each example, the index of the first
 * member of its group (its own index when it is the first), as duplicates.ts's groupsOf gives
 * for copies of a text. Splits are dealt as without groups, then every other member follows
 * its first member, so data without groups is split exactly as before.
 */
export type Groups = ArrayLike<number>;

/**
 * Stratified k-fold cross-validation: each class is shuffled and dealt round-robin into the
 * folds, so every fold keeps the class proportions. Labels are class ids 0..C-1. With
 * `groups`, a group's members are tested in the fold of its first member.
 */
export function stratifiedKFold(
  labels: readonly number[],
  k: number,
  seed: number,
  groups?: Groups,
): Fold[] {
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
  if (groups) for (let i = 0; i < labels.length; i++) foldOf[i] = foldOf[groups[i]];
  const folds: Fold[] = Array.from({ length: k }, () => ({ train: [], test: [] }));
  for (let i = 0; i < labels.length; i++) {
    for (let f = 0; f < k; f++) (f === foldOf[i] ? folds[f].test : folds[f].train).push(i);
  }
  return folds;
}

/**
 * A stratified random subset of `size` indices from `pool` (class shares kept, rounding
 * resolved by largest remainder, at least one example per class when size allows). With
 * `groups`, the members of a group in the pool are in the subset when their first member in
 * the pool is (so the size moves by the copies that follow).
 */
export function stratifiedSample(
  labels: readonly number[],
  pool: readonly number[],
  size: number,
  rng: Random,
  together?: Groups,
): number[] {
  if (size >= pool.length) return [...pool];
  if (together) return withGroups(pool, stratifiedSample(labels, pool, size, rng), together);
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

/** The members of `pool` whose group's first member in the pool is in `chosen`, in order. */
function withGroups(pool: readonly number[], chosen: readonly number[], groups: Groups): number[] {
  const firstInPool = new Map<number, number>();
  for (const i of pool) if (!firstInPool.has(groups[i])) firstInPool.set(groups[i], i);
  const picked = new Set(chosen);
  return pool.filter((i) => picked.has(firstInPool.get(groups[i])!)).sort((a, b) => a - b);
}

/**
 * A stratified split of all examples into train and test parts, test a fraction in (0, 1);
 * with `groups`, every group on the side of its first member.
 */
export function stratifiedHoldout(
  labels: readonly number[],
  testFraction: number,
  seed: number,
  groups?: Groups,
): Fold {
  if (!(testFraction > 0 && testFraction < 1))
    throw new EmbError('E_INPUT', `the test fraction must be between 0 and 1, got ${testFraction}`);
  const all = labels.map((_, i) => i);
  const test = stratifiedSample(
    labels,
    all,
    Math.round(labels.length * testFraction),
    new Random(seed),
    groups,
  );
  const inTest = new Set(test);
  return { train: all.filter((i) => !inTest.has(i)), test };
}
