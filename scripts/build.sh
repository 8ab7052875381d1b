#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/). Extra arguments go to cmake.
#   scripts/build.sh                      # release-ish build with warnings as errors
#   scripts/build.sh build-asan -DDND_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDND_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
