#!/bin/bash
# The IP-MAC binding on a router (docs/deploy.md, *IP-MAC binding*): a router namespace
# with the nftables rules `campusgate setup` writes, its LAN a bridge with two clients,
# an origin namespace behind it, and UDP listeners on the origin and on the router itself
# (where campusgated's DNS listener would journal a client) that log who sent what.
# Client A holds a DHCP lease (dnsmasq lease file); client B has none and also puts A's
# address on its interface. Before the first `campusgate ipmac sync` nothing is checked
# (B's forged packets arrive: the test can see a spoof); after it, A gets through and B's
# forged and unleased packets are dropped and counted; a new lease for B plus a sync lets
# B through from its own address but still not from A's; A's lease running out, and
# [ipmac] enforce = no, take effect at the next sync; DHCP from 0.0.0.0 still passes.
. "$(dirname "$0")/lib.sh"
cg_need_root
cg_need ip nft python3
cg_init
ip netns add cgipmac-probe$$ 2>/dev/null || cg_skip "ip netns is not usable here"
ip netns del cgipmac-probe$$
PY=$(command -v python3)

P=cgipmac-$$ # every namespace and link name of this test starts with it (or ip$$)
NS_R=$P-r NS_A=$P-a NS_B=$P-b NS_O=$P-o
for ns in $NS_R $NS_A $NS_B $NS_O; do
	ip netns add $ns && cg_on_exit "ip netns del $ns" || cg_fail "ip netns add $ns"
	ip -n $ns link set lo up
done
R() { ip netns exec $NS_R "$@"; }
R nft add table inet cgprobe 2>/dev/null || cg_skip "nft cannot load rules in a namespace here"
R nft delete table inet cgprobe

MAC_A=02:79:00:00:0a:01 MAC_B=02:79:00:00:0b:01
IP_A=10.79.1.10 IP_B=10.79.1.20 IP_R=10.79.1.1 IP_O=10.79.2.2
R ip link add br0 type bridge || cg_fail "bridge"
R ip link set br0 up
R ip addr add $IP_R/24 dev br0
ip link add ipa$$ netns $NS_A address $MAC_A type veth peer name ipra$$ netns $NS_R || cg_fail "veth A"
ip link add ipb$$ netns $NS_B address $MAC_B type veth peer name iprb$$ netns $NS_R || cg_fail "veth B"
ip link add ipo$$ netns $NS_O type veth peer name ipro$$ netns $NS_R || cg_fail "veth O"
for l in ipra$$ iprb$$; do R ip link set $l master br0; R ip link set $l up; done
R ip addr add 10.79.2.1/24 dev ipro$$
R ip link set ipro$$ up
R sysctl -qw net.ipv4.ip_forward=1
# B answers ARP for A's address too once it has it: no reverse-path filter in the way
R sysctl -qw net.ipv4.conf.all.rp_filter=0
ip -n $NS_A addr add $IP_A/24 dev ipa$$
ip -n $NS_B addr add $IP_B/24 dev ipb$$
ip -n $NS_O addr add $IP_O/24 dev ipo$$
ip -n $NS_A link set ipa$$ up
ip -n $NS_B link set ipb$$ up
ip -n $NS_O link set ipo$$ up
ip -n $NS_A route add default via $IP_R
ip -n $NS_B route add default via $IP_R
ip -n $NS_O route add default via 10.79.2.1

# UDP listeners: each datagram logged as "SOURCE PAYLOAD".
cat >"$CG_TMP/listen.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
with open(sys.argv[3], "a") as log:
    print("ready", file=log, flush=True)
    while True:
        data, peer = s.recvfrom(2048)
        print(peer[0], data.decode(errors="replace"), file=log, flush=True)
EOF
PORT=$(( 20000 + $$ % 20000 ))
: >"$CG_TMP/origin.log"
: >"$CG_TMP/router.log"
cg_bg ip netns exec $NS_O "$PY" "$CG_TMP/listen.py" $IP_O $PORT "$CG_TMP/origin.log"
cg_bg ip netns exec $NS_R "$PY" "$CG_TMP/listen.py" $IP_R $PORT "$CG_TMP/router.log"
for i in $(seq 50); do
	grep -q ready "$CG_TMP/origin.log" && grep -q ready "$CG_TMP/router.log" && break
	sleep 0.1
done
grep -q ready "$CG_TMP/origin.log" && grep -q ready "$CG_TMP/router.log" || cg_fail "listeners did not start"

# send NS SOURCE TAG: one datagram from SOURCE to the origin and one to the router.
send() {
	ip netns exec "$1" "$PY" - "$2" "$3" $IP_O $IP_R $PORT <<'EOF' || cg_fail "send from $2"
import socket, sys
src, tag, o, r, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
for dst in (o, r):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.sendto(tag.encode(), (dst, port))
    s.close()
EOF
	sleep 0.5
}
# seen TAG: how many listeners (0..2) logged it.
seen() { cat "$CG_TMP/origin.log" "$CG_TMP/router.log" | grep -c " $1\$"; }
dropped() { R nft list counter inet campusgate ipmac_dropped | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }

# The rules as campusgate setup writes them for LAN interface br0.
out=$("$CAMPUSGATE" setup --lan-if br0 --lan-address $IP_R --subnet 10.79.1.0/24 \
	--upstream 192.0.2.53 --dhcp-leases "$CG_TMP/setup.leases" --out-config "$CG_TMP/setup.conf" \
	--out-nft "$CG_TMP/router.nft" --yes --force 2>&1)
[ -s "$CG_TMP/router.nft" ] || cg_fail "campusgate setup wrote no nftables file: $out"
grep -q '^enforce = yes$' "$CG_TMP/setup.conf" || cg_fail "setup --dhcp-leases did not turn [ipmac] enforce on"
grep -q '^interface = br0$' "$CG_TMP/setup.conf" || cg_fail "setup did not name the LAN interface in [ipmac]"
# The shipped file holds the same binding rules.
chain() { sed -n '/# IP-MAC binding/,/^}$/p' "$1"; }
[ "$(chain "$CG_TMP/router.nft")" = "$(chain "$CG_SOURCE_ROOT/config/nftables-campusgate.nft")" ] ||
	cg_fail "the IP-MAC rules written by setup and config/nftables-campusgate.nft differ"
R nft -f "$CG_TMP/router.nft" || cg_fail "nft -f of the rules setup wrote"

cat >"$CG_TMP/cg.conf" <<EOF
[ipmac]
enforce = yes
interface = br0
leases = $CG_TMP/dnsmasq.leases
EOF
lease() { printf '%s %s %s %s *\n' "$1" "$2" "$3" "$4"; }
later=$(( $(date +%s) + 3600 ))
lease $later $MAC_A $IP_A pupil-a >"$CG_TMP/dnsmasq.leases"

# Before the first sync nothing is checked: B's forged packets arrive (so the test sees one).
ip -n $NS_B addr add $IP_A/32 dev ipb$$ || cg_fail "ip addr add A's address on B"
send $NS_B $IP_A spoof-before-sync
cg_expect "B's forged packets before any sync" "$(seen spoof-before-sync)" 2
grep -q "^$IP_A spoof-before-sync$" "$CG_TMP/origin.log" || cg_fail "the origin logged no source for the spoof"

# --dry-run prints the transaction and changes nothing.
out=$("$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" --dry-run 2>/dev/null) || cg_fail "dry run: $out"
echo "$out" | grep -q "^	$MAC_A . $IP_A$" || cg_fail "dry run does not add A: $out"
echo "$out" | grep -q '^add element inet campusgate ipmac_ifaces { "br0" }$' || cg_fail "dry run: $out"
R nft list set inet campusgate ipmac4 | grep -q "$MAC_A" && cg_fail "the dry run changed the set"

# The first sync: A is bound, the LAN interface checked.
out=$(R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" 2>&1) || cg_fail "ipmac sync: $out"
echo "$out" | grep -q "^added   $MAC_A . $IP_A$" || cg_fail "sync did not say it added A: $out"
echo "$out" | grep -q "1 addresses bound (1 added, 0 removed)" || cg_fail "sync summary: $out"
R nft list set inet campusgate ipmac4 | grep -q "$MAC_A . $IP_A" || cg_fail "A is not in the set"
cg_log "ok: sync bound A ($out)"

d0=$(dropped)
send $NS_A $IP_A from-a
cg_expect "A's packets (origin and router)" "$(seen from-a)" 2
send $NS_B $IP_A spoof-b
cg_expect "B's packets with A's address" "$(seen spoof-b)" 0
send $NS_B $IP_B unleased-b
cg_expect "B's packets from its own address without a lease" "$(seen unleased-b)" 0
d1=$(dropped)
[ "$d1" -ge $(( d0 + 4 )) ] || cg_fail "ipmac_dropped went from $d0 to $d1, wanted 4 more"
cg_log "ok: A through, B's forged and unleased packets dropped (counter $d0 -> $d1)"

# DHCP from 0.0.0.0 (a client without an address) passes; the same frame to another
# port is dropped. Built by hand on a packet socket, as a DHCP client does.
cat >"$CG_TMP/frame.py" <<'EOF'
import socket, struct, sys
ifname, mac, dport = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), int(sys.argv[3])
payload = b"\x01" * 32
udp = struct.pack("!HHHH", 68, dport, 8 + len(payload), 0) + payload
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes(4), b"\xff\xff\xff\xff")
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
s.send(b"\xff" * 6 + mac + b"\x08\x00" + ip + udp)
EOF
d0=$(dropped)
ip netns exec $NS_B "$PY" "$CG_TMP/frame.py" ipb$$ $MAC_B 67 || cg_fail "DHCP frame"
sleep 0.3
cg_expect "drops for a DHCP request from 0.0.0.0" "$(dropped)" "$d0"
ip netns exec $NS_B "$PY" "$CG_TMP/frame.py" ipb$$ $MAC_B 9 || cg_fail "frame"
sleep 0.3
[ "$(dropped)" -gt "$d0" ] || cg_fail "the same frame from 0.0.0.0 to port 9 was not dropped"
cg_log "ok: DHCP from 0.0.0.0 passes, other traffic from 0.0.0.0 does not"

# B gets a lease of its own (with hostile lines around it): after a sync it is through
# from its own address, still not from A's.
{
	lease $later $MAC_A $IP_A pupil-a
	echo 'garbage } ; flush ruleset'
	lease $later $MAC_B $IP_B 'b};flush ruleset;'
} >"$CG_TMP/dnsmasq.leases"
out=$(R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" 2>&1) || cg_fail "ipmac sync: $out"
echo "$out" | grep -q "^added   $MAC_B . $IP_B$" || cg_fail "sync did not add B: $out"
echo "$out" | grep -q "2 malformed entries skipped" || cg_fail "sync did not count the bad lines: $out"
R nft list table inet campusgate | grep -q "chain ipmac" || cg_fail "the rules are gone after the hostile lease file"
send $NS_B $IP_B leased-b
cg_expect "B from its own leased address" "$(seen leased-b)" 2
send $NS_B $IP_A spoof-b2
cg_expect "B with A's address after its own lease" "$(seen spoof-b2)" 0
send $NS_A $IP_A from-a2
cg_expect "A after B's lease" "$(seen from-a2)" 2
cg_log "ok: B's new lease works from its own address only"

# A's lease runs out: the next sync (the timer's) removes it.
{
	lease $(( $(date +%s) - 60 )) $MAC_A $IP_A pupil-a
	lease $later $MAC_B $IP_B pupil-b
} >"$CG_TMP/dnsmasq.leases"
out=$(R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" 2>&1) || cg_fail "ipmac sync: $out"
echo "$out" | grep -q "^removed $MAC_A . $IP_A$" || cg_fail "sync did not remove A's ended lease: $out"
echo "$out" | grep -q "1 ended" || cg_fail "sync did not count the ended lease: $out"
send $NS_A $IP_A expired-a
cg_expect "A after its lease ended" "$(seen expired-a)" 0

# An unreadable lease file leaves the set as it was (exit 3).
mv "$CG_TMP/dnsmasq.leases" "$CG_TMP/moved.leases"
R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" >/dev/null 2>&1
cg_expect "exit status with the lease file missing" "$?" 3
R nft list set inet campusgate ipmac4 | grep -q "$MAC_B . $IP_B" || cg_fail "a missing lease file emptied the set"
mv "$CG_TMP/moved.leases" "$CG_TMP/dnsmasq.leases"

# A static binding for a device with a fixed address.
printf 'static = %s %s\n' $MAC_A 10.79.1.99 >>"$CG_TMP/cg.conf"
ip -n $NS_A addr add 10.79.1.99/24 dev ipa$$
out=$(R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" 2>&1) || cg_fail "ipmac sync: $out"
echo "$out" | grep -q "^added   $MAC_A . 10.79.1.99$" || cg_fail "sync did not add the static binding: $out"
send $NS_A 10.79.1.99 static-a
cg_expect "A from its static address" "$(seen static-a)" 2

# Turned off in the config: nothing is checked after the next sync.
sed -i 's/^enforce = yes/enforce = no/' "$CG_TMP/cg.conf"
out=$(R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" 2>&1) || cg_fail "ipmac sync (off): $out"
echo "$out" | grep -q "IP-MAC binding is off" || cg_fail "sync did not say the binding is off: $out"
[ -z "$(R nft list set inet campusgate ipmac_ifaces | grep elements)" ] || cg_fail "the interface set is not empty"
send $NS_B $IP_A spoof-off
cg_expect "B's forged packets with the binding off" "$(seen spoof-off)" 2

# Without the rules loaded, enforce = yes is an nft error (exit 1), not a silent pass.
sed -i 's/^enforce = no/enforce = yes/' "$CG_TMP/cg.conf"
R nft delete table inet campusgate
R "$CAMPUSGATE" ipmac sync -c "$CG_TMP/cg.conf" >/dev/null 2>&1
cg_expect "exit status without the rules" "$?" 1
cg_pass
