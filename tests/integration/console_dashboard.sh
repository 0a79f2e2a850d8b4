#!/bin/bash
# The console's dashboard on a journal made by dig through the real campusgated: blocks
# from two clients in two groups (127.0.0.1 in default, 127.0.0.2 in lab) and one bypass
# attempt. The admin sees every number (cards, the per-hour and per-day charts with the
# category titles, top clients and sites, the bypass attempt, the gateway's status for
# people); a staff account limited to the lab sees only the lab's; zh-CN and English;
# no inline script or style; the journal's index made beside the accounts file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl dig
cg_init
port=$(cg_free_port)
cport=$(cg_free_port)
cg_console_conf "$port" "$cport" <<CONF
[dns]
timeout_ms = 300
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
[category pornography]
list = $CG_TMP/lists/porn.list
[category bypass]
kind = bypass
list = $CG_TMP/lists/doh.list
[group lab]
subnet = 127.0.0.2/32
block = gambling, pornography, bypass
[group default]
block = gambling, pornography, bypass
CONF
printf 'bet.example\n' >"$CG_TMP/lists/gambling.list"
printf 'adult.example\n' >"$CG_TMP/lists/porn.list"
printf 'doh.example\n' >"$CG_TMP/lists/doh.list"
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1 lab
cg_console_start "$conf"
cg_console_curl "$cport"

# Events: 3 gambling and 2 pornography blocks and 1 bypass attempt from 127.0.0.1
# (default), 2 gambling blocks from 127.0.0.2 (lab).
q() { dig +tries=1 +time=2 -p "$port" @127.0.0.1 "$@" >/dev/null || cg_fail "dig $*"; }
for i in 1 2 3; do q bet.example; done
for i in 1 2; do q adult.example; done
q doh.example
for i in 1 2; do q -b 127.0.0.2 bet.example; done
for i in $(seq 100); do
	n=$(cat "$CG_TMP"/journal/*.jsonl 2>/dev/null | wc -l)
	[ "$n" -ge 8 ] && break
	sleep 0.1
done
cg_expect "events journaled" "$n" 8

card() { sed -n "s/.*id=\"$1\"><span class=\"n\">\([0-9]*\)<.*/\1/p" "$CG_TMP/body"; }
has() { grep -q -- "$1" "$CG_TMP/body" || cg_fail "dashboard lacks $2: $(cat "$CG_TMP/body")"; }
lacks() { grep -q -- "$1" "$CG_TMP/body" && cg_fail "dashboard shows $2"; true; }

# The admin: every group.
A=$CG_TMP/alice.jar W=$CG_TMP/wang.jar
cg_expect "admin login" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "dashboard" "$(cc_code GET / "$A")" 200
cg_expect "blocks in 24 h" "$(card blocks-24h)" 8
cg_expect "blocks in 7 days" "$(card blocks-7d)" 8
cg_expect "bypass attempts in 24 h" "$(card bypass-24h)" 1
cg_expect "journal alarms" "$(card alarms)" 0
has '<section class="chart" id="chart-24h"><h2>最近 24 小时每小时拦截次数（按类别）</h2><svg' "the hourly chart"
has '<section class="chart" id="chart-7d"><h2>最近 7 天每天拦截次数（按类别）</h2><svg' "the daily chart"
has '>赌博 (5)</text>' "the gambling legend with its title"
has '>pornography (2)</text>' "the pornography legend"
has 'fill="url(#cgp0)"' "patterned bars"
has '<a href="/journal?client=127.0.0.1">127.0.0.1</a></td><td class="num">6</td>' "the top client"
has '<a href="/journal?client=127.0.0.2">127.0.0.2</a></td><td class="num">2</td>' "the lab's client"
has '<td>bet.example</td><td class="num">5</td>' "the top site"
has '<td>doh.example</td>' "the bypass attempt"
has 'id="st-uptime"' "the uptime"
has 'id="st-qps"><th>每秒 DNS 查询' "queries per second"
has 'id="st-cache"><th>DNS 缓存</th><td>0% 的查询由缓存应答（共 8 次查询，拦截 8 次）' "the cache share"
has 'id="st-lists"><th>名单与条目</th><td>3 个名单' "the list counts"
has 'id="st-journal"><th>安全日志</th><td>已写入 ' "the journal's state"
has 'id="st-disk"><th>日志磁盘剩余空间' "the disk left"
has "<th>pid</th><td>$CG_DAEMON_PID</td>" "the raw status"
grep -qi '<script\|style=' "$CG_TMP/body" && cg_fail "inline script or style in the dashboard"
grep -Eo '(src|href)="[^"]*"' "$CG_TMP/body" | grep -q '//' && cg_fail "external resource in the dashboard"
ls "$CG_TMP"/console/journal-index/*/*.jsonl.idx >/dev/null 2>&1 ||
	cg_fail "no journal index beside the accounts file: $(ls -R "$CG_TMP/console")"
cg_expect "dashboard in English" "$(cc_code GET '/?lang=en' "$A")" 200
has '<h2>Blocks per hour by category, last 24 hours</h2>' "the English chart title"
has '>Gambling (5)</text>' "the English category title"
has 'id="st-cache"><th>DNS cache</th><td>0% of queries answered from the cache (8 queries, 8 blocked)' "the English cache line"

# Staff limited to the lab: the lab's numbers only.
cg_expect "staff login" "$(cc_login "$W" wang staff-pass-1)" 303
cg_expect "staff dashboard" "$(cc_code GET / "$W")" 200
has 'id="scope">仅显示您负责的分组的数据：lab' "the scope note"
cg_expect "lab blocks in 24 h" "$(card blocks-24h)" 2
cg_expect "lab bypass attempts" "$(card bypass-24h)" 0
has '>赌博 (2)</text>' "the lab's gambling count"
lacks 'pornography (' "the default group's pornography"
lacks '127.0.0.1</a>' "the default group's client"
lacks 'doh.example' "the default group's bypass attempt"
has '<td>bet.example</td><td class="num">2</td>' "the lab's site"

# A new block shows at the next load (the index follows the growing day file).
q -b 127.0.0.2 bet.example
for i in $(seq 100); do
	[ "$(cat "$CG_TMP"/journal/*.jsonl | wc -l)" -ge 9 ] && break
	sleep 0.1
done
cg_expect "staff dashboard again" "$(cc_code GET / "$W")" 200
cg_expect "lab blocks after one more" "$(card blocks-24h)" 3
cg_log "console_dashboard: all checks passed"
