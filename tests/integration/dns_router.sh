#!/bin/bash
# The DNS proxy as a school router runs it: campusgated in a gateway namespace listening
# on its LAN addresses (IPv4 and IPv6, port 53, not loopback), a client in its own
# namespace behind a veth pair, NSD as the upstream inside the gateway namespace. As
# root it refuses to serve the LAN without a user, then serves as nobody: allowed and
# blocked names over UDP and TCP from the client, the client's LAN address journaled
# with its group, and the process's uids.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
cg_need_root
cg_need ip dig nsd nsd-checkconf python3
id nobody >/dev/null 2>&1 || cg_skip "no user nobody to switch to"
cg_init

NS_C=cgdc$$ NS_G=cgdg$$
ip netns add $NS_C && cg_on_exit "ip netns del $NS_C" || cg_fail "ip netns add"
ip netns add $NS_G && cg_on_exit "ip netns del $NS_G" || cg_fail "ip netns add"
ip link add cdc$$ netns $NS_C type veth peer name cdg$$ netns $NS_G || cg_fail "veth"
ip -n $NS_C addr add 10.78.1.2/24 dev cdc$$
ip -n $NS_G addr add 10.78.1.1/24 dev cdg$$
ip -n $NS_C addr add fd78:1::2/64 dev cdc$$ nodad
ip -n $NS_G addr add fd78:1::1/64 dev cdg$$ nodad
for ns in $NS_C $NS_G; do ip -n $ns link set lo up; done
ip -n $NS_C link set cdc$$ up
ip -n $NS_G link set cdg$$ up
C() { ip netns exec "$NS_C" "$@"; }

# The upstream inside the gateway namespace: dns_start_upstream's nsd and dig run there.
cat >"$CG_TMP/zone.txt" <<EOF
www.ok.test. 300 IN A 192.0.2.10
bad.test. 300 IN A 192.0.2.66
EOF
nsd() { exec ip netns exec "$NS_G" "$(command -v nsd)" "$@"; }
dig() { ip netns exec "$NS_G" "$(command -v dig)" "$@"; }
dns_start_upstream 5353 "$CG_TMP/zone.txt"
unset -f nsd dig

chmod 755 "$CG_TMP"
mkdir -p "$CG_TMP/journal"
printf 'bad.test\n' >"$CG_TMP/adult.list"
# The DHCP server's lease file (dnsmasq format): the journal names the LAN client from it.
printf '%s 52:54:00:78:01:02 10.78.1.2 lan-pc-7 *\n' "$(( $(date +%s) + 3600 ))" >"$CG_TMP/dnsmasq.leases"
write_conf() { # write_conf USERLINE
	cat >"$CG_TMP/cg.conf" <<EOF
[general]
$1
pid_file = $CG_TMP/cg.pid
[dns]
listen = 10.78.1.1:53
listen = [fd78:1::1]:53
upstream = 127.0.0.1:5353
threads = 2
[journal]
dir = $CG_TMP/journal
# every event is checked: no per-client limit
client_max_events = 0
dhcp_leases = $CG_TMP/dnsmasq.leases
[category adult]
list = $CG_TMP/adult.list
[group lan]
subnet = 10.78.1.0/24
subnet = fd78:1::/64
block = adult
[group default]
EOF
}
start_in_gw() {
	: >"$CG_TMP/daemon.log"
	ip netns exec "$NS_G" "$CAMPUSGATED" -c "$CG_TMP/cg.conf" >>"$CG_TMP/daemon.log" 2>&1 &
	CG_DAEMON_PID=$!
	CG_PIDS+=("$CG_DAEMON_PID")
}

# 1. No user: refused (the LAN is not loopback).
write_conf ""
start_in_gw
for i in $(seq 50); do kill -0 "$CG_DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$CG_DAEMON_PID" 2>/dev/null && cg_fail "served the LAN as root without a user"
grep -q 'refusing to serve the network as root' "$CG_TMP/daemon.log" || cg_fail "no refusal: $(cat "$CG_TMP/daemon.log")"
cg_log "ok: refuses to serve the LAN as root"

# 2. With user = nobody: bound as root, then serving as nobody.
write_conf "user = nobody"
start_in_gw
for i in $(seq 100); do grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && break; sleep 0.1; done
grep -q 'campusgated: ready' "$CG_TMP/daemon.log" || cg_fail "not ready"
uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' /proc/$CG_DAEMON_PID/status)
cg_expect "serves as nobody" "$uid" "65534655346553465534"
grep -q 'running as root' "$CG_TMP/daemon.log" && cg_fail "says it runs as root"

q() { C dig +time=3 +tries=1 "$@"; }
status() { q +noall +comments "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -1; }
cg_expect "allowed from the LAN (UDP)" "$(q +short @10.78.1.1 www.ok.test)" 192.0.2.10
cg_expect "allowed from the LAN (TCP)" "$(q +short +tcp @10.78.1.1 www.ok.test)" 192.0.2.10
cg_expect "blocked from the LAN" "$(status @10.78.1.1 bad.test)" NXDOMAIN
cg_expect "blocked over TCP" "$(status +tcp @10.78.1.1 www.bad.test)" NXDOMAIN
# A miss re-reads the neighbour table at most once a second: let a second pass since the
# read for the IPv4 block, so that the IPv6 client (new to NDP) is found on its miss.
sleep 1.1
cg_expect "IPv6 LAN address (UDP)" "$(q +short @fd78:1::1 www.ok.test)" 192.0.2.10
cg_expect "IPv6 LAN address, blocked (TCP)" "$(status +tcp @fd78:1::1 bad.test)" NXDOMAIN

sleep 1.5 # journal fsync interval
J=$(cat "$CG_TMP"/journal/*.jsonl 2>/dev/null)
echo "$J" | grep '"host":"bad.test"' | grep '"client":"10.78.1.2"' | grep -q '"group":"lan"' ||
	cg_fail "block from 10.78.1.2 not journaled with group lan: $(echo "$J" | tail -3)"
echo "$J" | grep '"host":"bad.test"' | grep -q '"client":"fd78:1::2"' ||
	cg_fail "IPv6 client not journaled"
cg_log "ok: LAN clients journaled with their group"
# The writer names the client's MAC from the gateway's neighbour table (ARP and NDP).
MAC=$(C cat /sys/class/net/cdc$$/address)
[ -n "$MAC" ] || cg_fail "no MAC on cdc$$"
echo "$J" | grep '"host":"bad.test"' | grep '"client":"10.78.1.2"' | grep -q "\"mac\":\"$MAC\"" ||
	cg_fail "block from 10.78.1.2 not journaled with mac $MAC: $(echo "$J" | grep bad.test | head -2)"
echo "$J" | grep '"host":"bad.test"' | grep '"client":"10.78.1.2"' | grep -q '"client_name":"lan-pc-7"' ||
	cg_fail "block from 10.78.1.2 not journaled with its DHCP host name lan-pc-7"
cg_log "ok: the LAN client's host name from the DHCP lease file is in the journal"
echo "$J" | grep '"host":"bad.test"' | grep '"client":"fd78:1::2"' | grep -q "\"mac\":\"$MAC\"" ||
	cg_fail "IPv6 block not journaled with mac $MAC"
cg_log "ok: LAN clients journaled with their MAC $MAC"

cg_stop_pid "$CG_DAEMON_PID"
dns_no_sanitizer_report
cg_pass
