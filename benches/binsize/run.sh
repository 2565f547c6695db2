#!/usr/bin/env bash
# Binary size of a one-route app (issue 17): fastrs with default features,
# fastrs with no default features, and axum 0.8, each built with cargo's
# default release profile (`cargo build --release`, no profile settings in
# this workspace). Prints each binary's size as built and after `strip`, and
# fastrs's ratio to axum. Builds with its own target dir (benches/binsize/
# target); a first run compiles both stacks (several minutes on 2 cores).
#
#   bash benches/binsize/run.sh
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# One cargo invocation per app: built together, cargo would unify fastrs's
# features across them and the minimal app would get the default features.
for app in fastrs-app fastrs-app-minimal axum-app; do
  nice -n 19 cargo build --release --locked -p "$app" >&2
done

size() { stat -c %s "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }
declare -A BUILT STRIPPED
for app in fastrs-app fastrs-app-minimal axum-app; do
  bin="$CARGO_TARGET_DIR/release/$app"
  strip -o "$CARGO_TARGET_DIR/release/$app.stripped" "$bin"
  BUILT[$app]=$(size "$bin")
  STRIPPED[$app]=$(size "$CARGO_TARGET_DIR/release/$app.stripped")
done

printf '%-34s %12s %12s %10s\n' app "as built" stripped "x axum"
for app in fastrs-app fastrs-app-minimal axum-app; do
  case $app in
    fastrs-app) label="fastrs (default features)";;
    fastrs-app-minimal) label="fastrs (--no-default-features)";;
    axum-app) label="axum 0.8 (default features)";;
  esac
  ratio=$(awk -v a="${BUILT[$app]}" -v b="${BUILT[axum-app]}" 'BEGIN { printf "%.2f", a / b }')
  printf '%-34s %12s %12s %10s\n' "$label" "$(mib "${BUILT[$app]}")" "$(mib "${STRIPPED[$app]}")" "$ratio"
done
