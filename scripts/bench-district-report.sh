#!/bin/bash
# District report at the issue's scale (a program that measures and prints, not a test):
# 30 days of 100 schools at 1M events a school (100M events) is ~70 GB of raw lines, more
# than this machine can spare, so the store is built with SQL at two scales, said apart:
#  - the rollups (daily_counts, daily_hosts, daily_sites) at FULL scale: what 1M events
#    a school over DAYS days make: EVENTS/DAYS lines a school a day spread over
#    categories, actions and events, HOSTS distinct hosts a school a day in daily_hosts
#    (and their sums across schools in daily_sites);
#  - the raw lines (events) at RAW lines a school a day (default 3,333: 10M lines over 30
#    days for 100 schools), except school-042, which has its full EVENTS/DAYS lines on the
#    last two days (so its 12-hour report reads a full-scale half day).
# Then it times `district summary --days DAYS` (rollups), the 12-hour `report --district`
# of school-042, and `journal --district` searches across schools (by host, by client).
# Usage: scripts/bench-district-report.sh [SCHOOLS] [DAYS] [EVENTS] [HOSTS] [RAW]
#        (defaults 100 30 1000000 3000 3333; run as root; it refuses to start when the
#        store would leave less than 25 GB free on /tmp's disk)
# A private PostgreSQL (temp dir, user postgres), removed at the end; during the load
# it runs with wal_level=minimal (a day's partition is made, filled and indexed, then
# attached), which changes how fast the store is built, not how fast it is read.
set -u
cd "$(dirname "$0")/.."
SCHOOLS=${1:-100}
DAYS=${2:-30}
EVENTS=${3:-1000000}
HOSTS=${4:-3000}
RAW=${5:-3333}
CG_SOURCE_ROOT=$PWD
. tests/integration/lib.sh
. tests/integration/lib_district.sh
dist_bench_init
PERDAY=$(( EVENTS / DAYS ))
# ~1.3 kB a raw line with its indexes, ~120 B a daily_hosts row with its key
need_gb=$(( (SCHOOLS * DAYS * RAW + 2 * PERDAY) * 1300 / 1000000000 + SCHOOLS * DAYS * HOSTS * 120 / 1000000000 + 1 ))
free_gb=$(df -BG --output=avail /tmp | tail -1 | tr -dc 0-9)
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r); disk: ${free_gb} GB free, the store needs ~${need_gb} GB"
[ $(( free_gb - need_gb )) -ge 25 ] || { echo "not enough disk: keep 25 GB free"; exit 2; }

PGPORT=$(cg_free_port)
dist_pg_start "$CG_TMP/pg" "$PGPORT"
cat >>"$DIST_PGDIR/data/postgresql.conf" <<CONF
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
maintenance_work_mem = 256MB
work_mem = 64MB
shared_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = '200ms'
CONF
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIST_PGDIR/data" -l "$DIST_PGDIR/pg.log" -w -t 120 \
	restart >/dev/null || cg_fail "PostgreSQL did not restart"
sql() { psql "$DIST_DB" -Xq -v ON_ERROR_STOP=1 "$@"; }

echo "--- rollups at full scale: $DAYS days x $SCHOOLS schools, $PERDAY events a school a day, $HOSTS hosts a school a day"
t0=$(date +%s)
sql <<SQL || cg_fail "rollups"
INSERT INTO schools (school_id, last_seen, last_event, last_heartbeat, last_seq)
SELECT 'school-' || lpad(s::text, 3, '0'), now(), now(), now(), 1 FROM generate_series(0, $SCHOOLS - 1) s;
-- a school's day: 90 % blocked hits over five categories, 6 % allowed hits, 3 % bypass
-- attempts, heartbeats and admin events for the rest
INSERT INTO daily_counts
SELECT current_date - d, 'school-' || lpad(s::text, 3, '0'), c.category, c.action, c.event,
       greatest(1, ($PERDAY * c.share)::bigint)
FROM generate_series(0, $DAYS - 1) d, generate_series(0, $SCHOOLS - 1) s,
     (VALUES ('gambling', 'block', 'hit', 0.25), ('porn', 'block', 'hit', 0.30),
             ('superstition', 'block', 'hit', 0.10), ('doh', 'block', 'hit', 0.15),
             ('vpn', 'block', 'hit', 0.10), ('', 'allow', 'hit', 0.06),
             ('vpn', 'block', 'bypass', 0.02), ('doh', 'block', 'bypass', 0.01),
             ('', '', 'heartbeat', 0.0), ('', 'login', 'admin', 0.0)) c(category, action, event, share);
SQL
for d in $(seq 0 $(( DAYS - 1 ))); do
	sql <<SQL || cg_fail "daily_hosts"
INSERT INTO daily_hosts
SELECT current_date - $d, 'school-' || lpad(s::text, 3, '0'),
       (ARRAY['gambling','porn','superstition','doh','vpn'])[1 + (h % 5)],
       'site' || h || '.' || (ARRAY['gambling','porn','superstition','doh','vpn'])[1 + (h % 5)] || '.example',
       1 + ($PERDAY * 9 / 10) / (h + 1) / 8
FROM generate_series(0, $SCHOOLS - 1) s, generate_series(0, $HOSTS - 1) h;
SQL
done
sql -c "INSERT INTO daily_sites SELECT day, category, host, sum(n) FROM daily_hosts GROUP BY 1, 2, 3" ||
	cg_fail "daily_sites"
t1=$(date +%s)
echo "rollups made in $(( t1 - t0 )) s: $(dist_sql "SELECT count(*) FROM daily_counts") daily_counts rows ($(dist_sql "SELECT sum(n) FROM daily_counts") events counted), $(dist_sql "SELECT count(*) FROM daily_hosts") daily_hosts rows, $(dist_sql "SELECT count(*) FROM daily_sites") daily_sites rows"

echo "--- raw lines: $RAW a school a day for $DAYS days ($(( RAW * SCHOOLS * DAYS )) lines), school-042 with $PERDAY a day on the last two"
# one UTC day's partition: made as a plain table, filled in ts order (the schools
# interleaved, as the ingest stores them), then attached (its indexes built at once)
load_day() { # load_day DAYS_AGO
	local d=$1 day part
	day=$(date -u -d "-$d day" +%F)
	part=events_$(date -u -d "-$d day" +%Y%m%d)
	sql <<SQL || cg_fail "loading $day"
BEGIN;
CREATE TABLE $part (LIKE events INCLUDING DEFAULTS);
WITH g AS (
  SELECT s, n, ('$day'::date + interval '1 microsecond' * (n::bigint * 86399000000 / k))::timestamptz AS ts,
         (ARRAY['gambling','porn','superstition','doh','vpn'])[1 + (n % 5)] AS cat
  FROM generate_series(0, $SCHOOLS - 1) s,
       LATERAL (SELECT CASE WHEN s = 42 AND $d < 2 THEN $PERDAY ELSE $RAW END AS k) kk,
       generate_series(1, kk.k) n)
INSERT INTO $part (school_id, seq, ts, utc_offset, day, event, proto, action, client, grp,
                   host, category, id, hash, hash_ok, line)
SELECT 'school-' || lpad(s::text, 3, '0'), $d * 1000000 + n, ts, 28800, '$day', 'hit', 'dns',
       'block', ('10.' || (s % 200) || '.' || (n % 4) || '.' || (n % 250))::inet, 'pupils',
       'site' || (n % $HOSTS) || '.' || cat || '.example', cat, 'x' || n, md5(s || ':' || n) || md5(n || ':' || s), true,
       format('{"seq":%s,"time":"%s","id":"x%s","event":"hit","proto":"dns","action":"block","client":"10.%s.%s.%s","group":"pupils","host":"site%s.%s.example","qtype":"A","category":"%s","rule":{"file":"lists/%s.list","line":%s,"text":"%s.example"},"block_mode":"nxdomain","prev":"%s","hash":"%s"}',
              $d * 1000000 + n, to_char(ts AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS".000000+08:00"'),
              n, s % 200, n % 4, n % 250, n % $HOSTS, cat, cat, cat, n % 5000 + 1, cat, repeat('0', 64), md5(s || ':' || n) || md5(n || ':' || s))
FROM g ORDER BY ts, s;
COMMIT;
ALTER TABLE events ATTACH PARTITION $part
  FOR VALUES FROM ('$day 00:00:00+00') TO ('$(date -u -d "$day + 1 day" +%F) 00:00:00+00');
SQL
}
for d in $(seq 0 $(( DAYS - 1 ))); do
	load_day "$d"
done
sql -c "ANALYZE" >/dev/null
t2=$(date +%s)
echo "raw lines loaded in $(( t2 - t1 )) s: $(dist_sql "SELECT count(*) FROM events") lines; store $(dist_sql "SELECT pg_size_pretty(pg_database_size('campusgate'))"); disk free $(df -h --output=avail /tmp | tail -1)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"

timed() { # timed CMD...: wall and CPU (of the command; the server's is not in it) time
	local a b
	a=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$CG_TMP/cpu" "$@" >"$CG_TMP/out" 2>&1 || { echo "FAILED: $*"; tail "$CG_TMP/out"; }
	b=$(date +%s.%N)
	plans=$(tail -c +$(( logpos + 1 )) "$DIST_PGDIR/pg.log" | grep -oE "(Parallel )?(Index Scan|Index Only Scan|Bitmap Index Scan|Seq Scan|Bitmap Heap Scan)( Backward)?( using [a-z0-9_]+)? on [a-z0-9_]+" |
		sed -E 's/events_[0-9]{8}/events_D/g' | sort | uniq -c | sed 's/^ *//' | paste -sd, | sed 's/,/, /g')
	logpos=$(stat -c %s "$DIST_PGDIR/pg.log")
	python3 -c "import sys; print('%-72s %6.2f s  (%d lines out, client CPU %.2f s)' % (sys.argv[1], float(sys.argv[3]) - float(sys.argv[2]), int(sys.argv[4]), sum(map(float, sys.argv[5].split()))))" \
		"$*" "$a" "$b" "$(wc -l <"$CG_TMP/out")" "$(tail -1 "$CG_TMP/cpu")" | sed "s|$CG|campusgate|; s|$DIST_URI|URI|"
	[ -n "$plans" ] && echo "    plans of its statements over 200 ms (auto_explain; events_D: a day's partition): $plans"
	return 0
}
logpos=$(stat -c %s "$DIST_PGDIR/pg.log")
echo "--- timings (each run twice: cold, then warm cache)"
for i in 1 2; do
	timed "$CG" district summary --db "$DIST_URI" --days "$DAYS" --top 10
	timed "$CG" district summary --db "$DIST_URI" --days 7 --top 10
	timed "$CG" report --district --db "$DIST_URI" --school school-042 --since 12h --lang en
	timed "$CG" journal --district --db "$DIST_URI" --school school-042 --since 12h --format csv
	timed "$CG" journal --district --db "$DIST_URI" --host site5.gambling.example --since 1d
	timed "$CG" journal --district --db "$DIST_URI" --host site5.gambling.example --since 7d
	timed "$CG" journal --district --db "$DIST_URI" --host site5.gambling --since 30d
	timed "$CG" journal --district --db "$DIST_URI" --client 10.7.3.0/24 --since 1d
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${HOLD:-}" ]; then echo "store kept for $HOLD s: psql '$DIST_DB'"; sleep "$HOLD"; fi
