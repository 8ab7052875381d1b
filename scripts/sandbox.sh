#!/usr/bin/env bash
# A throw-away Docker engine in its own network namespaces, for integration tests and the demo.
#
#   sandbox.sh start DIR            create netns pair, start dockerd, import the busybox image
#   sandbox.sh stop DIR             tear everything down (idempotent, never fails)
#   sandbox.sh restart DIR          restart dockerd as `systemctl restart docker` would: its
#                                   rules are written again; containers come back only if
#                                   their restart policy says so
#   sandbox.sh run DIR -- CMD...    run CMD in the host netns with DOCKER_HOST set
#   sandbox.sh client DIR -- CMD... run CMD in the client netns
#
# Layout: netns dnd-h-ID holds dockerd (and is where docknetdoctor runs); netns dnd-c-ID is
# an outside client joined to it by a veth pair (host side "ext0" 10.231.N.1/24 and
# fd00:dd:N::1/64, client 10.231.N.2/24 and fd00:dd:N::2/64). ID and N derive from DIR, so two build trees never share a sandbox.
# Exit 77 from start means "cannot run here" (ctest reports the fixture as skipped).
# DND_SANDBOX_ACTIVATION=socket at start: dockerd gets its API socket as systemd's
# docker.socket hands it over (-H fd://): another process creates and holds the listener.
# DND_ENGINE=26.1|28.5 at start: that release of Debian's docker.io (scripts/engine.sh fetches
# and unpacks it into a cache) instead of the host's dockerd; restart keeps the same engine.
# A DIR/daemon.json present at start is the engine's configuration (a test writes
# {"userland-proxy": false} there); otherwise it gets an empty one.
# Nothing outside DIR, the two namespaces and the processes started here is touched.
set -u

readonly IMAGE_TAG="dnd-busybox:1"
readonly SKIP=77

die() { echo "sandbox: $*" >&2; exit 1; }
skip() { echo "sandbox: cannot run here: $*" >&2; exit "$SKIP"; }
log() { echo "sandbox: $*" >&2; }

usage() {
  echo "usage: $0 start DIR | stop DIR | restart DIR | run DIR -- CMD... | client DIR -- CMD..." >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
readonly ACTION=$1
DIR=$(realpath -m -- "$2") || die "bad directory: $2"
readonly DIR
shift 2

# Derived names: the hash makes them stable per DIR and distinct between DIRs.
HASH=$(printf '%s' "$DIR" | sha256sum | cut -c1-8)
readonly HASH
readonly ID=$HASH
readonly HOST_NS="dnd-h-$ID"
readonly CLIENT_NS="dnd-c-$ID"
readonly SUBNET_N=$(( 16#${HASH:0:4} % 250 + 1 ))
readonly HOST_ADDR="10.231.$SUBNET_N.1"
readonly CLIENT_ADDR="10.231.$SUBNET_N.2"
# The same link over IPv6 (a unique local prefix; never routed anywhere).
# (emptied when the kernel has IPv6 off: the IPv6 tests then skip).
HOST_ADDR6="fd00:dd:$SUBNET_N::1"
CLIENT_ADDR6="fd00:dd:$SUBNET_N::2"
readonly CTR_NS="dnd-$ID"
readonly SOCK="$DIR/docker.sock"
export DOCKER_HOST="unix://$SOCK"

docker_cli() { timeout 30 docker "$@"; }

# ---- start ---------------------------------------------------------------------------------

check_can_run() {
  [[ $(id -u) -eq 0 ]] || skip "not root"
  command -v nsenter >/dev/null || skip "no nsenter"
  command -v dockerd >/dev/null || skip "no dockerd"
  command -v docker >/dev/null || skip "no docker CLI"
  command -v busybox >/dev/null || skip "no busybox (busybox-static)"
  command -v ip >/dev/null || skip "no ip (iproute2)"
  ip netns list >/dev/null 2>&1 || skip "ip netns does not work"
  # A unix socket path is limited to 108 bytes; containerd's is the longest one we create.
  local longest="$DIR/exec/containerd/containerd-debug.sock"
  [[ ${#longest} -lt 100 ]] || skip "directory path too long for unix sockets: $DIR"
}

sandbox_exists() {
  [[ -e "$DIR/env" || -e "$DIR/docker.pid" || -e "/run/netns/$HOST_NS" || -e "/run/netns/$CLIENT_NS" ]]
}

create_namespaces() {
  ip netns add "$HOST_NS" || die "cannot create netns $HOST_NS"
  ip netns add "$CLIENT_NS" || die "cannot create netns $CLIENT_NS"
  ip -n "$HOST_NS" link set lo up
  ip -n "$CLIENT_NS" link set lo up
  ip -n "$HOST_NS" link add ext0 type veth peer name eth0 netns "$CLIENT_NS" \
    || die "cannot create the veth pair"
  ip -n "$HOST_NS" addr add "$HOST_ADDR/24" dev ext0
  ip -n "$CLIENT_NS" addr add "$CLIENT_ADDR/24" dev eth0
  ip -n "$HOST_NS" link set ext0 up
  ip -n "$CLIENT_NS" link set eth0 up
  ip -n "$CLIENT_NS" route add default via "$HOST_ADDR" || die "cannot add the client's default route"
  # nodad: usable at once, not after duplicate address detection.
  if ! { ip -n "$HOST_NS" -6 addr add "$HOST_ADDR6/64" dev ext0 nodad &&
         ip -n "$CLIENT_NS" -6 addr add "$CLIENT_ADDR6/64" dev eth0 nodad &&
         ip -n "$CLIENT_NS" -6 route add default via "$HOST_ADDR6"; }; then
    log "no IPv6 on the sandbox's link (the kernel has it off?): IPv6 tests will skip"
    HOST_ADDR6= CLIENT_ADDR6=
  fi
}

# Socket activation as systemd does it: bind and listen, then start dockerd as a child with
# the listener as fd 3, LISTEN_FDS=1 and LISTEN_PID=its pid, and keep holding the socket.
readonly SOCKET_ACTIVATOR='
import os, socket, sys
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(128)
child = os.fork()
if child == 0:
    os.dup2(listener.fileno(), 3)
    os.set_inheritable(3, True)
    os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
    os.execvp(sys.argv[2], sys.argv[2:])
os.waitpid(child, 0)
'

# The engine's programs: the host's, or an unpacked release's (its dockerd, containerd, runc,
# docker-proxy, docker-init and iptables, with that iptables' own extensions).
engine_environment=()
engine_options=()
select_engine() {
  local version=$1
  SELECTED_ENGINE=$version
  [[ $version == host ]] && return 0
  local root engine_bin
  root=$("$(dirname "$(realpath "$0")")/engine.sh" root "$version") || die "cannot get engine $version"
  # iptables is an alternative Debian sets up at install time: unpacked, only iptables-nft
  # and friends exist, so the names dockerd runs point at the release's nft backend.
  engine_bin="$DIR/engine-bin"
  mkdir -p "$engine_bin"
  local name
  for name in iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore; do
    ln -sf "$root/usr/sbin/xtables-nft-multi" "$engine_bin/$name"
  done
  engine_environment=(PATH="$engine_bin:$root/usr/sbin:$root/usr/bin:$PATH"
    XTABLES_LIBDIR="$root/usr/lib/x86_64-linux-gnu/xtables")
  # dockerd 28 defaults --userland-proxy-path to /usr/sbin/docker-proxy, the host's.
  engine_options=(--userland-proxy-path "$root/usr/sbin/docker-proxy" --init-path "$root/usr/bin/docker-init")
}

start_dockerd() {
  mkdir -p "$DIR/data" "$DIR/exec"
  # Its own (empty) configuration: the host's /etc/docker/daemon.json is not the sandbox's.
  [[ -f $DIR/daemon.json ]] || echo '{}' >"$DIR/daemon.json"
  local launcher=() api=(-H "unix://$SOCK")
  if [[ ${DND_SANDBOX_ACTIVATION:-} == socket ]]; then
    command -v python3 >/dev/null || skip "no python3 for socket activation"
    launcher=(python3 -c "$SOCKET_ACTIVATOR" "$SOCK")
    api=(-H fd://)
  fi
  # nsenter, not `ip netns exec`: the latter remounts /sys and dockerd then finds no cgroups.
  # setsid and no inherited stdio: ctest waits for its pipes to close, dockerd must not hold them.
  setsid nsenter --net="/run/netns/$HOST_NS" env "${engine_environment[@]}" "${launcher[@]}" \
    dockerd --config-file "$DIR/daemon.json" --data-root "$DIR/data" --exec-root "$DIR/exec" \
      --pidfile "$DIR/docker.pid" "${api[@]}" "${engine_options[@]}" \
      --containerd-namespace "$CTR_NS" --containerd-plugins-namespace "$CTR_NS-p" \
      </dev/null >"$DIR/dockerd.log" 2>&1 &
  local started=$!
  local deadline=$(( SECONDS + 60 ))
  while (( SECONDS < deadline )); do
    if [[ -S "$SOCK" ]] && timeout 5 docker version >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$started" 2>/dev/null; then
      tail -n 20 "$DIR/dockerd.log" >&2
      die "dockerd exited during startup (log: $DIR/dockerd.log)"
    fi
    sleep 0.5
  done
  tail -n 20 "$DIR/dockerd.log" >&2
  die "dockerd did not answer within 60 s (log: $DIR/dockerd.log)"
}

import_image() {
  local rootfs="$DIR/image-rootfs"
  rm -rf --one-file-system "$rootfs"
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,www}
  chmod 1777 "$rootfs/tmp"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  local applet
  for applet in $(busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  echo "docknetdoctor sandbox" >"$rootfs/www/index.html"
  tar -C "$rootfs" -c . | timeout 60 docker import \
      --change 'ENV PATH=/bin' --change 'WORKDIR /www' --change 'CMD ["sh"]' - "$IMAGE_TAG" >/dev/null \
    || die "docker import failed"
  rm -rf --one-file-system "$rootfs"
}

write_env() {
  cat >"$DIR/env.tmp" <<EOF
DOCKER_HOST=unix://$SOCK
HOST_NETNS=/run/netns/$HOST_NS
CLIENT_NETNS=/run/netns/$CLIENT_NS
HOST_ADDR=$HOST_ADDR
CLIENT_ADDR=$CLIENT_ADDR
HOST_ADDR6=$HOST_ADDR6
CLIENT_ADDR6=$CLIENT_ADDR6
IMAGE=$IMAGE_TAG
SANDBOX_ID=$ID
ACTIVATION=${DND_SANDBOX_ACTIVATION:-listen}
ENGINE=$SELECTED_ENGINE
ENGINE_VERSION=$(timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null)
SERVICE_BIN=$DIR/bin
EOF
  mv "$DIR/env.tmp" "$DIR/env"
}

# A stand-in for the service manager, so a fix text's `systemctl restart docker` runs as
# written with SERVICE_BIN first on PATH. It knows that one command only.
write_service_manager() {
  mkdir -p "$DIR/bin"
  cat >"$DIR/bin/systemctl" <<SCRIPT
#!/usr/bin/env bash
case "\$*" in
  "restart docker"|"restart docker.service") exec "$(realpath "$0")" restart "$DIR" ;;
  *) echo "sandbox systemctl: only 'restart docker' is known here, not: \$*" >&2; exit 1 ;;
esac
SCRIPT
  chmod +x "$DIR/bin/systemctl"
}

do_start() {
  check_can_run
  if sandbox_exists; then
    log "stale sandbox for $DIR found, stopping it first"
    do_stop
  fi
  mkdir -p "$DIR" || die "cannot create $DIR"
  # A failed start leaves nothing behind.
  trap 'do_stop >/dev/null 2>&1' EXIT
  select_engine "${DND_ENGINE:-host}"
  create_namespaces
  start_dockerd
  import_image
  write_service_manager
  write_env
  trap - EXIT
  log "ready: DOCKER_HOST=$DOCKER_HOST host netns $HOST_NS ($HOST_ADDR), client netns $CLIENT_NS ($CLIENT_ADDR)"
}

# ---- stop ----------------------------------------------------------------------------------

pid_alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# Sends TERM, waits up to $2 seconds, then KILL.
terminate() {
  local pid=$1 grace=$2
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  local deadline=$(( SECONDS + grace ))
  while pid_alive "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  return 0
}

# Engine processes (dockerd, containerd, shims) whose command line mentions DIR.
engine_pids_mentioning_dir() {
  local procdir pid comm
  for procdir in /proc/[0-9]*; do
    pid=${procdir#/proc/}
    comm=$(cat "$procdir/comm" 2>/dev/null) || continue
    [[ $comm == dockerd || $comm == containerd* ]] || continue
    if tr '\0' ' ' <"$procdir/cmdline" 2>/dev/null | grep -qF -- "$DIR/"; then
      echo "$pid"
    fi
  done
}

remove_containers() {
  [[ -S "$SOCK" ]] || return 0
  timeout 5 docker version >/dev/null 2>&1 || return 0
  local ids
  mapfile -t ids < <(docker_cli ps -aq 2>/dev/null)
  (( ${#ids[@]} > 0 )) && timeout 60 docker rm -f "${ids[@]}" >/dev/null 2>&1
  return 0
}

# Containers whose engine died before removing them: kill them through runc's state dir.
kill_orphan_containers() {
  command -v runc >/dev/null || return 0
  local root="$DIR/exec/runtime-runc/$CTR_NS" cid
  [[ -d $root ]] || return 0
  for cid in $(timeout 10 runc --root "$root" list -q 2>/dev/null); do
    timeout 10 runc --root "$root" kill --all "$cid" KILL >/dev/null 2>&1
    timeout 10 runc --root "$root" delete --force "$cid" >/dev/null 2>&1
  done
  return 0
}

stop_processes() {
  local dockerd_pid=""
  [[ -f "$DIR/docker.pid" ]] && dockerd_pid=$(cat "$DIR/docker.pid" 2>/dev/null)
  pid_alive "$dockerd_pid" && terminate "$dockerd_pid" 20
  kill_orphan_containers
  local pid
  for pid in $(engine_pids_mentioning_dir); do terminate "$pid" 5; done
  # Whatever still runs in our namespaces (test helpers such as a port holder, docker-proxy).
  local ns
  for ns in "$HOST_NS" "$CLIENT_NS"; do
    [[ -e "/run/netns/$ns" ]] || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do terminate "$pid" 2; done
  done
  return 0
}

unmount_below_dir() {
  local mounts m
  for _ in 1 2 3; do
    # Field 2 of /proc/self/mounts, octal escapes (\040 for space) left as they are: our paths have none.
    mounts=$(awk -v d="$DIR" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
    [[ -z $mounts ]] && return 0
    while IFS= read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    done <<<"$mounts"
  done
  return 0
}

do_stop() {
  remove_containers
  stop_processes
  unmount_below_dir
  local ns
  for ns in "$HOST_NS" "$CLIENT_NS"; do
    [[ -e "/run/netns/$ns" ]] && ip netns delete "$ns" 2>/dev/null
  done
  [[ -e $DIR ]] && rm -rf --one-file-system "$DIR" 2>/dev/null
  if [[ -e $DIR ]]; then
    log "warning: could not remove all of $DIR"
  fi
  return 0
}

# ---- restart -------------------------------------------------------------------------------

do_restart() {
  [[ -f "$DIR/env" ]] || die "no sandbox at $DIR (run: $0 start $DIR)"
  grep -qx 'ACTIVATION=socket' "$DIR/env" && die "restart: a socket-activated sandbox is not supported"
  select_engine "$(sed -n 's/^ENGINE=//p' "$DIR/env")"
  local dockerd_pid=""
  [[ -f "$DIR/docker.pid" ]] && dockerd_pid=$(cat "$DIR/docker.pid" 2>/dev/null)
  # On TERM dockerd stops its containers and its own containerd, as `systemctl stop docker` does.
  pid_alive "$dockerd_pid" && terminate "$dockerd_pid" 30
  local pid
  for pid in $(engine_pids_mentioning_dir); do terminate "$pid" 5; done
  start_dockerd
  log "restarted: DOCKER_HOST=$DOCKER_HOST"
}


# ---- run -----------------------------------------------------------------------------------

do_run_in() {
  local ns=$1; shift
  [[ ${1:-} == "--" ]] && shift
  [[ $# -gt 0 ]] || usage
  [[ -f "$DIR/env" ]] || die "no sandbox at $DIR (run: $0 start $DIR)"
  exec nsenter --net="/run/netns/$ns" env DOCKER_HOST="$DOCKER_HOST" "$@"
}

case $ACTION in
  start) do_start ;;
  stop) do_stop; exit 0 ;;
  restart) do_restart ;;
  run) do_run_in "$HOST_NS" "$@" ;;
  client) do_run_in "$CLIENT_NS" "$@" ;;
  *) usage ;;
esac
