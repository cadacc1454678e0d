// Sentence vectors' sums of word vectors (src/features/sentence.ts does the same in
// TypeScript and gives the same bits): each row of a document's word vectors is added into
// the float32 sum, one rounding per addition as the TypeScript loop rounds on every store.
#include "common.h"

// out[j] += w * row[j], in double then rounded to float32 (for w = 1 that is the float32 sum).
HOT static void add_rows(const float *pool, uint32_t dims, const int32_t *rows, size_t n,
                         const double *weights, float *out) {
  for (size_t k = 0; k < n; k++) {
    const float *row = pool + (size_t)rows[k] * dims;
    if (weights) {
      const double w = weights[k];
      for (uint32_t j = 0; j < dims; j++) out[j] = (float)((double)out[j] + w * (double)row[j]);
    } else {
      for (uint32_t j = 0; j < dims; j++) out[j] += row[j];
    }
  }
}

// sumRows(pool, dims, rows, weights, out, outAt): adds pool's rows `rows` (times weights[k],
// or 1 when weights is empty) into out[outAt .. outAt + dims).
napi_value sum_rows(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) return NULL;
  float *pool, *out;
  int32_t *rows;
  double *weights;
  size_t n_pool, n_rows, n_weights, n_out;
  uint32_t dims, out_at;
  if (!arg_f32(env, argv[0], "pool", &pool, &n_pool) || !arg_u32(env, argv[1], "dims", &dims) ||
      !arg_i32(env, argv[2], "rows", &rows, &n_rows) ||
      !arg_typed(env, argv[3], napi_float64_array, "weights", (void **)&weights, &n_weights) ||
      !arg_f32(env, argv[4], "out", &out, &n_out) || !arg_u32(env, argv[5], "outAt", &out_at))
    return NULL;
  int ok = dims > 0 && (n_weights == 0 || n_weights == n_rows) && (size_t)out_at + dims <= n_out;
  for (size_t k = 0; ok && k < n_rows; k++)
    ok = rows[k] >= 0 && ((size_t)rows[k] + 1) * dims <= n_pool;
  if (!ok) {
    napi_throw_range_error(env, NULL, "sumRows: array sizes do not agree");
    return NULL;
  }
  add_rows(pool, dims, rows, n_rows, n_weights ? weights : NULL, out + out_at);
  return NULL;
}
