#!/usr/bin/env bash
# The build-time benchmark of issue 6: examples/shop (fastrs) beside
# shop-axum, its axum 0.8 twin of the same routes and features.
#
#   benches/buildtime/run.sh                   dev profile (cargo build)
#   PROFILE=release benches/buildtime/run.sh   cargo build --release
#
# For each project: CLEAN_ROUNDS clean builds (each into a fresh, empty
# CARGO_TARGET_DIR under /tmp, after `cargo fetch`, so no download is
# timed), then ROUNDS incremental builds, each after `touch`ing one handler
# file (src/routers/items.rs); medians reported. The two projects are
# interleaved (fastrs clean, axum clean, then the touches alternate, the
# order swapped every round) so that machine noise hits both; the CPU time
# other processes used during the builds (from /proc/stat) is reported as
# "background load", so a run on a busy machine shows as one.
#
# Knobs:
#   ROUNDS=3          incremental builds per project
#   CLEAN_ROUNDS=1    clean builds per project
#   PROFILE=dev       dev | release
#   JOBS=$(nproc)     cargo -j
#   FASTRS_REV=HEAD   build examples/shop as committed at that revision (a
#                     snapshot under /tmp) instead of the work tree, which
#                     other work may be changing while this runs
#   KEEP_TARGETS=1    keep the /tmp target dirs (printed) instead of removing them
# Results: benches/buildtime/results/<UTC stamp>[-release].{md,csv}.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${ROUNDS:-3}
CLEAN_ROUNDS=${CLEAN_ROUNDS:-1}
PROFILE=${PROFILE:-dev}
JOBS=${JOBS:-$(nproc)}

case "$PROFILE" in
    dev) PROFILE_FLAG=() ; SUFFIX="" ;;
    release) PROFILE_FLAG=(--release) ; SUFFIX="-release" ;;
    *) echo "PROFILE must be dev or release, not $PROFILE" >&2; exit 2 ;;
esac
for n in "$ROUNDS" "$CLEAN_ROUNDS"; do
    if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
        echo "ROUNDS and CLEAN_ROUNDS must be positive integers, not $n" >&2
        exit 2
    fi
done

# A compiler cache would time the cache, not the compiler.
unset RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_BUILD_RUSTC_WRAPPER CARGO_TARGET_DIR

WORK=$(mktemp -d /tmp/fastrs-buildtime.XXXXXX)
cleanup() {
    if [ -n "${KEEP_TARGETS:-}" ]; then
        echo "kept the target dirs in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
if [ -n "${FASTRS_REV:-}" ]; then
    # The repository as committed at FASTRS_REV: the work tree's fastrs and
    # examples/shop may be half-way through someone's edit.
    FASTRS_SRC="$WORK/src"
    mkdir -p "$FASTRS_SRC"
    git -C "$ROOT" archive "$FASTRS_REV" | tar -x -C "$FASTRS_SRC"
    FASTRS_DESC="fastrs at $(git -C "$ROOT" rev-parse --short "$FASTRS_REV") ($FASTRS_REV, committed)"
else
    FASTRS_SRC="$ROOT"
    dirty=$(git -C "$ROOT" status --porcelain -- fastrs fastrs-macros examples/shop Cargo.toml Cargo.lock | wc -l)
    FASTRS_DESC="fastrs work tree at $COMMIT"
    if [ "$dirty" -gt 0 ]; then
        FASTRS_DESC="$FASTRS_DESC + $dirty uncommitted file(s)"
    fi
fi
AXUM_SRC="$HERE"

# Per project: where to build, what to build, the handler to touch, its src.
declare -A DIR CMD TOUCH SRC
DIR[fastrs]="$FASTRS_SRC"
CMD[fastrs]="cargo build --offline -p shop"
TOUCH[fastrs]="$FASTRS_SRC/examples/shop/src/routers/items.rs"
SRC[fastrs]="$FASTRS_SRC/examples/shop/src"
DIR[axum]="$AXUM_SRC"
CMD[axum]="cargo build --frozen -p shop-axum"
TOUCH[axum]="$AXUM_SRC/shop-axum/src/routers/items.rs"
SRC[axum]="$AXUM_SRC/shop-axum/src"
PROJECTS=(fastrs axum)
declare -A LABEL=([fastrs]="examples/shop (fastrs)" [axum]="shop-axum (axum 0.8)")

for p in "${PROJECTS[@]}"; do
    [ -f "${TOUCH[$p]}" ] || { echo "missing ${TOUCH[$p]}" >&2; exit 1; }
done

# Lines of Rust in src/: all lines, and code lines (not blank, not a comment).
# shop-axum compiles the shop's database.rs and security.rs through #[path]:
# they count on both sides.
rs_files() {
    find "$1" -name '*.rs' -print0
    if [ "$1" = "$HERE/shop-axum/src" ]; then
        printf '%s\0' "$ROOT/examples/shop/src/database.rs" "$ROOT/examples/shop/src/security.rs"
    fi
}
lines_all() { rs_files "$1" | xargs -0 cat | wc -l; }
lines_code() {
    rs_files "$1" | xargs -0 cat \
        | awk '!/^[[:space:]]*$/ && !/^[[:space:]]*\/\//' | wc -l
}

if [ -x /usr/bin/time ] && /usr/bin/time -f '%U' true 2>/dev/null; then
    CPU_TOOL="/usr/bin/time"
else
    CPU_TOOL="bash time"
fi

# The CPU ticks the whole machine has spent busy so far (user, nice, system,
# irq, softirq, steal): the difference over a build, less the build's own
# CPU time, is what other processes took meanwhile.
TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)
busy_ticks() {
    if [ -r /proc/stat ]; then
        awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
    else
        echo 0
    fi
}

# build PROJECT KIND ROUND: one timed build; appends a CSV row and prints it.
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$HERE/results"
mkdir -p "$RESULTS"
CSV="$RESULTS/$STAMP$SUFFIX.csv"
MD="$RESULTS/$STAMP$SUFFIX.md"
echo "project,kind,round,profile,jobs,wall_s,cpu_user_s,cpu_sys_s,cpu_s,crates_compiled,background_cpu_s" >"$CSV"
declare -A WALL CPU CRATES OTHER
build() {
    local p=$1 kind=$2 round=$3
    local log="$WORK/$p-$kind-$round.log" tfile="$WORK/$p-$kind-$round.time"
    local -a cmd
    read -r -a cmd <<<"${CMD[$p]}"
    cmd+=(-j "$JOBS" "${PROFILE_FLAG[@]}")
    local start end busy0 busy1 status=0
    busy0=$(busy_ticks)
    start=$(date +%s.%N)
    if [ "$CPU_TOOL" = /usr/bin/time ]; then
        (cd "${DIR[$p]}" && CARGO_TARGET_DIR="$WORK/target-$p" \
            /usr/bin/time -f '%U %S' -o "$tfile" "${cmd[@]}" >"$log" 2>&1) || status=$?
    else
        (cd "${DIR[$p]}" && export CARGO_TARGET_DIR="$WORK/target-$p" TIMEFORMAT='%U %S' \
            && { time "${cmd[@]}" >"$log" 2>&1; } 2>"$tfile") || status=$?
    fi
    end=$(date +%s.%N)
    busy1=$(busy_ticks)
    if [ "$status" -ne 0 ]; then
        echo "build failed: $p $kind ($status); the last lines of its log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    local user sys wall cpu crates other
    read -r user sys < <(tail -n 1 "$tfile")
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    crates=$(grep -c '^ *Compiling ' "$log" || true)
    other=$(awk -v a="$busy0" -v b="$busy1" -v t="$TICK" -v c="$cpu" \
        'BEGIN { o = (b - a) / t - c; printf "%.2f", (o > 0 && a > 0) ? o : 0 }')
    echo "$p,$kind,$round,$PROFILE,$JOBS,$wall,$user,$sys,$cpu,$crates,$other" >>"$CSV"
    WALL[$p-$kind-$round]=$wall
    CPU[$p-$kind-$round]=$cpu
    CRATES[$p-$kind-$round]=$crates
    OTHER[$p-$kind-$round]=$other
    printf '  %-7s %-11s %2s  wall %8.2f s  cpu %8.2f s  %4d crate(s) compiled  background cpu %7.2f s\n' \
        "$p" "$kind" "$round" "$wall" "$cpu" "$crates" "$other"
}

# the smallest of the arguments
minimum() { printf '%s\n' "$@" | sort -g | head -n 1; }

# median of the arguments (the mean of the middle two for an even count)
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2];
              else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "build times, profile $PROFILE, -j $JOBS, $CLEAN_ROUNDS clean and $ROUNDS incremental round(s); $FASTRS_DESC"
echo "fetching dependencies (not timed)"
(cd "${DIR[fastrs]}" && cargo fetch --quiet)
(cd "${DIR[axum]}" && cargo fetch --quiet --locked)

echo "clean builds"
for ((r = 1; r <= CLEAN_ROUNDS; r++)); do
    if ((r % 2)); then order=(fastrs axum); else order=(axum fastrs); fi
    for p in "${order[@]}"; do
        rm -rf "$WORK/target-$p"
        build "$p" clean "$r"
    done
done

echo "incremental builds (touch src/routers/items.rs)"
for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then order=(fastrs axum); else order=(axum fastrs); fi
    for p in "${order[@]}"; do
        touch "${TOUCH[$p]}"
        build "$p" incremental "$r"
    done
done

# The report.
{
    echo "# Build time: examples/shop (fastrs) vs shop-axum (axum 0.8)"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); repository at $COMMIT; $FASTRS_DESC"
    echo "- machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown CPU); $(rustc -V); $(cargo -V)"
    echo "- profile \`$PROFILE\` (cargo build${PROFILE_FLAG[*]:+ ${PROFILE_FLAG[*]}}), -j $JOBS; clean = fresh CARGO_TARGET_DIR after cargo fetch, median of $CLEAN_ROUNDS (CPU: median too);" \
        "incremental = touch src/routers/items.rs and rebuild, median of $ROUNDS; CPU = user + sys ($CPU_TOOL);" \
        "background load = CPU seconds other processes used per wall second during the builds (0 = quiet, $(nproc) = every core taken)"
    echo
    echo "| project | Rust lines in src (code) | clean: wall s, median (min) | clean: CPU s | incremental: wall s, median (min) | incremental: CPU s | crates compiled (clean / incremental) | background load |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for p in "${PROJECTS[@]}"; do
        cwalls=() ccpus=() walls=() cpus=() other=0 wall_sum=0
        for ((r = 1; r <= CLEAN_ROUNDS; r++)); do
            cwalls+=("${WALL[$p-clean-$r]}")
            ccpus+=("${CPU[$p-clean-$r]}")
        done
        for ((r = 1; r <= ROUNDS; r++)); do
            walls+=("${WALL[$p-incremental-$r]}")
            cpus+=("${CPU[$p-incremental-$r]}")
        done
        for key in "${!WALL[@]}"; do
            [[ "$key" == "$p-"* ]] || continue
            other=$(awk -v a="$other" -v b="${OTHER[$key]}" 'BEGIN { print a + b }')
            wall_sum=$(awk -v a="$wall_sum" -v b="${WALL[$key]}" 'BEGIN { print a + b }')
        done
        load=$(awk -v o="$other" -v w="$wall_sum" 'BEGIN { printf "%.2f", (w > 0 ? o / w : 0) }')
        echo "| ${LABEL[$p]} | $(lines_all "${SRC[$p]}") ($(lines_code "${SRC[$p]}")) | $(median "${cwalls[@]}") ($(minimum "${cwalls[@]}")) | $(median "${ccpus[@]}") | $(median "${walls[@]}") ($(minimum "${walls[@]}")) | $(median "${cpus[@]}") | ${CRATES[$p-clean-1]} / ${CRATES[$p-incremental-1]} | $load |"
    done
    echo
    echo "Wall seconds, build by build (background CPU seconds in brackets):"
    for p in "${PROJECTS[@]}"; do
        for kind in clean incremental; do
            n=$ROUNDS
            [ "$kind" = clean ] && n=$CLEAN_ROUNDS
            runs=()
            for ((r = 1; r <= n; r++)); do
                runs+=("${WALL[$p-$kind-$r]} (${OTHER[$p-$kind-$r]})")
            done
            echo "- ${LABEL[$p]}, $kind: ${runs[*]}"
        done
    done
} >"$MD"

echo
cat "$MD"
echo
echo "written: ${MD#"$ROOT"/} and ${CSV#"$ROOT"/}"
