#!/bin/bash
# Sensor benchmark: generate a capture of PACKETS DNS, HTTP and TLS packets (10 per
# round: a DNS query and answer, an HTTP and a TLS connection with SYN, request or
# ClientHello, FIN both ways), then time `campusgate sensor --read`'s path over it on
# one core (taskset -c 0): without a policy, and with the shipped config's policy.
#   scripts/bench-sensor.sh [PACKETS] [BUILDDIR]     (defaults 1000000 build-bench-sensor;
# -O2, the project's default optimisation)
# Figures are per second of wall time and of the thread's CPU time: on a loaded
# machine the CPU-time rate is the one that says what one core does.
set -eu
cd "$(dirname "$0")/.."
packets=${1:-1000000} dir=${2:-build-bench-sensor}
[ -f "$dir/build.ninja" ] || meson setup "$dir" --buildtype=debugoptimized >/dev/null
ninja -C "$dir" bench/bench_sensor >"/tmp/bench-sensor-build.$$" 2>&1 ||
	{ tail -n 20 "/tmp/bench-sensor-build.$$"; rm -f "/tmp/bench-sensor-build.$$"; exit 1; }
rm -f "/tmp/bench-sensor-build.$$"
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
echo "--- $pin $dir/bench/bench_sensor -n $packets -r 5 -c config/campusgate.conf"
$pin "$dir/bench/bench_sensor" -n "$packets" -r 5 -c config/campusgate.conf 2> >(grep '^bench_sensor' >&2)
