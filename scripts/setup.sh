#!/usr/bin/env bash
# Installs every Debian package Tessera needs to build, test and run its demo.
# Idempotent and non-interactive; run as root (or with sudo available) on
# Debian 12. This is the project's only set-up step: nothing else is assumed.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build g++ ccache pkg-config make
  # library dependencies (DESIGN.md section 5)
  libyaml-dev libsqlite3-dev libcli11-dev rapidjson-dev
  libsnappy-dev libzstd-dev zlib1g-dev libbrotli-dev liblz4-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # fuzzing and sanitizers
  clang libclang-rt-14-dev
  # interop oracles and benchmark peers (never linked)
  nodejs
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all Debian packages present"
fi

# npm ships with nodesource's nodejs; Debian's nodejs needs the npm package.
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
