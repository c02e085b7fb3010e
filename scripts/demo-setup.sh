#!/usr/bin/env bash
# Builds the demo car-rental company into OUT (default build/demo):
#   OUT/company/   what the company's systems hold (tagloop_demo_company generate):
#                  business.db (SQLite), events.ndjson, lists/, external/
#   OUT/data/      the tagloop data directory, ready for `tagloop serve --data OUT/data`:
#                  the SQLite source `biz`, the event history, 70+ tag definitions
#                  from demo/tags/ (published; drafts from demo/tags/drafts/), a week of
#                  daily versions (a backfill), external values pushed over the API,
#                  saved segments, reports and dashboards, and outreach
#                  (scripts/demo-campaigns.sh: channels of every kind at the gateway
#                  simulator, a policy, four campaigns sent in the history week with
#                  delivery receipts and conversions, one waiting for approval, two approved
#                  journeys)
#   OUT/setup.log  every command's output
#
#   scripts/demo-setup.sh [--members N] [--out DIR] [--seed S] [--end-date YYYY-MM-DD]
#                         [--days-produced N] [--bin BUILD_DIR] [--force]
#   (BUILD_DIR holds tagloop, demo/tagloop_demo_company and
#   demo/gateway/tagloop_gateway_sim; default build/release)
#
# Idempotent: when OUT already holds a setup of the same size, seed, end
# date and definitions it does nothing. The end date defaults to yesterday
# (Beijing time), so the history ends where the live events begin. Prints no
# secret: the temporary tokens it uses are revoked at the end; the gateway
# simulator's secret stays in OUT/.gateway-secret (mode 600) for make demo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
members=20000 out=$root/build/demo seed=42 end="" days=7 force=0
# The build folder: --bin, else $TAGLOOP_BUILD_DIR, else the folder of
# $TAGLOOP_BINARY (as the tests set it), else build/release.
bin=${TAGLOOP_BUILD_DIR:-}
[ -n "$bin" ] || { [ -z "${TAGLOOP_BINARY:-}" ] || bin=$(dirname "$TAGLOOP_BINARY"); }
[ -n "$bin" ] || bin=$root/build/release
while [ $# -gt 0 ]; do
  case $1 in
    --members) members=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --end-date) end=$2; shift 2 ;;
    --days-produced) days=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "demo-setup: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
tagloop=$bin/tagloop
gen=$bin/demo/tagloop_demo_company
for b in "$tagloop" "$gen" "$bin/demo/gateway/tagloop_gateway_sim"; do
  [ -x "$b" ] || { echo "demo-setup: $b is missing: build first (make build)" >&2; exit 1; }
done
[ -n "$end" ] || end=$(date -u -d "@$(( $(date +%s) + 8 * 3600 - 86400 ))" +%F)
first=$(date -u -d "$end - $((days - 1)) days" +%F)
# Every command below (and the servers it starts) lives at noon, Beijing time,
# of the day after the end date (core/wall_clock.h): the scheduler's catch-up,
# default dates and real-time days then agree with the history, whatever
# today's date is.
day_after=$(date -u -d "$end + 1 day" +%s 2>/dev/null) || { echo "demo-setup: bad --end-date '$end'" >&2; exit 2; }
export TAGLOOP_NOW=$((day_after + 4 * 3600))
mkdir -p "$out"
out=$(cd "$out" && pwd)
data=$out/data company=$out/company log=$out/setup.log

# Bump `format` when what a setup holds changes.
format=2
defs_hash=$(cat "$root"/demo/tags/*.yaml "$root"/demo/tags/drafts/*.yaml "$root"/demo/reports/*.json \
            "$root"/demo/dashboards/*.json "$root"/demo/categories.txt "$root"/demo/outreach/*.json \
            "$root"/demo/outreach/*/*.json "$root"/scripts/demo-campaigns.sh "$0" | cksum | cut -d' ' -f1)
stamp="format=$format members=$members seed=$seed end=$end days=$days definitions=$defs_hash"
if [ "$force" = 0 ] && [ -f "$out/setup.stamp" ] && [ "$(cat "$out/setup.stamp")" = "$stamp" ] && [ -f "$data/MANIFEST" ]; then
  echo "demo-setup: $out already holds this setup ($members members, history to $end)"
  exit 0
fi

t0=$(date +%s%N)
elapsed() { printf '%.1fs' "$(( ($(date +%s%N) - t0) / 1000000 ))e-3"; }
step() { echo "demo-setup: [$(elapsed)] $*"; }
run() { "$@" >>"$log" 2>&1 || { echo "demo-setup: failed: $* (see $log)" >&2; tail -n 20 "$log" >&2; exit 1; }; }
server_pid=""
header=$out/.setup-auth
cleanup() {
  [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -f "$header" "$out/.setup-server.log"
}
trap cleanup EXIT

rm -rf "$data" "$company" "$out/setup.stamp" "$out/.gateway-secret"
: >"$log"
step "generating the company: $members members, order history to $end (seed $seed)"
run "$gen" generate --members "$members" --seed "$seed" --end-date "$end" --out "$company"
tail -n 1 "$log" | sed 's/^/demo-setup:   /'

mkdir -p "$data/lists"
cp "$company"/lists/{blacklist,risk_reason,crm_campaign_2026q4}.txt "$data/lists/"
run "$tagloop" sources add --data "$data" biz --kind sqlite --connection ../company/business.db
while IFS='|' read -r path title; do
  case $path in ''|'#'*) continue ;; esac
  run "$tagloop" categories add --data "$data" "$path" --title-en "$title"
done <"$root/demo/categories.txt"
step "importing the event history ($(wc -l <"$company/events.ndjson") events)"
run "$tagloop" events import --data "$data" "$company/events.ndjson"
run "$tagloop" tags apply --data "$data" "$root/demo/tags" "$root/demo/tags/drafts"

names() { sed -n 's/^  - name: *\([a-z0-9_]*\).*/\1/p' "$@"; }
batch=$(names "$root"/demo/tags/0[1-7]_*.yaml)
external=$(names "$root"/demo/tags/08_*.yaml)
composite=$(names "$root"/demo/tags/09_*.yaml)
produce() {  # produce TAG...: every date from $first to $end
  local t rc
  for t in "$@"; do
    rc=0
    "$tagloop" produce --data "$data" "$t" --from "$first" --to "$end" >>"$log" 2>&1 || rc=$?
    # A date rejected by a quality check is part of the demo; a failed run is not.
    if grep -q "^$t [0-9-]* run [0-9]* (definition v[0-9]*): failed" "$log" ||
       { [ "$rc" != 0 ] && ! grep -q "^$t [0-9-]* run .*: rejected" "$log"; }; then
      echo "demo-setup: producing $t failed (see $log)" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
  done
}
step "producing $(echo $batch | wc -w) sql, list, real-time and behaviour tags for $first .. $end"
produce $batch

step "pushing external values through the API"
{ printf 'Authorization: Bearer '; "$tagloop" token create --data "$data" --role admin --name demo-setup 2>>"$log"; } >"$header"
chmod 600 "$header"
start_server() {
  : >"$out/.setup-server.log"  # before the child opens it: the loop below reads it at once
  "$tagloop" serve --data "$data" --listen 127.0.0.1:0 --log-level warn >"$out/.setup-server.log" 2>&1 &
  server_pid=$!
  url=""
  for _ in $(seq 1 600); do
    addr=$(sed -n 's/^listening on //p' "$out/.setup-server.log" || true)
    if [ -n "$addr" ]; then url="http://$addr"; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "demo-setup: the server did not start:" >&2; cat "$out/.setup-server.log" >&2; exit 1; }
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
start_server
while read -r tag file; do
  code=$(curl -s -o "$out/.push-answer" -w '%{http_code}' -H @"$header" -H 'Content-Type: application/json' \
         --data-binary @"$company/$file" "$url/api/v1/catalog/tags/$tag/values")
  cat "$out/.push-answer" >>"$log"; echo >>"$log"
  [ "$code" = 200 ] || { echo "demo-setup: push $file: HTTP $code: $(head -c 300 "$out/.push-answer")" >&2; exit 1; }
done <"$company/external/pushes.txt"
rm -f "$out/.push-answer"
stop_server

step "producing $(echo $composite | wc -w) composite tags"
produce $composite
run "$tagloop" tags apply --data "$data" --publish "$root/demo/tags"

step "saving segments"
seg() { run "$tagloop" segments --data "$data" "$@"; }
# Descriptions when this tagloop takes them (segments save --description).
describe=0
"$tagloop" segments --data "$data" save --help 2>/dev/null | grep -q -- '--description' && describe=1
save() {  # save NAME EXPR DESCRIPTION
  if [ "$describe" = 1 ]; then seg save "$1" "$2" --as-of "$end" --description "$3"; else seg save "$1" "$2" --as-of "$end"; fi
}
save 上海高价值会员 "home_city = '上海' AND high_value_member" "上海常住的高价值会员，门店活动与专属客服的目标人群。"
save 高价值流失预警 "high_value_churn_risk AND NOT blacklisted" "高价值但 90 天以上未下单、且不在黑名单：召回优先级最高。"
save 周末家庭出游 "weekend_renter AND car_classes_used CONTAINS ANY ('SUV', 'MPV') AND age BETWEEN 30 AND 45" \
  "30-45 岁、偏好周末用车且租过 SUV/MPV 的家庭出游客群，适合周末券。"
save 节假日机场客群 "holiday_traveler AND airport_pickup_share >= 0.5 AND sms_reachable" \
  "节假日出行、一半以上在机场取车、短信可触达：节前提醒与节假日券。"
save 新客首单转化 "is_new_member AND orders_total = 0 AND coupons_unused >= 1" "近30天注册、尚未下单但手上有券的新会员：首单转化。"
save 券敏感沉睡召回 "coupon_sensitive AND dormant_member AND reach_channel IN ('微信+短信', '仅短信')" \
  "对优惠券敏感的沉睡会员，可短信触达：发券召回。"
save 低信用高风险 "low_credit OR overdue_risk IN ('高', '中') OR blacklisted" "低信用、有中高逾期风险或在黑名单：营销排除、押金策略参考。"
if [ "$describe" = 1 ]; then
  seg freeze 召回名单快照 --expr "winback_target" --as-of "$end" --description "召回目标人群在 $end 的快照，活动执行与效果对照用。"
else
  seg freeze 召回名单快照 --expr "winback_target" --as-of "$end"
fi
seg upload crm_2026q4_upload "$company/lists/crm_upload_2026q4.txt" --as-of "$end"
save CRM名单中的金卡以上 "SEGMENT('crm_2026q4_upload') AND member_level IN ('金卡', '白金', '钻石')" \
  "CRM 上传名单与标签条件组合：名单中金卡及以上的会员。"

step "saving reports and dashboards"
start_server
run "$root/scripts/demo-reports.sh" "$url" "$header" "$first" "$end"
stop_server
step "outreach: channels, policy and campaigns sent through the gateway simulator"
run "$root/scripts/demo-campaigns.sh" "$data" "$bin" "$end" "$seed"
sed -n 's/^demo-campaigns: /demo-setup:   /p' "$log"
token_id=$("$tagloop" token list --data "$data" | awk '$0 ~ /demo-setup/ && $0 !~ /revoked/ {print $1}' | tail -n 1)
[ -z "$token_id" ] || run "$tagloop" token revoke --data "$data" "$token_id"

echo "$stamp" >"$out/setup.stamp"
tags=$("$tagloop" tags --data "$data" | sed -n 's/^\([0-9]*\) tags,.*/\1/p')
rejected=$(grep -c ': rejected' "$log" || true)
step "done: $members members, $tags tags with data, versions $first .. $end ($rejected rejected by quality checks, as planned) in $data"
