/*
 * berth_native: the few syscalls Node lacks.
 *
 * conmon's attach socket is AF_UNIX SOCK_SEQPACKET, which Node's net module cannot open.
 * This file gives JS a connected, non-blocking SEQPACKET socket driven by a uv_poll on the
 * main loop: no threadpool thread is held per connection, and every read/write is a
 * non-blocking syscall done here. JS gets one callback per event:
 *   cb(0, Buffer)  one received message       cb(1)  peer closed (EOF)
 *   cb(2)          socket writable again       cb(3, errno)  socket error
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define RECV_BUF_SIZE 65536
/* messages handled per wakeup, so one busy container cannot starve the loop */
#define MAX_READS_PER_WAKEUP 32

enum { EV_DATA = 0, EV_EOF = 1, EV_WRITABLE = 2, EV_ERROR = 3 };

typedef struct {
  uv_poll_t poll;
  int fd;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  int reading;    /* JS wants messages (flow control) */
  int want_write; /* a write hit EAGAIN; tell JS when writable */
  int eof;
  int closed;
} conn_t;

static char recv_buf[RECV_BUF_SIZE]; /* only touched on the loop thread */

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), "EBERTHNATIVE", "N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, uv_err_name(-err), msg);
  return NULL;
}

static void emit(conn_t *c, int kind, const char *data, size_t len, int err) {
  napi_env env = c->env;
  napi_handle_scope scope;
  napi_value cb, recv, argv[2], result;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_get_reference_value(env, c->callback, &cb);
  napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
  napi_create_int32(env, kind, &argv[0]);
  if (kind == EV_DATA) {
    napi_create_buffer_copy(env, len, data, NULL, &argv[1]);
  } else if (kind == EV_ERROR) {
    napi_create_int32(env, err, &argv[1]);
  } else {
    napi_get_undefined(env, &argv[1]);
  }
  if (napi_make_callback(env, c->async, recv, cb, 2, argv, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

static void poll_cb(uv_poll_t *handle, int status, int events);

static void update_poll(conn_t *c) {
  if (c->closed) return;
  int events = (c->reading && !c->eof ? UV_READABLE : 0) | (c->want_write ? UV_WRITABLE : 0);
  if (events) uv_poll_start(&c->poll, events, poll_cb);
  else uv_poll_stop(&c->poll);
}

static void poll_cb(uv_poll_t *handle, int status, int events) {
  conn_t *c = handle->data;
  if (c->closed) return;
  if (status < 0) {
    c->eof = 1;
    c->want_write = 0;
    update_poll(c);
    emit(c, EV_ERROR, NULL, 0, -status);
    return;
  }
  if (events & UV_WRITABLE) {
    c->want_write = 0;
    update_poll(c);
    emit(c, EV_WRITABLE, NULL, 0, 0);
    if (c->closed) return;
  }
  if (!(events & UV_READABLE)) return;
  for (int i = 0; i < MAX_READS_PER_WAKEUP && c->reading && !c->eof && !c->closed; i++) {
    ssize_t n = recv(c->fd, recv_buf, sizeof recv_buf, MSG_DONTWAIT);
    if (n > 0) {
      emit(c, EV_DATA, recv_buf, (size_t)n, 0);
    } else if (n == 0) {
      c->eof = 1;
      update_poll(c);
      emit(c, EV_EOF, NULL, 0, 0);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else {
      int err = errno;
      c->eof = 1;
      update_poll(c);
      emit(c, EV_ERROR, NULL, 0, err);
    }
  }
}

static void close_cb(uv_handle_t *handle) {
  conn_t *c = handle->data;
  close(c->fd);
  napi_delete_reference(c->env, c->callback);
  napi_async_destroy(c->env, c->async);
  free(c);
}

static conn_t *get_conn(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "expected a seqpacket handle");
    return NULL;
  }
  conn_t *c = p;
  if (c->closed) {
    napi_throw_error(env, "EBADF", "seqpacket handle is closed");
    return NULL;
  }
  return c;
}

/* Connects through /proc/self/fd/<dir> so paths longer than sun_path (108) still work. */
static int connect_seqpacket(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  const char *base = path;
  int dirfd = -1;
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (slash != NULL) {
    size_t dlen = (size_t)(slash - path);
    if (dlen >= sizeof dir) { errno = ENAMETOOLONG; return -1; }
    memcpy(dir, path, dlen);
    dir[dlen == 0 ? 1 : dlen] = '\0';
    if (dlen == 0) dir[0] = '/';
    base = slash + 1;
    dirfd = open(dir, O_PATH | O_CLOEXEC | O_DIRECTORY);
    if (dirfd < 0) return -1;
    if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dirfd, base) >= sizeof addr.sun_path) {
      close(dirfd);
      errno = ENAMETOOLONG;
      return -1;
    }
  } else if (strlen(path) >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  } else {
    strcpy(addr.sun_path, path);
  }
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    if (dirfd >= 0) close(dirfd);
    errno = err;
    return -1;
  }
  int rc;
  /* blocking connect: a listening unix socket accepts into its backlog at once */
  do rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
  while (rc < 0 && errno == EINTR);
  int err = errno;
  if (dirfd >= 0) close(dirfd);
  if (rc < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
    if (rc >= 0) err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

/* connect(path: string, cb: (kind, arg) => void): handle */
static napi_value js_connect(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[4096];
  size_t len = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) { napi_throw_type_error(env, NULL, "connect(path, callback)"); return NULL; }
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || len >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "path must be a string shorter than 4096 bytes");
    return NULL;
  }
  int fd = connect_seqpacket(path);
  if (fd < 0) return throw_errno(env, errno, path);

  conn_t *c = calloc(1, sizeof *c);
  if (c == NULL) { close(fd); return throw_errno(env, ENOMEM, "connect"); }
  c->fd = fd;
  c->env = env;
  c->reading = 1;
  uv_loop_t *loop = NULL;
  napi_value resource, name, ext;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &c->poll, fd) != 0) {
    close(fd);
    free(c);
    napi_throw_error(env, "EBERTHNATIVE", "uv_poll_init failed");
    return NULL;
  }
  c->poll.data = c;
  napi_create_reference(env, argv[1], 1, &c->callback);
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "berth:seqpacket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &c->async);
  update_poll(c);
  CHECK(env, napi_create_external(env, c, NULL, NULL, &ext));
  return ext;
}

/* write(handle, buf): bytes sent as one message, or -1 when the socket is full (cb(2) follows). */
static napi_value js_write(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  void *data = NULL;
  size_t len = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  conn_t *c = get_conn(env, argv[0]);
  if (c == NULL) return NULL;
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "write(handle, Buffer)");
    return NULL;
  }
  ssize_t n;
  do n = send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) return throw_errno(env, errno, "send");
    c->want_write = 1;
    update_poll(c);
  }
  CHECK(env, napi_create_int64(env, n < 0 ? -1 : (int64_t)n, &out));
  return out;
}

/* setReading(handle, on): flow control for the output side */
static napi_value js_set_reading(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool on = false;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  conn_t *c = get_conn(env, argv[0]);
  if (c == NULL) return NULL;
  CHECK(env, napi_get_value_bool(env, argv[1], &on));
  c->reading = on;
  update_poll(c);
  return NULL;
}

/* shutdownWrite(handle): conmon reads EOF and closes the container's stdin */
static napi_value js_shutdown_write(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  conn_t *c = get_conn(env, argv[0]);
  if (c == NULL) return NULL;
  if (shutdown(c->fd, SHUT_WR) < 0 && errno != ENOTCONN) return throw_errno(env, errno, "shutdown");
  return NULL;
}

/* close(handle): no callback runs after this returns */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *p = NULL;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "close(handle)");
    return NULL;
  }
  conn_t *c = p;
  if (c->closed) return NULL;
  c->closed = 1;
  uv_poll_stop(&c->poll);
  uv_close((uv_handle_t *)&c->poll, close_cb);
  return NULL;
}

napi_value berth_mount(napi_env env, napi_callback_info info);
napi_value berth_umount(napi_env env, napi_callback_info info);
napi_value berth_syncfs(napi_env env, napi_callback_info info);

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"mount", NULL, berth_mount, NULL, NULL, NULL, napi_default, NULL},
    {"umount", NULL, berth_umount, NULL, NULL, NULL, napi_default, NULL},
    {"syncfs", NULL, berth_syncfs, NULL, NULL, NULL, napi_default, NULL},
    {"connect", NULL, js_connect, NULL, NULL, NULL, napi_default, NULL},
    {"write", NULL, js_write, NULL, NULL, NULL, napi_default, NULL},
    {"setReading", NULL, js_set_reading, NULL, NULL, NULL, napi_default, NULL},
    {"shutdownWrite", NULL, js_shutdown_write, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
