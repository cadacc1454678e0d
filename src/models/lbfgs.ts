/**
 * Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search:
 * the solver scikit-learn's LogisticRegression uses by default. Few, full-batch steps suit
 * TensorFlow.js, whose per-step overhead is large.
 */
export interface Objective {
  (x: Float64Array): { value: number; grad: Float64Array };
}

export interface LbfgsOptions {
  maxIterations?: number;
  /** Stop when the largest gradient component is below this (scikit-learn's tol=1e-4). */
  gradientTolerance?: number;
  memory?: number;
}

export function lbfgs(
  f: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): { x: Float64Array; iterations: number; value: number } {
  const { maxIterations = 200, gradientTolerance = 1e-5, memory = 10 } = options;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { value, grad }: { value: number; grad: Float64Array } = f(x);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  let iter = 0;
  for (; iter < maxIterations && maxAbs(grad) > gradientTolerance; iter++) {
    // Two-loop recursion: direction = -H grad.
    const q = Float64Array.from(grad);
    const alpha = new Array<number>(s.length);
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], q);
      axpy(-alpha[k], y[k], q);
    }
    const gamma = s.length
      ? dot(s[s.length - 1], y[y.length - 1]) / dot(y[y.length - 1], y[y.length - 1])
      : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < s.length; k++) axpy(alpha[k] - rho[k] * dot(y[k], q), s[k], q);
    const direction = q.map((v) => -v);
    let slope = dot(direction, grad);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -grad[i];
      slope = -dot(grad, grad);
    }
    let step = 1;
    let next: Float64Array;
    let result: { value: number; grad: Float64Array };
    for (;;) {
      next = x.map((v, i) => v + step * direction[i]);
      result = f(next);
      if (result.value <= value + 1e-4 * step * slope || step < 1e-10) break;
      step *= 0.5;
    }
    const sk = next.map((v, i) => v - x[i]);
    const yk = result.grad.map((v, i) => v - grad[i]);
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    const improvement = value - result.value;
    x = next;
    value = result.value;
    grad = result.grad;
    // scikit-learn's ftol-like stop: the objective no longer moves.
    if (Math.abs(improvement) <= 1e-12 * Math.max(1, Math.abs(value))) break;
  }
  return { x, iterations: iter, value };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
