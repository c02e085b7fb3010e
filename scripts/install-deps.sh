#!/usr/bin/env bash
# Installs every Debian package tagloop's build, tests, benchmarks and demo
# use, builds Debian's CRoaring source for this CPU (scripts/build-croaring.sh)
# and installs the web UI's npm packages (npm ci, as web/package-lock.json
# records them). Idempotent and quick when everything is already there.
# Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config make xz-utils ca-certificates
  clang libclang-rt-14-dev libfuzzer-14-dev
  # libraries (Debian 12 packages only)
  libroaring-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libxxhash-dev libzstd-dev libssl-dev libboost-dev libyaml-cpp-dev
  unixodbc-dev libcurl4-openssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev postgresql-15 postgresql-client-15 odbc-postgresql wrk curl linux-perf
  # the outreach e-mail tests and benchmark send to a local SMTP server (tests/outreach/smtp_sink.py)
  python3-aiosmtpd
  # the demo's outreach set-up (scripts/demo-campaigns.sh) shapes API bodies with jq
  jq
  # the web UI's end-to-end tests drive Debian's chromium (playwright-core, web/e2e); a CJK font for its screenshots
  chromium fonts-wqy-microhei
)
# Node.js builds and tests the web UI: the machine's own node when there is
# one, otherwise Debian's (18.x on Debian 12). web/package.json pins tools
# that run on both 18 and 20 (Vite 6, TypeScript 5, playwright-core 1.61).
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scripts/build-croaring.sh

# The web UI's npm packages; skipped when node_modules matches the lock file.
lock_hash=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [ "$(cat web/node_modules/.tagloop-lock 2>/dev/null)" != "$lock_hash" ]; then
  echo "install-deps: npm ci (web/)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > web/node_modules/.tagloop-lock
fi
