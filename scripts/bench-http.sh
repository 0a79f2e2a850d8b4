#!/bin/bash
# Benchmarks of the HTTP and TLS front ends (as root, Debian 12; scripts/bench-deps.sh
# installs the peers). Three parts:
#
#   scripts/bench-http.sh http  [BUILDDIR]   ../shared/bench with the gateway, Squid +
#                                            squidGuard, e2guardian and the nginx ceiling
#                                            (BEFORE=old/campusgated adds that binary)
#   scripts/bench-http.sh splice [BUILDDIR]  TLS splice throughput vs a plain TCP relay
#                                            (socat) on a namespace router
#   scripts/bench-http.sh latency [BUILDDIR] added latency: one connection, direct to the
#                                            harness's nginx origin vs through campusgated
#
# BUILDDIR defaults to build-release (meson setup build-release --buildtype=release).
# Results go under /tmp/cg-bench-http (BENCH_OUT to change); nothing is written to
# ../shared. Every load is bounded in time; processes are stopped by PID.
set -eu
what=${1:-http}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build-release}
out=${BENCH_OUT:-/tmp/cg-bench-http}
bin=$build/gateway/campusgated
[ -x "$bin" ] || { echo "build $bin first (meson setup build-release --buildtype=release)"; exit 2; }
mkdir -p "$out"

bench_http() {
	local shared=${CG_SHARED:-$root/../shared}/bench
	mkdir -p "$out/data" "$out/run" "$out/results"
	# The harness starts "$GATEWAY_BIN --http-listen .. --blocklist .. --http-parent ..";
	# the journal goes to its fresh work dir (the default var/journal is relative).
	# client_max_events = 0: every blocked request is journaled (wrk is one client, which
	# the default per-client journal limit would summarise).
	printf '[journal]\nclient_max_events = 0\n[group default]\n' >"$out/bench-http.conf"
	printf '#!/bin/sh\nmkdir -p "${WORKDIR:-%s}/journal"\nexec "%s" -c "%s" "$@" --journal-dir "${WORKDIR:-%s}/journal"\n' \
		"$out" "$bin" "$out/bench-http.conf" "$out" >"$out/gateway.sh"
	chmod +x "$out/gateway.sh"
	# BEFORE=/path/to/old/campusgated: that binary too, as target 'gateway-before', in the
	# same run and interleaved with the others, to measure what a change costs.
	local before_target=
	if [ -n "${BEFORE:-}" ]; then
		[ -x "$BEFORE" ] || { echo "BEFORE=$BEFORE is not an executable" >&2; exit 2; }
		mkdir -p "$out/targets"
		printf '[group default]\n' >"$out/bench-http-before.conf" # (no keys it may not know)
		printf '#!/bin/sh\nmkdir -p "${WORKDIR:-%s}/journal"\nexec "%s" -c "%s" "$@" --journal-dir "${WORKDIR:-%s}/journal"\n' \
			"$out" "$BEFORE" "$out/bench-http-before.conf" "$out" >"$out/gateway-before-bin"
		sed "s|\"\$GATEWAY_BIN\"|\"$out/gateway-before-bin\"|g; s|\${GATEWAY_BIN:?set GATEWAY_BIN}|$out/gateway-before-bin|g; s|\${GATEWAY_BIN:?set GATEWAY_BIN to the gateway binary}|$out/gateway-before-bin|g" \
			"$shared/targets/http/gateway.sh" >"$out/targets/gateway-before.sh"
		chmod +x "$out/gateway-before-bin" "$out/targets/gateway-before.sh"
		before_target=$out/targets/gateway-before.sh
	fi
	# A DNS_TARGETS of one space: run_all.sh takes an empty one as "the default set".
	(cd "$shared" && NETNS="${NETNS:-gwhttp}" DATA_DIR="$out/data" RUN_DIR="$out/run" \
		RES_DIR="$out/results" GATEWAY_BIN="$out/gateway.sh" REPS="${REPS:-1}" CEILING=0 \
		DNS_TARGETS=" " \
		HTTP_TARGETS="${HTTP_TARGETS:-gateway $before_target squid-squidguard e2guardian nginx-ceiling}" \
		./run_all.sh) || true
	python3 "$shared/lib/report.py" "$out/results" >"$out/TABLES.md"
	echo "tables: $out/TABLES.md"
}

# The splice: client (10.77.9.2) -> router (REDIRECT 443 -> campusgated tls_listen) ->
# sink (10.77.8.2:443), against client -> router (REDIRECT 9000 -> socat) -> sink:9000. The client
# sends a real ClientHello (SNI allowed.example) and then SIZE bytes; the sink counts
# them and answers when all arrived; the client times the whole transfer.
bench_splice() {
	local size=${SPLICE_BYTES:-2147483648} reps=${REPS:-3} py=/usr/bin/python3
	id=$$ c=cgsc$$ g=cgsg$$ o=cgso$$ pids=() # globals: the EXIT trap needs them
	cleanup() {
		local p
		for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
		ip netns del $c 2>/dev/null || true
		ip netns del $g 2>/dev/null || true
		ip netns del $o 2>/dev/null || true
	}
	trap cleanup EXIT
	ip netns add $c; ip netns add $g; ip netns add $o
	ip link add sc0$id netns $c type veth peer name sg0$id netns $g
	ip link add so0$id netns $o type veth peer name sg1$id netns $g
	ip -n $c addr add 10.77.9.2/24 dev sc0$id
	ip -n $g addr add 10.77.9.1/24 dev sg0$id
	ip -n $g addr add 10.77.8.1/24 dev sg1$id
	ip -n $o addr add 10.77.8.2/24 dev so0$id
	for n in $c $g $o; do ip -n $n link set lo up; done
	ip -n $c link set sc0$id up; ip -n $g link set sg0$id up
	ip -n $g link set sg1$id up; ip -n $o link set so0$id up
	ip -n $c route add default via 10.77.9.1
	ip -n $o route add default via 10.77.8.1
	ip netns exec $g sysctl -qw net.ipv4.ip_forward=1
	# Both paths are REDIRECTed the same way (the NAT costs the same on both).
	printf 'table ip t {\n chain p {\n  type nat hook prerouting priority dstnat; policy accept;\n  iifname "sg0%s" tcp dport 443 redirect to :8443\n  iifname "sg0%s" tcp dport 9000 redirect to :9001\n }\n}\n' "$id" "$id" |
		ip netns exec $g nft -f -
	printf 'allowed.example.invalid\n' >"$out/splice-blocklist.txt"
	cat >"$out/sink.py" <<'PY'
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(8)
    while True:
        c, _ = s.accept()
        want = int(sys.argv[1]); buf = bytearray(1 << 20); got = 0
        while got < want:
            n = c.recv_into(buf)
            if not n: break
            got += n
        c.sendall(b"done %d\n" % got); c.close()
for p in (443, 9000):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
print("sink ready", flush=True)
threading.Event().wait()
PY
	cat >"$out/send.py" <<'PY'
import os, socket, ssl, sys, time
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ctx = ssl.create_default_context(); inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
o = ctx.wrap_bio(inc, out, server_hostname="allowed.example")
try: o.do_handshake()
except ssl.SSLWantReadError: pass
hello = out.read()
s = socket.create_connection((host, port))
t0 = time.time()
s.sendall(hello)
chunk = os.urandom(1 << 18); left = size - len(hello)
while left > 0:
    n = s.send(chunk[:min(left, len(chunk))]); left -= n
reply = s.recv(100)
dt = time.time() - t0
print("%.1f" % (size * 8 / dt / 1e6), reply.decode().strip())
PY
	ip netns exec $o $py "$out/sink.py" "$size" >"$out/sink.log" 2>&1 & pids+=($!)
	cat >"$out/splice.conf" <<EOF
[general]
allow_root = yes
[http]
tls_listen = 0.0.0.0:8443
[journal]
dir = $out/journal
[category blocklist]
kind = block
list = $out/splice-blocklist.txt
[group default]
block = blocklist
EOF
	ip netns exec $g "$bin" -c "$out/splice.conf" >"$out/gateway.log" 2>&1 & pids+=($!)
	ip netns exec $g socat -b 262144 TCP-LISTEN:9001,fork,reuseaddr TCP:10.77.8.2:9000 \
		>"$out/socat.log" 2>&1 & pids+=($!)
	sleep 2
	# socat forks a child per connection: count the whole process group's children.
	cpu_socat() { local t=0 p; for p in $(pgrep -P "${pids[2]}") "${pids[2]}"; do
		t=$(echo "$t + $(awk '{printf "%.2f", ($14 + $15 + $16 + $17) / 100}' "/proc/$p/stat" 2>/dev/null || echo 0)" | bc); done; echo "$t"; }
	echo "# TLS splice vs plain TCP relay (socat -b 262144), $((size >> 20)) MiB per run, Mbit/s"
	echo "| run | campusgated splice | socat relay |"
	echo "|---|---|---|"
	local r a b ga gb sa sb
	# CPU seconds (user+system) a process has used, from /proc/PID/stat.
	cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }
	if [ -n "${SPLICE_STRACE:-}" ]; then
		strace -c -f -p "${pids[1]}" -o "$out/strace.txt" & local st=$!
		sleep 1
		ip netns exec $c timeout 120 $py "$out/send.py" 10.77.8.2 443 "$size"
		kill -INT $st; wait $st || true
		head -20 "$out/strace.txt"
		return
	fi
	for r in $(seq "$reps"); do
		ga=$(cpu "${pids[1]}")
		a=$(ip netns exec $c timeout 120 $py "$out/send.py" 10.77.8.2 443 "$size")
		gb=$(cpu "${pids[1]}")
		sa=$(cpu_socat)
		b=$(ip netns exec $c timeout 120 $py "$out/send.py" 10.77.8.2 9000 "$size")
		sb=$(cpu_socat)
		echo "| $r | ${a%% *} (CPU $(echo "$gb - $ga" | bc) s) | ${b%% *} (CPU $(echo "$sb - $sa" | bc) s) |"
	done
}

# Added latency: one connection, sequential keep-alive GETs over the harness's allowed
# hosts (intercept form), wrk's own histogram giving p50/p99, three runs of LAT_SECONDS
# each, in its own loopback-only namespace like the harness. Three paths per run:
#   direct, same core:    wrk -> origin, both on LOADGEN_CPU (the harness's layout);
#   direct, across cores: wrk -> origin moved to SERVER_CPU, so each request crosses
#                         cores once, as a request to a real server crosses the wire;
#   through campusgated:  wrk -> campusgated on SERVER_CPU -> origin on LOADGEN_CPU.
# "added" is through minus direct across cores. On a virtual machine a core that has
# gone idle can take milliseconds to run again (see the harness's stallmon figures);
# the across-cores column shows how much of the tail that is. SERVER_CPU=0 puts
# everything on one core: the proxy's own cost with no cross-core wake-ups at all.
bench_latency() {
	local shared=${CG_SHARED:-$root/../shared}/bench secs=${LAT_SECONDS:-5}
	gwpid="" # global: the EXIT trap needs it
	export NETNS=${NETNS:-gwlat} DATA_DIR=$out/data RUN_DIR=$out/lat-run RES_DIR=$out/results
	mkdir -p "$RUN_DIR" "$out/lat-journal"
	cd "$shared"
	# shellcheck disable=SC1091
	source ./env.sh
	# shellcheck disable=SC1091
	source ./lib/common.sh
	[ -f "$DATA_DIR/MANIFEST.txt" ] || python3 gen/gen_data.py
	ensure_netns
	origin_start
	trap '[ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null; origin_stop; ip netns del "$NETNS" 2>/dev/null || true' EXIT
	local gport=18080 opid
	opid=$(cat "$RUN_DIR/origin/pid")
	# Like the harness's servers: pinned, at BENCH_NICE.
	printf '[group default]\n' >"$out/bench-lat.conf" # (a config of its own, not /etc's)
	ip netns exec "$NETNS" nice -n "$BENCH_NICE" taskset -c "$SERVER_CPU" "$bin" -c "$out/bench-lat.conf" \
		--http-listen 127.0.0.1:$gport --http-parent "$ORIGIN_ADDR:$ORIGIN_PORT" \
		--blocklist "$DATA_DIR/blocklist-100k.txt" --journal-dir "$out/lat-journal" \
		>"$out/lat-gateway.log" 2>&1 &
	gwpid=$!
	for _ in $(seq 100); do
		ip netns exec "$NETNS" ss -ltn | grep -q "127.0.0.1:$gport " && break
		sleep 0.1
	done
	one() { # one ADDR PORT -> "p50 p99 requests" in ms
		ip netns exec "$NETNS" nice -n "$BENCH_NICE" taskset -c "$LOADGEN_CPU" env MODE=intercept \
			HOSTS_FILE="$DATA_DIR/http-100k-allowed.txt" wrk -t1 -c1 -d"${secs}s" \
			-s lib/wrk_hosts.lua "http://$1:$2/" | sed -n 's/^WRKJSON //p' |
			python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.3f %.3f %d" % (d["p50_ms"], d["p99_ms"], d["requests"]))'
	}
	# Move every thread of the origin's process group to one core.
	origin_cpu() { local p; for p in $(pgrep -g "$opid"); do taskset -a -p -c "$1" "$p" >/dev/null; done; }
	echo "# added latency, one connection, ${secs} s per cell; gateway on core $SERVER_CPU, wrk on core $LOADGEN_CPU"
	echo "| run | direct, same core p50 / p99 ms | direct, across cores p50 / p99 ms | through campusgated p50 / p99 ms | added p50 / p99 ms |"
	echo "|---|---|---|---|---|"
	local runs=${LAT_RUNS:-5} added=()
	for r in $(seq "$runs"); do
		read -r sp50 sp99 sn < <(one "$ORIGIN_ADDR" "$ORIGIN_PORT")
		origin_cpu "$SERVER_CPU"
		read -r dp50 dp99 dn < <(one "$ORIGIN_ADDR" "$ORIGIN_PORT")
		origin_cpu "$LOADGEN_CPU"
		read -r gp50 gp99 gn < <(one 127.0.0.1 $gport)
		echo "| $r | $sp50 / $sp99 ($sn req) | $dp50 / $dp99 ($dn req) | $gp50 / $gp99 ($gn req) |" \
			"$(echo "$gp50 - $dp50" | bc) / $(echo "$gp99 - $dp99" | bc) |"
		added+=("$(echo "$gp50 - $dp50" | bc) $(echo "$gp99 - $dp99" | bc)")
	done
	printf '%s\n' "${added[@]}" | python3 -c 'import sys, statistics as s
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print("| median of %d | | | | %.3f / %.3f |" % (len(rows), s.median(r[0] for r in rows), s.median(r[1] for r in rows)))'

}

case "$what" in
http) bench_http ;;
splice) bench_splice ;;
latency) bench_latency ;;
*) echo "usage: $0 http|splice|latency [BUILDDIR]"; exit 2 ;;
esac
