#!/usr/bin/env bash
# ctest's fuzz replay: one target's seeds (made from fixtures/), the corpus its campaigns
# kept (corpus/TARGET) and every input that once crashed or hung it (crashes/TARGET), run
# through the target as built in this tree. Usage: replay.sh TARGET BINARY
set -euo pipefail
target=$1 binary=$2
here=$(cd "$(dirname "$0")" && pwd)
seeds=$(mktemp -d)
trap 'rm -rf --one-file-system "$seeds"' EXIT
"$here/../../scripts/fuzz.sh" --seeds "$target" "$seeds"
inputs=("$seeds")
for d in "$here/corpus/$target" "$here/crashes/$target"; do [[ -d $d ]] && inputs+=("$d"); done
exec "$binary" "${inputs[@]}"
