#!/bin/bash
# Unblock requests in a real browser (console_unblock_browser.py): the pupil's block page
# through campusgated's explicit proxy, the review form filled in and sent, the thank-you
# page; the admin's queue in campusgate-console, an approval and a decline. All inside a
# network namespace with only loopback. Screenshots of each step in zh-CN and English go
# to the build folder's console-screenshots/ (unblock-*.png).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser
cg_init
cg_console_netns cgunblock
dport=5398 cport=8445 ep=3129 op=8099
mkdir -p "$CG_TMP/console"
cg_console_conf "$dport" "$cport" <<CONF
[general]
allow_root = yes
[http]
explicit_listen = 127.0.0.1:$ep
parent = 127.0.0.1:$op
[journal]
school = 示例中学
contact = 信息中心 王老师
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
[allow]
grants = $CG_TMP/console/grants
[group default]
block = gambling
CONF
printf 'casino.test\nbet.test\n' >"$CG_TMP/lists/gambling.list"
cg_console_user alice admin admin-pass-1
cg_http_origin $NS 127.0.0.1 "$op" o1
cg_console_start "$conf" $NS

shots=$CG_BUILD_ROOT/console-screenshots
mkdir -p "$shots"
export HOME=$CG_TMP
ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_unblock_browser.py" \
	"https://127.0.0.1:$cport" "127.0.0.1:$ep" "$shots" >"$CG_TMP/browser.log" 2>&1
rc=$?
cat "$CG_TMP/browser.log"
[ $rc = 0 ] || cg_fail "the browser test failed (exit $rc)"
for p in blockpage-form-zh blockpage-form-en thanks-zh thanks-en queue-zh queue-en approved-zh \
	declined-en; do
	[ -s "$shots/unblock-$p.png" ] || cg_fail "no screenshot unblock-$p.png"
done
cg_log "screenshots in $shots (unblock-*.png)"
cg_pass
