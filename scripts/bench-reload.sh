#!/bin/bash
# Reload under load: does a `campusgate reload` of the 1M-name list lose queries or stall
# answers? (as root, Debian 12, after scripts/bench-deps.sh; docs/dns.md quotes it)
#
#   scripts/bench-reload.sh [BUILDDIR]     (default build-release)
#
# In the shared harness's loopback-only namespace, with its nsd upstream and its data:
# campusgated with the 1M list (pinned to the server core) answers a paced dnsperf run of
# never-seen names (LAT_QPS, default 2000/s, for RELOAD_SECONDS, default 30) twice: once
# quiet, once with a `campusgate reload` over the control socket every 5 s. It prints
# queries sent, answered and lost, p50/p99/p99.9/max latency for both runs, and how long
# each reload took. Every load is bounded in time; processes are stopped by their PID.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build-release}" && pwd)
out=${OUT:-/tmp/cg-bench-reload}
bin=$build/gateway/campusgated
cli=$build/gateway/campusgate
[ -x "$bin" ] && [ -x "$cli" ] || { echo "build $build first (meson setup build-release --buildtype=release)" >&2; exit 2; }
secs=${RELOAD_SECONDS:-30}
shared=${CG_SHARED:-$root/../shared}/bench
export NETNS=${NETNS:-gwreload} DATA_DIR=${DATA_DIR:-/tmp/cgbench/data} RUN_DIR=$out/run RES_DIR=$out/results
mkdir -p "$out" "$RUN_DIR"
rm -rf "$out/journal" "$out"/perf-*
cd "$shared"
# shellcheck disable=SC1091
source ./env.sh
# shellcheck disable=SC1091
source ./lib/common.sh
[ -f "$DATA_DIR/MANIFEST.txt" ] || python3 gen/gen_data.py
ensure_netns
upstream_start
spid=""
trap 'stop_pid "$spid"; upstream_stop; ip netns del "$NETNS" 2>/dev/null || true' EXIT

cat >"$out/reload.conf" <<CONF
[general]
allow_root = yes
control_socket = $out/control.sock
pid_file = $out/campusgated.pid
[dns]
rate_limit_qps = 0
[journal]
dir = $out/journal
client_max_events = 0
[group default]
CONF
bl=$DATA_DIR/blocklist-1m.txt
read -r probe_blocked _ <"$DATA_DIR/probe-1m.txt"
launch_server --log "$out/server.log" --pidfile "$out/pid" \
	--dns "$DNS_LISTEN_ADDR" "$DNS_LISTEN_PORT" "$probe_blocked" NXDOMAIN \
	-- "$bin" -c "$out/reload.conf" --dns-listen "$DNS_LISTEN_ADDR:$DNS_LISTEN_PORT" \
	--blocklist "$bl" --upstream "$UPSTREAM_ADDR:$UPSTREAM_PORT" >"$out/launch.json" ||
	{ echo "campusgated did not start: $(tail -5 "$out/server.log")" >&2; exit 1; }
spid=$(cat "$out/pid")

# Two disjoint slices of never-seen names (70 % forwarded, 30 % blocked), one per run.
n=$((LAT_QPS * secs + LAT_QPS))
tail -n $((2 * n)) "$DATA_DIR/queries-1m-unique.txt" | awk -v n="$n" 'NR <= n' >"$out/names-quiet.txt"
tail -n "$n" "$DATA_DIR/queries-1m-unique.txt" >"$out/names-reload.txt"

paced() { # name file -> dnsperf -v raw output in $out/perf-name.raw
	ns_gen dnsperf -s "$DNS_LISTEN_ADDR" -p "$DNS_LISTEN_PORT" -c 16 -q 128 -t 2 -T 1 \
		-Q "$LAT_QPS" -l "$secs" -v -d "$2" >"$out/perf-$1.raw" 2>&1
}
summary() { # name -> one table row
	python3 "$BENCH_DIR/lib/dnsperf_parse.py" <"$out/perf-$1.raw" >"$out/perf-$1.json"
	python3 - "$out/perf-$1.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = lambda k: d.get(k, "?")
print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (sys.argv[2], g("sent"), g("completed"),
      g("lost"), g("p50_ms"), g("p99_ms"), g("p999_ms"), g("max_ms")))
PY
}

paced quiet "$out/names-quiet.txt"
paced reload "$out/names-reload.txt" &
perf=$!
: >"$out/reloads.txt"
for t in $(seq 5 5 $((secs - 1))); do
	sleep 5
	s=$(date +%s.%N)
	r=$("$cli" reload -c "$out/reload.conf" 2>&1 | tr "\n" " " || true)
	e=$(date +%s.%N)
	echo "$(echo "$e - $s" | bc -l | awk '{printf "%.2f", $1}') s at ${t} s: $r" >>"$out/reloads.txt"
done
wait "$perf"
kill -0 "$spid" || { echo "campusgated died during the run" >&2; exit 1; }

echo "# Reload under load: 1M-name list, paced $LAT_QPS queries/s of never-seen names for $secs s"
echo "| run | sent | answered | lost | p50 ms | p99 ms | p99.9 ms | max ms |"
echo "|---|---|---|---|---|---|---|---|"
summary quiet
summary reload
echo
echo "reloads (wall time of \`campusgate reload\`, which waits for the new policy):"
sed 's/^/  /' "$out/reloads.txt"
