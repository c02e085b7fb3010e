#!/usr/bin/env bash
# The server part of `make bench` (docs in bench/README.md, "Server"):
#   (a) profile look-ups in-process on a USERS x TAGS store (p50/p99, 1 and 2 threads)
#   (b) over HTTP with wrk: profile look-ups/s and segment counts/s
#   (c) count latency (one client, back to back) alone and while a CSV import
#       of 3 tags for every user is uploaded to the same server
#
#   scripts/bench-server.sh [--users 10000000] [--tags 200] [--quick] [--duration 20]
#                           [--lookups 200000] [--no-build] [--bin build/release]
#
# The store (bench/wide_model.h, written by tagloop_gen_store) is cached in
# build/bench-server/store-<USERS>x<TAGS>; the server runs on a hard-linked
# copy of it (version files are immutable, MANIFEST is replaced by rename), so
# the import of (c) never changes the cached store. wrk and the server share
# the machine's cores. Results: a table on stdout and
# bench/out/server-<USERS>x<TAGS>.txt (one line per measurement).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

users=10000000
tags=200
duration=20
lookups=200000
build=1
bin=build/release
as_of=2026-10-31
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --tags) tags=$2; shift 2 ;;
    --quick) users=100000; tags=50; duration=5; lookups=20000; shift ;;
    --duration) duration=$2; shift 2 ;;
    --lookups) lookups=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench-server.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$tags" -ge 16 ] || { echo "bench-server.sh: --tags must be at least 16 (the count audiences use t000..t015)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench-server.sh: wrk missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench-server.sh: curl missing (scripts/install-deps.sh)" >&2; exit 1; }

if [ "$build" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target tagloop tagloop_gen_store tagloop_bench_profile
fi
for b in tagloop bench/tagloop_gen_store bench/tagloop_bench_profile; do
  [ -x "$bin/$b" ] || { echo "bench-server.sh: $bin/$b missing (build first)" >&2; exit 1; }
done

data=build/bench-server
store=$data/store-${users}x${tags}
ids=$data/ids-${users}.txt
csv=$data/import-${users}.csv
work=$data/work
results=bench/out/server-${users}x${tags}.txt
mkdir -p "$data" bench/out
: > "$results"

if [ ! -f "$store/MANIFEST" ]; then
  echo "=== generating $store (once; cached)"
  rm -rf "$store.tmp" && mkdir -p "$store.tmp"
  "$bin/bench/tagloop_gen_store" store --data "$store.tmp" --users "$users" --tags "$tags" --date "$as_of"
  mv "$store.tmp" "$store"
fi
[ -f "$ids" ] || "$bin/bench/tagloop_gen_store" ids --out "$ids" --users "$users" --sample 100000
if [ ! -f "$csv" ]; then
  "$bin/bench/tagloop_gen_store" csv --out "$csv.tmp" --users "$users" --tags 3 --salt 1
  mv "$csv.tmp.types" "$csv.types" && mv "$csv.tmp" "$csv"
fi

record() {  # record LABEL "key=value ..."
  echo "bench=$1 $2" >> "$results"
}

echo "=== (a) profile look-ups in-process: $users users x $tags tags, load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin/bench/tagloop_bench_profile" --data "$store" --lookups "$lookups" --threads 1,2 --as-of "$as_of" |
  tee "$data/profile.txt"
while read -r line; do
  threads=$(sed -n 's/.*, \([0-9]*\) thread(s).*/\1/p' <<< "$line")
  [ -n "$threads" ] || continue
  rps=$(sed -n 's/.* = \([0-9]*\)\/s;.*/\1/p' <<< "$line")
  p50=$(sed -n 's/.*p50 \([0-9.]*\) us.*/\1/p' <<< "$line")
  p99=$(sed -n 's/.*p99 \([0-9.]*\) us.*/\1/p' <<< "$line")
  record "profile_inprocess_${threads}t" "rps=$rps p50_us=$p50 p99_us=$p99"
done < "$data/profile.txt"

echo "=== starting tagloop serve on a hard-linked copy of the store"
rm -rf "$work"
cp -al "$store" "$work"
rm -f "$work"/tagloop.db*  # never share the catalog's inode with the cached store
token=$("$bin/tagloop" token create --data "$work" --role operator --name bench)
"$bin/tagloop" serve --data "$work" --listen 127.0.0.1:0 --log-level warn > "$data/serve.out" 2> "$data/serve.log" &
server_pid=$!
stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT
for _ in $(seq 600); do
  grep -q "listening on" "$data/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/serve.log" >&2; exit 1; }
  sleep 0.1
done
url="http://$(sed -n 's/^listening on //p' "$data/serve.out")"
echo "server at $url (pid $server_pid)"

export TAGLOOP_TOKEN=$token TAGLOOP_IDS=$ids TAGLOOP_AS_OF=$as_of
wrk_run() {  # wrk_run LABEL WRK-ARGS...: runs wrk, records its WRK_RESULT line
  local label=$1
  shift
  local out
  out=$(wrk "$@" | tee -a "$data/wrk.log" | grep '^WRK_RESULT' | sed 's/^WRK_RESULT //')
  echo "  $label: $out"
  [ "$label" = warmup ] || record "$label" "$out"
}

echo "=== (b) over HTTP with wrk, load: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk_run warmup -t1 -c8 -d3s -s bench/wrk/profile.lua "$url"
wrk_run profile_http_c32 -t1 -c32 -d"${duration}s" -s bench/wrk/profile.lua "$url"
wrk_run profile_http_c64_t2 -t2 -c64 -d"${duration}s" -s bench/wrk/profile.lua "$url"
wrk_run count_http_c8 -t1 -c8 -d"${duration}s" -s bench/wrk/count.lua "$url"

echo "=== (c) count latency alone, then while an import runs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk_run count_alone_c1 -t1 -c1 -d"${duration}s" -s bench/wrk/count.lua "$url"
# The import's new versions are dated the next day; counting as of that day
# makes the counts switch to them when they are published.
export TAGLOOP_AS_OF=2026-11-01
wrk -t1 -c1 -d600s -s bench/wrk/count.lua "$url" > "$data/wrk-import.log" &
wrk_pid=$!
sleep 1
import_start=$(date +%s%N)
import_status=$(curl -sS -o "$data/import.json" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $token" -H "Content-Type: text/csv" --data-binary "@$csv" \
  "$url/api/v1/imports?id_column=member_id&version=2026-11-01&types=$(cat "$csv.types")")
import_s=$(awk -v a="$import_start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
sleep 1
kill -INT "$wrk_pid"
wait "$wrk_pid" || true
during=$(grep '^WRK_RESULT' "$data/wrk-import.log" | sed 's/^WRK_RESULT //')
echo "  import: HTTP $import_status in ${import_s} s ($(stat -c %s "$csv") bytes, $users rows x 3 tags): $(cat "$data/import.json")"
echo "  count_during_import_c1: $during"
record count_during_import_c1 "$during"
record import_http "status=$import_status seconds=$import_s bytes=$(stat -c %s "$csv")"
[ "$import_status" = 200 ] || { echo "bench-server.sh: the import failed" >&2; exit 1; }

stop_start=$(date +%s%N)
stop_server
echo "  SIGTERM to exit: $(awk -v a="$stop_start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }') s"
rm -rf "$work"

field() {  # field LABEL KEY
  sed -n "s/^bench=$1 .*\b$2=\([^ ]*\).*/\1/p" "$results"
}
echo
echo "=== server benchmarks: $users users x $tags tags on $(nproc) cores (wrk shares them); $results"
printf '%-44s %12s %10s %10s %10s\n' "measurement" "per second" "p50 us" "p99 us" "errors"
row() { printf '%-44s %12s %10s %10s %10s\n' "$1" "$(field "$2" rps)" "$(field "$2" p50_us)" "$(field "$2" p99_us)" "$(field "$2" errors)"; }
row "profile look-up in-process, 1 thread" profile_inprocess_1t
row "profile look-up in-process, 2 threads" profile_inprocess_2t
row "profile look-up HTTP (wrk 1 thread, 32 conn)" profile_http_c32
row "profile look-up HTTP (wrk 2 threads, 64 conn)" profile_http_c64_t2
row "segment count HTTP (8 conn)" count_http_c8
row "segment count HTTP, 1 conn, alone" count_alone_c1
row "segment count HTTP, 1 conn, during import" count_during_import_c1
echo "import over HTTP: $(field import_http seconds) s for $users rows x 3 tags"
echo "targets: in-process p99 <= 200 us; >= 20000 look-ups/s over HTTP; count p99 during import close to alone"
