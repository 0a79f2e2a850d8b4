#!/bin/bash
# The journal's district path, end to end, in network namespaces: three school namespaces,
# each with campusgated and its own rsyslog running the shipped school config
# (config/rsyslog/campusgate-school.conf: imtcp on loopback -> omrelp over TLS with the
# school's certificate, a disk-assisted queue), and a district namespace with rsyslog
# running the shipped district config (imrelp over TLS, client certificates checked ->
# omprog `campusgate district ingest`) and PostgreSQL 15 (initdb in a temp dir, the
# postgres user, a private socket) with config/district/schema.sql. Checks: blocks at each
# school appear centrally under the right school id, with a heartbeat; the district's
# rsyslog is stopped for 30 s while the schools keep journaling, and after its restart
# every line arrives exactly once (counts against the schools' journals, district verify
# clean, the daily digests sent at the daemons' stop match); a school without a valid
# certificate is refused; school 1's box with school 2's school_id in its gateway's config
# (issue 14) has every line it sends rejected as a school_id mismatch naming both, nothing
# stored under school 2, and district verify reports it (exit 1); a line of school 2 forged
# on school 1's box likewise, and school 1's certificate on school 2's listener is
# refused; a stored line edited, a digest changed and a school's local journal rewritten
# are each reported by district verify.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_district.sh"

cg_need_root
cg_need ip rsyslogd openssl psql dig python3 runuser
for m in imrelp omrelp omprog imtcp; do
	[ -e "/usr/lib/x86_64-linux-gnu/rsyslog/$m.so" ] ||
		cg_skip "rsyslog module $m is missing (rsyslog, rsyslog-relp: scripts/install-deps.sh)"
done
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] ||
	cg_skip "rsyslog-gnutls is not installed (scripts/install-deps.sh)"
cg_init
export LC_ALL=C.UTF-8
T=$CG_TMP
chmod 755 "$T"
CG=$CAMPUSGATE

# ---- namespaces: district D with a bridge; schools s1, s2, s3 (and s4, the rogue) ------
dist_netns cgj 10.201.0 s1 s2 s3 s4
P=$DIST_NSP
D=$DIST_NSD

# ---- certificates: the district's CA, the collector, one per school ------------------
PKI=$T/pki
dist_ca "$PKI"
dist_cert "$PKI" district.example
dist_cert "$PKI" s1.schools.district.example
dist_cert "$PKI" s2.schools.district.example
dist_cert "$PKI" s3.schools.district.example
# school 4's certificate is from another CA: the district must refuse it
dist_ca "$T/rogue"
dist_cert "$T/rogue" s4.schools.district.example
cp "$PKI/ca.pem" "$T/rogue/district-ca.pem"

# ---- the store ----------------------------------------------------------------------
PGPORT=$(( 40000 + $$ % 20000 ))
DIST_NS=$D dist_pg_start "$T/pg" "$PGPORT"
cg_log "PostgreSQL up in $D"

# conf_from SHIPPED OUT KEY=VALUE...: the shipped rsyslog config with its deployment
# values replaced (plain string replacement, each must occur).
conf_from() {
	python3 - "$@" <<'PY' || cg_fail "cannot adapt $1"
import sys
src, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
s = open(src).read()
for p in pairs:
    k, v = p.split("=>", 1)
    assert k in s, "not in %s: %s" % (src, k)
    s = s.replace(k, v)
open(out, "w").write(s)
PY
}

# rsyslog_start DIR NS: rsyslogd in NS on DIR/main.conf, its own pid file and work dir.
rsyslog_start() {
	local dir=$1 ns=$2
	mkdir -p "$dir/spool"
	ip netns exec "$ns" rsyslogd -n -f "$dir/main.conf" -i "$dir/rsyslog.pid" \
		>>"$dir/rsyslogd.out" 2>&1 &
	RS_PID=$!
	CG_PIDS+=("$RS_PID")
}
main_conf() { # main_conf DIR: work dir, internal messages to a file, the campusgate conf
	cat >"$1/main.conf" <<CONF
global(workDirectory="$1/spool")
module(load="builtin:omfile")
syslog.* action(type="omfile" file="$1/internal.log")
include(file="$1/campusgate.conf")
CONF
}

# The district's listeners, one a school on its own port (20600 + i here), made from the
# list of schools by the shipped script; s4 is listed, but its certificate is another CA's.
DDIR=$T/district
mkdir -p "$DDIR"
printf '# school port\ns1 20601\ns2 20602\ns3 20603\ns4 20604\n' >"$DDIR/schools"
"$CG_SOURCE_ROOT/scripts/district-rsyslog-schools.sh" --domain schools.district.example \
	--ca "$PKI/ca.pem" --cert "$PKI/district.example-cert.pem" \
	--key "$PKI/district.example-key.pem" "$DDIR/schools" >"$DDIR/schools.conf" ||
	cg_fail "district-rsyslog-schools.sh failed"
# a bad list makes nothing: an id twice, a port twice, an id that is not one, no school
for bad in 's1 20601\ns1 20602' 's1 20601\ns2 20601' 's/1 20601' 's1' '# none'; do
	printf "$bad\n" >"$DDIR/bad"
	OUT=$("$CG_SOURCE_ROOT/scripts/district-rsyslog-schools.sh" "$DDIR/bad" 2>/dev/null); rc=$?
	[ "$rc" = 2 ] && [ -z "$OUT" ] || cg_fail "district-rsyslog-schools.sh took '$bad' (exit $rc)"
done
conf_from "$CG_SOURCE_ROOT/config/rsyslog/campusgate-district.conf" "$DDIR/campusgate.conf" \
	"/etc/campusgate/district/rsyslog-schools.conf=>$DDIR/schools.conf" \
	"/usr/bin/campusgate district ingest --confirm --db postgresql:///campusgate=>$CG district ingest --confirm --db $DIST_URI"
main_conf "$DDIR"
mkdir -p "$DDIR/spool"
ip netns exec "$D" rsyslogd -N1 -f "$DDIR/main.conf" >"$DDIR/check.out" 2>&1 ||
	{ cat "$DDIR/check.out"; cg_fail "rsyslogd -N1: the district config does not check"; }
start_district() {
	rsyslog_start "$DDIR" "$D"
	DIST_RS=$RS_PID
	local i
	for i in $(seq 100); do
		# each port once (imrelp listens on IPv4 and IPv6)
		[ "$(ip netns exec "$D" ss -ltn | grep -o ':2060[1234] ' | sort -u | wc -l)" = 4 ] &&
			return 0
		sleep 0.1
	done
	cat "$DDIR/internal.log" "$DDIR/rsyslogd.out" 2>/dev/null | tail -20
	cg_fail "the district's rsyslog does not listen on 20601-20604"
}
start_district

# ---- the schools ---------------------------------------------------------------------
printf 'bad.example\n' >"$T/block.list"
start_school() { # start_school I [PKI-DIR]
	local i=$1 pki=${2:-$PKI} dir=$T/s$1 ca=${3:-$PKI/ca.pem}
	mkdir -p "$dir"
	conf_from "$CG_SOURCE_ROOT/config/rsyslog/campusgate-school.conf" "$dir/campusgate.conf" \
		"target=\"district.example.edu.cn\" port=\"20514\"=>target=\"$DIST_ADDR\" port=\"2060$i\"" \
		'tls.permittedpeer=["district.example.edu.cn"]=>tls.permittedpeer=["district.example"]' \
		"/etc/campusgate/district/ca.pem=>$ca" \
		"/etc/campusgate/district/school-cert.pem=>$pki/s$i.schools.district.example-cert.pem" \
		"/etc/campusgate/district/school-key.pem=>$pki/s$i.schools.district.example-key.pem" \
		'queue.highWatermark="20000"=>queue.highWatermark="50"'
	main_conf "$dir"
	rsyslog_start "$dir" "${P}-s$i"
	for n in $(seq 100); do
		ip netns exec "${P}-s$i" ss -ltn | grep -q '127.0.0.1:5514 ' && break
		sleep 0.1
	done
	cat >"$dir/cg.conf" <<CONF
[journal]
dir = $dir/journal
syslog = tcp:127.0.0.1:5514
client_max_events = 0
[district]
school_id = s$i
heartbeat_minutes = 1
CONF
	start_gateway "$i" "$dir/cg.conf"
}
# start_gateway I CONF: school I's campusgated on CONF (its pid in GW<I>), DNS on its
# namespace's 127.0.0.1:5353, journal lines to the school's rsyslog
start_gateway() {
	local i=$1 dir=$T/s$1 n
	: >"$dir/daemon.log"
	ip netns exec "${P}-s$i" "$CAMPUSGATED" -c "$2" --dns-listen 127.0.0.1:5353 \
		--upstream 127.0.0.1:5354 --blocklist "$T/block.list" >>"$dir/daemon.log" 2>&1 &
	CG_PIDS+=("$!")
	eval "GW$i=$!"
	for n in $(seq 300); do
		grep -q 'campusgated: ready' "$dir/daemon.log" && return 0
		sleep 0.1
	done
	cat "$dir/daemon.log"
	cg_fail "campusgated of school $i did not start"
}
block() { # block I FROM TO [LABEL]: blocked queries LABEL<n>.sI.bad.example (LABEL: n)
	local n name
	for n in $(seq "$2" "$3"); do
		name=${4:-n}$n.s$1.bad.example
		ip netns exec "${P}-s$1" dig @127.0.0.1 -p 5353 +tries=1 +time=2 +noall +comments \
			"$name" | grep -q 'status: NXDOMAIN' || cg_fail "school $1: $name was not blocked"
	done
}
local_lines() { cat "$T/s$1"/journal/*.jsonl 2>/dev/null | wc -l; }
stored() { dist_sql "SELECT count(*) FROM events WHERE school_id = 's$1'"; }
# wait_stored I SECONDS: until the store holds every line of school I's journal.
wait_stored() {
	local i=$1 n
	for n in $(seq $(( $2 * 2 ))); do
		[ "$(stored "$i")" = "$(local_lines "$i")" ] && return 0
		sleep 0.5
	done
	tail -5 "$DDIR/internal.log" "$T/s$i/internal.log" 2>/dev/null
	cg_fail "school $i: $(stored "$i") lines stored, its journal has $(local_lines "$i") (after $2 s)"
}

start_school 1
start_school 2
start_school 3
block 1 1 20
block 2 1 25
block 3 1 15
wait_stored 1 60
wait_stored 2 60
wait_stored 3 60
cg_expect "school 1's blocks stored under s1" \
	"$(dist_sql "SELECT count(*) FROM events WHERE school_id = 's1' AND host LIKE '%.s1.bad.example'")" 20
cg_expect "school 2's blocks stored under s2" \
	"$(dist_sql "SELECT count(*) FROM events WHERE school_id = 's2' AND host LIKE '%.s2.bad.example'")" 25
cg_expect "school 3's blocks stored under s3" \
	"$(dist_sql "SELECT count(*) FROM events WHERE school_id = 's3' AND host LIKE '%.s3.bad.example'")" 15
cg_expect "no school's blocks under another id" \
	"$(dist_sql "SELECT count(*) FROM events WHERE host LIKE '%.bad.example' AND host NOT LIKE '%.' || school_id || '.bad.example'")" 0
cg_expect "a heartbeat from each school" \
	"$(dist_sql "SELECT count(DISTINCT school_id) FROM events WHERE event = 'heartbeat'")" 3
cg_expect "the stored line is the journal's line, byte for byte" \
	"$(dist_sql "SELECT line FROM events WHERE school_id = 's1' AND seq = 5")" \
	"$(cat "$T"/s1/journal/*.jsonl | sed -n 5p)"
OUT=$("$CG" journal --district --db "$DIST_URI" --school s2 --host n7.s2 --format json)
echo "$OUT" | grep -q '"host":"n7.s2.bad.example"' || cg_fail "journal --district --host: $OUT"
# across schools, a part of a name over a period: the names come from the daily host
# rollup, the lines through the (host, ts) index; each school's n1 and nothing else
OUT=$("$CG" journal --district --db "$DIST_URI" --host n1.s --since 1h --format json)
cg_expect "journal --district --host across schools: the three schools' n1" \
	"$(echo "$OUT" | grep -o '"host":"[^"]*"' | sort | paste -sd' ')" \
	'"host":"n1.s1.bad.example" "host":"n1.s2.bad.example" "host":"n1.s3.bad.example"'
OUT=$("$CG" district silent --db "$DIST_URI") || cg_fail "district silent with every school fresh: $OUT"

# ---- a school whose certificate is not the district's: refused, nothing stored --------
start_school 4 "$T/rogue" "$T/rogue/district-ca.pem"
block 4 1 3
sleep 3
cg_expect "nothing stored from a certificate of another CA" \
	"$(dist_sql "SELECT count(*) FROM events WHERE school_id = 's4'")" 0
cg_stop_pid "$GW4"

# ---- the district's rsyslog away for 30 s, the schools journaling on -------------------
cg_log "stopping the district's rsyslog for 30 s"
cg_stop_pid "$DIST_RS"
end=$(( SECONDS + 30 ))
n=100
while [ $SECONDS -lt $end ]; do
	block 1 "$n" $(( n + 4 ))
	block 2 "$n" $(( n + 4 ))
	block 3 "$n" $(( n + 4 ))
	n=$(( n + 5 ))
	sleep 2
done
sent1=$(local_lines 1)
cg_log "journaled during the outage: up to seq $sent1 at school 1, $(local_lines 2) at school 2"
[ "$(stored 1)" -lt "$sent1" ] || cg_fail "the store grew while its rsyslog was stopped"
start_district
wait_stored 1 120
wait_stored 2 120
wait_stored 3 120
for i in 1 2 3; do
	cg_expect "school $i: each seq stored once" \
		"$(dist_sql "SELECT count(*) = count(DISTINCT seq) AND min(seq) = 1 AND max(seq) = count(*) FROM events WHERE school_id = 's$i'")" t
done

# ---- the daemons stop: their day's digest goes out; verify is clean --------------------
l1=$(local_lines 1)
cg_stop_pid "$GW1"
cg_stop_pid "$GW2"
cg_stop_pid "$GW3"
for n in $(seq 60); do
	[ "$(dist_sql "SELECT count(DISTINCT school_id) FROM digests")" = 3 ] && break
	sleep 0.5
done
cg_expect "each school's digest stored" "$(dist_sql "SELECT count(DISTINCT school_id) FROM digests")" 3
wait_stored 1 30
OUT=$("$CG" district verify --db "$DIST_URI" 2>&1) || cg_fail "district verify after the outage: $OUT"
echo "$OUT" | grep -q "^s1: intact: $(local_lines 1) lines, seq 1\.\.$(local_lines 1), 1 daily digests match" ||
	cg_fail "district verify: $OUT"
echo "$OUT" | grep -q "^s2: intact" || cg_fail "district verify: $OUT"
echo "$OUT" | grep -q "^s3: intact: $(local_lines 3) lines" || cg_fail "district verify: $OUT"
OUT=$("$CG" district verify --db "$DIST_URI" --school s1 --journal "$T/s1/journal" 2>&1) ||
	cg_fail "the local journal against the store: $OUT"
echo "$OUT" | grep -q "$(local_lines 1) local lines match the store" || cg_fail "compare: $OUT"
"$CG" report --district --db "$DIST_URI" --school s2 --since 1h --lang en >"$T/report.txt" ||
	cg_fail "report --district"
grep -q "bad.example" "$T/report.txt" || cg_fail "report --district lists no blocked site"

# ---- a box configured with another school's id: its lines rejected, none stored ------
# School s1's box (its rsyslog with its certificate, its listener at the district, all as
# shipped) whose gateway config says school_id = s2: a config copied from s2 by mistake,
# or someone on s1's box who wants s2 blamed for s1's blocks. Everything it sends (the
# heartbeat, its blocks, the digest at its stop) goes to rejects with both ids, byte for
# byte after the authenticated id; nothing is stored under s2 (lines, digests, rollups,
# last seen) nor under s1; district verify reports it under s1 and exits 1, s2 intact.
MISMATCH='school_id mismatch: certificate s1, message s2'
cg_expect "no message rejected so far" "$(dist_sql "SELECT count(*) FROM rejects")" 0
wait_stored 1 30
wait_stored 2 30
s1_lines=$(stored 1)
s2_lines=$(stored 2)
# what the store says about s2 (and s1's digests): unchanged by the wrong box
s2_state() {
	dist_sql "SELECT md5(concat_ws('|',
		(SELECT string_agg(concat_ws(',', last_seen, last_event, last_heartbeat, last_seq), ';')
		   FROM schools WHERE school_id = 's2'),
		(SELECT string_agg(line, ';' ORDER BY day, last_seq) FROM digests WHERE school_id IN ('s1', 's2')),
		(SELECT sum(n) FROM daily_counts WHERE school_id = 's2'),
		(SELECT count(*) FROM events WHERE school_id = 's2')))"
}
s2_before=$(s2_state)
first=$(( $(local_lines 1) + 1 ))
sed 's/^school_id = s1$/school_id = s2/' "$T/s1/cg.conf" >"$T/s1/cg-s2.conf"
grep -q '^school_id = s2$' "$T/s1/cg-s2.conf" || cg_fail "cannot write s1's box's wrong config"
start_gateway 1 "$T/s1/cg-s2.conf"
block 1 1 5 wrong
# mismatches: how many rejects say the mismatch; wait_mismatches N: until N or more (60 s)
mismatches() { dist_sql "SELECT count(*) FROM rejects WHERE why = '$MISMATCH'"; }
wait_mismatches() {
	local n
	for n in $(seq 120); do
		[ "$(mismatches)" -ge "$1" ] && return 0
		sleep 0.5
	done
	tail -5 "$DDIR/internal.log" "$T/s1/internal.log" 2>/dev/null
	cg_fail "the wrong box's lines: $(mismatches) rejects say '$MISMATCH', expected $1"
}
wait_mismatches $(( $(local_lines 1) - first + 1 ))
cg_stop_pid "$GW1"
# its stop sends the day's digest (named s2 too): one reject more
wrong=$(( $(local_lines 1) - first + 1 + 1 ))
wait_mismatches "$wrong"
sleep 1
cg_expect "the wrong box's lines and digest: rejects, each a mismatch" \
	"$(dist_sql "SELECT count(*) FILTER (WHERE why = '$MISMATCH') || ' of ' || count(*) FROM rejects")" \
	"$wrong of $wrong"
cg_log "s1's box as s2: $(( wrong - 1 )) journal lines and a digest, each rejected"
cat "$T"/s1/journal/*.jsonl | tail -n +"$first" >"$T/wrong.jsonl"
cg_expect "the wrong box journaled its 5 blocks" \
	"$(grep -c '"host":"wrong[1-5]\.s1\.bad\.example"' "$T/wrong.jsonl")" 5
# each line the box journaled is in rejects as it was sent, after the certificate's id
cg_expect "every line of the wrong box in rejects, after 's1 '" "$(python3 - "$T/wrong.jsonl" "$DIST_DB" <<'PY'
import subprocess, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
rows = subprocess.run(["psql", sys.argv[2], "-XAtq", "-c",
    "SELECT encode(message, 'hex') FROM rejects"], capture_output=True, check=True).stdout.split()
msgs = [bytes.fromhex(r.decode()) for r in rows]
print(sum(any(m.startswith(b"s1 [campusgate@") and m.endswith(b" " + l) for m in msgs) for l in lines),
      "of", len(lines))
PY
)" "$(( wrong - 1 )) of $(( wrong - 1 ))"
cg_expect "nothing of the wrong box stored" \
	"$(dist_sql "SELECT count(*) FROM events WHERE host LIKE 'wrong%' OR (school_id = 's1' AND seq >= $first)")" 0
cg_expect "s1's stored lines unchanged" "$(stored 1)" "$s1_lines"
cg_expect "s2's stored lines unchanged" "$(stored 2)" "$s2_lines"
cg_expect "s2's row, digests, rollups (and s1's digests) unchanged" "$(s2_state)" "$s2_before"
OUT=$("$CG" district verify --db "$DIST_URI" 2>&1); rc=$?
cg_expect "district verify exits 1 while the wrong box's lines are in rejects" "$rc" 1
echo "$OUT" | grep -q "^s1: $wrong messages sent with this school's certificate named school s2: rejected, not stored (table rejects)\$" ||
	cg_fail "district verify does not report the wrong box: $OUT"
echo "$OUT" | grep -q "^s1: intact: $s1_lines lines, seq 1\.\.$s1_lines, 1 daily digests match" &&
	echo "$OUT" | grep -q "^s2: intact: $s2_lines lines, seq 1\.\.$s2_lines, 1 daily digests match" ||
	cg_fail "s1 or s2 not intact after the wrong box: $OUT"
# the rejected lines are evidence to keep in a real store; cleared here for the checks below
dist_sql "DELETE FROM rejects" >/dev/null

# ---- a school's certificate cannot speak for another school -----------------------------
# The store takes the school id from the listener that checked the certificate, not from
# the message: a line of s2 sent through s1's box (s1's certificate, as a box configured
# with another school's school_id would send it, or a forger on s1's box) is rejected,
# with both ids, and nothing is stored under s2; s1's certificate on s2's listener is
# refused at TLS. The forged line continues s2's real chain (next seq, prev = the last
# hash), so if it were stored s2's chain would look whole and extended.
cg_expect "no message rejected since" "$(dist_sql "SELECT count(*) FROM rejects")" 0
s2_lines=$(stored 2)
# forge NS PORT: send, octet-counted into NS's rsyslog on PORT, s2's next line (its last
# one with the seq after it and chained on it)
forge() {
	ip netns exec "$1" python3 - "$2" "$T"/s2/journal/*.jsonl <<'PY' || cg_fail "cannot forge"
import hashlib, json, socket, sys
port, files = int(sys.argv[1]), sys.argv[2:]
last = b"".join(open(f, "rb").read() for f in sorted(files)).split(b"\n")[-2]
rec = json.loads(last)
seq = rec["seq"] + 1
prev = bytes.fromhex(rec["hash"])
body = last[:last.rindex(b',"hash":"')]
body = body.replace(b'"seq":%d,' % rec["seq"], b'"seq":%d,' % seq, 1)
body = body[:body.rindex(b'"prev":"') + 8] + prev.hex().encode() + b'"'
h = hashlib.blake2b(prev + body, digest_size=32).digest()
line = body + b',"hash":"' + h.hex().encode() + b'"}'
msg = (b'<132>1 2026-12-07T10:00:00+08:00 box campusgated 1 hit '
       b'[campusgate@32473 seq="%d" school_id="s2"] ' % seq) + line
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"%d %s" % (len(msg), msg))
s.close()
PY
}
forge "${P}-s1" 5514
for n in $(seq 60); do
	[ "$(dist_sql "SELECT count(*) FROM rejects")" != 0 ] && break
	sleep 0.5
done
cg_expect "the line sent with s1's certificate is rejected as s1's naming s2" \
	"$(dist_sql "SELECT count(*) FROM rejects WHERE why = 'school_id mismatch: certificate s1, message s2' AND position('\\x7331205b'::bytea in message) = 1")" 1
cg_expect "nothing stored under s2 from s1's box" \
	"$(dist_sql "SELECT count(*) FROM events WHERE school_id = 's2' AND seq > $s2_lines")" 0
cg_expect "s2's stored lines unchanged" "$(stored 2)" "$s2_lines"
OUT=$("$CG" district verify --db "$DIST_URI" --school s2 2>&1); rc=$?
cg_expect "district verify exits 1 while a forged line is in rejects" "$rc" 1
echo "$OUT" | grep -q "^s2: intact: $s2_lines lines, seq 1\.\.$s2_lines, 1 daily digests match" ||
	cg_fail "s2 not intact after the forged line: $OUT"
echo "$OUT" | grep -q "^s1: 1 messages sent with this school's certificate named school s2: rejected" ||
	cg_fail "the forged line is not reported: $OUT"
OUT=$("$CG" district verify --db "$DIST_URI" 2>&1)
echo "$OUT" | grep -q "^s1: intact" && echo "$OUT" | grep -q "^s2: intact" &&
	echo "$OUT" | grep -q "^3 schools checked, 0 with damage" || cg_fail "district verify: $OUT"
OUT=$(LC_ALL=zh_CN.UTF-8 "$CG" district verify --db "$DIST_URI" --school s1 2>&1)
echo "$OUT" | grep -q "^s1: 1 条消息用本校证书发送却自称学校 s2" || cg_fail "zh: $OUT"
# s1's certificate on s2's listener: refused (its own rsyslog, the shipped config again)
X=$T/s1x
mkdir -p "$X"
conf_from "$CG_SOURCE_ROOT/config/rsyslog/campusgate-school.conf" "$X/campusgate.conf" \
	'port="5514"=>port="5515"' \
	"target=\"district.example.edu.cn\" port=\"20514\"=>target=\"$DIST_ADDR\" port=\"20602\"" \
	'tls.permittedpeer=["district.example.edu.cn"]=>tls.permittedpeer=["district.example"]' \
	"/etc/campusgate/district/ca.pem=>$PKI/ca.pem" \
	"/etc/campusgate/district/school-cert.pem=>$PKI/s1.schools.district.example-cert.pem" \
	"/etc/campusgate/district/school-key.pem=>$PKI/s1.schools.district.example-key.pem"
main_conf "$X"
rsyslog_start "$X" "${P}-s1"
X_RS=$RS_PID
for n in $(seq 100); do
	ip netns exec "${P}-s1" ss -ltn | grep -q '127.0.0.1:5515 ' && break
	sleep 0.1
done
forge "${P}-s1" 5515
# imrelp[20602]: authentication error 'no permited name found', peer is 'DNSname: s1...'
refused() { grep "imrelp\[20602\]: authentication error" "$DDIR/rsyslogd.out" | grep -q "s1\.schools"; }
for n in $(seq 40); do
	refused && break
	sleep 0.5
done
refused || cg_fail "the district did not refuse s1's certificate on s2's listener: $(tail -5 "$DDIR/rsyslogd.out")"
sleep 2
cg_expect "nothing stored from s1's certificate on s2's listener" \
	"$(dist_sql "SELECT count(*) FROM events WHERE school_id = 's2' AND seq > $s2_lines")" 0
cg_expect "and nothing more rejected" "$(dist_sql "SELECT count(*) FROM rejects")" 1
cg_stop_pid "$X_RS"
# the forged line's reject removed again: the checks below count on a clean store
dist_sql "DELETE FROM rejects" >/dev/null

# ---- damage, each found ---------------------------------------------------------------
# a stored line edited
dist_sql "UPDATE events SET line = replace(line, 'n3.s2.bad', 'n3.s2.bbd') WHERE school_id = 's2' AND host = 'n3.s2.bad.example'" >/dev/null
OUT=$("$CG" district verify --db "$DIST_URI" 2>&1); rc=$?
cg_expect "district verify exits 1 on an edited stored line" "$rc" 1
echo "$OUT" | grep -q "^s2: chain broken at seq [0-9]*: edited" || cg_fail "edited line not reported: $OUT"
echo "$OUT" | grep -q "^s1: intact" || cg_fail "school 1 not intact: $OUT"
# a stored line deleted: the gap
dist_sql "DELETE FROM events WHERE school_id = 's1' AND seq = 10" >/dev/null
OUT=$("$CG" district verify --db "$DIST_URI" --school s1 2>&1)
echo "$OUT" | grep -q "^s1: first gap: seq 9 is followed by seq 11 (1 missing)" || cg_fail "gap: $OUT"
echo "$OUT" | grep -q "^s1: the digest of .* differs: the digest counts" || cg_fail "digest count: $OUT"
# a school's local journal rewritten (the line changed and every hash after recomputed,
# which journal verify on the box cannot see): the store's copy is the evidence
python3 - "$T/s2/journal" <<'PY' || cg_fail "could not rewrite the local journal"
import hashlib, json, os, sys
d = sys.argv[1]
for name in sorted(n for n in os.listdir(d) if n.endswith(".jsonl")):
    p = os.path.join(d, name)
    out, prev = [], None
    for raw in open(p, "rb").read().split(b"\n")[:-1]:
        rec = json.loads(raw)
        if prev is None:
            prev = bytes.fromhex(rec["prev"])
        raw = raw.replace(b"n9.s2.bad.example", b"n9.s2.xxx.example")
        cut = raw.rindex(b',"hash":"')
        body = raw[:cut]
        body = body[:body.rindex(b'"prev":"') + 8] + prev.hex().encode() + b'"'
        h = hashlib.blake2b(prev + body, digest_size=32).digest()
        out.append(body + b',"hash":"' + h.hex().encode() + b'"}')
        prev = h
    open(p, "wb").write(b"\n".join(out) + b"\n")
PY
OUT=$("$CG" journal verify --dir "$T/s2/journal" 2>&1)
echo "$OUT" | grep -q "rewritten\|journal OK" || cg_fail "local verify: $OUT"
OUT=$("$CG" district verify --db "$DIST_URI" --school s2 --journal "$T/s2/journal" 2>&1); rc=$?
[ "$rc" = 1 ] || cg_fail "district verify --journal exited $rc on a rewritten local journal: $OUT"
echo "$OUT" | grep -q "differs: the local line is not the one the school sent" ||
	cg_fail "local rewrite not reported: $OUT"
# a silent school
dist_sql "INSERT INTO schools (school_id, last_seen) VALUES ('s9', now() - interval '2 hours')" >/dev/null
OUT=$("$CG" district silent --db "$DIST_URI"); rc=$?
cg_expect "district silent exits 1 with a silent school" "$rc" 1
echo "$OUT" | grep -q "^  s9 " || cg_fail "silent school not listed: $OUT"
cg_pass
