#!/bin/bash
# Lists from the district at three schools (issue 14, item 5 and its test), in network
# namespaces: a district namespace with a bridge, nginx serving the bureau's signed
# bundles over HTTPS (a test CA) and NSD as the schools' upstream; three school
# namespaces (school-a, school-b, school-c), each with its own campusgated answering DNS
# on its namespace address, its own local list and its own [district] section. Each
# school's update is run exactly as the shipped campusgate-district-update.service runs it
# (its ExecStart line, paths replaced), once per "timer run". Checks: a good bundle blocks
# a new name at all three schools within one run, and each school journals it; a bundle
# with a bad signature (tampered, or signed by a key that is not pinned), an equal or
# older serial and an expired manifest are each refused at every school and journaled
# (read back with `campusgate journal`), while the last good bundle's name stays blocked
# and the refused bundle's new name does not; a bundle scoped to school-b is applied there
# and refused (scope) at school-a and school-c; each school's own local list is never
# touched and its names stay blocked throughout; each fetched over its own link (nginx's
# log) and its journal verifies at the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_district.sh"

cg_need_root
cg_need ip nginx nsd nsd-checkconf openssl dig sha256sum
cg_init
export LC_ALL=C.UTF-8
T=$CG_TMP
chmod 755 "$T"
CG=$CAMPUSGATE
SCHOOLS="a b c"

# ---- namespaces: district D with a bridge; schools a, b, c on a veth each ------------
dist_netns cgb 10.203.0 $SCHOOLS
P=$DIST_NSP
D=$DIST_NSD
DIST=$DIST_ADDR

# ---- the upstream: NSD in the district namespace, every test name resolving ------------
mkdir -p "$T/nsd"
cat >"$T/nsd/test.zone" <<ZONE
\$ORIGIN test.
\$TTL 300
@ IN SOA ns.test. hostmaster.test. 1 3600 900 604800 30
@ IN NS ns.test.
ns IN A $DIST
new1 IN A 192.0.2.1
tampered IN A 192.0.2.2
unpinned IN A 192.0.2.3
same-serial IN A 192.0.2.4
old-serial IN A 192.0.2.5
expired IN A 192.0.2.6
scoped-b IN A 192.0.2.7
local-a IN A 192.0.2.11
local-b IN A 192.0.2.12
local-c IN A 192.0.2.13
ZONE
cat >"$T/nsd/nsd.conf" <<CONF
server:
    ip-address: $DIST@53
    do-ip6: no
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$T/nsd"
    zonelistfile: "$T/nsd/zone.list"
    xfrdfile: "$T/nsd/xfrd.state"
    pidfile: "$T/nsd/nsd.pid"
    logfile: "$T/nsd/nsd.log"
    server-count: 1
    verbosity: 0
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "test"
    zonefile: "test.zone"
CONF
nsd-checkconf "$T/nsd/nsd.conf" || cg_fail "nsd config rejected"
cg_bg ip netns exec "$D" nsd -d -c "$T/nsd/nsd.conf"
for i in $(seq 100); do
	ip netns exec "$D" dig @"$DIST" +time=1 +tries=1 +short test SOA 2>/dev/null | grep -q hostmaster && break
	[ "$i" = 100 ] && cg_fail "NSD does not answer in $D: $(tail -3 "$T/nsd/nsd.log")"
	sleep 0.1
done

# ---- the district's HTTPS server: a test CA, nginx in D ------------------------------
HTTPS_PORT=$(( 20000 + RANDOM % 30000 ))
mkdir -p "$T/bureau/lists"
dist_bundle_https "$T" "$DIST" "$HTTPS_PORT"
cg_bg ip netns exec "$D" nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" -g 'daemon off;'
for i in $(seq 100); do
	ip netns exec "$D" ss -ltn | grep -q "$DIST:$HTTPS_PORT " && break
	[ "$i" = 100 ] && cg_fail "nginx does not listen in $D: $(tail -3 "$T/nginx/error.log")"
	sleep 0.1
done

# ---- the bureau's keys: ours (pinned at every school) and one that is not pinned -------
"$CG" bundle keygen -p "$T/bureau/k.pub" -s "$T/bureau/k.sec" >/dev/null || cg_fail "keygen"
"$CG" bundle keygen -p "$T/bureau/other.pub" -s "$T/bureau/other.sec" >/dev/null || cg_fail "keygen 2"
PUB=$(sed -n 2p "$T/bureau/k.pub")

# ---- the update command as the shipped service runs it -------------------------------
UNIT=$CG_SOURCE_ROOT/config/campusgate-district-update.service
EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT")
[ "$(printf '%s\n' "$EXEC" | wc -l)" = 1 ] || cg_fail "$UNIT: not one ExecStart line: $EXEC"
case "$EXEC" in
"/usr/local/bin/campusgate "*" /etc/campusgate/campusgate.conf"*) ;;
*) cg_fail "$UNIT: ExecStart changed, adapt this test: $EXEC" ;;
esac
cg_log "the timer's service runs: $EXEC"

# ---- the schools: campusgated on the namespace address, a local list, [district] -------
start_school() { # start_school S
	local s=$1 dir=$T/school-$1 i
	mkdir -p "$dir/journal" "$dir/run" "$dir/local"
	printf 'local-%s.test\n' "$s" >"$dir/local/gambling.list"
	cat >"$dir/campusgate.conf" <<CONF
[general]
control_socket = $dir/run/control.sock
# a test namespace of our own: no unprivileged user to switch to
allow_root = yes
[dns]
listen = $(dist_addr "$s"):53
upstream = $DIST:53
[journal]
dir = $dir/journal
client_max_events = 0
[district]
url = https://$DIST:$HTTPS_PORT/district.cgb
pubkey = $PUB
ca_file = $T/ca.pem
school_id = school-$s
state_dir = $dir/district
timeout = 20
[category gambling]
list = $dir/local/gambling.list
[group default]
block = gambling
CONF
	ip netns exec "${P}-$s" "$CAMPUSGATED" -c "$dir/campusgate.conf" >"$dir/daemon.log" 2>&1 &
	CG_PIDS+=("$!")
	for i in $(seq 300); do
		grep -q 'campusgated: ready' "$dir/daemon.log" && break
		[ "$i" = 300 ] && { cat "$dir/daemon.log"; cg_fail "campusgated of school-$s did not start"; }
		sleep 0.1
	done
	# the update service's command line, this school's paths in it
	local cmd=${EXEC//\/usr\/local\/bin\/campusgate /$CG }
	cmd=${cmd//\/etc\/campusgate\/campusgate.conf/$dir/campusgate.conf}
	printf '%s\n' "$cmd" >"$dir/update.cmd"
	sha256sum "$dir/local/gambling.list" >"$dir/local.sum"
}
for s in $SCHOOLS; do start_school "$s"; done

# status S NAME: the DNS status of NAME asked from school S's namespace to its gateway
status() {
	ip netns exec "${P}-$1" dig @"$(dist_addr "$1")" +tries=1 +time=3 +noall +comments "$2" A |
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
answer() { ip netns exec "${P}-$1" dig @"$(dist_addr "$1")" +tries=1 +time=3 +short "$2" A; }
blocked() { cg_expect "$3: $2 blocked at school-$1" "$(status "$1" "$2")" NXDOMAIN; }
open_at() { cg_expect "$3: $2 resolves at school-$1" "$(answer "$1" "$2")" "$4"; }
for s in $SCHOOLS; do
	for i in $(seq 100); do
		[ "$(status "$s" "local-$s.test")" = NXDOMAIN ] && break
		[ "$i" = 100 ] && cg_fail "school-$s's gateway does not answer on $(dist_addr "$s"):53"
		sleep 0.1
	done
done

# timer_run S: one run of the district update service at school S (its network, its
# config); the exit status is printed, the output is in school-S/u.out
timer_run() {
	local dir=$T/school-$1 cmd rc
	read -r -a cmd <"$dir/update.cmd"
	ip netns exec "${P}-$1" "${cmd[@]}" >"$dir/u.out" 2>&1
	rc=$?
	cat "$dir/u.out" >>"$dir/u.all"
	echo "$rc"
}
# journaled S ACTION: the school's bundle events with ACTION, read with campusgate journal
journaled() {
	"$CG" journal -c "$T/school-$1/campusgate.conf" --action "$2" --format json 2>/dev/null
}
jcount() { journaled "$1" "$2" | grep -c '"action"'; }
wait_jcount() { # wait_jcount S ACTION N
	local i
	for i in $(seq 50); do
		[ "$(jcount "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	cg_fail "school-$1: $(jcount "$1" "$2") '$2' events journaled, expected $3"
}
local_intact() { # the school's own list: unchanged, its name still blocked
	sha256sum -c --quiet "$T/school-$1/local.sum" >/dev/null ||
		cg_fail "$2: school-$1's local list was changed"
	blocked "$1" "local-$1.test" "$2"
}

make_bundle() { # make_bundle OUT SERIAL "NAMES" [make options]: gambling.list with NAMES
	local out=$1 serial=$2 names=$3
	shift 3
	rm -f "$T/bureau/lists"/*
	printf '%s\n' $names >"$T/bureau/lists/gambling.list"
	"$CG" bundle make "$T/bureau/lists" -o "$out" --serial "$serial" "$@" >/dev/null ||
		cg_fail "bundle make $out"
}
sign() { "$CG" bundle sign "$1" -s "$T/bureau/${2:-k}.sec" >/dev/null || cg_fail "bundle sign $1"; }
publish() { # publish BUNDLE [SIG]: what the district's nginx serves from now on
	cp "$1" "$T/www/district.cgb"
	cp "${2:-$1.minisig}" "$T/www/district.cgb.minisig"
	chmod 644 "$T/www"/*
}
APPLIED=10 # the serial of the last good bundle at every school

# ---- (a) a good bundle: new1.test blocked at all three schools after one run ------------
for s in $SCHOOLS; do open_at "$s" new1.test "before any bundle" 192.0.2.1; done
make_bundle "$T/b10.cgb" 10 "new1.test" --all --days 30
sign "$T/b10.cgb"
publish "$T/b10.cgb"
for s in $SCHOOLS; do
	rc=$(timer_run "$s")
	[ "$rc" = 0 ] || { cat "$T/school-$s/u.out"; cg_fail "school-$s: the good bundle: update exited $rc"; }
	grep -q "bundle serial 10 applied (1 lists)" "$T/school-$s/u.out" &&
		grep -q "campusgated reload: ok" "$T/school-$s/u.out" ||
		{ cat "$T/school-$s/u.out"; cg_fail "school-$s: no applied and reloaded lines"; }
done
for s in $SCHOOLS; do
	blocked "$s" new1.test "after one timer run"
	local_intact "$s" "after the good bundle"
	wait_jcount "$s" bundle_applied 1
	journaled "$s" bundle_applied | grep -q '"reason":"serial 10: 1 lists applied; reload: ok' ||
		cg_fail "school-$s: the journaled update lacks its detail: $(journaled "$s" bundle_applied)"
	cg_expect "school-$s: serial state" "$(cat "$T/school-$s/district/serial")" 10
done
cg_log "ok: one timer run applied the good bundle at all three schools, each journaled it"

# ---- (b) refusals at every school, the last good lists in force after each --------------
# refused_everywhere WHAT REASON NAME: each school's run exits 1 saying REASON, journals
# it, keeps new1.test blocked and serial 10; NAME (only in the refused bundle) resolves
# to IP
NREFUSED=0
refused_everywhere() {
	local what=$1 reason=$2 name=$3 ip=$4 s rc
	NREFUSED=$(( NREFUSED + 1 ))
	for s in $SCHOOLS; do
		rc=$(timer_run "$s")
		[ "$rc" = 1 ] || { cat "$T/school-$s/u.out"; cg_fail "school-$s: $what: update exited $rc, not 1"; }
		grep -q "$reason" "$T/school-$s/u.out" ||
			{ cat "$T/school-$s/u.out"; cg_fail "school-$s: $what: no '$reason' in the output"; }
	done
	for s in $SCHOOLS; do
		wait_jcount "$s" bundle_refused "$NREFUSED"
		journaled "$s" bundle_refused | tail -1 | grep -q "$reason" ||
			cg_fail "school-$s: $what: the journaled refusal does not say '$reason'"
		blocked "$s" new1.test "$what"
		open_at "$s" "$name" "$what" "$ip"
		local_intact "$s" "$what"
		cg_expect "school-$s: $what: serial kept" "$(cat "$T/school-$s/district/serial")" "$APPLIED"
		cg_expect "school-$s: $what: nothing more applied" "$(jcount "$s" bundle_applied)" 1
	done
	cg_log "ok: $what refused and journaled at every school, the last good lists kept"
}
# a bad signature: the bundle changed after signing (same length; the signature is
# checked first), then one signed with a key the schools have not pinned
make_bundle "$T/b11.cgb" 11 "new1.test tamperex.test" --all --days 30
sign "$T/b11.cgb"
sed 's/tamperex\.test/tampered.test/' "$T/b11.cgb" >"$T/b11t.cgb"
cmp -s "$T/b11.cgb" "$T/b11t.cgb" && cg_fail "the tampering changed nothing"
publish "$T/b11t.cgb" "$T/b11.cgb.minisig"
refused_everywhere "a tampered bundle" "signature does not verify" tampered.test 192.0.2.2
make_bundle "$T/b11u.cgb" 11 "new1.test unpinned.test" --all --days 30
sign "$T/b11u.cgb" other
publish "$T/b11u.cgb"
refused_everywhere "a key that is not pinned" "signed with a key that is not pinned" unpinned.test 192.0.2.3
# an old serial: equal to the applied one, then lower
make_bundle "$T/b10s.cgb" 10 "new1.test same-serial.test" --all --days 30
sign "$T/b10s.cgb"
publish "$T/b10s.cgb"
refused_everywhere "the same serial again" "rollback refused" same-serial.test 192.0.2.4
make_bundle "$T/b9.cgb" 9 "new1.test old-serial.test" --all --days 30
sign "$T/b9.cgb"
publish "$T/b9.cgb"
refused_everywhere "an older serial" "rollback refused" old-serial.test 192.0.2.5
# an expired manifest (valid for two seconds, published after)
soon=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
make_bundle "$T/b12.cgb" 12 "new1.test expired.test" --all --expires "$soon"
sign "$T/b12.cgb"
sleep 3
publish "$T/b12.cgb"
refused_everywhere "an expired manifest" "manifest expired" expired.test 192.0.2.6

# ---- (c) a bundle for school-b only: applied there, refused (scope) at a and c ----------
make_bundle "$T/b13.cgb" 13 "new1.test scoped-b.test" --school school-b --days 30
sign "$T/b13.cgb"
publish "$T/b13.cgb"
for s in $SCHOOLS; do rc=$(timer_run "$s"); eval "RC_$s=$rc"; done
cg_expect "school-b: its own bundle: update exit" "$RC_b" 0
grep -q "bundle serial 13 applied (1 lists)" "$T/school-b/u.out" ||
	{ cat "$T/school-b/u.out"; cg_fail "school-b: its bundle was not applied"; }
for s in a c; do
	eval "rc=\$RC_$s"
	[ "$rc" = 1 ] && grep -q "not for this school" "$T/school-$s/u.out" ||
		{ cat "$T/school-$s/u.out"; cg_fail "school-$s: school-b's bundle: exit $rc, not refused for its scope"; }
done
NREFUSED=$(( NREFUSED + 1 ))
wait_jcount b bundle_applied 2
journaled b bundle_applied | tail -1 | grep -q '"reason":"serial 13: 1 lists applied; reload: ok' ||
	cg_fail "school-b: the scoped bundle's journaled detail: $(journaled b bundle_applied | tail -1)"
cg_expect "school-b: no refusal journaled for its own bundle" "$(jcount b bundle_refused)" "$(( NREFUSED - 1 ))"
cg_expect "school-b: serial 13" "$(cat "$T/school-b/district/serial")" 13
blocked b scoped-b.test "school-b's bundle"
blocked b new1.test "school-b's bundle"
local_intact b "school-b's bundle"
for s in a c; do
	wait_jcount "$s" bundle_refused "$NREFUSED"
	journaled "$s" bundle_refused | tail -1 | grep -q "not for this school" ||
		cg_fail "school-$s: the journaled refusal does not name the scope"
	open_at "$s" scoped-b.test "school-b's bundle" 192.0.2.7
	blocked "$s" new1.test "school-b's bundle"
	local_intact "$s" "school-b's bundle"
	cg_expect "school-$s: serial kept" "$(cat "$T/school-$s/district/serial")" 10
done
cg_log "ok: the bundle for school-b applied there only, refused for its scope at a and c"

# ---- each school fetched over its own link; its journal's chain is whole -----------------
for s in $SCHOOLS; do
	n=$(grep -c "^$(dist_addr "$s") .*GET /district.cgb.minisig " "$T/nginx/access.log")
	cg_expect "school-$s: signature fetched from nginx once per run" "$n" 7
	out=$("$CG" journal verify -c "$T/school-$s/campusgate.conf" 2>&1) ||
		cg_fail "school-$s: journal verify after the updates: $out"
done
cg_log "ok: every school fetched from its namespace, every journal verifies"

# ---- no sanitizer report from any daemon or update run ---------------------------------
for s in $SCHOOLS; do
	grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
		"$T/school-$s/daemon.log" "$T/school-$s/u.all" 2>/dev/null &&
		cg_fail "a sanitizer report at school-$s"
done
cg_pass
