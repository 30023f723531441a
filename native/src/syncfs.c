/*
 * syncfs(2) for the layer store: a new layer is made durable with one flush of its
 * filesystem before its row is written. Spawning sync(1) for it cost 13-25 ms a layer.
 * The call can block for long (it writes back the whole filesystem), so it runs on the
 * libuv thread pool and answers a Promise.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  int err;
} syncfs_job;

static void syncfs_execute(napi_env env, void *data) {
  (void)env;
  syncfs_job *job = data;
  int fd = open(job->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) { job->err = errno; return; }
  job->err = syncfs(fd) == 0 ? 0 : errno;
  close(fd);
}

static void syncfs_complete(napi_env env, napi_status status, void *data) {
  syncfs_job *job = data;
  if (status == napi_ok && job->err == 0) {
    napi_value undef;
    napi_get_undefined(env, &undef);
    napi_resolve_deferred(env, job->deferred, undef);
  } else {
    int err = job->err ? job->err : EIO;
    char msg[600];
    snprintf(msg, sizeof msg, "syncfs %s: %s", job->path, strerror(err));
    napi_value code, text, error;
    napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, code, text, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_async_work(env, job->work);
  free(job->path);
  free(job);
}

/* syncfs(path): Promise<void> */
napi_value berth_syncfs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype t;
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_typeof(env, argv[0], &t) != napi_ok || t != napi_string ||
      napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "syncfs(path)");
    return NULL;
  }
  syncfs_job *job = calloc(1, sizeof *job);
  if (!job || !(job->path = malloc(len + 1))) {
    free(job);
    napi_throw_error(env, "ENOMEM", "syncfs: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[0], job->path, len + 1, &len);
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "berth_syncfs", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, syncfs_execute, syncfs_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}
