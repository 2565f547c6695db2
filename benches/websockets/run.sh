#!/usr/bin/env bash
# The WebSocket load test of issue 16: CONNECTIONS (default 1,000) sockets
# open at once, each echoing MESSAGES (default 100) messages, against
# fastrs's and axum's echo servers in the same run; 0 lost expected; the
# servers' resident memory before the run (VmRSS) and at its peak (VmHWM),
# per connection. Every wait is bounded. Results: results/<UTC stamp>.md.
#   benches/websockets/run.sh       (NO_BUILD=1 to skip the release build)
set -euo pipefail
cd "$(dirname "$0")"
CONNECTIONS=${CONNECTIONS:-1000}
MESSAGES=${MESSAGES:-100}
BASE_PORT=${BASE_PORT:-18700}
# Each socket is a file descriptor on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS + 100)) ]; then
    echo "ulimit -n is $(ulimit -n): too low for $CONNECTIONS connections" >&2
    exit 1
fi
if [ -z "${NO_BUILD:-}" ]; then
    (cd load && cargo build --release -q)
fi
bin=load/target/release
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p results
out=results/$stamp.md
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
{
    echo "# WebSocket load: $CONNECTIONS connections x $MESSAGES messages ($stamp, $(nproc) CPUs)"
    echo
    echo "| server | opened | echoed | lost | RSS before (KiB) | peak RSS (KiB) | peak - before, per connection (KiB) | all open (s) | all echoed (s) |"
    echo "|---|---|---|---|---|---|---|---|---|"
} > "$out"
port=$BASE_PORT
for server in fastrs-ws axum-ws; do
    port=$((port + 1))
    PORT=$port "$bin/$server" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    before=$(kib "$pid" VmRSS)
    result=$(timeout 330 "$bin/ws-load" "127.0.0.1:$port" /ws "$CONNECTIONS" "$MESSAGES")
    peak=$(kib "$pid" VmHWM)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$server $result"
    python3 - "$server" "$before" "$peak" "$CONNECTIONS" "$result" >> "$out" <<'PY'
import json, sys
server, before, peak, conns, result = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
print(f"| {server} | {result['opened']} | {result['echoed']} | {result['lost']} | {before} | {peak} | {(peak - before) / conns:.1f} | {result['all_open_s']} | {result['all_echoed_s']} |")
PY
done
cat "$out"
