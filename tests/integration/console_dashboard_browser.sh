#!/bin/bash
# The console's dashboard in Debian's chromium (tests/integration/console_dashboard_browser.py):
# a week of journal written through the journal's writer API (bench_review --write-api,
# events dated hours and days back) and blocks made by dig through campusgated, in a
# network namespace with only loopback. Checks the charts, numbers and tables the
# admin and a staff account limited to one group see, that the browser reports no
# Content Security Policy violation, and saves screenshots in zh-CN and English
# (dashboard-full-zh.png, dashboard-full-en.png, dashboard-scoped-zh.png, under the
# build folder's console-screenshots/).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_console_need_browser dig
GEN=$CG_BUILD_ROOT/bench/bench_review
[ -x "$GEN" ] || cg_fail "bench_review (the journal generator) not built at $GEN"
cg_init
cg_console_netns cgdash
port=5399 cport=8444
cg_console_conf "$port" "$cport" <<CONF
[journal]
school = 示例中学
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
[category porn]
title_zh = 色情
title_en = Pornography
list = $CG_TMP/lists/porn.list
[category bypass]
kind = bypass
title_zh = 绕过过滤（加密 DNS、VPN、代理）
title_en = Filter bypass (encrypted DNS, VPN, proxies)
list = $CG_TMP/lists/doh.list
[group lab]
subnet = 127.0.0.2/32
block = gambling, porn, bypass
[group default]
block = gambling, porn, bypass
CONF
printf 'bet.example\n' >"$CG_TMP/lists/gambling.list"
printf 'adult.example\n' >"$CG_TMP/lists/porn.list"
printf 'doh.example\n' >"$CG_TMP/lists/doh.list"
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1 lab

# A week of events through the writer (students and teachers, gambling and porn), each
# batch dated AGE seconds back, before the daemon continues the chain.
for age in 561600 475200 388800 302400 216000 129600 90000 36000 21600 7200 3600; do
	"$GEN" --write-api "$CG_TMP/journal" $((40 + age % 97)) 0 $age >/dev/null ||
		cg_fail "bench_review --write-api $age"
done
cg_console_start "$conf" $NS
q() { ip netns exec $NS dig +tries=1 +time=2 -p "$port" @127.0.0.1 "$@" >/dev/null || cg_fail "dig $*"; }
for i in 1 2 3 4; do q bet.example; done
q adult.example
q doh.example
q -b 127.0.0.2 bet.example
"$CAMPUSGATE" journal verify --dir "$CG_TMP/journal" >/dev/null || cg_fail "the journal does not verify"

shots=$CG_BUILD_ROOT/console-screenshots
mkdir -p "$shots"
export HOME=$CG_TMP
ip netns exec $NS timeout 240 /usr/bin/python3 "$(dirname "$0")/console_dashboard_browser.py" \
	"https://127.0.0.1:$cport" "$shots" >"$CG_TMP/browser.log" 2>&1
rc=$?
cat "$CG_TMP/browser.log"
[ $rc = 0 ] || cg_fail "the browser test failed (exit $rc)"
for p in dashboard-full-zh dashboard-full-en dashboard-scoped-zh; do
	[ -s "$shots/$p.png" ] || cg_fail "no screenshot $p.png"
done
cg_log "screenshots in $shots"
cg_pass
