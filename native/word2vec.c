// Word vectors trained on a stream of word ids (emb pretrain): skip-gram or CBOW with negative
// sampling, as word2vec.c trains them, with fastText's subword rows when asked. Threads share
// the matrices without locks (Hogwild, as word2vec and fastText do). Every float is float32,
// every step in a fixed order without fused multiply-add, and the random numbers come from
// one generator (mulberry32) per thread, so src/pretrain/kernel.ts gives the same bits with one
// thread. The tables (sigmoid, losses, negatives, subsampling) are built in JavaScript.
#include "common.h"

#include <stdlib.h>
#include <string.h>

#define MAX_EXP 6
// word2vec.c's index scale, EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic.
#define EXP_SCALE 83
// Words between two updates of the learning rate, as in word2vec.c.
#define ALPHA_EVERY 10000
#define MAX_SENTENCE 10000
#define KEEP_ALL 0xffffffffu

typedef struct {
  float *syn0, *syn1;
  const int32_t *ids;
  size_t begin, end;
  const uint32_t *keep;
  const uint32_t *cum;  // the unigram^0.75 distribution, cumulative, ending at 2^31
  uint32_t vocab;
  const float *sig, *loss_pos, *loss_neg;
  const int32_t *sub_off, *sub_rows;  // NULL without subwords
  uint32_t dims, window, negative, cbow, frozen;
  double alpha0, total;
  int64_t *done;  // words read so far, shared by the threads
  uint32_t *rng;
  double loss, pairs;
  float *hidden, *grad;
  int32_t *sentence, *inputs;
  size_t max_inputs;
} w2v_job_t;

static inline uint32_t next_u32(uint32_t *s) {
  uint32_t t = (*s += 0x6d2b79f5u);
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

static inline float alpha_at(const w2v_job_t *job, int64_t done) {
  double f = 1.0 - (double)done / (job->total + 1.0);
  return (float)(job->alpha0 * (f > 1e-4 ? f : 1e-4));
}

// The dot product in 16 lanes (element c goes to lane c % 16, in order), then the lanes summed
// pairwise: a fixed order the compiler can vectorise and JavaScript can repeat.
#define LANES 16
static inline float dot(const float *restrict a, const float *restrict b, size_t d) {
  float acc[LANES] = {0};
  size_t c = 0;
  for (; c + LANES <= d; c += LANES)
    for (size_t l = 0; l < LANES; l++) acc[l] = acc[l] + a[c + l] * b[c + l];
  for (size_t l = 0; c + l < d; l++) acc[l] = acc[l] + a[c + l] * b[c + l];
  for (size_t w = LANES / 2; w >= 1; w /= 2)
    for (size_t l = 0; l < w; l++) acc[l] = acc[l] + acc[l + w];
  return acc[0];
}

// The first word whose cumulative share exceeds r (gensim's bisect on its cum_table): a
// vocabulary-sized table that stays in cache, where word2vec.c's 1e8 entries take 400 MB.
static inline int32_t draw(const uint32_t *cum, uint32_t n, uint32_t r) {
  uint32_t lo = 0, hi = n - 1;
  while (lo < hi) {
    uint32_t mid = (lo + hi) >> 1;
    if (cum[mid] > r)
      hi = mid;
    else
      lo = mid + 1;
  }
  return (int32_t)lo;
}

// One training example: the mean of the input rows predicts `target` against `negative`
// sampled words; the hidden layer's gradient is added to every input row (not a frozen one).
HOT static void pair(w2v_job_t *job, const int32_t *inputs, size_t n, int32_t target, float alpha) {
  const size_t d = job->dims;
  float *restrict h = job->hidden, *restrict grad = job->grad;
  const float *first = job->syn0 + (size_t)inputs[0] * d;
  for (size_t c = 0; c < d; c++) h[c] = first[c];
  if (n > 1) {
    for (size_t i = 1; i < n; i++) {
      const float *row = job->syn0 + (size_t)inputs[i] * d;
      for (size_t c = 0; c < d; c++) h[c] = h[c] + row[c];
    }
    const float inv = 1.0f / (float)n;
    for (size_t c = 0; c < d; c++) h[c] = h[c] * inv;
  }
  for (size_t c = 0; c < d; c++) grad[c] = 0.0f;
  for (uint32_t k = 0; k <= job->negative; k++) {
    int32_t t;
    float label;
    if (k == 0) {
      t = target;
      label = 1.0f;
    } else {
      t = draw(job->cum, job->vocab, next_u32(job->rng) >> 1);
      if (t == target) continue;
      label = 0.0f;
    }
    float *restrict out = job->syn1 + (size_t)t * d;
    const float f = dot(h, out, d);
    float g;
    if (f > MAX_EXP) {
      g = (label - 1.0f) * alpha;
      if (k > 0) job->loss += f;
    } else if (f < -MAX_EXP) {
      g = label * alpha;
      if (k == 0) job->loss -= f;
    } else {
      int i = (int)((f + (float)MAX_EXP) * (float)EXP_SCALE);
      g = (label - job->sig[i]) * alpha;
      job->loss += k == 0 ? job->loss_pos[i] : job->loss_neg[i];
    }
    for (size_t c = 0; c < d; c++) {
      grad[c] = grad[c] + g * out[c];
      out[c] = out[c] + g * h[c];
    }
  }
  for (size_t i = 0; i < n; i++) {
    if ((uint32_t)inputs[i] < job->frozen) continue;
    float *restrict row = job->syn0 + (size_t)inputs[i] * d;
    for (size_t c = 0; c < d; c++) row[c] = row[c] + grad[c];
  }
  job->pairs += 1.0;
}

// The input rows of word w: itself, then its n-gram buckets (fastText's subwords).
static inline size_t rows_of(const w2v_job_t *job, int32_t w, int32_t *to) {
  if (!job->sub_off) {
    to[0] = w;
    return 1;
  }
  size_t n = (size_t)(job->sub_off[w + 1] - job->sub_off[w]);
  memcpy(to, job->sub_rows + job->sub_off[w], n * sizeof *to);
  return n;
}

static void train_sentence(w2v_job_t *job, size_t len, float alpha) {
  const int32_t *s = job->sentence;
  const int64_t window = job->window;
  for (size_t i = 0; i < len; i++) {
    const int64_t b = next_u32(job->rng) % job->window;
    const int64_t lo = (int64_t)i - window + b, hi = (int64_t)i + window - b;
    if (job->cbow) {
      size_t n = 0;
      for (int64_t c = lo; c <= hi; c++)
        if (c >= 0 && c < (int64_t)len && c != (int64_t)i) n += rows_of(job, s[c], job->inputs + n);
      if (n > 0) pair(job, job->inputs, n, s[i], alpha);
    } else {
      if (!job->sub_off) {
        // word2vec.c's orientation: each context word's row predicts the centre word; with
        // subwords fastText's: the centre word's rows predict each context word.
        for (int64_t c = lo; c <= hi; c++)
          if (c >= 0 && c < (int64_t)len && c != (int64_t)i) {
            job->inputs[0] = s[c];
            pair(job, job->inputs, 1, s[i], alpha);
          }
        continue;
      }
      size_t n = rows_of(job, s[i], job->inputs);
      for (int64_t c = lo; c <= hi; c++)
        if (c >= 0 && c < (int64_t)len && c != (int64_t)i) pair(job, job->inputs, n, s[c], alpha);
    }
  }
}

static void *run_w2v_job(void *arg) {
  w2v_job_t *job = arg;
  size_t pos = job->begin, len = 0;
  int64_t local = 0;
  float alpha = alpha_at(job, __atomic_load_n(job->done, __ATOMIC_RELAXED));
  while (pos < job->end) {
    len = 0;
    while (pos < job->end) {
      int32_t w = job->ids[pos++];
      if (w < 0) break;
      local++;
      if (job->keep[w] != KEEP_ALL && next_u32(job->rng) >= job->keep[w]) continue;
      job->sentence[len++] = w;
      if (len == MAX_SENTENCE) break;
    }
    if (local >= ALPHA_EVERY) {
      alpha = alpha_at(job, __atomic_add_fetch(job->done, local, __ATOMIC_RELAXED));
      local = 0;
    }
    train_sentence(job, len, alpha);
  }
  __atomic_add_fetch(job->done, local, __ATOMIC_RELAXED);
  return NULL;
}

// w2vTrain(syn0, syn1, ids, keep, cum, tables, subOff, subRows, config, rng, result):
// trains on the word ids (-1 ends a sentence). tables holds the sigmoid, the loss of a positive
// and of a negative example on word2vec.c's 1000-point grid; subOff and subRows are empty
// without subwords. config = [dims, window, negative, cbow, frozen rows, alpha0, words done,
// words in all epochs, threads, max inputs of an example]; rng holds one state per thread and
// is advanced; result receives [loss, examples] and config[6] the words done.
napi_value w2v_train(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!get_args(env, info, 11, argv)) return NULL;
  float *syn0, *syn1, *tables;
  int32_t *ids, *sub_off, *sub_rows;
  uint32_t *keep, *cum, *rng;
  double *config, *result;
  size_t l0, l1, lids, lkeep, ltable, ltables, loff, lrows, lconfig, lrng, lresult;
  if (!arg_f32(env, argv[0], "syn0", &syn0, &l0) || !arg_f32(env, argv[1], "syn1", &syn1, &l1) ||
      !arg_i32(env, argv[2], "ids", &ids, &lids) ||
      !arg_typed(env, argv[3], napi_uint32_array, "keep", (void **)&keep, &lkeep) ||
      !arg_typed(env, argv[4], napi_uint32_array, "cum", (void **)&cum, &ltable) ||
      !arg_f32(env, argv[5], "tables", &tables, &ltables) ||
      !arg_i32(env, argv[6], "subOff", &sub_off, &loff) ||
      !arg_i32(env, argv[7], "subRows", &sub_rows, &lrows) ||
      !arg_typed(env, argv[8], napi_float64_array, "config", (void **)&config, &lconfig) ||
      !arg_typed(env, argv[9], napi_uint32_array, "rng", (void **)&rng, &lrng) ||
      !arg_typed(env, argv[10], napi_float64_array, "result", (void **)&result, &lresult))
    return NULL;
  const size_t vocab = lkeep;
  int ok = lconfig == 10 && lresult == 2 && ltables == 3000 && ltable == vocab && vocab > 0 &&
           cum[vocab - 1] == 0x80000000u;
  const uint32_t dims = ok ? (uint32_t)config[0] : 0, window = ok ? (uint32_t)config[1] : 0,
                 threads = ok ? (uint32_t)config[8] : 0;
  const size_t max_inputs = ok ? (size_t)config[9] : 0;
  ok = ok && dims > 0 && window > 0 && threads >= 1 && threads <= MAX_THREADS && lrng >= threads &&
       l1 == vocab * dims && l0 % dims == 0 && max_inputs >= 2 * (size_t)window;
  const size_t input_rows = ok ? l0 / dims : 0;
  int subwords = loff > 0;
  ok = ok && (subwords ? loff == vocab + 1 && (size_t)sub_off[vocab] == lrows : input_rows == vocab);
  for (size_t i = 0; ok && i < lids; i++) ok = ids[i] < (int32_t)vocab;
  for (size_t i = 1; ok && i < vocab; i++) ok = cum[i - 1] <= cum[i];
  for (size_t i = 0; ok && subwords && i < vocab; i++) {
    ok = sub_off[i] < sub_off[i + 1] && sub_off[i] >= 0 && sub_rows[sub_off[i]] == (int32_t)i &&
         (size_t)(sub_off[i + 1] - sub_off[i]) * 2 * window <= max_inputs;
  }
  for (size_t i = 0; ok && subwords && i < lrows; i++)
    ok = sub_rows[i] >= 0 && (size_t)sub_rows[i] < input_rows;
  if (!ok) {
    napi_throw_range_error(env, NULL, "w2vTrain: array sizes do not agree");
    return NULL;
  }
  int64_t done = (int64_t)config[6];
  w2v_job_t jobs[MAX_THREADS];
  int failed = 0;
  size_t at = 0;
  for (uint32_t t = 0; t < threads; t++) {
    // Contiguous parts, each ending just after a sentence break.
    size_t end = t + 1 == threads ? lids : (lids * (t + 1)) / threads;
    if (end < at) end = at;
    while (end < lids && end > 0 && ids[end - 1] >= 0) end++;
    jobs[t] = (w2v_job_t){syn0, syn1, ids, at, end, keep, cum, (uint32_t)vocab, tables,
                          tables + 1000, tables + 2000, subwords ? sub_off : NULL,
                          subwords ? sub_rows : NULL, dims, window, (uint32_t)config[2],
                          (uint32_t)config[3], (uint32_t)config[4], config[5], config[7], &done,
                          rng + t, 0.0, 0.0, NULL, NULL, NULL, NULL, max_inputs};
    jobs[t].hidden = malloc(2 * dims * sizeof(float));
    jobs[t].grad = jobs[t].hidden ? jobs[t].hidden + dims : NULL;
    jobs[t].sentence = malloc(MAX_SENTENCE * sizeof(int32_t));
    jobs[t].inputs = malloc(max_inputs * sizeof(int32_t));
    if (!jobs[t].hidden || !jobs[t].sentence || !jobs[t].inputs) failed = 1;
    at = end;
  }
  if (!failed) run_parallel(run_w2v_job, jobs, sizeof jobs[0], threads);
  double loss = 0, pairs = 0;
  for (uint32_t t = 0; t < threads; t++) {
    loss += jobs[t].loss;
    pairs += jobs[t].pairs;
    free(jobs[t].hidden);
    free(jobs[t].sentence);
    free(jobs[t].inputs);
  }
  if (failed) return throw_code(env, "E_NOMEM", "w2vTrain: out of memory");
  result[0] = loss;
  result[1] = pairs;
  config[6] = (double)done;
  return NULL;
}
