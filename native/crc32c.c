// CRC32C (Castagnoli), the checksum of every .emb section: the SSE4.2 instruction when the CPU
// has it (about 8 bytes per cycle), else slicing-by-8 tables. src/formats/crc32c.ts computes
// the same in JavaScript.
#include "common.h"

#include <string.h>

static uint32_t table[8][256];
static int have_sse42;

void crc32c_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  have_sse42 = __builtin_cpu_supports("sse4.2");
#endif
}

static uint32_t crc_soft(uint32_t crc, const uint8_t *p, size_t n) {
  while (n && ((uintptr_t)p & 7)) {
    crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    n--;
  }
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    w ^= crc;
    crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
          table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
          table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
  return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2"))) static uint32_t crc_hard(uint32_t crc, const uint8_t *p,
                                                            size_t n) {
  uint64_t c = crc;
  while (n && ((uintptr_t)p & 7)) {
    c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    n--;
  }
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    c = __builtin_ia32_crc32di(c, w);
    p += 8;
    n -= 8;
  }
  while (n--) c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
  return (uint32_t)c;
}
#endif

static uint32_t checksum(uint32_t crc, const uint8_t *p, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (have_sse42) return crc_hard(crc, p, n);
#endif
  return crc_soft(crc, p, n);
}

// crc32c(bytes: Uint8Array, crc = 0): the CRC32C of bytes continuing from crc (so a large
// section can be checked in pieces). Throws E_IO if the bytes are a mapped file that was
// truncated while it was read.
napi_value crc32c(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  uint8_t *data;
  size_t length;
  uint32_t crc;
  if (!arg_typed(env, argv[0], napi_uint8_array, "crc32c bytes", (void **)&data, &length) ||
      !arg_u32(env, argv[1], "crc32c start", &crc))
    return NULL;
  // In memory, not in a register, across the jump back from a bus error.
  volatile uint32_t c = ~crc;
  int faulted = 0;
  GUARDED(faulted, c = checksum(c, data, length));
  if (faulted) return throw_code(env, "E_BUS", "the file was truncated while it was read");
  napi_value result;
  if (napi_create_uint32(env, ~c, &result) != napi_ok) return NULL;
  return result;
}
