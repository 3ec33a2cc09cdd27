#!/usr/bin/env bash
# Applies pending database migrations (the release step before a new version starts).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: DATABASE_URL=postgres://... deploy/scripts/migrate.sh [--status]

Applies the committed migrations in migrations/ with `node dist/src/cli.js db migrate`.
  --status   only list applied and pending migrations (`db status`)

Environment:
  DATABASE_URL  required; a login that owns the schema (it is granted the app role saas_app)
  APP_DIR       folder holding dist/ and migrations/ (default: this checkout's root; /app in the image)

Run `npm ci && npm run build` first when running from a checkout.
USAGE
}

command=(db migrate)
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --status) command=(db status) ;;
  "") ;;
  *) echo "migrate.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac

if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "migrate.sh: DATABASE_URL is not set" >&2
  usage >&2
  exit 2
fi

app_dir="${APP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cli="$app_dir/dist/src/cli.js"
if [[ ! -f "$cli" ]]; then
  echo "migrate.sh: $cli not found: build first (npm ci && npm run build) or set APP_DIR" >&2
  exit 1
fi

cd "$app_dir"
echo "migrate.sh: running ${command[*]}"
exec node "$cli" "${command[@]}"
