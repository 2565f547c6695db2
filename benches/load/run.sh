#!/usr/bin/env bash
# The load benchmark of issue 6: fastrs vs raw hyper, axum, actix-web and
# FastAPI on the same endpoints, on this machine, in this run.
#
#   benches/load/run.sh            full run: 3 interleaved rounds, 3 s warm-up + 5 s measured
#   QUICK=1 benches/load/run.sh    development run: 1 round, 2 s + 3 s (under 3 minutes once built)
#
# FASTRS_REV=HEAD builds fastrs as committed at that revision instead of the work tree.
# FASTRS_BASE_REV=<rev> also builds fastrs-server against fastrs at that revision
# into target/release/fastrs-base-server, measured as server fastrs_base next to
# fastrs (before/after in one run; `bench.py --ratios` gives fastrs / fastrs_base).
# The bench servers' sources are this directory's, for every build; with
# FASTRS_BASE_SERVER=rev (FASTRS_SERVER=rev) the base build (the FASTRS_REV
# build) uses that revision's own benches/load/fastrs-server instead (when
# the two fastrs need different server code).
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
if [[ ",${SERVERS:-fastapi}," == *,fastapi,* ]] &&
    ! "$PY" -c 'import fastapi, pydantic, email_validator, uvicorn, uvloop, httptools' 2>/dev/null; then
    echo "installing the FastAPI side (pip)"
    "$PY" -m pip install -q fastapi 'pydantic[email]' uvicorn uvloop httptools
fi

ROOT=$(cd ../.. && pwd)
snaps=()
trap 'rm -rf "${snaps[@]}"' EXIT

# build_snapshot REV [rev]: builds this workspace (all servers, so that cargo
# unifies the dependencies' features exactly as in the ordinary build) against
# fastrs as committed at REV: a snapshot of the repository at that revision,
# with this directory's sources copied in (but the snapshot's own
# fastrs-server when the second argument is "rev").
build_snapshot() {
    local rev=$1 server_src=${2:-tree} snap
    snap=$(mktemp -d)
    snaps+=("$snap")
    git -C "$ROOT" archive "$rev" | tar -x -C "$snap"
    mkdir -p "$snap/benches/load"
    if [ "$server_src" = rev ]; then
        [ -d "$snap/benches/load/fastrs-server" ] || { echo "no benches/load/fastrs-server at $rev" >&2; exit 1; }
        cp -r Cargo.toml Cargo.lock hyper-server axum-server actix-server ceiling-server "$snap/benches/load/"
    else
        cp -r Cargo.toml Cargo.lock fastrs-server hyper-server axum-server actix-server ceiling-server "$snap/benches/load/"
    fi
    (cd "$snap/benches/load" && CARGO_TARGET_DIR="$ROOT/benches/load/target" nice -n 19 cargo build --release --quiet)
}

if [ -n "${NO_BUILD:-}" ]; then
    echo "NO_BUILD set: using the binaries already in benches/load/target/release"
    export FASTRS_DESC="${FASTRS_DESC:-prebuilt binary (NO_BUILD)}"
    [ -z "${FASTRS_BASE_REV:-}" ] || export FASTRS_BASE_DESC="${FASTRS_BASE_DESC:-prebuilt binary (NO_BUILD)}"
else
    if [ -n "${FASTRS_BASE_REV:-}" ]; then
        # First, so that the build of fastrs below leaves its own binaries in
        # target/release; the base one is kept under another name.
        base_short=$(git -C "$ROOT" rev-parse --short "$FASTRS_BASE_REV")
        echo "building fastrs-base-server against fastrs at $FASTRS_BASE_REV ($base_short)"
        build_snapshot "$FASTRS_BASE_REV" "${FASTRS_BASE_SERVER:-tree}"
        cp target/release/fastrs-server target/release/fastrs-base-server
        export FASTRS_BASE_DESC="fastrs at $base_short ($FASTRS_BASE_REV, committed)$([ "${FASTRS_BASE_SERVER:-tree}" = rev ] && echo ", its own fastrs-server")"
    fi
    if [ -n "${FASTRS_REV:-}" ]; then
        # Build fastrs as committed at FASTRS_REV (e.g. HEAD) rather than the work
        # tree, which other work may be changing.
        echo "building the servers against fastrs at $FASTRS_REV ($(git -C "$ROOT" rev-parse --short "$FASTRS_REV"))"
        build_snapshot "$FASTRS_REV" "${FASTRS_SERVER:-tree}"
        export FASTRS_DESC="fastrs at $(git -C "$ROOT" rev-parse --short "$FASTRS_REV") ($FASTRS_REV, committed)$([ "${FASTRS_SERVER:-tree}" = rev ] && echo ", its own fastrs-server")"
    else
        echo "building the servers (cargo build --release in benches/load)"
        nice -n 19 cargo build --release --quiet
        dirty=$(git -C "$ROOT" status --porcelain -- fastrs fastrs-macros | wc -l)
        export FASTRS_DESC="fastrs work tree at $(git -C "$ROOT" rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo " + $dirty uncommitted file(s)")"
    fi
    if [ -n "${FASTRS_BASE_REV:-}" ] && cmp -s target/release/fastrs-server target/release/fastrs-base-server; then
        echo "note: fastrs-server and fastrs-base-server are byte-identical"
    fi
fi

# The EXIT trap does not outlive exec: the snapshots go now that the builds are done.
rm -rf "${snaps[@]}"
exec "$PY" bench.py "$@"
