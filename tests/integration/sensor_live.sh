#!/bin/bash
# The sensor on a live interface: a veth pair whose far end sits in a network namespace
# this test creates; campusgated captures on the near end while dig, curl and openssl
# in the namespace send DNS, HTTP, TLS and DoT towards it. The journal must hold the
# observed hits (action observed, the client's MAC) and the bypass attempts; the
# namespace and the veth pair are removed at the end.
. "$(dirname "$0")/lib.sh"
cg_need_root
cg_need ip dig curl openssl python3 timeout
cg_init
chmod 755 "$CG_TMP"

ns=cgsens$$
host_if=cgs$$h
ns_if=cgs$$n
host_ip=10.203.$(($$ % 200)).1
ns_ip=10.203.$(($$ % 200)).2
ns_mac=02:00:00:00:$(printf '%02x:%02x' $(($$ % 256)) $(($$ / 256 % 256)))

ip netns add "$ns" || cg_fail "cannot create namespace $ns"
cg_on_exit "ip netns del $ns"
ip link add "$host_if" type veth peer name "$ns_if" || cg_fail "cannot create veth pair"
cg_on_exit "ip link del $host_if"
ip link set "$ns_if" netns "$ns"
ip link set "$ns_if" address "$ns_mac" -n "$ns" 2>/dev/null ||
	ip -n "$ns" link set "$ns_if" address "$ns_mac"
ip addr add "$host_ip/24" dev "$host_if"
ip link set "$host_if" up
ip -n "$ns" addr add "$ns_ip/24" dev "$ns_if"
ip -n "$ns" link set "$ns_if" up
ip -n "$ns" link set lo up
for i in $(seq 50); do ip netns exec "$ns" ping -c1 -W1 "$host_ip" >/dev/null 2>&1 && break; sleep 0.1; done

# Listeners on the near end so that TCP connections open and clients send their data.
cat >"$CG_TMP/listen.py" <<'PY'
import socket, sys, threading, time
addr = sys.argv[1]
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.settimeout(2)
        try:
            c.recv(65536)
            if port == 80:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        except OSError:
            pass
        c.close()
for p in (80, 443, 853):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
time.sleep(120)
PY
cg_bg python3 "$CG_TMP/listen.py" "$host_ip"

mkdir -p "$CG_TMP/journal"
printf 'dns-hit.example\nhttp-hit.example\ntls-hit.example\n' >"$CG_TMP/adult.list"
printf 'dns.google\n' >"$CG_TMP/bypass.list"
dport=$(cg_free_port)
if id nobody >/dev/null 2>&1; then user="user = nobody"; else user="allow_root = yes"; fi
cat >"$CG_TMP/sensor.conf" <<CONF
[general]
$user
[dns]
listen = 127.0.0.1:$dport
upstream = 127.0.0.1:9
[sensor]
interface = $host_if
promiscuous = no
resolver = 10.203.255.53
max_flows = 1000
flow_timeout_s = 30
[journal]
dir = $CG_TMP/journal
# every event is checked: no per-client limit
client_max_events = 0
fsync_interval_ms = 100
[category adult]
kind = block
list = $CG_TMP/adult.list
[category bypass]
kind = bypass
list = $CG_TMP/bypass.list
[group default]
block = adult bypass
CONF
# Traffic from the namespace.
nsx() { ip netns exec "$ns" "$@"; }
traffic() {
	nsx dig +tries=1 +time=1 @"$host_ip" dns-hit.example A >/dev/null 2>&1
	nsx dig +tries=1 +time=1 @"$host_ip" harmless.example AAAA >/dev/null 2>&1
	nsx curl -s -m 3 -o /dev/null -H 'Host: http-hit.example' "http://$host_ip/some/page?x=1"
	nsx curl -s -m 3 -o /dev/null -H 'Host: doh.example' "http://$host_ip/dns-query?dns=AAAB"
	echo | nsx timeout 5 openssl s_client -connect "$host_ip:443" -servername tls-hit.example >/dev/null 2>&1
	echo | nsx timeout 5 openssl s_client -connect "$host_ip:443" -servername dns.google >/dev/null 2>&1
	echo | nsx timeout 5 openssl s_client -connect "$host_ip:853" -servername dns.example >/dev/null 2>&1
	# the last event (DoT) written means all are; the journal writes every 100 ms
	for i in $(seq 50); do
		grep -qs 'DNS over TLS' "$1"/*.jsonl && break
		sleep 0.2
	done
}

# check_journal DIR: the expected events, and nothing else.
check_journal() {
	cat "$1"/*.jsonl >"$CG_TMP/all.jsonl" 2>/dev/null || cg_fail "no journal file in $1"
	j() { grep -c -- "$1" "$CG_TMP/all.jsonl"; }
	jj() { grep -- "$1" "$CG_TMP/all.jsonl" | grep -c -- "$2"; }
	cg_expect "DNS hit journaled" "$(jj '"host":"dns-hit.example"' '"event":"hit"')" 1
	cg_expect "HTTP hit journaled with its path" \
		"$(jj '"host":"http-hit.example"' '"path":"/some/page?x=1"')" 1
	cg_expect "TLS hit journaled" "$(jj '"host":"tls-hit.example"' '"event":"hit"')" 1
	cg_expect "every event has action observed" "$(j '"action":"observed"')" \
		"$(wc -l <"$CG_TMP/all.jsonl")"
	cg_expect "every event carries the client's MAC" "$(j "\"mac\":\"$ns_mac\"")" \
		"$(wc -l <"$CG_TMP/all.jsonl")"
	cg_expect "every event carries the client's address" "$(j "\"client\":\"$ns_ip\"")" \
		"$(wc -l <"$CG_TMP/all.jsonl")"
	cg_expect "no hit for a harmless name" "$(jj 'harmless.example' '"event":"hit"')" 0
	# both queries went to a resolver that is not the school's
	cg_expect "resolver bypass journaled" "$(jj '"event":"bypass"' 'not a school resolver')" 2
	cg_expect "DoH path bypass journaled" "$(jj '"event":"bypass"' '/dns-query')" 1
	cg_expect "DoH name (bypass category) journaled" \
		"$(jj '"host":"dns.google"' '"event":"bypass"')" 1
	cg_expect "DoT bypass journaled" "$(jj '"event":"bypass"' 'DNS over TLS')" 1
	out=$("$CAMPUSGATE" journal verify --dir "$1" 2>&1) || cg_fail "journal verify: $out"
	cg_log "ok: journal verifies"
}

# 1. The sensor front end in the foreground: campusgate sensor --live.
mkdir -p "$CG_TMP/j1"
"$CAMPUSGATE" sensor --live "$host_if" --duration 120 -c "$CG_TMP/sensor.conf" \
	--journal-dir "$CG_TMP/j1" >"$CG_TMP/live.log" 2>&1 &
live_pid=$!
CG_PIDS+=("$live_pid")
for i in $(seq 100); do
	grep -q "capturing on $host_if" "$CG_TMP/live.log" && break
	kill -0 "$live_pid" 2>/dev/null || { cat "$CG_TMP/live.log"; cg_fail "sensor --live exited"; }
	sleep 0.1
done
traffic "$CG_TMP/j1"
t0=$(date +%s%N)
cg_stop_pid "$live_pid"
t1=$(date +%s%N)
[ $(((t1 - t0) / 1000000)) -lt 2000 ] || cg_fail "sensor took more than 2 s to stop"
grep -q "sensor: $host_if: .* packets" "$CG_TMP/live.log" || cg_fail "no capture statistics at stop"
check_journal "$CG_TMP/j1"
cg_log "ok: campusgate sensor --live"

# 1b. Link types without VLANs, inside the namespace: Linux "any" (cooked, SLL/SLL2) and
# a tun device (raw IP). The filter is built per link type, so both open.
nsx ip tuntap add dev cgtun0 mode tun 2>/dev/null && nsx ip link set cgtun0 up
for dev in any cgtun0; do
	nsx ip link show "$dev" >/dev/null 2>&1 || [ "$dev" = any ] ||
		cg_fail "cannot create a tun device in the namespace"
	nsx "$CAMPUSGATE" sensor --live "$dev" --duration 1 -c "$CG_TMP/sensor.conf" \
		--no-journal >"$CG_TMP/live-$dev.log" 2>&1 ||
		cg_fail "sensor --live $dev: $(tail -3 "$CG_TMP/live-$dev.log")"
	grep -q "capturing on $dev" "$CG_TMP/live-$dev.log" ||
		cg_fail "sensor --live $dev: $(tail -3 "$CG_TMP/live-$dev.log")"
done
cg_log "ok: sensor --live on any (cooked) and a tun device (raw IP)"

# 2. The same inside campusgated ([sensor] interface).
"$CAMPUSGATED" -c "$CG_TMP/sensor.conf" >"$CG_TMP/daemon.log" 2>&1 &
CG_DAEMON_PID=$!
CG_PIDS+=("$CG_DAEMON_PID")
ready=0
for i in $(seq 300); do
	grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && { ready=1; break; }
	kill -0 "$CG_DAEMON_PID" 2>/dev/null || break
	sleep 0.1
done
[ $ready = 1 ] ||
	cg_fail "campusgated did not start with a [sensor] interface: $(tail -5 "$CG_TMP/daemon.log")"
grep -q "sensor: capturing on $host_if" "$CG_TMP/daemon.log" || cg_fail "no capture thread on $host_if"
traffic "$CG_TMP/journal"
# Reload with the near end as the school's resolver: a query to it is then no bypass.
sed -i "s/^resolver = .*/resolver = $host_ip/" "$CG_TMP/sensor.conf"
printf 'reload-hit.example\n' >>"$CG_TMP/adult.list"
kill -HUP "$CG_DAEMON_PID"
for i in $(seq 100); do grep -q 'reload done' "$CG_TMP/daemon.log" && break; sleep 0.1; done
grep -q 'reload done' "$CG_TMP/daemon.log" || cg_fail "no reload"
sleep 0.5   # the capture threads take the new resolvers at their next wait (200 ms)
nsx dig +tries=1 +time=1 @"$host_ip" reload-hit.example A >/dev/null 2>&1
for i in $(seq 50); do grep -qs 'reload-hit.example' "$CG_TMP"/journal/*.jsonl && break; sleep 0.2; done
cg_stop_pid "$CG_DAEMON_PID"
grep -q "sensor: $host_if: .* packets" "$CG_TMP/daemon.log" || cg_fail "no capture statistics at stop"
cat "$CG_TMP"/journal/*.jsonl >"$CG_TMP/after.jsonl"
cg_expect "after reload: the new list decides" \
	"$(grep 'reload-hit.example' "$CG_TMP/after.jsonl" | grep -c '"event":"hit"')" 1
cg_expect "after reload: the new resolver is the school's" \
	"$(grep 'reload-hit.example' "$CG_TMP/after.jsonl" | grep -c '"event":"bypass"')" 0
check_journal "$CG_TMP/journal"
cg_log "ok: campusgated [sensor]"
cg_pass
