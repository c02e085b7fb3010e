#!/usr/bin/env bash
# `make demo`: builds the demo car-rental company into build/demo
# (scripts/demo-setup.sh: business database, event history, 70+ tags with a
# week of daily versions, segments, reports, dashboards), then serves it at
# http://127.0.0.1:8080 with a fresh admin token, and keeps live order events
# flowing (tagloop_demo_company events) so real-time tags move. The gateway
# simulator (demo/gateway) answers the outreach channels (their "send test
# message" and campaigns approved in the demo) and reports receipts; e-mail
# goes to a local aiosmtpd when Python has it. Ctrl-C or SIGTERM stops the
# server, the simulator and the event generator.
#   DEMO_MEMBERS  members (default 20000)
#   DEMO_LISTEN   address (default 127.0.0.1:8080)
#   DEMO_RATE     live events per second (default 20; 0 = none)
#   DEMO_GATEWAY  the simulator's address (default 127.0.0.1:0: a free port;
#                 the channels are pointed at it)
#   DEMO_SERVE=0  only set up, do not serve
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${TAGLOOP_BUILD_DIR:-$root/build/release}
out=$root/build/demo
data=$out/data
listen=${DEMO_LISTEN:-127.0.0.1:8080}
rate=${DEMO_RATE:-20}

"$root/scripts/demo-setup.sh" --members "${DEMO_MEMBERS:-20000}" --out "$out" --bin "$bin"
[ "${DEMO_SERVE:-1}" = 1 ] || exit 0

tagloop=$bin/tagloop
stamp=$(date +%Y%m%d-%H%M%S)
# Tokens go to files only readable by us: the admin's is printed once at the
# end (for the person running the demo), the event generator's never.
umask 077
admin_token=$("$tagloop" token create --data "$data" --role admin --name "demo-admin-$stamp" 2>/dev/null)
{ printf 'Authorization: Bearer '; echo "$admin_token"; } >"$out/.admin-auth"
"$tagloop" token create --data "$data" --role operator --name "demo-live-events-$stamp" >"$out/.live-token" 2>/dev/null
"$tagloop" token create --data "$data" --role operator --name "demo-gateway-$stamp" >"$out/.gateway-token" 2>/dev/null

server_pid="" events_pid="" sim_pid="" smtp_pid=""
stop() {
  trap - INT TERM EXIT
  [ -z "$events_pid" ] || kill -TERM "$events_pid" 2>/dev/null || true
  [ -z "$smtp_pid" ] || kill -TERM "$smtp_pid" 2>/dev/null || true
  # The simulator first: it posts its last receipts while the server is up.
  [ -z "$sim_pid" ] || { kill -TERM "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; }
  [ -z "$server_pid" ] || kill -TERM "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -f "$out/.admin-auth" "$out/.live-token" "$out/.gateway-token" "$out/.gateway.port"
  # This run's tokens end with it (each run prints a new one).
  "$tagloop" token list --data "$data" 2>/dev/null |
    awk -v s="$stamp" '$2 == "demo-admin-" s || $2 == "demo-live-events-" s || $2 == "demo-gateway-" s { print $1 }' |
    while read -r id; do "$tagloop" token revoke --data "$data" "$id" >/dev/null 2>&1 || true; done
}
trap stop INT TERM EXIT

"$tagloop" serve --data "$data" --listen "$listen" --log-level warn &
server_pid=$!
url="http://$listen"
for _ in $(seq 1 300); do
  curl -sf "$url/api/v1/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "demo: the server stopped (is $listen in use? set DEMO_LISTEN)" >&2; exit 1; }
  sleep 0.1
done
curl -sf "$url/api/v1/health" >/dev/null || { echo "demo: the server did not answer at $url" >&2; exit 1; }

# The setup saved them already; this only adds what is missing (idempotent).
end=$(sed -n 's/.* end=\([0-9-]*\) .*/\1/p' "$out/setup.stamp")
days=$(sed -n 's/.* days=\([0-9]*\) .*/\1/p' "$out/setup.stamp")
"$root/scripts/demo-reports.sh" "$url" "$out/.admin-auth" "$(date -u -d "$end - $((days - 1)) days" +%F)" "$end" >/dev/null

# The gateway simulator, with the secret the set-up stored in the channels.
rm -f "$out/.gateway.port"
"$bin/demo/gateway/tagloop_gateway_sim" --listen "${DEMO_GATEWAY:-127.0.0.1:0}" --port-file "$out/.gateway.port" \
  --secret-file "$out/.gateway-secret" --appid wxdemo \
  --fail-rate 0.03 --transient-rate 0.05 --events-url "$url/api/v1/events" --token-file "$out/.gateway-token" \
  --sms-report-url "$url/api/v1/channels/sms_main/receipts" >"$out/gateway.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$out/.gateway.port" ] && break; kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.05; done
[ -s "$out/.gateway.port" ] || { echo "demo: the gateway simulator did not start: $(cat "$out/gateway.log")" >&2; exit 1; }
gateway=http://127.0.0.1:$(cat "$out/.gateway.port")
smtp=smtp://127.0.0.1:8025
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then  # Debian's python3-aiosmtpd (install-deps.sh)
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" >"$out/smtp.log" 2>&1 &
  smtp_pid=$! smtp=smtp://127.0.0.1:$port
fi
"$root/scripts/demo-campaigns.sh" --point-channels "$url" "$out/.admin-auth" "$gateway" "$smtp"

if [ "$rate" != 0 ]; then
  "$bin/demo/tagloop_demo_company" events --url "$url" --token-file "$out/.live-token" \
    --db "$out/company/business.db" --rate "$rate" --quiet &
  events_pid=$!
fi

cat <<EOF

demo: the car-rental company is served at http://$listen/
demo: admin token: $admin_token
demo: API under /api/v1 (docs/api.md); live order events: $rate per second; Ctrl-C stops
demo: outreach channels answer at the gateway simulator $gateway (log: $out/gateway.log)$([ -n "$smtp_pid" ] || echo "; e-mail: no aiosmtpd, the email channel fails")
demo: try: curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
             -d '{"expr": "high_value_churn_risk AND sms_reachable"}' http://$listen/api/v1/segments/count
EOF
wait "$server_pid"
