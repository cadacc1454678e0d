// emb's optional native addon: read-only-safe memory mapping of .emb files and the float32
// kernels queries spend their time in (scores of a few queries against every row, and many
// analogy questions answered in one pass). Everything else stays in TypeScript.
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
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

// Runs fn on jobs[1..threads) in new threads and on jobs[0] in this one, then waits for all.
// A job whose thread could not be created runs here too, so the work is always done.
static void run_parallel(void *(*fn)(void *), void *jobs, size_t job_size, uint32_t threads) {
  pthread_t tids[MAX_THREADS];
  uint32_t started = 1;
  for (uint32_t t = 1; t < threads; t++) {
    if (pthread_create(&tids[t], NULL, fn, (char *)jobs + t * job_size) != 0) break;
    started++;
  }
  for (uint32_t t = started; t < threads; t++) fn((char *)jobs + t * job_size);
  fn(jobs);
  for (uint32_t t = 1; t < started; t++) pthread_join(tids[t], NULL);
}

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

// The data of a typed array argument of the expected type; throws (returns 0) otherwise.
static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name,
                     void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) != napi_ok ||
      type != want) {
    napi_throw_type_error(env, NULL, name);
    return 0;
  }
  return 1;
}

static int get_f32(napi_env env, napi_value v, float **data, size_t *length) {
  return get_typed(env, v, napi_float32_array, "expected a Float32Array", (void **)data, length);
}

static int get_i32(napi_env env, napi_value v, int32_t **data, size_t *length) {
  return get_typed(env, v, napi_int32_array, "expected an Int32Array", (void **)data, length);
}

// Threads worth starting: at least 1, at most MAX_THREADS, and 1 for work too small to share.
static uint32_t clamp_threads(uint32_t threads, int worth_sharing) {
  if (threads < 1 || !worth_sharing) return 1;
  return threads > MAX_THREADS ? MAX_THREADS : threads;
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
  threads = clamp_threads(threads, (size_t)rows * nq >= 65536);
  job_t jobs[MAX_THREADS];
  size_t per = (rows + threads - 1) / threads;
  for (uint32_t t = 0; t < threads; t++) {
    size_t b = t * per, e = b + per < rows ? b + per : rows;
    jobs[t] = (job_t){matrix, scale, queries, out, dims, rows, b < rows ? b : rows, e, nq};
  }
  run_parallel(run_job, jobs, sizeof jobs[0], threads);
  return NULL;
}

// ---- analogy_topk: many analogy questions answered in one pass over the matrix ----
//
// The candidate rows are cut into blocks of ROW_BLOCK rows. For each block we compute the
// cosine of every row with every distinct question word once (S = words x block, the block
// transposed so the inner loop runs across rows and each sum is accumulated over dims in
// plain order), then score every question from three rows of S and keep a streaming top-k.
// All arithmetic is float32 in a fixed order, without FMA contraction, so the JavaScript
// fallback reproduces every score bit for bit.

#define ROW_BLOCK 64

typedef struct {
  const float *matrix, *scale, *words;
  const int32_t *word_rows, *questions;
  size_t dims, nwords, nq, k, row_begin, row_end;
  int method;          // 0: 3CosAdd, 1: 3CosMul
  int32_t *top_rows;   // nq * k, -1 where empty
  float *top_scores;   // nq * k
  float *work;         // (dims + nwords + 1) * ROW_BLOCK + nq floats
} analogy_job_t;

// Inserts (row, score) into a list sorted by score, descending; an equal score keeps the
// earlier (lower, more frequent) row first because rows arrive in increasing order.
static inline void topk_insert(int32_t *rows, float *scores, size_t k, int32_t row, float s) {
  size_t at = k - 1;
  while (at > 0 && (rows[at - 1] < 0 || scores[at - 1] < s)) {
    rows[at] = rows[at - 1];
    scores[at] = scores[at - 1];
    at--;
  }
  rows[at] = row;
  scores[at] = s;
}

static void *run_analogy_job(void *arg) {
  analogy_job_t *job = (analogy_job_t *)arg;
  const size_t dims = job->dims, U = job->nwords, k = job->k;
  float *T = job->work;                     // dims x ROW_BLOCK
  float *S = T + dims * ROW_BLOCK;          // U x ROW_BLOCK
  float *restrict score = S + U * ROW_BLOCK;  // ROW_BLOCK
  float *thr = score + ROW_BLOCK;           // nq: each question's k-th score so far
  for (size_t i = 0; i < job->nq * k; i++) {
    job->top_rows[i] = -1;
    job->top_scores[i] = 0;
  }
  for (size_t q = 0; q < job->nq; q++) thr[q] = -INFINITY;
  for (size_t b = job->row_begin; b < job->row_end; b += ROW_BLOCK) {
    size_t n = job->row_end - b < ROW_BLOCK ? job->row_end - b : ROW_BLOCK;
    for (size_t r = 0; r < ROW_BLOCK; r++)
      for (size_t j = 0; j < dims; j++)
        T[j * ROW_BLOCK + r] = r < n ? job->matrix[(b + r) * dims + j] : 0.0f;
    float sc[ROW_BLOCK];
    for (size_t r = 0; r < ROW_BLOCK; r++) sc[r] = r < n ? job->scale[b + r] : 0.0f;
    for (size_t u = 0; u < U; u++) {
      const float *w = job->words + u * dims;
      float acc[ROW_BLOCK] = {0};
      for (size_t j = 0; j < dims; j++) {
        const float wj = w[j];
        const float *t = T + j * ROW_BLOCK;
        for (size_t r = 0; r < ROW_BLOCK; r++) acc[r] = acc[r] + wj * t[r];
      }
      float *s = S + u * ROW_BLOCK;
      for (size_t r = 0; r < ROW_BLOCK; r++) s[r] = acc[r] * sc[r];
    }
    for (size_t q = 0; q < job->nq; q++) {
      const int32_t *qs = job->questions + q * 3;
      const float *restrict sa = S + (size_t)qs[0] * ROW_BLOCK;
      const float *restrict sb = S + (size_t)qs[1] * ROW_BLOCK;
      const float *restrict scc = S + (size_t)qs[2] * ROW_BLOCK;
      // Almost every block has nothing better than the question's current k-th answer:
      // the scores and that test are one vectorised loop, the scan below is rare.
      const float t = thr[q];
      int hit = 0;
      if (job->method == 0) {
        for (size_t r = 0; r < ROW_BLOCK; r++) {
          const float v = (sb[r] + scc[r]) - sa[r];
          score[r] = v;
          hit |= v > t;
        }
      } else {
        for (size_t r = 0; r < ROW_BLOCK; r++) {
          const float v = (((1.0f + sb[r]) / 2.0f) * ((1.0f + scc[r]) / 2.0f)) /
                          (((1.0f + sa[r]) / 2.0f) + 1e-6f);
          score[r] = v;
          hit |= v > t;
        }
      }
      if (!hit) continue;
      int32_t *rows = job->top_rows + q * k;
      float *scores = job->top_scores + q * k;
      const int32_t ea = job->word_rows[qs[0]], eb = job->word_rows[qs[1]],
                    ec = job->word_rows[qs[2]];
      for (size_t r = 0; r < n; r++) {
        if (!(score[r] > thr[q])) continue;  // also drops NaN
        const int32_t row = (int32_t)(b + r);
        if (row == ea || row == eb || row == ec) continue;
        topk_insert(rows, scores, k, row, score[r]);
        if (rows[k - 1] >= 0) thr[q] = scores[k - 1];
      }
    }
  }
  return NULL;
}

// analogyTopK(matrix, dims, rows, scale, words, wordRows, questions, method, k, outRows,
// outScores, threads): for each question (a, b, c) given as three indices into `words` (unit
// vectors; wordRows[i] is word i's row, or -1, and those rows are never answers), the k best
// of the first `rows` rows by 3CosAdd (cos b + cos c - cos a) or 3CosMul.
static napi_value analogy_topk(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  float *matrix, *scale, *words, *out_scores;
  int32_t *word_rows, *questions, *out_rows;
  size_t mlen, slen, wlen, wrlen, qlen, orlen, oslen;
  uint32_t dims, rows, method, k, threads;
  if (!get_f32(env, argv[0], &matrix, &mlen)) return NULL;
  napi_get_value_uint32(env, argv[1], &dims);
  napi_get_value_uint32(env, argv[2], &rows);
  if (!get_f32(env, argv[3], &scale, &slen)) return NULL;
  if (!get_f32(env, argv[4], &words, &wlen)) return NULL;
  if (!get_i32(env, argv[5], &word_rows, &wrlen)) return NULL;
  if (!get_i32(env, argv[6], &questions, &qlen)) return NULL;
  napi_get_value_uint32(env, argv[7], &method);
  napi_get_value_uint32(env, argv[8], &k);
  if (!get_i32(env, argv[9], &out_rows, &orlen)) return NULL;
  if (!get_f32(env, argv[10], &out_scores, &oslen)) return NULL;
  napi_get_value_uint32(env, argv[11], &threads);
  size_t U = wrlen, nq = qlen / 3;
  int ok = dims > 0 && k > 0 && method <= 1 && (size_t)rows * dims <= mlen && slen >= rows &&
           wlen == U * dims && qlen % 3 == 0 && orlen == nq * k && oslen == nq * k;
  for (size_t i = 0; ok && i < qlen; i++) ok = questions[i] >= 0 && (size_t)questions[i] < U;
  if (!ok) {
    napi_throw_range_error(env, NULL, "analogyTopK: array sizes do not agree");
    return NULL;
  }
  threads = clamp_threads(threads, 1);
  if (rows < 4 * ROW_BLOCK * threads) threads = 1;  // each thread needs a few blocks
  analogy_job_t jobs[MAX_THREADS];
  size_t per = ((rows + threads - 1) / threads + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
  size_t work = (dims + U + 1) * ROW_BLOCK + nq;
  int failed = 0;
  for (uint32_t t = 0; t < threads; t++) {
    size_t b = t * per < rows ? t * per : rows, e = b + per < rows ? b + per : rows;
    int32_t *tr = malloc(nq * k * sizeof(int32_t));
    float *ts = malloc(nq * k * sizeof(float));
    float *wk = malloc(work * sizeof(float));
    if (!tr || !ts || !wk) failed = 1;
    jobs[t] = (analogy_job_t){matrix, scale, words, word_rows, questions, dims, U, nq, k,
                              b, e, (int)method, tr, ts, wk};
  }
  if (!failed) {
    run_parallel(run_analogy_job, jobs, sizeof jobs[0], threads);
    // Merge: threads hold increasing row ranges, so on equal scores the earlier thread wins.
    for (size_t q = 0; q < nq; q++) {
      int32_t *rows_out = out_rows + q * k;
      float *scores_out = out_scores + q * k;
      for (size_t i = 0; i < k; i++) rows_out[i] = -1;
      for (uint32_t t = 0; t < threads; t++)
        for (size_t i = 0; i < k; i++) {
          int32_t row = jobs[t].top_rows[q * k + i];
          float s = jobs[t].top_scores[q * k + i];
          if (row < 0) break;
          if (rows_out[k - 1] >= 0 && !(s > scores_out[k - 1])) break;
          topk_insert(rows_out, scores_out, k, row, s);
        }
    }
  }
  for (uint32_t t = 0; t < threads; t++) {
    free(jobs[t].top_rows);
    free(jobs[t].top_scores);
    free(jobs[t].work);
  }
  if (failed) napi_throw_error(env, "E_IO", "analogyTopK: out of memory");
  return NULL;
}

// ---- nearest: the k best rows for a few query vectors, scores and selection in one pass ----
//
// Threads take chunks of rows from a shared counter (so a thread the OS delays does not hold
// the others up) and keep their own top k per query; the lists are merged by score, then row,
// so on equal scores the lower (more frequent) row wins, as in the JavaScript topK. Excluded
// rows (the query words) are skipped; NaN scores never enter.

typedef struct {
  const float *matrix, *scale, *queries;
  const int32_t *exclude;
  size_t dims, nq, k, nexclude, rows;
  size_t *next_chunk;  // shared by all threads
  int32_t *top_rows;   // nq * k, -1 where empty
  float *top_scores;   // nq * k
} nearest_job_t;

#define NEAREST_CHUNK 8192

static void *run_nearest_job(void *arg) {
  nearest_job_t *job = (nearest_job_t *)arg;
  const size_t dims = job->dims, k = job->k;
  for (size_t i = 0; i < job->nq * k; i++) job->top_rows[i] = -1;
  for (;;) {
    size_t b = __atomic_fetch_add(job->next_chunk, NEAREST_CHUNK, __ATOMIC_RELAXED);
    if (b >= job->rows) break;
    size_t e = b + NEAREST_CHUNK < job->rows ? b + NEAREST_CHUNK : job->rows;
    for (size_t q = 0; q < job->nq; q++) {
      const float *qv = job->queries + q * dims;
      int32_t *rows = job->top_rows + q * k;
      float *scores = job->top_scores + q * k;
      for (size_t i = b; i < e; i++) {
        float s = dot(job->matrix + i * dims, qv, dims) * job->scale[i];
        if (rows[k - 1] >= 0 && !(s > scores[k - 1])) continue;
        if (s != s) continue;
        int skip = 0;
        for (size_t x = 0; x < job->nexclude; x++) skip |= job->exclude[x] == (int32_t)i;
        if (!skip) topk_insert(rows, scores, k, (int32_t)i, s);
      }
    }
  }
  return NULL;
}

typedef struct {
  int32_t row;
  float score;
} scored_t;

static int by_score_then_row(const void *a, const void *b) {
  const scored_t *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

// nearest(matrix, dims, rows, scale, queries, k, exclude, outRows, outScores, threads):
// for each of the nq = queries.length / dims queries, the k rows of highest
// <row, query> * scale[row] among the first `rows`, best first, in outRows/outScores (nq * k;
// -1 and 0 where fewer than k rows qualify).
static napi_value nearest(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  float *matrix, *scale, *queries, *out_scores;
  int32_t *exclude, *out_rows;
  size_t mlen, slen, qlen, xlen, orlen, oslen;
  uint32_t dims, rows, k, threads;
  if (!get_f32(env, argv[0], &matrix, &mlen)) return NULL;
  napi_get_value_uint32(env, argv[1], &dims);
  napi_get_value_uint32(env, argv[2], &rows);
  if (!get_f32(env, argv[3], &scale, &slen)) return NULL;
  if (!get_f32(env, argv[4], &queries, &qlen)) return NULL;
  napi_get_value_uint32(env, argv[5], &k);
  if (!get_i32(env, argv[6], &exclude, &xlen)) return NULL;
  if (!get_i32(env, argv[7], &out_rows, &orlen)) return NULL;
  if (!get_f32(env, argv[8], &out_scores, &oslen)) return NULL;
  napi_get_value_uint32(env, argv[9], &threads);
  size_t nq = dims ? qlen / dims : 0;
  if (dims == 0 || k == 0 || qlen % dims != 0 || (size_t)rows * dims > mlen || slen < rows ||
      orlen < nq * k || oslen < nq * k) {
    napi_throw_range_error(env, NULL, "nearest: array sizes do not agree");
    return NULL;
  }
  threads = clamp_threads(threads, (size_t)rows * nq >= 65536);
  nearest_job_t jobs[MAX_THREADS];
  size_t next_chunk = 0;
  int failed = 0;
  scored_t *merged = malloc(threads * k * sizeof(scored_t));
  if (!merged) failed = 1;
  for (uint32_t t = 0; t < threads; t++) {
    jobs[t] = (nearest_job_t){matrix, scale, queries, exclude, dims, nq, k, xlen, rows, &next_chunk, NULL, NULL};
    jobs[t].top_rows = malloc(nq * k * sizeof(int32_t));
    jobs[t].top_scores = malloc(nq * k * sizeof(float));
    if (!jobs[t].top_rows || !jobs[t].top_scores) failed = 1;
  }
  if (!failed) {
    run_parallel(run_nearest_job, jobs, sizeof jobs[0], threads);
    for (size_t q = 0; q < nq; q++) {
      size_t n = 0;
      for (uint32_t t = 0; t < threads; t++)
        for (size_t i = 0; i < k && jobs[t].top_rows[q * k + i] >= 0; i++)
          merged[n++] = (scored_t){jobs[t].top_rows[q * k + i], jobs[t].top_scores[q * k + i]};
      qsort(merged, n, sizeof(scored_t), by_score_then_row);
      for (size_t i = 0; i < k; i++) {
        out_rows[q * k + i] = i < n ? merged[i].row : -1;
        out_scores[q * k + i] = i < n ? merged[i].score : 0;
      }
    }
  }
  for (uint32_t t = 0; t < threads; t++) {
    free(jobs[t].top_rows);
    free(jobs[t].top_scores);
  }
  free(merged);
  if (failed) napi_throw_error(env, "E_IO", "nearest: out of memory");
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"map", NULL, map_file, NULL, NULL, NULL, napi_default, NULL},
      {"products", NULL, products, NULL, NULL, NULL, napi_default, NULL},
      {"analogyTopK", NULL, analogy_topk, NULL, NULL, NULL, napi_default, NULL},
      {"nearest", NULL, nearest, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 4, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
