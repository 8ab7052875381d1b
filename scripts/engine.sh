#!/usr/bin/env bash
# Docker engines beside the host's own, for the sandbox: Debian's docker.io from newer
# suites, downloaded and unpacked into a cache. Nothing is installed into the host's system:
# a private apt configuration leaves the host's sources, lists and dpkg database alone.
#
#   engine.sh fetch VERSION   download and unpack VERSION (26.1 or 28.5) unless cached
#   engine.sh root VERSION    print the unpacked root of VERSION (fetching it first)
#   engine.sh list            the versions this script knows
#
# 20.10 is the host's own docker.io (bookworm): nothing to fetch, `root 20.10` prints "/".
# Cache: $DND_ENGINE_CACHE, else engines/ in the tests' cache ($DND_TEST_CACHE_DIR, else
# /var/cache/docknetdoctor-tests, beside the package tests' Debian root; HOME may be unset).
# The unpacked binaries that need a newer glibc than bookworm's (runc, xtables-*-multi) are
# pointed at the release's own loader and libraries with patchelf; the path patched in is
# absolute, so a moved cache is fetched again.
set -euo pipefail

readonly MIRROR=${DND_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly CACHE=${DND_ENGINE_CACHE:-${DND_TEST_CACHE_DIR:-/var/cache/docknetdoctor-tests}/engines}

die() { echo "engine: $*" >&2; exit 1; }

# VERSION -> the Debian suite that carries it, and the package that provides docker-init.
suite_of() {
  case $1 in
    26.1) echo trixie ;;
    28.5) echo sid ;;
    *) return 1 ;;
  esac
}
init_package_of() { [[ $1 == 28.5 ]] && echo tini-static || echo tini; }

readonly PACKAGES=(docker.io docker-cli containerd runc libc6 libseccomp2 iptables libxtables12 libip4tc2
  libip6tc2 libnftnl11 libmnl0 libnetfilter-conntrack3 libnfnetlink0)

fetch() {
  local version=$1 suite
  suite=$(suite_of "$version") || die "unknown engine version $version (known: 20.10 $(list_versions))"
  local dir=$CACHE/$version root=$CACHE/$version/root
  [[ -f $dir/ready && $(cat "$dir/ready") == "$root" ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "fetching an engine needs root (apt-get download as the sandbox user root)"
  command -v apt-get >/dev/null || die "no apt-get: engines come from Debian's packages"
  rm -rf --one-file-system "$dir"
  mkdir -p "$dir"/apt/lists/partial "$dir"/apt/cache/archives/partial "$dir"/debs "$root"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $suite main" >"$dir/apt/sources.list"
  local apt=(-o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache" -o APT::Sandbox::User=root)
  echo "engine: fetching docker.io $version from Debian $suite into $dir" >&2
  apt-get "${apt[@]}" update -qq || die "apt-get update for $suite failed"
  # A suite moves on: sid may carry a newer release than the one asked for.
  local candidate
  candidate=$(apt-cache "${apt[@]}" policy docker.io | awk '/Candidate:/ { print $2 }')
  [[ $candidate == "$version".* ]] || die "Debian $suite now carries docker.io $candidate, not $version"
  (cd "$dir/debs" && apt-get "${apt[@]}" download -qq "${PACKAGES[@]}" "$(init_package_of "$version")") \
    || die "downloading the packages of docker.io $version failed"
  # bookworm's patchelf, from the host's own lists, also unpacked rather than installed.
  (cd "$dir" && apt-get download -qq patchelf) || die "downloading patchelf failed"
  local deb
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  dpkg-deb -x "$dir"/patchelf_*.deb "$dir/patchelf"
  local libs=$root/usr/lib/x86_64-linux-gnu binary
  for binary in "$root"/usr/sbin/runc "$root"/usr/bin/runc "$root"/usr/sbin/xtables-*-multi; do
    [[ -f $binary && ! -L $binary ]] || continue
    "$dir/patchelf/usr/bin/patchelf" --set-interpreter "$libs/ld-linux-x86-64.so.2" --force-rpath \
      --set-rpath "$libs" "$binary" || die "patchelf failed on $binary"
  done
  "$root/usr/sbin/dockerd" --version >/dev/null || die "the unpacked dockerd does not run"
  rm -rf --one-file-system "$dir/debs" "$dir/apt" "$dir"/patchelf_*.deb
  echo "$root" >"$dir/ready"
  echo "engine: docker.io $version ready: $("$root/usr/sbin/dockerd" --version)" >&2
}

list_versions() { echo "26.1 28.5"; }

case ${1:-} in
  fetch) [[ $# -eq 2 ]] || die "usage: $0 fetch VERSION"
    [[ $2 == 20.10 ]] || fetch "$2" ;;
  root) [[ $# -eq 2 ]] || die "usage: $0 root VERSION"
    if [[ $2 == 20.10 ]]; then echo /; else fetch "$2"; echo "$CACHE/$2/root"; fi ;;
  list) echo "20.10 $(list_versions)" ;;
  *) echo "usage: $0 fetch VERSION | root VERSION | list" >&2; exit 2 ;;
esac
