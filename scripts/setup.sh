#!/usr/bin/env bash
# Installs every Debian package Tessera needs to build, test and run its demo.
# Idempotent and non-interactive; run as root (or with sudo available) on
# Debian 12. This is the project's only set-up step: nothing else is assumed,
# not even make or git (a debootstrap minbase system with bash and apt is
# enough; scripts/release_check.sh proves it).
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build g++ ccache pkg-config make
  # library dependencies (DESIGN.md section 5)
  libyaml-dev libsqlite3-dev libcli11-dev rapidjson-dev
  libre2-dev libxxhash-dev libutf8proc-dev
  libsnappy-dev libzstd-dev zlib1g-dev libbrotli-dev liblz4-dev
  librocksdb-dev libhiredis-dev libboost-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # fuzzing and sanitizers
  clang libclang-rt-14-dev
  # interop oracles and benchmark peers (never linked)
  nodejs redis-server redis-tools
  # TLS for npm (the DuckDB oracle); a minbase system has no CA certificates
  ca-certificates
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: run as root, or install sudo (packages are installed with apt-get)" >&2
    exit 1
  fi
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
updated=0
# apt-get install, after one `apt-get update` per run: a fresh system has no
# package lists, and stale ones name package versions the mirror has dropped.
apt_install() {
  if [ "$updated" -eq 0 ]; then
    $SUDO apt-get update -qq
    updated=1
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# npm ships with nodesource's nodejs; Debian's nodejs needs the npm package.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing npm"
  apt_install npm
fi
