#!/usr/bin/env bash
# The README's second command: set up, build twice (as shipped, and with
# -fsanitize=address,undefined) and run every test, unit and integration, in both; then the
# integration suite again on each engine of the matrix (DND_ENGINES, default "26.1 28.5":
# Debian's docker.io releases that scripts/engine.sh unpacks into a cache), shipped build,
# and the table of what each scenario concluded on each engine.
# DND_ENGINES="" leaves the matrix out.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
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
diagnosis_logs=()
for variant in shipped sanitized; do
  if [[ $variant == shipped ]]; then dir=build; flags=(); else dir=build-asan; flags=(-DDND_SANITIZE=ON); fi
  echo "== $variant build ($dir)"
  scripts/build.sh "$dir" "${flags[@]}"
  echo "== $variant tests"
  if [[ $variant == shipped ]]; then
    diagnosis_logs+=("$PWD/build/diagnoses-host.tsv")
    DND_DIAGNOSIS_LOG=${diagnosis_logs[-1]} run_ctest "$dir" "$dir/ctest-output.log"
  else
    run_ctest "$dir" "$dir/ctest-output.log"
  fi
done

for engine in ${DND_ENGINES-26.1 28.5}; do
  echo "== integration tests on docker.io $engine (shipped build)"
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

existing_logs=()
for log in "${diagnosis_logs[@]}"; do [[ -s $log ]] && existing_logs+=("$log"); done
if ((${#existing_logs[@]} > 1)); then
  echo "== what each scenario concluded on each engine (top cause, exit code)"
  python3 tests/integration/engine_matrix_table.py "${existing_logs[@]}" | tee build/engine-matrix.md
fi
exit $status
