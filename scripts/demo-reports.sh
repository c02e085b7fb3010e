#!/usr/bin/env bash
# Saves the demo's reports (demo/reports/*.json) and dashboards
# (demo/dashboards/*.json) on a running server, skipping the ones that exist:
#   scripts/demo-reports.sh URL HEADER_FILE FIRST_DATE END_DATE
# HEADER_FILE holds "Authorization: Bearer <token>" (an analyst token or
# better); it is passed to curl as a file, so the token never shows on a
# command line or in output. @FIRST@/@END@ in a report become the dates.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
url=$1 header=$2 first=$3 end=$4
api="$url/api/v1"

exists() { [ "$(curl -s -o /dev/null -w '%{http_code}' -H @"$header" "$api/$1")" = 200 ]; }
put() {  # put PATH BODY
  local answer code
  answer=$(mktemp)
  code=$(curl -s -o "$answer" -w '%{http_code}' -X PUT -H @"$header" -H 'Content-Type: application/json' \
         --data-binary @- "$api/$1" <<<"$2")
  if [ "${code:0:1}" != 2 ]; then
    echo "demo-reports: PUT /api/v1/$1: HTTP $code: $(head -c 400 "$answer")" >&2
    rm -f "$answer"
    return 1
  fi
  rm -f "$answer"
}

saved=0
for f in "$root"/demo/reports/*.json; do
  name=$(basename "$f" .json)
  exists "reports/$name" && continue
  put "reports/$name" "{\"definition\": $(sed -e "s/@FIRST@/$first/g" -e "s/@END@/$end/g" "$f")}"
  saved=$((saved + 1))
done
for f in "$root"/demo/dashboards/*.json; do
  name=$(basename "$f" .json)
  exists "dashboards/$name" && continue
  put "dashboards/$name" "$(cat "$f")"
  saved=$((saved + 1))
done
echo "demo-reports: $saved reports and dashboards saved"
