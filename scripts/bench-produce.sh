#!/usr/bin/env bash
# Tag production benchmark (issue 4): a SQL tag of N rows produced from
# PostgreSQL 15 and from SQLite, against COPY (query) TO STDOUT / a plain scan.
#
#   scripts/bench-produce.sh [--rows 10000000] [--bin build/release] [--quick]
#
# Starts a private PostgreSQL (scripts/pg-peer.sh), runs
# bench/tagloop_bench_produce, stops it. Results: bench/out/produce-<N>.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rows=10000000
bin=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --quick) rows=200000; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench-produce.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/bench/tagloop_bench_produce" ] || { echo "bench-produce.sh: $bin/bench/tagloop_bench_produce missing" >&2; exit 1; }
pgdir=build/bench-produce-pg
data=build/bench-produce-store
stop_pg() { scripts/pg-peer.sh stop "$pgdir" 2>/dev/null || true; }
trap stop_pg EXIT
stop_pg
rm -rf "$pgdir" "$data"
mkdir -p bench/out
conninfo=$(scripts/pg-peer.sh start "$pgdir")
echo "=== tag production: $rows rows ==="
"$bin/bench/tagloop_bench_produce" --pg "$conninfo" --data "$data" --rows "$rows" --json "bench/out/produce-$rows.json"
rm -rf "$data"
