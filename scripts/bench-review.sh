#!/bin/bash
# Review benchmark: staff queries and the console's dashboard and journal pages over a
# large journal (default 10 000 000 events over 30 days, made once in
# ${TMPDIR:-/tmp}/cg-bench-review, about 5 GB; its index goes to .../cg-bench-review-index),
# without and with the journal's index. Prints figures; it is not a test.
# Usage: scripts/bench-review.sh [EVENTS] [DAYS]
set -eu
cd "$(dirname "$0")/.."
events=${1:-10000000}
days=${2:-30}
dir=${TMPDIR:-/tmp}/cg-bench-review
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench bench/bench_review gateway/campusgate | grep -E "error|FAILED" && exit 1 || true
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
rm -rf "$dir-index"   # the index is built anew each run (the cold figure)
build-bench/bench/bench_review --dir "$dir" --events "$events" --days "$days" \
	--cli build-bench/gateway/campusgate
