// The linear SVM's dual coordinate descent (src/models/linear-svm.ts has the same algorithm in
// TypeScript, step for step, and gives the same bits): sparse rows, optionally followed by a
// dense block (the hybrid's sentence vectors), the random visiting order drawn from the same
// mulberry32 stream as src/random.ts.
#include "common.h"

#include <math.h>
#include <stdlib.h>

// mulberry32, as src/random.ts: Random.int(n) is floor(next() * n).
static inline uint32_t next_u32(uint32_t *state) {
  *state += 0x6d2b79f5u;
  uint32_t t = *state;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

static inline uint32_t random_int(uint32_t *state, uint32_t n) {
  return (uint32_t)floor((double)next_u32(state) / 4294967296.0 * (double)n);
}

// Math.min(Math.max(a, 0), upper) for the values that occur (never NaN): +0 for -0, as Math.max.
static inline double clamp(double a, double upper) {
  a = a > 0 ? a : 0;
  return a < upper ? a : upper;
}

typedef struct {
  const int32_t *indptr, *indices;
  const float *values, *dense;
  uint32_t rows, dims, dense_at, cols;
  const int8_t *y;
  double diag[2], upper[2], eps, bias;  // [0] for the -1 rows, [1] for the +1 rows
  uint32_t max_iter, shrinking, seed;
  double *alpha, *w;
} Problem;

// Row i's dot product with w, the bias first, then the sparse entries, then the dense block.
static inline double row_dot(const Problem *p, uint32_t i) {
  double dot = p->w[p->cols] * p->bias;
  for (int32_t k = p->indptr[i]; k < p->indptr[i + 1]; k++)
    dot += p->w[p->indices[k]] * (double)p->values[k];
  if (p->dense) {
    const float *d = p->dense + (size_t)i * p->dims;
    const double *wd = p->w + p->dense_at;
    for (uint32_t j = 0; j < p->dims; j++) dot += wd[j] * (double)d[j];
  }
  return dot;
}

static inline void row_add(const Problem *p, uint32_t i, double by) {
  for (int32_t k = p->indptr[i]; k < p->indptr[i + 1]; k++)
    p->w[p->indices[k]] += by * (double)p->values[k];
  if (p->dense) {
    const float *d = p->dense + (size_t)i * p->dims;
    double *wd = p->w + p->dense_at;
    for (uint32_t j = 0; j < p->dims; j++) wd[j] += by * (double)d[j];
  }
  p->w[p->cols] += by * p->bias;
}

// Returns the passes made, negated when max_iter ran out before convergence.
HOT static int64_t solve(Problem *p, int32_t *order, double *qd) {
  const uint32_t l = p->rows;
  for (uint32_t i = 0; i < l; i++) {
    double a = p->alpha[i] = clamp(p->alpha[i], p->upper[p->y[i] > 0]);
    if (a != 0) row_add(p, i, a * p->y[i]);
  }
  for (uint32_t i = 0; i < l; i++) {
    double sq = p->bias * p->bias;
    for (int32_t k = p->indptr[i]; k < p->indptr[i + 1]; k++)
      sq += (double)p->values[k] * (double)p->values[k];
    if (p->dense) {
      const float *d = p->dense + (size_t)i * p->dims;
      for (uint32_t j = 0; j < p->dims; j++) sq += (double)d[j] * (double)d[j];
    }
    qd[i] = sq + p->diag[p->y[i] > 0];
    order[i] = (int32_t)i;
  }
  uint32_t rng = p->seed;
  uint32_t active = l;
  double pg_max_old = INFINITY, pg_min_old = -INFINITY;
  uint32_t iter = 0;
  while (iter < p->max_iter) {
    double pg_max = -INFINITY, pg_min = INFINITY;
    for (uint32_t s = 0; s < active; s++) {
      uint32_t j = s + random_int(&rng, active - s);
      int32_t t = order[s];
      order[s] = order[j];
      order[j] = t;
    }
    for (uint32_t s = 0; s < active; s++) {
      uint32_t i = (uint32_t)order[s];
      double yi = p->y[i];
      double diag = p->diag[yi > 0], upper = p->upper[yi > 0];
      double g = yi * row_dot(p, i) - 1 + p->alpha[i] * diag;
      double pg = 0;
      if (p->alpha[i] == 0) {
        if (p->shrinking && g > pg_max_old) {
          active--;
          order[s] = order[active];
          order[active] = (int32_t)i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else if (p->alpha[i] == upper) {
        if (p->shrinking && g < pg_min_old) {
          active--;
          order[s] = order[active];
          order[active] = (int32_t)i;
          s--;
          continue;
        }
        if (g > 0) pg = g;
      } else {
        pg = g;
      }
      if (pg > pg_max) pg_max = pg;
      if (pg < pg_min) pg_min = pg;
      if (fabs(pg) > 1e-12) {
        double old = p->alpha[i];
        p->alpha[i] = clamp(old - g / qd[i], upper);
        row_add(p, i, (p->alpha[i] - old) * yi);
      }
    }
    iter++;
    if (pg_max - pg_min <= p->eps) {
      if (active == l) return iter;
      active = l;
      pg_max_old = INFINITY;
      pg_min_old = -INFINITY;
      continue;
    }
    pg_max_old = pg_max <= 0 ? INFINITY : pg_max;
    pg_min_old = pg_min >= 0 ? -INFINITY : pg_min;
  }
  return -(int64_t)iter;
}

static napi_value range_error(napi_env env, const char *message) {
  napi_throw_range_error(env, NULL, message);
  return NULL;
}

// svmDcd(indptr, indices, values, dense, dims, denseAt, cols, y, params, seed, alpha, w):
// params = [diag+, diag-, upper+, upper-, eps, bias, maxIter, shrinking] (the bounds of the +1
// and the -1 rows: per-class C); alpha holds the start and gets the
// solution; w (cols + 1, zeros) gets the weights. Returns the passes, negated if not converged.
napi_value svm_dcd(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  int32_t *indptr, *indices;
  float *values, *dense;
  int8_t *y;
  double *params, *alpha, *w;
  size_t n_indptr, nnz, n_values, n_dense, n_y, n_params, n_alpha, n_w;
  uint32_t dims, dense_at, cols, seed;
  if (!arg_i32(env, argv[0], "indptr", &indptr, &n_indptr) ||
      !arg_i32(env, argv[1], "indices", &indices, &nnz) ||
      !arg_f32(env, argv[2], "values", &values, &n_values) ||
      !arg_f32(env, argv[3], "dense", &dense, &n_dense) || !arg_u32(env, argv[4], "dims", &dims) ||
      !arg_u32(env, argv[5], "denseAt", &dense_at) || !arg_u32(env, argv[6], "cols", &cols) ||
      !arg_typed(env, argv[7], napi_int8_array, "y", (void **)&y, &n_y) ||
      !arg_typed(env, argv[8], napi_float64_array, "params", (void **)&params, &n_params) ||
      !arg_u32(env, argv[9], "seed", &seed) ||
      !arg_typed(env, argv[10], napi_float64_array, "alpha", (void **)&alpha, &n_alpha) ||
      !arg_typed(env, argv[11], napi_float64_array, "w", (void **)&w, &n_w))
    return NULL;
  size_t l = n_y;
  if (n_indptr != l + 1 || n_alpha != l || n_values != nnz || n_params != 8 || n_w != (size_t)cols + 1 ||
      indptr[0] != 0 || (size_t)indptr[l] != nnz || (n_dense != 0 && (n_dense != l * dims ||
      (size_t)dense_at + dims > cols)))
    return range_error(env, "svmDcd: array sizes do not agree");
  for (size_t i = 0; i < l; i++)
    if (indptr[i] > indptr[i + 1]) return range_error(env, "svmDcd: indptr decreases");
  for (size_t k = 0; k < nnz; k++)
    if (indices[k] < 0 || (uint32_t)indices[k] >= cols)
      return range_error(env, "svmDcd: a column index is out of range");
  Problem p = {indptr, indices, values, n_dense ? dense : NULL, (uint32_t)l, dims, dense_at,
               cols, y, {params[1], params[0]}, {params[3], params[2]}, params[4], params[5],
               (uint32_t)params[6], params[7] != 0, seed, alpha, w};
  int32_t *order = malloc((l ? l : 1) * sizeof *order);
  double *qd = malloc((l ? l : 1) * sizeof *qd);
  if (!order || !qd) {
    free(order);
    free(qd);
    return throw_code(env, "E_NOMEM", "svmDcd: out of memory");
  }
  int64_t passes = solve(&p, order, qd);
  free(order);
  free(qd);
  napi_value out;
  napi_create_double(env, (double)passes, &out);
  return out;
}
