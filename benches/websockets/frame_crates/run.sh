#!/bin/sh
# Heap per idle socket (1000 sockets) and instructions per echoed message
# (callgrind: 20 000 echoes minus none, divided by 20 000).
set -eu
cd "$(dirname "$0")"
cargo build -q --release
for w in tungstenite tungstenite-small fast; do ./target/release/frame_crates $w 1000 0; done
for w in tungstenite-small fast; do
  a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null ./target/release/frame_crates $w 1 0 2>&1 | sed -n 's/.*Collected : //p')
  b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null ./target/release/frame_crates $w 1 20000 2>&1 | sed -n 's/.*Collected : //p')
  echo "$w: $(( (b - a) / 20000 )) instructions per echoed message"
done
