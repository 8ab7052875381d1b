#!/usr/bin/env bash
# The container image, built offline in the sandbox engine and run as the README's
# "Container image" section says: it must name the same top cause, with the same exit
# code, as the host's binary on the same broken container.
#   image_test.sh PACKAGE_DIR SOURCE_DIR HOST_BINARY        (DND_SANDBOX_DIR set by ctest)
#
# The sandbox reaches no registry and no mirror, so the image's bases are made here: the
# cached clean Debian 12 root (debian_chroot.sh) plus the .deb's runtime libraries, with the
# slim images' dpkg excludes, imported with `docker import`. The top-level Dockerfile is then
# built as it stands, given that base and the .deb (PREBUILT_DEB): no stage runs apt online.
set -euo pipefail
package_dir=$1 source_dir=$2 host_binary=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/debian_chroot.sh"
SECONDS=0

[[ $(id -u) -eq 0 ]] || dc_skip_or_fail "not root"
dc_need_tools debootstrap unshare chroot tar flock docker python3
sandbox_dir=${DND_SANDBOX_DIR:-}
[[ -n $sandbox_dir && -f $sandbox_dir/env ]] || dc_skip_or_fail "no sandbox engine (DND_SANDBOX_DIR=$sandbox_dir)"
sandbox_value() { sed -n "s/^$1=//p" "$sandbox_dir/env"; }
export DOCKER_HOST
DOCKER_HOST=$(sandbox_value DOCKER_HOST)
busybox_image=$(sandbox_value IMAGE)
engine_socket=${DOCKER_HOST#unix://}
# The sandbox's engine is docker.io 20.10: its classic builder, as on a Debian 12 host.
export DOCKER_BUILDKIT=0

dc_find_deb "$package_dir"
deb=$DC_DEB

readonly base_tag=dnd-test-runtime-base:1 image_tag=dnd-test-docknetdoctor:1 container=it-image-loopback port=8098
root=""
# Logs and reports here; the build context below it holds only what the build reads.
work=$(mktemp -d "${TMPDIR:-/var/tmp}/dnd-image-test.XXXXXX")
context=$work/context
cleanup() {
  docker rm -f -v "$container" >/dev/null 2>&1 || true
  docker rmi -f "$image_tag" "$base_tag" >/dev/null 2>&1 || true
  # The build stage's image, untagged.
  docker image prune -f >/dev/null 2>&1 || true
  [[ -n $root ]] && dc_remove "$root"
  rm -rf --one-file-system "$work"
  return 0
}
trap cleanup EXIT

# ---- the base: clean Debian 12 + the runtime libraries, as slim as debian:12-slim --------
dc_ensure_cache
root=$(mktemp -d "${TMPDIR:-/var/tmp}/dnd-image-root.XXXXXX")
dc_unpack "$root" || dc_fail "cannot unpack the cached root"
log=$work/apt.log
dc_run "$root" apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; dc_fail "apt-get update in the chroot"; }
# Only the package's Depends: the image's own build installs the package itself.
dc_run "$root" apt-get satisfy -y -qq --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" >"$log" 2>&1 \
  || { cat "$log" >&2; dc_fail "installing the .deb's Depends in the chroot"; }
# What debian:12-slim's /etc/dpkg/dpkg.cfg.d/docker leaves out, and no package index.
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/man/*' 'path-exclude /usr/share/groff/*' 'path-exclude /usr/share/info/*' \
  'path-exclude /usr/share/locale/*' >"$root/etc/dpkg/dpkg.cfg.d/docker"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/archives/"*.deb "$root/usr/sbin/policy-rc.d"
tar -C "$root" --one-file-system -c . | docker import - "$base_tag" >/dev/null || dc_fail "docker import of the base"
dc_remove "$root" || dc_fail "could not remove $root"
root=""
echo "image_test: base imported (${SECONDS}s)"

# ---- the image: the Dockerfile as users build it, with the .deb supplied -----------------
mkdir "$context"
cp "$source_dir/Dockerfile" "$deb" "$context/"
build_log=$work/build.log
docker build -q -t "$image_tag" --build-arg BUILD_BASE="$base_tag" --build-arg RUNTIME_BASE="$base_tag" \
  --build-arg PREBUILT_DEB="$(basename "$deb")" "$context" >"$build_log" 2>&1 \
  || { cat "$build_log" >&2; dc_fail "docker build of the Dockerfile"; }
echo "image_test: image built (${SECONDS}s)"

out=$(docker run --rm "$image_tag" --version 2>&1) || dc_fail "docker run IMAGE --version: $out"
[[ $out == "docknetdoctor $(dpkg-deb -f "$deb" Version)" ]] || dc_fail "IMAGE --version says '$out'"
docker run --rm --entrypoint /bin/sh "$image_tag" -c 'test -s /usr/share/man/man1/docknetdoctor.1.gz' \
  || dc_fail "the image lacks the man page (the slim base's dpkg excludes dropped it)"

# ---- the same diagnosis from the host and from inside the image --------------------------
# httpd drops to nobody, as many images' apps run: reading its process needs CAP_SYS_PTRACE.
docker run -d --name "$container" -p "$port:80" "$busybox_image" httpd -f -u nobody -p 127.0.0.1:80 >/dev/null \
  || dc_fail "cannot start the broken container"
listening=false
for _ in $(seq 1 75); do
  if docker exec "$container" netstat -ltn 2>/dev/null | grep -q '127.0.0.1:80 '; then listening=true; break; fi
  sleep 0.2
done
$listening || dc_fail "httpd in $container does not listen"

# Prints "TOP_CAUSE EXIT_CODE" of a run whose report goes to $work/NAME.json.
summary() {
  local name=$1 status=0
  shift
  "$@" >"$work/$name.json" 2>"$work/$name.err" || status=$?
  python3 - "$work/$name.json" "$status" <<'PY'
import json, sys
try:
    causes = json.load(open(sys.argv[1])).get("causes", [])
    print(causes[0]["id"] if causes else "-", sys.argv[2])
except ValueError:
    print("no-report", sys.argv[2])
PY
}
diagnosis=(--format json --port 80 "$container")
host=$(summary host "$source_dir/scripts/sandbox.sh" run "$sandbox_dir" -- "$host_binary" "${diagnosis[@]}")
[[ $host == "app.loopback-only 2" ]] || dc_fail "the host binary says '$host', expected 'app.loopback-only 2': $(cat "$work/host.err")"

# The README's run line, flag for flag.
run_line=(--net=host --pid=host --cap-add=NET_ADMIN --cap-add=SYS_ADMIN --cap-add=SYS_PTRACE
  -v "$engine_socket:/var/run/docker.sock")
inside=$(summary inside docker run --rm "${run_line[@]}" "$image_tag" "${diagnosis[@]}")
[[ $inside == "$host" ]] || dc_fail "from inside the image: '$inside', from the host: '$host': $(cat "$work/inside.err")"
# It entered the container's network namespace: the inside probes ran, as on the host.
python3 - "$work/inside.json" <<'PY' || dc_fail "from inside the image the probes inside the container did not run"
import json, sys
report = json.load(open(sys.argv[1]))
rungs = {(p["rung"], p["outcome"]) for p in report["probes"]}
sys.exit(0 if ("container-loopback", "open") in rungs and ("container-address", "refused") in rungs else 1)
PY
echo "image_test: host and image both say: $host (${SECONDS}s)"
# The README's hardening: no other capability and a read-only file system change nothing.
hardened=$(summary hardened docker run --rm --cap-drop=ALL --read-only "${run_line[@]}" "$image_tag" "${diagnosis[@]}")
[[ $hardened == "$host" ]] || dc_fail "with --cap-drop=ALL --read-only: '$hardened', from the host: '$host': $(cat "$work/hardened.err")"

# Each flag is needed, and without it the report says what it could not see instead of
# answering wrong: exit 3 (could not diagnose), or blind spots or undecided checks, and no
# cause the host's report lacks but path.unexplained (which says no check could explain).
# --net=host is not in the list: without it the tool takes its own container's network for
# the host's and names causes that are not there; the README requires it.
for dropped in --pid=host --cap-add=NET_ADMIN --cap-add=SYS_ADMIN --cap-add=SYS_PTRACE -v; do
  args=()
  skip_next=false
  for a in "${run_line[@]}"; do
    if $skip_next; then skip_next=false; continue; fi
    if [[ $a == "$dropped" ]]; then [[ $a == -v ]] && skip_next=true; continue; fi
    args+=("$a")
  done
  without=$(summary without docker run --rm "${args[@]}" "$image_tag" "${diagnosis[@]}")
  if [[ ${without#* } == 3 ]]; then
    echo "image_test: without $dropped: could not diagnose (exit 3): $(head -n 1 "$work/without.err")"
    continue
  fi
  python3 - "$work/host.json" "$work/without.json" <<'PY' \
    || dc_fail "without $dropped: $(cat "$work/without.err")"
import json, sys
host, without = (json.load(open(f)) for f in sys.argv[1:3])
said = without.get("blind_spots", []) + without.get("undecided", [])
if not said:
    sys.exit("the report says nothing is unseen: the flag looks unneeded, or the gap is silent")
host_ids = {c["id"] for c in host["causes"]}
extra = [c["id"] for c in without["causes"] if c["id"] not in host_ids and c["id"] != "path.unexplained"]
if extra:
    sys.exit(f"causes the host's report does not name: {extra}")
PY
  echo "image_test: without $dropped: $without, and it says what it could not see"
done
echo "image_test: passed (${SECONDS}s)"
