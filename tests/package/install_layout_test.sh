#!/usr/bin/env bash
# `cmake --install` into an empty prefix puts exactly the files of installed_files.txt
# there, and the systemd units it installs pass `systemd-analyze verify` with the binary and
# man page installed beside them.
#   install_layout_test.sh BUILD_DIR
set -euo pipefail
build_dir=$1
here=$(dirname "$0")
fail() { echo "install_layout_test: FAIL: $*" >&2; exit 1; }

tree=$(mktemp -d "${TMPDIR:-/tmp}/dnd-install.XXXXXX")
trap 'rm -rf --one-file-system "$tree"' EXIT

cmake --install "$build_dir" --prefix "$tree/usr" >"$tree.log" 2>&1 || { cat "$tree.log" >&2; rm -f "$tree.log"; fail "cmake --install failed"; }
rm -f "$tree.log"

expected=$(grep -v '^#' "$here/installed_files.txt" | sed '/^$/d' | sort)
installed=$(cd "$tree/usr" && find . -type f -printf '%P\n' | sort)
if [[ $installed != "$expected" ]]; then
  diff <(echo "$expected") <(echo "$installed") >&2 || true
  fail "installed files (+) differ from installed_files.txt (-)"
fi
[[ -x $tree/usr/bin/docknetdoctor ]] || fail "bin/docknetdoctor is not executable"
gzip -t "$tree/usr/share/man/man1/docknetdoctor.1.gz" || fail "the man page is not a valid gzip file"

# The units name their command plainly (systemd looks in /usr/local/bin and /usr/bin), and
# verify would look for it on this host: verify copies that name the installed binary, with
# the installed man page on MANPATH for their Documentation=.
command -v systemd-analyze >/dev/null || fail "systemd-analyze not found (package systemd)"
units_dir=$tree/usr/lib/systemd/system
mkdir "$tree/verify"
grep -q '^ExecStart=docknetdoctor ' "$units_dir/docknetdoctor-textfile.service" || fail "ExecStart does not run docknetdoctor"
sed "s|^ExecStart=docknetdoctor |ExecStart=$tree/usr/bin/docknetdoctor |" "$units_dir/docknetdoctor-textfile.service" \
  >"$tree/verify/docknetdoctor-textfile.service"
cp "$units_dir/docknetdoctor-textfile.timer" "$tree/verify/"
verify_out=$(MANPATH=$tree/usr/share/man systemd-analyze verify "$tree"/verify/docknetdoctor-textfile.{service,timer} 2>&1) \
  || fail "systemd-analyze verify: $verify_out"
[[ -z $verify_out ]] || fail "systemd-analyze verify warns: $verify_out"
echo "install_layout_test: $(wc -l <<<"$installed") files in their places"
