#!/bin/bash
# The web console in a real browser: Debian's chromium driven by chromedriver from
# Debian's /usr/bin/python3 with python3-selenium (tests/integration/console_browser.py).
# campusgated, campusgate-console and the browser run in a network namespace of their own
# with only loopback (the browser reaches nothing else). Signs in as admin and as staff,
# checks what each sees and is refused, the cookies' flags, that the browser reports no
# Content Security Policy violation, and saves a screenshot of every page in zh-CN and
# English under the build folder (console-screenshots/).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser
cg_init
cg_console_netns console
port=5399 cport=8444
cg_console_conf "$port" "$cport" <<CONF
[journal]
school = 示例中学
[category gambling]
list = $CG_TMP/lists/a.list
[group class7a]
subnet = 10.7.1.0/24
block = gambling
[group default]
block = gambling
CONF
printf 'blocked-one.example\n' >"$CG_TMP/lists/a.list"
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1 class7a

cg_console_start "$conf" $NS

shots=$CG_BUILD_ROOT/console-screenshots
rm -rf "$shots"
mkdir -p "$shots"
export HOME=$CG_TMP
ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_browser.py" \
	"https://127.0.0.1:$cport" "$shots" "$CG_DAEMON_PID" >"$CG_TMP/browser.log" 2>&1
rc=$?
cat "$CG_TMP/browser.log"
[ $rc = 0 ] || cg_fail "the browser test failed (exit $rc)"
for p in login-zh login-en login-failed-zh dashboard-zh dashboard-en forbidden-zh forbidden-en \
	not-yet-zh; do
	[ -s "$shots/$p.png" ] || cg_fail "no screenshot $p.png"
done
for i in $(seq 100); do
	"$CAMPUSGATE" journal -c "$conf" --since 1h --event admin --format csv | grep -q 'login,.*,wang.$' &&
		break
	sleep 0.1
done
[ "$i" -lt 100 ] || cg_fail "the browser's login is not in the journal"
cg_log "screenshots in $shots"
cg_pass
