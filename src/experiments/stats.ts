/**
 * Uncertainty of accuracies measured on a finite test set: how sure a figure is, not just
 * what it is.
 */

/** 95% two-sided normal quantile. */
const Z95 = 1.959963984540054;

/**
 * Wilson's score interval for a proportion of `correct` out of `n` (95% by default): unlike
 * the normal approximation it stays inside [0, 1] and behaves on small and extreme samples.
 */
export function wilson(correct: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = correct / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
