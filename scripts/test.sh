#!/usr/bin/env bash
# The README's second command: set up, build twice (as shipped, and with
# -fsanitize=address,undefined; the second while the first one's tests run) and run every
# test, unit and integration, in both; the integration suite also on each engine of the
# matrix (DND_ENGINES, default "26.1 28.5": Debian's docker.io releases that
# scripts/engine.sh unpacks into a cache), shipped build, before the sanitized build's
# tests; then the table of what each scenario concluded on each engine.
# DND_ENGINES="" leaves the matrix out.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
# phase TITLE: a heading with the time since the start, so a log shows where time went.
phase() { echo "== $* (at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }
# run_ctest DIR LOG CTEST-ARGS...: ctest in DIR, its output also in LOG.
run_ctest() {
  local dir=$1 log=$2 ctest_status
  shift 2
  set +e
  (cd "$dir" && ctest --output-on-failure --timeout 600 "$@") 2>&1 | tee "$log"
  ctest_status=${PIPESTATUS[0]}
  set -e
  [[ $ctest_status -eq 0 ]] || status=1
  # Under CI every test must run: a CI that could not start the engine must not pass.
  if [[ ${CI:-} == true ]] && grep -q '\*\*\*Skipped' "$log"; then
    echo "test.sh: CI=true and tests were skipped (each must run here):" >&2
    grep '\*\*\*Skipped' "$log" >&2
    status=1
  fi
}

# The integration tests' diagnoses (tests/support/diagnosis_log.hpp), one file per engine.
rm -f build/diagnoses-*.tsv
diagnosis_logs=("$PWD/build/diagnoses-host.tsv")

phase "shipped build (build)"
scripts/build.sh build
# The sanitized build compiles while the shipped build's tests run, the engine matrix too:
# those spend most of their time waiting on engines, daemons and timeouts. It runs at the
# lowest CPU and I/O priority, so the time the tests measure stays theirs.
sanitized_build_log=$PWD/build/sanitized-build.log
phase "sanitized build (build-asan), beside the shipped tests and the engine matrix; its output in $sanitized_build_log"
nice -n 19 ionice -c 3 scripts/build.sh build-asan -DDND_SANITIZE=ON >"$sanitized_build_log" 2>&1 &
sanitized_build=$!
trap 'kill "$sanitized_build" 2>/dev/null || true' EXIT
phase "shipped tests"
DND_DIAGNOSIS_LOG=${diagnosis_logs[-1]} run_ctest build build/ctest-output.log
for engine in ${DND_ENGINES-26.1 28.5}; do
  phase "integration tests on docker.io $engine (shipped build)"
  if ! scripts/engine.sh fetch "$engine"; then
    echo "test.sh: cannot get docker.io $engine for the engine matrix" >&2
    status=1
    continue
  fi
  diagnosis_logs+=("$PWD/build/diagnoses-$engine.tsv")
  # deb_install does not use the engine: it ran above.
  DND_ENGINE=$engine DND_DIAGNOSIS_LOG=${diagnosis_logs[-1]} \
    run_ctest build "build/ctest-output-$engine.log" -L integration -E '^deb_install$'
done

phase "waiting for the sanitized build"
if wait "$sanitized_build"; then
  tail -n 3 "$sanitized_build_log"
  phase "sanitized tests"
  run_ctest build-asan build-asan/ctest-output.log
else
  cat "$sanitized_build_log"
  echo "test.sh: the sanitized build failed" >&2
  status=1
fi

existing_logs=()
for log in "${diagnosis_logs[@]}"; do [[ -s $log ]] && existing_logs+=("$log"); done
if ((${#existing_logs[@]} > 1)); then
  phase "what each scenario concluded on each engine (top cause, exit code)"
  python3 tests/integration/engine_matrix_table.py "${existing_logs[@]}" | tee build/engine-matrix.md
fi
phase "end, status $status"
exit $status
