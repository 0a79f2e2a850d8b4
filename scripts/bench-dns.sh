#!/bin/bash
# Run the shared DNS benchmark (../shared/bench) on campusgated next to Unbound and Knot
# Resolver, in one session, writing only under $OUT (the bench folder stays read-only).
#   scripts/bench-dns.sh            # 1M list, 1 repetition, gateway unbound knot-resolver
#   LISTS=100k REPS=3 scripts/bench-dns.sh
#   BEFORE=/path/to/old/campusgated scripts/bench-dns.sh
#                                   # also runs that binary as target 'gateway-before' in the
#                                   # same run, interleaved, to measure what a change costs
# Needs root (the harness makes its own network namespace) and scripts/bench-deps.sh.
# campusgated runs with the flags the harness gives it (--dns-listen, --blocklist,
# --upstream) plus -c $OUT/bench.conf, which switches the per-client rate limit off:
# the load generator is one client at ~100k queries/s, which any per-client limit
# would refuse; and client_max_events = 0, so that every blocked query is journaled.
# Everything else is the shipped default.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH:-$root/../shared/bench}
out=${OUT:-/tmp/cgbench}
bin=${CAMPUSGATED:-$root/build-release/gateway/campusgated}
[ -x "$bin" ] || { echo "build first: meson setup build-release --buildtype=release && ninja -C build-release" >&2; exit 2; }
mkdir -p "$out/data" "$out/run" "$out/results" "$out/journal"
cat >"$out/bench.conf" <<CONF
[general]
allow_root = yes
[dns]
rate_limit_qps = 0
[journal]
dir = $out/journal
[group default]
CONF
# A BEFORE binary gets the config without the keys it may not know yet.
cp "$out/bench.conf" "$out/bench-before.conf"
# Every blocked query journaled, as before the per-client journal limit existed: the
# load generator is one client, which the default limit (300 a minute) would summarise.
sed -i 's/^\[journal\]$/[journal]\nclient_max_events = 0/' "$out/bench.conf"
cat >"$out/campusgated-bench" <<WRAP
#!/bin/sh
exec "$bin" -c "$out/bench.conf" "\$@"
WRAP
chmod +x "$out/campusgated-bench"
before_target=
if [ -n "${BEFORE:-}" ]; then
	[ -x "$BEFORE" ] || { echo "BEFORE=$BEFORE is not an executable" >&2; exit 2; }
	# The same flags and config as the gateway target, another binary; the harness takes a
	# target given as a path and names its results after the file.
	mkdir -p "$out/targets"
	printf '#!/bin/sh\nexec "%s" -c "%s/bench-before.conf" "$@"\n' "$BEFORE" "$out" >"$out/campusgated-before"
	sed "s|\"\$GATEWAY_BIN\"|\"$out/campusgated-before\"|g; s|\${GATEWAY_BIN:?set GATEWAY_BIN}|$out/campusgated-before|g; s|\${GATEWAY_BIN:?set GATEWAY_BIN to the gateway binary}|$out/campusgated-before|g" \
		"$bench/targets/dns/gateway.sh" >"$out/targets/gateway-before.sh"
	chmod +x "$out/campusgated-before" "$out/targets/gateway-before.sh"
	before_target=$out/targets/gateway-before.sh
fi
export DATA_DIR=$out/data RUN_DIR=$out/run RES_DIR=$out/results
export NETNS=${NETNS:-gwbench-dns}   # our own namespace: other benchmarks may run at once
export GATEWAY_BIN=$out/campusgated-bench
# HTTP_TARGETS must be non-empty to override run_all.sh's default list: one space = none.
export REPS=${REPS:-1} LISTS=${LISTS:-1m} HTTP_TARGETS=" "
export DNS_TARGETS=${DNS_TARGETS:-gateway $before_target unbound knot-resolver}
[ -f "$DATA_DIR/MANIFEST.txt" ] || python3 "$bench/gen/gen_data.py"
cd "$bench"
# run_all.sh writes its final table into the (read-only) bench folder; make it here.
./run_all.sh || true
python3 lib/report.py "$RES_DIR" >"$out/TABLES.md"
echo "tables: $out/TABLES.md"
