#!/usr/bin/env bash
# firewalld 1.3 running for real in a network namespace, without systemd: the root made by
# tests/integration/firewalld_root.sh, its /dnd-firewalld-init.sh as PID 1 of a new pid and
# mount namespace (dbus-daemon, then firewalld), chrooted into the root. Nothing runs in
# the host's network namespace: firewalld writes its rules into NETNS_PATH's only.
#
#   firewalld_daemon.sh start ROOT NETNS_PATH   start it in that netns, wait until
#                                   `firewall-cmd --state` says running, and print the bus
#                                   address (unix:path=ROOT/run/dbus/system_bus_socket)
#   firewalld_daemon.sh stop ROOT   stop it as `systemctl stop firewalld` would (TERM: firewalld
#                                   removes its table), KILL if it does not end, remove the socket,
#                                   put /etc/firewalld back as shipped (idempotent, never fails)
#   firewalld_daemon.sh cmd ROOT -- CMD...   CMD (the root's firewall-cmd, say) in the root,
#                                   in a private mount namespace, with DBUS_SYSTEM_BUS_ADDRESS
#                                   set: it talks to firewalld over the bus, so any netns will do
#   firewalld_daemon.sh address ROOT         print the bus address
#
# A client outside the root (busctl, the tool under test) connects with
# DBUS_SYSTEM_BUS_ADDRESS=unix:path=ROOT/run/dbus/system_bus_socket: /run in the root is a
# plain directory, not a tmpfs of the private mount namespace, so the socket is seen there.
# What firewalld 1.3 does to Docker (FirewallBackend=nftables, FlushAllOnReload=yes), seen in
# the sandbox: start, `firewall-cmd --reload` and a clean stop each flush iptables' filter and
# nat tables, Docker's chains and DNAT rules included; the test puts them back itself
# (iptables-restore of a dump saved before start, or sandbox.sh restart and starting the
# containers again). A reload also drops runtime interface bindings (docker0 leaves zone docker).
# The sandbox's dockerd talks to the host's system bus, never this one: Docker's own firewalld
# setup (zone docker, policy docker-forwarding) is made by the test with firewall-cmd.
# One firewalld per root at a time: start waits (bounded) for a lock the running one holds.
# Files in the root: run/dnd-firewalld.pid (PID 1, as the host numbers it), run/dnd-firewalld.netns,
# var/log/dnd-firewalld-init.log (PID 1's output), var/log/firewalld (firewalld's log).
# Exit 77 from start: it cannot run here (not root, no nsenter/unshare, path too long),
# except on CI.
set -euo pipefail
source "$(dirname "$0")/../package/debian_chroot.sh"

readonly START_TIMEOUT=${DND_FIREWALLD_START_TIMEOUT:-20}
readonly LOCK_WAIT=${DND_FIREWALLD_LOCK_WAIT:-60}
readonly STOP_GRACE=10
# Inside the root; the same path as the host sees it is ROOT plus this.
readonly BUS_SOCKET=/run/dbus/system_bus_socket

usage() {
  echo "usage: $0 start ROOT NETNS_PATH | stop ROOT | cmd ROOT -- CMD... | address ROOT" >&2
  exit 2
}

root_arg() {
  [[ -n ${1:-} ]] || usage
  realpath -e -- "$1" 2>/dev/null || dc_fail "no root at $1"
}

address_of() { echo "unix:path=$1$BUS_SOCKET"; }

pid_alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# The pid the file names, when that process is still ours: its root directory is ROOT (a
# recycled pid is never signalled).
recorded_pid() {
  local root=$1 pid
  pid=$(cat "$root/run/dnd-firewalld.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$root" ]] || return 1
  echo "$pid"
}

# The new pid namespace's PID 1, as the host numbers it: the process whose root directory is
# ROOT and whose pid in its innermost namespace (the last NSpid field) is 1.
ns_init_of() {
  local root=$1 status pid nspid
  for status in /proc/[0-9]*/status; do
    pid=${status#/proc/}
    pid=${pid%/status}
    [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$root" ]] || continue
    nspid=$(sed -n 's/^NSpid:[[:space:]]*//p' "$status" 2>/dev/null) || continue
    [[ ${nspid##*[[:space:]]} == 1 && $nspid == *[[:space:]]* ]] || continue
    echo "$pid"
    return 0
  done
  return 1
}

# CMD in the root with the bus address set: a private mount namespace for its /proc (dc_run).
in_root() {
  local root=$1
  shift
  dc_run "$root" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BUS_SOCKET" "$@"
}

do_start() {
  local root netns
  root=$(root_arg "${1:-}")
  [[ -n ${2:-} ]] || usage
  netns=$2
  [[ $(id -u) -eq 0 ]] || dc_skip_or_fail "not root"
  dc_need_tools nsenter unshare chroot setsid flock
  [[ -x $root/dnd-firewalld-init.sh ]] || dc_fail "$root is not a firewalld root (tests/integration/firewalld_root.sh)"
  [[ -e $netns ]] || dc_fail "no network namespace at $netns"
  # sun_path holds 108 bytes with its NUL.
  local socket="$root$BUS_SOCKET"
  ((${#socket} < 108)) || dc_skip_or_fail "root path too long for a unix socket: $socket"

  # Held by PID 1 and its children (the descriptor is inherited): free when the namespace is gone.
  exec {lock}>"$root/run/dnd-firewalld.lock"
  flock -w "$LOCK_WAIT" "$lock" || dc_fail "another firewalld still runs from $root (pid $(cat "$root/run/dnd-firewalld.pid" 2>/dev/null))"
  rm -f "$root/run/dnd-firewalld.pid" "$socket"
  restore_pristine "$root"
  echo "$netns" >"$root/run/dnd-firewalld.netns"
  : >"$root/var/log/firewalld"
  local log="$root/var/log/dnd-firewalld-init.log"
  # setsid and no inherited stdio: the test's pipes close when this script ends. The /proc
  # mount (--mount-proc) lives in the new mount namespace only; unshare makes it private.
  # -w: should setsid have to fork, $! still lives as long as the namespace does.
  setsid -w nsenter --net="$netns" unshare -m -p -f --propagation private --mount-proc="$root/proc" \
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    /dnd-firewalld-init.sh </dev/null >"$log" 2>&1 &
  local launcher=$! init="" deadline=$((SECONDS + START_TIMEOUT))
  exec {lock}>&-
  while ((SECONDS < deadline)); do
    if [[ -z $init ]]; then
      init=$(ns_init_of "$root") || init=""
      [[ -n $init ]] && echo "$init" >"$root/run/dnd-firewalld.pid"
    fi
    if ! pid_alive "$launcher"; then
      tail -n 20 "$log" "$root/var/log/firewalld" >&2
      do_stop "$root"
      dc_fail "firewalld exited during startup (logs: $log, $root/var/log/firewalld)"
    fi
    if [[ -n $init && -S $socket ]] && [[ $(in_root "$root" firewall-cmd --state 2>/dev/null) == running ]]; then
      address_of "$root"
      return 0
    fi
    sleep 0.2
  done
  tail -n 20 "$log" "$root/var/log/firewalld" >&2
  do_stop "$root"
  dc_fail "firewalld was not running within ${START_TIMEOUT}s (logs: $log, $root/var/log/firewalld)"
}

# /etc/firewalld as shipped (what each start begins from).
restore_pristine() {
  local root=$1
  [[ -d $root/etc/firewalld.pristine ]] || return 0
  rm -rf --one-file-system "$root/etc/firewalld" 2>/dev/null || true
  cp -a "$root/etc/firewalld.pristine" "$root/etc/firewalld" 2>/dev/null || true
}

do_stop() {
  local root pid netns lock
  root=$(realpath -e -- "${1:-}" 2>/dev/null) || return 0
  [[ -d $root && $root != / ]] || return 0
  # The namespace this firewalld ran in, read before it ends (a new start rewrites the file).
  netns=$(cat "$root/run/dnd-firewalld.netns" 2>/dev/null) || netns=""
  if pid=$(recorded_pid "$root"); then
    # TERM: PID 1 stops firewalld, which removes its rules (CleanupOnExit=yes); then KILL,
    # which ends every process of the pid namespace.
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_GRACE))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  fi
  # A firewalld killed before its cleanup leaves its table in the namespace.
  if [[ -n $netns && -e $netns ]] && command -v nft >/dev/null &&
     nsenter --net="$netns" nft list table inet firewalld >/dev/null 2>&1; then
    dc_log "firewalld left table inet firewalld in $netns: deleting it"
    nsenter --net="$netns" nft delete table inet firewalld 2>/dev/null || true
  fi
  # The root's files are the next firewalld's once its start holds the lock (freed when PID 1
  # ended): they are cleaned only while no start has taken it.
  exec {lock}>"$root/run/dnd-firewalld.lock"
  if flock -n "$lock"; then
    rm -f "$root$BUS_SOCKET" "$root/run/dnd-firewalld.pid" "$root/run/dnd-firewalld.netns"
    restore_pristine "$root"
  fi
  exec {lock}>&-
  return 0
}

do_cmd() {
  local root
  root=$(root_arg "${1:-}")
  shift
  [[ ${1:-} == "--" ]] && shift
  [[ $# -gt 0 ]] || usage
  in_root "$root" "$@"
}

[[ $# -ge 2 ]] || usage
action=$1
shift
case $action in
  start) [[ $# -eq 2 ]] || usage; do_start "$@" ;;
  stop) do_stop "$1" || true; exit 0 ;;
  cmd) do_cmd "$@" ;;
  address) address_of "$(root_arg "$1")" ;;
  *) usage ;;
esac
