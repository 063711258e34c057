#!/bin/sh
# Runs every benchmark on generated data. usage: sh bench/run.sh BUILD_DIR
# Figures and their meaning: bench/README.md.
set -eu
B=${1:-build}
OUT=bench/out
mkdir -p "$OUT"
if [ ! -d "$OUT/estate" ]; then
  echo "generating a synthetic estate (2,000 VPCs) in $OUT/estate ..." >&2
  "$B/bench/gen_estate" "$OUT/estate" 2000
fi
echo "== check: snapshot load + full matrix (one core)"
"$B/bench/bench_check" "$OUT/estate"
echo "== policy: evaluations per second"
"$B/bench/bench_policy" 1
echo "== ip-ranges: lookups per second"
"$B/bench/bench_iplookup" - 200
echo "== flow logs: reader vs wc -l / gzip -dc / awk (1,000,000 records; bench/flowlog.sh for more)"
bash bench/flowlog.sh "$B" "${VPCE_BENCH_RECORDS:-1000000}"
exit 0
