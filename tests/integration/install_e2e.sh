#!/bin/bash
# The installed box, end to end: scripts/install.sh into a temporary root (twice: the
# second run is an upgrade that keeps the admin's config and lists), `campusgate setup`
# with flags, then in network namespaces (LAN client, router, upstream + origin) the
# INSTALLED campusgated with the installed config and the nftables rules setup wrote.
# Unmodified clients (dig, curl, Debian's chromium) get DNS, HTTP and HTTPS filtered transparently, also
# with a hard-coded outside resolver; DNS over TLS and QUIC are dropped; the journal is
# readable by a member of the staff group and by nobody else.
# Addresses: LAN 10.90.1.0/24 (router 10.90.1.1, client 10.90.1.2); the "internet" is
# documentation space: resolver 198.51.100.53, origin 192.0.2.10.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || cg_skip "needs root (installs users and files, network namespaces)"
ip netns list >/dev/null 2>&1 || cg_skip "ip netns is unavailable here"
for t in dig curl chromium nft nsd openssl python3 setpriv useradd script; do
	command -v "$t" >/dev/null 2>&1 || cg_fail "$t is missing (scripts/install-deps.sh installs it)"
done
PY=python3
. "$(dirname "$0")/lib_http.sh"
CG_TMP=$(mktemp -d /tmp/cge2e.XXXXXX)
chmod 755 "$CG_TMP" # the service user and the test users read below it
trap cg_cleanup EXIT
trap 'exit 130' INT TERM

ROOT=$CG_TMP/root
ETC=$ROOT/etc/campusgate STATE=$ROOT/var/lib/campusgate
CG=$ROOT/usr/local/bin/campusgate CGD=$ROOT/usr/local/sbin/campusgated
id=$$
svc=cge2esvc$id staff=cge2estaff$id teacher=cge2eteach$id other=cge2eother$id
cusr=cge2econ$id adm=cge2eadm$id
for u in $svc $teacher $other $cusr; do getent passwd $u >/dev/null && cg_fail "user $u exists already"; done
cg_on_exit "groupdel $staff"
cg_on_exit "userdel $svc"
cg_on_exit "userdel $teacher; userdel $other"
cg_on_exit "groupdel $adm"
cg_on_exit "userdel $cusr; groupdel $cusr"

# ---- 1. install, with the third-party lists unreachable -----------------------------------
out=$(cd "$CG_SOURCE_ROOT" && scripts/install.sh --root "$ROOT" --builddir "$CG_TMP/build" \
	--user $svc --staff-group $staff --console-user $cusr --admin-group $adm --lists-source "$CG_TMP/offline/blacklists.tar.gz" 2>&1) ||
	{ echo "$out" | tail -30; cg_fail "install.sh failed without the third-party lists"; }
echo "$out" | grep -q "THE THIRD-PARTY LISTS ARE MISSING" || cg_fail "install.sh did not say the third-party lists are missing: $out"
echo "$out" | grep -q "campusgate-update-lists" || cg_fail "install.sh did not say how to fetch them: $out"
for f in "$CGD" "$CG" "$ROOT/usr/local/sbin/campusgate-update-lists" \
	"$ROOT/usr/local/share/campusgate/blocklists/gambling/domains.list" \
	"$ROOT/etc/systemd/system/campusgated.service" \
	"$ROOT/etc/systemd/system/campusgate-update-lists.service" \
	"$ROOT/etc/systemd/system/campusgate-update-lists.timer" \
	"$ROOT/etc/systemd/system/campusgate-ipmac.service" \
	"$ROOT/etc/systemd/system/campusgate-ipmac.path" \
	"$ROOT/etc/systemd/system/campusgate-ipmac.timer" "$ETC/campusgate.conf" \
	"$ROOT/usr/local/sbin/campusgate-console" "$ROOT/etc/systemd/system/campusgate-console.service"; do
	[ -e "$f" ] || cg_fail "not installed: $f"
done
grep -q "^ExecStart=$CGD -c $ETC/campusgate.conf$" "$ROOT/etc/systemd/system/campusgated.service" ||
	cg_fail "the unit does not name the installed paths"
grep -q "campusgate-update-lists .* $STATE/lists$" "$ROOT/etc/systemd/system/campusgate-update-lists.service" ||
	cg_fail "the list update unit does not name the state folder"
grep -q "^ExecStart=$CG ipmac sync -c $ETC/campusgate.conf$" "$ROOT/etc/systemd/system/campusgate-ipmac.service" ||
	cg_fail "the IP-MAC binding unit does not name the installed paths"
cg_expect "journal folder mode, owner, group" "$(stat -c '%a %U %G' "$STATE/journal")" "2750 $svc $staff"
# The console: its unit (own user, hardened), its user and folders, the first admin.
cu=$ROOT/etc/systemd/system/campusgate-console.service
for l in "ExecStart=$ROOT/usr/local/sbin/campusgate-console -c $ETC/campusgate.conf" "User=$cusr" \
	"SupplementaryGroups=$adm $staff" "NoNewPrivileges=yes" "ProtectSystem=strict" "PrivateTmp=yes" \
	"ReadWritePaths=$STATE/console -$ETC/lists" "CapabilityBoundingSet="; do
	grep -qxF -- "$l" "$cu" || cg_fail "the console's unit lacks '$l': $(cat "$cu")"
done
cg_expect "console folder mode, owner" "$(stat -c '%a %U %G' "$STATE/console")" "700 $cusr $cusr"
cg_expect "school lists folder: the console's group writes" "$(stat -c '%a %G' "$ETC/lists")" "2775 $cusr"
id -nG $cusr | tr ' ' '\n' | grep -qx $adm || cg_fail "$cusr is not in $adm"
id -nG $cusr | tr ' ' '\n' | grep -qx $staff || cg_fail "$cusr is not in $staff"
grep -q "^user = $cusr$" "$ETC/campusgate.conf" || cg_fail "[console] user not set in the installed config"
grep -q "^control_group = $adm$" "$ETC/campusgate.conf" || cg_fail "control_group not set in the installed config"
first_pw=$(echo "$out" | sed -n 's/^  *\([2-9a-zA-Z]\{4\}-[2-9a-zA-Z-]\{14\}\)$/\1/p' | head -n1)
[ ${#first_pw} = 19 ] || cg_fail "install.sh printed no one-time password for the console's admin: $out"
echo "$out" | grep -q "网页控制台的管理员账号 admin" || cg_fail "install.sh: the first admin not said in zh-CN: $out"
grep -q '^admin:admin::mustchange:' "$STATE/console/accounts" || cg_fail "no first admin in $STATE/console/accounts"
cg_expect "accounts file mode, owner" "$(stat -c '%a %U' "$STATE/console/accounts")" "600 $cusr"
echo "$out" | grep -q "web console: https://127.0.0.1:8444/" || cg_fail "install.sh does not say where the console is"
grep -E '^(dir|pid_file|list|lists_dir) = \??\.' "$ETC/campusgate.conf" && cg_fail "a relative path in the installed config"
grep -q "^lists_dir = $ETC/lists$" "$ETC/campusgate.conf" || cg_fail "[console] lists_dir is not the school's lists folder"
grep -q "^list = ?$ETC/lists/gambling.list$" "$ETC/campusgate.conf" || cg_fail "category gambling does not read the console's list"
"$CGD" -n -c "$ETC/campusgate.conf" >/dev/null 2>&1 || cg_fail "the installed config does not check"
# Without -c outside a checkout, both programs read the installed config.
out=$(cd / && "$CGD" -n 2>&1) || cg_fail "campusgated -n without -c: $out"
echo "$out" | grep -q "configuration OK" || cg_fail "campusgated -n without -c: $out"
out=$(cd / && "$CG" config check 2>&1) || cg_fail "campusgate config check without -c: $out"
echo "$out" | grep -q "^$ETC/campusgate.conf: " || cg_fail "campusgate did not read $ETC/campusgate.conf: $out"
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(cd "$ROOT/etc/systemd/system" && systemd-analyze verify --man=no ./campusgated.service \
		./campusgate-update-lists.service ./campusgate-update-lists.timer \
		./campusgate-ipmac.service ./campusgate-ipmac.path ./campusgate-ipmac.timer \
		./campusgate-console.service 2>&1) ||
		cg_fail "systemd-analyze verify of the installed units: $out"
	[ -z "$out" ] || cg_fail "systemd-analyze verify of the installed units: $out"
	cg_log "ok: systemd-analyze verify accepts the installed units"
fi
cg_log "ok: installed; the missing third-party lists are named with the way to fetch them"

# ---- 2. setup with flags: refuses to overwrite, then writes and checks --------------------
NS_C=cgec$id NS_G=cgeg$id NS_O=cgeo$id LAN_IF=cgel$id WAN_IF=cgew$id
setup() {
	"$CG" setup --lan-if $LAN_IF --lan-address 10.90.1.1 --subnet 10.90.1.0/24=students \
		--subnet 10.90.2.0/24=staff --upstream 198.51.100.53 --school "E2E Middle School" \
		--contact "IT office, 555-0100" --user $svc --console-user $cusr --admin-group $adm --yes "$@"
}
out=$(setup 2>&1) && cg_fail "setup overwrote the config without --force"
echo "$out" | grep -q -- "--force" || cg_fail "setup did not say --force: $out"
out=$(LC_ALL= LANG=zh_CN.UTF-8 setup 2>&1) && cg_fail "setup (zh) overwrote the config"
echo "$out" | grep -q "已存在" || cg_fail "setup message not in zh-CN: $out"
out=$(setup --force 2>&1) || cg_fail "setup --force: $out"
echo "$out" | grep -q "configuration OK" || cg_fail "setup did not check the config: $out"
NFT=$ETC/nftables-campusgate.nft
grep -q "define LAN_IF = \"$LAN_IF\"" "$NFT" || cg_fail "nft rules do not name the LAN interface"
grep -q "^subnet = 10.90.2.0/24$" "$ETC/campusgate.conf" || cg_fail "staff subnet not in the config"
grep -q "^lists_dir = $ETC/lists$" "$ETC/campusgate.conf" || cg_fail "setup: no [console] lists_dir"
for c in pornography gambling superstition bypass local; do
	grep -q "^list = ?$ETC/lists/$c.list$" "$ETC/campusgate.conf" || cg_fail "setup: category $c does not read $ETC/lists/$c.list"
done
"$CG" setup --help | grep -q "^SYNOPSIS" || cg_fail "setup --help"
# On a terminal, setup asks for what the flags do not give (script(1) gives it one).
printf 'lo\n10.90.1.0/24=students\nnot-a-cidr\n10.90.3.0/24=guests\n\n198.51.100.53 198.51.100.54\nAsked School\nMs. Wang\n' >"$CG_TMP/answers"
(sleep 1; cat "$CG_TMP/answers"; sleep 3) | script -qec "'$CG' setup --lan-address 10.90.1.1 --user $svc \
	--out-config '$CG_TMP/asked.conf' --out-nft '$CG_TMP/asked.nft'" /dev/null >"$CG_TMP/asked.out" 2>&1
grep -q "configuration OK" "$CG_TMP/asked.out" || cg_fail "interactive setup: $(cat "$CG_TMP/asked.out")"
grep -q "(CIDR, e.g. 10.1.0.0/16)" "$CG_TMP/asked.out" || cg_fail "interactive setup took a bad subnet"
for l in "subnet = 10.90.3.0/24" "\[group guests\]" "upstream = 198.51.100.54" "school = Asked School" "contact = Ms. Wang"; do
	grep -q "^$l\|$l\$" "$CG_TMP/asked.conf" || cg_fail "interactive setup: '$l' not in the config"
done
grep -q 'define LAN_IF = "lo"' "$CG_TMP/asked.nft" || cg_fail "interactive setup: the interface answer"
cg_log "ok: setup refuses to overwrite, writes config and rules, checks them; asks on a terminal"

# ---- 3. the second install: an upgrade that keeps the admin's config and lists -----------
echo "# admin's edit $id" >>"$ETC/campusgate.conf"
echo "blocked-by-school.test" >>"$ETC/lists/block.list"
printf 'broken' >"$CG" # an old program, to be replaced
mkdir -p "$CG_TMP/ut1/gambling" "$CG_TMP/ut1/adult"
printf 'casino-ut1.test\n' >"$CG_TMP/ut1/gambling/domains"
printf 'adult-ut1.test\n' >"$CG_TMP/ut1/adult/domains"
out=$(cd "$CG_SOURCE_ROOT" && scripts/install.sh --root "$ROOT" --builddir "$CG_TMP/build" \
	--user $svc --staff-group $staff --console-user $cusr --admin-group $adm --lists-source "$CG_TMP/ut1" 2>&1) ||
	{ echo "$out" | tail -30; cg_fail "the second install.sh failed"; }
grep -q "# admin's edit $id" "$ETC/campusgate.conf" || cg_fail "the upgrade replaced the admin's config"
echo "$out" | grep -q "一次性密码" && cg_fail "the upgrade made a second first admin: $out"
grep -c '^admin' "$STATE/console/accounts" | grep -qx 1 || cg_fail "the upgrade changed the accounts: $(cat "$STATE/console/accounts")"
grep -q "^blocked-by-school.test$" "$ETC/lists/block.list" || cg_fail "the upgrade replaced the school's list"
"$CG" lists check "$ETC/lists/block.list" >/dev/null || cg_fail "lists check of the school's list"
"$CG" --version >/dev/null 2>&1 || cg_fail "the upgrade did not replace the program"
[ -f "$STATE/lists/current/gambling/domains" ] || cg_fail "update-lists did not import the lists"
good=$(readlink "$STATE/lists/current")
# an unreachable source later: a clear failure, the last good copy stays
out=$("$ROOT/usr/local/sbin/campusgate-update-lists" "$CG_TMP/offline/x.tar.gz" "$STATE/lists" 2>&1) &&
	cg_fail "update-lists succeeded without a source"
echo "$out" | grep -q "keeping the last good lists" || cg_fail "update-lists did not say it keeps the lists: $out"
cg_expect "the last good lists" "$(readlink "$STATE/lists/current")" "$good"
cg_log "ok: upgrade keeps config and local lists; update-lists keeps the last good copy"

# ---- 4. the network: client -- router -- upstream/origin ----------------------------------
ip netns add $NS_C && cg_on_exit "ip netns del $NS_C" || cg_fail "ip netns add"
ip netns add $NS_G && cg_on_exit "ip netns del $NS_G" || cg_fail "ip netns add"
ip netns add $NS_O && cg_on_exit "ip netns del $NS_O" || cg_fail "ip netns add"
ip link add cgec0$id netns $NS_C type veth peer name $LAN_IF netns $NS_G || cg_fail "veth"
ip link add cgeo0$id netns $NS_O type veth peer name $WAN_IF netns $NS_G || cg_fail "veth"
ip -n $NS_C addr add 10.90.1.2/24 dev cgec0$id
ip -n $NS_G addr add 10.90.1.1/24 dev $LAN_IF
ip -n $NS_G addr add 198.51.100.1/24 dev $WAN_IF
ip -n $NS_O addr add 198.51.100.53/24 dev cgeo0$id
ip -n $NS_O addr add 192.0.2.10/24 dev cgeo0$id
for ns in $NS_C $NS_G $NS_O; do ip -n $ns link set lo up; done
ip -n $NS_C link set cgec0$id up; ip -n $NS_G link set $LAN_IF up
ip -n $NS_G link set $WAN_IF up; ip -n $NS_O link set cgeo0$id up
ip -n $NS_C route add default via 10.90.1.1
ip -n $NS_G route add 192.0.2.0/24 via 198.51.100.53
ip -n $NS_O route add default via 198.51.100.1
ip netns exec $NS_G sysctl -qw net.ipv4.ip_forward=1
ip netns exec $NS_G nft -f "$NFT" || cg_fail "nft -f $NFT (the rules setup wrote)"
# The client's resolver is hard-coded to an outside address where nothing listens.
mkdir -p /etc/netns/$NS_C && cg_on_exit "rm -rf /etc/netns/$NS_C"
echo "nameserver 198.51.100.99" >/etc/netns/$NS_C/resolv.conf

# upstream resolver (NSD) and origin (HTTP, HTTPS; a TCP listener on 853) in NS_O
mkdir -p "$CG_TMP/nsd"
cat >"$CG_TMP/nsd/nsd.conf" <<EOF
server:
    ip-address: 198.51.100.53
    do-ip6: no
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$CG_TMP/nsd"
    zonelistfile: "$CG_TMP/nsd/zone.list"
    xfrdfile: "$CG_TMP/nsd/xfrd.state"
    pidfile: "$CG_TMP/nsd/nsd.pid"
    logfile: "$CG_TMP/nsd/nsd.log"
    server-count: 1
zone:
    name: "test"
    zonefile: "test.zone"
EOF
cat >"$CG_TMP/nsd/test.zone" <<'EOF'
$ORIGIN test.
$TTL 300
@ IN SOA ns.test. hostmaster.test. 1 3600 900 604800 30
@ IN NS ns.test.
ns IN A 198.51.100.53
www.allowed IN A 192.0.2.10
casino-ut1 IN A 192.0.2.10
blocked-by-school IN A 192.0.2.10
EOF
cg_bg ip netns exec $NS_O nsd -d -c "$CG_TMP/nsd/nsd.conf"
cg_http_cert www.allowed.test bet365.com
cg_http_origin "$NS_O" 192.0.2.10 80 plain
cg_http_origin "$NS_O" 192.0.2.10 443 tls "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
cg_bg ip netns exec $NS_O $PY -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.53", 853)); s.listen(8)
while True:
    c, _ = s.accept(); c.close()'
for i in $(seq 50); do
	ip netns exec $NS_G dig +time=1 +tries=1 +short @198.51.100.53 www.allowed.test 2>/dev/null |
		grep -q 192.0.2.10 && break
	sleep 0.2
done

# ---- 5. the installed daemon with the installed config ----------------------------------
: >"$CG_TMP/daemon.log"
ip netns exec $NS_G "$CGD" -c "$ETC/campusgate.conf" >>"$CG_TMP/daemon.log" 2>&1 &
CG_DAEMON_PID=$!
CG_PIDS+=("$CG_DAEMON_PID")
for i in $(seq 300); do
	grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && break
	kill -0 "$CG_DAEMON_PID" 2>/dev/null || cg_fail "the installed campusgated exited during start-up"
	sleep 0.1
done
grep -q 'campusgated: ready' "$CG_TMP/daemon.log" || cg_fail "campusgated not ready in 30 s"
cg_expect "the daemon runs as the service user" "$(ps -o uid= -p "$CG_DAEMON_PID" | tr -d ' ')" \
	"$(id -u $svc)"
C() { ip netns exec $NS_C "$@"; }

# The console as its unit runs it (its own user and groups), on the config setup wrote.
: >"$CG_TMP/console.log"
ip netns exec $NS_G setpriv --reuid $cusr --regid $cusr --init-groups \
	"$ROOT/usr/local/sbin/campusgate-console" -c "$ETC/campusgate.conf" >>"$CG_TMP/console.log" 2>&1 &
CONSOLE_PID=$!
CG_PIDS+=("$CONSOLE_PID")
for i in $(seq 100); do
	grep -q "console serving" "$CG_TMP/console.log" && break
	kill -0 $CONSOLE_PID 2>/dev/null || cg_fail "the installed console exited: $(cat "$CG_TMP/console.log")"
	sleep 0.1
done
G() { ip netns exec $NS_G "$@"; }
cg_expect "the installed console answers on its listen address" \
	"$(G curl -sk -o /dev/null -w '%{http_code}' --max-time 10 https://127.0.0.1:8444/login)" 200
G curl -sk -c "$CG_TMP/cj" -b "$CG_TMP/cj" -o /dev/null --max-time 10 https://127.0.0.1:8444/login
tok=$(awk '$6=="cg_login" {print $7}' "$CG_TMP/cj")
code=$(G curl -sk -c "$CG_TMP/cj" -b "$CG_TMP/cj" -o /dev/null -D "$CG_TMP/ch" -w '%{http_code}' --max-time 10 \
	--data-urlencode name=admin --data-urlencode "password=$first_pw" --data-urlencode "csrf=$tok" \
	https://127.0.0.1:8444/login)
cg_expect "the first admin signs in with the printed password" "$code" 303
grep -qi '^Location: /password' "$CG_TMP/ch" || cg_fail "the first sign-in is not sent to /password: $(cat "$CG_TMP/ch")"
cg_expect "the console runs as its own user" "$(ps -o uid= -p $CONSOLE_PID | tr -d ' ')" "$(id -u $cusr)"
for i in $(seq 50); do
	grep -h '"action":"login"' "$STATE"/journal/*.jsonl 2>/dev/null | grep -q '"account":"admin"' && break
	sleep 0.2
done
[ "$i" -lt 50 ] || cg_fail "the console's sign-in is not in the journal (control socket, group $adm)"
cg_log "ok: the installed console answers, runs as $cusr, the first admin signs in, journaled"

# DNS: the client's own resolver (198.51.100.99, nothing there) is answered by the gateway.
cg_expect "allowed name" "$(C dig +time=3 +tries=1 +short www.allowed.test)" "192.0.2.10"
cg_expect "blocked (shipped list): the block page" "$(C dig +time=3 +tries=1 +short bet365.com)" "10.90.1.1"
cg_expect "blocked (third-party list)" "$(C dig +time=3 +tries=1 +short casino-ut1.test)" "10.90.1.1"
cg_expect "blocked (the school's list)" "$(C dig +time=3 +tries=1 +short blocked-by-school.test)" "10.90.1.1"
cg_expect "hard-coded outside resolver, blocked" "$(C dig +time=3 +tries=1 +short @198.51.100.53 bet365.com)" "10.90.1.1"
cg_expect "hard-coded outside resolver over TCP" "$(C dig +tcp +time=3 +tries=1 +short @198.51.100.53 bet365.com)" "10.90.1.1"
cg_log "ok: DNS filtered transparently, also for a hard-coded outside resolver"

# DoT: port 853 is answered (listener in NS_O) from the router, but not from the LAN.
ip netns exec $NS_G $PY -c 'import socket; socket.create_connection(("198.51.100.53", 853), timeout=3)' ||
	cg_fail "the DoT stand-in does not listen (the check below could not fail)"
C dig +tls +time=3 +tries=1 @198.51.100.53 www.allowed.test >"$CG_TMP/dot.out" 2>&1 &&
	grep -q "status: NOERROR" "$CG_TMP/dot.out" && cg_fail "DNS over TLS went through: $(cat "$CG_TMP/dot.out")"
C $PY -c 'import socket; socket.create_connection(("198.51.100.53", 853), timeout=3)' 2>/dev/null &&
	cg_fail "a TCP connection to port 853 went through"
n=$(ip netns exec $NS_G nft list chain inet campusgate forward | grep 'dport 853' | grep -o 'packets [0-9]*' | awk '{s+=$2} END {print s+0}')
[ "$n" -ge 2 ] || cg_fail "the 853 rules counted $n packets"
C $PY -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b"q"*1200, ("192.0.2.10", 443)) for _ in range(3)]'
n=$(ip netns exec $NS_G nft list chain inet campusgate forward | grep 'udp dport 443' | grep -o 'packets [0-9]*' | awk '{print $2}')
cg_expect "QUIC datagrams dropped" "$n" 3
cg_log "ok: DNS over TLS refused, QUIC dropped"

# HTTP and HTTPS, names resolved through the gateway as a browser would.
out=$(C curl -sS --max-time 10 http://www.allowed.test/p1) || cg_fail "HTTP allowed: $out"
echo "$out" | grep -q "^ORIGIN plain" || cg_fail "HTTP allowed did not reach the origin: $out"
code=$(C curl -s -o "$CG_TMP/page.html" -w '%{http_code}' --max-time 10 http://bet365.com/)
cg_expect "HTTP to a blocked name (DNS: block page)" "$code" 403
code=$(C curl -s -o /dev/null -w '%{http_code}' --max-time 10 --resolve bet365.com:80:192.0.2.10 http://bet365.com/x)
cg_expect "HTTP to a blocked name at an outside address" "$code" 403
out=$(C curl -sS --max-time 10 --cacert "$CG_TMP/cert.pem" https://www.allowed.test/p2) ||
	cg_fail "HTTPS allowed: $out"
echo "$out" | grep -q "^ORIGIN tls" || cg_fail "HTTPS allowed did not reach the origin: $out"
C curl -sS --max-time 10 --cacert "$CG_TMP/cert.pem" --resolve bet365.com:443:192.0.2.10 \
	https://bet365.com/ >/dev/null 2>&1
rc=$?
cg_expect "HTTPS to a blocked name: TLS alert (curl 35)" "$rc" 35
cg_log "ok: HTTP and HTTPS filtered transparently"

# A real browser on the pupil's machine, with nothing configured: Debian's chromium,
# headless, its names from the namespace's resolv.conf (the outside resolver, answered by
# the gateway), no proxy setting.
browse() {
	local prof
	prof=$(mktemp -d "$CG_TMP/profile.XXXXXX")
	C timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$prof" --window-size=1024,768 "$@" 2>>"$CG_TMP/chromium.log"
}
browse --lang=zh-CN --accept-lang=zh-CN,zh --dump-dom http://bet365.com/casino >"$CG_TMP/dom.html"
grep -q "此网页已被拦截" "$CG_TMP/dom.html" ||
	cg_fail "chromium: no block page for http://bet365.com/: $(head -c 400 "$CG_TMP/dom.html"; tail -3 "$CG_TMP/chromium.log")"
grep -q "E2E Middle School" "$CG_TMP/dom.html" || cg_fail "chromium: the block page does not name the school"
browse --dump-dom http://www.allowed.test/browser-ok >"$CG_TMP/dom-ok.html"
grep -q "ORIGIN plain" "$CG_TMP/dom-ok.html" || cg_fail "chromium: allowed HTTP page: $(head -c 400 "$CG_TMP/dom-ok.html")"
# HTTPS: the allowed site is spliced to the origin (its certificate is the test's own, so
# the browser is told to accept it); the blocked one never loads.
browse --ignore-certificate-errors --dump-dom https://www.allowed.test/browser-tls >"$CG_TMP/dom-tls.html"
grep -q "ORIGIN tls" "$CG_TMP/dom-tls.html" || cg_fail "chromium: allowed HTTPS page: $(head -c 400 "$CG_TMP/dom-tls.html")"
browse --ignore-certificate-errors --dump-dom https://bet365.com/browser-blocked >"$CG_TMP/dom-tlsb.html"
grep -q "ORIGIN" "$CG_TMP/dom-tlsb.html" && cg_fail "chromium: a blocked HTTPS site loaded"
sleep 1.5 # the writer's fsync interval
grep -h '"proto":"tls"' "$STATE"/journal/*.jsonl | grep -q '"host":"bet365.com"' ||
	cg_fail "chromium: the blocked HTTPS site is not in the journal"
cg_log "ok: chromium: the block page (zh-CN, the school named), allowed HTTP and HTTPS pages, a blocked HTTPS site refused"

# ---- 6. the journal: the staff group reads it, others do not -------------------------------
sleep 1.5 # the writer's fsync interval
useradd -M -N -g $staff -s /bin/sh $teacher || cg_fail "useradd $teacher"
useradd -M -U -s /bin/sh $other || cg_fail "useradd $other"
as() { local u=$1; shift; setpriv --reuid "$u" --regid "$(id -g "$u")" --init-groups "$@"; }
out=$(as $teacher "$CG" journal -c "$ETC/campusgate.conf" --since 1h --format csv 2>&1) ||
	cg_fail "a member of $staff cannot read the journal: $out"
for h in bet365.com casino-ut1.test blocked-by-school.test; do
	echo "$out" | grep -q "$h" || cg_fail "$h not in the journal: $out"
done
(cd / && as $teacher "$CG" journal verify >/dev/null 2>&1) ||
	cg_fail "journal verify (no -c: the installed config) as a member of $staff"
out=$(as $other "$CG" journal -c "$ETC/campusgate.conf" --since 1h 2>&1) &&
	cg_fail "a user outside $staff read the journal: $out"
echo "$out" | grep -q "cannot read the journal directory" || cg_fail "the refusal does not say why: $out"
f=$(ls "$STATE"/journal/*.jsonl | head -n1)
cg_expect "journal file mode and group" "$(stat -c '%a %G' "$f")" "640 $staff"
cg_log "ok: the journal is readable by $staff and by nobody else"

cg_stop_pid "$CG_DAEMON_PID"
cg_pass
