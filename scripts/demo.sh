#!/usr/bin/env bash
# `make demo`: generates the car-rental member table (two daily versions, so
# as-of queries have history), imports it into build/demo/data, prints the tag
# list and a few example counts with their timings, then serves the API at
# http://127.0.0.1:8080 with a fresh admin token (Ctrl-C stops it).
# DEMO_USERS (default 1,000,000) sets the size, DEMO_LISTEN the address,
# DEMO_SERVE=0 skips serving.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${DEMO_USERS:-1000000}
bin=build/release
tagloop=$bin/tagloop
gen=$bin/bench/tagloop_gen_users
out=build/demo
data=$out/data
mkdir -p "$out"

if [ ! -f "$data/MANIFEST" ] || [ "$(cat "$out/users" 2>/dev/null)" != "$users" ]; then
  rm -rf "$data"
  for v in "2026-10-30:1" "2026-10-31:0"; do
    date=${v%%:*}; salt=${v##*:}
    echo "demo: generating $users members for $date"
    "$gen" --users "$users" --seed 42 --salt "$salt" --date "$date" --out "$out/members-$date.csv" >/dev/null
    echo "demo: importing $date"
    "$tagloop" import --data "$data" --csv "$out/members-$date.csv" --id-column member_id \
      --types "$(cat "$out/members-$date.csv.types")" --version "$date"
    rm -f "$out/members-$date.csv"
  done
  echo "$users" > "$out/users"
fi

"$tagloop" tags --data "$data"
echo
examples=(
  "city = '上海' AND age BETWEEN 25 AND 35"
  "is_vip AND NOT is_blacklisted AND last_order_date >= '2026-10-01'"
  "interests CONTAINS ANY ('road_trip','camping') AND car_class_pref IN ('suv','mpv')"
  "member_level IN ('金卡','白金','钻石') AND spend_total > 5000 AND NOT sms_opt_in"
  "(city = '北京' OR city = '深圳') AND orders_total >= 3 AND credit_score IS NOT NULL"
  "last_login_date < DAYS_AGO(90) AND coupon_types CONTAINS ALL ('weekend','holiday')"
)
for e in "${examples[@]}"; do
  start=$(date +%s%N)
  n=$("$tagloop" count --data "$data" --as-of 2026-10-31 "$e")
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%10s users  %4d ms  %s\n' "$n" "$ms" "$e"
done
n=$("$tagloop" count --data "$data" --as-of 2026-10-30 "is_vip")
printf '%10s users  (as of 2026-10-30)  is_vip\n' "$n"
echo
echo "demo: data in $data — try: $tagloop count --data $data \"gender = '女' AND age < 30\""
[ "${DEMO_SERVE:-1}" = 1 ] || exit 0

listen=${DEMO_LISTEN:-127.0.0.1:8080}
token=$("$tagloop" token create --data "$data" --role admin --name "demo-admin-$(date +%Y%m%d-%H%M%S)" 2>/dev/null)
echo
echo "demo: serving http://$listen  (API under /api/v1, docs/api.md)"
echo "demo: admin token: $token"
echo "demo: try: curl -s -H 'Authorization: Bearer $token' -H 'Content-Type: application/json' \\"
echo "             -d '{\"expr\": \"is_vip AND city = '\\''上海'\\''\"}' http://$listen/api/v1/segments/count"
exec "$tagloop" serve --data "$data" --listen "$listen"
