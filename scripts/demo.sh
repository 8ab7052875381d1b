#!/usr/bin/env bash
# Shows docknetdoctor on a deliberately broken container, without touching the host's Docker:
# everything happens in a throw-away sandbox engine (scripts/sandbox.sh) that is removed on
# exit, however the script ends.
#
#   sudo scripts/demo.sh [path/to/docknetdoctor]     (default: build/docknetdoctor)
#   scripts/demo.sh --check [path]   the test's form: also asks for JSON and exits 0 only
#                                    when the exit code is 2 and the top cause app.loopback-only
#                                    (77: cannot run here)
#
# The container `web` publishes 8080:80, but its httpd listens on 127.0.0.1:80 inside the
# container, so nothing arriving through the bridge reaches it (cause app.loopback-only).
set -u

check=false
if [[ ${1:-} == --check ]]; then check=true; shift; fi
cannot_run=2
$check && cannot_run=77

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly SANDBOX="$SCRIPT_DIR/sandbox.sh"
BINARY=${1:-$SCRIPT_DIR/../build/docknetdoctor}

if [[ ! -x $BINARY ]]; then
  echo "demo: no docknetdoctor binary at $BINARY (build first, or pass its path)" >&2
  exit 2
fi
BINARY=$(realpath "$BINARY")
if [[ $(id -u) -ne 0 ]]; then
  echo "demo: needs root (it creates network namespaces and runs its own dockerd): sudo $0 $*" >&2
  exit "$cannot_run"
fi

SANDBOX_DIR=$(mktemp -d /tmp/dnd-demo.XXXXXX) || exit 2
readonly SANDBOX_DIR

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  trap - EXIT INT TERM
  echo "demo: removing the sandbox" >&2
  "$SANDBOX" stop "$SANDBOX_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "demo: starting a sandbox Docker engine in $SANDBOX_DIR" >&2
"$SANDBOX" start "$SANDBOX_DIR"
case $? in
  0) ;;
  77) exit "$cannot_run" ;;  # sandbox.sh said why
  *) echo "demo: the sandbox did not start" >&2; exit 2 ;;
esac

in_sandbox() { "$SANDBOX" run "$SANDBOX_DIR" -- "$@"; }

echo "demo: docker run -d --name web -p 8080:80 dnd-busybox:1 httpd -f -p 127.0.0.1:80" >&2
in_sandbox docker run -d --name web -p 8080:80 dnd-busybox:1 httpd -f -p 127.0.0.1:80 >/dev/null || exit 2
# Wait until httpd listens, so the diagnosis sees the steady state.
for _ in $(seq 1 50); do
  in_sandbox docker exec web netstat -ltn 2>/dev/null | grep -q '127.0.0.1:80 ' && break
  sleep 0.2
done

echo "demo: docknetdoctor web" >&2
echo
in_sandbox timeout --foreground 120 "$BINARY" web
status=$?
echo
echo "demo: docknetdoctor exited with $status (0 ok, 1 warning, 2 critical, 3 unknown)" >&2
$check || exit "$status"

# The check: what a user would see, asked of the JSON too.
json=$(in_sandbox timeout --foreground 120 "$BINARY" --format json web)
json_status=$?
top=$(printf '%s' "$json" | /usr/bin/python3 -c 'import json, sys; c = json.load(sys.stdin)["causes"]; print(c[0]["id"] if c else "")')
if [[ $status -eq 2 && $json_status -eq 2 && $top == app.loopback-only ]]; then
  echo "demo: check passed: exit 2, top cause app.loopback-only" >&2
  exit 0
fi
echo "demo: check FAILED: exit codes $status (text) and $json_status (json), top cause '$top'; expected 2 and app.loopback-only" >&2
exit 1
