#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root) to build and run berth, then starts berthd in
# the background on the default roots and runs hello-world. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# runc/crun: OCI runtimes; conmon: per-container monitor; netavark/aardvark-dns/iptables: networks;
# busybox-static: the offline base images; tini: --init; curl: loading base images over the socket;
# attr: overlay whiteout/opaque xattrs; xz-utils/zstd: compressed image archives; skopeo: interop tests; tmux: terminal tests; python3/make/g++: native modules (node-gyp).
apt-get install -y -qq runc crun conmon netavark aardvark-dns iptables busybox-static tini attr xz-utils zstd curl skopeo tmux docker-registry \
  python3 make g++ ca-certificates >/dev/null
# docker-registry: the registry tests start their own (temporary config and storage on 127.0.0.1);
# where init scripts run, its package starts one on :5000 with /var/lib/docker-registry: stop it
if [ -x /etc/init.d/docker-registry ]; then /etc/init.d/docker-registry stop >/dev/null 2>&1 || true; fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "berth needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

npm ci --no-audit --no-fund
npm run build

# berthd on the default roots, unless one is already serving them
if ! bin/berth version >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup bin/berthd >/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 100); do [ -S /run/berth/berth.sock ] && break; sleep 0.1; done
fi
BERTH_HOST=unix:///run/berth/berth.sock scripts/base-images.sh
bin/berth run --rm hello-world
