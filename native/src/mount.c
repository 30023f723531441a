/*
 * mount(2) and umount2(2) for the layer store: spawning mount(8) costs ~15 ms per
 * container start and again at removal, on the hot path of `run --rm`.
 */
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

static napi_value throw_sys(napi_env env, int err, const char *what) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, uv_err_name(-err), msg);
  return NULL;
}

/* Copies a JS string argument into a fresh buffer; NULL for null/undefined. */
static char *string_arg(napi_env env, napi_value v, int *ok) {
  napi_valuetype t;
  *ok = 1;
  if (napi_typeof(env, v, &t) != napi_ok) { *ok = 0; return NULL; }
  if (t == napi_null || t == napi_undefined) return NULL;
  size_t len = 0;
  if (t != napi_string || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    *ok = 0;
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) { *ok = 0; return NULL; }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

/* mount(source, target, fstype, flags, data) */
napi_value berth_mount(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) {
    napi_throw_type_error(env, NULL, "mount(source, target, fstype, flags, data)");
    return NULL;
  }
  int ok1, ok2, ok3, ok5;
  char *source = string_arg(env, argv[0], &ok1);
  char *target = string_arg(env, argv[1], &ok2);
  char *fstype = string_arg(env, argv[2], &ok3);
  char *data = string_arg(env, argv[4], &ok5);
  double flags = 0;
  napi_value result = NULL;
  if (ok1 && ok2 && ok3 && ok5 && target && napi_get_value_double(env, argv[3], &flags) == napi_ok) {
    if (mount(source, target, fstype, (unsigned long)flags, data) != 0) throw_sys(env, errno, target);
    else napi_get_undefined(env, &result);
  } else if (ok1 && ok2 && ok3 && ok5) {
    napi_throw_type_error(env, NULL, "mount: bad target or flags");
  }
  free(source); free(target); free(fstype); free(data);
  return result;
}

/* umount(target, flags) */
napi_value berth_umount(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "umount(target, flags)");
    return NULL;
  }
  int ok;
  char *target = string_arg(env, argv[0], &ok);
  int32_t flags = 0;
  napi_value result = NULL;
  if (ok && target && napi_get_value_int32(env, argv[1], &flags) == napi_ok) {
    if (umount2(target, flags) != 0) throw_sys(env, errno, target);
    else napi_get_undefined(env, &result);
  }
  free(target);
  return result;
}
