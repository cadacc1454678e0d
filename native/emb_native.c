// emb's optional native addon: read-only-safe memory mapping of .emb files and the two
// float32 kernels every query spends its time in (matrix-vector and matrix-matrix products
// over the unit-length embedding rows). Everything else stays in TypeScript.
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 8

static napi_value throw_errno(napi_env env, const char *what) {
  napi_throw_error(env, "E_IO", what);
  return NULL;
}

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

// map(path, expectedSize): ArrayBuffer over the whole file. MAP_PRIVATE copy-on-write, so a
// stray write can never reach the file. The caller has already checked the file size against
// the header; we check again here, after open, so a file that shrank in between is refused
// rather than mapped past its end (which would kill the process with SIGBUS).
static napi_value map_file(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[4096];
  size_t len;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok) return NULL;
  double expected = -1;
  if (argc > 1) napi_get_value_double(env, argv[1], &expected);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return throw_errno(env, strerror(errno));
  }
  if (st.st_size == 0 || (expected >= 0 && (double)st.st_size != expected)) {
    close(fd);
    napi_throw_error(env, "E_FORMAT", "file size changed before it could be mapped");
    return NULL;
  }
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return throw_errno(env, strerror(errno));
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, (size_t)st.st_size, unmap,
                                       (void *)(uintptr_t)st.st_size, &ab) != napi_ok) {
    munmap(p, (size_t)st.st_size);
    return NULL;
  }
  return ab;
}

typedef struct {
  const float *matrix;
  const float *scale;
  const float *queries;
  float *out;
  size_t dims, rows_total, row_begin, row_end, nq;
} job_t;

static inline float dot(const float *a, const float *b, size_t n) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (size_t j = 0; j < n; j++) s += a[j] * b[j];
  return s;
}

// out[q * rows_total + i] = (matrix[i] . queries[q]) * scale[i], rows in blocks so that a block of rows is
// read from memory once and reused from cache for every query.
static void *run_job(void *arg) {
  job_t *job = (job_t *)arg;
  const size_t block = 512;
  for (size_t b = job->row_begin; b < job->row_end; b += block) {
    size_t e = b + block < job->row_end ? b + block : job->row_end;
    for (size_t q = 0; q < job->nq; q++) {
      const float *qv = job->queries + q * job->dims;
      float *o = job->out + q * job->rows_total;
      for (size_t i = b; i < e; i++)
        o[i] = dot(job->matrix + i * job->dims, qv, job->dims) * job->scale[i];
    }
  }
  return NULL;
}

static int get_f32(napi_env env, napi_value v, float **data, size_t *length) {
  napi_typedarray_type type;
  void *ptr;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &ptr, &ab, &offset) != napi_ok ||
      type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "expected a Float32Array");
    return 0;
  }
  *data = (float *)ptr;
  return 1;
}

// products(matrix, dims, rows, scale, queries, out, threads):
// out[q*rows + i] = <row i, query q> * scale[i] for the first `rows` rows of the matrix and every query in `queries` (nq * dims floats).
static napi_value products(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  float *matrix, *scale, *queries, *out;
  size_t mlen, slen, qlen, olen;
  uint32_t dims, rows, threads;
  if (!get_f32(env, argv[0], &matrix, &mlen)) return NULL;
  napi_get_value_uint32(env, argv[1], &dims);
  napi_get_value_uint32(env, argv[2], &rows);
  if (!get_f32(env, argv[3], &scale, &slen)) return NULL;
  if (!get_f32(env, argv[4], &queries, &qlen)) return NULL;
  if (!get_f32(env, argv[5], &out, &olen)) return NULL;
  napi_get_value_uint32(env, argv[6], &threads);
  if (dims == 0 || qlen % dims != 0 || (size_t)rows * dims > mlen || slen < rows ||
      olen < (qlen / dims) * rows) {
    napi_throw_range_error(env, NULL, "products: array sizes do not agree");
    return NULL;
  }
  size_t nq = qlen / dims;
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if ((size_t)rows * nq < 65536) threads = 1;  // not worth a thread
  job_t jobs[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  size_t per = (rows + threads - 1) / threads;
  for (uint32_t t = 0; t < threads; t++) {
    size_t b = t * per, e = b + per < rows ? b + per : rows;
    jobs[t] = (job_t){matrix, scale, queries, out, dims, rows, b < rows ? b : rows, e, nq};
  }
  uint32_t started = 1;
  for (uint32_t t = 1; t < threads; t++) {
    if (pthread_create(&tids[t], NULL, run_job, &jobs[t]) != 0) break;
    started++;
  }
  for (uint32_t t = started; t < threads; t++) run_job(&jobs[t]);  // could not start: do it here
  run_job(&jobs[0]);
  for (uint32_t t = 1; t < started; t++) pthread_join(tids[t], NULL);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"map", NULL, map_file, NULL, NULL, NULL, napi_default, NULL},
      {"products", NULL, products, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
