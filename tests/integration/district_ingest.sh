#!/bin/bash
# `campusgate district ingest --confirm` alone, fed omprog's protocol from a file, into a
# private PostgreSQL 15: each line of a transaction answered DEFER_COMMIT and the commit
# mark OK only once the batch is stored; a redelivered transaction (half old, half new
# lines) stores only the new ones and the rollups count only those; a transaction cut by
# EOF (rsyslog gone before its commit) stores nothing; a line too long and a malformed
# one go to rejects; tab and backslash in a field reach the column decoded and the line
# byte for byte.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_district.sh"
cg_need_root
cg_need psql python3
cg_init
chmod 755 "$CG_TMP"
CG=$CAMPUSGATE
T=$CG_TMP

dist_pg_start "$T/pg" "$(cg_free_port)"
python3 "$CG_SOURCE_ROOT/scripts/district-gen.py" --schools 3 --events 60 --ingest >"$T/lines" ||
	cg_fail "district-gen.py"
[ "$(wc -l <"$T/lines")" = 180 ] || cg_fail "the generator made $(wc -l <"$T/lines") lines"
# a line whose group has a tab and a backslash (JSON escapes; its hash no longer matches,
# which is stored as hash_ok = false, not refused)
odd=$(sed -n 1p "$T/lines" | sed 's/"group":"pupils"/"group":"pu\\tp\\\\ils"/; s/school_id="school-000"/school_id="school-odd"/')
echo "$odd" | grep -q 'pu\\tp' || cg_fail "cannot make the odd line: $odd"
{
	echo "BEGIN TRANSACTION"
	sed -n 1,100p "$T/lines"
	echo "$odd"
	echo "COMMIT TRANSACTION"
	echo "BEGIN TRANSACTION"          # redelivered: 51..100 again, 101..150 new
	sed -n 51,150p "$T/lines"
	echo "COMMIT TRANSACTION"
	echo "BEGIN TRANSACTION"
	python3 -c "print('[campusgate@32473 seq=\"1\" school_id=\"school-000\"] ' + 'x' * 70000)"
	echo "not a message at all"
	echo "COMMIT TRANSACTION"
	echo "BEGIN TRANSACTION"          # never committed: rsyslog went away
	sed -n 151,180p "$T/lines"
} >"$T/proto"
"$CG" district ingest --confirm --db "$DIST_URI" <"$T/proto" >"$T/replies" 2>"$T/stderr" ||
	{ cat "$T/stderr"; cg_fail "the ingest failed"; }

# ready, then OK / DEFER_COMMIT per line / OK for each transaction; the last one's lines
# are answered DEFER_COMMIT and never confirmed
expect=$( { echo OK; echo OK; for i in $(seq 101); do echo DEFER_COMMIT; done; echo OK
	echo OK; for i in $(seq 100); do echo DEFER_COMMIT; done; echo OK
	echo OK; echo DEFER_COMMIT; echo DEFER_COMMIT; echo OK
	echo OK; for i in $(seq 30); do echo DEFER_COMMIT; done; } | md5sum)
[ "$(md5sum <"$T/replies")" = "$expect" ] ||
	cg_fail "replies: $(sort "$T/replies" | uniq -c | paste -sd' ')"
cg_log "ok: every line answered, each commit confirmed after it was stored"

cg_expect "lines stored: 150 distinct + the odd one" "$(dist_sql "SELECT count(*) FROM events")" 151
cg_expect "each (school, seq) once" \
	"$(dist_sql "SELECT count(*) FROM (SELECT DISTINCT school_id, seq FROM events) t")" 151
cg_expect "nothing of the transaction cut by EOF" \
	"$(dist_sql "SELECT count(*) FROM events WHERE (school_id, seq) IN (SELECT 'school-' || lpad((i % 3)::text, 3, '0'), i / 3 + 1 FROM generate_series(150, 179) i)")" 0
cg_expect "the rollups count each stored line once" \
	"$(dist_sql "SELECT (SELECT sum(n) FROM daily_counts) || ' ' || (SELECT sum(n) FROM daily_hosts) || ' ' || (SELECT sum(n) FROM daily_sites)")" "151 151 151"
cg_expect "the too long and the malformed message in rejects" \
	"$(dist_sql "SELECT count(*) FROM rejects")" 2
cg_expect "the group decoded (tab, backslash)" \
	"$(dist_sql "SELECT grp = E'pu\\tp\\\\ils' FROM events WHERE school_id = 'school-odd'")" t
cg_expect "its line byte for byte, its hash found not matching" \
	"$(dist_sql "SELECT line || ' ' || hash_ok FROM events WHERE school_id = 'school-odd'")" \
	"${odd#*\] } false"
cg_expect "the schools' newest seq" \
	"$(dist_sql "SELECT string_agg(school_id || '=' || last_seq, ' ' ORDER BY school_id) FROM schools")" \
	"school-000=50 school-001=50 school-002=50 school-odd=1"
cg_pass
