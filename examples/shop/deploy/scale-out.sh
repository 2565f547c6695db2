#!/usr/bin/env bash
# The shop scaled out on this machine: a fresh PostgreSQL database, three
# shop instances started at once (their migrations race on purpose), nginx
# in front as the load balancer; then
#   1. the order race: 50 orders at once, through nginx, for the 10 units of
#      one item: exactly 10 must succeed and the stock must end at 0;
#   2. a rolling restart: under a bounded load through nginx of GETs,
#      idempotent DELETEs and POSTs (orders, logins), each instance in turn
#      gets SIGTERM (the shop drains: in-flight requests finish, idle
#      connections close), exits, starts again and is back in nginx's
#      rotation before the next one goes; every request must succeed (nginx
#      passes a request that a closing instance refused to another one, and
#      an idempotent one also when the instance dropped it, proxy_next_upstream;
#      a POST already sent is never sent twice, so the drain must finish it).
# Prints the figures; exits non-zero if the race is not exactly 10, the stock
# not 0, a migration ran twice, an instance failed to start or stop cleanly,
# or any request failed. Everything it starts is stopped on exit (by PID),
# and its database dropped.
#
#   examples/shop/deploy/scale-out.sh
#
# Needs: cargo, python3, psql, PostgreSQL at $PGHOST:$PGPORT (default
# 127.0.0.1:5432, user postgres, trust auth; the database `test` to connect
# to), and nginx (Debian's nginx-light is installed when missing). Run as a
# plain process with its own prefix and config under a temp dir, never the
# system service. KEEP_WORK=1 keeps the temp dir (logs, nginx.conf).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
PGADMIN_DB=${PGADMIN_DB:-test}
INSTANCES=3
DB="shop_scale_$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/shop-scale.XXXXXX")
START=$(date +%s)

declare -a PORTS=() PIDS=()
NGINX_PID=""
LOAD_PID=""
DB_CREATED=""

log() { printf '[scale-out %3ss] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$PGADMIN_DB" "$@"; }
psql_shop() { psql -X -q -tA -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" "$@"; }

# Waits up to $2 tenths of a second for process $1 to end; 0 if it did.
wait_gone() {
  local pid=$1 n=$2
  while ((n-- > 0)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

cleanup() {
  local rc=$?
  set +e
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null
  for pid in "${PIDS[@]}"; do
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null
  done
  if [[ -n $NGINX_PID ]]; then
    kill -QUIT "$NGINX_PID" 2>/dev/null
    wait_gone "$NGINX_PID" 50 || kill -KILL "$NGINX_PID" 2>/dev/null
  fi
  for pid in "${PIDS[@]}"; do
    [[ -n $pid ]] && { wait_gone "$pid" 100 || kill -KILL "$pid" 2>/dev/null; }
  done
  if [[ -n $DB_CREATED ]]; then
    psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || log "could not drop database $DB"
  fi
  if [[ -n ${KEEP_WORK:-} ]]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
NGINX=$(command -v nginx || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z $NGINX ]]; then
  log "installing nginx (Debian's nginx-light)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null
  NGINX=/usr/sbin/nginx
fi
command -v python3 >/dev/null || die "python3 is needed"
command -v psql >/dev/null || die "psql is needed"
pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "no PostgreSQL at $PGHOST:$PGPORT"

# ---------------------------------------------------------------- build
log "building the release shop"
(cd "$ROOT" && cargo build --release -q -p shop)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/shop"
[[ -x $BIN ]] || die "no binary at $BIN"

# ---------------------------------------------------------------- database
psql_admin -c "CREATE DATABASE $DB" >/dev/null
DB_CREATED=1
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
log "fresh database $DB"

# Free ports for the instances and nginx.
read -r -a FREE < <(python3 - "$((INSTANCES + 1))" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
PORTS=("${FREE[@]:0:INSTANCES}")
LB_PORT=${FREE[INSTANCES]}
LB="http://127.0.0.1:$LB_PORT"

# Shared by every instance: a token from one is valid on the others.
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
GENERATION=0

# start_instance INDEX: starts instance INDEX on its port, logging to its own file.
start_instance() {
  local i=$1
  GENERATION=$((GENERATION + 1))
  DATABASE_URL=$DATABASE_URL SECRET_KEY=$SECRET_KEY APP_API_KEY=scale-out-key \
    HOST=127.0.0.1 PORT=${PORTS[i]} RUST_LOG=${RUST_LOG:-info,sqlx=warn} \
    "$BIN" >"$WORK/shop-$i-$GENERATION.log" 2>&1 &
  PIDS[i]=$!
}

# wait_healthy INDEX: until the instance answers a database read (bounded).
wait_healthy() {
  local i=$1 n=300
  while ((n-- > 0)); do
    kill -0 "${PIDS[i]}" 2>/dev/null || {
      tail -n 20 "$WORK"/shop-"$i"-*.log >&2
      die "instance $i (port ${PORTS[i]}) exited at start"
    }
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORTS[i]}/items?limit=1") == 200 ]]; then
      return 0
    fi
    sleep 0.1
  done
  die "instance $i (port ${PORTS[i]}) not healthy after 30 s"
}

# ---------------------------------------------------------------- instances
log "starting $INSTANCES instances at once on ports ${PORTS[*]}"
for i in "${!PORTS[@]}"; do start_instance "$i"; done
for i in "${!PORTS[@]}"; do wait_healthy "$i"; done
MIGRATIONS_APPLIED=$(psql_shop -c "SELECT count(*) FROM _sqlx_migrations WHERE success")
MIGRATION_FILES=$(find "$ROOT/examples/shop/migrations/postgres" -name '*.sql' | wc -l)
[[ $MIGRATIONS_APPLIED == "$MIGRATION_FILES" ]] ||
  die "migrations applied: $MIGRATIONS_APPLIED, expected $MIGRATION_FILES"
log "all $INSTANCES instances up; $MIGRATIONS_APPLIED migration(s) applied once"

# ---------------------------------------------------------------- nginx
mkdir -p "$WORK/nginx"
chmod 755 "$WORK" "$WORK/nginx"
{
  cat <<EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream shop {
EOF
  for p in "${PORTS[@]}"; do
    echo "    server 127.0.0.1:$p max_fails=1 fail_timeout=2s;"
  done
  sed -n '/^  # -- upstream end/,$p' "$HERE/nginx.conf" | sed "s/listen 80;/listen 127.0.0.1:$LB_PORT;/"
} >"$WORK/nginx/nginx.conf"
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" || die "nginx.conf is not valid"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/error.log" &
NGINX_PID=$!
for _ in $(seq 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$LB/") == 200 ]] && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$WORK/nginx/error.log" >&2; die "nginx exited"; }
  sleep 0.1
done
log "nginx (pid $NGINX_PID) balancing on $LB"

# ---------------------------------------------------------------- the race
SETUP=$(python3 "$HERE/drive.py" setup "$LB") || die "setting up the user and items failed"
eval "$SETUP"
RACE=$(python3 "$HERE/drive.py" race "$LB" "$TOKEN" "$RACE_ITEM") || die "the race client failed"
eval "$RACE"
DB_STOCK=$(psql_shop -c "SELECT stock FROM items WHERE id = $RACE_ITEM")
log "race: $RACE_WON of $RACE_ORDERS orders won, stock $RACE_FINAL_STOCK"

# ---------------------------------------------------------------- rolling restart
STOP="$WORK/stop-load"
python3 "$HERE/drive.py" load "$LB" "$TOKEN" "$PLENTY_ITEM" "$GONE_ITEM" "$STOP" >"$WORK/load.out" 2>"$WORK/load.err" &
LOAD_PID=$!
sleep 1
STOP_STATUS=()
for i in "${!PORTS[@]}"; do
  old=${PIDS[i]}
  log "restarting instance $i (pid $old, port ${PORTS[i]}): SIGTERM"
  kill -TERM "$old"
  wait_gone "$old" 450 || die "instance $i did not stop within 45 s"
  status=0
  wait "$old" || status=$?
  STOP_STATUS+=("$status")
  [[ $status == 0 ]] || die "instance $i exited with $status after SIGTERM"
  start_instance "$i"
  wait_healthy "$i"
  # Back in nginx's rotation (its fail_timeout passed) before the next goes.
  python3 "$HERE/drive.py" upstream "$LB" "${PORTS[i]}" || die "instance $i not back behind nginx"
  log "instance $i back (pid ${PIDS[i]})"
done
sleep 1
touch "$STOP"
wait_gone "$LOAD_PID" 600 || die "the load did not stop"
wait "$LOAD_PID" || die "the load client failed: $(cat "$WORK/load.err")"
LOAD_PID=""
eval "$(cat "$WORK/load.out")"
[[ -s $WORK/load.err ]] && cat "$WORK/load.err" >&2
DRAINED=$(cat "$WORK"/shop-*.log | grep -c "fastrs stopped" || true)
# Requests the stopping instances answered after their SIGTERM (the drain):
# access-log lines after the "SIGTERM received" line of each stopped one.
DRAIN_ANSWERED=$(awk 'FNR == 1 { t = 0 } /SIGTERM received/ { t = 1 } t && /HTTP\/1\.1" [0-9]/ { n++ } END { print n + 0 }' "$WORK"/shop-*.log)

# ---------------------------------------------------------------- figures
ELAPSED=$(($(date +%s) - START))
cat <<EOF
scale-out: $INSTANCES shop instances behind nginx, PostgreSQL database $DB
  migrations:      $MIGRATIONS_APPLIED applied once by $INSTANCES instances started at once
  race:            $RACE_ORDERS concurrent orders for 10 units: $RACE_WON succeeded, $RACE_OUT_OF_STOCK out of stock, $RACE_OTHER other
                   final stock $RACE_FINAL_STOCK (database: $DB_STOCK), orders stored $RACE_ORDERS_STORED
                   per upstream: $RACE_PER_UPSTREAM
  rolling restart: $INSTANCES instances restarted one by one (exit statuses after SIGTERM: ${STOP_STATUS[*]}; drained: $DRAINED)
                   $DRAIN_ANSWERED requests answered by stopping instances after their SIGTERM
  load:            $LOAD_SENT requests sent ($LOAD_CONCURRENCY connections, ${LOAD_SECONDS} s; $LOAD_POSTS of them POSTs), $LOAD_OK ok, $LOAD_FAILED failed
                   $LOAD_RETRIED of them retried by nginx on another instance
                   per upstream: $LOAD_PER_UPSTREAM
  wall time:       $ELAPSED s (build included)
EOF

fail=0
[[ $RACE_WON == 10 && $RACE_OUT_OF_STOCK == 40 && $RACE_OTHER == 0 ]] || { log "FAILED: race winners $RACE_WON, expected exactly 10"; fail=1; }
[[ $RACE_FINAL_STOCK == 0 && $DB_STOCK == 0 ]] || { log "FAILED: final stock $RACE_FINAL_STOCK/$DB_STOCK, expected 0"; fail=1; }
[[ $RACE_ORDERS_STORED == 10 ]] || { log "FAILED: $RACE_ORDERS_STORED orders stored, expected 10"; fail=1; }
[[ $LOAD_FAILED == 0 ]] || { log "FAILED: $LOAD_FAILED of $LOAD_SENT requests failed during the rolling restart"; fail=1; }
[[ $LOAD_STOPPED_BY == stop-file ]] || { log "FAILED: the load hit its bound before the restart ended"; fail=1; }
[[ $DRAINED == "$INSTANCES" ]] || { log "FAILED: $DRAINED of $INSTANCES stopped instances logged a clean stop"; fail=1; }
((fail == 0)) && log "OK"
exit "$fail"
