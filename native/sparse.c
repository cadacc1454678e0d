// Sparse rows times a dense matrix, and its transpose: the first layer of bow-mlp, whose inputs
// are word counts (src/models/network-training.ts's sparseInput is the JavaScript twin).
// Values are float32; each step is taken in double and rounded back to float32, as the
// JavaScript loops take it (a product of two float32 values is exact in double), so both give
// the same bits. The threads share out the units (columns), so each output sums its terms in
// the same order whatever the threads.
#include "common.h"

#include <stdio.h>

typedef struct {
  const int32_t *indptr, *indices, *rows;
  const float *values, *dense;
  float *out;
  uint32_t nrows, units, dims, begin, end;
} sparse_job_t;

// out[i][u] = dense[dims][u] + sum_p values[p] dense[indices[p]][u] over row rows[i].
HOT static void *product_part(void *arg) {
  const sparse_job_t *job = arg;
  const size_t h = job->units;
  for (uint32_t i = 0; i < job->nrows; i++) {
    float *restrict z = job->out + i * h;
    const float *bias = job->dense + (size_t)job->dims * h;
    for (uint32_t u = job->begin; u < job->end; u++) z[u] = bias[u];
    const int32_t r = job->rows[i];
    for (int32_t p = job->indptr[r]; p < job->indptr[r + 1]; p++) {
      const double v = job->values[p];
      const float *restrict w = job->dense + (size_t)job->indices[p] * h;
      for (uint32_t u = job->begin; u < job->end; u++) z[u] = (float)((double)z[u] + v * w[u]);
    }
  }
  return NULL;
}

// out[indices[p]][u] += values[p] dense[i][u] over row rows[i], then out[dims][u] += dense[i][u].
HOT static void *gradient_part(void *arg) {
  const sparse_job_t *job = arg;
  const size_t h = job->units;
  float *bias = job->out + (size_t)job->dims * h;
  for (uint32_t i = 0; i < job->nrows; i++) {
    const float *restrict g = job->dense + i * h;
    const int32_t r = job->rows[i];
    for (int32_t p = job->indptr[r]; p < job->indptr[r + 1]; p++) {
      const double v = job->values[p];
      float *restrict o = job->out + (size_t)job->indices[p] * h;
      for (uint32_t u = job->begin; u < job->end; u++) o[u] = (float)((double)o[u] + v * g[u]);
    }
    for (uint32_t u = job->begin; u < job->end; u++) bias[u] = (float)((double)bias[u] + g[u]);
  }
  return NULL;
}

// sparseProduct(indptr, indices, values, dims, rows, dense, units, out, transpose, threads):
// transpose 0: out (rows x units) = X[rows] dense, dense being (dims + 1) x units with the
// bias last; transpose 1: out ((dims + 1) x units, zeroed by the caller) += X[rows]' dense,
// dense being rows x units, and its last row the column sums.
napi_value sparse_product(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!get_args(env, info, 10, argv)) return NULL;
  int32_t *indptr, *indices, *rows;
  float *values, *dense, *out;
  size_t np, nnz, nv, nr, nd, no;
  uint32_t dims, units, transpose, threads;
  if (!arg_i32(env, argv[0], "indptr", &indptr, &np) ||
      !arg_i32(env, argv[1], "indices", &indices, &nnz) ||
      !arg_f32(env, argv[2], "values", &values, &nv) || !arg_u32(env, argv[3], "dims", &dims) ||
      !arg_i32(env, argv[4], "rows", &rows, &nr) || !arg_f32(env, argv[5], "dense", &dense, &nd) ||
      !arg_u32(env, argv[6], "units", &units) || !arg_f32(env, argv[7], "out", &out, &no) ||
      !arg_u32(env, argv[8], "transpose", &transpose) ||
      !arg_u32(env, argv[9], "threads", &threads))
    return NULL;
  const size_t wide = ((size_t)dims + 1) * units, tall = nr * (size_t)units;
  int ok = units > 0 && np >= 1 && nv == nnz && (size_t)indptr[np - 1] == nnz &&
           nd == (transpose ? tall : wide) && no == (transpose ? wide : tall);
  for (size_t r = 1; ok && r < np; r++) ok = indptr[r] >= indptr[r - 1] && indptr[r - 1] >= 0;
  for (size_t p = 0; ok && p < nnz; p++) ok = indices[p] >= 0 && (uint32_t)indices[p] < dims;
  for (size_t i = 0; ok && i < nr; i++) ok = rows[i] >= 0 && (size_t)rows[i] + 1 < np;
  if (!ok) {
    napi_throw_range_error(env, NULL, "sparseProduct: arrays or values do not agree");
    return NULL;
  }
  threads = clamp_threads(threads, nnz * (size_t)units >= 1u << 18);
  if (threads > units) threads = units;
  sparse_job_t jobs[MAX_THREADS];
  const uint32_t per = (units + threads - 1) / threads;
  for (uint32_t t = 0; t < threads; t++) {
    const uint32_t begin = t * per < units ? t * per : units;
    const uint32_t end = begin + per < units ? begin + per : units;
    jobs[t] = (sparse_job_t){indptr, indices, rows, values, dense, out, (uint32_t)nr,
                             units,  dims,    begin, end};
  }
  run_parallel(transpose ? gradient_part : product_part, jobs, sizeof jobs[0], threads);
  return NULL;
}
