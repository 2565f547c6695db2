#!/usr/bin/env bash
# The WebSocket load test of issue 16: CONNECTIONS (1,000) concurrent
# WebSocket connections, each echoing MESSAGES (100) text messages one after
# the other, all held open until every one is done; 0 lost is required. For
# each server it reports the peak resident memory (VmHWM from /proc) above
# the idle server's, per connection, and the server's CPU time per message.
# fastrs's echo (fastrs-echo) and axum's (axum-echo) are measured in the same
# run, a fresh server process for every round, the rounds interleaved, the
# server pinned to CPU 0 and the client to CPU 1.
#
#   benches/ws_load/run.sh              3 rounds of each server
#   ROUNDS=5 CONNECTIONS=1000 MESSAGES=100 SERVERS=fastrs,axum NO_BUILD=1 benches/ws_load/run.sh
#
# Results: benches/ws_load/results/<UTC stamp>.csv (one row a round) and
# .md (medians). Exits non-zero when a message is lost or a run fails.
set -euo pipefail
cd "$(dirname "$0")"
CONNECTIONS=${CONNECTIONS:-1000}
MESSAGES=${MESSAGES:-100}
ROUNDS=${ROUNDS:-3}
SERVERS=${SERVERS:-axum}
PORT=${PORT:-18300}
# Each connection is one descriptor on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS + 64)) ]; then
    echo "open-file limit $(ulimit -n) is below $((CONNECTIONS + 64))" >&2
    exit 1
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release -q
pin_server="taskset -c 0"; pin_client="taskset -c 1"
[ "$(nproc)" -ge 2 ] || { pin_server=; pin_client=; }

mkdir -p results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
csv=results/$stamp.csv
echo "round,server,connections,messages,echoed,lost,seconds,idle_kib,peak_kib,kib_per_connection,cpu_us_per_message" > "$csv"
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true' EXIT
status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
failed=0
IFS=, read -ra servers <<< "$SERVERS"
for round in $(seq "$ROUNDS"); do
    # Alternate the order each round.
    order=("${servers[@]}")
    if (( round % 2 == 0 )); then order=($(printf '%s\n' "${servers[@]}" | tac)); fi
    for s in "${order[@]}"; do
        PORT=$PORT $pin_server "target/release/$s-echo" >/dev/null 2>&1 &
        server_pid=$!
        for _ in $(seq 100); do
            (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
            sleep 0.1
        done
        idle=$(status "$server_pid" VmRSS)
        t0=$(cpu_ticks "$server_pid")
        line=$($pin_client target/release/ws-load-client "ws://127.0.0.1:$PORT/ws" "$CONNECTIONS" "$MESSAGES" 120) || { failed=1; }
        echo "round $round $s: $line"
        peak=$(status "$server_pid" VmHWM)
        t1=$(cpu_ticks "$server_pid")
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
        get() { echo "$line" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
        echoed=$(get echoed); lost=$(get lost); secs=$(get seconds)
        hz=$(getconf CLK_TCK)
        per_conn=$(awk -v p="$peak" -v i="$idle" -v c="$CONNECTIONS" 'BEGIN {printf "%.1f", (p - i) / c}')
        cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v m="${echoed:-0}" 'BEGIN {if (m > 0) printf "%.2f", (b - a) / hz * 1e6 / m; else print "nan"}')
        echo "$round,$s,$CONNECTIONS,$MESSAGES,${echoed:-0},${lost:-$((CONNECTIONS * MESSAGES))},${secs:-nan},$idle,$peak,$per_conn,$cpu" >> "$csv"
    done
done
python3 - "$csv" > "results/$stamp.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
servers = list(dict.fromkeys(r["server"] for r in rows))
print(f"| server | rounds | lost | idle RSS | peak RSS | RSS per connection (median) | server CPU per message (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for s in servers:
    rs = [r for r in rows if r["server"] == s]
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    lost = sum(int(r["lost"]) for r in rs)
    print(f"| {s} | {len(rs)} | {lost} | {med('idle_kib')/1024:.1f} MiB | {med('peak_kib')/1024:.1f} MiB | {med('kib_per_connection'):.1f} KiB | {med('cpu_us_per_message'):.2f} µs |")
PY
cat "results/$stamp.md"
echo "results: benches/ws_load/$csv"
exit $failed
