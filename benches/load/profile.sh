#!/usr/bin/env bash
# Instructions per request under callgrind (independent of other load on the
# machine), and a callgrind profile to read with callgrind_annotate.
#
#   benches/load/profile.sh [SERVER] [ENDPOINT] [SECONDS]
#     SERVER:   fastrs | fastrs_base | hyper | axum | actix | ceiling
#               (default $SERVER, else fastrs; fastrs_base is the binary that
#               run.sh FASTRS_BASE_REV=<rev> builds, target/release/fastrs-base-server)
#     ENDPOINT: hello | items | users | orders | users_422 (default users)
#
# Writes results/callgrind.<server>.<endpoint>.out and prints Ir/request.
# Uses the binaries of the last build (run.sh or cargo build --release here).
set -euo pipefail
cd "$(dirname "$0")"
server=${1:-${SERVER:-fastrs}}; endpoint=${2:-users}; secs=${3:-5}
port=${PORT:-18190}
bin="target/release/${server//_/-}-server"
[ -x "$bin" ] || { echo "no $bin: build first (cargo build --release)" >&2; exit 1; }
case $endpoint in
    hello) path=/; script= ;;
    items) path='/items/42?q=hello&skip=5&limit=50'; script= ;;
    users) path=/users; script=wrk/users_valid.lua ;;
    orders) path=/orders; script=wrk/orders.lua ;;
    users_422) path=/users; script=wrk/users_invalid.lua ;;
    *) echo "unknown endpoint $endpoint" >&2; exit 1 ;;
esac
mkdir -p results
out="results/callgrind.$server.$endpoint.out"
rm -f "$out" "$out".*
PORT=$port valgrind --tool=callgrind --callgrind-out-file="$out" --instr-atstart=no \
    "$bin" >/tmp/profile-$server.log 2>&1 &
vg=$!
trap 'kill $vg 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
# warm up (uncounted), then count a fixed window
wrk -t1 -c64 -d2s ${script:+-s $script} "http://127.0.0.1:$port$path" >/dev/null
callgrind_control -i on "$vg" >/dev/null
res=$(wrk -t1 -c64 -d"${secs}"s ${script:+-s $script} "http://127.0.0.1:$port$path")
callgrind_control -i off "$vg" >/dev/null
callgrind_control -d "$vg" >/dev/null
sleep 1
kill $vg; wait $vg 2>/dev/null || true
trap - EXIT
reqs=$(echo "$res" | awk '/requests in/ {print $1}')
ir=$(awk '/Collected :/ {gsub(",", "", $4); print $4}' /tmp/profile-$server.log)
files=$(ls "$out".* 2>/dev/null | tr '\n' ' ')
echo "$server $endpoint: $reqs requests, $ir Ir (user space), $(( ir / reqs )) Ir/request"
echo "profile: $files(callgrind_annotate FILE | head -60; --inclusive=yes for callers)"
