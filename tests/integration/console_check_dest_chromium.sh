#!/bin/bash
# The console's /check with a destination address in a real browser: Debian's chromium
# through chromedriver (console_check_dest_browser.py, /usr/bin/python3 with
# python3-selenium), campusgated, the console and the browser in a network namespace
# with only loopback. The form's destination field filled and sent in zh-CN and English
# (an allowed name to a listed address: blocked by the address; a bad address: the
# field named); no CSP violation; screenshots under build/console-screenshots/
# (check-dest-*).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser
cg_init
cg_console_netns chkdest
port=5398 cport=8445
cg_console_conf "$port" "$cport" <<CONF
[category vpn]
kind = bypass
title_zh = 翻墙代理
title_en = VPN
list = $CG_TMP/lists/vpn-ip.list
[group default]
block = vpn
CONF
printf '# a VPN provider'"'"'s exits\n198.51.100.7\n2001:db8::66\n' >"$CG_TMP/lists/vpn-ip.list"
cg_console_user alice admin admin-pass-1
cg_console_start "$conf" $NS
shots=$CG_BUILD_ROOT/console-screenshots
mkdir -p "$shots"
rm -f "$shots"/check-dest-*.png
export HOME=$CG_TMP
ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_check_dest_browser.py" \
	"https://127.0.0.1:$cport" "$shots" >"$CG_TMP/browser.log" 2>&1
rc=$?
cat "$CG_TMP/browser.log"
[ $rc = 0 ] || cg_fail "the browser test failed (exit $rc)"
for s in zh en bad-zh; do
	[ -s "$shots/check-dest-$s.png" ] || cg_fail "no screenshot check-dest-$s.png"
done
cg_log "screenshots in $shots (check-dest-*.png)"
cg_pass
