#!/usr/bin/env bash
# Events benchmark (issue 5; docs in bench/README.md, "Events"): ingestion
# rate and acknowledgement -> visibility latency of the real-time tags of
# bench/event_tags.yaml, against PostgreSQL 15 on the same events.
#
#   scripts/bench-events.sh [--users 10000000] [--events N] [--quick] [--seed 42]
#                           [--probes 500] [--load 30000] [--no-pg] [--no-http]
#                           [--no-build] [--bin build/release]
#
# The store: `tagloop import` of a member_id,credit_score CSV of USERS users
# (build/bench-data/credit-USERS-sSEED.csv, the rebuild CSV scripts/bench.sh
# makes; generated when missing), cached in build/bench-events/store-USERS-sSEED.
# Each run works on hard-linked copies of it (version and id files are never
# changed in place). Then:
#   1. tagloop_bench_events inprocess: parse / append / apply alone and as the
#      pipeline (1 and 2 threads), counts on the live tags;
#   2. tagloop_bench_events pg: the same events INSERTed (batches of 1000,
#      synchronous commit) and COPYed into a private PostgreSQL 15
#      (scripts/pg-peer.sh), and the orders_30d >= 1 query;
#   3. `tagloop serve` on the store with the tags published:
#      tagloop_bench_events http (2 connections, batches of 1000 and 100) and
#      latency (probes under a background load, ?wait=visible, counts).
# --quick is --users 100000 (events per part scale down below 1M users).
# Results: a table on stdout and bench/out/results-events.json (the latest
# run; a copy in bench/out/results-events-USERS.json). Exits non-zero when a
# check fails (counts differ, a target is missed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

users=10000000
events=
seed=42
probes=500
load=30000
pg=1
http=1
build=1
bin=build/release
as_of=2026-10-31  # the generator's default date, as scripts/bench.sh
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --quick) users=100000; shift ;;
    --seed) seed=$2; shift 2 ;;
    --probes) probes=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    --no-pg) pg=0; shift ;;
    --no-http) http=0; shift ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "bench-events.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$events" ]; then
  if [ "$users" -ge 1000000 ]; then events=500000; else events=100000; fi
fi
if [ "$build" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target tagloop tagloop_gen_users tagloop_bench_events
fi
for b in tagloop bench/tagloop_gen_users bench/tagloop_bench_events; do
  [ -x "$bin/$b" ] || { echo "bench-events.sh: $bin/$b missing (build first)" >&2; exit 1; }
done
tagloop=$bin/tagloop
bench=$bin/bench/tagloop_bench_events

data=build/bench-data
dir=build/bench-events
store=$dir/store-$users-s$seed
csv=$data/credit-$users-s$seed.csv
results=bench/out/results-events.json
mkdir -p "$data" "$dir" bench/out
rm -f "$results"

if [ ! -f "$csv" ]; then
  "$bin/bench/tagloop_gen_users" --users "$users" --seed "$seed" --date "$as_of" --salt 1 \
    --columns member_id,credit_score --out "$csv.tmp"
  mv "$csv.tmp.types" "$csv.types" && mv "$csv.tmp" "$csv"
fi
if [ ! -f "$store/MANIFEST" ]; then
  echo "=== importing $users users into $store (once; cached)"
  rm -rf "$store.tmp"
  start=$(date +%s%N)
  "$tagloop" import --data "$store.tmp" --csv "$csv" --id-column member_id --types "$(cat "$csv.types")" \
    --version "$as_of" --quiet
  echo "    $(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s"
  mv "$store.tmp" "$store"
fi

# A hard-linked copy of the store; files changed in place (the catalog
# database, the store's lock) are copied or left out.
work_copy() {
  rm -rf "$1"
  cp -al "$store" "$1"
  rm -f "$1/LOCK"
  for f in "$1"/tagloop.db*; do
    [ -e "$f" ] || continue
    rm -f "$f" && cp "$store/$(basename "$f")" "$f"
  done
}
common=(--users "$users" --seed "$seed" --events "$events" --json "$results")
status=0

echo "=== (1) in-process ingestion, load: $(cut -d' ' -f1-3 /proc/loadavg)"
work_copy "$dir/work-inproc"
"$bench" inprocess "${common[@]}" --data "$dir/work-inproc" --tags bench/event_tags.yaml || status=1
rm -rf "$dir/work-inproc"

if [ "$pg" = 1 ]; then
  echo "=== (2) PostgreSQL 15 peer, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  pgdir=$dir/pg
  stop_pg() { scripts/pg-peer.sh stop "$pgdir" 2>/dev/null || true; }
  trap stop_pg EXIT
  stop_pg
  rm -rf "$pgdir"
  conninfo=
  for _ in 1 2 3; do  # another cluster may take the free port first
    conninfo=$(scripts/pg-peer.sh start "$pgdir") && break
    sleep 2
  done
  [ -n "$conninfo" ] || { echo "bench-events.sh: PostgreSQL did not start" >&2; exit 1; }
  "$bench" pg "${common[@]}" --conninfo "$conninfo" || status=1
  stop_pg
  rm -rf "$pgdir"
  trap - EXIT
fi

if [ "$http" = 1 ]; then
  echo "=== (3) tagloop serve, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  work=$dir/work-serve
  work_copy "$work"
  "$tagloop" tags apply --data "$work" --publish --as bench bench/event_tags.yaml > "$dir/apply.out"
  token=$("$tagloop" token create --data "$work" --role operator --name bench)
  "$tagloop" serve --data "$work" --listen 127.0.0.1:0 --log-level warn > "$dir/serve.out" 2> "$dir/serve.log" &
  server_pid=$!
  stop_server() {
    if kill -0 "$server_pid" 2>/dev/null; then
      kill -TERM "$server_pid" 2>/dev/null || true
      wait "$server_pid" 2>/dev/null || true
    fi
  }
  trap stop_server EXIT
  for _ in $(seq 600); do
    grep -q "listening on" "$dir/serve.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  addr=$(sed -n 's/^listening on //p' "$dir/serve.out")
  port=${addr##*:}
  echo "server at $addr (pid $server_pid)"
  "$bench" http "${common[@]}" --port "$port" --token "$token" || status=1
  echo "=== (3b) ack -> visible latency, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bench" latency "${common[@]}" --port "$port" --token "$token" --probes "$probes" --load "$load" || status=1
  echo "  server RSS: $(grep VmHWM /proc/$server_pid/status | awk '{print $2 / 1024 " MB peak"}')"
  stop_server
  trap - EXIT
  rm -rf "$work"
fi

"$bench" report --json "$results" || status=1
cp "$results" "bench/out/results-events-$users.json"
exit $status
