#!/bin/bash
# District benchmark (a program that measures and prints, not a test):
#  1. ingest: SCHOOLS schools' journals (EVENTS lines each, interleaved as a district
#     receives them) over RELP with TLS to the district's rsyslog, stored through omprog
#     `campusgate district ingest` into PostgreSQL 15: the sustained events/s from the
#     first line sent to the last one committed, and that none is lost or doubled (count,
#     district verify); the district runs the shipped config (config/rsyslog/), adapted
#     to loopback. Two shapes (MODE):
#     MODE=schools (default), as shipped: one imrelp listener a school made by
#       scripts/district-rsyslog-schools.sh (each admitting only its school's certificate
#       from a test CA) and the ingest's default, authenticated form. The schools' boxes
#       (elsewhere in a real district) are played by tests/tools/relp_send (librelp): one
#       RELP/TLS session a school with that school's certificate; its CPU is reported
#       apart.
#     MODE=relay: the full chain through RELAYS school-side rsyslogs (the shipped school
#       config: imtcp in, omrelp out), all with one certificate, so the district has one
#       wildcard listener and the ingest runs with --trust-message-school.
#  2. report: DAYS days of SCHOOLS schools put straight into the store with SQL
#     (ROWS_PER_DAY lines a school a day, the rollups as the ingest keeps them), then the
#     time of `campusgate district summary --days DAYS` (the weekly/monthly summary
#     across schools, from the rollups), of a 12-hour `report --district --school` and of
#     a `journal --district` search across schools by host.
# Usage: [MODE=schools|relay] [RELAYS=10] scripts/bench-district.sh [SCHOOLS] [EVENTS] [DAYS] [ROWS_PER_DAY]
#        (defaults 100 2000 30 2000; DAYS 0: the ingest only; run as root; the whole
#        of it took ~10 minutes on a loaded 2-core machine at 100 1000 30 300)
# Everything runs on loopback with a private PostgreSQL (temp dir, user postgres) and
# rsyslogs of its own (-n -f CONF -i PIDFILE, own work dirs); the host's rsyslog is not
# touched; all is removed at the end.
set -u
cd "$(dirname "$0")/.."
SCHOOLS=${1:-100}
EVENTS=${2:-2000}
DAYS=${3:-30}
ROWS=${4:-2000}
RELAYS=${RELAYS:-10}
MODE=${MODE:-schools}
TLSLIB=${TLSLIB:-} # gnutls or openssl: the TLS library of the district's imrelp (and relp_send)
case $MODE in schools | relay) ;; *) echo "MODE: schools or relay"; exit 2 ;; esac
CG_SOURCE_ROOT=$PWD
. tests/integration/lib.sh
. tests/integration/lib_district.sh
dist_bench_init
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "rsyslog $(rsyslogd -v | head -1 | awk '{print $2}'), $("$PG_BIN/postgres" --version)"

PGPORT=$(cg_free_port)
dist_pg_start "$CG_TMP/pg" "$PGPORT"
PKI=$CG_TMP/pki
dist_ca "$PKI"
dist_cert "$PKI" district.example
RELP=$(cg_free_port)

adapt() { # adapt SRC OUT FROM=>TO...
	python3 - "$@" <<'PY' || cg_fail "cannot adapt $1"
import sys
src, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
s = open(src).read()
for p in pairs:
    k, v = p.split("=>", 1)
    assert k in s, k
    s = s.replace(k, v)
open(out, "w").write(s)
PY
}
start_rs() { # start_rs DIR
	mkdir -p "$1/spool"
	cat >"$1/main.conf" <<CONF
global(workDirectory="$1/spool")
module(load="builtin:omfile")
module(load="impstats" interval="2" log.file="$1/stats.log" log.syslog="off" format="json")
syslog.* action(type="omfile" file="$1/internal.log")
include(file="$1/campusgate.conf")
CONF
	cg_bg rsyslogd -n -f "$1/main.conf" -i "$1/rsyslog.pid"
}
D=$CG_TMP/district
mkdir -p "$D"
total=$(( SCHOOLS * EVENTS ))
SENDER=
if [ "$MODE" = schools ]; then
	SEND=$CG_BUILD_ROOT/tests/tools/relp_send
	[ -x "$SEND" ] || { echo "build tests/tools/relp_send first (needs librelp-dev)"; exit 2; }
	# the list of schools, a port and a certificate each, and the listeners as shipped
	# (a free port is not held: one given twice is asked for again)
	declare -A used=([$RELP]=1 [$PGPORT]=1)
	for i in $(seq 0 $(( SCHOOLS - 1 ))); do
		id=$(printf 'school-%03d' "$i")
		port=$(cg_free_port)
		while [ -n "${used[$port]:-}" ]; do port=$(cg_free_port); done
		used[$port]=1
		echo "$id $port"
		dist_cert "$PKI" "$id.schools.district.example"
	done >"$D/schools"
	scripts/district-rsyslog-schools.sh --domain schools.district.example --ca "$PKI/ca.pem" \
		--cert "$PKI/district.example-cert.pem" --key "$PKI/district.example-key.pem" \
		"$D/schools" >"$D/listener.conf" || cg_fail "district-rsyslog-schools.sh"
	# loopback only
	sed -i 's/^input(type="imrelp" /input(type="imrelp" address="127.0.0.1" /' "$D/listener.conf"
	[ -n "$TLSLIB" ] && sed -i 's/ tls="on"$/ tls="on" tls.tlslib="'"$TLSLIB"'"/' "$D/listener.conf"
	adapt config/rsyslog/campusgate-district.conf "$D/campusgate.conf" \
		"/etc/campusgate/district/rsyslog-schools.conf=>$D/listener.conf" \
		"/usr/bin/campusgate district ingest --confirm --db postgresql:///campusgate=>$CG district ingest --confirm --db $DIST_URI"
	start_rs "$D"
	cg_wait_port tcp 127.0.0.1 "$(awk 'END {print $2}' "$D/schools")"
	python3 scripts/district-gen.py --schools "$SCHOOLS" --events "$EVENTS" --days 1 \
		--prefix school >"$CG_TMP/messages" || cg_fail "the generator failed"
	echo "--- 1. ingest: $SCHOOLS schools x $EVENTS lines = $total: relp_send (one RELP/TLS session a school, its own certificate) -> $SCHOOLS district imrelp listeners -> omprog ingest (authenticated) -> PostgreSQL"
	t0=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$CG_TMP/send.cpu" "$SEND" ${TLSLIB:+--tlslib "$TLSLIB"} --ca "$PKI/ca.pem" --pki "$PKI" \
		--domain schools.district.example --peer district.example "$D/schools" \
		"$CG_TMP/messages" || cg_fail "relp_send failed"
	SENDER="relp_send $(awk '{printf "%.1f", $1 + $2}' "$CG_TMP/send.cpu") s,"
else
# The relays send every school's lines with one certificate, so the district's listener
# here is a single one for all schools and the ingest believes each line's school_id.
cat >"$D/listener.conf" <<CONF
input(type="imrelp" port="$RELP" address="127.0.0.1" ruleset="campusgate_store"
      maxDataSize="160k" tls="on" ${TLSLIB:+tls.tlslib="$TLSLIB"} tls.cacert="$PKI/ca.pem"
      tls.mycert="$PKI/district.example-cert.pem" tls.myprivkey="$PKI/district.example-key.pem"
      tls.authmode="name" tls.permittedpeer=["*.schools.district.example"])
CONF
adapt config/rsyslog/campusgate-district.conf "$D/campusgate.conf" \
	'string="%$.cg_school% %structured-data%=>string="%structured-data%' \
	"/etc/campusgate/district/rsyslog-schools.conf=>$D/listener.conf" \
	"/usr/bin/campusgate district ingest --confirm --db postgresql:///campusgate=>$CG district ingest --confirm --trust-message-school --db $DIST_URI"
start_rs "$D"
cg_wait_port tcp 127.0.0.1 "$RELP"
# The schools' side: RELAYS school rsyslogs (the shipped school config), each sending the
# journals of SCHOOLS/RELAYS schools over its own RELP/TLS session. One relay for all the
# schools would stand for a single box with 100 schools' backlog: past the school
# config's highWatermark its queue goes to disk, and the district would be measured
# waiting on that one disk queue (~2,700 lines/s here) instead of on itself.
dist_cert "$PKI" relay.schools.district.example
[ $(( SCHOOLS % RELAYS )) = 0 ] || cg_fail "SCHOOLS must be a multiple of RELAYS ($RELAYS)"
RPORTS=()
for r in $(seq 0 $(( RELAYS - 1 ))); do
	R=$CG_TMP/relay$r
	mkdir -p "$R"
	port=$(cg_free_port)
	adapt config/rsyslog/campusgate-school.conf "$R/campusgate.conf" \
		'port="5514"=>port="'"$port"'"' \
		'target="district.example.edu.cn" port="20514"=>target="127.0.0.1" port="'"$RELP"'"' \
		'tls.permittedpeer=["district.example.edu.cn"]=>tls.permittedpeer=["district.example"]' \
		"/etc/campusgate/district/ca.pem=>$PKI/ca.pem" \
		"/etc/campusgate/district/school-cert.pem=>$PKI/relay.schools.district.example-cert.pem" \
		"/etc/campusgate/district/school-key.pem=>$PKI/relay.schools.district.example-key.pem"
	start_rs "$R"
	cg_wait_port tcp 127.0.0.1 "$port"
	RPORTS+=("$port")
done

echo "--- 1. ingest: $SCHOOLS schools x $EVENTS lines = $total through $RELAYS school rsyslogs -> RELP/TLS -> district rsyslog -> omprog ingest -> PostgreSQL"
for r in $(seq 0 $(( RELAYS - 1 ))); do
	python3 scripts/district-gen.py --schools $(( SCHOOLS / RELAYS )) --events "$EVENTS" \
		--days 1 --prefix "school$r" --framed >"$CG_TMP/frames$r" || cg_fail "the generator failed"
done
t0=$(date +%s.%N)
python3 - "$CG_TMP/frames" "${RPORTS[@]}" <<'PY' || cg_fail "cannot send"
import socket, sys, threading
def send(i, port):
    s = socket.create_connection(("127.0.0.1", int(port)))
    with open("%s%d" % (sys.argv[1], i), "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            s.sendall(b)
    s.close()
ts = [threading.Thread(target=send, args=(i, p)) for i, p in enumerate(sys.argv[2:])]
for t in ts:
    t.start()
for t in ts:
    t.join()
PY
fi
t_sent=$(date +%s.%N)
deadline=$(( SECONDS + 300 ))
got=0
while [ $SECONDS -lt $deadline ]; do
	got=$(dist_sql "SELECT count(*) FROM events")
	[ "$got" -ge "$total" ] && break
	sleep 0.2
done
t1=$(date +%s.%N)
python3 - "$t0" "$t_sent" "$t1" "$got" "$total" <<'PY'
import sys
t0, ts, t1, got, total = map(float, sys.argv[1:])
print("sent in %.1f s (%.0f/s offered); stored %d of %d in %.1f s: %.0f events/s sustained"
      % (ts - t0, total / (ts - t0), got, total, t1 - t0, got / (t1 - t0)))
PY
cpu() { # cpu PID...: user+system CPU seconds of the processes (their threads included)
	local p t=0
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
	done
	python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / int(sys.argv[2])))" "$t" "$(getconf CLK_TCK)"
}
ingests=$(pgrep -d' ' -f "$CG district ingest")
pm=$(head -1 "$DIST_PGDIR/data/postmaster.pid")
relays=$(for f in "$CG_TMP"/relay*/rsyslog.pid; do [ -r "$f" ] && echo "$(cat "$f")"; done) # (no newline in the files)
[ "$MODE" = relay ] && SENDER="school rsyslogs $(cpu $relays) s,"
echo "CPU time: $SENDER district rsyslog $(cpu "$(cat "$D/rsyslog.pid")") s," \
	"ingest ($(echo $ingests | wc -w) processes) $(cpu $ingests) s, PostgreSQL (all its processes) $(cpu "$pm" $(pgrep -d' ' -P "$pm")) s;" \
	"load average now $(cut -d' ' -f1-3 /proc/loadavg)"
threads() { # threads PID: its threads' CPU seconds by thread name (rsyslog names them)
	local t
	for t in /proc/"$1"/task/*; do
		[ -r "$t/stat" ] && printf '%s %s\n' "$(tr ' ' _ <"$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")"
	done | awk -v hz="$(getconf CLK_TCK)" '{ s[$1] += $2 } END { for (k in s) if (s[k]) printf "%s %.1f s, ", k, s[k] / hz }' | sed 's/, $//'
}
echo "  district rsyslog by thread: $(threads "$(cat "$D/rsyslog.pid")")"
echo "distinct (school, seq) stored: $(dist_sql "SELECT count(*) FROM (SELECT DISTINCT school_id, seq FROM events) t"), rejects: $(dist_sql "SELECT count(*) FROM rejects")"
tv0=$(date +%s.%N)
"$CG" district verify --db "$DIST_URI" | tail -1
tv1=$(date +%s.%N)
python3 -c "import sys; print('district verify of %s lines: %.1f s' % (sys.argv[3], float(sys.argv[2]) - float(sys.argv[1])))" "$tv0" "$tv1" "$got"
for p in $relays; do cg_stop_pid "$p"; done
cg_stop_pid "$(cat "$D/rsyslog.pid")"

if [ "$DAYS" = 0 ]; then
	exit 0
fi
echo "--- 2. report: $DAYS days x $SCHOOLS schools x $ROWS lines a day = $(( DAYS * SCHOOLS * ROWS )) lines, made with SQL"
dist_sql "TRUNCATE events, daily_counts, daily_hosts, daily_sites, schools, digests" >/dev/null
tl0=$(date +%s)
for d in $(seq 0 $(( DAYS - 1 ))); do
	day=$(date -u -d "-$d day" +%F)
	dist_sql "SELECT cg_ensure_partition('$day')" >/dev/null
	psql "$DIST_DB" -Xq -v ON_ERROR_STOP=1 <<SQL || cg_fail "loading day $day"
BEGIN;
WITH g AS (
  SELECT s, n, ('$day'::date + interval '1 second' * (n * 86399 / $ROWS))::timestamptz AS ts,
         (ARRAY['gambling','porn','superstition','doh','vpn'])[1 + (n % 5)] AS cat
  FROM generate_series(0, $SCHOOLS - 1) s, generate_series(1, $ROWS) n)
INSERT INTO events (school_id, seq, ts, utc_offset, day, event, proto, action, client, grp,
                    host, category, id, hash, hash_ok, line)
SELECT 'school-' || lpad(s::text, 3, '0'), $d * $ROWS + n, ts, 28800, '$day', 'hit', 'dns',
       'block', ('10.' || (s % 200) || '.' || (n % 250) || '.1')::inet, 'pupils',
       'site' || (n % 997) || '.' || cat || '.example', cat, 'x' || n, repeat('0', 64), true,
       format('{"seq":%s,"time":"%s","id":"x%s","event":"hit","proto":"dns","action":"block","client":"10.%s.%s.1","group":"pupils","host":"site%s.%s.example","qtype":"A","category":"%s","prev":"%s","hash":"%s"}',
              $d * $ROWS + n, to_char(ts AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS".000000+08:00"'),
              n, s % 200, n % 250, n % 997, cat, cat, repeat('0', 64), repeat('0', 64))
FROM g;
INSERT INTO daily_counts SELECT day, school_id, category, action, event, count(*)
  FROM events WHERE day = '$day' GROUP BY 1, 2, 3, 4, 5;
INSERT INTO daily_hosts SELECT day, school_id, category, host, count(*)
  FROM events WHERE day = '$day' GROUP BY 1, 2, 3, 4;
INSERT INTO daily_sites SELECT day, category, host, count(*)
  FROM events WHERE day = '$day' GROUP BY 1, 2, 3;
COMMIT;
SQL
done
psql "$DIST_DB" -Xq -c "ANALYZE" >/dev/null
tl1=$(date +%s)
echo "loaded in $(( tl1 - tl0 )) s: $(dist_sql "SELECT count(*) FROM events") lines, $(dist_sql "SELECT count(*) FROM daily_hosts") daily host rows, store $(dist_sql "SELECT pg_size_pretty(pg_database_size('campusgate'))")"
timed() { # timed LABEL CMD...
	local a b
	a=$(date +%s.%N)
	"$@" >"$CG_TMP/out" 2>&1 || { echo "$1 FAILED"; tail "$CG_TMP/out"; }
	b=$(date +%s.%N)
	python3 -c "import sys; print('%-58s %6.2f s' % (sys.argv[1], float(sys.argv[3]) - float(sys.argv[2])))" \
		"$*" "$a" "$b" | sed "s|$CG|campusgate|; s|$DIST_URI|URI|"
}
timed "$CG" district summary --db "$DIST_URI" --days "$DAYS" --top 10
timed "$CG" district summary --db "$DIST_URI" --days 7 --top 10
timed "$CG" report --district --db "$DIST_URI" --school school-042 --since 12h --lang en
timed "$CG" report --district --db "$DIST_URI" --school school-042 --since 7d --lang en
timed "$CG" journal --district --db "$DIST_URI" --host site5.porn --since 1d --format csv --school school-007
timed "$CG" journal --district --db "$DIST_URI" --client 10.7.0.0/16 --since 1d --limit 1000
head -12 "$CG_TMP/out" >/dev/null
echo "(lines per school and day scaled down from the issue's 1M events per school over 30 days: see docs/district.md)"
