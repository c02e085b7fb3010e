#!/usr/bin/env bash
# Runs every libFuzzer target for a few seconds: first over its checked-in
# corpus and regression inputs (fuzz/corpus/<target>/: past crashes live there
# for good), then exploring. New inputs go to a scratch folder, never the repo;
# a crash leaves its input in fuzz/artifacts/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
bin=build/fuzz/fuzz
mkdir -p fuzz/artifacts
status=0
for target in "$bin"/*_fuzz; do
  [ -x "$target" ] || continue
  name=$(basename "$target" _fuzz)
  corpus="fuzz/corpus/$name"
  mkdir -p "$corpus"
  scratch=$(mktemp -d)
  echo "fuzz-smoke: $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -artifact_prefix="fuzz/artifacts/$name-" -print_final_stats=0 "$scratch" "$corpus" \
       >"$scratch.log" 2>&1; then
    echo "fuzz-smoke: $name FAILED; last lines:"; tail -n 40 "$scratch.log"; status=1
  fi
  rm -rf "$scratch" "$scratch.log"
done
[ $status -eq 0 ] && echo "fuzz-smoke: every target ran clean"
exit $status
