#!/bin/bash
# `campusgate district ingest --confirm` alone, fed omprog's protocol from a file, into a
# private PostgreSQL 15, in its default (authenticated) form: each message after the id of
# the school its listener authenticated, as the shipped rsyslog config writes it. Each
# line of a transaction answered DEFER_COMMIT and the commit
# mark OK only once the batch is stored; a redelivered transaction (half old, half new
# lines) stores only the new ones and the rollups count only those; a transaction cut by
# EOF (rsyslog gone before its commit) stores nothing; a line too long and a malformed
# one go to rejects; tab and backslash in a field reach the column decoded and the line
# byte for byte. The default refuses a message without the authenticated prefix (the
# plain form) and stores it only with --trust-message-school (tests and benchmarks);
# --authenticated is still accepted, and contradicts --trust-message-school.
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
cp "$T/lines" "$T/plain"
# what the shipped template hands the ingest: the listener's school, a space, the message
sed -E -i 's/^(.*school_id="([^"]*)".*)$/\2 \1/' "$T/lines"
grep -q '^school-001 \[campusgate@32473 seq="1" school_id="school-001"\] {' "$T/lines" ||
	cg_fail "cannot prefix the lines: $(sed -n 2p "$T/lines")"
# a line whose group has a tab and a backslash (JSON escapes; its hash no longer matches,
# which is stored as hash_ok = false, not refused)
odd=$(sed -n 1p "$T/lines" | sed 's/"group":"pupils"/"group":"pu\\tp\\\\ils"/; s/school_id="school-000"/school_id="school-odd"/; s/^school-000 /school-odd /')
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
	python3 -c "print('school-000 [campusgate@32473 seq=\"1\" school_id=\"school-000\"] ' + 'x' * 70000)"
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

# The default refuses the plain form (no authenticated school before the message): to
# rejects with why, nothing stored; --authenticated (older configs) is the same.
for flag in "" --authenticated; do
	dist_sql "TRUNCATE events, daily_counts, daily_hosts, daily_sites, schools, rejects" >/dev/null
	{ echo "BEGIN TRANSACTION"; sed -n 1,5p "$T/plain"; echo "COMMIT TRANSACTION"; } |
		"$CG" district ingest --confirm $flag --db "$DIST_URI" >"$T/replies" 2>"$T/stderr" ||
		{ cat "$T/stderr"; cg_fail "the ingest ${flag:-(default)} failed"; }
	cg_expect "${flag:-default}: the plain form stores nothing" "$(dist_sql "SELECT count(*) FROM events")" 0
	cg_expect "${flag:-default}: each plain message rejected for want of the authenticated id" \
		"$(dist_sql "SELECT count(*) FROM rejects WHERE why LIKE 'no authenticated school id%'")" 5
	grep -q "5 messages, 0 new lines stored, 5 rejected" "$T/stderr" ||
		cg_fail "${flag:-default}: the summary: $(cat "$T/stderr")"
done
# --trust-message-school: the plain form is believed, and the ingest says what it is for
{ echo "BEGIN TRANSACTION"; sed -n 1,5p "$T/plain"; echo "COMMIT TRANSACTION"; } |
	"$CG" district ingest --confirm --trust-message-school --db "$DIST_URI" >"$T/replies" 2>"$T/stderr" ||
	{ cat "$T/stderr"; cg_fail "the ingest --trust-message-school failed"; }
cg_expect "--trust-message-school stores the plain form" "$(dist_sql "SELECT count(*) FROM events")" 5
grep -q "for tests and benchmarks only" "$T/stderr" || cg_fail "no warning: $(cat "$T/stderr")"
# the two flags together are a usage error, and --help names the flag
"$CG" district ingest --trust-message-school --authenticated --db "$DIST_URI" </dev/null \
	>/dev/null 2>"$T/stderr"
cg_expect "both flags: exit 2" "$?" 2
grep -q "contradict" "$T/stderr" || cg_fail "both flags: $(cat "$T/stderr")"
"$CG" district --help | grep -q -- "--trust-message-school" || cg_fail "--help does not name the flag"
cg_log "ok: the default refuses the plain form; --trust-message-school takes it"
cg_pass
