/*
 * Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected, init 0, no final xor) as a Node-API
 * addon: the RDB stream's checksum and every RESTORE payload footer of a full sync run through here.
 * On x86-64 with PCLMULQDQ the input is folded 16 bytes at a time with carry-less multiplication;
 * elsewhere (and for the last bytes) slicing-by-8 tables. crc64.ts falls back to WebAssembly and
 * JavaScript when this file could not be built.
 *
 * Folding, in the reflected domain (bit 0 of byte 0 is the highest-degree coefficient): a 16-byte
 * state X = H*x^64 + L followed by 16 bytes D has the CRC of H*x^192 + L*x^128 + D, and
 * H*x^192 = H*(x^191 mod P)*x, where a carry-less product of two reflected 64-bit values is the
 * reflected 128-bit product already multiplied by x. So K_H = reflect(x^191 mod P) and
 * K_L = reflect(x^127 mod P); crc64.redis.test.ts checks every path against a bit-by-bit reference.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#include <cpuid.h>
#define HAVE_CLMUL_PATH 1
#endif

static uint64_t table[8][256];
static int use_clmul = 0;

/* per JavaScript environment (a worker thread loads its own): where update() leaves the high half */
typedef struct {
  uint32_t *hi;
  napi_ref ref;
} result_t;

/* the same values from every thread that runs it: the first load builds them, later loads rewrite them alike */
static void build_tables(void) {
  const uint64_t poly = 0x95ac9329ac4bc9b5ULL; /* reflected */
  for (int i = 0; i < 256; i++) {
    uint64_t c = (uint64_t)i;
    for (int b = 0; b < 8; b++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    table[0][i] = c;
  }
  for (int k = 1; k < 8; k++)
    for (int i = 0; i < 256; i++) table[k][i] = table[0][table[k - 1][i] & 0xff] ^ (table[k - 1][i] >> 8);
}

static uint64_t crc_tables(uint64_t crc, const uint8_t *p, size_t n) {
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    crc ^= w; /* little-endian hosts only: see init() */
    crc = table[7][crc & 0xff] ^ table[6][(crc >> 8) & 0xff] ^ table[5][(crc >> 16) & 0xff] ^ table[4][(crc >> 24) & 0xff] ^
          table[3][(crc >> 32) & 0xff] ^ table[2][(crc >> 40) & 0xff] ^ table[1][(crc >> 48) & 0xff] ^ table[0][crc >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#ifdef HAVE_CLMUL_PATH
__attribute__((target("pclmul,sse2"))) static uint64_t crc_clmul(uint64_t crc, const uint8_t *p, size_t n) {
  if (n < 32) return crc_tables(crc, p, n);
  const __m128i k = _mm_set_epi64x((long long)0x381d0015c96f4444ULL, (long long)0xd9d7be7d505da32cULL);
  __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_cvtsi64_si128((long long)crc));
  p += 16;
  n -= 16;
  while (n >= 16) {
    __m128i h = _mm_clmulepi64_si128(x, k, 0x00); /* low lane (H) times K_H */
    __m128i l = _mm_clmulepi64_si128(x, k, 0x11); /* high lane (L) times K_L */
    x = _mm_xor_si128(_mm_xor_si128(h, l), _mm_loadu_si128((const __m128i *)p));
    p += 16;
    n -= 16;
  }
  uint8_t state[16];
  _mm_storeu_si128((__m128i *)state, x);
  return crc_tables(crc_tables(0, state, 16), p, n);
}
#endif

/* the CRC continued over p[0, n), folded with PCLMULQDQ where the CPU has it */
static uint64_t crc_any(uint64_t crc, const uint8_t *p, size_t n) {
#ifdef HAVE_CLMUL_PATH
  if (use_clmul) return crc_clmul(crc, p, n);
#endif
  return crc_tables(crc, p, n);
}

/* the elements of a typed array of `want` type: 0 when `v` is one, else -1 */
static int typed_array(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  return napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) == napi_ok && type == want ? 0 : -1;
}

/* the call's first `n` arguments (undefined where missing) and this environment's result_t */
static result_t *arguments(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
  result_t *result = NULL;
  napi_get_cb_info(env, info, &n, argv, NULL, (void **)&result);
  return result;
}

/* update(bytes: Uint8Array, start, end, lo, hi): the CRC (lo, hi) continued over bytes[start, end); returns lo, hi in the bound array */
static napi_value update(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  result_t *result = arguments(env, info, 5, argv);
  size_t length;
  void *data;
  if (typed_array(env, argv[0], napi_uint8_array, &data, &length) != 0) {
    napi_throw_type_error(env, NULL, "crc64 update: expected (Uint8Array, start, end, lo, hi)");
    return NULL;
  }
  uint32_t start = 0, end = 0, lo = 0, hi = 0;
  if (napi_get_value_uint32(env, argv[1], &start) != napi_ok || napi_get_value_uint32(env, argv[2], &end) != napi_ok || napi_get_value_uint32(env, argv[3], &lo) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &hi) != napi_ok) {
    napi_throw_type_error(env, NULL, "crc64 update: start, end, lo and hi must be numbers");
    return NULL;
  }
  if (start > end || end > length) {
    napi_throw_range_error(env, NULL, "crc64 update: range outside the array");
    return NULL;
  }
  uint64_t crc = crc_any(((uint64_t)hi << 32) | lo, (const uint8_t *)data + start, end - start);
  if (result->hi) *result->hi = (uint32_t)(crc >> 32);
  napi_value out;
  napi_create_uint32(env, (uint32_t)crc, &out);
  return out;
}

/*
 * footers(bytes: Uint8Array, ranges: Int32Array, count): for each i < count, the CRC-64 (from 0) of
 * bytes[ranges[2i], ranges[2i+1]) written 8 bytes little-endian at ranges[2i+1]: the footers of many
 * DUMP payloads staged in one buffer, in one call (a call per payload cost more than its bytes).
 * Every range is checked before any byte is written.
 */
static napi_value footers(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  arguments(env, info, 3, argv);
  size_t length, rlength;
  void *data, *rdata;
  uint32_t count = 0;
  if (typed_array(env, argv[0], napi_uint8_array, &data, &length) != 0 || typed_array(env, argv[1], napi_int32_array, &rdata, &rlength) != 0 ||
      napi_get_value_uint32(env, argv[2], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "crc64 footers: expected (Uint8Array, Int32Array, count)");
    return NULL;
  }
  const int32_t *r = (const int32_t *)rdata;
  if ((size_t)count * 2 > rlength) {
    napi_throw_range_error(env, NULL, "crc64 footers: count beyond the ranges");
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) {
    int32_t s = r[2 * i], e = r[2 * i + 1];
    if (s < 0 || e < s || (size_t)e + 8 > length) {
      napi_throw_range_error(env, NULL, "crc64 footers: range outside the array");
      return NULL;
    }
  }
  uint8_t *bytes = (uint8_t *)data;
  for (uint32_t i = 0; i < count; i++) {
    size_t s = (size_t)r[2 * i], e = (size_t)r[2 * i + 1];
    uint64_t crc = crc_any(0, bytes + s, e - s);
    for (int b = 0; b < 8; b++) bytes[e + b] = (uint8_t)(crc >> (8 * b));
  }
  return NULL;
}

/* bind(Uint32Array(1)): where update() leaves the high half */
static napi_value bind(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  result_t *result = arguments(env, info, 1, argv);
  size_t length;
  void *data;
  if (typed_array(env, argv[0], napi_uint32_array, &data, &length) != 0 || length < 1) {
    napi_throw_type_error(env, NULL, "crc64 bind: expected a Uint32Array");
    return NULL;
  }
  if (result->ref) napi_delete_reference(env, result->ref);
  napi_create_reference(env, argv[0], 1, &result->ref);
  result->hi = (uint32_t *)data;
  return NULL;
}

static void free_result(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value init(napi_env env, napi_value exports) {
  const uint16_t one = 1;
  if (*(const uint8_t *)&one != 1) return exports; /* big-endian: no functions, crc64.ts uses its fallback */
  build_tables();
#ifdef HAVE_CLMUL_PATH
  unsigned a, b, c, d;
  use_clmul = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_PCLMUL) && (d & bit_SSE2);
#endif
  result_t *result = calloc(1, sizeof(result_t));
  if (!result || napi_set_instance_data(env, result, free_result, NULL) != napi_ok) return exports;
  napi_value fn;
  napi_create_function(env, "update", NAPI_AUTO_LENGTH, update, result, &fn);
  napi_set_named_property(env, exports, "update", fn);
  napi_create_function(env, "bind", NAPI_AUTO_LENGTH, bind, result, &fn);
  napi_set_named_property(env, exports, "bind", fn);
  napi_create_function(env, "footers", NAPI_AUTO_LENGTH, footers, result, &fn);
  napi_set_named_property(env, exports, "footers", fn);
  napi_value clmul;
  napi_get_boolean(env, use_clmul, &clmul);
  napi_set_named_property(env, exports, "clmul", clmul);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
