#!/usr/bin/env bash
# schemathesis against the shop: every check, every phase, a time budget.
#
#   benches/schemathesis/run.sh            (MAX_TIME=180 seconds of testing)
#
# Builds and starts the release shop on 127.0.0.1:$PORT with a fresh SQLite
# database, registers a user and logs in (the auth bootstrap: every request
# carries its bearer token and the admin API key), runs
#   st run http://127.0.0.1:$PORT/openapi.json --checks all --max-time $MAX_TIME
# and keeps its output, its JUnit report and the server's non-INFO log lines
# in benches/schemathesis/results/<UTC stamp>/.
# Installs schemathesis with pip when missing.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
PORT=${PORT:-18300}
MAX_TIME=${MAX_TIME:-180}
API_KEY=schemathesis-key
command -v st >/dev/null || python3 -m pip install --quiet schemathesis
(cd "$ROOT" && cargo build --release --quiet -p shop)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="results/$stamp"
mkdir -p "$out"
db=$(mktemp -d)
DATABASE_URL="sqlite://$db/shop.db" APP_API_KEY=$API_KEY SECRET_KEY=schemathesis-secret-key-of-32-bytes-or-more \
    HOST=127.0.0.1 PORT=$PORT "$ROOT/target/release/shop" >"$db/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$db"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/" || { echo "the shop did not start:" >&2; cat "$db/server.log" >&2; exit 1; }
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/users" -H 'content-type: application/json' \
    -d '{"name":"Schema Thesis","email":"st@example.com","age":30,"password":"password123"}'
token=$(curl -sf -X POST "http://127.0.0.1:$PORT/auth/token" \
    -d 'username=st@example.com&password=password123' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
set +e
st run "http://127.0.0.1:$PORT/openapi.json" \
    --checks all --max-time "$MAX_TIME" \
    -H "Authorization: Bearer $token" -H "X-API-Key: $API_KEY" \
    --report junit --report-dir "$out" --no-color 2>&1 | tee "$out/schemathesis.txt"
status=${PIPESTATUS[0]}
set -e
# the access log is large: keep its tail and its error lines
{ grep -v 'INFO' "$db/server.log" | tail -n 200; } >"$out/server-errors.log" || true
echo "schemathesis exited $status; output in benches/schemathesis/$out"
