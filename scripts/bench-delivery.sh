#!/usr/bin/env bash
# Outreach delivery benchmark (bench/bench_delivery.cc): the HTTP client
# module's requests/s on one lane, dispatch with the durable ledger to the
# local webhook receiver (messages/s, CPU µs per message), the same through
# the email channel to aiosmtpd over one and over 4 SMTP connections, and
# ledger recovery at 1M recipients.
#
#   scripts/bench-delivery.sh [--quick] [--bin build/release] [--no-build]
# Results: stdout and bench/out/delivery.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=build/release
build=1
users=200000
mails=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) users=50000; mails=500; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench-delivery.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ "$build" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target tagloop_bench_delivery tagloop_gateway_sim
fi
mkdir -p bench/out
echo "== outreach delivery (scripts/bench-delivery.sh)"
"$bin/bench/tagloop_bench_delivery" --receiver "$bin/demo/gateway/tagloop_gateway_sim" \
  --smtp-sink "$root/tests/outreach/smtp_sink.py" --users "$users" --mails "$mails" \
  --out bench/out/delivery.json
