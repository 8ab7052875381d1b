#!/usr/bin/env bash
# The Debian 12 root the firewalld integration tests run firewalld 1.3 from: the package
# tests' cached bookworm minbase (tests/package/debian_chroot.sh) with firewalld, dbus,
# iptables, nftables and iproute2 installed, kept unpacked beside that cache and reused while
# it is fresh. firewalld is never installed on this host: its package scripts run in the
# chroot with service starts refused (dc_unpack's policy-rc.d), and firewalld itself runs only
# as PID 1's child of a pid and mount namespace inside the sandbox's network namespace
# (tests/integration/firewalld_daemon.sh), without systemd.
#   firewalld_root.sh      print the root's path (made first when there is none)
# Besides the packages the root holds what firewalld_daemon.sh starts:
#   /etc/dnd-bus.conf          a system bus on unix:path=/run/dbus/system_bus_socket
#   /dnd-firewalld-init.sh     PID 1: lo up, dbus-daemon, then firewalld
#   /etc/firewalld.pristine    /etc/firewalld as shipped (each test's stop copies it back)
# Exit 77: it cannot be made here (not root, no debootstrap, no mirror), except on CI.
set -euo pipefail
source "$(dirname "$0")/../package/debian_chroot.sh"

[[ $(id -u) -eq 0 ]] || dc_skip_or_fail "not root"
dc_need_tools debootstrap unshare chroot tar flock

# A bus like the system bus, minus the distribution's policy files: firewalld's own
# (/usr/share/dbus-1/system.d/FirewallD.conf) only lets root own the name and defers the
# rest to polkit, which is not installed. Every message type is allowed, replies and errors
# included: with only method_call and signal allowed, firewalld's own calls never get their
# answer and it hangs at startup. No <user>: it stays root, so a client that is root in the
# host's namespaces may connect (EXTERNAL authentication by uid). No service activation.
write_bus_config() {
  cat >"$1/etc/dnd-bus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- The docknetdoctor tests' system bus for firewalld (tests/integration/firewalld_root.sh). -->
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="method_return"/>
    <allow send_type="signal"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="signal"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
EOF
}

# PID 1 of firewalld's pid namespace (firewalld_daemon.sh start). /run is the root's own
# directory, not a tmpfs: the bus socket must be reachable from the host's mount namespace as
# ROOT/run/dbus/system_bus_socket. On TERM firewalld is stopped first, so that it removes its
# rules (CleanupOnExit); a KILL of this PID takes the whole namespace down at once.
write_init() {
  cat >"$1/dnd-firewalld-init.sh" <<'EOF'
#!/bin/sh
# PID 1 of firewalld's namespace (written by tests/integration/firewalld_root.sh).
set -u
socket=/run/dbus/system_bus_socket
ip link set lo up
mkdir -p /run/dbus /var/log
rm -f "$socket"
dbus-daemon --config-file=/etc/dnd-bus.conf --nofork --nopidfile &
bus=$!
# firewalld exits at once when the bus is not there yet.
tries=0
while [ ! -S "$socket" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ] || ! kill -0 "$bus" 2>/dev/null; then
    echo "dnd-firewalld-init: no bus at $socket" >&2
    exit 1
  fi
  sleep 0.1
done
firewalld --nofork --nopid --log-target=file --log-file=/var/log/firewalld &
fw=$!
trap 'kill -TERM "$fw" 2>/dev/null' TERM INT
# wait returns early when the trap runs: wait again for firewalld's cleanup to end.
wait "$fw"
wait "$fw"
status=$?
kill -TERM "$bus" 2>/dev/null
wait "$bus"
exit "$status"
EOF
  chmod 755 "$1/dnd-firewalld-init.sh"
}

# dbus-daemon wants a machine id (a minbase root without systemd may have none), then the
# bus, PID 1, and what each test starts from (firewalld_daemon.sh stop copies it back).
finish_firewalld_root() {
  local root=$1
  [[ -s $root/etc/machine-id ]] || dc_run "$root" dbus-uuidgen --ensure=/etc/machine-id
  write_bus_config "$root"
  write_init "$root"
  cp -a "$root/etc/firewalld" "$root/etc/firewalld.pristine"
}

# iproute2: the init script brings lo up with it.
dc_cached_root firewalld-root finish_firewalld_root firewalld dbus iptables nftables iproute2
