#!/usr/bin/env bash
# Installs what docknetdoctor needs to build and test, from Debian 12 packages only.
# Run as root. Idempotent: packages already installed are not fetched again.
set -euo pipefail
#   scripts/setup.sh           what building and every test need
#   scripts/setup.sh --build   what building and packaging need (the Dockerfile's build stage)
#   scripts/setup.sh --fuzz    what building needs, and AFL++ for scripts/fuzz.sh

build_packages=(
  g++ cmake make pkg-config
  libnftnl-dev libmnl-dev libboost-dev nlohmann-json3-dev libfmt-dev libcli11-dev libsystemd-dev
  # firewalld's zone files (when its D-Bus does not answer)
  libtinyxml2-dev
  # trace: iptables-legacy's TRACE records (nfnetlink_log); conntrack entries (ctnetlink)
  libnetfilter-log-dev libnetfilter-conntrack-dev
  # the .deb: cpack's dpkg-shlibdeps writes Depends from the linked libraries; it needs file
  dpkg-dev file
)
test_packages=(
  libgtest-dev libgmock-dev
  # integration tests: a real engine in namespaces, busybox image, netfilter tools
  busybox-static nftables iptables iproute2 util-linux procps
  # conntrack.stale-entry's fix (conntrack -D), run as the report gives it
  conntrack
  # journal files for the SELinux journal reader's tests (systemd-journal-remote writes them)
  systemd-journal-remote
  # a real bus without firewalld on it, for the firewalld reader's tests
  dbus-daemon
  # JSON Schema validation of reports in tests, and the real readers of the other formats
  python3 python3-jsonschema python3-prometheus-client python3-junitparser
  # shell completion, tested in the real shells
  bash-completion zsh fish
  # package tests: a clean Debian 12 root to install the .deb in; systemd-analyze verifies
  # the units
  debootstrap systemd
)
case ${1:-} in
  --build) packages=("${build_packages[@]}"); what="build" ;;
  # afl++ brings afl-g++ (instrumentation by gcc's assembler pass): clang 14 cannot
  # compile libstdc++ 12's std::expected, so the fuzz targets are built with gcc.
  --fuzz) packages=("${build_packages[@]}" afl++ time); what="build and fuzz" ;;
  "") packages=("${build_packages[@]}" "${test_packages[@]}"); what="build and test"
      # docker.io conflicts with Docker's own docker-ce packages: a host that already has a
      # dockerd keeps it (the sandbox starts that binary with its own socket and data root).
      command -v dockerd >/dev/null 2>&1 || packages+=(docker.io) ;;
  *) echo "usage: $0 [--build | --fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # docker.io's maintainer scripts may try to start the service; in a container or CI
  # without systemd that must not fail the install.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all $what dependencies present"
