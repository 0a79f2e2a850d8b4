#!/bin/bash
# The console's review pages in a real browser: Debian's chromium through chromedriver
# (console_review_browser.py, Debian's /usr/bin/python3 with python3-selenium), with
# campusgated, the console, dig and the browser in a network namespace with only
# loopback. Blocked names asked from two groups' loopback addresses; then the journal
# (filters, paging), an event's detail, a device's page, the report and /check as admin,
# and the journal as a staff account limited to class7a; no CSP violation reported;
# screenshots of each page in zh-CN and English under build/console-screenshots/ (review-*).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser dig
cg_init
cg_console_netns cjournal
port=5399 cport=8444
cg_console_conf "$port" "$cport" <<CONF
[dns]
timeout_ms = 300
[journal]
school = 示例中学
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/a.list
[group class7a]
subnet = 127.0.7.0/24
block = gambling
[group class7b]
subnet = 127.0.8.0/24
block = gambling
[group default]
block = gambling
CONF
printf 'seven-a.example\nseven-b.example\n# 葡京娱乐场\nxn--fjqpit8uy6c246e.com\n' >"$CG_TMP/lists/a.list"
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1 class7a
cg_console_start "$conf" $NS
q() { ip netns exec $NS dig +short +tries=1 +time=2 -p $port @127.0.0.1 -b "$1" "$2" A >/dev/null ||
	cg_fail "dig $2 from $1"; }
for i in $(seq 55); do q 127.0.7.5 "n$i.seven-a.example"; done
q 127.0.7.6 games.seven-a.example
q 127.0.8.5 only.seven-b.example
q 127.0.8.5 xn--fjqpit8uy6c246e.com
for i in $(seq 100); do
	[ "$("$CAMPUSGATE" journal -c "$conf" --event hit --format json | wc -l)" -ge 58 ] && break
	sleep 0.1
done
id7b=$("$CAMPUSGATE" journal -c "$conf" --host fjqpit --format json | sed -n 's/.*"id":"\([a-z0-9]*\)".*/\1/p')
[ -n "$id7b" ] || cg_fail "no event id"

shots=$CG_BUILD_ROOT/console-screenshots
mkdir -p "$shots"
rm -f "$shots"/review-*.png
export HOME=$CG_TMP
ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_review_browser.py" \
	"https://127.0.0.1:$cport" "$shots" "$id7b" >"$CG_TMP/browser.log" 2>&1
rc=$?
cat "$CG_TMP/browser.log"
[ $rc = 0 ] || cg_fail "the browser test failed (exit $rc)"
for p in journal event client report check; do
	for l in zh en; do
		[ -s "$shots/review-$p-$l.png" ] || cg_fail "no screenshot review-$p-$l.png"
	done
done
[ -s "$shots/review-journal-staff-zh.png" ] || cg_fail "no staff screenshot"
cg_log "screenshots in $shots (review-*.png)"
cg_pass
