#!/bin/bash
# The console's /lists pages with the real campusgated and NSD as its upstream on
# loopback, driven with curl: an admin adds a name to the console's list of a category
# and a dig through the gateway is blocked within 2 s; the edit and the reload are in
# the journal under the admin's name with the diff; a bad entry shows the file:line
# message (zh-CN and English) and changes nothing; removing an entry of a read-only list
# is refused with a pointer to the allowlist; a stale edit token and a POST without the
# CSRF token are refused; staff get 403 for GET and POST from the server; search; a
# removal lets the name resolve again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl dig nsd
cg_init
up=$(cg_free_port)
DNS_PORT=$(cg_free_port)
cport=$(cg_free_port)
local_list=$CG_TMP/local/gambling.list
cg_console_conf "$DNS_PORT" "$cport" "$up" <<CONF
[dns]
timeout_ms = 1000
cache_entries = 0
[console]
lists_dir = $CG_TMP/local
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/ro.list
list = ?$local_list
[allow]
list = ?$CG_TMP/local/allow.list
[group default]
block = gambling
block_mode = nxdomain
CONF
cat >"$CG_TMP/zone.txt" <<'ZONE'
blockme.test. 300 IN A 192.0.2.10
other.test. 300 IN A 192.0.2.11
ro.test. 300 IN A 192.0.2.12
ZONE
dns_start_upstream "$up" "$CG_TMP/zone.txt"
printf '# shipped, read-only in the console\nro.test\n' >"$CG_TMP/lists/ro.list"
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1
cg_console_start "$conf"
dns_wait_daemon
cg_console_curl "$cport"
A=$CG_TMP/alice.jar W=$CG_TMP/wang.jar
cg_expect "the console made its list (empty, 0644)" "$(stat -c '%a %s' "$local_list")" "644 0"
cg_expect "allowlist file made" "$(stat -c %a "$CG_TMP/local/allow.list")" 644
cg_expect "blockme.test resolves before the edit" "$(dns_answer blockme.test)" 192.0.2.10
cg_expect "ro.test is blocked by the read-only list" "$(dns_status ro.test)" NXDOMAIN

# 1. The overview and the category page (admin).
cg_expect "admin login" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "GET /lists" "$(cc_code GET /lists "$A")" 200
grep -q 'href="/lists/category/gambling">赌博</a>' "$CG_TMP/body" || cg_fail "overview: $(cat "$CG_TMP/body")"
grep -q 'href="/lists/allow">白名单</a>' "$CG_TMP/body" || cg_fail "overview lacks the allowlist"
grep -q '可编辑' "$CG_TMP/body" || cg_fail "overview: the category is not editable"
grep -qi '<script\|style=' "$CG_TMP/body" && cg_fail "inline script or style in /lists"
cg_expect "GET the category" "$(cc_code GET /lists/category/gambling "$A")" 200
csrf=$(cc_csrf)
token() { sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' "$CG_TMP/body" | head -n 1; }
tok0=$(token)
[ ${#tok0} = 24 ] || cg_fail "no edit token in the form: $(cat "$CG_TMP/body")"
grep -q 'ro.list</td><td>native</td><td class="num">1</td><td>只读' "$CG_TMP/body" ||
	cg_fail "the shipped list is not shown read-only with its count: $(cat "$CG_TMP/body")"
cg_expect "unknown category" "$(cc_code GET /lists/category/nosuch "$A")" 404

# 2. A POST without the CSRF token is refused and changes nothing.
cg_expect "POST without CSRF token" "$(cc_code POST /lists/category/gambling "$A" \
	--data-urlencode "token=$tok0" --data-urlencode "add=blockme.test")" 403
cg_expect "no CSRF: file unchanged" "$(stat -c %s "$local_list")" 0

# 3. Staff: 403 from the server for GET and POST, with or without a token.
cg_expect "staff login" "$(cc_login "$W" wang staff-pass-1)" 303
cg_expect "staff dashboard" "$(cc_code GET / "$W")" 200
wcsrf=$(cc_csrf)
for p in /lists /lists/category/gambling /lists/allow; do
	cg_expect "staff GET $p" "$(cc_code GET "$p" "$W")" 403
	cg_expect "staff POST $p" "$(cc_code POST "$p" "$W" --data-urlencode "csrf=$wcsrf" \
		--data-urlencode "token=$tok0" --data-urlencode "add=blockme.test")" 403
done
grep -q '无权访问' "$CG_TMP/body" || cg_fail "staff 403 page: $(cat "$CG_TMP/body")"
cg_expect "staff: file unchanged" "$(stat -c %s "$local_list")" 0

# 4. The admin adds a name: saved, reloaded, and dig is blocked within 2 s.
t0=$(date +%s%N)
cg_expect "add blockme.test" "$(cc_code POST /lists/category/gambling "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok0" --data-urlencode $'add=blockme.test\n# a comment line\n')" 200
grep -q 'id="reload-ok"' "$CG_TMP/body" || cg_fail "no reload ok on the page: $(cat "$CG_TMP/body")"
grep -q '添加 1 条，删除 0 条' "$CG_TMP/body" || cg_fail "saved message: $(cat "$CG_TMP/body")"
blocked=
while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000 ]; do
	[ "$(dns_status blockme.test)" = NXDOMAIN ] && { blocked=1; break; }
	sleep 0.05
done
[ -n "$blocked" ] || cg_fail "blockme.test not blocked within 2 s of the edit"
cg_log "ok: blocked $(( ($(date +%s%N) - t0) / 1000000 )) ms after the POST"
cg_expect "the list holds the entry" "$(cat "$local_list")" "blockme.test"
cg_expect "other.test still resolves" "$(dns_answer other.test)" 192.0.2.11
tok1=$(token)
[ "$tok1" != "$tok0" ] || cg_fail "the token did not change with the content"
ls -A "$CG_TMP/local" | grep -q '^\.' && cg_fail "a temporary file was left: $(ls -A "$CG_TMP/local")"

# 5. The same name again: nothing to change, no save.
cg_expect "add it again" "$(cc_code POST /lists/category/gambling "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok1" --data-urlencode "add=BlockMe.test.")" 200
grep -q '已在名单中，未重复添加: BlockMe.test.' "$CG_TMP/body" || cg_fail "dup message: $(cat "$CG_TMP/body")"

# 6. A bad entry: the file:line message (as `lists check` gives it), nothing changed.
sum=$(md5sum <"$local_list")
cg_expect "bad entry refused" "$(cc_code POST /lists/category/gambling "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok1" --data-urlencode $'add=good.test\nbad..test')" 400
grep -qF "$local_list:3: 域名中有空标签: bad..test" "$CG_TMP/body" || cg_fail "zh file:line message: $(cat "$CG_TMP/body")"
grep -q '未保存' "$CG_TMP/body" || cg_fail "zh refusal"
grep -q 'good.test' "$CG_TMP/body" || cg_fail "the admin's text is not given back"
cg_expect "bad entry: file unchanged" "$(md5sum <"$local_list")" "$sum"
cg_expect "bad entry in English" "$(cc_code POST '/lists/category/gambling?lang=en' "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok1" --data-urlencode $'add=/unclosed')" 400
grep -qF "$local_list:2: pattern without a closing &#39;/&#39;: /unclosed" "$CG_TMP/body" ||
	cg_fail "en file:line message: $(cat "$CG_TMP/body")"
grep -q 'Nothing was saved' "$CG_TMP/body" || cg_fail "en refusal"
# the same text through the CLI's check gives the same line
printf 'blockme.test\ngood.test\nbad..test\n' >"$CG_TMP/same.list"
"$CAMPUSGATE" lists check "$CG_TMP/same.list" | grep -qF "$CG_TMP/same.list:3: empty label: bad..test" ||
	cg_fail "lists check differs"
cg_expect "bad entry (en): file unchanged" "$(md5sum <"$local_list")" "$sum"

# 7. A removal of an entry of a read-only list is refused, pointing to the allowlist.
cg_expect "remove a read-only entry" "$(cc_code POST '/lists/category/gambling?lang=zh' "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok1" --data-urlencode "del=ro.test")" 400
grep -qF "ro.test 在只读名单 $CG_TMP/lists/ro.list（第 2 行）中" "$CG_TMP/body" || cg_fail "read-only message: $(cat "$CG_TMP/body")"
grep -q '白名单' "$CG_TMP/body" || cg_fail "read-only message does not name the allowlist"
cg_expect "read-only: file unchanged" "$(md5sum <"$local_list")" "$sum"

# 8. A stale edit token (the page before the add): refused, nothing saved.
cg_expect "stale token" "$(cc_code POST /lists/category/gambling "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok0" --data-urlencode "add=other.test")" 409
grep -q 'id="stale"' "$CG_TMP/body" || cg_fail "stale message: $(cat "$CG_TMP/body")"
grep -q '其他管理员已保存' "$CG_TMP/body" || cg_fail "zh stale message"
cg_expect "stale: file unchanged" "$(md5sum <"$local_list")" "$sum"
cg_expect "stale: other.test still resolves" "$(dns_answer other.test)" 192.0.2.11

# 9. Search within the category's lists (bounded), with remove buttons for own entries.
cg_expect "search" "$(cc_code GET '/lists/category/gambling?q=test' "$A")" 200
grep -q '共 2 个条目包含“test”' "$CG_TMP/body" || cg_fail "search count: $(cat "$CG_TMP/body")"
grep -qF "ro.list:2</td><td><code>ro.test</code></td><td class=\"act\">只读" "$CG_TMP/body" || cg_fail "search: read-only hit"
grep -qF 'name="del" value="blockme.test"' "$CG_TMP/body" || cg_fail "search: no remove button for own entry"
cg_expect "search nothing" "$(cc_code GET '/lists/category/gambling?q=zzz&lang=en' "$A")" 200
grep -q "Nothing in this category&#39;s lists contains &#39;zzz&#39;" "$CG_TMP/body" || cg_fail "search none: $(cat "$CG_TMP/body")"

# 10. Too much text for one edit: refused before the handler (the form's bound).
big=$(head -c 50000 /dev/zero | tr '\0' a)
cg_expect "an edit over 48 KiB" "$(cc_code POST /lists/category/gambling "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok1" --data-urlencode "add=$big")" 413
cg_expect "too big: file unchanged" "$(md5sum <"$local_list")" "$sum"

# 11. The journal: the edit with its diff and the reload, under alice's name.
sleep 1.2 # the journal's fsync interval
"$CAMPUSGATE" journal -c "$conf" --since 1h --event admin --format csv >"$CG_TMP/j.csv" ||
	cg_fail "journal --event admin"
grep -q "list_edit.*gambling: +blockme.test (file $local_list).*alice" "$CG_TMP/j.csv" ||
	cg_fail "no list_edit event with the diff: $(cat "$CG_TMP/j.csv")"
grep -q ",reload,.*ok.*alice" "$CG_TMP/j.csv" || grep -q "reload.*ok.*alice" "$CG_TMP/j.csv" ||
	cg_fail "no reload event: $(cat "$CG_TMP/j.csv")"
n_edits=$(grep -c list_edit "$CG_TMP/j.csv")
cg_expect "one list_edit (refused edits are not journaled)" "$n_edits" 1
"$CAMPUSGATE" journal verify -c "$conf" >/dev/null || cg_fail "journal verify"

# 12. Removing the entry lets the name resolve again.
cg_expect "remove blockme.test" "$(cc_code POST "/lists/category/gambling?lang=zh" "$A" --data-urlencode "csrf=$csrf" \
	--data-urlencode "token=$tok1" --data-urlencode "del=blockme.test")" 200
grep -q '添加 0 条，删除 1 条' "$CG_TMP/body" || cg_fail "removed message: $(cat "$CG_TMP/body")"
for i in $(seq 40); do [ "$(dns_answer blockme.test)" = 192.0.2.10 ] && break; sleep 0.05; done
cg_expect "blockme.test resolves again" "$(dns_answer blockme.test)" 192.0.2.10
cg_pass
