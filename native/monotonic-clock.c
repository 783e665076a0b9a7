/*
 * The pipeline's clock read without garbage: fill(cell) writes CLOCK_MONOTONIC (the clock
 * process.hrtime reads) in nanoseconds into cell[0] of a Float64Array. performance.now() and
 * process.hrtime() box their result in a new heap object on every call in Node 20, so a worker
 * that stamps every tick fills its young generation with clock readings (src/core/clock.ts).
 * Built at install by scripts/build-native-clock.mjs with the system C compiler and the Node
 * headers; without it the clock falls back to performance.now().
 */
#include <node_api.h>
#include <time.h>

static napi_value Fill(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok) return NULL;
  if (type != napi_float64_array || length < 1) return NULL;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ((double*)data)[0] = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "fill", NAPI_AUTO_LENGTH, Fill, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "fill", fn) != napi_ok) return NULL;
  return exports;
}
