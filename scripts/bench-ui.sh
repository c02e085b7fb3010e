#!/usr/bin/env bash
# Web UI benchmark (issue 7: "pages stay responsive with 10M users and 1,000
# tags"): the member table of scripts/bench.sh imported with three daily
# versions, a catalog of 1,000 published tags (the 24 imported ones with
# Chinese titles in ~30 categories, the rest external tags with a few pushed
# values each), then each main page timed in Debian's chromium driven by
# playwright-core (web/e2e/bench-ui.mjs): median and max of --runs after one
# warm-up, bytes and API calls per page. Target: main content in under 1 s.
#
#   scripts/bench-ui.sh [--users 10000000] [--tags 1000] [--runs 5] [--quick]
#                       [--bin build/release] [--no-build]
#
# --quick is 100k users (the catalog stays at 1,000 tags). The store is
# cached in build/bench-ui/store-<N>x<TAGS> (set up once, about 5 minutes at
# 10M); each run serves a copy. Results: bench/out/ui-<N>.json; screenshots
# in build/bench-ui/screenshots.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
users=10000000
tags=1000
runs=5
bin=build/release
build=1
seed=42
as_of=2026-10-31
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --tags) tags=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --quick) users=100000; shift ;;
    --bin) bin=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench-ui.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in tagloop bench/tagloop_gen_users; do
  [ -x "$bin/$b" ] || { echo "bench-ui.sh: $bin/$b missing (build first)" >&2; exit 1; }
done
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || { echo "bench-ui.sh: chromium missing" >&2; exit 1; }
if [ "$build" = 1 ] || [ ! -f web/dist/index.html ]; then
  (cd web && npm run build --silent >/dev/null)
fi

work=build/bench-ui
store=$work/store-${users}x$tags
mkdir -p "$work" build/bench-data bench/out
export TAGLOOP_BINARY=$root/$bin/tagloop
if [ ! -f "$store.ready" ]; then
  rm -rf "$store" "$store.tmp"
  # Three daily versions of the 24 member tags: salt 2, 1, 0 for 10-29 .. 10-31
  # (the salt-0 CSV is the one scripts/bench.sh caches in build/bench-data).
  for salt in 2 1 0; do
    day=$(date -d "$as_of - $salt days" +%F)
    if [ "$salt" = 0 ]; then
      csv=build/bench-data/users-$users-s$seed.csv
    else
      csv=$work/users-$users-s$seed-salt$salt.csv
    fi
    if [ ! -f "$csv" ] || [ ! -f "$csv.types" ]; then
      "$bin/bench/tagloop_gen_users" --users "$users" --seed "$seed" --salt "$salt" --date "$day" --out "$csv.tmp"
      mv "$csv.tmp.types" "$csv.types" && mv "$csv.tmp" "$csv"
    fi
    echo "bench-ui: importing $users members as of $day ..."
    "$bin/tagloop" import --data "$store.tmp" --csv "$csv" --id-column member_id --types "$(cat "$csv.types")" \
      --version "$day" --quiet
    [ "$salt" = 0 ] || rm -f "$csv" "$csv.types"
  done
  node web/e2e/bench-ui.mjs setup --data "$store.tmp" --tags "$tags" --date "$as_of"
  mv "$store.tmp" "$store"
  touch "$store.ready"
fi

# Serve a copy: tokens, the audit log and usage are written while measuring.
copy=$work/run-$users
rm -rf "$copy"
cp -a "$store" "$copy"
trap 'rm -rf "$copy"' EXIT
echo "=== web UI: $users users x $tags tags ==="
node web/e2e/bench-ui.mjs measure --data "$copy" --runs "$runs" --date "$as_of" \
  --out "bench/out/ui-$users.json" --shots "$work/screenshots"
