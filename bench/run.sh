#!/bin/sh
# Runs the benchmarks on generated data. usage: sh bench/run.sh BUILD_DIR
set -eu
B=${1:-build}
OUT=bench/out
mkdir -p "$OUT"
if [ ! -d "$OUT/estate" ]; then
  echo "generating a synthetic estate (2,000 VPCs) in $OUT/estate ..." >&2
  "$B/bench/gen_estate" "$OUT/estate" 2000
fi
echo "== check: load + full matrix (one core)"
"$B/bench/bench_check" "$OUT/estate"
for extra in bench/run-*.sh; do
  [ -f "$extra" ] && sh "$extra" "$B"
done
exit 0
