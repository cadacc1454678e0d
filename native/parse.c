// Text vector lines (`word v1 ... vD`) parsed on several threads, for GloVe and word2vec text.
// Numbers are read as src/formats/numbers.ts reads them (the same bits): an integer mantissa of
// at most 15 digits scaled by an exact power of ten, one correctly rounded division or
// multiplication, else strtod (also correctly rounded); then rounded to float32. Anything
// unusual (a wrong number of fields, a value that is not a plain decimal or does not fit a
// float32, a line that starts with a space) stops the parse at that line: the TypeScript
// parser then reads that one line, to report it with its line number or to read it its way
// (GloVe 840B's words with spaces in them), and hands the rest back here.
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline int is_sep(uint8_t b) { return b == ' ' || b == '\t'; }

// Parses the field at p (up to a separator or lim); returns 0 if it is not a plain decimal.
static inline int parse_number(const uint8_t *p, const uint8_t *lim, const uint8_t **end,
                               double *out) {
  const uint8_t *s = p;
  int negative = 0;
  if (p < lim && (*p == '-' || *p == '+')) negative = *p++ == '-';
  double mantissa = 0;
  int digits = 0, scale = 0;
  const uint8_t *int_start = p;
  while (p < lim && (unsigned)(*p - '0') <= 9) mantissa = mantissa * 10 + (*p++ - '0');
  int int_digits = (int)(p - int_start), frac_digits = 0;
  if (p < lim && *p == '.') {
    const uint8_t *f = ++p;
    while (p < lim && (unsigned)(*p - '0') <= 9) mantissa = mantissa * 10 + (*p++ - '0');
    frac_digits = (int)(p - f);
    scale = -frac_digits;
  }
  digits = int_digits + frac_digits;
  if (digits == 0) return 0;
  if (p < lim && (*p == 'e' || *p == 'E')) {
    p++;
    int exp_negative = 0;
    if (p < lim && (*p == '-' || *p == '+')) exp_negative = *p++ == '-';
    const uint8_t *e = p;
    int exp = 0;
    while (p < lim && (unsigned)(*p - '0') <= 9 && exp < 1000) exp = exp * 10 + (*p++ - '0');
    if (p == e) return 0;
    scale += exp_negative ? -exp : exp;
  }
  if (p < lim && !is_sep(*p)) return 0;
  *end = p;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    double v = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
    *out = negative ? -v : v;
    return 1;
  }
  char tmp[64];
  size_t n = (size_t)(p - s);
  if (n >= sizeof tmp) return 0;
  memcpy(tmp, s, n);
  tmp[n] = 0;
  *out = strtod(tmp, NULL);
  return 1;
}

typedef struct {
  const uint8_t *buf;
  size_t start, end, dims;
  float *values;       // this part's region
  int32_t *words;      // 2 per row: word start, end (offsets into buf)
  size_t max_rows;
  size_t rows, lines, stop;  // results
} parse_job_t;

HOT static void parse_part(parse_job_t *job) {
  const uint8_t *buf = job->buf;
  const size_t dims = job->dims;
  size_t pos = job->start;
  job->rows = job->lines = 0;
  while (pos < job->end) {
    const uint8_t *nl = memchr(buf + pos, '\n', job->end - pos);
    size_t line_end = nl ? (size_t)(nl - buf) : job->end;
    size_t next = nl ? line_end + 1 : job->end;
    size_t e = line_end;
    while (e > pos && (buf[e - 1] == '\r' || is_sep(buf[e - 1]))) e--;
    if (e == pos) {  // blank line
      job->lines++;
      pos = next;
      continue;
    }
    if (is_sep(buf[pos]) || job->rows == job->max_rows) break;
    const uint8_t *p = buf + pos, *lim = buf + e;
    while (p < lim && !is_sep(*p)) p++;
    size_t word_end = (size_t)(p - buf);
    float *row = job->values + job->rows * dims;
    size_t count = 0;
    int bad = 0;
    while (p < lim) {
      while (p < lim && is_sep(*p)) p++;
      if (p >= lim) break;
      double v;
      if (count == dims || !parse_number(p, lim, &p, &v)) {
        bad = 1;
        break;
      }
      float f = (float)v;
      if (!isfinite(f)) {
        bad = 1;
        break;
      }
      row[count++] = f;
    }
    if (bad || count != dims) break;
    job->words[2 * job->rows] = (int32_t)pos;
    job->words[2 * job->rows + 1] = (int32_t)word_end;
    job->rows++;
    job->lines++;
    pos = next;
  }
  job->stop = pos;
}

static void *run_parse_job(void *arg) {
  parse_part(arg);
  return NULL;
}

// parseText(buf, start, end, dims, values, words, threads, result): parses the lines of
// buf[start..end) (end at a line end) into values (rows x dims) and words (rows x 2 offsets).
// result (Float64Array) gets [rows, stop, lines]: rows parsed, the offset where parsing
// stopped (end, or the start of the line it could not read), and the lines before that.
napi_value parse_text(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, 8, argv)) return NULL;
  uint8_t *buf;
  float *values;
  int32_t *words;
  double *result;
  size_t blen, vlen, wlen, rlen;
  uint32_t start, end, dims, threads;
  if (!arg_typed(env, argv[0], napi_uint8_array, "buf", (void **)&buf, &blen) ||
      !arg_u32(env, argv[1], "start", &start) || !arg_u32(env, argv[2], "end", &end) ||
      !arg_u32(env, argv[3], "dims", &dims) || !arg_f32(env, argv[4], "values", &values, &vlen) ||
      !arg_i32(env, argv[5], "words", &words, &wlen) ||
      !arg_u32(env, argv[6], "threads", &threads) ||
      !arg_typed(env, argv[7], napi_float64_array, "result", (void **)&result, &rlen))
    return NULL;
  if (dims == 0 || start > end || end > blen || rlen < 3 || blen > INT32_MAX) {
    napi_throw_range_error(env, NULL, "parseText: bad arguments");
    return NULL;
  }
  threads = clamp_threads(threads, end - start >= (1 << 20));
  // Capacity: each part gets as many rows as its bytes could hold (a row takes at least
  // 2 * dims + 2 bytes), in its own region of values and words.
  parse_job_t jobs[MAX_THREADS];
  size_t bounds[MAX_THREADS + 1];
  bounds[0] = start;
  for (uint32_t t = 1; t < threads; t++) {
    size_t at = start + (size_t)(end - start) * t / threads;
    if (at < bounds[t - 1]) at = bounds[t - 1];
    const uint8_t *nl = memchr(buf + at, '\n', end - at);
    bounds[t] = nl ? (size_t)(nl - buf) + 1 : end;
  }
  bounds[threads] = end;
  size_t capacity = wlen / 2 < vlen / dims ? wlen / 2 : vlen / dims, used = 0;
  for (uint32_t t = 0; t < threads; t++) {
    size_t want = (bounds[t + 1] - bounds[t]) / (2 * dims + 2) + 1;
    if (used + want > capacity) want = capacity > used ? capacity - used : 0;
    jobs[t] = (parse_job_t){buf, bounds[t], bounds[t + 1], dims, values + used * dims,
                            words + 2 * used, want, 0, 0, 0};
    used += want;
  }
  run_parallel(run_parse_job, jobs, sizeof jobs[0], threads);
  // Gather the parts in order, up to the first that stopped early.
  size_t rows = 0, lines = 0, stop = end;
  for (uint32_t t = 0; t < threads; t++) {
    if (jobs[t].values != values + rows * dims) {
      memmove(values + rows * dims, jobs[t].values, jobs[t].rows * dims * sizeof(float));
      memmove(words + 2 * rows, jobs[t].words, jobs[t].rows * 2 * sizeof(int32_t));
    }
    rows += jobs[t].rows;
    lines += jobs[t].lines;
    if (jobs[t].stop < jobs[t].end) {
      stop = jobs[t].stop;
      break;
    }
  }
  result[0] = (double)rows;
  result[1] = (double)stop;
  result[2] = (double)lines;
  return NULL;
}
