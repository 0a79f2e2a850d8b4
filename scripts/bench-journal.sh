#!/bin/bash
# Journal writer benchmark: events/s appended at the default fsync policy (1 s group
# commit) until all are written and fsynced, and the writer's events per CPU-second.
# Usage: scripts/bench-journal.sh [EVENTS] [PRODUCER_THREADS]   (defaults 2000000 1)
# Builds an optimised tree in build-bench (once); the journal goes to a fresh directory
# under ${TMPDIR:-/tmp} that the benchmark removes. Needs ~500 bytes of disk per event.
set -eu
cd "$(dirname "$0")/.."
events=${1:-2000000}
threads=${2:-1}
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench bench/bench_journal | grep -E "error|FAILED" && exit 1 || true
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "filesystem of ${TMPDIR:-/tmp}: $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}')"
for rep in 1 2 3; do
	echo "--- run $rep: build-bench/bench/bench_journal -n $events -t $threads"
	build-bench/bench/bench_journal -n "$events" -t "$threads" 2>/dev/null
done
