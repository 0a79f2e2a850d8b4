#!/bin/bash
# campusgate check / lists check / lists stats against a config and lists written here:
# verdicts and exit codes, provenance (file:line), groups by longest subnet (v4, v6),
# allowlist, URL prefixes, Unicode names, timetables (school hours, holiday, exam day,
# ISO 8601 times), zh-CN output, and every usage error.
. "$(dirname "$0")/lib.sh"

[ -x "$CAMPUSGATE" ] || cg_fail "campusgate not built at $CAMPUSGATE"
CG_TMP=$(mktemp -d /tmp/cgint.XXXXXX)
trap cg_cleanup EXIT
export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset CAMPUSGATE_CONF

T=$CG_TMP
cat >"$T/c.conf" <<'EOF'
[general]
timezone = Asia/Shanghai
language = en

[category gambling]
kind = block
title_zh = 赌博
title_en = Gambling
list = lists/gambling.list

[category games]
kind = block
title_zh = 游戏
title_en = Games
list = lists/games.list

[category doh]
kind = bypass
title_zh = 加密 DNS
title_en = DNS over HTTPS
list = hosts:lists/doh.hosts
list = lists/doh-ip.list

[allow]
list = lists/allow.list

[timetable school-hours]
weekdays = mon-fri
time = 08:00-17:00
holiday = 2026-10-01..2026-10-07 national-day
exam = 2026-12-26..2026-12-27 final-exams

[group students]
subnet = 10.0.0.0/8
subnet = fd00::/8
block = gambling doh
block_scheduled = games
timetable = school-hours

[group staff]
subnet = 10.1.0.0/16
subnet = fd00:1::/32
block = doh

[group default]
block = gambling
EOF
mkdir -p "$T/lists"
printf '# gambling\ncasino.example\nnews.example/casino/\n/caipiao\\d{2,}/\nxn--fjqpit8uy6c246e.com\n' >"$T/lists/gambling.list"
printf 'games.example\n' >"$T/lists/games.list"
printf '0.0.0.0 dns.doh.example\n' >"$T/lists/doh.hosts"
printf 'homework.casino.example\n' >"$T/lists/allow.list"
printf '192.0.2.7\n' >"$T/lists/doh-ip.list"

OUT=$T/out
# run EXPECTED-EXIT ARGS...: run campusgate, keep its output in $OUT, check the exit.
run() {
	local want=$1 rc; shift
	env ${CG_LOCALE:+LC_ALL=$CG_LOCALE LANG=$CG_LOCALE} "$CAMPUSGATE" "$@" >"$OUT" 2>&1
	rc=$?
	[ "$rc" = "$want" ] || { cat "$OUT"; cg_fail "campusgate $*: exit $rc, want $want"; }
}
has() { grep -qF -- "$1" "$OUT" || { cat "$OUT"; cg_fail "output lacks: $1"; }; }
hasnt() { ! grep -qF -- "$1" "$OUT" || { cat "$OUT"; cg_fail "output has: $1"; }; }

C=(-c "$T/c.conf")
SCHOOL=(--at "2026-11-25 10:00")   # a Wednesday, in school hours

# Blocked, with provenance; the default group when no client is given.
run 1 check "${C[@]}" "${SCHOOL[@]}" www.casino.example
has "BLOCK"; has "category:  gambling (Gambling)"
has "rule:      lists/gambling.list:2: casino.example"
has "group:     default"
# Allowed, nothing matched; a name that only ends in the same letters.
run 0 check "${C[@]}" "${SCHOOL[@]}" notcasino.example
has "ALLOW"; has "none matched"
# The allowlist wins.
run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 homework.casino.example
has "ALLOW"; has "lists/allow.list:1: homework.casino.example"; has "allowlist"
# Group by longest subnet, IPv4 and IPv6; staff do not block gambling: explained.
run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.1.2.3 casino.example
has "group:     staff"; has "10.1.0.0/16"; has "does not block"
run 1 check "${C[@]}" "${SCHOOL[@]}" --client fd00::5 casino.example
has "group:     students"; has "fd00::/8"
run 0 check "${C[@]}" "${SCHOOL[@]}" --client fd00:1::5 casino.example
has "group:     staff"
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 192.0.2.1 casino.example
has "group:     default"; has "in no group's subnet"
run 0 check "${C[@]}" "${SCHOOL[@]}" --group staff casino.example
has "as asked with --group"
# URLs: a path prefix rule, with and without the scheme; DNS (no path) does not match.
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 "http://www.news.example:80/casino/table?id=1"
has "lists/gambling.list:3: news.example/casino/"; has "URL prefix"
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 news.example/casino/
run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 news.example
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 "HTTPS://user:pw@News.Example:8443/casino/#frag"
has "host:      news.example  path /casino/"
run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 "news.example?casino/"
has "path /?casino/"
run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 "http://[2001:db8::1]:80/casino/"
has "host:      2001:db8::1  path /casino/"
run 2 check "${C[@]}" "${SCHOOL[@]}" "http://[2001:db8::1/"
has "bad IPv6 literal"
# --dest: the name and the destination address both decide (issue 11).
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 allowed.example --dest 192.0.2.7
has "none matched"; has "destination: 192.0.2.7"; has "category:  doh (DNS over HTTPS)"
has "rule:      lists/doh-ip.list:1: 192.0.2.7"; has "result:    BLOCK"
has "the destination address is listed"
run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 allowed.example --dest 198.51.100.1
has "destination: 198.51.100.1"; has "result:    ALLOW"; has "both allowed"
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 casino.example --dest 198.51.100.1
has "result:    BLOCK"; has "(the name is blocked)"
# The allowlist does not open a listed address.
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 http://homework.casino.example/ --dest 192.0.2.7
has "allowlist"; has "result:    BLOCK"
CG_LOCALE=zh_CN.UTF-8 run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 allowed.example --dest 192.0.2.7
has "目标地址： 192.0.2.7"; has "结果：     拦截"; has "目标地址在名单中"
run 2 check "${C[@]}" allowed.example --dest not-an-ip
has "--dest not-an-ip: not an IP address"
# A pattern, and a Unicode name listed as punycode.
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 caipiao88.cn
has "lists/gambling.list:4:"; has "pattern"
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 "http://葡京娱乐场.com/"
has "host:      xn--fjqpit8uy6c246e.com"
# A bypass category from a hosts list.
run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.1.2.3 dns.doh.example
has "doh (DNS over HTTPS)"; has "bypass"

# Timetables: in school hours, after school, a holiday, an exam Saturday, ISO 8601.
run 1 check "${C[@]}" --at "2026-11-25 10:00" --client 10.9.9.9 games.example
has "school-hours: in force"
run 0 check "${C[@]}" --at "2026-11-25 20:00" --client 10.9.9.9 games.example
has "school-hours: not in force"
run 0 check "${C[@]}" --at "2026-10-02 10:00" --client 10.9.9.9 games.example
has "not in force"
run 1 check "${C[@]}" --at "2026-12-26 20:00" --client 10.9.9.9 games.example
run 1 check "${C[@]}" --at "2026-11-25T02:00:00Z" --client 10.9.9.9 games.example
has "2026-11-25 10:00 (Asia/Shanghai)"
run 0 check "${C[@]}" --at "2026-11-25T10:00+00:00" --client 10.9.9.9 games.example
run 1 check "${C[@]}" --at "2026-11-25T03:30:00+0100" --client 10.9.9.9 games.example

# zh-CN by locale: every label and reason a person reads, none left in English.
CG_LOCALE=zh_CN.UTF-8 run 1 check "${C[@]}" "${SCHOOL[@]}" casino.example
has "判定：     拦截"; has "类别：     gambling (赌博)"
CG_LOCALE=zh_CN.UTF-8 run 1 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 news.example/casino/x
has "主机：     news.example  路径 /casino/x"; has "（网址前缀）"; hasnt "path"
has "分组：     students"; has "最长匹配子网"
CG_LOCALE=zh_CN.UTF-8 run 0 check "${C[@]}" "${SCHOOL[@]}" --client 10.9.9.9 homework.casino.example
has "原因：     匹配白名单规则"; hasnt "allowlist"
CG_LOCALE=zh_CN.UTF-8 run 1 check "${C[@]}" --at "2026-11-25 10:00" --client 10.9.9.9 games.example
has "时间表：   school-hours: 该时间生效"; hasnt "in force"
CG_LOCALE=zh_CN.UTF-8 run 2 check "${C[@]}" "bad!name.example"
has "域名中有非法字符"; hasnt "bad character"
CG_LOCALE=zh_CN.UTF-8 run 2 check "${C[@]}" "http://[2001:db8::1/"
has "IPv6 地址格式有误"
CG_LOCALE=zh_CN.UTF-8 run 2 check "${C[@]}" --client 10.0.0.300 a.example
has "不是 IP 地址"

# Usage errors and bad input: exit 2 and a message.
run 2 check "${C[@]}"
run 2 check "${C[@]}" a.example b.example
run 2 check "${C[@]}" --at "2026-02-30 10:00" a.example
has "expected"
run 2 check "${C[@]}" --at "yesterday" a.example
run 2 check "${C[@]}" --at "2026-11-25T10:00+25:00" a.example
run 2 check "${C[@]}" --client 10.0.0.300 a.example
has "not an IP address"
run 2 check "${C[@]}" --client 10.0.0.1 --group staff a.example
run 2 check "${C[@]}" --group nobody a.example
has "no group named nobody"
run 2 check "${C[@]}" "bad!name.example"
run 2 check -c "$T/missing.conf" a.example
# A list the config accepts but that cannot be read as a list (a UT1 folder with none
# of its files): the build fails, and says why.
sed 's|= lists/games.list|= ut1:lists/empty-ut1|' "$T/c.conf" >"$T/gone.conf"
mkdir "$T/lists/empty-ut1"
run 2 check -c "$T/gone.conf" a.example
has "lists/empty-ut1: UT1 folder has none of"; has "cannot be loaded"
run 0 check --help
has "Usage: campusgate check"
CG_LOCALE=zh_CN.UTF-8 run 0 check --help
has "用法: campusgate check"

# lists check: named files (with a format prefix), and every list of a config.
printf 'good.example\nbad!.example\n/unclosed(/\n' >"$T/bad.list"
run 1 lists check "$T/bad.list"
has "$T/bad.list:2: bad character in name: bad!.example"
has "$T/bad.list:3: bad pattern"
has "3 lines, 1 rules, 2 bad"
run 0 lists check "hosts:$T/lists/doh.hosts"
has "(hosts): 1 lines, 1 rules, 0 bad"
run 1 lists check --format hosts "$T/lists/games.list"
has "hosts line without a name"
run 2 lists check "$T/none.list"
run 0 lists check "${C[@]}"
has "lists OK"
run 2 lists check --format nosuch "$T/bad.list"
run 0 lists stats "${C[@]}"
has "domains:            4"; has "URL prefixes:       1"; has "allowlist rules:    1"
run 2 lists
run 2 lists frobnicate
run 0 lists --help
has "Usage: campusgate lists check"
# lists check and stats in zh-CN: the reasons, the counts and the labels.
CG_LOCALE=zh_CN.UTF-8 run 1 lists check "$T/bad.list"
has "$T/bad.list:2: 域名中有非法字符: bad!.example"; has "$T/bad.list:3: 正则表达式有误"
has "3 行，1 条规则，2 行错误"; hasnt "bad character"; hasnt "lines,"
CG_LOCALE=zh_CN.UTF-8 run 1 lists check --format hosts "$T/lists/games.list"
has "hosts 行中没有域名: games.example"
CG_LOCALE=zh_CN.UTF-8 run 0 lists check "${C[@]}"
has "名单正确"; hasnt "lists OK"
CG_LOCALE=zh_CN.UTF-8 run 0 lists stats "${C[@]}"
has "域名：              4"; has "白名单规则：        1"; has "编译耗时："; hasnt "domains:"
CG_LOCALE=zh_CN.UTF-8 run 2 lists check -c "$T/missing.conf"
has "$T/missing.conf: 无法打开"; has "配置有错误"

# The shipped configuration builds and blocks a listed site for students.
if [ -d "$CG_SHARED/data/blocklists" ]; then
	run 1 check -c "$CG_SOURCE_ROOT/config/campusgate.conf" --client 10.1.2.3 pornhub.com
	has "pornography"
else
	cg_log "shared data absent: the shipped-config check is not run"
fi

cg_pass
