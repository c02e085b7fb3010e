#!/usr/bin/env bash
# Insight and report benchmark (issue 6): distribution of 20 tags over a ~1M
# user segment, the "what else characterises them" ranking over every tag
# value, and a 2x10 report, on the member store of scripts/bench.sh, against
# the same questions as SQL on PostgreSQL 15 (the same member CSV) in the
# same run.
#
#   scripts/bench-insight.sh [--users 10000000] [--bin build/release] [--quick] [--no-pg]
#
# Needs the CSV and the store that scripts/bench.sh leaves in
# build/bench-data and build/bench-store-<N> (it makes them when missing).
# Results: bench/out/insight-<N>.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
users=10000000
bin=build/release
pg=1
seed=42
as_of=2026-10-31
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --quick) users=100000; shift ;;
    --no-pg) pg=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench-insight.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in tagloop bench/tagloop_gen_users bench/tagloop_bench_pg bench/tagloop_bench_insight; do
  [ -x "$bin/$b" ] || { echo "bench-insight.sh: $bin/$b missing (build first)" >&2; exit 1; }
done
csv=build/bench-data/users-$users-s$seed.csv
store=build/bench-store-$users
mkdir -p build/bench-data bench/out
if [ ! -f "$csv" ] || [ ! -f "$csv.types" ]; then
  "$bin/bench/tagloop_gen_users" --users "$users" --seed "$seed" --date "$as_of" --out "$csv.tmp"
  mv "$csv.tmp.types" "$csv.types" && mv "$csv.tmp" "$csv"
fi
if [ ! -f "$store/MANIFEST" ]; then
  rm -rf "$store"
  "$bin/tagloop" import --data "$store" --csv "$csv" --id-column member_id --types "$(cat "$csv.types")" \
    --version "$as_of" --quiet
fi
pg_args=()
pgdir=build/bench-insight-pg
stop_pg() { scripts/pg-peer.sh stop "$pgdir" 2>/dev/null || true; }
trap stop_pg EXIT
if [ "$pg" = 1 ]; then
  stop_pg
  rm -rf "$pgdir"
  conninfo=$(scripts/pg-peer.sh start "$pgdir")
  echo "loading $users members into PostgreSQL ..."
  "$bin/bench/tagloop_bench_pg" load --conninfo "$conninfo" --csv "$csv" --json "bench/out/insight-pg-load-$users.json" >/dev/null
  pg_args=(--pg "$conninfo")
fi
echo "=== insight and reports: $users users ==="
"$bin/bench/tagloop_bench_insight" --data "$store" --as-of "$as_of" "${pg_args[@]}" --out "bench/out/insight-$users.json"
