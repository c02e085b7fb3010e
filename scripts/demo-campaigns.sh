#!/usr/bin/env bash
# Gives a set-up demo company its outreach (issue 15), from demo/outreach/:
#   channels/NAME.json   a channel of every kind, pointing at the gateway
#                        simulator (demo/gateway: tagloop_gateway_sim)
#   policy.json          blacklist, frequency caps, quiet hours
#   campaigns/sentN_*.json  created by an operator, approved by an admin and
#                        sent to `done` N days before the end date, 10:00
#                        Beijing time, with the simulator's failures and
#                        receipts (delivered, clicked, the goal event for
#                        some recipients): the history effect analysis reads
#   campaigns/pending_*.json  created and submitted: waiting for approval
#   journeys/*.json      journeys (issue 16: a campaign with an `entry`):
#                        created and submitted by the operator and approved
#                        by the admin at the caller's TAGLOOP_NOW, so they
#                        run from then on (a weekly renewal reminder, a
#                        rescue of cancelled orders)
#
#   scripts/demo-campaigns.sh DATA BIN END_DATE SEED
# The data directory must not be served meanwhile. Each sent campaign runs
# in a server and a simulator of its own that both live at its send time
# (TAGLOOP_NOW, core/wall_clock.h); the pending one at the caller's
# TAGLOOP_NOW. The gateway secret is written to DATA/../.gateway-secret
# (mode 600) for scripts/demo.sh's simulator; tokens are revoked at the end.
#
#   scripts/demo-campaigns.sh --point-channels URL HEADER_FILE GATEWAY_URL SMTP_URL
# only re-points the channels of a running server at another simulator
# (scripts/demo.sh), secrets left as stored.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
defs=$root/demo/outreach

say() { echo "demo-campaigns: $*"; }
fail() { echo "demo-campaigns: $*" >&2; exit 1; }

# call METHOD URL HEADER_FILE [BODY]: the answer on stdout; fails on a non-2xx.
call() {
  local answer code
  answer=$(mktemp)
  code=$(curl -s -o "$answer" -w '%{http_code}' -X "$1" -H @"$3" -H 'Content-Type: application/json' \
         --data-binary "${4:-}" "$2") || code=000
  if [ "${code:0:1}" != 2 ]; then
    echo "demo-campaigns: $1 ${2#http://*/}: HTTP $code: $(head -c 400 "$answer")" >&2
    rm -f "$answer"
    return 1
  fi
  cat "$answer"
  rm -f "$answer"
}

# put_channels URL HEADER GATEWAY SMTP [SECRET]: every channel; without a
# secret the stored ones are kept.
put_channels() {
  local f body
  for f in "$defs"/channels/*.json; do
    body=$(sed -e "s|@GATEWAY@|$3|g" -e "s|@SMTP@|$4|g" "$f")
    if [ -n "${5:-}" ]; then
      # Through the environment: a command line shows in ps.
      body=$(SECRET=$5 jq 'if has("secret") then .secret = env.SECRET else . end
                           | if has("appsecret") then .appsecret = env.SECRET else . end' <<<"$body")
    else
      body=$(jq 'del(.secret, .appsecret)' <<<"$body")
    fi
    call PUT "$1/api/v1/channels/$(basename "$f" .json)" "$2" "$body" >/dev/null
  done
}

if [ "${1:-}" = --point-channels ]; then
  [ $# = 5 ] || fail "usage: --point-channels URL HEADER_FILE GATEWAY_URL SMTP_URL"
  put_channels "$2" "$3" "$4" "$5"
  exit 0
fi
[ $# = 4 ] || fail "usage: demo-campaigns.sh DATA BIN END_DATE SEED (see the header)"
data=$1 bin=$2 end=$3 seed=$4
tagloop=$bin/tagloop sim=$bin/demo/gateway/tagloop_gateway_sim
[ -x "$sim" ] || fail "$sim is missing: build first (make build)"
work=$(mktemp -d "$data/../.campaigns-XXXXXX")
final_now=${TAGLOOP_NOW:?the caller fixes the clock}
server_pid="" sim_pid=""
cleanup() {
  [ -z "$sim_pid" ] || { kill -TERM "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; }
  [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

# Who does what: an operator creates and submits, an admin approves (never
# the submitter), the simulator reports receipts with an operator token.
umask 077
token() {  # token ROLE NAME FILE: the secret in FILE.secret, the header in FILE
  "$tagloop" token create --data "$data" --role "$1" --name "$2" >"$3.secret" 2>/dev/null ||
    fail "token create $2 failed"
  { printf 'Authorization: Bearer '; cat "$3.secret"; } >"$3"
}
# The names show in the campaigns' transitions and the audit log.
token admin 市场总监-王 "$work/admin"
token operator 运营-李 "$work/operator"
token operator gateway-sim "$work/gateway"
secret_file=$(cd "$data/.." && pwd)/.gateway-secret
[ -s "$secret_file" ] || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret_file"
secret=$(cat "$secret_file")

url=""
start_server() {
  server_started=$(date +%s)
  : >"$work/server.log"
  "$tagloop" serve --data "$data" --listen 127.0.0.1:0 --no-schedules --web-root none --log-level warn \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  url=""
  for _ in $(seq 1 600); do
    addr=$(sed -n 's/^listening on //p' "$work/server.log" || true)
    if [ -n "$addr" ]; then url="http://$addr"; return 0; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  cat "$work/server.log" >&2
  fail "the server did not start"
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
# The simulator: a few permanent failures (bad numbers, unsubscribed
# openids), some transient ones retried, receipts, and the goal event for
# 6 % of the recipients (so the treatment shows a lift over the control).
start_sim() {
  rm -f "$work/sim.port"
  # The server's clock started at TAGLOOP_NOW when it started; the
  # simulator's starts now, at the same moment of that clock (to a second).
  TAGLOOP_NOW=$((TAGLOOP_NOW + $(date +%s) - server_started)) \
    "$sim" --port-file "$work/sim.port" --secret-file "$secret_file" --appid wxdemo --seed "$seed" \
    --fail-rate 0.03 --transient-rate 0.05 --events-url "$url/api/v1/events" --token-file "$work/gateway.secret" \
    --sms-report-url "$url/api/v1/channels/sms_main/receipts" --convert order_paid:0.06 >>"$work/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 200); do [ -s "$work/sim.port" ] && break; sleep 0.05; done
  [ -s "$work/sim.port" ] || { cat "$work/sim.log" >&2; fail "the gateway simulator did not start"; }
  gateway=http://127.0.0.1:$(cat "$work/sim.port")
}
stop_sim() {  # SIGTERM: it posts the receipts still queued, then exits
  kill -TERM "$sim_pid"; wait "$sim_pid" || true; sim_pid=""
  ! grep -q 'not posted\|dropped' "$work/sim.log" || { cat "$work/sim.log" >&2; fail "receipts were lost"; }
}

# create FILE: the new campaign's id, submitted by the operator.
create() {
  local id
  id=$(call POST "$url/api/v1/campaigns" "$work/operator" "$(cat "$1")" | jq -r .id)
  call POST "$url/api/v1/campaigns/$id/submit" "$work/operator" '{"comment": "请审批"}' >/dev/null
  echo "$id"
}

first_round=1
# The oldest first: each round's clock is later than the last one's.
mapfile -t sent < <(ls "$defs"/campaigns/sent*_*.json | sort -V -r)
for f in "${sent[@]}"; do
  days=$(basename "$f" | sed 's/^sent\([0-9]*\)_.*/\1/')
  export TAGLOOP_NOW=$(( $(date -u -d "$end - $days days" +%s) + 2 * 3600 ))  # 10:00 Beijing
  start_server
  start_sim
  if [ "$first_round" = 1 ]; then
    put_channels "$url" "$work/admin" "$gateway" smtp://127.0.0.1:8025 "$secret"
    call PUT "$url/api/v1/outreach/policy" "$work/admin" "$(cat "$defs/policy.json")" >/dev/null
    first_round=0
  else
    put_channels "$url" "$work/admin" "$gateway" smtp://127.0.0.1:8025
  fi
  id=$(create "$f")
  call POST "$url/api/v1/campaigns/$id/approve" "$work/admin" '{"comment": "同意"}' >/dev/null
  state=""
  for _ in $(seq 1 1200); do
    state=$(call GET "$url/api/v1/campaigns/$id" "$work/operator" | jq -r .state)
    [ "$state" = done ] && break
    sleep 0.1
  done
  [ "$state" = done ] || fail "$(basename "$f"): still $state after 120 s"
  call GET "$url/api/v1/campaigns/$id" "$work/operator" |
    jq -r --arg d "$(date -u -d "@$TAGLOOP_NOW" +%F)" \
      '"\(.name) sent \($d): audience \(.funnel.audience), control \(.funnel.control), sent \(.funnel.sent), failed \(.funnel.failed)"' |
    sed 's/^/demo-campaigns: /'
  stop_sim
  stop_server
done

export TAGLOOP_NOW=$final_now
start_server
for f in "$defs"/campaigns/pending_*.json; do
  create "$f" >/dev/null
  say "$(jq -r .name "$f") waits for approval"
done
journeys=("$defs"/journeys/*.json)
for f in "${journeys[@]}"; do
  id=$(create "$f")
  [ -n "$id" ] && [ "$id" != null ] || fail "$(basename "$f"): not created"
  state=$(call POST "$url/api/v1/campaigns/$id/approve" "$work/admin" '{"comment": "同意上线"}' | jq -r .state)
  say "journey $(jq -r .name "$f") approved ($state)"
done
stop_server

"$tagloop" token list --data "$data" 2>/dev/null |
  awk '($2 == "市场总监-王" || $2 == "运营-李" || $2 == "gateway-sim") && $0 !~ /revoked/ { print $1 }' |
  while read -r tid; do "$tagloop" token revoke --data "$data" "$tid" >/dev/null; done
say "channels, policy, ${#sent[@]} finished campaigns, $(ls "$defs"/campaigns/pending_*.json | wc -l) waiting for approval and ${#journeys[@]} journeys"
