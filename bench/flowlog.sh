#!/usr/bin/env bash
# Flow log reading benchmark, with baselines measured in the same run.
#
#   bench/flowlog.sh [build-dir] [records]
#
# Generates (once) a v2 default-format file and a v5 29-field custom-format
# file of `records` records each (default 5,000,000) plus gzip -6 copies, then
# times on each: `wc -l`, bench_flowlog (vpce reader, CPU time), an awk
# one-liner summing bytes by dstaddr, and for .gz also `gzip -dc >/dev/null`.
# Times printed by the shell are user+sys CPU seconds and wall seconds.
set -euo pipefail
B=${1:-build}
N=${2:-5000000}
D=${VPCE_BENCH_DIR:-${TMPDIR:-/tmp}/vpce-flowlog-bench}
mkdir -p "$D"
TIMEFORMAT='    %U user + %S sys, %R wall'

for v in v2 v5; do
	if [ ! -s "$D/$v.log" ] || [ "$(wc -l <"$D/$v.log")" -ne $((N + 1)) ]; then
		"$B/bench/gen_flowlogs" -f "$v" -n "$N" >"$D/$v.log"
		gzip -6 -c "$D/$v.log" >"$D/$v.log.gz"
	fi
done
ls -l "$D"

for v in v2 v5; do
	f="$D/$v.log"
	echo "== $v plain ($(wc -c <"$f") bytes)"
	echo "  wc -l:"
	time wc -l "$f" >/dev/null
	echo "  awk sum bytes by dstaddr:"
	time awk 'NR > 1 { b[$5] += $10 } END { n = 0; for (k in b) n++; print n " destinations" }' "$f" >/dev/null
	echo "  vpce:"
	"$B/bench/bench_flowlog" -r 3 "$f"
	echo "== $v gzip ($(wc -c <"$f.gz") bytes)"
	echo "  gzip -dc >/dev/null:"
	time gzip -dc "$f.gz" >/dev/null
	echo "  vpce:"
	"$B/bench/bench_flowlog" -r 3 "$f.gz"
done
