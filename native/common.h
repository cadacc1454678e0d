// Shared by the files of emb's native addon: argument checking, threads, the bus-error guard,
// and run-time CPU dispatch.
#ifndef EMB_COMMON_H
#define EMB_COMMON_H

#define _GNU_SOURCE
#include <node_api.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MAX_THREADS 8

// The dot product every kernel computes (scan.c, nets.c; src/embeddings/kernels.ts's dot8
// reproduces it): eight float32 lanes, lane l summing the products of the values j = l (mod 8)
// in order, then the lanes added as ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)).
typedef float v8f __attribute__((vector_size(32)));
typedef float v8f_u __attribute__((vector_size(32), aligned(4)));

static inline float lanes_sum(const float t[8]) {
  float s0 = t[0] + t[4], s1 = t[1] + t[5], s2 = t[2] + t[6], s3 = t[3] + t[7];
  return (s0 + s2) + (s1 + s3);
}

static inline float dot8(const float *a, const float *b, size_t dims) {
  v8f acc = {0};
  size_t c = 0;
  for (; c + 8 <= dims; c += 8) acc += *(const v8f_u *)(a + c) * *(const v8f_u *)(b + c);
  float t[8];
  memcpy(t, &acc, sizeof t);
  for (size_t l = 0; c + l < dims; l++) t[l] += a[c + l] * b[c + l];
  return lanes_sum(t);
}

// The hot loops are compiled three times (AVX-512, AVX2, plain x86-64) and the best one the CPU
// running them supports is picked when the addon loads, so a node_modules copied to an older
// machine never dies with SIGILL. The kernels use no fused multiply-add and no reassociation, so
// all three give the same bits.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

// Argument helpers: each throws a JavaScript TypeError and returns 0 when the argument is not
// what it should be, so no kernel ever reads an uninitialised value.
int arg_u32(napi_env env, napi_value v, const char *name, uint32_t *out);
int arg_f32(napi_env env, napi_value v, const char *name, float **data, size_t *length);
int arg_i32(napi_env env, napi_value v, const char *name, int32_t **data, size_t *length);
int arg_typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name,
              void **data, size_t *length);
int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
napi_value throw_code(napi_env env, const char *code, const char *message);

// Threads worth starting: at least 1, at most MAX_THREADS, and 1 for work too small to share.
uint32_t clamp_threads(uint32_t threads, int worth_sharing);

// Runs fn on jobs[1..threads) in new threads and on jobs[0] in this one, then waits for all.
// A job whose thread could not be created runs here too, so the work is always done.
void run_parallel(void *(*fn)(void *), void *jobs, size_t job_size, uint32_t threads);

// A kernel reading a mapped file that was truncated under it gets SIGBUS. GUARDED runs a
// statement with a handler armed that jumps back here instead of killing the process; the
// statement's flag is set and the caller throws an error.
extern __thread sigjmp_buf *bus_jump;
#define GUARDED(faulted, stmt)          \
  do {                                  \
    sigjmp_buf jb_;                     \
    if (sigsetjmp(jb_, 1) == 0) {       \
      bus_jump = &jb_;                  \
      stmt;                             \
    } else {                            \
      (faulted) = 1;                    \
    }                                   \
    bus_jump = NULL;                    \
  } while (0)

napi_value scan(napi_env env, napi_callback_info info);
napi_value products(napi_env env, napi_callback_info info);
napi_value analogy_topk(napi_env env, napi_callback_info info);
napi_value parse_text(napi_env env, napi_callback_info info);
napi_value crc32c(napi_env env, napi_callback_info info);
napi_value svm_dcd(napi_env env, napi_callback_info info);
napi_value sum_rows(napi_env env, napi_callback_info info);
napi_value conv_forward(napi_env env, napi_callback_info info);
napi_value conv_backward(napi_env env, napi_callback_info info);
napi_value dense_forward(napi_env env, napi_callback_info info);
napi_value dense_backward(napi_env env, napi_callback_info info);
napi_value adam(napi_env env, napi_callback_info info);
napi_value w2v_train(napi_env env, napi_callback_info info);
napi_value smo_train(napi_env env, napi_callback_info info);
napi_value kernel_sums(napi_env env, napi_callback_info info);
napi_value sparse_product(napi_env env, napi_callback_info info);
void crc32c_init(void);

#endif
