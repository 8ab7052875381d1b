#!/usr/bin/env bash
# The Debian 12 root the UFW integration tests run ufw from: the package tests' cached
# bookworm minbase (tests/package/debian_chroot.sh) with ufw and iptables installed, kept
# unpacked beside that cache and reused while it is fresh. ufw is never installed on this
# host: its package scripts run in the chroot with service starts refused (policy-rc.d),
# and ufw itself runs only in the sandbox's network namespace, in a private mount namespace.
#   ufw_root.sh            print the root's path (made first when there is none)
# Exit 77: it cannot be made here (not root, no debootstrap, no mirror), except on CI.
set -euo pipefail
source "$(dirname "$0")/../package/debian_chroot.sh"

[[ $(id -u) -eq 0 ]] || dc_skip_or_fail "not root"
dc_need_tools debootstrap unshare chroot tar flock
root="$DC_CACHE_DIR/$DC_SUITE-ufw-root"
# The root is complete when this file exists: a half-made root is never used.
complete="$root.complete"

mkdir -p "$DC_CACHE_DIR" || dc_skip_or_fail "cannot create $DC_CACHE_DIR"
exec {ufw_lock}>"$DC_CACHE_DIR/.ufw-lock"
flock "$ufw_lock"
if [[ ! -f $complete || -n $(find "$complete" -mtime +"$DC_CACHE_MAX_DAYS" 2>/dev/null) ]]; then
  rm -f "$complete"
  dc_remove "$root" || exit 1
  dc_ensure_cache
  SECONDS=0
  mkdir -p "$root"
  dc_unpack "$root" || dc_fail "cannot unpack the cached root into $root"
  dc_check_mirror "$(dc_mirror)"
  dc_run "$root" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends ufw iptables' \
    >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; dc_fail "installing ufw into $root"; }
  rm -f "$root.log" "$root/var/cache/apt/archives/"*.deb
  # ufw applies /etc/ufw/sysctl.conf and loads modules on enable: the namespace's sysctls
  # and the host's modules are left alone.
  : >"$root/etc/ufw/sysctl.conf"
  sed -i 's/^IPT_MODULES=.*/IPT_MODULES=""/' "$root/etc/default/ufw"
  # What each test starts from (it copies these back when it ends).
  cp -a "$root/etc/ufw" "$root/etc/ufw.pristine"
  cp -a "$root/etc/default/ufw" "$root/etc/default/ufw.pristine"
  touch "$complete"
  dc_log "made $root with $(dc_run "$root" ufw version | head -n 1) in ${SECONDS}s"
fi
flock -u "$ufw_lock"
echo "$root"
