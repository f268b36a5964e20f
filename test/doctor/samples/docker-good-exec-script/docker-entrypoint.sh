#!/usr/bin/env bash
set -euo pipefail

# Wait for the database, then hand PID 1 over to the app.
if [ -n "${DATABASE_URL:-}" ]; then
  python -m app.wait_for_db
fi

migrate() {
  python -m app.migrate
}
migrate

exec "$@"
