// The nearest-neighbour scan: for a batch of query vectors, the k rows of highest cosine, in one
// pass over the matrix shared by every query of the batch; for float32, float16 and int8 rows.
//
// Every dot product is computed the same way, whatever the batch, the thread or the CPU: eight
// float32 lanes, lane l summing the products of the values j = l (mod 8) in order, then the
// lanes added as ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)), multiplied by 1/norm. So a query
// asked alone or among 400 gets the same bits, and src/embeddings/kernels.ts reproduces them.
//
// int8 rows are scanned approximately first (the query rounded to int8, integer dot products),
// keeping `candidates` rows per query; those are then scored exactly (the float32 query against
// the row's int8 values times its scale) and the best k kept. Lists are ordered by score, then
// by row (the lower, more frequent word first), so which thread found a row never matters.
#include "common.h"

#include <stdlib.h>
#include <string.h>

typedef uint32_t v8u __attribute__((vector_size(32)));
typedef uint16_t v8h_u __attribute__((vector_size(16), aligned(2)));
typedef int8_t v8b_u __attribute__((vector_size(8), aligned(1)));
typedef int32_t v8i __attribute__((vector_size(32)));

enum { F32 = 0, F16 = 1, I8 = 2 };

#define CHUNK 2048  // rows a thread takes from the shared counter at a time
#define BLOCK 16    // rows decoded (f16) and scored against every query together

typedef struct {
  int type;
  const void *data;
  const float *scales;  // int8: per-row scale
  size_t dims;
} store_t;

// Four queries against one row: each result equal to dot8 of that pair.
static inline void dot8x4(const float *a, const float *q, size_t dims, float out[4]) {
  v8f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
  const float *q0 = q, *q1 = q + dims, *q2 = q + 2 * dims, *q3 = q + 3 * dims;
  size_t c = 0;
  for (; c + 8 <= dims; c += 8) {
    const v8f r = *(const v8f_u *)(a + c);
    a0 += r * *(const v8f_u *)(q0 + c);
    a1 += r * *(const v8f_u *)(q1 + c);
    a2 += r * *(const v8f_u *)(q2 + c);
    a3 += r * *(const v8f_u *)(q3 + c);
  }
  float t[4][8];
  memcpy(t[0], &a0, 32);
  memcpy(t[1], &a1, 32);
  memcpy(t[2], &a2, 32);
  memcpy(t[3], &a3, 32);
  for (size_t l = 0; c + l < dims; l++) {
    t[0][l] += a[c + l] * q0[c + l];
    t[1][l] += a[c + l] * q1[c + l];
    t[2][l] += a[c + l] * q2[c + l];
    t[3][l] += a[c + l] * q3[c + l];
  }
  for (int i = 0; i < 4; i++) out[i] = lanes_sum(t[i]);
}

// float16 bits to float32, exactly, for finite values (the writer refuses the others): the
// magnitude bits shifted into place and scaled by 2^112 (exact, subnormals included).
static inline void decode_f16(const uint16_t *h, float *out, size_t dims) {
  size_t c = 0;
  for (; c + 8 <= dims; c += 8) {
    v8u x = __builtin_convertvector(*(const v8h_u *)(h + c), v8u);
    v8u mag = (x & 0x7fff) << 13;
    v8f f = (v8f)mag * 0x1p112f;
    *(v8f_u *)(out + c) = (v8f)((v8u)f | ((x & 0x8000) << 16));
  }
  for (; c < dims; c++) {
    uint32_t x = h[c], mag = (x & 0x7fff) << 13, bits;
    float f;
    memcpy(&f, &mag, 4);
    f *= 0x1p112f;
    memcpy(&bits, &f, 4);
    bits |= (x & 0x8000) << 16;
    memcpy(&out[c], &bits, 4);
  }
}

static inline void decode_i8(const int8_t *v, float scale, float *out, size_t dims) {
  size_t c = 0;
  for (; c + 8 <= dims; c += 8)
    *(v8f_u *)(out + c) = __builtin_convertvector(*(const v8b_u *)(v + c), v8f) * scale;
  for (; c < dims; c++) out[c] = (float)v[c] * scale;
}

// Row r as float32: a pointer into the matrix, or decoded into buf.
static inline const float *row_f32(const store_t *s, size_t r, float *buf) {
  switch (s->type) {
    case F32:
      return (const float *)s->data + r * s->dims;
    case F16:
      decode_f16((const uint16_t *)s->data + r * s->dims, buf, s->dims);
      return buf;
    default:
      decode_i8((const int8_t *)s->data + r * s->dims, s->scales[r], buf, s->dims);
      return buf;
  }
}

// Integer dot products (exact, so their order does not matter) of one row with one or four
// queries, all widened to int16 first: that is the pattern compilers turn into pmaddwd.
static inline void idot4(const int16_t *a, const int16_t *q, size_t dims, int32_t out[4]) {
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const int16_t *q0 = q, *q1 = q + dims, *q2 = q + 2 * dims, *q3 = q + 3 * dims;
  for (size_t j = 0; j < dims; j++) s0 += (int32_t)a[j] * q0[j];
  for (size_t j = 0; j < dims; j++) s1 += (int32_t)a[j] * q1[j];
  for (size_t j = 0; j < dims; j++) s2 += (int32_t)a[j] * q2[j];
  for (size_t j = 0; j < dims; j++) s3 += (int32_t)a[j] * q3[j];
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

static inline int32_t idot(const int16_t *a, const int16_t *b, size_t dims) {
  int32_t s = 0;
  for (size_t j = 0; j < dims; j++) s += (int32_t)a[j] * b[j];
  return s;
}

// ---- top lists: a heap whose root is the worst entry kept ----

typedef struct {
  float score;
  int32_t row;
} item_t;

static inline int worse(item_t a, item_t b) {
  return a.score < b.score || (a.score == b.score && a.row > b.row);
}

typedef struct {
  item_t *items;
  size_t size, cap;
  const int32_t *exclude;
  size_t nexclude;
} heap_t;

static void heap_offer(heap_t *h, float s, int32_t row) {
  if (s != s) return;  // NaN
  item_t it = {s, row};
  if (h->size == h->cap && !worse(h->items[0], it)) return;
  for (size_t x = 0; x < h->nexclude; x++)
    if (h->exclude[x] == row) return;
  item_t *a = h->items;
  size_t i;
  if (h->size < h->cap) {
    i = h->size++;
    while (i > 0 && worse(it, a[(i - 1) / 2])) {
      a[i] = a[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  } else {
    i = 0;
    for (;;) {
      size_t l = 2 * i + 1, m = i;
      item_t w = it;
      if (l < h->size && worse(a[l], w)) m = l, w = a[l];
      if (l + 1 < h->size && worse(a[l + 1], w)) m = l + 1;
      if (m == i) break;
      a[i] = a[m];
      i = m;
    }
  }
  a[i] = it;
}

// Fast rejection before the call: most rows do not beat the current k-th score.
#define OFFER(h, s, r)                                                       \
  do {                                                                       \
    heap_t *h_ = (h);                                                        \
    const float s_ = (s);                                                    \
    if (h_->size < h_->cap || s_ >= h_->items[0].score) heap_offer(h_, s_, (r)); \
  } while (0)

static int better_first(const void *x, const void *y) {
  const item_t *a = x, *b = y;
  return worse(*b, *a) ? -1 : worse(*a, *b) ? 1 : 0;
}

typedef struct {
  const store_t *st;
  const float *inv;
  size_t rows, nq;
  const float *queries;   // nq x dims, float32
  const int16_t *qi16;    // int8 scan: the queries rounded to int8, widened, nq x dims
  const float *qscale;    // int8 scan: per query
  heap_t *heaps;          // nq, this thread's
  size_t *next;
  float *buf;             // BLOCK x dims (floats, or int16 for the int8 scan)
  int faulted;
} scan_job_t;

HOT static void scan_rows(scan_job_t *job) {
  const store_t *st = job->st;
  const size_t dims = st->dims, nq = job->nq;
  for (;;) {
    size_t b = __atomic_fetch_add(job->next, CHUNK, __ATOMIC_RELAXED);
    if (b >= job->rows) break;
    size_t e = b + CHUNK < job->rows ? b + CHUNK : job->rows;
    for (size_t rb = b; rb < e; rb += BLOCK) {
      size_t n = e - rb < BLOCK ? e - rb : BLOCK;
      if (st->type == I8) {
        const int8_t *m = (const int8_t *)st->data + rb * dims;
        int16_t *w = (int16_t *)job->buf;
        for (size_t i = 0; i < n * dims; i++) w[i] = m[i];
        size_t q = 0;
        for (; q + 4 <= nq; q += 4)
          for (size_t r = 0; r < n; r++) {
            int32_t d[4];
            idot4(w + r * dims, job->qi16 + q * dims, dims, d);
            const float f = st->scales[rb + r] * job->inv[rb + r];
            for (int i = 0; i < 4; i++)
              OFFER(&job->heaps[q + i], ((float)d[i] * job->qscale[q + i]) * f, (int32_t)(rb + r));
          }
        for (; q < nq; q++)
          for (size_t r = 0; r < n; r++) {
            const float f = st->scales[rb + r] * job->inv[rb + r];
            float s = (float)idot(w + r * dims, job->qi16 + q * dims, dims) * job->qscale[q];
            OFFER(&job->heaps[q], s * f, (int32_t)(rb + r));
          }
        continue;
      }
      const float *block;
      if (st->type == F32)
        block = (const float *)st->data + rb * dims;
      else {
        for (size_t r = 0; r < n; r++) row_f32(st, rb + r, job->buf + r * dims);
        block = job->buf;
      }
      size_t q = 0;
      for (; q + 4 <= nq; q += 4)
        for (size_t r = 0; r < n; r++) {
          float d[4];
          dot8x4(block + r * dims, job->queries + q * dims, dims, d);
          for (int i = 0; i < 4; i++)
            OFFER(&job->heaps[q + i], d[i] * job->inv[rb + r], (int32_t)(rb + r));
        }
      for (; q < nq; q++)
        for (size_t r = 0; r < n; r++)
          OFFER(&job->heaps[q], dot8(block + r * dims, job->queries + q * dims, dims) *
                                    job->inv[rb + r], (int32_t)(rb + r));
    }
  }
}

static void *run_scan_job(void *arg) {
  scan_job_t *job = arg;
  GUARDED(job->faulted, scan_rows(job));
  return NULL;
}

// The query rounded to int8 with its own scale (largest magnitude -> 127), kept as int16.
static float quantize_query(const float *q, int16_t *out, size_t dims) {
  float max = 0;
  for (size_t j = 0; j < dims; j++) {
    float a = q[j] < 0 ? -q[j] : q[j];
    if (a > max) max = a;
  }
  float scale = max > 0 ? max / 127.0f : 1.0f;
  for (size_t j = 0; j < dims; j++) {
    float v = q[j] / scale;
    v = v < 0 ? v - 0.5f : v + 0.5f;  // round half away from zero, as Math.round on |v|
    int x = (int)v;
    out[j] = (int16_t)(x > 127 ? 127 : x < -127 ? -127 : x);
  }
  return scale;
}

static void rescore(const store_t *st, const float *inv, const float *query, item_t *items,
                    size_t n, float *buf) {
  for (size_t i = 0; i < n; i++) {
    const float *v = row_f32(st, (size_t)items[i].row, buf);
    items[i].score = dot8(v, query, st->dims) * inv[items[i].row];
  }
}

// scan(type, data, scales, dims, rows, inv, queries, k, candidates, exStart, exRows, outRows,
//      outScores, threads): see the top of this file. type 0: data is a Float32Array, 1: a
// Uint16Array of float16 bits, 2: an Int8Array with per-row `scales`. exRows[exStart[q] ..
// exStart[q+1]) are never answers to query q. outRows/outScores get nq x k, best first, -1
// and 0 where fewer rows qualify.
napi_value scan(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  if (!get_args(env, info, 14, argv)) return NULL;
  uint32_t type, dims, rows, k, candidates, threads;
  void *data;
  float *scales, *inv, *queries, *out_scores;
  int32_t *ex_start, *ex_rows, *out_rows;
  size_t dlen, slen, ilen, qlen, eslen, erlen, orlen, oslen;
  if (!arg_u32(env, argv[0], "type", &type)) return NULL;
  static const napi_typedarray_type kinds[] = {napi_float32_array, napi_uint16_array,
                                               napi_int8_array};
  if (type > 2) {
    napi_throw_range_error(env, NULL, "scan: unknown storage type");
    return NULL;
  }
  if (!arg_typed(env, argv[1], kinds[type], "data", &data, &dlen) ||
      !arg_f32(env, argv[2], "scales", &scales, &slen) ||
      !arg_u32(env, argv[3], "dims", &dims) || !arg_u32(env, argv[4], "rows", &rows) ||
      !arg_f32(env, argv[5], "inv", &inv, &ilen) ||
      !arg_f32(env, argv[6], "queries", &queries, &qlen) || !arg_u32(env, argv[7], "k", &k) ||
      !arg_u32(env, argv[8], "candidates", &candidates) ||
      !arg_i32(env, argv[9], "exStart", &ex_start, &eslen) ||
      !arg_i32(env, argv[10], "exRows", &ex_rows, &erlen) ||
      !arg_i32(env, argv[11], "outRows", &out_rows, &orlen) ||
      !arg_f32(env, argv[12], "outScores", &out_scores, &oslen) ||
      !arg_u32(env, argv[13], "threads", &threads))
    return NULL;
  size_t nq = dims ? qlen / dims : 0;
  volatile int ok = dims > 0 && k > 0 && qlen % dims == 0 && (size_t)rows * dims <= dlen && ilen >= rows &&
           (type != I8 || slen >= rows) && eslen == nq + 1 && orlen >= nq * k && oslen >= nq * k;
  for (size_t q = 0; ok && q < nq; q++)
    ok = ex_start[q] >= 0 && ex_start[q] <= ex_start[q + 1] && (size_t)ex_start[q + 1] <= erlen;
  if (!ok) {
    napi_throw_range_error(env, NULL, "scan: array sizes do not agree");
    return NULL;
  }
  size_t K = type == I8 ? (candidates > k ? candidates : k) : k;
  if (K > rows) K = rows;
  for (size_t i = 0; i < nq * k; i++) out_rows[i] = -1, out_scores[i] = 0;
  if (rows == 0 || nq == 0) return NULL;

  threads = clamp_threads(threads, (size_t)rows * nq * dims >= (1 << 20));
  store_t st = {(int)type, data, scales, dims};
  scan_job_t jobs[MAX_THREADS];
  size_t next = 0;
  int failed = 0;
  int16_t *qi16 = NULL;
  float *qscale = NULL;
  if (type == I8) {
    qi16 = malloc(nq * dims * sizeof(int16_t));
    qscale = malloc(nq * sizeof(float));
    if (!qi16 || !qscale)
      failed = 1;
    else
      for (size_t q = 0; q < nq; q++)
        qscale[q] = quantize_query(queries + q * dims, qi16 + q * dims, dims);
  }
  for (uint32_t t = 0; t < threads; t++) {
    jobs[t] = (scan_job_t){&st, inv, rows, nq, queries, qi16, qscale, NULL, &next, NULL, 0};
    jobs[t].heaps = calloc(nq, sizeof(heap_t));
    jobs[t].buf = malloc(BLOCK * dims * sizeof(float));
    if (!jobs[t].heaps || !jobs[t].buf) {
      failed = 1;
      continue;
    }
    for (size_t q = 0; q < nq; q++) {
      heap_t *h = &jobs[t].heaps[q];
      h->cap = K;
      h->items = malloc(K * sizeof(item_t));
      h->exclude = ex_rows + ex_start[q];
      h->nexclude = (size_t)(ex_start[q + 1] - ex_start[q]);
      if (!h->items) failed = 1;
    }
  }
  int faulted = 0;
  item_t *merged = failed ? NULL : malloc(threads * K * sizeof(item_t));
  float *row = failed ? NULL : malloc(dims * sizeof(float));
  if (!merged || !row) failed = 1;
  if (!failed) {
    run_parallel(run_scan_job, jobs, sizeof jobs[0], threads);
    for (uint32_t t = 0; t < threads; t++) faulted |= jobs[t].faulted;
  }
  if (!failed && !faulted) {
    for (volatile size_t q = 0; q < nq; q++) {
      size_t n = 0;
      for (uint32_t t = 0; t < threads; t++)
        for (size_t i = 0; i < jobs[t].heaps[q].size; i++) merged[n++] = jobs[t].heaps[q].items[i];
      qsort(merged, n, sizeof(item_t), better_first);
      if (n > K) n = K;
      if (type == I8) {
        // Exact scores of the candidates, then the best k of them.
        GUARDED(faulted, rescore(&st, inv, queries + q * dims, merged, n, row));
        if (faulted) break;
        qsort(merged, n, sizeof(item_t), better_first);
      }
      for (size_t i = 0; i < k && i < n; i++) {
        out_rows[q * k + i] = merged[i].row;
        out_scores[q * k + i] = merged[i].score;
      }
    }
  }
  for (uint32_t t = 0; t < threads; t++) {
    if (jobs[t].heaps)
      for (size_t q = 0; q < nq; q++) free(jobs[t].heaps[q].items);
    free(jobs[t].heaps);
    free(jobs[t].buf);
  }
  free(merged);
  free(row);
  free(qi16);
  free(qscale);
  if (faulted) return throw_code(env, "E_BUS", "the file was truncated while it was read");
  if (failed) return throw_code(env, "E_NOMEM", "scan: out of memory");
  return NULL;
}

// ---- products: every score, for 3CosMul ----

typedef struct {
  const store_t *st;
  const float *inv, *queries;
  float *out;
  size_t rows, nq, begin, end;
  float *buf;
  int faulted;
} products_job_t;

HOT static void products_rows(products_job_t *job) {
  const size_t dims = job->st->dims;
  for (size_t r = job->begin; r < job->end; r++) {
    const float *v = row_f32(job->st, r, job->buf);
    for (size_t q = 0; q < job->nq; q++)
      job->out[q * job->rows + r] = dot8(v, job->queries + q * dims, dims) * job->inv[r];
  }
}

static void *run_products_job(void *arg) {
  products_job_t *job = arg;
  GUARDED(job->faulted, products_rows(job));
  return NULL;
}

// products(type, data, scales, dims, rows, inv, queries, out, threads):
// out[q * rows + i] = dot(row i, query q) * inv[i], each dot computed as scan computes it.
napi_value products(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  uint32_t type, dims, rows, threads;
  void *data;
  float *scales, *inv, *queries, *out;
  size_t dlen, slen, ilen, qlen, olen;
  static const napi_typedarray_type kinds[] = {napi_float32_array, napi_uint16_array,
                                               napi_int8_array};
  if (!arg_u32(env, argv[0], "type", &type)) return NULL;
  if (type > 2) {
    napi_throw_range_error(env, NULL, "products: unknown storage type");
    return NULL;
  }
  if (!arg_typed(env, argv[1], kinds[type], "data", &data, &dlen) ||
      !arg_f32(env, argv[2], "scales", &scales, &slen) ||
      !arg_u32(env, argv[3], "dims", &dims) || !arg_u32(env, argv[4], "rows", &rows) ||
      !arg_f32(env, argv[5], "inv", &inv, &ilen) ||
      !arg_f32(env, argv[6], "queries", &queries, &qlen) ||
      !arg_f32(env, argv[7], "out", &out, &olen) || !arg_u32(env, argv[8], "threads", &threads))
    return NULL;
  if (dims == 0 || qlen % dims != 0 || (size_t)rows * dims > dlen || ilen < rows ||
      (type == I8 && slen < rows) || olen < (qlen / dims) * rows) {
    napi_throw_range_error(env, NULL, "products: array sizes do not agree");
    return NULL;
  }
  size_t nq = qlen / dims;
  threads = clamp_threads(threads, (size_t)rows * nq * dims >= (1 << 20));
  store_t st = {(int)type, data, scales, dims};
  products_job_t jobs[MAX_THREADS];
  size_t per = (rows + threads - 1) / threads;
  int failed = 0, faulted = 0;
  for (uint32_t t = 0; t < threads; t++) {
    size_t b = t * per < rows ? t * per : rows, e = b + per < rows ? b + per : rows;
    jobs[t] = (products_job_t){&st, inv, queries, out, rows, nq, b, e, malloc(dims * sizeof(float)), 0};
    if (!jobs[t].buf) failed = 1;
  }
  if (!failed) run_parallel(run_products_job, jobs, sizeof jobs[0], threads);
  for (uint32_t t = 0; t < threads; t++) {
    faulted |= jobs[t].faulted;
    free(jobs[t].buf);
  }
  if (faulted) return throw_code(env, "E_BUS", "the file was truncated while it was read");
  if (failed) return throw_code(env, "E_NOMEM", "products: out of memory");
  return NULL;
}
