# Sourced by the package tests: a clean Debian 12 (bookworm, minbase) root made with
# debootstrap once, kept as a tarball outside the source tree, and unpacked into a
# throw-away copy per test run. Commands run in the copy inside a private mount namespace
# (unshare -m): the /proc they mount there vanishes with it and never shows on the host.
#
#   dc_skip_or_fail MESSAGE          exit 77 (skipped), or 1 on CI (CI=true: it must run there)
#   dc_need_tools TOOL...            dc_skip_or_fail unless each is on PATH
#   dc_mirror                        the Debian mirror this host's apt uses
#   dc_ensure_cache                  make the cached tarball ($DC_CACHE_TARBALL) if there is none
#   dc_unpack DIR                    a fresh copy of the cached root in DIR, ready for apt
#   dc_run ROOT CMD...               CMD in ROOT (chroot) with /proc, in a private mount namespace
#   dc_remove ROOT                   delete a copy: refuses while anything is mounted below it
#                                    or a process still has its root there
# and what every package test does besides:
#   dc_fail MESSAGE                  exit 1, saying which test failed and why
#   dc_find_deb PACKAGE_DIR          set DC_DEB to the one docknetdoctor_*.deb cpack made there

readonly DC_SUITE=bookworm
readonly DC_CACHE_DIR=${DND_TEST_CACHE_DIR:-/var/cache/docknetdoctor-tests}
readonly DC_CACHE_TARBALL="$DC_CACHE_DIR/$DC_SUITE-minbase.tar"
# Older than this, the cache is made again: its apt keyring and base packages follow the
# point releases.
readonly DC_CACHE_MAX_DAYS=30

dc_log() { echo "${0##*/}: $*" >&2; }

dc_fail() {
  echo "${0##*/}: FAIL: $*" >&2
  exit 1
}

dc_find_deb() {
  local debs=("$1"/docknetdoctor_*.deb)
  [[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || dc_fail "expected one docknetdoctor_*.deb in $1 (cpack -G DEB): ${debs[*]}"
  DC_DEB=${debs[0]}
}

dc_skip_or_fail() {
  if [[ ${CI:-} == true ]]; then
    dc_log "FAIL (CI must run this): $*"
    exit 1
  fi
  dc_log "cannot run here: $*"
  exit 77
}

dc_need_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || dc_skip_or_fail "no $tool"
  done
}

# The first URI of a source apt reads (sources.list, *.list, *.sources) that serves the
# suite itself (not -security or -updates).
dc_mirror() {
  local file line uri suites
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $file ]] || continue
    while read -r line; do
      # deb [options] URI SUITE COMPONENTS...
      [[ $line == deb\ * ]] || continue
      line=${line#deb }
      if [[ $line == \[* ]]; then line=${line#*] }; fi
      read -r uri suites _ <<<"$line"
      if [[ $suites == "$DC_SUITE" ]]; then echo "${uri%/}"; return 0; fi
    done <"$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -r $file ]] || continue
    # deb822 stanzas, separated by blank lines.
    uri="" suites=""
    while IFS= read -r line || [[ -n $line ]]; do
      case $line in
        URIs:*) uri=${line#URIs:} ;;
        Suites:*) suites=${line#Suites:} ;;
        "")
          if [[ " $suites " == *" $DC_SUITE "* && -n ${uri// /} ]]; then
            read -r uri _ <<<"$uri"; echo "${uri%/}"; return 0
          fi
          uri="" suites="" ;;
      esac
    done < <(cat "$file"; echo)
  done
  return 1
}

# Exits the test (skip, or fail on CI) when the mirror's host does not accept a connection.
dc_check_mirror() {
  local mirror=$1 scheme host port
  scheme=${mirror%%://*}
  host=${mirror#*://}
  host=${host%%/*}
  port=80
  [[ $scheme == https ]] && port=443
  if [[ $host == *:* ]]; then port=${host##*:}; host=${host%:*}; fi
  timeout 20 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null \
    || dc_skip_or_fail "the Debian mirror $mirror cannot be reached"
}

dc_cache_is_fresh() {
  [[ -f $DC_CACHE_TARBALL ]] || return 1
  [[ -z $(find "$DC_CACHE_TARBALL" -mtime +"$DC_CACHE_MAX_DAYS" 2>/dev/null) ]]
}

# Made under a lock (two build trees may run their tests at once) into a temporary file
# that is renamed when complete: a half-written cache is never used.
dc_ensure_cache() {
  mkdir -p "$DC_CACHE_DIR" || dc_skip_or_fail "cannot create $DC_CACHE_DIR"
  exec {lock_fd}>"$DC_CACHE_DIR/.lock"
  flock "$lock_fd"
  if ! dc_cache_is_fresh; then
    local mirror root status=0
    mirror=$(dc_mirror) || dc_skip_or_fail "no $DC_SUITE source in /etc/apt/sources.list*"
    dc_check_mirror "$mirror"
    root=$(mktemp -d "${TMPDIR:-/var/tmp}/dnd-debootstrap.XXXXXX")
    dc_log "making the cached $DC_SUITE root from $mirror (once)"
    # debootstrap mounts /proc and /sys in the target while it works: in a namespace of
    # its own, those mounts never reach the host's table, even if it is killed.
    unshare -m --propagation private \
      debootstrap --variant=minbase "$DC_SUITE" "$root" "$mirror" >"$root.log" 2>&1 || status=$?
    if ((status == 0)); then
      # No downloaded packages and no apt lists in the cache: each run fetches the lists
      # of the day.
      rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
      tar -C "$root" --one-file-system -cf "$DC_CACHE_TARBALL.tmp" . && mv "$DC_CACHE_TARBALL.tmp" "$DC_CACHE_TARBALL" \
        || status=1
    else
      tail -n 20 "$root.log" >&2
    fi
    dc_remove "$root"
    rm -f "$root.log" "$DC_CACHE_TARBALL.tmp"
    ((status == 0)) || { flock -u "$lock_fd"; dc_log "debootstrap failed"; exit 1; }
  fi
  flock -u "$lock_fd"
  exec {lock_fd}>&-
}

dc_unpack() {
  local root=$1
  tar -C "$root" -xpf "$DC_CACHE_TARBALL" || return 1
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" || return 1
  printf 'deb %s %s main\n' "$(dc_mirror)" "$DC_SUITE" >"$root/etc/apt/sources.list"
  # No package's maintainer script may start a service in the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
}

dc_run() {
  local root=$1
  shift
  # The mount is private to the namespace and goes with it; the explicit umount keeps it
  # tidy while the namespace lives.
  unshare -m --propagation private -- /bin/sh -c '
    root=$1; shift
    mount -t proc proc "$root/proc" || exit 125
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
      DEBIAN_FRONTEND=noninteractive "$@"
    status=$?
    umount "$root/proc"
    exit $status' dc_run "$root" "$@"
}

# Mounts listed by /proc/self/mounts at or below ROOT.
dc_mounts_below() {
  awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts
}

# Processes whose root directory is ROOT or below it.
dc_processes_in() {
  local link pid target
  for link in /proc/[0-9]*/root; do
    target=$(readlink "$link" 2>/dev/null) || continue
    pid=${link#/proc/}
    [[ $target == "$1" || $target == "$1/"* ]] && echo "${pid%/root}"
  done
  return 0
}

dc_remove() {
  local root=$1
  [[ -n $root && $root != / && -d $root ]] || return 0
  if [[ -n $(dc_mounts_below "$root") ]]; then
    dc_log "not removing $root: still mounted below it: $(dc_mounts_below "$root" | tr '\n' ' ')"
    return 1
  fi
  if [[ -n $(dc_processes_in "$root") ]]; then
    dc_log "not removing $root: processes still run in it: $(dc_processes_in "$root" | tr '\n' ' ')"
    return 1
  fi
  rm -rf --one-file-system "$root"
}

# A root made once from the cached minbase with PACKAGES installed, kept at
# $DC_CACHE_DIR/$DC_SUITE-NAME and reused while fresh; prints its path. FINISH (a function
# taking the root) adds what the tests need after the install. The root is complete when
# ROOT.complete exists: a half-made root is never used. One maker at a time (flock).
#   dc_cached_root NAME FINISH PACKAGES...
dc_cached_root() {
  local name=$1 finish=$2
  shift 2
  local root="$DC_CACHE_DIR/$DC_SUITE-$name"
  local complete="$root.complete" lock
  mkdir -p "$DC_CACHE_DIR" || dc_skip_or_fail "cannot create $DC_CACHE_DIR"
  exec {lock}>"$DC_CACHE_DIR/.$name-lock"
  flock "$lock"
  if [[ ! -f $complete || -n $(find "$complete" -mtime +"$DC_CACHE_MAX_DAYS" 2>/dev/null) ]]; then
    rm -f "$complete"
    dc_remove "$root" || exit 1
    dc_ensure_cache
    SECONDS=0
    mkdir -p "$root"
    dc_unpack "$root" || dc_fail "cannot unpack the cached root into $root"
    dc_check_mirror "$(dc_mirror)"
    dc_run "$root" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"' sh "$@" \
      >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; dc_fail "installing $* into $root"; }
    rm -f "$root.log" "$root/var/cache/apt/archives/"*.deb
    "$finish" "$root"
    touch "$complete"
    # shellcheck disable=SC2016 # dpkg-query expands ${Version}, not the shell.
    dc_log "made $root with $1 $(dc_run "$root" dpkg-query -W -f='${Version}' "$1") in ${SECONDS}s"
  fi
  flock -u "$lock"
  exec {lock}>&-
  echo "$root"
}
