// Many analogy questions answered in one pass over the matrix (emb eval). All arithmetic is
// float32 in a fixed order without fused multiply-add, so src/embeddings/analogy-kernel.ts
// reproduces every score bit for bit.
#include "common.h"

#include <math.h>
#include <stdlib.h>

// The candidate rows are cut into blocks of ROW_BLOCK rows. For each block we compute the
// cosine of every row with every distinct question word once (S = words x block, the block
// transposed so the inner loop runs across rows and each sum is accumulated over dims in
// plain order), then score every question from three rows of S and keep a streaming top-k.

#define ROW_BLOCK 64

typedef struct {
  const float *matrix, *scale, *words;
  const int32_t *word_rows, *questions;
  size_t dims, nwords, nq, k, row_begin, row_end;
  int method;          // 0: 3CosAdd, 1: 3CosMul
  int32_t *top_rows;   // nq * k, -1 where empty
  float *top_scores;   // nq * k
  float *work;         // (dims + nwords + 1) * ROW_BLOCK + nq floats
  int faulted;
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

HOT static void analogy_rows(analogy_job_t *job) {
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
}

static void *run_analogy_job(void *arg) {
  analogy_job_t *job = arg;
  GUARDED(job->faulted, analogy_rows(job));
  return NULL;
}

// analogyTopK(matrix, dims, rows, scale, words, wordRows, questions, method, k, outRows,
// outScores, threads): for each question (a, b, c) given as three indices into `words` (unit
// vectors; wordRows[i] is word i's row, or -1, and those rows are never answers), the k best
// of the first `rows` rows by 3CosAdd (cos b + cos c - cos a) or 3CosMul.
napi_value analogy_topk(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  float *matrix, *scale, *words, *out_scores;
  int32_t *word_rows, *questions, *out_rows;
  size_t mlen, slen, wlen, wrlen, qlen, orlen, oslen;
  uint32_t dims, rows, method, k, threads;
  if (!arg_f32(env, argv[0], "matrix", &matrix, &mlen) || !arg_u32(env, argv[1], "dims", &dims) ||
      !arg_u32(env, argv[2], "rows", &rows) || !arg_f32(env, argv[3], "scale", &scale, &slen) ||
      !arg_f32(env, argv[4], "words", &words, &wlen) ||
      !arg_i32(env, argv[5], "wordRows", &word_rows, &wrlen) ||
      !arg_i32(env, argv[6], "questions", &questions, &qlen) ||
      !arg_u32(env, argv[7], "method", &method) || !arg_u32(env, argv[8], "k", &k) ||
      !arg_i32(env, argv[9], "outRows", &out_rows, &orlen) ||
      !arg_f32(env, argv[10], "outScores", &out_scores, &oslen) ||
      !arg_u32(env, argv[11], "threads", &threads))
    return NULL;
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
                              b, e, (int)method, tr, ts, wk, 0};
  }
  int faulted = 0;
  if (!failed) {
    run_parallel(run_analogy_job, jobs, sizeof jobs[0], threads);
    for (uint32_t t = 0; t < threads; t++) faulted |= jobs[t].faulted;
  }
  if (!failed && !faulted) {
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
  if (faulted) return throw_code(env, "E_BUS", "the file was truncated while it was read");
  if (failed) return throw_code(env, "E_NOMEM", "analogyTopK: out of memory");
  return NULL;
}

