#!/bin/bash
# Build the matcher/policy benchmark in release mode and run it: the sets on their own
# (1M generated names + the shared lists, 1,000 patterns), then through policy_build and
# policy_decide (the same names and shared lists, read by the real list readers) without
# and with the patterns, each in its own process so RSS figures stay apart.
#   scripts/bench-policy.sh [BUILDDIR] [SECONDS_PER_RUN]
# Figures are printed per second of thread CPU time and of wall time: on a loaded
# machine the CPU-time rate is the one that says what one core does.
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build-bench} secs=${2:-3}
[ -d "$dir" ] || meson setup "$dir" --buildtype=release >/dev/null
ninja -C "$dir" bench/bench_policy >/dev/null
export CG_SHARED=${CG_SHARED:-$PWD/../shared}
[ -d "$CG_SHARED/data/blocklists" ] ||
	echo "note: $CG_SHARED/data/blocklists absent: generated names only" >&2
echo "== sets: $(date -u +%FT%TZ) $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$dir/bench/bench_policy" -t "$secs"
echo "== policy_decide, no patterns"
"$dir/bench/bench_policy" -P -p 0 -t "$secs"
echo "== policy_decide, 1,000 patterns"
"$dir/bench/bench_policy" -P -t "$secs"
