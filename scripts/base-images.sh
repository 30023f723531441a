#!/bin/bash
# Builds berth's offline base images and loads them into a running berthd through the
# Engine API (POST /images/create?fromSrc=-), so tests and demos need no registry:
#   busybox:latest      Debian's static busybox, its applets, /etc/passwd and /etc/group
#   hello-world:latest  a tiny image whose CMD prints a greeting
# Idempotent: an image the daemon already has is skipped.
#
# usage: scripts/base-images.sh [--build-only DIR]
#   BERTH_HOST  daemon socket (default unix:///run/berth/berth.sock)
#   BUSYBOX     static busybox binary (default /bin/busybox, from busybox-static)
set -euo pipefail

BUILD_ONLY=""
if [ "${1:-}" = "--build-only" ]; then
  BUILD_ONLY=${2:?--build-only needs a directory}
fi

HOST=${BERTH_HOST:-unix:///run/berth/berth.sock}
case "$HOST" in
  unix://*) SOCK=${HOST#unix://} ;;
  *) echo "base-images: BERTH_HOST must be a unix:// socket, got $HOST" >&2; exit 1 ;;
esac
API=http://berth/v1.41
BUSYBOX=${BUSYBOX:-/bin/busybox}
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
# fixed times and owners: the same busybox gives the same layer (diff ID) on every run
MTIME='2024-01-01 00:00:00Z'

if ! "$BUSYBOX" --list-full >/dev/null 2>&1; then
  echo "base-images: $BUSYBOX is not a working busybox (apt-get install busybox-static)" >&2
  exit 1
fi
if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' && ldd "$BUSYBOX" >/dev/null 2>&1; then
  echo "base-images: $BUSYBOX is dynamically linked; the images need busybox-static" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/berth-base-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

pack() { # pack ROOTFS OUT.tar
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime="$MTIME" -C "$1" -cf "$2" .
}

build_busybox() { # build_busybox OUT.tar
  local r="$WORK/busybox"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,home,proc,sys,dev,var/spool/mail,var/www}
  install -m 0755 "$BUSYBOX" "$r/bin/busybox"
  local p
  for p in $("$BUSYBOX" --list-full); do
    [ "$p" = bin/busybox ] && continue
    mkdir -p "$r/$(dirname "$p")"
    ln -f "$r/bin/busybox" "$r/$p"
  done
  cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:12:
www-data:x:33:
operator:x:37:
users:x:100:
nogroup:x:65533:
nobody:x:65534:
EOF
  chmod 0644 "$r/etc/passwd" "$r/etc/group"
  chmod 1777 "$r/tmp"
  chmod 0700 "$r/root"
  pack "$r" "$1"
}

build_hello() { # build_hello OUT.tar
  local r="$WORK/hello"
  mkdir -p "$r/bin"
  install -m 0755 "$BUSYBOX" "$r/bin/busybox"
  cat >"$r/hello" <<EOF
#!/bin/busybox sh
/bin/busybox cat <<'MSG'

Hello from Berth!
This message shows that your installation appears to be working correctly.

To generate this message, Berth took the following steps:
 1. The berth client contacted the berth daemon.
 2. The berth daemon found the "hello-world" image in its local store
    (built offline from Debian's busybox-static). ($ARCH)
 3. The berth daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The berth daemon streamed that output to the berth client, which sent it
    to your terminal.

To try something more ambitious, you can run a busybox container with:
 \$ berth run -it busybox sh

The docker CLI works too: point DOCKER_HOST at berth's socket.

MSG
EOF
  chmod 0755 "$r/hello"
  pack "$r" "$1"
}

status() { # status NAME:TAG → HTTP status of GET /images/NAME/json
  curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" "$API/images/$1/json" || echo 000
}

load() { # load TAR REPO TAG CHANGE...
  local tar=$1 repo=$2 tag=$3
  shift 3
  local args=(--url-query "fromSrc=-" --url-query "repo=$repo" --url-query "tag=$tag")
  local c
  for c in "$@"; do args+=(--url-query "changes=$c"); done
  local out
  out=$(curl -sS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' -T "$tar" \
    "${args[@]}" "$API/images/create") || { echo "base-images: import of $repo:$tag failed" >&2; return 1; }
  if printf '%s' "$out" | grep -q '"error'; then
    echo "base-images: import of $repo:$tag failed: $out" >&2
    return 1
  fi
  echo "base-images: loaded $repo:$tag $(printf '%s' "$out" | grep -o 'sha256:[0-9a-f]*' | tail -1)"
}

BUSYBOX_CHANGES=('ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["sh"]')
HELLO_CHANGES=('CMD ["/hello"]')

if [ -n "$BUILD_ONLY" ]; then
  mkdir -p "$BUILD_ONLY"
  build_busybox "$BUILD_ONLY/busybox.tar"
  build_hello "$BUILD_ONLY/hello-world.tar"
  echo "base-images: wrote $BUILD_ONLY/busybox.tar and $BUILD_ONLY/hello-world.tar"
  exit 0
fi

if [ ! -S "$SOCK" ]; then
  echo "base-images: no berthd socket at $SOCK (set BERTH_HOST)" >&2
  exit 1
fi

code=$(status busybox:latest)
case "$code" in
  200) echo "base-images: busybox:latest already present" ;;
  404) build_busybox "$WORK/busybox.tar"; load "$WORK/busybox.tar" busybox latest "${BUSYBOX_CHANGES[@]}" ;;
  *) echo "base-images: GET /images/busybox:latest/json answered $code" >&2; exit 1 ;;
esac

code=$(status hello-world:latest)
case "$code" in
  200) echo "base-images: hello-world:latest already present" ;;
  404) build_hello "$WORK/hello-world.tar"; load "$WORK/hello-world.tar" hello-world latest "${HELLO_CHANGES[@]}" ;;
  *) echo "base-images: GET /images/hello-world:latest/json answered $code" >&2; exit 1 ;;
esac
