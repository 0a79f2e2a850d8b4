#!/bin/bash
# The console serves at once on a large journal and builds the journal's index behind:
# on a generated, hash-chained journal of 30 days (1.2M events; CG_INDEX_EVENTS to
# change), the login page and the first dashboard answer in a small part of the time a
# full build of the index takes (timed first with `campusgate journal index` into a
# scratch folder), while the console's thread is still building; the dashboard's numbers
# then, once the index is complete, and after a restart with it on disk are the same,
# and agree with `campusgate journal` reading every line (CAMPUSGATE_INDEX=off); the
# journal page answers meanwhile too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl
cg_init
J=$CG_TMP/journal
events=${CG_INDEX_EVENTS:-1200000}
cg_gen_journal "$J" "$events" 30
ndays=$(ls "$J"/*.jsonl | wc -l)
cg_log "generated $events events in $ndays day files"
cport=$(cg_free_port)
cg_console_conf "$(cg_free_port)" "$cport" <<CONF
[general]
timezone = Asia/Shanghai
CONF
cg_console_user alice admin admin-pass-1
ms() { echo $(( (${EPOCHREALTIME/./} - ${1/./}) / 1000 )); } # ms since $1

# The full build, timed (the console's own index folder stays empty).
t=$EPOCHREALTIME
XDG_CACHE_HOME=$CG_TMP/scratch "$CAMPUSGATE" journal index --dir "$J" --days 31 >/dev/null ||
	cg_fail "journal index"
full=$(ms "$t")
rm -rf "$CG_TMP/scratch"
cg_log "a full build of the index: $full ms"

card() { sed -n "s/.*id=\"$1\"><span class=\"n\">\([0-9]*\)<.*/\1/p" "$2"; }
# The dashboard's numbers: cards, the top clients and sites, the chart legends.
nums() {
	grep -o 'id="[a-z0-9-]*"><span class="n">[0-9]*<' "$1"
	grep -o '<a href="/journal?client=[^"]*">[^<]*</a></td><td class="num">[0-9]*<' "$1"
	grep -o '<td>[^<]*</td><td class="num">[0-9]*</td>' "$1"
	grep -o '<text[^>]*>[^<]*([0-9]*)</text>' "$1"
}
hour() { echo $(( $(date +%s) / 3600 )); }
# cli_agrees DASH: its cards are what `campusgate journal` counts reading every line
# (the journal ends before the test started, so only the windows move: at an hour's
# end, and the 7 days at the school's midnight, which is an hour's end too).
# 0, or 1 when an hour ended meanwhile (then the caller tries again).
cli_agrees() {
	local h=$1 f=$2 now h24 d7
	now=$(date +%s)
	h24=$(date -d @$(( now / 3600 * 3600 - 23 * 3600 )) +%Y-%m-%dT%H:%M:%S%:z)
	d7=$(TZ=Asia/Shanghai date -d "@$((now - 6 * 86400))" +%Y-%m-%d)
	cnt() { CAMPUSGATE_INDEX=off "$CAMPUSGATE" journal --dir "$J" --tz Asia/Shanghai "$@" --format json | wc -l; }
	local b24 b7 y24
	b24=$(cnt --from "$h24" --action block) b7=$(cnt --from "$d7" --action block)
	y24=$(cnt --from "$h24" --event bypass)
	[ "$(hour)" = "$h" ] || return 1
	cg_expect "blocks in 24 h, as the CLI counts them" "$(card blocks-24h "$f")" "$b24"
	cg_expect "blocks in 7 days, as the CLI counts them" "$(card blocks-7d "$f")" "$b7"
	cg_expect "bypass attempts in 24 h, as the CLI counts them" "$(card bypass-24h "$f")" "$y24"
}

# First round: a console with no index yet; again from scratch if an hour ends meanwhile.
A=$CG_TMP/alice.jar
cg_console_curl "$cport"
for round in 1 2; do
	rm -rf "$CG_TMP/console/journal-index"
	cg_console_start "$conf"
	h=$(hour)
	t=$EPOCHREALTIME
	cg_expect "login page" "$(cc_code GET /login "$A")" 200
	login=$(ms "$t")
	cg_expect "admin login" "$(cc_login "$A" alice admin-pass-1)" 303
	t=$EPOCHREALTIME
	cg_expect "first dashboard" "$(cc_code GET / "$A")" 200
	dash=$(ms "$t")
	grep -q "journal index ready" "$CG_TMP/console.log" && building=no || building=yes
	cp "$CG_TMP/body" "$CG_TMP/dash1"
	t=$EPOCHREALTIME
	cg_expect "journal page" "$(cc_code GET '/journal?since=7d' "$A")" 200
	jpage=$(ms "$t")
	# a client with no event: every day file is read (plainly, while they have no index)
	t=$EPOCHREALTIME
	cg_expect "journal page, no match in 30 days" "$(cc_code GET '/journal?since=all&client=10.250.0.1' "$A")" 200
	jnone=$(ms "$t")
	grep -q 'href="/journal/event?id=' "$CG_TMP/body" && cg_fail "events of a client that has none"
	cli_agrees "$h" "$CG_TMP/dash1" && break
	cg_log "an hour ended during the first round: once more"
	cg_stop_pid "$CONSOLE_PID"
	cg_stop_pid "$CG_DAEMON_PID"
	[ $round = 2 ] && cg_fail "an hour ended during both rounds"
done
cg_log "login page $login ms, first dashboard $dash ms (index still building: $building), journal page $jpage ms, one with no match in 30 days $jnone ms; a full build $full ms"
[ "$login" -lt $((full / 5)) ] || cg_fail "the login page took $login ms (a full build: $full ms)"
[ "$dash" -lt $((full / 2)) ] || cg_fail "the first dashboard took $dash ms (a full build: $full ms)"
[ "$jpage" -lt $((full / 2)) ] || cg_fail "the journal page took $jpage ms (a full build: $full ms)"
[ "$jnone" -lt $((full / 2)) ] || cg_fail "the journal page over 30 days took $jnone ms (a full build: $full ms)"
nums "$CG_TMP/dash1" >"$CG_TMP/nums1"
[ "$(grep -c 'class="n"' "$CG_TMP/nums1")" -ge 4 ] || cg_fail "no cards on the dashboard: $(head -c 2000 "$CG_TMP/dash1")"

# a client's page, newest first, as the CLI finds it
client=$(sed -n '3000s/.*"client":"\([^"]*\)".*/\1/p' "$(ls "$J"/*.jsonl | tail -n 2 | head -n 1)")
cg_expect "journal page of $client" "$(cc_code GET "/journal?since=all&client=$client" "$A")" 200
grep -o 'href="/journal/event?id=[^"]*"' "$CG_TMP/body" | sed 's/.*id=//; s/"//' | uniq >"$CG_TMP/ids.page"
CAMPUSGATE_INDEX=off "$CAMPUSGATE" journal --dir "$J" --client "$client" --newest --limit 50 --format json |
	sed 's/.*"id":"\([^"]*\)".*/\1/' >"$CG_TMP/ids.cli"
[ -s "$CG_TMP/ids.cli" ] || cg_fail "no events of $client"
cmp -s "$CG_TMP/ids.page" "$CG_TMP/ids.cli" || cg_fail "the journal page of $client differs from the CLI: $(diff "$CG_TMP/ids.page" "$CG_TMP/ids.cli" | head)"
cg_log "ok: the journal page of $client lists the $(wc -l <"$CG_TMP/ids.cli") events the CLI lists, newest first"

for i in $(seq 1200); do
	grep -q "journal index ready" "$CG_TMP/console.log" && break
	sleep 0.1
done
grep -q "journal index ready" "$CG_TMP/console.log" || cg_fail "the index was not built in 120 s"
cg_log "$(grep -o 'journal index ready.*' "$CG_TMP/console.log")"
n=$(ls "$CG_TMP"/console/journal-index/*/*.jsonl.idx | wc -l)
cg_expect "index files" "$n" "$ndays"
# once built: the same numbers (all of them when still in the first round's hour)
h2=$(hour)
cg_expect "dashboard, index built" "$(cc_code GET / "$A")" 200
cp "$CG_TMP/body" "$CG_TMP/dash2"
nums "$CG_TMP/dash2" >"$CG_TMP/nums2"
if [ "$h2" = "$h" ] && [ "$(hour)" = "$h" ]; then
	cmp -s "$CG_TMP/nums1" "$CG_TMP/nums2" || cg_fail "dashboard numbers differ: $(diff "$CG_TMP/nums1" "$CG_TMP/nums2" | head)"
	cg_log "ok: the same numbers while the index was building and once built ($(wc -l <"$CG_TMP/nums1") values)"
fi
cli_agrees "$h2" "$CG_TMP/dash2" || cg_log "an hour ended: the built index's numbers not compared with the CLI"

# A restart: the index comes back from its folder; the same numbers again.
cg_stop_pid "$CONSOLE_PID"
cg_stop_pid "$CG_DAEMON_PID"
cg_console_start "$conf"
h3=$(hour)
cg_expect "login after a restart" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "dashboard after a restart" "$(cc_code GET / "$A")" 200
cp "$CG_TMP/body" "$CG_TMP/dash3"
nums "$CG_TMP/dash3" >"$CG_TMP/nums3"
if [ "$h3" = "$h2" ] && [ "$(hour)" = "$h2" ]; then
	cmp -s "$CG_TMP/nums2" "$CG_TMP/nums3" || cg_fail "dashboard numbers differ after a restart: $(diff "$CG_TMP/nums2" "$CG_TMP/nums3" | head)"
	cg_log "ok: the same numbers after a restart"
fi
cli_agrees "$h3" "$CG_TMP/dash3" || cg_log "an hour ended: the restarted console's numbers not compared with the CLI"
cg_pass
