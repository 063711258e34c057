#!/usr/bin/env bash
# vpce plan benchmark, with baselines measured in the same run.
#
#   bench/plan.sh [build-dir] [records]
#
# Generates (once) a v2 default-format file of `records` records (default
# 5,000,000, bench/gen_flowlogs) plus a gzip -6 copy and the same records
# split into 4 files, then times on the same data: `wc -l`, `gzip -dc
# >/dev/null`, an awk one-liner doing plan's aggregation without the
# IP->service lookup (bytes by interface-id, srcaddr, dstaddr), and
# bench_plan (vpce_plan_read + vpce_plan_finish against the seed snapshot,
# CPU time; -S / -R the scalar scanner / the reader for comparison; -t 2 on
# the 4 split files). Shell times are user+sys CPU and wall.
set -euo pipefail
B=${1:-build}
N=${2:-5000000}
D=${VPCE_BENCH_DIR:-${TMPDIR:-/tmp}/vpce-plan-bench}
S=examples/seed/us-east-1
mkdir -p "$D"
TIMEFORMAT='    %U user + %S sys, %R wall'

if [ ! -s "$D/v2.log" ] || [ "$(wc -l <"$D/v2.log")" -ne $((N + 1)) ]; then
	"$B/bench/gen_flowlogs" -f v2 -n "$N" >"$D/v2.log"
	gzip -6 -c "$D/v2.log" >"$D/v2.log.gz"
	rm -rf "$D/split"
fi
[ -s "$D/v2.log.gz" ] || gzip -6 -c "$D/v2.log" >"$D/v2.log.gz"
if [ ! -d "$D/split" ]; then
	mkdir -p "$D/split"
	tail -n +2 "$D/v2.log" >"$D/split/all" && split -n l/4 "$D/split/all" "$D/split/part-" && rm "$D/split/all"
fi
f="$D/v2.log"
echo "== v2 plain ($(wc -c <"$f") bytes, $N records)"
echo "  wc -l:"
time wc -l "$f" >/dev/null
echo "  awk aggregation (no IP->service lookup):"
time awk 'NR > 1 && $14 == "OK" { b[$3 " " $4 " " $5] += $10 } END { n = 0; for (k in b) n++; print n }' "$f" >/dev/null
echo "  (awk is $(readlink -f "$(command -v awk)"))"
echo "  vpce plan (library, CPU time):"
"$B/bench/bench_plan" -r 3 "$S" "$f"
echo "  the same through the slower paths (plan's scalar scanner; the flowlog reader):"
"$B/bench/bench_plan" -r 3 -S "$S" "$f"
"$B/bench/bench_plan" -r 1 -R "$S" "$f"
echo "  vpce plan (CLI end to end, --format json):"
time "$B/vpce" plan "$S" --flow-logs "$f" --format json --threads 1 >/dev/null
echo "== v2 gzip ($(wc -c <"$f.gz") bytes)"
echo "  gzip -dc >/dev/null:"
time gzip -dc "$f.gz" >/dev/null
echo "  vpce plan:"
"$B/bench/bench_plan" -r 3 "$S" "$f.gz"
echo "== 4 files, threads"
"$B/bench/bench_plan" -r 3 -t 1 "$S" "$D"/split/part-*
"$B/bench/bench_plan" -r 3 -t 2 "$S" "$D"/split/part-*
