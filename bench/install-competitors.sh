#!/bin/bash
# Installs the engines berth is compared with, from Debian's own packages:
#   docker.io  dockerd 20.10 (+ containerd 1.6), used as /usr/sbin/dockerd
#   podman     podman 4.3
# Nothing is started: a temporary /usr/sbin/policy-rc.d answers 101 ("action forbidden") to
# every maintainer script that would start a service, and is removed afterwards (any policy
# file that was there before is put back). PATH is not touched: the docker CLI 28 in
# /usr/local/bin stays first, and the benchmarks call /usr/sbin/dockerd by its full path.
# Idempotent: packages already installed are left alone.
set -euo pipefail

PKGS=(docker.io podman)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-competitors: already installed: ${PKGS[*]}"
else
  if [ "$(id -u)" != 0 ]; then
    echo "install-competitors: needs root (apt-get)" >&2
    exit 1
  fi
  POLICY=/usr/sbin/policy-rc.d
  SAVED=""
  if [ -e "$POLICY" ]; then
    SAVED=$(mktemp /tmp/policy-rc.d.XXXXXX)
    cp -p "$POLICY" "$SAVED"
  fi
  restore() {
    if [ -n "$SAVED" ]; then mv -f "$SAVED" "$POLICY"; else rm -f "$POLICY"; fi
  }
  trap restore EXIT
  printf '#!/bin/sh\n# written by berth bench/install-competitors.sh: start no service\nexit 101\n' >"$POLICY"
  chmod 0755 "$POLICY"

  apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o DPkg::Lock::Timeout=300 "${missing[@]}"
  }
  if ! apt_install; then
    # the package lists may be stale or absent: refresh once and retry
    apt-get update -q -o DPkg::Lock::Timeout=300
    apt_install
  fi
fi

# Report what the benchmarks will use, and that the docker CLI 28 still comes first.
echo "install-competitors: dockerd: $(/usr/sbin/dockerd --version 2>/dev/null || echo missing)"
echo "install-competitors: containerd: $(containerd --version 2>/dev/null || echo missing)"
echo "install-competitors: podman: $(podman --version 2>/dev/null || echo missing)"
echo "install-competitors: docker on PATH: $(command -v docker) ($(docker --version 2>/dev/null || echo '?'))"
