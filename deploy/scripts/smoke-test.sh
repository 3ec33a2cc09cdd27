#!/usr/bin/env bash
# Checks that a deployment answers: GET /health (process alive) and GET /ready (database and Redis).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy/scripts/smoke-test.sh [BASE_URL]

Requests BASE_URL/health and BASE_URL/ready and exits non-zero if either does not answer 2xx.
BASE_URL defaults to $BASE_URL, then http://127.0.0.1:8000.

Environment:
  BASE_URL        e.g. https://example.com
  SMOKE_ATTEMPTS  tries per endpoint before failing (default 5)
  SMOKE_DELAY     seconds between tries (default 3)
  SMOKE_TIMEOUT   seconds per request (default 10)
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac
if [[ $# -gt 1 ]]; then usage >&2; exit 2; fi

base_url="${1:-${BASE_URL:-http://127.0.0.1:8000}}"
base_url="${base_url%/}"
attempts="${SMOKE_ATTEMPTS:-5}"
delay="${SMOKE_DELAY:-3}"
timeout="${SMOKE_TIMEOUT:-10}"

if ! command -v curl >/dev/null 2>&1; then
  echo "smoke-test.sh: curl is required" >&2
  exit 2
fi

check() {
  local path="$1" status body_file
  body_file="$(mktemp)"
  for ((i = 1; i <= attempts; i++)); do
    status="$(curl -sS -o "$body_file" -w '%{http_code}' --max-time "$timeout" "$base_url$path" || true)"
    if [[ "$status" =~ ^2[0-9][0-9]$ ]]; then
      echo "ok   $path ($status)"
      rm -f "$body_file"
      return 0
    fi
    echo "wait $path (attempt $i/$attempts: status ${status:-none})" >&2
    if ((i < attempts)); then sleep "$delay"; fi
  done
  echo "FAIL $base_url$path: last status ${status:-none}" >&2
  head -c 2000 "$body_file" >&2 || true
  echo >&2
  rm -f "$body_file"
  return 1
}

failed=0
check /health || failed=1
check /ready || failed=1
if ((failed)); then
  echo "smoke-test.sh: $base_url is not healthy" >&2
  exit 1
fi
echo "smoke-test.sh: $base_url is healthy"
