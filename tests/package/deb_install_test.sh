#!/usr/bin/env bash
# The .deb as a user gets it: its control fields and files, then `apt-get install ./x.deb`
# into a clean Debian 12 chroot (apt resolves the declared Depends from the mirror), and
# there: docknetdoctor --version, man -w docknetdoctor, and an offline replay of a fixture.
#   deb_install_test.sh PACKAGE_DIR SOURCE_DIR VERSION
# Needs root, debootstrap and the Debian mirror; exit 77 (skipped) without them, except on CI.
set -euo pipefail
package_dir=$1 source_dir=$2 version=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/debian_chroot.sh"
SECONDS=0

dc_find_deb "$package_dir"
deb=$DC_DEB

# ---- the package itself -------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == docknetdoctor ]] || dc_fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || dc_fail "Version: $(field Version), project version $version"
[[ $(field Section) == net ]] || dc_fail "Section: $(field Section)"
[[ $(field Maintainer) == *"<"*@*">" ]] || dc_fail "Maintainer has no address: $(field Maintainer)"
[[ -n $(field Description) ]] || dc_fail "no Description"
[[ $(field Description | wc -l) -gt 1 ]] || dc_fail "Description has no long text"
[[ $(field Description | sed -n 2p) != " $(field Description | sed -n 1p)" ]] || dc_fail "Description repeats its summary"

# Each library the binary links comes from a package that Depends names.
depends=$(field Depends)
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/dnd-deb.XXXXXX")
root=""
cleanup() {
  [[ -n $root ]] && dc_remove "$root"
  rm -rf --one-file-system "$scratch"
}
trap cleanup EXIT
dpkg-deb -x "$deb" "$scratch/content"
# awk reads all of ldconfig's output (no early exit): an awk that quits first leaves ldconfig
# to die of SIGPIPE once its output outgrows the pipe, and pipefail then ends this script
# without a word.
while read -r library; do
  path=$(ldconfig -p | awk -v l="$library" '!found && $1 == l && /x86-64|64bit|x32/ { print $NF; found = 1 }')
  [[ -n $path ]] || path=$(ldconfig -p | awk -v l="$library" '!found && $1 == l { print $NF; found = 1 }')
  [[ -n $path ]] || dc_fail "cannot find $library, which the binary needs, on this host"
  owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path") || dc_fail "no package owns $path"
  owner=${owner%%:*}
  [[ ", $depends," == *", $owner "* || ", $depends," == *", $owner,"* || ", $depends," == *", $owner ("* ]] \
    || dc_fail "the binary needs $library (package $owner) but Depends does not name it: $depends"
done < <(readelf -d "$scratch/content/usr/bin/docknetdoctor" | awk '/\(NEEDED\)/ { gsub(/[][]/, "", $NF); print $NF }')

# libsystemd is loaded when the journal is first read, not linked: Depends cannot show it.
[[ ", $(field Recommends)," == *", libsystemd0,"* ]] || dc_fail "Recommends does not name libsystemd0: $(field Recommends)"
readelf -d "$scratch/content/usr/bin/docknetdoctor" | grep -q 'NEEDED.*libsystemd' \
  && dc_fail "the binary links libsystemd at start-up; it should load it only to read the journal"

expected=$(grep -v '^#' "$here/installed_files.txt" | sed '/^$/d; s|^|usr/|' | sort)
packaged=$(cd "$scratch/content" && find . -type f -printf '%P\n' | sort)
if [[ $packaged != "$expected" ]]; then
  diff <(echo "$expected") <(echo "$packaged") >&2 || true
  dc_fail "the .deb's files (+) differ from installed_files.txt under /usr (-)"
fi
echo "deb_install_test: $deb: fields and files as expected; Depends: $depends"

# ---- installed into a clean chroot --------------------------------------------------------
[[ $(id -u) -eq 0 ]] || dc_skip_or_fail "not root"
dc_need_tools debootstrap unshare chroot tar flock
dc_ensure_cache
root=$(mktemp -d "${TMPDIR:-/var/tmp}/dnd-chroot.XXXXXX")
dc_unpack "$root" || dc_fail "cannot unpack the cached root into $root"
cp "$deb" "$root/tmp/docknetdoctor.deb"
fixture=app_loopback_only
cp "$source_dir/fixtures/checks/$fixture/facts.json" "$root/tmp/facts.json"

in_root() { dc_run "$root" "$@"; }
in_root apt-get update -qq >"$scratch/apt.log" 2>&1 || { cat "$scratch/apt.log" >&2; dc_fail "apt-get update in the chroot"; }
in_root apt-get install -y -qq --no-install-recommends /tmp/docknetdoctor.deb >"$scratch/apt.log" 2>&1 \
  || { cat "$scratch/apt.log" >&2; dc_fail "apt-get install ./docknetdoctor.deb in a clean Debian 12"; }

out=$(in_root docknetdoctor --version 2>&1) || dc_fail "docknetdoctor --version exited $?: $out"
[[ $out == *"$version"* ]] || dc_fail "docknetdoctor --version says '$out', expected version $version"

# man-db after the package: its own Depends must have been enough for the runs above.
in_root apt-get install -y -qq --no-install-recommends man-db >"$scratch/apt.log" 2>&1 \
  || { cat "$scratch/apt.log" >&2; dc_fail "apt-get install man-db"; }
out=$(in_root man -w docknetdoctor 2>&1) || dc_fail "man -w docknetdoctor: $out"
[[ $out == /usr/share/man/man1/docknetdoctor.1.gz ]] || dc_fail "man -w docknetdoctor found '$out'"
in_root man -P cat docknetdoctor >"$scratch/man.txt" 2>/dev/null || dc_fail "man docknetdoctor does not render"
grep -q "app.loopback-only" "$scratch/man.txt" || dc_fail "the rendered man page lacks its CAUSES section"

status=0
out=$(in_root docknetdoctor --facts /tmp/facts.json 2>&1) || status=$?
[[ $status -eq 2 ]] || dc_fail "replay of $fixture exited $status, expected 2 (critical): $out"
grep -q '^  1\. \[critical\] app\.loopback-only ' <<<"$out" || dc_fail "replay of $fixture: app.loopback-only is not the first cause: $out"

# The units' one command resolves where systemd looks (its fixed search path has /usr/bin).
[[ -x $root/usr/bin/docknetdoctor && -f $root/usr/lib/systemd/system/docknetdoctor-textfile.timer ]] \
  || dc_fail "binary or timer not where the units expect them"

dc_remove "$root" || dc_fail "could not remove the chroot copy $root"
root=""
echo "deb_install_test: installed, --version, man -w and the $fixture replay passed in a clean Debian 12 (${SECONDS}s)"
