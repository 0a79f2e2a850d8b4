#!/bin/bash
# The console's accounts and password pages, a first sign-in with a one-time password and
# an expired session, in Debian's chromium (chromedriver, python3-selenium: 
# console_accounts_browser.py), with campusgated and campusgate-console in a network
# namespace of their own with only loopback. Two runs: the pages with the default session
# lifetimes, then the console again with [console] session_idle_s = 3, where a session
# left idle is sent to the sign-in page with "your session has ended" and its POST is
# refused. Screenshots in zh-CN and English under the build folder
# (console-screenshots/accounts-*.png ...).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser
cg_init
cg_console_netns caccounts
port=5399 cport=8444
cg_console_conf "$port" "$cport" <<CONF
[journal]
school = 示例中学
[category gambling]
list = $CG_TMP/lists/a.list
[group class7a]
subnet = 10.7.1.0/24
block = gambling
[group class7b]
subnet = 10.7.2.0/24
block = gambling
[group default]
block = gambling
CONF
printf 'blocked-one.example\n' >"$CG_TMP/lists/a.list"
cg_console_user alice admin admin-pass-1

shots=$CG_BUILD_ROOT/console-screenshots
mkdir -p "$shots"
export HOME=$CG_TMP
browse() {
	ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_accounts_browser.py" \
		"https://127.0.0.1:$cport" "$shots" "$1" >"$CG_TMP/browser.log" 2>&1
	local rc=$?
	cat "$CG_TMP/browser.log"
	[ $rc = 0 ] || cg_fail "the browser test ($1) failed (exit $rc)"
}

# 1. The pages, with the default lifetimes.
cg_console_start "$conf" $NS
browse pages
for p in accounts-zh accounts-en accounts-added-zh accounts-added-en account-self-zh \
	account-self-en first-signin-zh first-signin-en password-zh password-en password-done-zh; do
	[ -s "$shots/$p.png" ] || cg_fail "no screenshot $p.png"
done
grep -q '^zhang:staff:class7a::' "$CG_TMP/console/accounts" ||
	cg_fail "zhang after the browser: $(cat "$CG_TMP/console/accounts")"

# 2. The console again, with sessions that end after 3 idle seconds.
cg_stop_pid "$CONSOLE_PID"
sed -i "s|^accounts = .*|&\nsession_idle_s = 3|" "$conf"
: >"$CG_TMP/console.log"
ip netns exec $NS "$CONSOLE" -c "$conf" >>"$CG_TMP/console.log" 2>&1 &
CONSOLE_PID=$!
CG_PIDS+=("$CONSOLE_PID")
for i in $(seq 100); do
	grep -q "console serving" "$CG_TMP/console.log" && break
	sleep 0.1
done
grep -q "console serving" "$CG_TMP/console.log" || cg_fail "the console did not start again"
browse expiry
for p in session-ended-zh session-ended-en session-post-refused-zh; do
	[ -s "$shots/$p.png" ] || cg_fail "no screenshot $p.png"
done
grep -q '^late:' "$CG_TMP/console/accounts" && cg_fail "an expired session's POST added an account"
cg_log "screenshots in $shots"
cg_pass
