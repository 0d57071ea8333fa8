#!/usr/bin/env bash
# Tessera's entry point on a machine that has nothing but bash (and a clone):
#
#   ./run.sh demo     install dependencies, build, run the quickstart end to end
#   ./run.sh test     install dependencies, build, run every test
#
# It runs scripts/setup.sh (which installs make, the compilers and every
# library with apt-get; as root, or through sudo) and then the Makefile target
# of the same name. With make already installed, `make demo` and `make test`
# do the same. Extra arguments go to make (e.g. `./run.sh test JOBS=1`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
  echo "usage: ./run.sh demo|test [MAKE_VARIABLE=value ...]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
target="$1"
shift
case "$target" in
  demo | test) ;;
  -h | --help | help)
    sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "run.sh: unknown command '$target'" >&2
    usage
    ;;
esac

bash scripts/setup.sh
exec make --no-print-directory "$target" "$@"
