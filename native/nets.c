// The arithmetic of the fine-tuned networks (src/models/nets/): Kim's convolution over padded
// word sequences with max over time, dense layers, and Adam, dense or on a few rows of a table.
// src/models/nets/kernels.ts is the JavaScript fallback: every value here is computed in the
// same order with the same float32 operations (dot products as common.h's dot8, sums in a
// fixed order, no fused multiply-add), so both give the same bits, with any number of threads:
// threads share examples for what each example owns, and output rows for what examples share.
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

// What max over time found for one (example, filter): a window start, or one of these.
#define NONE (-(1 << 30))  // the maximum was <= 0: relu passes no gradient
#define PADDED (NONE + 1)  // a window of padding alone won: only the bias has a gradient

typedef float v4f __attribute__((vector_size(16)));

// The lane sums of four accumulators, each as lanes_sum adds them: the halves added (l0+l4,
// l1+l5, l2+l6, l3+l7), then (h0+h2) + (h1+h3), four accumulators at once.
static inline v4f lanes_sum4(v8f a, v8f b, v8f c, v8f d) {
#define HALVES(v) (__builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7))
  const v4f ha = HALVES(a), hb = HALVES(b), hc = HALVES(c), hd = HALVES(d);
#undef HALVES
  const v4f u0 = __builtin_shufflevector(ha, hb, 0, 4, 1, 5), u1 = __builtin_shufflevector(ha, hb, 2, 6, 3, 7);
  const v4f u2 = __builtin_shufflevector(hc, hd, 0, 4, 1, 5), u3 = __builtin_shufflevector(hc, hd, 2, 6, 3, 7);
  const v4f t0 = __builtin_shufflevector(u0, u2, 0, 1, 4, 5), t1 = __builtin_shufflevector(u0, u2, 2, 3, 6, 7);
  const v4f t2 = __builtin_shufflevector(u1, u3, 0, 1, 4, 5), t3 = __builtin_shufflevector(u1, u3, 2, 3, 6, 7);
  return (t0 + t2) + (t1 + t3);
}

// Rows copied with zeros after each row's values up to a multiple of 8: added to the lanes
// they fall in, the zeros change no sum (a lane starts at +0 and never becomes -0), so dot8 of
// padded rows is dot8 of the rows, and the kernels below need no tail.
static size_t padded(size_t dims) { return (dims + 7) & ~(size_t)7; }

static float *pad_rows(const float *src, size_t rows, size_t dims) {
  const size_t dp = padded(dims);
  float *out = calloc(rows ? rows * dp : 1, sizeof *out);
  if (out)
    for (size_t r = 0; r < rows; r++) memcpy(out + r * dp, src + r * dims, dims * sizeof *out);
  return out;
}

// Four rows of x against four rows of w (each `dims` long, a multiple of 8; w's rows
// consecutive): out[i * si + j * sj] = dot8(x[i], w + j * dims), the same bits dot8 gives.
HOT static void dot_4x4(const float *const x[4], const float *w, size_t dims, float *out,
                        size_t si, size_t sj) {
  v8f acc[4][4] = {{{0}}};
  for (size_t c = 0; c < dims; c += 8) {
    v8f wv[4], xv[4];
    for (int j = 0; j < 4; j++) wv[j] = *(const v8f_u *)(w + j * dims + c);
    for (int i = 0; i < 4; i++) xv[i] = *(const v8f_u *)(x[i] + c);
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) acc[i][j] += xv[i] * wv[j];
  }
  for (int i = 0; i < 4; i++) {
    float sums[4];
    const v4f v = lanes_sum4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
    memcpy(sums, &v, sizeof sums);
    for (int j = 0; j < 4; j++) out[i * si + j * sj] = sums[j];
  }
}

// out[i * si + q * sq] = dot8(x[i], w + q * dims) for i < n, q < nw (dims a multiple of 8).
// The rows are taken four at a time, the last block filled up with its first row (those
// products are dropped): a single dot8 is one chain of dependent additions, several times
// slower per product.
HOT static void row_products(const float *const *x, size_t n, const float *w, size_t nw,
                             size_t dims, float *out, size_t si, size_t sq) {
  size_t q = 0;
  for (; q + 4 <= nw; q += 4) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) dot_4x4(x + i, w + q * dims, dims, out + i * si + q * sq, si, sq);
    if (i < n) {
      const float *pad[4] = {x[i], x[i], x[i], x[i]};
      for (size_t k = i; k < n; k++) pad[k - i] = x[k];
      float part[16];
      dot_4x4(pad, w + q * dims, dims, part, 4, 1);
      for (size_t k = i; k < n; k++)
        for (size_t j = 0; j < 4; j++) out[k * si + (q + j) * sq] = part[(k - i) * 4 + j];
    }
  }
  for (; q < nw; q++)
    for (size_t i = 0; i < n; i++) out[i * si + q * sq] = dot8(x[i], w + q * dims, dims);
}

// y += g * x, element by element (the order of every sum is the order of the calls).
HOT static void axpy(float *y, float g, const float *x, size_t dims) {
  for (size_t j = 0; j < dims; j++) y[j] += g * x[j];
}

// ---- argument checks shared by the entry points ----

typedef struct {
  float *table;
  size_t table_len, dims;
  int32_t *ids, *offsets;
  size_t nids, batch;
} seqs_t;

// A batch of sequences: row ids into a table (rows of `dims`), offsets[b] .. offsets[b+1]
// the ids of example b. Every id is checked, so no kernel reads outside the table.
static int arg_seqs(napi_env env, napi_value *argv, seqs_t *s) {
  uint32_t dims;
  size_t noff;
  if (!arg_f32(env, argv[0], "table", &s->table, &s->table_len) ||
      !arg_u32(env, argv[1], "dims", &dims) || !arg_i32(env, argv[2], "ids", &s->ids, &s->nids) ||
      !arg_i32(env, argv[3], "offsets", &s->offsets, &noff))
    return 0;
  s->dims = dims;
  if (dims == 0 || noff < 1 || s->offsets[0] != 0 || (size_t)s->offsets[noff - 1] > s->nids) {
    napi_throw_range_error(env, NULL, "sequences: bad dims or offsets");
    return 0;
  }
  for (size_t b = 1; b < noff; b++)
    if (s->offsets[b] < s->offsets[b - 1]) {
      napi_throw_range_error(env, NULL, "sequences: offsets must not decrease");
      return 0;
    }
  const size_t rows = s->table_len / dims;
  for (size_t i = 0; i < s->nids; i++)
    if (s->ids[i] < 0 || (size_t)s->ids[i] >= rows) {
      napi_throw_range_error(env, NULL, "sequences: an id outside the table");
      return 0;
    }
  s->batch = noff - 1;
  return 1;
}

typedef struct {
  int32_t *widths;
  size_t groups, maps, rows, wmax;  // rows: maps * sum(widths) weight rows
} filters_t;

static int arg_filters(napi_env env, napi_value vw, napi_value vmaps, filters_t *f) {
  uint32_t maps;
  if (!arg_i32(env, vw, "widths", &f->widths, &f->groups) ||
      !arg_u32(env, vmaps, "maps", &maps))
    return 0;
  f->maps = maps;
  f->rows = 0;
  f->wmax = 0;
  for (size_t g = 0; g < f->groups; g++) {
    if (f->widths[g] < 1 || f->widths[g] > 64) {
      napi_throw_range_error(env, NULL, "conv: filter widths must be 1 to 64");
      return 0;
    }
    f->rows += maps * (size_t)f->widths[g];
    if ((size_t)f->widths[g] > f->wmax) f->wmax = (size_t)f->widths[g];
  }
  if (f->groups == 0 || maps == 0) {
    napi_throw_range_error(env, NULL, "conv: no filters");
    return 0;
  }
  return 1;
}

static int too_short(napi_env env, size_t have, size_t want, const char *name) {
  if (have >= want) return 0;
  char msg[96];
  snprintf(msg, sizeof msg, "%s: expected at least %zu values, got %zu", name, want, have);
  napi_throw_range_error(env, NULL, msg);
  return 1;
}

// ---- the convolution: forward ----
//
// Example b's sequence is its n rows with wmax - 1 zero rows before and wmax - 1 + max(0,
// maxLen - n) after (every text padded to the longest training text, as Kim's). A filter of
// width w over the window starting at token s (s from -(w - 1) to n - 1 touches a token) is
//   z = (sum over the window's token rows r, in order, of dot8(row, filter row r)) + bias,
// so padding rows, whose products are zeros, are skipped without changing a bit; windows of
// padding alone give the bias. relu then max over time: the first maximum in sequence order.

typedef struct {
  const seqs_t *s;
  const filters_t *f;
  const float *w, *bias;  // w: the weight rows padded (pad_rows)
  size_t max_len;
  float *pooled;
  int32_t *arg;
  size_t *next;
  int failed;
} conv_job_t;

HOT static void conv_example(const conv_job_t *job, size_t b, float *a, float *z, float *xb,
                             const float **x) {
  const seqs_t *s = job->s;
  const filters_t *f = job->f;
  const size_t start = (size_t)s->offsets[b], n = (size_t)s->offsets[b + 1] - start;
  const size_t dims = s->dims, dp = padded(dims), GM = f->groups * f->maps;
  for (size_t i = 0; i < n; i++) {
    memcpy(xb + i * dp, s->table + (size_t)s->ids[start + i] * dims, dims * sizeof *xb);
    x[i] = xb + i * dp;
  }
  // a[q * n + i]: token i against weight row q, so that each filter row's are contiguous.
  row_products(x, n, job->w, f->rows, dp, a, 1, n);
  size_t q0 = 0;
  for (size_t g = 0; g < f->groups; g++) {
    const size_t w = (size_t)f->widths[g];
    const int left = w < f->wmax, right = w < f->wmax || n < job->max_len;
    for (size_t m = 0; m < f->maps; m++, q0 += w) {
      // z[u]: the window starting at token u - (w - 1), its rows' products added in order.
      memset(z, 0, (n + w - 1) * sizeof *z);
      for (size_t r = 0; r < w; r++) {
        float *zr = z + (w - 1 - r);
        const float *ar = a + (q0 + r) * n;
        for (size_t i = 0; i < n; i++) zr[i] += ar[i];
      }
      const size_t gf = g * f->maps + m;
      const float bias = job->bias[gf];
      float best = -__builtin_inff();
      int32_t at = NONE;
      if (left) best = bias, at = PADDED;
      for (size_t u = 0; u + 1 < n + w; u++) {
        const float v = z[u] + bias;
        if (v > best) best = v, at = (int32_t)u - (int32_t)(w - 1);
      }
      if (right && bias > best) best = bias, at = PADDED;
      const size_t o = b * GM + gf;
      job->pooled[o] = best > 0 ? best : 0;
      job->arg[o] = best > 0 ? at : NONE;
    }
  }
}

static void *run_conv_forward(void *arg) {
  conv_job_t *job = arg;
  float *a = NULL, *z = NULL, *xb = NULL;
  const float **x = NULL;
  const size_t dp = padded(job->s->dims);
  size_t cap = 0;
  for (;;) {
    size_t b = __atomic_fetch_add(job->next, 1, __ATOMIC_RELAXED);
    if (b >= job->s->batch) break;
    size_t n = (size_t)job->s->offsets[b + 1] - (size_t)job->s->offsets[b];
    if (!a || n > cap) {
      free(a);
      free(z);
      free(x);
      free(xb);
      cap = n < 64 ? 64 : n;
      a = malloc(cap * job->f->rows * sizeof *a);
      z = malloc((cap + job->f->wmax) * sizeof *z);
      xb = calloc(cap * dp, sizeof *xb);  // the pads stay zero
      x = malloc(cap * sizeof *x);
      if (!a || !z || !xb || !x) {
        job->failed = 1;
        break;
      }
    }
    conv_example(job, b, a, z, xb, x);
  }
  free(a);
  free(z);
  free(xb);
  free(x);
  return NULL;
}

// convForward(table, dims, ids, offsets, weights, bias, widths, maps, maxLen, pooled, arg,
// threads): weights are maps * sum(widths) rows of dims, filter m of group g at rows
// (sum of earlier groups' maps * widths) + m * w ... + w - 1; pooled and arg get batch x
// (groups * maps): relu(max over time), and the window start it came from (or NONE, PADDED).
napi_value conv_forward(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  seqs_t s;
  filters_t f;
  float *w, *bias, *pooled;
  int32_t *arg;
  size_t wl, bl, pl, al;
  uint32_t max_len, threads;
  if (!arg_seqs(env, argv, &s) || !arg_f32(env, argv[4], "weights", &w, &wl) ||
      !arg_f32(env, argv[5], "bias", &bias, &bl) || !arg_filters(env, argv[6], argv[7], &f) ||
      !arg_u32(env, argv[8], "maxLen", &max_len) ||
      !arg_f32(env, argv[9], "pooled", &pooled, &pl) ||
      !arg_i32(env, argv[10], "arg", &arg, &al) || !arg_u32(env, argv[11], "threads", &threads))
    return NULL;
  const size_t GM = f.groups * f.maps;
  if (too_short(env, wl, f.rows * s.dims, "weights") || too_short(env, bl, GM, "bias") ||
      too_short(env, pl, s.batch * GM, "pooled") || too_short(env, al, s.batch * GM, "arg"))
    return NULL;
  float *wp = pad_rows(w, f.rows, s.dims);
  if (!wp) return throw_code(env, "E_NOMEM", "conv: out of memory");
  size_t next = 0;
  conv_job_t jobs[MAX_THREADS];
  threads = clamp_threads(threads, s.batch > 1);
  for (uint32_t t = 0; t < threads; t++)
    jobs[t] = (conv_job_t){&s, &f, wp, bias, max_len, pooled, arg, &next, 0};
  run_parallel(run_conv_forward, jobs, sizeof jobs[0], threads);
  free(wp);
  for (uint32_t t = 0; t < threads; t++)
    if (jobs[t].failed) return throw_code(env, "E_NOMEM", "conv: out of memory");
  return NULL;
}

// ---- the convolution: backward ----
//
// The gradient of pooled value (b, filter) flows to the one window max over time chose: the
// bias gets it, and (unless padding alone won) each token row r of the window gets
// g * filter row r, each filter row gets g * token row. Filters' gradients are sums over the
// batch in example order (threads share filters); tokens' are sums over the filters in order
// (threads share examples).

typedef struct {
  const seqs_t *s;
  const filters_t *f;
  const float *w, *dpooled;
  const int32_t *arg;
  float *dw, *db, *dx;
  size_t from, to;  // filters (dw, db) or examples (dx)
} conv_back_job_t;

// The first weight row of each filter group.
static size_t group_row(const filters_t *f, size_t g) {
  size_t q = 0;
  for (size_t k = 0; k < g; k++) q += f->maps * (size_t)f->widths[k];
  return q;
}

HOT static void *run_conv_filters(void *arg) {
  conv_back_job_t *job = arg;
  const seqs_t *s = job->s;
  const filters_t *f = job->f;
  const size_t dims = s->dims, GM = f->groups * f->maps;
  for (size_t gf = job->from; gf < job->to; gf++) {
    const size_t g = gf / f->maps, m = gf % f->maps, w = (size_t)f->widths[g];
    const size_t q0 = group_row(f, g) + m * w;
    memset(job->dw + q0 * dims, 0, w * dims * sizeof(float));
    float db = 0;
    for (size_t b = 0; b < s->batch; b++) {
      const int32_t at = job->arg[b * GM + gf];
      const float gv = job->dpooled[b * GM + gf];
      if (at == NONE || gv == 0) continue;
      db += gv;
      if (at == PADDED) continue;
      const long start = s->offsets[b], n = s->offsets[b + 1] - start;
      for (size_t r = 0; r < w; r++) {
        const long i = at + (long)r;
        if (i < 0 || i >= n) continue;
        axpy(job->dw + (q0 + r) * dims, gv, s->table + (size_t)s->ids[start + i] * dims, dims);
      }
    }
    job->db[gf] = db;
  }
  return NULL;
}

HOT static void *run_conv_inputs(void *arg) {
  conv_back_job_t *job = arg;
  const seqs_t *s = job->s;
  const filters_t *f = job->f;
  const size_t dims = s->dims, GM = f->groups * f->maps;
  for (size_t b = job->from; b < job->to; b++) {
    const long start = s->offsets[b], n = s->offsets[b + 1] - start;
    float *dx = job->dx + (size_t)start * dims;
    memset(dx, 0, (size_t)n * dims * sizeof(float));
    size_t q0 = 0;
    for (size_t g = 0; g < f->groups; g++) {
      const size_t w = (size_t)f->widths[g];
      for (size_t m = 0; m < f->maps; m++, q0 += w) {
        const int32_t at = job->arg[b * GM + g * f->maps + m];
        const float gv = job->dpooled[b * GM + g * f->maps + m];
        if (at == NONE || at == PADDED || gv == 0) continue;
        for (size_t r = 0; r < w; r++) {
          const long i = at + (long)r;
          if (i >= 0 && i < n) axpy(dx + (size_t)i * dims, gv, job->w + (q0 + r) * dims, dims);
        }
      }
    }
  }
  return NULL;
}

// Splits [0, n) into `threads` stretches, one per job.
#define SHARE(jobs, threads, n)                                      \
  for (uint32_t t_ = 0; t_ < (threads); t_++) {                      \
    (jobs)[t_].from = (size_t)(n) * t_ / (threads);                  \
    (jobs)[t_].to = (size_t)(n) * (t_ + 1) / (threads);              \
  }

// convBackward(table, dims, ids, offsets, weights, widths, maps, dPooled, arg, dWeights, dBias,
// dInputs, threads): dWeights and dBias are overwritten with the gradients; dInputs (one row
// per id; empty: not wanted) with each token's.
napi_value conv_backward(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!get_args(env, info, 13, argv)) return NULL;
  seqs_t s;
  filters_t f;
  float *w, *dpooled, *dw, *db, *dx;
  int32_t *arg;
  size_t wl, pl, al, dwl, dbl, dxl;
  uint32_t threads;
  if (!arg_seqs(env, argv, &s) || !arg_f32(env, argv[4], "weights", &w, &wl) ||
      !arg_filters(env, argv[5], argv[6], &f) ||
      !arg_f32(env, argv[7], "dPooled", &dpooled, &pl) ||
      !arg_i32(env, argv[8], "arg", &arg, &al) || !arg_f32(env, argv[9], "dWeights", &dw, &dwl) ||
      !arg_f32(env, argv[10], "dBias", &db, &dbl) ||
      !arg_f32(env, argv[11], "dInputs", &dx, &dxl) ||
      !arg_u32(env, argv[12], "threads", &threads))
    return NULL;
  const size_t GM = f.groups * f.maps;
  if (too_short(env, wl, f.rows * s.dims, "weights") ||
      too_short(env, pl, s.batch * GM, "dPooled") || too_short(env, al, s.batch * GM, "arg") ||
      too_short(env, dwl, f.rows * s.dims, "dWeights") || too_short(env, dbl, GM, "dBias") ||
      (dxl > 0 && too_short(env, dxl, s.nids * s.dims, "dInputs")))
    return NULL;
  conv_back_job_t jobs[MAX_THREADS];
  threads = clamp_threads(threads, 1);
  for (uint32_t t = 0; t < threads; t++)
    jobs[t] = (conv_back_job_t){&s, &f, w, dpooled, arg, dw, db, dx, 0, 0};
  SHARE(jobs, threads, GM);
  run_parallel(run_conv_filters, jobs, sizeof jobs[0], threads);
  if (dxl > 0) {
    SHARE(jobs, threads, s.batch);
    run_parallel(run_conv_inputs, jobs, sizeof jobs[0], threads);
  }
  return NULL;
}

// ---- dense layers ----

typedef struct {
  const float *x, *w, *b, *dout;  // forward: x and w padded (pad_rows)
  float *out, *dw, *db, *dx;
  size_t in, outs, rows, from, to;
  int relu;
  int failed;
} dense_job_t;

HOT static void *run_dense_forward(void *arg) {
  dense_job_t *job = arg;
  const size_t n = job->to - job->from;
  const float **x = calloc(n ? n : 1, sizeof *x);
  if (!x) {
    job->failed = 1;
    return NULL;
  }
  const size_t dp = padded(job->in);
  for (size_t i = 0; i < n; i++) x[i] = job->x + (job->from + i) * dp;
  float *out = job->out + job->from * job->outs;
  row_products(x, n, job->w, job->outs, dp, out, job->outs, 1);
  for (size_t i = 0; i < n; i++)
    for (size_t o = 0; o < job->outs; o++) {
      const float z = out[i * job->outs + o] + job->b[o];
      out[i * job->outs + o] = job->relu && !(z > 0) ? 0 : z;
    }
  free(x);
  return NULL;
}

// denseForward(x, rows, in, weights, bias, outs, relu, out, threads): out = x W' + b (W is
// outs x in), then relu when asked (z > 0 ? z : 0).
napi_value dense_forward(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  float *x, *w, *b, *out;
  size_t xl, wl, bl, ol;
  uint32_t rows, in, outs, relu, threads;
  if (!arg_f32(env, argv[0], "x", &x, &xl) || !arg_u32(env, argv[1], "rows", &rows) ||
      !arg_u32(env, argv[2], "in", &in) || !arg_f32(env, argv[3], "weights", &w, &wl) ||
      !arg_f32(env, argv[4], "bias", &b, &bl) || !arg_u32(env, argv[5], "outs", &outs) ||
      !arg_u32(env, argv[6], "relu", &relu) || !arg_f32(env, argv[7], "out", &out, &ol) ||
      !arg_u32(env, argv[8], "threads", &threads))
    return NULL;
  if (too_short(env, xl, (size_t)rows * in, "x") ||
      too_short(env, wl, (size_t)outs * in, "weights") || too_short(env, bl, outs, "bias") ||
      too_short(env, ol, (size_t)rows * outs, "out"))
    return NULL;
  float *xp = pad_rows(x, rows, in), *wp = pad_rows(w, outs, in);
  dense_job_t jobs[MAX_THREADS];
  threads = clamp_threads(threads, (size_t)rows * in * outs > 200000 && rows > 1);
  for (uint32_t t = 0; t < threads; t++)
    jobs[t] = (dense_job_t){xp, wp, b, NULL, out, NULL, NULL, NULL, in, outs, rows, 0, 0,
                            relu != 0, !xp || !wp};
  SHARE(jobs, threads, rows);
  if (xp && wp) run_parallel(run_dense_forward, jobs, sizeof jobs[0], threads);
  free(xp);
  free(wp);
  for (uint32_t t = 0; t < threads; t++)
    if (jobs[t].failed) return throw_code(env, "E_NOMEM", "dense: out of memory");
  return NULL;
}

HOT static void *run_dense_weights(void *arg) {
  dense_job_t *job = arg;
  for (size_t o = job->from; o < job->to; o++) {
    float *dw = job->dw + o * job->in;
    memset(dw, 0, job->in * sizeof(float));
    float db = 0;
    for (size_t i = 0; i < job->rows; i++) {
      const float g = job->dout[i * job->outs + o];
      if (g == 0) continue;
      db += g;
      axpy(dw, g, job->x + i * job->in, job->in);
    }
    job->db[o] = db;
  }
  return NULL;
}

HOT static void *run_dense_inputs(void *arg) {
  dense_job_t *job = arg;
  for (size_t i = job->from; i < job->to; i++) {
    float *dx = job->dx + i * job->in;
    memset(dx, 0, job->in * sizeof(float));
    for (size_t o = 0; o < job->outs; o++) {
      const float g = job->dout[i * job->outs + o];
      if (g != 0) axpy(dx, g, job->w + o * job->in, job->in);
    }
  }
  return NULL;
}

// denseBackward(x, rows, in, weights, dOut, outs, dWeights, dBias, dX, threads): the gradients
// of weights and bias (sums over the rows in order) and, unless dX is empty, of x (sums over
// the outputs in order); all overwritten.
napi_value dense_backward(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!get_args(env, info, 10, argv)) return NULL;
  float *x, *w, *dout, *dw, *db, *dx;
  size_t xl, wl, dol, dwl, dbl, dxl;
  uint32_t rows, in, outs, threads;
  if (!arg_f32(env, argv[0], "x", &x, &xl) || !arg_u32(env, argv[1], "rows", &rows) ||
      !arg_u32(env, argv[2], "in", &in) || !arg_f32(env, argv[3], "weights", &w, &wl) ||
      !arg_f32(env, argv[4], "dOut", &dout, &dol) || !arg_u32(env, argv[5], "outs", &outs) ||
      !arg_f32(env, argv[6], "dWeights", &dw, &dwl) ||
      !arg_f32(env, argv[7], "dBias", &db, &dbl) || !arg_f32(env, argv[8], "dX", &dx, &dxl) ||
      !arg_u32(env, argv[9], "threads", &threads))
    return NULL;
  if (too_short(env, xl, (size_t)rows * in, "x") ||
      too_short(env, wl, (size_t)outs * in, "weights") ||
      too_short(env, dol, (size_t)rows * outs, "dOut") ||
      too_short(env, dwl, (size_t)outs * in, "dWeights") || too_short(env, dbl, outs, "dBias") ||
      (dxl > 0 && too_short(env, dxl, (size_t)rows * in, "dX")))
    return NULL;
  dense_job_t jobs[MAX_THREADS];
  threads = clamp_threads(threads, (size_t)rows * in * outs > 200000);
  for (uint32_t t = 0; t < threads; t++)
    jobs[t] = (dense_job_t){x, w, NULL, dout, NULL, dw, db, dx, in, outs, rows, 0, 0, 0, 0};
  SHARE(jobs, threads, outs);
  run_parallel(run_dense_weights, jobs, sizeof jobs[0], threads);
  if (dxl > 0) {
    SHARE(jobs, threads, rows);
    run_parallel(run_dense_inputs, jobs, sizeof jobs[0], threads);
  }
  return NULL;
}

// ---- Adam ----
//
// As PyTorch's (Kingma & Ba with the bias corrections folded into two constants):
//   m = b1 m + (1 - b1) g;  v = b2 v + ((1 - b2) g) g;
//   p = p - step * (m / (sqrt(v) / c2 + eps)),  step = lr / (1 - b1^t), c2 = sqrt(1 - b2^t).

HOT static void adam_span(float *p, float *m, float *v, const float *g, size_t n,
                          const float *c) {
  const float b1 = c[0], ob1 = c[1], b2 = c[2], ob2 = c[3], c2 = c[4], step = c[5], eps = c[6];
  for (size_t i = 0; i < n; i++) {
    const float mi = b1 * m[i] + ob1 * g[i];
    const float vi = b2 * v[i] + (ob2 * g[i]) * g[i];
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - step * (mi / (__builtin_sqrtf(vi) / c2 + eps));
  }
}

// adam(param, m, v, grad, constants, rows, dims): one step on every value (rows empty), or on
// the rows of a table listed in rows (grad then holds one row of dims per listed row, in that
// order: the lazy update of the embedding rows a batch used). constants: b1, 1 - b1, b2,
// 1 - b2, c2, step, eps (float32).
napi_value adam(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  float *p, *m, *v, *g, *c;
  int32_t *rows;
  size_t pl, ml, vl, gl, cl, rl;
  uint32_t dims;
  if (!arg_f32(env, argv[0], "param", &p, &pl) || !arg_f32(env, argv[1], "m", &m, &ml) ||
      !arg_f32(env, argv[2], "v", &v, &vl) || !arg_f32(env, argv[3], "grad", &g, &gl) ||
      !arg_f32(env, argv[4], "constants", &c, &cl) ||
      !arg_i32(env, argv[5], "rows", &rows, &rl) || !arg_u32(env, argv[6], "dims", &dims))
    return NULL;
  if (too_short(env, ml, pl, "m") || too_short(env, vl, pl, "v") ||
      too_short(env, cl, 7, "constants"))
    return NULL;
  if (rl == 0) {
    if (too_short(env, gl, pl, "grad")) return NULL;
    adam_span(p, m, v, g, pl, c);
    return NULL;
  }
  if (dims == 0 || too_short(env, gl, rl * dims, "grad")) return NULL;
  for (size_t k = 0; k < rl; k++)
    if (rows[k] < 0 || ((size_t)rows[k] + 1) * dims > pl) {
      napi_throw_range_error(env, NULL, "adam: a row outside the table");
      return NULL;
    }
  for (size_t k = 0; k < rl; k++) {
    const size_t at = (size_t)rows[k] * dims;
    adam_span(p + at, m + at, v + at, g + k * dims, dims, c);
  }
  return NULL;
}
