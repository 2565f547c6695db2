#!/usr/bin/env bash
# The load benchmark of issue 6: fastrs vs raw hyper, axum, actix-web and
# FastAPI on the same endpoints, on this machine, in this run.
#
#   benches/load/run.sh            full run: 3 interleaved rounds, 3 s warm-up + 5 s measured
#   QUICK=1 benches/load/run.sh    development run: 1 round, 2 s + 3 s (under 3 minutes once built)
#
# FASTRS_REV=HEAD builds fastrs as committed at that revision instead of the work tree.
# Other knobs (see bench.py): NO_BUILD=1 ROUNDS WARMUP DURATION CONNECTIONS SERVERS ENDPOINTS BASE_PORT QUIET_WAIT
# Results: benches/load/results/<UTC stamp>[-quick].{csv,md} and -conformance.json.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(nproc)" -lt 2 ]; then
    echo "needs 2 CPUs (server on CPU 0, wrk on CPU 1)" >&2
    exit 1
fi
command -v taskset >/dev/null || { echo "taskset (util-linux) is missing" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq wrk
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq wrk
    fi
fi
PY=${PYTHON:-python3}
if ! "$PY" -c 'import fastapi, pydantic, email_validator, uvicorn, uvloop, httptools' 2>/dev/null; then
    echo "installing the FastAPI side (pip)"
    "$PY" -m pip install -q fastapi 'pydantic[email]' uvicorn uvloop httptools
fi

ROOT=$(cd ../.. && pwd)
if [ -n "${NO_BUILD:-}" ]; then
    echo "NO_BUILD set: using the binaries already in benches/load/target/release"
    export FASTRS_DESC="${FASTRS_DESC:-prebuilt binary (NO_BUILD)}"
elif [ -n "${FASTRS_REV:-}" ]; then
    # Build fastrs as committed at FASTRS_REV (e.g. HEAD) rather than the work
    # tree, which other work may be changing: a snapshot of the repository at
    # that revision, with this directory's sources copied in.
    snap=$(mktemp -d)
    trap 'rm -rf "$snap"' EXIT
    git -C "$ROOT" archive "$FASTRS_REV" | tar -x -C "$snap"
    mkdir -p "$snap/benches/load"
    cp -r Cargo.toml Cargo.lock fastrs-server hyper-server axum-server actix-server ceiling-server "$snap/benches/load/"
    echo "building the servers against fastrs at $FASTRS_REV ($(git -C "$ROOT" rev-parse --short "$FASTRS_REV"))"
    (cd "$snap/benches/load" && CARGO_TARGET_DIR="$ROOT/benches/load/target" cargo build --release --quiet)
    export FASTRS_DESC="fastrs at $(git -C "$ROOT" rev-parse --short "$FASTRS_REV") ($FASTRS_REV, committed)"
else
    echo "building the servers (cargo build --release in benches/load)"
    cargo build --release --quiet
    dirty=$(git -C "$ROOT" status --porcelain -- fastrs fastrs-macros | wc -l)
    export FASTRS_DESC="fastrs work tree at $(git -C "$ROOT" rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo " + $dirty uncommitted file(s)")"
fi

exec "$PY" bench.py "$@"
