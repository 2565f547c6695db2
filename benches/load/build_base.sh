#!/usr/bin/env bash
# Builds benches/load's fastrs-server (this tree's source) against fastrs at
# revision $1 into target/release/fastrs-base-server: what run.sh's
# FASTRS_BASE_REV does, without building the other servers. It builds in its
# own target directory (target/base), so that target/release/fastrs-server
# stays this tree's build. With SERVER_SRC=rev the revision's own
# benches/load is used (for a revision whose fastrs-server differs, e.g.
# before the package was renamed fastrs-web).
#   benches/load/build_base.sh 154fc05
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
rev=$1
snap=$(mktemp -d)
git -C "$ROOT" archive "$rev" | tar -x -C "$snap"
cd "$ROOT/benches/load"
mkdir -p "$snap/benches/load"
if [ "${SERVER_SRC:-tree}" != rev ]; then
    cp -r Cargo.toml Cargo.lock fastrs-server hyper-server axum-server actix-server ceiling-server "$snap/benches/load/"
fi
(cd "$snap/benches/load" && CARGO_TARGET_DIR="$ROOT/benches/load/target/base" nice -n 19 cargo build --release -p fastrs-server)
mkdir -p target/release
cp target/base/release/fastrs-server target/release/fastrs-base-server
rm -rf "$snap"
echo BUILT-BASE
