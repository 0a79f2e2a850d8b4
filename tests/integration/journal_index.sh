#!/bin/bash
# campusgate journal index and the CLI's use of the journal's index: on a generated,
# hash-chained journal (8 days, bench_review --generate-only), `journal` (table, json,
# csv, --newest) and `report` (text, csv) print byte for byte the same with the index
# as with CAMPUSGATE_INDEX=off, also after a day file grew (the index is extended) and
# after one was changed in place (the index is rebuilt, never trusted); the index is
# really read (pread of its blocks, counted with strace); where it is kept (the console's
# folder when readable, else XDG_CACHE_HOME); the options' errors in English and Chinese.
. "$(dirname "$0")/lib.sh"
cg_need strace
cg_init
J=$CG_TMP/journal
cg_gen_journal "$J" 80000 8
export XDG_CACHE_HOME=$CG_TMP/cache
unset CAMPUSGATE_INDEX
IDX=$XDG_CACHE_HOME/campusgate/journal-index
cg() { "$CAMPUSGATE" "$@"; }

# journal index: builds the index of every day file
out=$(cg journal index --dir "$J" --days 10) || cg_fail "journal index: $out"
case $out in "indexed 9 day files of $J in "*"; the index is in $IDX") ;;
*) cg_fail "journal index said: $out" ;; esac
n=$(ls "$IDX"/*/*.jsonl.idx | wc -l)
cg_expect "index files" "$n" 9
out=$(cg journal index --dir "$J" --days 2) || cg_fail "journal index --days 2"
case $out in "indexed "[345]" day files of"*) ;; *) cg_fail "--days 2 said: $out" ;; esac  # a day more or two: days are local, the range UTC

# the same output with and without the index
same() { # same NAME ARGS...: campusgate ARGS with the index and without: the same exit
	# status and byte-identical output (report exits 1 once the journal was tampered with)
	local name=$1 on off; shift
	cg "$@" >"$CG_TMP/on" 2>"$CG_TMP/on.err"; on=$?
	CAMPUSGATE_INDEX=off cg "$@" >"$CG_TMP/off" 2>"$CG_TMP/off.err"; off=$?
	[ $on -le 1 ] || cg_fail "$name (index): exit $on: $(cat "$CG_TMP/on.err")"
	[ $on = $off ] || cg_fail "$name: exit $on with the index, $off without"
	# a report says when it was made (to the second): not what is compared
	sed -Ei 's/[0-9-]{10} [0-9:]{8}( by campusgate report|（campusgate report）)/TIME\1/' "$CG_TMP/on" "$CG_TMP/off"
	cmp -s "$CG_TMP/on" "$CG_TMP/off" || cg_fail "$name: differs with the index: $(diff "$CG_TMP/on" "$CG_TMP/off" | head)"
	[ -s "$CG_TMP/on" ] || cg_fail "$name: empty output"
	cg_log "same with and without the index: $name ($(wc -l <"$CG_TMP/on") lines, exit $on)"
}
now=$(date +%s)
from=$(date -d @$((now - 5 * 86400)) +%Y-%m-%dT%H:%M:%S%:z)
to=$(date -d @$((now - 86400)) +%Y-%m-%dT%H:%M:%S%:z)
client=$(sed -n '5000s/.*"client":"\([^"]*\)".*/\1/p' "$(ls "$J"/*.jsonl | tail -n 3 | head -n 1)")
[ -n "$client" ] || cg_fail "no client in the journal"
all() {
	same "journal --since 10d json" journal --dir "$J" --since 10d --format json
	same "journal client json" journal --dir "$J" --since 10d --client "$client" --format json
	same "journal client table" journal --dir "$J" --from "$from" --to "$to" --client "$client"
	same "journal category csv" journal --dir "$J" --from "$from" --to "$to" --category gambling --group students --format csv
	same "journal bypass" journal --dir "$J" --since 10d --event bypass --format json
	same "journal --newest client" journal --dir "$J" --since 10d --client "$client" --newest --limit 20 --format json
	same "journal --newest" journal --dir "$J" --since 10d --newest --limit 300 --format json
	same "report text" report --dir "$J" --from "$from" --to "$to" --lang en
	same "report csv" report --dir "$J" --from "$from" --to "$to" --csv
	same "report client" report --dir "$J" --from "$from" --to "$to" --client "$client"
}
all
# --newest is the oldest-first output backwards
cg journal --dir "$J" --since 10d --client "$client" --format json | tail -n 20 | tac >"$CG_TMP/tail"
cg journal --dir "$J" --since 10d --client "$client" --newest --limit 20 --format json >"$CG_TMP/newest"
cmp -s "$CG_TMP/tail" "$CG_TMP/newest" || cg_fail "--newest is not the newest first"

# the index is read: its blocks by pread; without it, none
strace -f -e trace=pread64 -o "$CG_TMP/st.on" "$CAMPUSGATE" journal --dir "$J" --since 10d --client "$client" >/dev/null
CAMPUSGATE_INDEX=off strace -f -e trace=pread64 -o "$CG_TMP/st.off" "$CAMPUSGATE" journal --dir "$J" --since 10d --client "$client" >/dev/null
p_on=$(grep -c pread64 "$CG_TMP/st.on") p_off=$(grep -c pread64 "$CG_TMP/st.off")
[ "$p_on" -gt $((p_off + 5)) ] || cg_fail "index not read (pread: $p_on with, $p_off without)"
cg_log "ok: $p_on preads with the index (its blocks), $p_off without"

# a day file grows (the daemon appends): the index is extended, the output still right
last=$(ls "$J"/*.jsonl | tail -n 1)
tail -n 1 "$last" | sed 's/"client":"[^"]*"/"client":"10.99.99.99"/' >>"$last"
same "journal after an append" journal --dir "$J" --since 10d --client 10.99.99.99 --format json
cg_expect "the appended line found" "$(cg journal --dir "$J" --since 10d --client 10.99.99.99 --format json | wc -l)" 1
all
# a day file changed in place (same size): the index does not fit; rebuilt, not trusted
mid=$(ls "$J"/*.jsonl | tail -n 4 | head -n 1)
python3 - "$mid" <<'PY'
import sys
p = sys.argv[1]
b = open(p, 'rb').read()
i = b.index(b'"category":"gambling"')
open(p, 'r+b').write(b[:i] + b'"category":"GAMBLING"' + b[i + 21:])
PY
same "journal after an edit" journal --dir "$J" --since 10d --category GAMBLING --format json
cg_expect "the edited line found" "$(cg journal --dir "$J" --since 10d --category GAMBLING --format json | wc -l)" 1
all

# CAMPUSGATE_INDEX=off: journal index does nothing
rm -rf "$XDG_CACHE_HOME"
out=$(CAMPUSGATE_INDEX=off cg journal index --dir "$J" 2>&1) || cg_fail "index off: exit $?"
case $out in *"CAMPUSGATE_INDEX=off"*) ;; *) cg_fail "index off said: $out" ;; esac
[ -e "$IDX" ] && cg_fail "CAMPUSGATE_INDEX=off made an index"

# the console's folder, when readable, is the CLI's too
mkdir -p "$CG_TMP/console/journal-index"
cat >"$CG_TMP/c.conf" <<CONF
[journal]
dir = $J
[console]
accounts = $CG_TMP/console/accounts
CONF
out=$(cg journal index -c "$CG_TMP/c.conf" --days 3) || cg_fail "journal index -c: $out"
case $out in *"the index is in $CG_TMP/console/journal-index") ;; *) cg_fail "-c said: $out" ;; esac
ls "$CG_TMP"/console/journal-index/*/*.jsonl.idx >/dev/null 2>&1 || cg_fail "no index in the console's folder"
[ -e "$IDX" ] && cg_fail "the user's cache used although the console's folder is readable"
same "journal -c" journal -c "$CG_TMP/c.conf" --since 2d --client "$client" --format json

# options: errors and help, English and Chinese
err() { # err EXPECTED-TEXT ARGS...: exit 2 and the text on stderr
	local want=$1; shift
	cg journal index "$@" >/dev/null 2>"$CG_TMP/err" && cg_fail "journal index $* succeeded"
	[ $? = 2 ] || cg_fail "journal index $*: exit not 2"
	grep -qF -- "$want" "$CG_TMP/err" || cg_fail "journal index $*: said $(cat "$CG_TMP/err")"
}
err "--days wants a number of days from 1 to 400, not '0'" --dir "$J" --days 0
err "--days wants a number of days from 1 to 400, not '401'" --dir "$J" --days 401
err "option needs a value: '--days'" --dir "$J" --days
err "unknown option '--since'" --dir "$J" --since 2d
err "unexpected argument 'x'" --dir "$J" x
err "give -c CONF or --dir DIR, not both" -c "$CG_TMP/c.conf" --dir "$J"
err "(see campusgate journal index --help)" --days 0
err "cannot use the configuration" -c "$CG_TMP/nonexistent.conf"
LC_ALL=zh_CN.UTF-8 err "--days 需要 1 到 400 之间的天数，而不是 '0'" --dir "$J" --days 0
cg journal index --help | grep -q '^    campusgate journal index \[-c CONF | --dir DIR\] \[--days N\]$' || cg_fail "help (en)"
LC_ALL=zh_CN.UTF-8 cg journal index --help | grep -q '^    campusgate journal index - 建立或更新安全日志的索引$' || cg_fail "help (zh)"
cg journal --help | grep -q -- '--newest' || cg_fail "journal --help lacks --newest"
cg report --since 1d --dir "$J" --newest >/dev/null 2>"$CG_TMP/err" && cg_fail "report --newest accepted"
grep -q "this option is for campusgate journal" "$CG_TMP/err" || cg_fail "report --newest said: $(cat "$CG_TMP/err")"
cg_pass
