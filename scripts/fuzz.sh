#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser of outside bytes with AFL++ (tests/fuzz/targets/).
#   scripts/fuzz.sh TARGET SECONDS     fuzz TARGET until it has used SECONDS of CPU time
#   scripts/fuzz.sh --list             the targets
#   scripts/fuzz.sh --seeds TARGET DIR write TARGET's seed corpus (from fixtures/) into DIR
# The seeds come from fixtures/ and tests/fuzz/corpus/TARGET. After the run, that corpus and
# the queue are minimized together (afl-cmin) into tests/fuzz/corpus/TARGET, which ctest
# replays in every build; crashes and hangs are copied to tests/fuzz/crashes/TARGET/ for a
# regression test to be made of each, and the run is recorded in tests/fuzz/campaigns.tsv
# (end, target, wall seconds, executions, crashes, hangs, commit, CPU seconds; a hang is an
# input that still runs 10 s when replayed alone). CPU time, not wall time, bounds the run:
# beside other work (nice it: it then yields the CPU to that work) a campaign still gets its
# CPU-hour.
# Exit: 0 no crash or hang, 1 some, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
targets_dir=tests/fuzz/targets

list_targets() { for f in "$targets_dir"/*.cpp; do basename "$f" .cpp; done; }

# One seed: a selector byte (when the target has several parsers), then a file's bytes.
seed() {  # seed OUT_DIR NAME SELECTOR(or -) FILE...
  local out=$1 name=$2 sel=$3; shift 3
  { [[ $sel == - ]] || printf "\\x$(printf %02x "$sel")"; cat "$@"; } > "$out/$name"
}

write_seeds() {  # write_seeds TARGET DIR
  local target=$1 out=$2 f i=0
  mkdir -p "$out"
  case $target in
    facts) for f in fixtures/checks/*/facts.json; do seed "$out" "$(basename "$(dirname "$f")").json" - "$f"; done ;;
    engine_api)
      seed "$out" list 0 fixtures/engine-api/containers-list.json
      seed "$out" version 1 fixtures/engine-api/version.json
      seed "$out" info 2 fixtures/engine-api/info.json
      for f in fixtures/engine-api/container-*.json; do seed "$out" "$(basename "$f")" 3 "$f"; done
      for f in fixtures/engine-api/network-*.json; do seed "$out" "$(basename "$f")" 4 "$f"; done
      seed "$out" events 5 fixtures/engine-api/events-crashloop.ndjson
      seed "$out" logs 6 fixtures/engine-api/logs-crashloop.multiplexed
      seed "$out" error 8 fixtures/engine-api/error-no-such-container.json ;;
    nft_dump) seed "$out" docker-native - fixtures/netfilter/nft-docker-native.bin ;;
    iptables_legacy)
      local info=fixtures/netfilter/legacy-filter.info.bin size
      size=$(stat -c %s "$info")
      { printf '\x00'; printf "\\x$(printf %02x $((size >> 8)))\\x$(printf %02x $((size & 255)))";
        cat "$info" fixtures/netfilter/legacy-filter.entries.bin; } > "$out/legacy-filter" ;;
    rtnetlink)
      seed "$out" links 0 fixtures/rtnetlink/links.bin
      seed "$out" addresses 1 fixtures/rtnetlink/addresses.bin
      seed "$out" routes 2 fixtures/rtnetlink/routes.bin ;;
    sock_diag) for f in tests/fuzz/seeds/sock_diag/*; do cp "$f" "$out/"; done ;;
    dns_reply) for f in tests/fuzz/seeds/dns_reply/*; do cp "$f" "$out/"; done ;;
    procfs_text)
      for f in fixtures/procfs/*-tcp.txt; do seed "$out" "$(basename "$f")" 0 "$f"; done
      for f in fixtures/procfs/*-tcp6.txt; do seed "$out" "$(basename "$f")" 1 "$f"; done
      for f in fixtures/procfs/*-udp.txt; do seed "$out" "$(basename "$f")" 2 "$f"; done
      for f in fixtures/procfs/*-udp6.txt; do seed "$out" "$(basename "$f")" 3 "$f"; done
      printf '\x04%s\n' "0::/system.slice/docker-0123abcd.scope" > "$out/cgroup"
      printf '\x05%s\n' '{"iptables": true, "userland-proxy": false, "ip": "127.0.0.1"}' > "$out/daemon-json"
      printf '\x06%s\n' '#!/usr/sbin/nft -f' 'flush ruleset' 'table inet filter {}' > "$out/nftables-conf" ;;
    avc_log) for f in fixtures/selinux/answer-key/*.log; do seed "$out" "$(basename "$f")" - "$f"; done ;;
    *) echo "fuzz.sh: no seeds for target $target" >&2; return 2 ;;
  esac
  # What earlier campaigns found stays in the seeds.
  if [[ -d tests/fuzz/corpus/$target ]]; then cp -n tests/fuzz/corpus/"$target"/* "$out"/ 2>/dev/null || true; fi
}

case ${1:-} in
  --list) list_targets; exit 0 ;;
  --seeds) [[ $# -eq 3 ]] || { echo "usage: $0 --seeds TARGET DIR" >&2; exit 2; }; write_seeds "$2" "$3"; exit 0 ;;
esac
if [[ $# -ne 2 || ! -f $targets_dir/$1.cpp || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET SECONDS   (targets: $(list_targets | tr '\n' ' '))" >&2
  exit 2
fi
target=$1 seconds=$2

scripts/setup.sh --fuzz >/dev/null
build=build-fuzz
# afl-g++ (AFL++'s GCC mode: the assembler adds the instrumentation). Its gcc plugin,
# afl-g++-fast, refuses Debian 12's gcc as built today ("GCC and plugin have incompatible
# versions, expected GCC 12.2.0, is 12.2.0": the plugin was built against an earlier gcc-12
# upload); clang 14 cannot compile libstdc++ 12's std::expected.
CC=afl-gcc CXX=afl-g++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
AFL_QUIET=1 cmake --build "$build" --target "fuzz_$target" -j"$(nproc)" >/dev/null
work=$build/campaigns/$target-$(date -u +%Y%m%dT%H%M%SZ)
rm -rf --one-file-system "$work"
write_seeds "$target" "$work/seeds"

export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# The CPU time of afl-fuzz, its fork server and the children that one forks, the reaped ones
# counted through their parents. The fork server calls setsid(), so it and the targets it
# forks are in a session of their own: the campaign's session plus the sessions its afl-fuzz
# started.
campaign_cpu_seconds() {  # campaign_cpu_seconds SID
  # One cat and one awk for the whole process table (a fork per process would load the host).
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v sid="$1" -v hz="$(getconf CLK_TCK)" '
    {
      # "PID (comm) state ppid pgrp session ... utime stime cutime cstime": comm may hold ") ".
      rest = $0; end = 0
      while ((i = index(rest, ") ")) > 0) { end += i + 1; rest = substr(rest, i + 2) }
      open = index($0, "("); comm = substr($0, open + 1, end - open - 2)
      split(rest, f, " ")
      pid[NR] = $1; ppid[NR] = f[2]; sess[NR] = f[4]; ticks[NR] = f[12] + f[13] + f[14] + f[15]
      fuzzer[$1] = (f[4] == sid && comm == "afl-fuzz")
    }
    END {
      counted[sid] = 1
      for (i = 1; i <= NR; i++) if (fuzzer[ppid[i]]) counted[sess[i]] = 1
      for (i = 1; i <= NR; i++) if (sess[i] in counted) total += ticks[i]
      print int(total / hz)
    }'
}
# A hang: one input over 1 s (the targets answer in microseconds). Its own session, so that
# its CPU time can be summed; SIGINT when it has used SECONDS (afl-fuzz then stops cleanly).
setsid /usr/bin/time -f '%U %S' -o "$work/cpu" \
  afl-fuzz -i "$work/seeds" -o "$work/out" -t 1000 -m none -- "$build/tests/fuzz/fuzz_$target" @@ \
  > "$work/afl.log" 2>&1 &
campaign=$!
trap 'kill -INT -- -$campaign 2>/dev/null' EXIT INT TERM
# With the kernel's autogroup scheduling, each session's processes share one scheduling group
# whose weight nice does not lower: a niced campaign took half the CPU from a build beside it.
# Its session and the fork server's get the niceness the script runs with.
niceness=$(nice)
yield_to_other_work() {
  ((niceness > 0)) || return 0
  local fuzzer pid
  fuzzer=$(pgrep -s "$campaign" -x afl-fuzz) || return 0
  for pid in "$campaign" $(pgrep -P "$fuzzer"); do
    echo "$niceness" > "/proc/$pid/autogroup" 2>/dev/null || true
  done
}
while kill -0 "$campaign" 2>/dev/null; do
  yield_to_other_work
  sleep 10
  if (($(campaign_cpu_seconds "$campaign") >= seconds)); then pkill -INT -s "$campaign" -x afl-fuzz || true; break; fi
done
wait "$campaign" || true
trap - EXIT INT TERM
[[ -s $work/out/default/fuzzer_stats ]] || { tail -20 "$work/afl.log" >&2; exit 1; }
cpu_seconds=$(awk '{ printf "%.0f", $1 + $2 }' "$work/cpu")

stats=$work/out/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(stat saved_crashes) slow=$(stat saved_hangs)
# afl-fuzz saves an input as a hang when one run of it took over 1 s of wall time, which load
# beside a niced campaign also causes: a hang counts when it still runs 10 s replayed alone.
hangs=0
for input in "$work"/out/default/hangs/id:*; do
  [[ -e $input ]] || continue
  status=0
  timeout 10 "$build/tests/fuzz/fuzz_$target" "$input" >/dev/null 2>&1 || status=$?
  if ((status == 124)); then hangs=$((hangs + 1)); fi
done
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$(stat run_time)" "$(stat execs_done)" \
  "$crashes" "$hangs" "$(git rev-parse --short HEAD)" "$cpu_seconds" >> tests/fuzz/campaigns.tsv

# Keep what covers new edges: the replayed corpus becomes the minimized union of what earlier
# campaigns kept and this campaign's queue. The queue holds the seeds again under new names,
# so a queue input whose content the corpus already has is left out: a kept input keeps its
# name, and a campaign changes only the files whose coverage it changed (adding the minimized
# queue beside the corpus would keep every edge twice). When minimizing fails, the corpus stays.
corpus=tests/fuzz/corpus/$target
mkdir -p "$corpus" "$work/union"
cp "$corpus"/* "$work/union"/ 2>/dev/null || true
declare -A kept_content
while read -r digest _; do kept_content[$digest]=1; done < <(sha256sum "$corpus"/* 2>/dev/null || true)
while read -r digest input; do
  [[ -n ${kept_content[$digest]:-} ]] && continue
  kept_content[$digest]=1
  cp "$input" "$work/union"/
done < <(sha256sum "$work"/out/default/queue/id:*)
if afl-cmin -i "$work/union" -o "$work/cmin" -t 1000 -m none -- "$build/tests/fuzz/fuzz_$target" @@ >/dev/null 2>&1 &&
  compgen -G "$work/cmin/*" >/dev/null; then
  find "$corpus" -maxdepth 1 -type f -delete
  cp "$work"/cmin/* "$corpus"/
fi
for kind in crashes hangs; do
  found=$(find "$work/out/default/$kind" -type f -name 'id:*' 2>/dev/null | wc -l)
  if ((found)); then
    mkdir -p tests/fuzz/crashes/"$target"
    cp "$work/out/default/$kind"/id:* tests/fuzz/crashes/"$target"/
  fi
done
echo "fuzz.sh: $target: $(stat execs_done) executions in $cpu_seconds CPU seconds ($(stat run_time) s wall), $crashes crashes, $hangs hangs ($slow inputs afl-fuzz found slow)"
[[ $crashes -eq 0 && $hangs -eq 0 ]]
