#!/usr/bin/env bash
# The demo data set: generates the benchmark's car-rental member table
# (bench/member_model.cc), imports it into a data directory and prints a few
# example audience counts. Used by `make demo`; binaries must be built.
#
#   scripts/gen-demo.sh [--users 200000] [--data build/demo/data] [--bin build/release]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

users=200000
data=build/demo/data
bin=build/release
as_of=2026-10-31
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "gen-demo.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in tagloop bench/tagloop_gen_users; do
  [ -x "$bin/$b" ] || { echo "gen-demo.sh: $bin/$b missing (build first)" >&2; exit 1; }
done

csv=$(dirname "$data")/members.csv
mkdir -p "$(dirname "$data")"
"$bin/bench/tagloop_gen_users" --users "$users" --seed 42 --date "$as_of" --out "$csv"
rm -rf "$data"
"$bin/tagloop" import --data "$data" --csv "$csv" --id-column member_id \
  --types "$(cat "$csv.types")" --version "$as_of"

echo
echo "demo data: $users members in $data (as of $as_of); example audiences:"
while IFS= read -r expr; do
  n=$("$bin/tagloop" count --data "$data" --as-of "$as_of" "$expr")
  printf '  %9s  %s\n' "$n" "$expr"
done <<'EOF'
is_vip AND city IN ('上海', '北京')
gender = '女' AND age BETWEEN 22 AND 30 AND has_app
interests CONTAINS ANY ('road_trip', 'self_drive_tour') AND car_class_pref = 'suv'
spend_total >= 5000 AND last_order_date < DAYS_AGO(180) AND NOT is_blacklisted
member_level IN ('金卡', '白金', '钻石') AND (credit_score IS NULL OR last_login_date < '2025-11-01')
EOF
echo "try: $bin/tagloop count --data $data --as-of $as_of \"city = '成都' AND orders_total >= 3\""
