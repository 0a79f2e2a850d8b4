#!/bin/bash
# The console's /lists pages in a real browser: Debian's chromium driven by chromedriver
# from Debian's /usr/bin/python3 (console_lists_browser.py), everything in a network
# namespace of its own with only loopback. An admin opens the overview, searches, adds
# a name, makes a mistake and removes an entry, in zh-CN and English; the browser must
# report no CSP violation; screenshots of each step go to the build folder
# (console-screenshots/lists-*.png).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser
cg_init
cg_console_netns clists
port=5399 cport=8444
cg_console_conf "$port" "$cport" <<CONF
[journal]
school = 示例中学
[console]
lists_dir = $CG_TMP/local
[category pornography]
title_zh = 色情
title_en = Pornography
list = hosts:$CG_TMP/lists/adult.hosts
list = ?$CG_TMP/local/pornography.list
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
list = ?$CG_TMP/local/gambling.list
[category bypass]
kind = bypass
title_zh = 绕过过滤
title_en = Filter bypass
list = $CG_TMP/lists/gambling.list
[allow]
list = $CG_TMP/lists/allow.list
list = ?$CG_TMP/local/allow.list
[group default]
block = pornography gambling bypass
CONF
printf '# shipped\ncasino-one.test\ncasino-two.test\n/caipiao\\d+/\nbet.test/casino/\n' >"$CG_TMP/lists/gambling.list"
printf '0.0.0.0 adult-one.test\n0.0.0.0 adult-two.test\n' >"$CG_TMP/lists/adult.hosts"
printf 'school.test\n' >"$CG_TMP/lists/allow.list"
cg_console_user alice admin admin-pass-1

cg_console_start "$conf" $NS

shots=$CG_BUILD_ROOT/console-screenshots
mkdir -p "$shots"
rm -f "$shots"/lists-*.png
export HOME=$CG_TMP
ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_lists_browser.py" \
	"https://127.0.0.1:$cport" "$shots" >"$CG_TMP/browser.log" 2>&1
rc=$?
cat "$CG_TMP/browser.log"
[ $rc = 0 ] || cg_fail "the browser test failed (exit $rc)"
for l in zh en; do
	for p in overview search added error; do
		[ -s "$shots/lists-$p-$l.png" ] || cg_fail "no screenshot lists-$p-$l.png"
	done
done
cg_expect "the list as the browser left it" "$(cat "$CG_TMP/local/gambling.list")" "blockme.test"
"$CAMPUSGATE" journal -c "$conf" --since 1h --event admin --format csv >"$CG_TMP/j.csv"
grep -q 'list_edit.*gambling: +blockme.test.*alice' "$CG_TMP/j.csv" || cg_fail "journal: $(cat "$CG_TMP/j.csv")"
cg_log "screenshots in $shots"
cg_pass
