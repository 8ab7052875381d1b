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
# ufw applies /etc/ufw/sysctl.conf and loads modules on enable: the namespace's sysctls and
# the host's modules are left alone. What each test starts from is kept beside (it copies
# these back when it ends).
finish_ufw_root() {
  local root=$1
  : >"$root/etc/ufw/sysctl.conf"
  sed -i 's/^IPT_MODULES=.*/IPT_MODULES=""/' "$root/etc/default/ufw"
  cp -a "$root/etc/ufw" "$root/etc/ufw.pristine"
  cp -a "$root/etc/default/ufw" "$root/etc/default/ufw.pristine"
}

dc_cached_root ufw-root finish_ufw_root ufw iptables
