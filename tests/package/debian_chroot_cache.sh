#!/usr/bin/env bash
# ctest fixture: the cached clean Debian 12 root the package tests unpack (made once with
# debootstrap, reused while it is fresh). Exit 77: cannot run here (not root, no
# debootstrap, no mirror), except on CI, where that is a failure.
set -euo pipefail
source "$(dirname "$0")/debian_chroot.sh"

[[ $(id -u) -eq 0 ]] || dc_skip_or_fail "not root"
dc_need_tools debootstrap unshare chroot tar flock
SECONDS=0
dc_ensure_cache
dc_log "cached root: $DC_CACHE_TARBALL ($(du -h "$DC_CACHE_TARBALL" | cut -f1), ready in ${SECONDS}s)"
