#!/usr/bin/env bash
# The `make bench` flow: tagloop against a PostgreSQL 15 wide table on the
# same generated member data (bench/suite.txt, docs in bench/README.md).
#
#   scripts/bench.sh [--users 1000000,10000000] [--quick] [--seed 42] [--runs 30]
#                    [--pg-runs 5] [--no-build] [--bin build/release] [--no-pg-rebuild]
#                    [--no-server] [--no-produce] [--no-events] [--no-insight] [--no-ui] [--no-outreach]
#                    [--no-delivery]
#
# Per size: generate the CSV (cached in build/bench-data), start a private
# PostgreSQL (scripts/pg-peer.sh), load it (COPY, indexes, VACUUM ANALYZE),
# time the suite there, rebuild one column, stop it; then import into tagloop,
# time the suite in-process and as whole `tagloop count` processes, rebuild
# one tag, and print the comparison. Results: bench/out/results-<N>.json.
# Exits non-zero when any count differs between tagloop and PostgreSQL.
# Start-up comes first (cheap): the shared libraries `tagloop` maps and the
# CPU and wall time of `tagloop --version`, and per size of `tagloop count`
# (perf stat, 50 runs).
# At the end, scripts/bench-server.sh measures the server (profile look-ups
# in-process and over HTTP with wrk, counts over HTTP, counts during an
# import); --quick is passed on, --no-server skips it. Then
# scripts/bench-produce.sh produces a 10M-row SQL tag from PostgreSQL and
# SQLite against COPY TO / a plain scan (--no-produce skips it). Last,
# scripts/bench-events.sh measures event ingestion and the visibility of
# real-time tags against PostgreSQL INSERT/COPY (--no-events skips it).
# scripts/bench-insight.sh measures insight and reports (distribution with
# TGI, characterisation, a 2x10 report) against the same SQL on PostgreSQL
# (--no-insight skips it); segment exports are measured there too.
# scripts/bench-ui.sh times the web UI's pages in chromium at 10M users and
# 1,000 catalog tags (--no-ui skips it).
# tagloop_bench_outreach plans a campaign with every suppression filter at
# 10M users, on synthetic sets and through the segment engine on the server
# benchmark's wide store when it is there, and tagloop_bench_journeys runs
# journeys on a copy of that store (--no-outreach skips all three).
# scripts/bench-delivery.sh measures outreach delivery: the HTTP client, the
# dispatcher with its durable ledger against a local webhook receiver, e-mail
# to aiosmtpd, ledger recovery at 1M recipients (--no-delivery skips it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sizes=1000000,10000000
seed=42
runs=30
pg_runs=5
build=1
bin=build/release
pg_rebuild=1
server=1
produce=1
events=1
insight=1
ui=1
outreach=1
delivery=1
server_args=()
as_of=2026-10-31  # the generator's default business date; the suite's dates assume it
while [ $# -gt 0 ]; do
  case "$1" in
    --users) sizes=$2; shift 2 ;;
    --quick) sizes=100000; runs=10; pg_runs=3; server_args+=(--quick); shift ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --pg-runs) pg_runs=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    --no-pg-rebuild) pg_rebuild=0; shift ;;
    --no-server) server=0; shift ;;
    --no-produce) produce=0; shift ;;
    --no-events) events=0; shift ;;
    --no-insight) insight=0; shift ;;
    --no-ui) ui=0; shift ;;
    --no-outreach) outreach=0; shift ;;
    --no-delivery) delivery=0; shift ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target tagloop tagloop_gen_users tagloop_bench_pg tagloop_bench_segments
fi
for b in tagloop bench/tagloop_gen_users bench/tagloop_bench_pg bench/tagloop_bench_segments; do
  [ -x "$bin/$b" ] || { echo "bench.sh: $bin/$b missing (build first)" >&2; exit 1; }
done

# Start-up of a command: what every command pays before its own work.
# Prints "<label>: <CPU ms> ms CPU, <wall ms> ms wall (perf stat, 50 runs)".
startup_time() {
  local label=$1; shift
  if ! command -v perf >/dev/null; then echo "$label: perf not installed"; return; fi
  perf stat -r 50 -e task-clock "$@" 2>&1 >/dev/null | awk -v label="$label" '
    /task-clock/ { cpu = $1 }
    /seconds time elapsed/ { wall = $1 * 1000 }
    END { printf "%s: %.2f ms CPU, %.2f ms wall (perf stat, 50 runs)\n", label, cpu, wall }'
}
echo "=== start-up ==="
echo "shared libraries mapped by tagloop: $(ldd "$bin/tagloop" | wc -l) (ldd)"
startup_time "tagloop --version" "$bin/tagloop" --version

data=build/bench-data
pgdir=build/bench-pg
mkdir -p "$data" bench/out
stop_pg() { scripts/pg-peer.sh stop "$pgdir" 2>/dev/null || true; }
trap stop_pg EXIT

status=0
IFS=, read -r -a size_list <<< "$sizes"
for n in "${size_list[@]}"; do
  echo "=== $n users ==="
  csv=$data/users-$n-s$seed.csv
  rebuild_csv=$data/credit-$n-s$seed.csv
  if [ ! -f "$csv" ] || [ ! -f "$csv.types" ]; then
    "$bin/bench/tagloop_gen_users" --users "$n" --seed "$seed" --date "$as_of" --out "$csv.tmp"
    mv "$csv.tmp.types" "$csv.types" && mv "$csv.tmp" "$csv"
  fi
  if [ ! -f "$rebuild_csv" ]; then
    "$bin/bench/tagloop_gen_users" --users "$n" --seed "$seed" --date "$as_of" --salt 1 \
      --columns member_id,credit_score --out "$rebuild_csv.tmp"
    mv "$rebuild_csv.tmp.types" "$rebuild_csv.types" && mv "$rebuild_csv.tmp" "$rebuild_csv"
  fi

  pg_json=bench/out/pg-$n.json
  rm -f "$pg_json"
  stop_pg
  rm -rf "$pgdir"
  conninfo=$(scripts/pg-peer.sh start "$pgdir")
  "$bin/bench/tagloop_bench_pg" load --conninfo "$conninfo" --csv "$csv" --json "$pg_json"
  "$bin/bench/tagloop_bench_pg" run --conninfo "$conninfo" --suite bench/suite.txt --as-of "$as_of" \
    --runs "$pg_runs" --json "$pg_json"
  if [ "$pg_rebuild" = 1 ]; then
    "$bin/bench/tagloop_bench_pg" rebuild --conninfo "$conninfo" --csv "$rebuild_csv" \
      --types-text credit_score:int --json "$pg_json"
  fi
  stop_pg
  rm -rf "$pgdir"

  "$bin/bench/tagloop_bench_segments" --tagloop "$bin/tagloop" --data "build/bench-store-$n" --fresh \
    --csv "$csv" --suite bench/suite.txt --as-of "$as_of" --runs "$runs" \
    --rebuild-csv "$rebuild_csv" --rebuild-types credit_score:int \
    --pg "$pg_json" --out "bench/out/results-$n.json" || status=1
  startup_time "tagloop count at $n users" "$bin/tagloop" count --data "build/bench-store-$n" --as-of "$as_of" ALL
done

if [ "$server" = 1 ]; then
  if [ "$build" = 1 ]; then
    cmake --build --preset release --target tagloop_gen_store tagloop_bench_profile
  fi
  scripts/bench-server.sh "${server_args[@]}" --bin "$bin" || status=1
fi
if [ "$produce" = 1 ]; then
  if [ "$build" = 1 ]; then
    cmake --build --preset release --target tagloop_bench_produce
  fi
  produce_args=()
  [ "$sizes" = 100000 ] && produce_args+=(--quick)
  scripts/bench-produce.sh "${produce_args[@]}" --bin "$bin" || status=1
fi
if [ "$events" = 1 ]; then
  if [ "$build" = 1 ]; then
    cmake --build --preset release --target tagloop_bench_events
  fi
  events_args=()
  [ "$sizes" = 100000 ] && events_args+=(--quick)
  scripts/bench-events.sh "${events_args[@]}" --bin "$bin" || status=1
fi
if [ "$insight" = 1 ]; then
  if [ "$build" = 1 ]; then
    cmake --build --preset release --target tagloop_bench_insight
  fi
  insight_args=()
  [ "$sizes" = 100000 ] && insight_args+=(--quick)
  scripts/bench-insight.sh "${insight_args[@]}" --bin "$bin" || status=1
fi
if [ "$ui" = 1 ]; then
  ui_args=()
  [ "$sizes" = 100000 ] && ui_args+=(--quick)
  [ "$build" = 1 ] || ui_args+=(--no-build)
  scripts/bench-ui.sh "${ui_args[@]}" --bin "$bin" || status=1
fi
if [ "$outreach" = 1 ]; then
  [ "$build" = 0 ] || cmake --build --preset release --target tagloop_bench_outreach
  plan_users=10000000
  [ "$sizes" = 100000 ] && plan_users=1000000
  echo "=== outreach planning: $plan_users users, synthetic audience and policy sets"
  "$bin/bench/tagloop_bench_outreach" --users "$plan_users" | tee bench/out/outreach-plan.txt || status=1
  wide=$(ls -d build/bench-server/store-*x* 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$wide" ] && [ -f "$wide/MANIFEST" ]; then
    echo "=== outreach planning through the segment engine on $wide"
    "$bin/bench/tagloop_bench_outreach" --store "$wide" | tee -a bench/out/outreach-plan.txt || status=1
    # Journeys on a hard-linked copy of the same store: event-triggered entry
    # latency at 20,000 events/s, a scheduled entry of ~1M, 1M timers firing.
    [ "$build" = 0 ] || cmake --build --preset release --target tagloop_bench_journeys
    users=${wide##*store-}; users=${users%%x*}
    echo "=== journeys on $wide ($users users)"
    "$bin/bench/tagloop_bench_journeys" --store "$wide" --users "$users" --work build/bench-journeys \
      | tee bench/out/journeys.jsonl || status=1
  fi
fi
if [ "$delivery" = 1 ]; then
  delivery_args=()
  [ "$sizes" = 100000 ] && delivery_args+=(--quick)
  [ "$build" = 1 ] || delivery_args+=(--no-build)
  scripts/bench-delivery.sh "${delivery_args[@]}" --bin "$bin" || status=1
fi
exit $status
