#!/bin/bash
# The console's review pages with the real campusgated on loopback, curl over HTTPS:
# blocked names asked with dig (from two groups' loopback addresses) appear on /journal;
# its filters and paging work; /journal/event?id= shows an event's detail; the CSV
# export is the CSV of `campusgate journal --csv` (BOM, localised headers); the device
# drill-down; /report renders (its own style sheet, no inline style); /check answers from
# the running policy; and a staff account limited to class7a never sees class7b's events
# (list, detail, CSV, report, device drill-down).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl dig
cg_init
port=$(cg_free_port)
cport=$(cg_free_port)
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
cg_console_start "$conf"
cg_console_curl "$cport"
A=$CG_TMP/alice.jar W=$CG_TMP/wang.jar
cg_expect "alice signs in" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "wang signs in" "$(cc_login "$W" wang staff-pass-1)" 303

# 1. Events through the daemon: 60 blocked names from class7a, 2 from class7b.
q() { dig +short +tries=1 +time=2 -p "$port" @127.0.0.1 -b "$1" "$2" A >/dev/null || cg_fail "dig $2 from $1"; }
for i in $(seq 60); do q 127.0.7.5 "n$i.seven-a.example"; done
q 127.0.8.5 only.seven-b.example
q 127.0.8.5 xn--fjqpit8uy6c246e.com
for i in $(seq 100); do
	n=$("$CAMPUSGATE" journal -c "$conf" --event hit --format json | wc -l)
	[ "$n" -ge 62 ] && break
	sleep 0.1
done
cg_expect "62 block events journaled" "$n" 62
id7b=$("$CAMPUSGATE" journal -c "$conf" --host only.seven-b --format json | sed -n 's/.*"id":"\([a-z0-9]*\)".*/\1/p')
id7a=$("$CAMPUSGATE" journal -c "$conf" --host n7.seven-a --format json | sed -n 's/.*"id":"\([a-z0-9]*\)".*/\1/p')
[ -n "$id7b" ] && [ -n "$id7a" ] || cg_fail "no event ids"
rows() { grep -o '<tr><td class="t">' "$CG_TMP/body" | wc -l; }

# 2. /journal: newest first, 50 a page, the older page by its link; filters.
cg_expect "journal page" "$(cc_code GET '/journal?group=class7a' "$A")" 200
cg_expect "first page rows" "$(rows)" 50
grep -q '<html lang="zh-CN">' "$CG_TMP/body" || cg_fail "journal not zh-CN"
grep -q '最新的 50 条事件' "$CG_TMP/body" || cg_fail "no count line"
first=$(grep -o 'n[0-9]*\.seven-a\.example' "$CG_TMP/body" | head -n 1)
cg_expect "newest first" "$first" n60.seven-a.example
next=$(sed -n 's/.*<a rel="next" href="\([^"]*\)".*/\1/p' "$CG_TMP/body" | sed 's/&amp;/\&/g')
[ -n "$next" ] || cg_fail "no link to older events"
cg_expect "older page" "$(cc_code GET "$next" "$A")" 200
cg_expect "older page rows" "$(rows)" 10
grep -q 'n1\.seven-a\.example' "$CG_TMP/body" || cg_fail "the oldest event is not on page 2"
grep -q 'n11\.seven-a' "$CG_TMP/body" && cg_fail "page 2 repeats page 1"
grep -q 'rel="next"' "$CG_TMP/body" && cg_fail "a third page"
cg_expect "filter group" "$(cc_code GET '/journal?since=1h&group=class7b' "$A")" 200
cg_expect "class7b rows" "$(rows)" 2
cg_expect "filter host (Unicode finds punycode)" "$(cc_code GET '/journal?host=%E8%91%A1%E4%BA%AC' "$A")" 200
cg_expect "葡京 rows" "$(rows)" 1
grep -q '葡京娱乐场.com' "$CG_TMP/body" || cg_fail "the site is not shown in Unicode"
cg_expect "filter client subnet" "$(cc_code GET '/journal?client=127.0.8.0%2F24&event=hit' "$A")" 200
cg_expect "client rows" "$(rows)" 2
cg_expect "filter category+action" "$(cc_code GET '/journal?category=gambling&action=block&since=1h' "$A")" 200
cg_expect "category rows" "$(rows)" 50
cg_expect "bad client refused" "$(cc_code GET '/journal?client=not-an-ip' "$A")" 400
grep -q '客户端（地址或网段）：“not-an-ip”无效' "$CG_TMP/body" || cg_fail "no reason for the bad client"
cg_expect "bad time refused" "$(cc_code GET '/journal?from=yesterday' "$A")" 400
cg_expect "English" "$(cc_code GET '/journal?lang=en&group=class7b' "$A")" 200
grep -q 'Security journal' "$CG_TMP/body" || cg_fail "journal not in English"
cc_code GET '/journal?lang=zh' "$A" >/dev/null
grep -q 'style=' "$CG_TMP/body" && cg_fail "inline style on /journal"

# 3. An event's detail by its id; the device drill-down.
cg_expect "event detail" "$(cc_code GET "/journal/event?id=$id7b" "$A")" 200
for want in "$id7b" only.seven-b.example class7b 127.0.8.5 gambling "$CG_TMP/lists/a.list:2" \
	"该设备最近 3 小时的记录"; do
	grep -qF "$want" "$CG_TMP/body" || cg_fail "event detail lacks $want"
done
cg_expect "unknown id" "$(cc_code GET '/journal/event?id=zzzz' "$A")" 404
cg_expect "bad id" "$(cc_code GET '/journal/event?id=%3Cx%3E' "$A")" 404
cg_expect "device page" "$(cc_code GET '/journal/client?addr=127.0.8.5' "$A")" 200
cg_expect "device rows" "$(rows)" 2
grep -q '设备 127.0.8.5' "$CG_TMP/body" || cg_fail "device page heading"
cg_expect "device: not an address" "$(cc_code GET '/journal/client?addr=10.0.0.0%2F8' "$A")" 400

# 4. CSV: the bytes of `campusgate journal --csv` for the same filter, in both languages.
cg_expect "csv" "$(cc_code GET '/journal/csv?since=all&group=class7b' "$A")" 200
grep -qi '^content-type: text/csv; charset=utf-8' "$CG_TMP/head" || cg_fail "csv type: $(cat "$CG_TMP/head")"
grep -qi '^content-disposition: attachment; filename="journal.csv"' "$CG_TMP/head" || cg_fail "csv disposition"
[ "$(head -c 3 "$CG_TMP/body" | od -An -tx1 | tr -d ' ')" = efbbbf ] || cg_fail "csv has no BOM"
head -n 1 "$CG_TMP/body" | grep -q '时间,序号,事件号' || cg_fail "csv zh headers: $(head -n 1 "$CG_TMP/body")"
LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" journal -c "$conf" --group class7b --format csv >"$CG_TMP/cli.csv"
cmp -s "$CG_TMP/body" "$CG_TMP/cli.csv" || cg_fail "console CSV differs from journal --csv: $(diff "$CG_TMP/body" "$CG_TMP/cli.csv")"
cg_expect "csv en" "$(cc_code GET '/journal/csv?since=all&group=class7b&lang=en' "$A")" 200
head -n 1 "$CG_TMP/body" | grep -q 'time,seq,id' || cg_fail "csv en headers"
cc_code GET '/journal?lang=zh' "$A" >/dev/null

# 5. Staff limited to class7a: never another group's events.
cg_expect "wang journal" "$(cc_code GET '/journal?since=1h' "$W")" 200
cg_expect "wang rows (page)" "$(rows)" 50
grep -q 'seven-b\|127\.0\.8\.\|class7b\|葡京' "$CG_TMP/body" && cg_fail "wang sees class7b on /journal"
grep -q '您的账号只能查看以下分组：class7a' "$CG_TMP/body" || cg_fail "no scope note"
cg_expect "wang asks for class7b" "$(cc_code GET '/journal?group=class7b' "$W")" 403
cg_expect "wang searches 7b's host" "$(cc_code GET '/journal?host=seven-b' "$W")" 200
cg_expect "wang host rows" "$(rows)" 0
cg_expect "wang 7b event by id" "$(cc_code GET "/journal/event?id=$id7b" "$W")" 404
grep -q 'seven-b' "$CG_TMP/body" && cg_fail "the 404 tells of the event"
cg_expect "wang 7a event by id" "$(cc_code GET "/journal/event?id=$id7a" "$W")" 200
cg_expect "wang 7b device" "$(cc_code GET '/journal/client?addr=127.0.8.5' "$W")" 200
cg_expect "wang 7b device rows" "$(rows)" 0
cg_expect "wang csv" "$(cc_code GET '/journal/csv?since=all' "$W")" 200
cg_expect "wang csv rows" "$(($(wc -l <"$CG_TMP/body") - 1))" 60
grep -q 'seven-b\|127\.0\.8\.\|class7b\|,admin,' "$CG_TMP/body" && cg_fail "wang's CSV has others' events"
cg_expect "wang csv of 7b" "$(cc_code GET '/journal/csv?group=class7b' "$W")" 403
cg_expect "wang report of class7b" "$(cc_code GET '/report?group=class7b' "$W")" 403
cg_expect "wang report" "$(cc_code GET '/report' "$W")" 200
grep -q 'seven-b\|127\.0\.8\.\|class7b\|fjqpit' "$CG_TMP/body" && cg_fail "wang's report has class7b"
grep -q 'seven-a' "$CG_TMP/body" || cg_fail "wang's report lacks class7a"

# 6. The report: the CLI's, in the console's frame, its own style sheet, no inline style.
cg_expect "report" "$(cc_code GET '/report' "$A")" 200
for want in '示例中学' '<link rel="stylesheet" href="/static/report.css">' '<svg' 'class7b' \
	'事件报告' '127.0.8.5'; do
	grep -qF "$want" "$CG_TMP/body" || cg_fail "report lacks $want"
done
grep -q '<style\|style=\|<script' "$CG_TMP/body" && cg_fail "inline style or script in the report"
csvlink=$(sed -n 's|.*<a href="\(/journal/csv?[^"]*\)".*|\1|p' "$CG_TMP/body" | sed 's/&amp;/\&/g' | tail -n 1)
[ -n "$csvlink" ] || cg_fail "the report has no link to its events as CSV"
cg_expect "report's CSV link" "$(cc_code GET "$csvlink" "$A")" 200
cg_expect "report's CSV rows (every incident, not only the listed 50)" \
	"$(grep -c 'seven-a.example,' "$CG_TMP/body")" 60
cc_code GET '/report' "$A" >/dev/null
cg_expect "report period" "$(cc_code GET '/report?since=7d&lang=en' "$A")" 200
grep -q 'Gambling' "$CG_TMP/body" || cg_fail "report en lacks the category title"
cg_expect "report bad period" "$(cc_code GET '/report?since=forever' "$A")" 400
cg_expect "report.css" "$(cc_code GET /static/report.css "$A")" 200
grep -q '@media print' "$CG_TMP/body" || cg_fail "report.css has no print rules"
grep -qi '^content-type: text/css' "$CG_TMP/head" || cg_fail "report.css type"
cc_code GET '/report?lang=zh' "$A" >/dev/null

# 7. /check: campusgated's running policy explains (not the files: an edit without a
#    reload is not seen until the reload).
cg_expect "check page" "$(cc_code GET '/check' "$A")" 200
grep -q '域名或网址' "$CG_TMP/body" || cg_fail "check form"
cg_expect "check a blocked name" "$(cc_code GET '/check?target=only.seven-b.example' "$A")" 200
for want in 'verdict-block' '拦截' 'gambling（赌博）' "$CG_TMP/lists/a.list:2" '未指定客户端，使用默认分组' \
	'该域名及其所有子域名'; do
	grep -qF "$want" "$CG_TMP/body" || cg_fail "check lacks $want: $(sed -n '/id="answer"/,$p' "$CG_TMP/body")"
done
cg_expect "check a URL for a client" "$(cc_code GET '/check?target=https%3A%2F%2F%E8%91%A1%E4%BA%AC%E5%A8%B1%E4%B9%90%E5%9C%BA.com%2Fx%3Fy%3D1&client=127.0.8.5&time=2025-11-25T08%3A30' "$A")" 200
for want in 'xn--fjqpit8uy6c246e.com' '/x?y=1' '中文形式：葡京娱乐场.com' 'class7b' \
	'客户端 127.0.8.5 属于该分组的网段 127.0.8.0/24' '2025-11-25 08:30 (Asia/Shanghai)' \
	"$CG_TMP/lists/a.list:4"; do
	grep -qF "$want" "$CG_TMP/body" || cg_fail "check URL lacks $want"
done
cg_expect "check an allowed name (English)" "$(cc_code GET '/check?target=fine.example&lang=en' "$A")" 200
for want in 'verdict-allow' 'ALLOW' 'none matched' 'CNAME'; do
	grep -qF "$want" "$CG_TMP/body" || cg_fail "check allowed lacks $want"
done
cc_code GET '/check?lang=zh' "$A" >/dev/null
printf 'later.example\n' >>"$CG_TMP/lists/a.list"
cg_expect "check before the reload" "$(cc_code GET '/check?target=later.example' "$A")" 200
grep -q 'verdict-allow' "$CG_TMP/body" || cg_fail "check did not answer from the running policy"
"$CAMPUSGATE" reload -c "$conf" >/dev/null || cg_fail "reload"
cg_expect "check after the reload" "$(cc_code GET '/check?target=later.example' "$A")" 200
grep -q 'verdict-block' "$CG_TMP/body" || cg_fail "check does not see the reloaded policy"
cg_expect "check: bad client" "$(cc_code GET '/check?target=a.example&client=nope' "$A")" 400
cg_expect "check: bad time" "$(cc_code GET '/check?target=a.example&time=noon' "$A")" 400
cg_expect "check: space in target" "$(cc_code GET '/check?target=a%20b' "$A")" 400
cg_expect "check: bad name" "$(cc_code GET '/check?target=bad..name' "$A")" 400
grep -q '域名或网址：“bad..name”无效' "$CG_TMP/body" || cg_fail "no reason for the bad name"
cg_expect "wang checks his group's client" "$(cc_code GET '/check?target=only.seven-a.example&client=127.0.7.9' "$W")" 200
grep -q 'class7a' "$CG_TMP/body" || cg_fail "wang's check"
cg_expect "wang checks another group's client" "$(cc_code GET '/check?target=only.seven-b.example&client=127.0.8.5' "$W")" 403
grep -q 'class7b\|a.list' "$CG_TMP/body" && cg_fail "wang is told of class7b's decision"
grep -q 'style=' "$CG_TMP/body" && cg_fail "inline style on /check"
cg_pass
