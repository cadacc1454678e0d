// emb's optional native addon: memory mapping of .emb files, the float32 / float16 / int8
// kernels queries spend their time in, the text-vector parser, CRC32C, the word2vec trainer, the
// kernel SVM solver (smo.c), the products of bow-mlp's sparse first layer (sparse.c), the
// fine-tuned networks' arithmetic (nets.c), and two safety nets (temporary files removed on
// SIGINT/SIGTERM even while JavaScript is busy, and a bus error inside a kernel turned into an
// exception). Everything else stays in TypeScript.
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

// ---- argument helpers ----

napi_value throw_code(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < want) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return 0;
  }
  return 1;
}

int arg_u32(napi_env env, napi_value v, const char *name, uint32_t *out) {
  napi_valuetype type;
  double d;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_number ||
      napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d <= 4294967295.0) ||
      d != (double)(uint32_t)d) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: expected a whole number from 0 to 2^32-1", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *out = (uint32_t)d;
  return 1;
}

int arg_typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name,
              void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) != napi_ok ||
      type != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: expected a typed array of another type", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

int arg_f32(napi_env env, napi_value v, const char *name, float **data, size_t *length) {
  return arg_typed(env, v, napi_float32_array, name, (void **)data, length);
}

int arg_i32(napi_env env, napi_value v, const char *name, int32_t **data, size_t *length) {
  return arg_typed(env, v, napi_int32_array, name, (void **)data, length);
}

uint32_t clamp_threads(uint32_t threads, int worth_sharing) {
  if (threads < 1 || !worth_sharing) return 1;
  return threads > MAX_THREADS ? MAX_THREADS : threads;
}

void run_parallel(void *(*fn)(void *), void *jobs, size_t job_size, uint32_t threads) {
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

// ---- bus errors inside kernels ----

__thread sigjmp_buf *bus_jump __attribute__((tls_model("initial-exec")));
static struct sigaction previous_bus;

static void on_bus(int sig, siginfo_t *si, void *ctx) {
  if (bus_jump) siglongjmp(*bus_jump, 1);
  // Not ours: what would have happened without us (the previous handler, or death by SIGBUS).
  sigaction(SIGBUS, &previous_bus, NULL);
  if ((previous_bus.sa_flags & SA_SIGINFO) && previous_bus.sa_sigaction)
    previous_bus.sa_sigaction(sig, si, ctx);
  else if (previous_bus.sa_handler != SIG_DFL && previous_bus.sa_handler != SIG_IGN &&
           previous_bus.sa_handler)
    previous_bus.sa_handler(sig);
  // SIG_DFL: returning re-executes the faulting access, which now kills the process.
}

static void arm_bus_guard(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &previous_bus);
}

static void install_bus_guard(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, arm_bus_guard);
}

// ---- memory mapping ----

typedef struct mapping {
  void *addr;
  size_t length;
  int fd;
  struct mapping *next;
} mapping_t;

static mapping_t *mappings;
static pthread_mutex_t mappings_lock = PTHREAD_MUTEX_INITIALIZER;

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  mapping_t *m = hint;
  pthread_mutex_lock(&mappings_lock);
  for (mapping_t **p = &mappings; *p; p = &(*p)->next)
    if (*p == m) {
      *p = m->next;
      break;
    }
  pthread_mutex_unlock(&mappings_lock);
  munmap(m->addr, m->length);
  close(m->fd);
  free(m);
}

// map(path, expectedSize): { buffer, fd }: an ArrayBuffer over the whole file and the open
// descriptor it was mapped from (kept open so each query can fstat it: a file truncated under
// the mapping shows there before a kernel touches the missing pages). MAP_PRIVATE, so a stray
// write can never reach the file. The size is checked again after open, so a file that shrank
// since the caller looked is refused rather than mapped past its end.
static napi_value map_file(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  char path[4096];
  size_t len;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "map: expected a path");
    return NULL;
  }
  double expected;
  if (napi_get_value_double(env, argv[1], &expected) != napi_ok) {
    napi_throw_type_error(env, NULL, "map: expected a size");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return throw_code(env, "E_IO", strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return throw_code(env, "E_IO", strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0 || (double)st.st_size != expected) {
    close(fd);
    return throw_code(env, "E_FORMAT", "the file changed before it could be mapped");
  }
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    close(fd);
    return throw_code(env, "E_IO", strerror(errno));
  }
  mapping_t *m = malloc(sizeof *m);
  if (!m) {
    munmap(p, (size_t)st.st_size);
    close(fd);
    return throw_code(env, "E_IO", "out of memory");
  }
  *m = (mapping_t){p, (size_t)st.st_size, fd, NULL};
  napi_value ab, result, fdv;
  if (napi_create_external_arraybuffer(env, p, m->length, unmap, m, &ab) != napi_ok) {
    munmap(p, m->length);
    close(fd);
    free(m);
    return NULL;
  }
  pthread_mutex_lock(&mappings_lock);
  m->next = mappings;
  mappings = m;
  pthread_mutex_unlock(&mappings_lock);
  install_bus_guard();
  if (napi_create_object(env, &result) != napi_ok ||
      napi_create_int32(env, fd, &fdv) != napi_ok ||
      napi_set_named_property(env, result, "buffer", ab) != napi_ok ||
      napi_set_named_property(env, result, "fd", fdv) != napi_ok)
    return NULL;
  return result;
}

// release(buffer, offset, length): gives back the pages of a stretch of a mapping already
// read (a sequential export of a large file), so they stop counting as resident memory; they
// are read from the file again if touched. Only mappings made by map() are accepted.
static napi_value release(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  void *data;
  size_t length;
  double offset, count;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok ||
      napi_get_value_double(env, argv[1], &offset) != napi_ok ||
      napi_get_value_double(env, argv[2], &count) != napi_ok || offset < 0 || count < 0) {
    napi_throw_type_error(env, NULL, "release: expected (ArrayBuffer, offset, length)");
    return NULL;
  }
  int ours = 0;
  pthread_mutex_lock(&mappings_lock);
  for (mapping_t *m = mappings; m; m = m->next) ours |= m->addr == data;
  pthread_mutex_unlock(&mappings_lock);
  if (!ours || offset + count > (double)length) return NULL;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)data + (size_t)offset + page - 1) / page * page;
  uintptr_t end = ((uintptr_t)data + (size_t)(offset + count)) / page * page;
  if (end > start) madvise((void *)start, end - start, MADV_DONTNEED);
  return NULL;
}

// ---- temporary files removed on SIGINT / SIGTERM ----
//
// A conversion writes for seconds in synchronous JavaScript, during which Node's own signal
// handlers cannot run. These handlers run at once, in the signal: unlink() and _exit() are
// async-signal-safe. Paths are written completely before their slot is marked used.

#define TEMP_SLOTS 16
static char temp_paths[TEMP_SLOTS][4096];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];
static struct sigaction previous_int, previous_term;
static int temps_armed;

static void on_terminate(int sig) {
  for (int i = 0; i < TEMP_SLOTS; i++)
    if (temp_used[i]) {
      unlink(temp_paths[i]);
      rmdir(temp_paths[i]);
    }
  _exit(128 + sig);
}

static void arm_temps(int on) {
  if (on == temps_armed) return;
  if (on) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_terminate;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous_int);
    sigaction(SIGTERM, &sa, &previous_term);
  } else {
    sigaction(SIGINT, &previous_int, NULL);
    sigaction(SIGTERM, &previous_term, NULL);
  }
  temps_armed = on;
}

// guardTemp(path, on): registers (on) or forgets (off) a temporary to remove on a signal.
// Returns false when every slot is taken (the caller then relies on Node's handlers).
static napi_value guard_temp(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  char path[4096];
  size_t len;
  bool on;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok ||
      napi_get_value_bool(env, argv[1], &on) != napi_ok || len >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "guardTemp: expected (path, boolean)");
    return NULL;
  }
  bool done = false;
  int any = 0;
  for (int i = 0; i < TEMP_SLOTS; i++) {
    if (on && !done && !temp_used[i]) {
      memcpy(temp_paths[i], path, len + 1);
      __atomic_thread_fence(__ATOMIC_SEQ_CST);
      temp_used[i] = 1;
      done = true;
    } else if (!on && temp_used[i] && strcmp(temp_paths[i], path) == 0) {
      temp_used[i] = 0;
      done = true;
    }
    any |= temp_used[i];
  }
  arm_temps(any);
  napi_value result;
  if (napi_get_boolean(env, done, &result) != napi_ok) return NULL;
  return result;
}

// ---- the allocator's policy for a training process ----
//
// Training allocates and frees typed arrays of 1-45 MB in two threads. glibc serves blocks
// under its mmap threshold (which rises to the largest block freed, up to 32 MB) from an arena
// per thread, and freed blocks mostly stay in the process: emb train on the SpamAssassin corpus
// peaked at 1,050 MB so, 946 MB with blocks from 8 MB mapped (and unmapped when freed) and one
// arena for every thread. Only the command line asks for it (it is the process's, not a
// library's, to set); elsewhere than glibc there is nothing to set.
static napi_value tune_allocator(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  mallopt(M_ARENA_MAX, 1);
#endif
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  crc32c_init();
  napi_property_descriptor props[] = {
      {"map", NULL, map_file, NULL, NULL, NULL, napi_default, NULL},
      {"release", NULL, release, NULL, NULL, NULL, napi_default, NULL},
      {"tuneAllocator", NULL, tune_allocator, NULL, NULL, NULL, napi_default, NULL},
      {"guardTemp", NULL, guard_temp, NULL, NULL, NULL, napi_default, NULL},
      {"products", NULL, products, NULL, NULL, NULL, napi_default, NULL},
      {"scan", NULL, scan, NULL, NULL, NULL, napi_default, NULL},
      {"analogyTopK", NULL, analogy_topk, NULL, NULL, NULL, napi_default, NULL},
      {"parseText", NULL, parse_text, NULL, NULL, NULL, napi_default, NULL},
      {"crc32c", NULL, crc32c, NULL, NULL, NULL, napi_default, NULL},
      {"svmDcd", NULL, svm_dcd, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"convForward", NULL, conv_forward, NULL, NULL, NULL, napi_default, NULL},
      {"convBackward", NULL, conv_backward, NULL, NULL, NULL, napi_default, NULL},
      {"denseForward", NULL, dense_forward, NULL, NULL, NULL, napi_default, NULL},
      {"denseBackward", NULL, dense_backward, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
      {"w2vTrain", NULL, w2v_train, NULL, NULL, NULL, napi_default, NULL},
      {"smoTrain", NULL, smo_train, NULL, NULL, NULL, napi_default, NULL},
      {"kernelSums", NULL, kernel_sums, NULL, NULL, NULL, napi_default, NULL},
      {"sparseProduct", NULL, sparse_product, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok)
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
