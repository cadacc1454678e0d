// Kernel SVMs: LIBSVM's C-SVC solver (SMO with the second-order working-set selection of Fan,
// Chen & Lin 2005, shrinking, and an LRU cache of kernel rows bounded in bytes) on sparse rows,
// and the kernel sums that turn support vectors into decision values.
//
// Kernels of two sparse rows x, y (values >= 0 for the intersection and chi-squared kernels):
//   linear  x.y
//   rbf     exp(-gamma |x - y|^2), |x - y|^2 = (x.x + y.y) - 2 x.y
//   hik     sum_j min(x_j, y_j)
//   chi2    exp(-gamma sum_j (x_j - y_j)^2 / (x_j + y_j)), the sum being (|x|_1 + |y|_1) minus
//           sum_j 4 x_j y_j / (x_j + y_j) over the columns both have
// A row of kernel values K(x, .) walks the columns of x in order and, for each, the rows that
// have that column (the matrix's columns, kept as lists): a text shares few words with most
// others, so this does about a fifth of the work of walking every row. Each sum is in double,
// over the shared columns in increasing order; emb_exp is written out (and vectorises), so that
// src/models/smo.ts reproduces every value bit for bit. Rows of Q are kept in float32, as LIBSVM
// keeps them, so the solver takes LIBSVM's steps.
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_LINEAR = 0, K_RBF = 1, K_HIK = 2, K_CHI2 = 3 };

// exp(x) to within an ulp for x <= 709 (0 below -745), from operations whose results IEEE 754
// fixes: x = k ln 2 + r, k rounded to the nearest integer by adding and taking away 1.5 * 2^52,
// ln 2 in two parts (so k ln 2 is exact), exp(r) by its Taylor series to r^13 (|r| <= ln 2 / 2
// leaves an error under 1e-17), times 2^k built from its bits (k + 1023 + 2^52 holds k + 1023
// in its low bits). Without branches or calls, so that the loops over a row vectorise.
static inline __attribute__((always_inline)) double emb_exp(double x) {
  const double k = (x * 1.4426950408889634 + 0x1.8p52) - 0x1.8p52;
  const double r = (x - k * 0.693147180369123816490) - k * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // Below 2^-1000 the power is taken in two factors, each a normal number.
  p = k < -1000 ? p * 0x1p-200 : p;
  const double e = (k < -1000 ? k + 200 : k) + (1023.0 + 0x1p52);
  uint64_t bits;
  memcpy(&bits, &e, sizeof bits);
  bits <<= 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return x > -745.0 ? p * scale : 0.0;
}

// A CSR matrix, its columns as lists of (row, value) in increasing row order, and each row's
// self term (x.x for rbf, |x|_1 for chi2).
typedef struct {
  const int32_t *indptr, *indices;
  const float *values;
  int32_t *colptr, *colrows;
  float *colvalues;
  double *self;
  uint32_t rows, cols;
} matrix_t;

typedef struct {
  int kind;
  double gamma;
} kernel_t;

static void matrix_free(matrix_t *m) {
  free(m->colptr);
  free(m->colrows);
  free(m->colvalues);
  free(m->self);
}

// Builds the self terms and (with `columns`) the column lists; 0 when out of memory.
static int matrix_init(matrix_t *m, const int32_t *indptr, const int32_t *indices,
                       const float *values, uint32_t rows, uint32_t cols, int kind, int columns) {
  *m = (matrix_t){indptr, indices, values, NULL, NULL, NULL, NULL, rows, cols};
  const size_t nnz = (size_t)indptr[rows];
  const size_t listed = columns ? nnz : 0;
  m->colptr = calloc((size_t)cols + 1, sizeof(int32_t));
  m->colrows = malloc(sizeof(int32_t) * (listed ? listed : 1));
  m->colvalues = malloc(sizeof(float) * (listed ? listed : 1));
  m->self = malloc(sizeof(double) * (rows ? rows : 1));
  if (!m->colptr || !m->colrows || !m->colvalues || !m->self) {
    matrix_free(m);
    return 0;
  }
  for (size_t p = 0; p < listed; p++) m->colptr[indices[p] + 1]++;
  for (uint32_t c = 0; c < cols; c++) m->colptr[c + 1] += m->colptr[c];
  int32_t *fill = malloc(sizeof(int32_t) * ((size_t)cols + 1));
  if (!fill) {
    matrix_free(m);
    return 0;
  }
  memcpy(fill, m->colptr, sizeof(int32_t) * ((size_t)cols + 1));
  for (uint32_t r = 0; r < rows; r++) {
    double s = 0;
    for (int32_t p = indptr[r]; p < indptr[r + 1]; p++) {
      if (columns) {
        const int32_t at = fill[indices[p]]++;
        m->colrows[at] = (int32_t)r;
        m->colvalues[at] = values[p];
      }
      const double v = values[p];
      s += kind == K_RBF ? v * v : v;
    }
    m->self[r] = s;
  }
  free(fill);
  return 1;
}

// K(x, x) for row x of m.
static double self_kernel(const kernel_t *k, const matrix_t *m, int32_t x) {
  double acc = 0;
  for (int32_t p = m->indptr[x]; p < m->indptr[x + 1]; p++) {
    const double a = m->values[p];
    acc += k->kind == K_HIK ? a : k->kind == K_CHI2 ? 4 * a * a / (a + a) : a * a;
  }
  switch (k->kind) {
    case K_RBF:
      return emb_exp(-k->gamma * ((m->self[x] + m->self[x]) - 2 * acc));
    case K_CHI2: {
      const double d = (m->self[x] + m->self[x]) - acc;
      return emb_exp(-k->gamma * (d > 0 ? d : 0));
    }
    default:
      return acc;
  }
}

// acc[slot[r]] += the terms row x (of a) shares with each row r of b whose slot is in [lo, hi)
// (slot NULL: the row itself), column by column in increasing order.
HOT static void shared_sums(const kernel_t *k, const matrix_t *a, int32_t x, const matrix_t *b,
                            const int32_t *slot, int32_t lo, int32_t hi, double *restrict acc) {
  for (int32_t p = a->indptr[x]; p < a->indptr[x + 1]; p++) {
    const int32_t c = a->indices[p];
    const double u = a->values[p];
    const int32_t from = b->colptr[c], to = b->colptr[c + 1];
    const int32_t *rows = b->colrows;
    const float *vals = b->colvalues;
    for (int32_t q = from; q < to; q++) {
      const int32_t t = slot ? slot[rows[q]] : rows[q];
      if (t < lo || t >= hi) continue;
      const double v = vals[q];
      if (k->kind == K_HIK)
        acc[t] += u < v ? u : v;
      else if (k->kind == K_CHI2)
        acc[t] += 4 * u * v / (u + v);
      else
        acc[t] += u * v;
    }
  }
}

// Turns shared sums into kernel values, in place, for t in [lo, hi): self_b[t] is the self
// term of the row at t.
HOT static void finish_kernel(const kernel_t *k, double self_a, const double *restrict self_b,
                              int32_t lo, int32_t hi, double *restrict acc) {
  const double g = k->gamma;
  if (k->kind == K_RBF)
    for (int32_t t = lo; t < hi; t++) acc[t] = emb_exp(-g * ((self_a + self_b[t]) - 2 * acc[t]));
  else if (k->kind == K_CHI2)
    for (int32_t t = lo; t < hi; t++) {
      const double d = (self_a + self_b[t]) - acc[t];
      acc[t] = emb_exp(-g * (d > 0 ? d : 0));
    }
}

// ---- the cache of Q's rows (LIBSVM's: rows grow to the length asked, least recently used
// rows are freed first, and at least two whole rows always fit) ----

typedef struct row {
  float *data;
  int32_t len;
  struct row *prev, *next;
} row_t;

typedef struct {
  row_t *rows;
  row_t lru;  // circular list, least recently used first
  size_t left;  // floats that may still be allocated
  int failed;
} cache_t;

static void lru_delete(row_t *h) {
  h->prev->next = h->next;
  h->next->prev = h->prev;
}

static void lru_insert(cache_t *c, row_t *h) {
  h->next = &c->lru;
  h->prev = c->lru.prev;
  h->prev->next = h;
  h->next->prev = h;
}

static void drop(cache_t *c, row_t *h) {
  lru_delete(h);
  free(h->data);
  c->left += (size_t)h->len;
  h->data = NULL;
  h->len = 0;
}

// Makes row i hold [0, len); returns from where it must be filled (len: nothing to fill).
static int32_t cache_get(cache_t *c, int32_t i, int32_t len, float **data) {
  row_t *h = &c->rows[i];
  if (h->len) lru_delete(h);
  int32_t start = len;
  if (len > h->len) {
    const size_t more = (size_t)(len - h->len);
    while (c->left < more) drop(c, c->lru.next);
    float *grown = realloc(h->data, sizeof(float) * (size_t)len);
    if (!grown) {
      c->failed = 1;
      if (h->len) lru_insert(c, h);
      *data = h->data;
      return len;
    }
    h->data = grown;
    c->left -= more;
    start = h->len;
    h->len = len;
  }
  lru_insert(c, h);
  *data = h->data;
  return start;
}

static void cache_swap(cache_t *c, int32_t i, int32_t j) {
  if (i == j) return;
  row_t *a = &c->rows[i], *b = &c->rows[j];
  if (a->len) lru_delete(a);
  if (b->len) lru_delete(b);
  float *d = a->data;
  a->data = b->data;
  b->data = d;
  int32_t n = a->len;
  a->len = b->len;
  b->len = n;
  if (a->len) lru_insert(c, a);
  if (b->len) lru_insert(c, b);
  if (i > j) {
    int32_t t = i;
    i = j;
    j = t;
  }
  for (row_t *h = c->lru.next, *next; h != &c->lru; h = next) {
    next = h->next;
    if (h->len > i) {
      if (h->len > j) {
        float t = h->data[i];
        h->data[i] = h->data[j];
        h->data[j] = t;
      } else {
        drop(c, h);  // the row would have a hole at i
      }
    }
  }
}

static void cache_free(cache_t *c) {
  for (row_t *h = c->lru.next; h != &c->lru; h = h->next) free(h->data);
  free(c->rows);
}

// ---- the solver: min 0.5 a'Qa - e'a subject to y'a = 0, 0 <= a_i <= C_i ----

enum { LOWER = 0, UPPER = 1, FREE = 2 };
#define TAU 1e-12

typedef struct {
  const kernel_t *k;
  const matrix_t *m;
  int32_t l, active;
  int32_t *x;     // position -> row of the matrix
  int32_t *slot;  // row of the matrix -> position, -1 for rows outside the problem
  int8_t *y;
  double *C, *alpha, *G, *G_bar, *QD, *self;  // self: the self term of the row at a position
  char *status;
  int8_t *sets;         // bit 0: in I_up (alpha may grow for y = +1), bit 1: in I_low
  double *scores;       // select_working_set's per-position values
  double *lows;
  int32_t *active_set;  // position -> index into the problem
  cache_t cache;
  const float *gram;  // K of every pair of the matrix's rows, when it fits the cache; or NULL
  double *acc;        // one row of kernel values
  double eps;
  int unshrink;
} solver_t;

static void set_status(solver_t *s, int32_t i) {
  const char st = s->alpha[i] >= s->C[i] ? UPPER : s->alpha[i] <= 0 ? LOWER : FREE;
  s->status[i] = st;
  const int up = s->y[i] == 1 ? st != UPPER : st != LOWER;
  const int low = s->y[i] == 1 ? st != LOWER : st != UPPER;
  s->sets[i] = (int8_t)(up | low << 1);
}

HOT static const float *get_q(solver_t *s, int32_t i, int32_t len) {
  float *data;
  const int32_t start = cache_get(&s->cache, i, len, &data);
  if (start < len && s->gram) {
    const float *K = s->gram + (size_t)s->x[i] * s->m->rows;
    const double yi = s->y[i];
    for (int32_t j = start; j < len; j++) data[j] = (float)(yi * s->y[j] * (double)K[s->x[j]]);
  } else if (start < len) {
    double *acc = s->acc;
    for (int32_t t = start; t < len; t++) acc[t] = 0;
    shared_sums(s->k, s->m, s->x[i], s->m, s->slot, start, len, acc);
    finish_kernel(s->k, s->self[i], s->self, start, len, acc);
    const double yi = s->y[i];
    for (int32_t j = start; j < len; j++) data[j] = (float)(yi * s->y[j] * acc[j]);
  }
  return data;
}

static void swap_index(solver_t *s, int32_t i, int32_t j) {
#define SWAP(T, a)  \
  do {              \
    T t_ = s->a[i]; \
    s->a[i] = s->a[j]; \
    s->a[j] = t_;   \
  } while (0)
  cache_swap(&s->cache, i, j);
  SWAP(int32_t, x);
  SWAP(int8_t, y);
  SWAP(double, QD);
  SWAP(double, self);
  SWAP(double, C);
  SWAP(double, alpha);
  SWAP(double, G);
  SWAP(double, G_bar);
  SWAP(char, status);
  SWAP(int8_t, sets);
  SWAP(int32_t, active_set);
#undef SWAP
  s->slot[s->x[i]] = i;
  s->slot[s->x[j]] = j;
}

static void reconstruct_gradient(solver_t *s) {
  const int32_t l = s->l, n = s->active;
  if (n == l) return;
  int32_t nr_free = 0;
  for (int32_t j = n; j < l; j++) s->G[j] = s->G_bar[j] - 1;
  for (int32_t j = 0; j < n; j++) nr_free += s->status[j] == FREE;
  if ((double)nr_free * l > 2.0 * n * (l - n)) {
    for (int32_t i = n; i < l; i++) {
      const float *Q_i = get_q(s, i, n);
      for (int32_t j = 0; j < n; j++)
        if (s->status[j] == FREE) s->G[i] += s->alpha[j] * Q_i[j];
    }
  } else {
    for (int32_t i = 0; i < n; i++)
      if (s->status[i] == FREE) {
        const float *Q_i = get_q(s, i, l);
        const double a = s->alpha[i];
        for (int32_t j = n; j < l; j++) s->G[j] += a * Q_i[j];
      }
  }
}

// The largest of v[0..n) and the last position holding it (-1 when all are -inf): the same
// answer as LIBSVM's loop, which keeps the last of equals, taken in two passes that vectorise
// (max is exact, so eight running maxima find the same value).
static inline __attribute__((always_inline)) int32_t last_max(const double *v, int32_t n,
                                                             double *best) {
  double m[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY,
                 -INFINITY, -INFINITY, -INFINITY, -INFINITY};
  int32_t t = 0;
  for (; t + 8 <= n; t += 8)
    for (int l = 0; l < 8; l++) m[l] = v[t + l] > m[l] ? v[t + l] : m[l];
  double top = -INFINITY;
  for (; t < n; t++) top = v[t] > top ? v[t] : top;
  for (int l = 0; l < 8; l++) top = m[l] > top ? m[l] : top;
  *best = top;
  if (top == -INFINITY) return -1;
  for (t = n - 1; v[t] != top; t--) {
  }
  *best = v[t];  // the sign of a zero as that position holds it
  return t;
}

// WSS3: i maximises -y_i G_i over I_up; j the largest second-order decrease of the objective
// among I_low (the last of equals, as LIBSVM's loops keep them). The values are computed for
// every position first (y_j G_j and y_i y_j Q_ij fold LIBSVM's two branches into one; only
// signs of exact terms flip, so the bits are LIBSVM's), then the best found.
HOT static int select_working_set(solver_t *s, int32_t *out_i, int32_t *out_j) {
  const int32_t n = s->active;
  const int8_t *restrict y = s->y, *restrict sets = s->sets;
  const double *restrict G = s->G, *restrict QD = s->QD;
  double *restrict score = s->scores, *restrict low = s->lows;
  for (int32_t t = 0; t < n; t++) score[t] = sets[t] & 1 ? -(y[t] * G[t]) : -INFINITY;
  double Gmax;
  const int32_t i = last_max(score, n, &Gmax);
  if (i < 0) return 1;
  const float *restrict Q_i = get_q(s, i, n);
  const double QD_i = QD[i], y_i = y[i];
  for (int32_t j = 0; j < n; j++) {
    const double y_j = y[j];
    const double v = y_j * G[j];
    const double grad_diff = Gmax + v;
    const double quad = QD_i + QD[j] - (2.0 * y_i * y_j) * Q_i[j];
    const double obj = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
    const int in_low = (sets[j] & 2) != 0;
    // Negated, so that the smallest decrease is the largest score.
    score[j] = in_low && grad_diff > 0 ? -obj : -INFINITY;
    low[j] = in_low ? v : -INFINITY;
  }
  double best, Gmax2;
  const int32_t j = last_max(score, n, &best);
  last_max(low, n, &Gmax2);
  if (Gmax + Gmax2 < s->eps || j == -1) return 1;
  *out_i = i;
  *out_j = j;
  return 0;
}

// y[t] += c x[t]
HOT static void axpy(double *restrict y, double c, const float *restrict x, int32_t n) {
  for (int32_t t = 0; t < n; t++) y[t] += c * x[t];
}

static int be_shrunk(const solver_t *s, int32_t i, double Gmax1, double Gmax2) {
  if (s->status[i] == UPPER) return s->y[i] == 1 ? -s->G[i] > Gmax1 : -s->G[i] > Gmax2;
  if (s->status[i] == LOWER) return s->y[i] == 1 ? s->G[i] > Gmax2 : s->G[i] > Gmax1;
  return 0;
}

static void do_shrinking(solver_t *s) {
  double Gmax1 = -INFINITY, Gmax2 = -INFINITY;
  for (int32_t i = 0; i < s->active; i++) {
    const double g = s->G[i];
    if (s->y[i] == 1) {
      if (s->status[i] != UPPER && -g >= Gmax1) Gmax1 = -g;
      if (s->status[i] != LOWER && g >= Gmax2) Gmax2 = g;
    } else {
      if (s->status[i] != UPPER && -g >= Gmax2) Gmax2 = -g;
      if (s->status[i] != LOWER && g >= Gmax1) Gmax1 = g;
    }
  }
  if (!s->unshrink && Gmax1 + Gmax2 <= s->eps * 10) {
    s->unshrink = 1;
    reconstruct_gradient(s);
    s->active = s->l;
  }
  for (int32_t i = 0; i < s->active; i++)
    if (be_shrunk(s, i, Gmax1, Gmax2)) {
      s->active--;
      while (s->active > i) {
        if (!be_shrunk(s, s->active, Gmax1, Gmax2)) {
          swap_index(s, i, s->active);
          break;
        }
        s->active--;
      }
    }
}

static double calculate_rho(const solver_t *s) {
  double ub = INFINITY, lb = -INFINITY, sum_free = 0;
  int32_t nr_free = 0;
  for (int32_t i = 0; i < s->active; i++) {
    const double yG = s->y[i] * s->G[i];
    if (s->status[i] == UPPER) {
      if (s->y[i] == -1) ub = ub < yG ? ub : yG;
      else lb = lb > yG ? lb : yG;
    } else if (s->status[i] == LOWER) {
      if (s->y[i] == 1) ub = ub < yG ? ub : yG;
      else lb = lb > yG ? lb : yG;
    } else {
      nr_free++;
      sum_free += yG;
    }
  }
  return nr_free > 0 ? sum_free / nr_free : (ub + lb) / 2;
}

HOT static void update_gradient(double *restrict G, const float *Q_i, const float *Q_j, double da,
                                double db, int32_t n) {
  for (int32_t k = 0; k < n; k++) G[k] += Q_i[k] * da + Q_j[k] * db;
}

enum { DONE = 0, MAX_ITER = 1, CANCELLED = 2, NO_MEMORY = 3 };

typedef struct {
  double rho, iterations, objective, status;
} solution_t;

// Solves one problem over rows x[0..l) of the CSR; alpha (in, out) is y_i a_i on return.
static solution_t solve(const kernel_t *k, const matrix_t *m, const float *gram, int32_t l,
                        const int32_t *rows, const int8_t *y, const double *C,
                        double *alpha_out, double eps, int shrinking, size_t cache_bytes,
                        double max_iter, const int32_t *cancel) {
  solution_t out = {0, 0, 0, NO_MEMORY};
  solver_t s;
  memset(&s, 0, sizeof s);
  s.k = k;
  s.m = m;
  s.gram = gram;
  s.l = s.active = l;
  s.eps = eps;
  s.x = malloc(sizeof(int32_t) * l);
  s.y = malloc((size_t)l);
  s.C = malloc(sizeof(double) * l);
  s.alpha = calloc((size_t)l, sizeof(double));
  s.G = malloc(sizeof(double) * l);
  s.G_bar = calloc((size_t)l, sizeof(double));
  s.QD = malloc(sizeof(double) * l);
  s.self = malloc(sizeof(double) * l);
  s.slot = malloc(sizeof(int32_t) * (m->rows ? m->rows : 1));
  s.status = malloc((size_t)l);
  s.sets = malloc((size_t)l);
  s.scores = malloc(sizeof(double) * l);
  s.lows = malloc(sizeof(double) * l);
  s.active_set = malloc(sizeof(int32_t) * l);
  s.acc = malloc(sizeof(double) * l);
  s.cache.rows = calloc((size_t)l, sizeof(row_t));
  s.cache.lru.next = s.cache.lru.prev = &s.cache.lru;
  const size_t floats = cache_bytes / sizeof(float);
  s.cache.left = floats > 2 * (size_t)l ? floats : 2 * (size_t)l;
  if (!s.x || !s.y || !s.C || !s.alpha || !s.G || !s.G_bar || !s.QD || !s.self || !s.slot ||
      !s.status || !s.sets || !s.scores || !s.lows || !s.active_set || !s.acc ||
      !s.cache.rows)
    goto cleanup;
  for (uint32_t r = 0; r < m->rows; r++) s.slot[r] = -1;
  for (int32_t i = 0; i < l; i++) {
    s.x[i] = rows[i];
    s.y[i] = y[i];
    s.C[i] = C[i];
    s.G[i] = -1;
    s.active_set[i] = i;
    set_status(&s, i);
    s.slot[rows[i]] = i;
    s.self[i] = m->self[rows[i]];
    s.QD[i] = self_kernel(k, m, rows[i]);
  }
  {
    double iter = 0;
    int32_t counter = (l < 1000 ? l : 1000) + 1;
    out.status = DONE;
    for (;;) {
      if (iter >= max_iter) {
        out.status = MAX_ITER;
        break;
      }
      if (--counter == 0) {
        counter = l < 1000 ? l : 1000;
        if (shrinking) do_shrinking(&s);
        if (__atomic_load_n(cancel, __ATOMIC_RELAXED)) {
          out.status = CANCELLED;
          break;
        }
      }
      int32_t i, j;
      if (select_working_set(&s, &i, &j)) {
        reconstruct_gradient(&s);
        s.active = l;
        if (select_working_set(&s, &i, &j)) break;
        counter = 1;
      }
      iter++;
      const int32_t n = s.active;
      const float *Q_i = get_q(&s, i, n);
      const float *Q_j = get_q(&s, j, n);
      const double C_i = s.C[i], C_j = s.C[j];
      const double old_i = s.alpha[i], old_j = s.alpha[j];
      double *a = s.alpha;
      if (s.y[i] != s.y[j]) {
        double quad = s.QD[i] + s.QD[j] + 2 * Q_i[j];
        if (quad <= 0) quad = TAU;
        const double delta = (-s.G[i] - s.G[j]) / quad;
        const double diff = a[i] - a[j];
        a[i] += delta;
        a[j] += delta;
        if (diff > 0) {
          if (a[j] < 0) {
            a[j] = 0;
            a[i] = diff;
          }
        } else if (a[i] < 0) {
          a[i] = 0;
          a[j] = -diff;
        }
        if (diff > C_i - C_j) {
          if (a[i] > C_i) {
            a[i] = C_i;
            a[j] = C_i - diff;
          }
        } else if (a[j] > C_j) {
          a[j] = C_j;
          a[i] = C_j + diff;
        }
      } else {
        double quad = s.QD[i] + s.QD[j] - 2 * Q_i[j];
        if (quad <= 0) quad = TAU;
        const double delta = (s.G[i] - s.G[j]) / quad;
        const double sum = a[i] + a[j];
        a[i] -= delta;
        a[j] += delta;
        if (sum > C_i) {
          if (a[i] > C_i) {
            a[i] = C_i;
            a[j] = sum - C_i;
          }
        } else if (a[j] < 0) {
          a[j] = 0;
          a[i] = sum;
        }
        if (sum > C_j) {
          if (a[j] > C_j) {
            a[j] = C_j;
            a[i] = sum - C_j;
          }
        } else if (a[i] < 0) {
          a[i] = 0;
          a[j] = sum;
        }
      }
      update_gradient(s.G, Q_i, Q_j, a[i] - old_i, a[j] - old_j, n);
      const int ui = s.status[i] == UPPER, uj = s.status[j] == UPPER;
      set_status(&s, i);
      set_status(&s, j);
      if (ui != (s.status[i] == UPPER)) {
        axpy(s.G_bar, ui ? -C_i : C_i, get_q(&s, i, l), l);
      }
      if (uj != (s.status[j] == UPPER)) {
        axpy(s.G_bar, uj ? -C_j : C_j, get_q(&s, j, l), l);
      }
      if (s.cache.failed) {
        out.status = NO_MEMORY;
        break;
      }
    }
    if (out.status == MAX_ITER && s.active < l) {
      reconstruct_gradient(&s);
      s.active = l;
    }
    out.iterations = iter;
  }
  if (s.cache.failed) out.status = NO_MEMORY;
  out.rho = calculate_rho(&s);
  {
    double v = 0;
    for (int32_t i = 0; i < l; i++) v += s.alpha[i] * (s.G[i] - 1);
    out.objective = v / 2;
  }
  for (int32_t i = 0; i < l; i++) alpha_out[s.active_set[i]] = s.alpha[i] * s.y[i];
cleanup:
  cache_free(&s.cache);
  free(s.x);
  free(s.y);
  free(s.C);
  free(s.alpha);
  free(s.G);
  free(s.G_bar);
  free(s.QD);
  free(s.self);
  free(s.slot);
  free(s.status);
  free(s.sets);
  free(s.scores);
  free(s.lows);
  free(s.active_set);
  free(s.acc);
  return out;
}

// ---- smoTrain: several problems on the threads, off the JavaScript thread ----

typedef struct {
  kernel_t k;
  matrix_t m;
  const int32_t *indptr, *indices;
  const float *values;
  uint32_t rows, cols, problems, threads;
  const int32_t *prows, *starts;
  const int8_t *y;
  const double *C;
  double *alpha, *info;
  double eps;
  int shrinking;
  size_t cache_bytes;
  int32_t *done;    // [0]: problems finished, read by JavaScript for progress
  int32_t *cancel;  // [0]: set by JavaScript to stop
  uint32_t next;    // the next problem (or Gram row) a thread takes
  float *gram;      // every pair's kernel value, when it fits the cache
  uint32_t gram_threads;
  int gram_failed;
  napi_async_work work;
  napi_deferred deferred;
  napi_ref refs[12];
  int nrefs;
} train_job_t;

typedef struct {
  train_job_t *job;
} worker_t;

static void *train_worker(void *arg) {
  train_job_t *job = ((worker_t *)arg)->job;
  for (;;) {
    const uint32_t p = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
    if (p >= job->problems) break;
    const int32_t b = job->starts[p], l = job->starts[p + 1] - b;
    // LIBSVM's bound: max(10^7, 100 l) iterations.
    const double max_iter = 100.0 * l > 1e7 ? 100.0 * l : 1e7;
    solution_t s = {0, 0, 0, DONE};
    if (l > 0)
      s = solve(&job->k, &job->m, job->gram, l, job->prows + b, job->y + b, job->C + b,
                job->alpha + b, job->eps, job->shrinking, job->cache_bytes, max_iter,
                job->cancel);
    double *info = job->info + 4 * (size_t)p;
    info[0] = s.rho;
    info[1] = s.iterations;
    info[2] = s.objective;
    info[3] = s.status;
    __atomic_add_fetch(job->done, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

// The upper triangle of the Gram matrix, rows taken from a shared counter in increasing order:
// each column's list is walked from the first row >= x (a cursor per column only moves on), so
// half the pairs cost half the work. A row's values are those get_q computes (the same terms in
// the same order: K(x, y) and K(y, x) are the same bits).
HOT static void *gram_rows(void *arg) {
  train_job_t *job = ((worker_t *)arg)->job;
  const matrix_t *m = &job->m;
  const kernel_t *k = &job->k;
  const int32_t n = (int32_t)m->rows;
  double *acc = malloc(sizeof(double) * (n ? n : 1));
  int32_t *cursor = malloc(sizeof(int32_t) * (m->cols ? m->cols : 1));
  if (!acc || !cursor) {
    job->gram_failed = 1;
    free(acc);
    free(cursor);
    return NULL;
  }
  memcpy(cursor, m->colptr, sizeof(int32_t) * m->cols);
  for (;;) {
    const int32_t x = (int32_t)__atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
    if (x >= n) break;
    for (int32_t t = x; t < n; t++) acc[t] = 0;
    for (int32_t p = m->indptr[x]; p < m->indptr[x + 1]; p++) {
      const int32_t c = m->indices[p], end = m->colptr[c + 1];
      const double u = m->values[p];
      int32_t q = cursor[c];
      while (q < end && m->colrows[q] < x) q++;
      cursor[c] = q;
      for (; q < end; q++) {
        const int32_t t = m->colrows[q];
        const double v = m->colvalues[q];
        if (k->kind == K_HIK)
          acc[t] += u < v ? u : v;
        else if (k->kind == K_CHI2)
          acc[t] += 4 * u * v / (u + v);
        else
          acc[t] += u * v;
      }
    }
    finish_kernel(k, m->self[x], m->self, x, n, acc);
    float *row = job->gram + (size_t)x * n;
    for (int32_t t = x; t < n; t++) row[t] = (float)acc[t];
  }
  free(acc);
  free(cursor);
  return NULL;
}

// The lower triangle, mirrored from the upper one in tiles of TILE x TILE (a plain strided copy
// cost as much as computing the kernel values).
#define TILE 64
static void *gram_mirror(void *arg) {
  train_job_t *job = ((worker_t *)arg)->job;
  const size_t n = job->m.rows, tiles = (n + TILE - 1) / TILE;
  float *K = job->gram;
  for (;;) {
    const size_t bj = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
    if (bj >= tiles) break;
    // Tile row bj of the lower triangle: rows j in [bj T, bj T + T), columns i < j.
    const size_t j0 = bj * TILE, j1 = j0 + TILE < n ? j0 + TILE : n;
    for (size_t i0 = 0; i0 <= j0; i0 += TILE) {
      const size_t i1 = i0 + TILE < n ? i0 + TILE : n;
      for (size_t j = j0; j < j1; j++)
        for (size_t i = i0; i < i1 && i < j; i++) K[j * n + i] = K[i * n + j];
    }
  }
  return NULL;
}

// When the whole Gram matrix fits the cache (as for 5,000 texts in the default 200 MB), it is
// computed once, half of it, for every problem of the batch: the inner folds and the final fit
// then read it instead of computing their rows again. The LRU caches get what is left.
static void build_gram(train_job_t *job, worker_t *workers, size_t *cache_left) {
  const size_t n = job->m.rows, bytes = n * n * sizeof(float);
  if (n == 0 || bytes > *cache_left) return;
  job->gram = malloc(bytes);
  if (!job->gram) return;
  job->next = 0;
  run_parallel(gram_rows, workers, sizeof workers[0], job->gram_threads);
  job->next = 0;
  if (job->gram_failed) {
    free(job->gram);
    job->gram = NULL;
    return;
  }
  run_parallel(gram_mirror, workers, sizeof workers[0], job->gram_threads);
  job->next = 0;
  *cache_left -= bytes;
}

static void train_execute(napi_env env, void *data) {
  (void)env;
  train_job_t *job = data;
  if (!matrix_init(&job->m, job->indptr, job->indices, job->values, job->rows, job->cols,
                   job->k.kind, 1)) {
    for (uint32_t p = 0; p < job->problems; p++) job->info[4 * (size_t)p + 3] = NO_MEMORY;
    return;
  }
  worker_t workers[MAX_THREADS];
  for (uint32_t t = 0; t < MAX_THREADS; t++) workers[t].job = job;
  size_t left = job->cache_bytes;
  build_gram(job, workers, &left);
  job->cache_bytes = left / job->threads;  // each thread's LRU cache
  run_parallel(train_worker, workers, sizeof workers[0], job->threads);
  free(job->gram);
  job->gram = NULL;
  matrix_free(&job->m);
}

static void train_complete(napi_env env, napi_status status, void *data) {
  train_job_t *job = data;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  if (status == napi_ok)
    napi_resolve_deferred(env, job->deferred, undefined);
  else {
    napi_value message, error;
    napi_create_string_utf8(env, "smoTrain: the work was not run", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  for (int i = 0; i < job->nrefs; i++) napi_delete_reference(env, job->refs[i]);
  napi_delete_async_work(env, job->work);
  free(job);
}

static int keep(napi_env env, train_job_t *job, napi_value v) {
  return napi_create_reference(env, v, 1, &job->refs[job->nrefs++]) == napi_ok;
}

static int arg_f64(napi_env env, napi_value v, const char *name, double **data, size_t *length) {
  return arg_typed(env, v, napi_float64_array, name, (void **)data, length);
}

static int arg_number(napi_env env, napi_value v, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok || !isfinite(*out)) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s: expected a finite number", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

// Checks a CSR (indptr rows + 1 entries, nondecreasing, within the indices; indices < cols).
static int check_csr(const int32_t *indptr, size_t np, size_t nnz, const int32_t *indices,
                     uint32_t cols) {
  if (np < 1 || indptr[0] != 0 || (size_t)indptr[np - 1] != nnz) return 0;
  for (size_t r = 1; r < np; r++)
    if (indptr[r] < indptr[r - 1]) return 0;
  for (size_t p = 0; p < nnz; p++)
    if (indices[p] < 0 || (uint32_t)indices[p] >= cols) return 0;
  return 1;
}

// smoTrain(indptr, indices, values, cols, kind, gamma, rows, starts, y, C, eps, shrinking,
//          cacheBytes, alpha, info, done, cancel, threads): a Promise. Problem p is the rows
// rows[starts[p] .. starts[p + 1]) of the CSR with labels y (+1/-1) and bounds C; its
// y_i alpha_i go to the same places of alpha, and info[4p ..] gets rho, iterations, the
// objective and a status (0 converged, 1 iteration limit, 2 cancelled, 3 out of memory).
// cacheBytes bounds the kernel values kept, over all threads.
napi_value smo_train(napi_env env, napi_callback_info info) {
  napi_value argv[18];
  if (!get_args(env, info, 18, argv)) return NULL;
  int32_t *indptr, *indices, *rows, *starts, *done, *cancel;
  float *values;
  int8_t *y;
  double *C, *alpha, *out, gamma, eps, cache_bytes;
  size_t np, nnz, nv, nrows, nstarts, ny, nC, nalpha, nout, ndone, ncancel;
  uint32_t cols, kind, shrinking, threads;
  if (!arg_i32(env, argv[0], "indptr", &indptr, &np) ||
      !arg_i32(env, argv[1], "indices", &indices, &nnz) ||
      !arg_f32(env, argv[2], "values", &values, &nv) || !arg_u32(env, argv[3], "cols", &cols) ||
      !arg_u32(env, argv[4], "kind", &kind) || !arg_number(env, argv[5], "gamma", &gamma) ||
      !arg_i32(env, argv[6], "rows", &rows, &nrows) ||
      !arg_i32(env, argv[7], "starts", &starts, &nstarts) ||
      !arg_typed(env, argv[8], napi_int8_array, "y", (void **)&y, &ny) ||
      !arg_f64(env, argv[9], "C", &C, &nC) || !arg_number(env, argv[10], "eps", &eps) ||
      !arg_u32(env, argv[11], "shrinking", &shrinking) ||
      !arg_number(env, argv[12], "cacheBytes", &cache_bytes) ||
      !arg_f64(env, argv[13], "alpha", &alpha, &nalpha) ||
      !arg_f64(env, argv[14], "info", &out, &nout) ||
      !arg_i32(env, argv[15], "done", &done, &ndone) ||
      !arg_i32(env, argv[16], "cancel", &cancel, &ncancel) ||
      !arg_u32(env, argv[17], "threads", &threads))
    return NULL;
  const size_t problems = nstarts ? nstarts - 1 : 0;
  int ok = kind <= K_CHI2 && nv == nnz && check_csr(indptr, np, nnz, indices, cols) &&
           nstarts >= 1 && starts[0] == 0 && (size_t)starts[problems] == nrows &&
           ny == nrows && nC == nrows && nalpha == nrows && nout == 4 * problems && ndone >= 1 &&
           ncancel >= 1 && eps > 0 && cache_bytes >= 0 && gamma >= 0;
  for (size_t p = 1; ok && p < nstarts; p++) ok = starts[p] >= starts[p - 1];
  for (size_t i = 0; ok && i < nrows; i++)
    ok = rows[i] >= 0 && (size_t)rows[i] + 1 < np && (y[i] == 1 || y[i] == -1) && C[i] > 0;
  if (!ok) {
    napi_throw_range_error(env, NULL, "smoTrain: arrays or values do not agree");
    return NULL;
  }
  train_job_t *job = calloc(1, sizeof *job);
  if (!job) return throw_code(env, "E_NOMEM", "smoTrain: out of memory");
  job->k = (kernel_t){(int)kind, gamma};
  job->indptr = indptr;
  job->indices = indices;
  job->values = values;
  job->rows = (uint32_t)(np - 1);
  job->cols = cols;
  job->problems = (uint32_t)problems;
  job->threads = clamp_threads(threads, problems > 1);
  job->gram_threads = clamp_threads(threads, 1);
  if (job->threads > problems && problems > 0) job->threads = (uint32_t)problems;
  job->prows = rows;
  job->starts = starts;
  job->y = y;
  job->C = C;
  job->alpha = alpha;
  job->info = out;
  job->eps = eps;
  job->shrinking = shrinking != 0;
  job->cache_bytes = (size_t)cache_bytes;
  job->done = done;
  job->cancel = cancel;
  int failed = 0;
  for (int i = 0; i < 18; i++) {
    napi_valuetype t;
    napi_typeof(env, argv[i], &t);
    if (t == napi_object && !keep(env, job, argv[i])) failed = 1;
  }
  napi_value promise, name;
  if (failed || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "smoTrain", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, train_execute, train_complete, job, &job->work) !=
          napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    for (int i = 0; i < job->nrefs; i++) napi_delete_reference(env, job->refs[i]);
    free(job);
    return throw_code(env, "E_NOMEM", "smoTrain: the work could not be queued");
  }
  return promise;
}

// ---- kernelSums: decision values of many rows against support vectors ----

typedef struct {
  const kernel_t *k;
  const matrix_t *a, *b;
  const double *coef;
  double *out;
  uint32_t outputs;
  size_t begin, end;
  int failed;
} sums_job_t;

HOT static void *kernel_sums_rows(void *arg) {
  sums_job_t *job = arg;
  const uint32_t nb = job->b->rows, m = job->outputs;
  double *acc = malloc(sizeof(double) * (nb ? nb : 1));
  if (!acc) {
    job->failed = 1;
    return NULL;
  }
  for (size_t i = job->begin; i < job->end; i++) {
    for (uint32_t s = 0; s < nb; s++) acc[s] = 0;
    shared_sums(job->k, job->a, (int32_t)i, job->b, NULL, 0, (int32_t)nb, acc);
    finish_kernel(job->k, job->a->self[i], job->b->self, 0, (int32_t)nb, acc);
    double *o = job->out + i * m;
    for (uint32_t c = 0; c < m; c++) o[c] = 0;
    for (uint32_t s = 0; s < nb; s++) {
      const double *cs = job->coef + (size_t)s * m;
      for (uint32_t c = 0; c < m; c++) o[c] += cs[c] * acc[s];
    }
  }
  free(acc);
  return NULL;
}

// kernelSums(kind, gamma, cols, aIndptr, aIndices, aValues, bIndptr, bIndices, bValues, coef,
//            outputs, out, threads): out[i * outputs + c] = sum_s K(a_i, b_s) coef[s * outputs + c],
// the sum taken over s in order.
napi_value kernel_sums(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!get_args(env, info, 13, argv)) return NULL;
  uint32_t kind, cols, outputs, threads;
  double gamma, *coef, *out;
  int32_t *ap, *ai, *bp, *bi;
  float *av, *bv;
  size_t nap, nai, nav, nbp, nbi, nbv, ncoef, nout;
  if (!arg_u32(env, argv[0], "kind", &kind) || !arg_number(env, argv[1], "gamma", &gamma) ||
      !arg_u32(env, argv[2], "cols", &cols) || !arg_i32(env, argv[3], "aIndptr", &ap, &nap) ||
      !arg_i32(env, argv[4], "aIndices", &ai, &nai) ||
      !arg_f32(env, argv[5], "aValues", &av, &nav) ||
      !arg_i32(env, argv[6], "bIndptr", &bp, &nbp) ||
      !arg_i32(env, argv[7], "bIndices", &bi, &nbi) ||
      !arg_f32(env, argv[8], "bValues", &bv, &nbv) ||
      !arg_f64(env, argv[9], "coef", &coef, &ncoef) ||
      !arg_u32(env, argv[10], "outputs", &outputs) ||
      !arg_f64(env, argv[11], "out", &out, &nout) || !arg_u32(env, argv[12], "threads", &threads))
    return NULL;
  const int ok = kind <= K_CHI2 && nai == nav && nbi == nbv && outputs > 0 && gamma >= 0 &&
                 check_csr(ap, nap, nai, ai, cols) && check_csr(bp, nbp, nbi, bi, cols) &&
                 ncoef == (nbp - 1) * (size_t)outputs && nout == (nap - 1) * (size_t)outputs;
  if (!ok) {
    napi_throw_range_error(env, NULL, "kernelSums: arrays or values do not agree");
    return NULL;
  }
  const kernel_t k = {(int)kind, gamma};
  matrix_t a, b;
  const int ma = matrix_init(&a, ap, ai, av, (uint32_t)(nap - 1), cols, (int)kind, 0);
  const int mb = matrix_init(&b, bp, bi, bv, (uint32_t)(nbp - 1), cols, (int)kind, 1);
  if (!ma || !mb) {
    if (ma) matrix_free(&a);
    if (mb) matrix_free(&b);
    return throw_code(env, "E_NOMEM", "kernelSums: out of memory");
  }
  const size_t rows = nap - 1;
  threads = clamp_threads(threads, rows * (nbp - 1) >= 1u << 16);
  if (threads > rows && rows > 0) threads = (uint32_t)rows;
  sums_job_t jobs[MAX_THREADS];
  const size_t per = (rows + threads - 1) / threads;
  for (uint32_t t = 0; t < threads; t++) {
    const size_t begin = t * per < rows ? t * per : rows;
    const size_t end = begin + per < rows ? begin + per : rows;
    jobs[t] = (sums_job_t){&k, &a, &b, coef, out, outputs, begin, end, 0};
  }
  run_parallel(kernel_sums_rows, jobs, sizeof jobs[0], threads);
  int failed = 0;
  for (uint32_t t = 0; t < threads; t++) failed |= jobs[t].failed;
  matrix_free(&a);
  matrix_free(&b);
  if (failed) return throw_code(env, "E_NOMEM", "kernelSums: out of memory");
  return NULL;
}
