#!/usr/bin/env bash
# The release check: the README's two commands on a bare Debian 12.
#
#   scripts/release_check.sh [--keep] [WORK_DIR]     (as root, on a Debian host)
#
# Builds a Debian 12 root file system with debootstrap (variant minbase, suite
# bookworm, from the mirror the host's apt uses), installs git in it and
# nothing else, clones this repository at its HEAD commit into /root/tessera
# (a clone: uncommitted changes are NOT included), copies ../shared beside it
# when present (the tests read ../shared/testdata), then runs, as root with
# CI=true inside a chroot, exactly the README's test command and then its demo
# command. It fails if either fails. See docs/RELEASE.md for what it needs
# (time, disk) and why it copies the host's CA certificates and proxy
# settings.
#
# WORK_DIR defaults to /var/tmp/tessera-release-check; the root file system is
# WORK_DIR/rootfs. It is deleted after a successful run unless --keep is
# given, and kept after a failure for inspection (chroot WORK_DIR/rootfs).
# Not part of the test command: it takes tens of minutes and needs root.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEEP=0
if [[ "${1:-}" == "--keep" ]]; then KEEP=1; shift; fi
WORK="${1:-/var/tmp/tessera-release-check}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
ROOTFS="$WORK/rootfs"
SUITE=bookworm

log() { printf '\n== release_check [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { echo "release_check: $*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "run as root (debootstrap, mount and chroot need it)"
command -v git >/dev/null || die "git not found on the host"

# --- What is checked: the committed HEAD and the README's own commands. ----
COMMIT="$(git -C "$SRC" rev-parse HEAD)"
if [[ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]]; then
  echo "release_check: warning: $SRC has uncommitted changes; they are NOT checked (the chroot gets a clone of $COMMIT)" >&2
fi

# Prints the command of the README's first ```sh block whose comment contains
# $1, without the comment.
readme_command() {
  awk -v want="$1" '
    /^```sh/ { inblock = 1; blocks++; next }
    /^```/   { inblock = 0; next }
    inblock && blocks == 1 && index($0, want) {
      sub(/[ \t]*#.*/, ""); print; exit
    }' "$SRC/README.md"
}
TEST_CMD="$(readme_command "every test")"
DEMO_CMD="$(readme_command "quickstart")"
[[ -n "$TEST_CMD" && -n "$DEMO_CMD" ]] ||
  die "cannot find the test and demo commands in README.md's first sh block"

# --- The host's Debian mirror (what its apt is configured with). -----------
host_mirror() {
  local f
  # One-line style: deb [options] URI SUITE COMPONENTS...
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk -v suite="$SUITE" '
      $1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit }
      }' "$f"
  done
  # deb822 style: a paragraph with Types: deb and Suites: including SUITE.
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk -v suite="$SUITE" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uri != "") {
          print uri; found = 1
        }
        types = suites = uri = ""
      }
      /^[ \t]*$/ { flush(); if (found) exit; next }
      /^Types:/  { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^URIs:/   { sub(/^URIs:[ \t]*/, ""); split($0, u, /[ \t]+/); uri = u[1] }
      END { if (!found) flush() }' "$f"
  done
}
MIRROR="${RELEASE_CHECK_MIRROR:-$(host_mirror | head -n 1)}"
[[ -n "$MIRROR" ]] || die "no '$SUITE' mirror found in /etc/apt/sources.list{,.d}; set RELEASE_CHECK_MIRROR"

# --- Mounts: never delete through a leftover bind mount of /dev. -----------
mounts_under() {
  awk -v root="$1" '$5 == root || index($5, root "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
unmount_all() {
  local m
  for m in $(mounts_under "$ROOTFS"); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}
cleanup() {
  local rc=$?
  unmount_all
  if [[ -n "$(mounts_under "$ROOTFS")" ]]; then
    echo "release_check: could not unmount: $(mounts_under "$ROOTFS" | tr '\n' ' ')" >&2
  elif [[ $rc -eq 0 && $KEEP -eq 0 ]]; then
    rm -rf --one-file-system "$ROOTFS"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unmount_all
[[ -z "$(mounts_under "$ROOTFS")" ]] || die "something is still mounted under $ROOTFS"
rm -rf --one-file-system "$ROOTFS"

# --- The network as the host reaches it (not project dependencies). --------
# Proxy variables, as the host has them, for debootstrap and the chroot.
NET_ENV=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  if [[ -n "${!v:-}" ]]; then NET_ENV+=("$v=${!v}"); fi
done
# debootstrap does not read apt.conf: give it the host's apt HTTP proxy.
apt_http_proxy="$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' | head -n 1)"
if [[ -z "${http_proxy:-}" && -n "$apt_http_proxy" && "$apt_http_proxy" != DIRECT ]]; then
  export http_proxy="$apt_http_proxy"
fi
# npm's network settings, where the host's differ from npm's defaults.
if command -v npm >/dev/null; then
  for key in proxy https-proxy noproxy registry cafile strict-ssl; do
    val="$(npm config get "$key" 2>/dev/null || true)"
    case "$key=$val" in
      proxy=null | https-proxy=null | noproxy= | registry=https://registry.npmjs.org/ | \
        cafile=null | cafile=undefined | cafile= | strict-ssl=true) ;;
      *) NET_ENV+=("npm_config_${key//-/_}=$val") ;;
    esac
  done
fi
# Node (npm) trusts the host's extra CAs the way the host does.
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" ]]; then
  NET_ENV+=("NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
elif compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  NET_ENV+=("NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt")
fi

copy_host_network_config() {
  cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
  # CA certificates exactly as the host has them: a TLS-intercepting proxy's
  # CA lives in /usr/local/share/ca-certificates, and the chroot's
  # ca-certificates package (installed by setup.sh) folds it into its bundle.
  if [[ -d /usr/local/share/ca-certificates ]]; then
    mkdir -p "$ROOTFS/usr/local/share/ca-certificates"
    cp -a /usr/local/share/ca-certificates/. "$ROOTFS/usr/local/share/ca-certificates/"
  fi
  if [[ -d /etc/ssl/certs ]]; then
    mkdir -p "$ROOTFS/etc/ssl/certs"
    cp -a /etc/ssl/certs/. "$ROOTFS/etc/ssl/certs/"
  fi
  # apt proxy settings, file by file as the host has them.
  local f
  for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
    [[ -f "$f" ]] || continue
    if grep -qiE '^[^#/]*Acquire::[a-z]+::Proxy' "$f"; then
      mkdir -p "$ROOTFS/etc/apt/apt.conf.d"
      cp -a "$f" "$ROOTFS/etc/apt/apt.conf.d/$(basename "$f")"
      echo "release_check: copied apt proxy settings $f"
    fi
  done
}

mount_kernel_filesystems() {
  mount -t proc proc "$ROOTFS/proc"
  mount -t sysfs sysfs "$ROOTFS/sys" 2>/dev/null || mount --rbind /sys "$ROOTFS/sys"
  mount --rbind /dev "$ROOTFS/dev"
  mount --make-rslave "$ROOTFS/dev"
}

# Runs a bash command line as root inside the chroot, in a clean environment.
in_chroot() {
  chroot "$ROOTFS" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CI=true "${NET_ENV[@]}" /bin/bash -c "$1"
}

declare -A SECONDS_OF
phase() {  # phase NAME COMMAND...: runs and times one step
  local name="$1" start
  shift
  log "$name"
  start=$(date +%s)
  "$@"
  SECONDS_OF[$name]=$(($(date +%s) - start))
  log "$name: done in ${SECONDS_OF[$name]} s"
}

debootstrap_rootfs() {
  if ! command -v debootstrap >/dev/null; then
    echo "release_check: installing debootstrap on the host"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR"
}

prepare_rootfs() {
  copy_host_network_config
  mount_kernel_filesystems
  # shellcheck disable=SC2016  # expands inside the chroot
  in_chroot 'export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends git >/dev/null
    git --version
    for tool in make cmake g++ node npm; do
      if command -v "$tool" >/dev/null; then echo "not bare: $tool is installed" >&2; exit 1; fi
    done
    echo "bare: no make, cmake, g++, node, npm"'
}

clone_repo() {
  git clone --quiet --no-local "$SRC" "$ROOTFS/root/tessera"
  git -C "$ROOTFS/root/tessera" checkout --quiet --detach "$COMMIT"
  echo "cloned $SRC at $COMMIT into /root/tessera"
  if [[ -d "$SRC/../shared" ]]; then
    cp -a "$SRC/../shared" "$ROOTFS/root/shared"
    echo "copied $(cd "$SRC/../shared" && pwd) to /root/shared"
  else
    echo "no ../shared beside $SRC: tests that need the shared test data will skip (or fail under CI=true)"
  fi
}

START=$(date +%s)
log "commit $COMMIT; mirror $MIRROR; root file system $ROOTFS"
log "README test command: $TEST_CMD; demo command: $DEMO_CMD"
df -h "$WORK" | tail -n 1

phase "debootstrap (minbase $SUITE)" debootstrap_rootfs
phase "install git, check nothing else" prepare_rootfs
phase "clone" clone_repo
phase "test command: $TEST_CMD" in_chroot "cd /root/tessera && $TEST_CMD"
phase "demo command: $DEMO_CMD" in_chroot "cd /root/tessera && $DEMO_CMD"

log "summary (commit $COMMIT)"
for name in "debootstrap (minbase $SUITE)" "install git, check nothing else" "clone" \
  "test command: $TEST_CMD" "demo command: $DEMO_CMD"; do
  printf '  %-45s %5d s\n' "$name" "${SECONDS_OF[$name]}"
done
printf '  %-45s %5d s\n' "total" "$(($(date +%s) - START))"
printf '  %-45s %s\n' "root file system size" "$(du -sxh "$ROOTFS" | cut -f1)"
echo "release_check: PASSED"
