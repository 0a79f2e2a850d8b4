#!/bin/bash
# The web console with the real campusgated on loopback: accounts made with
# `campusgate user`, then curl over HTTPS (self-signed certificate made at first start):
# the login page in zh-CN and English, security headers and cookie attributes, a wrong
# password refused, the login rate limit, the dashboard showing the daemon's status,
# a POST without the CSRF token refused (403), staff refused admin routes and other
# groups (403), logout ending the session, a disabled account's session ended, and the
# login events in the journal (written by campusgated through its control socket).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl
cg_init
port=$(cg_free_port)
cport=$(cg_free_port)
cg_console_conf "$port" "$cport" <<CONF
[dns]
timeout_ms = 300
[category gambling]
list = $CG_TMP/lists/a.list
[group class7a]
subnet = 10.7.1.0/24
block = gambling
[group default]
block = gambling
CONF
printf 'blocked-one.example\n' >"$CG_TMP/lists/a.list"

# 1. Accounts with the CLI (passwords on stdin), refusals, and the file's mode.
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1 class7a
cg_console_user li staff staff-pass-2
set +e
out=$(echo 'whatever-1' | "$CAMPUSGATE" user -c "$conf" add bob --role staff --groups class9z --password-stdin 2>&1); rc=$?
set -e
cg_expect "staff limited to a group the config lacks is refused" "$rc" 1
echo "$out" | grep -q "group 'class9z' is not defined" || cg_fail "unknown group message: $out"
set +e
out=$(echo 'short' | LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" user -c "$conf" add bob --role staff --password-stdin 2>&1); rc=$?
set -e
cg_expect "short password refused" "$rc" 1
echo "$out" | grep -q "密码应为 8 到 256 个字符" || cg_fail "zh short password message: $out"
# No password on stdin (not a terminal): refused, saying the two other ways.
set +e
out=$("$CAMPUSGATE" user -c "$conf" add bob --role staff </dev/null 2>&1); rc=$?
set -e
cg_expect "user add with no password given is refused" "$rc" 1
echo "$out" | grep -q -- "--password-stdin, or let --onetime make one" || cg_fail "no-password message: $out"
grep -q '^bob:' "$CG_TMP/console/accounts" && cg_fail "bob added without a password"
cg_expect "accounts file mode" "$(stat -c %a "$CG_TMP/console/accounts")" 600
grep -q '^alice:admin:::\$argon2id\$' "$CG_TMP/console/accounts" || cg_fail "no Argon2id hash: $(cat "$CG_TMP/console/accounts")"
out=$("$CAMPUSGATE" user -c "$conf" list)
echo "$out" | grep -Eq '^wang +staff +active +class7a$' || cg_fail "user list: $out"

# 2. The daemon and the console; the self-signed certificate made at first start.
cg_console_start "$conf"
cg_expect "generated key mode" "$(stat -c %a "$CG_TMP/console/console-key.pem")" 600
openssl x509 -in "$CG_TMP/console/console-cert.pem" -noout -text | grep -q "IP Address:127.0.0.1" ||
	cg_fail "the certificate does not name 127.0.0.1"
cg_console_curl "$cport"
base=$CONSOLE_BASE
CURL=("${CC_CURL[@]}")
code() { cc_code "$@"; }
login_token() { cc_login_token "$@"; }
csrf_of() { cc_csrf; }
login() { cc_login "$@"; }

# 3. The login page: zh-CN by default, English by ?lang=en and by Accept-Language;
#    headers: strict CSP, no framing; cookies HttpOnly, Secure, SameSite=Strict.
A=$CG_TMP/alice.jar W=$CG_TMP/wang.jar L=$CG_TMP/li.jar X=$CG_TMP/x.jar
cg_expect "login page" "$(code GET /login "$X")" 200
grep -q '<html lang="zh-CN">' "$CG_TMP/body" || cg_fail "login page not zh-CN: $(cat "$CG_TMP/body")"
grep -q '登录' "$CG_TMP/body" || cg_fail "login page lacks 登录"
grep -qi "^Content-Security-Policy: default-src 'self';.*script-src 'none'" "$CG_TMP/head" ||
	cg_fail "no strict CSP: $(cat "$CG_TMP/head")"
grep -qi '^X-Frame-Options: DENY' "$CG_TMP/head" || cg_fail "no X-Frame-Options DENY"
grep -qi '^Set-Cookie: cg_login=[0-9a-f]\{32\}; Path=/; HttpOnly; Secure; SameSite=Strict' "$CG_TMP/head" ||
	cg_fail "login cookie attributes: $(grep -i set-cookie "$CG_TMP/head")"
grep -qi '<script\|style=' "$CG_TMP/body" && cg_fail "inline script or style in the login page"
grep -Eo '(src|href)="[^"]*"' "$CG_TMP/body" | grep -q '//' && cg_fail "external resource in the page"
cg_expect "login page in English" "$(code GET '/login?lang=en' "$X")" 200
grep -q '<html lang="en">.*Sign in' "$CG_TMP/body" || grep -q 'Sign in' "$CG_TMP/body" || cg_fail "?lang=en: $(cat "$CG_TMP/body")"
cg_expect "login page by Accept-Language" "$(code GET /login "$CG_TMP/y.jar" -H 'Accept-Language: en-US,en;q=0.9')" 200
grep -q '<html lang="en">' "$CG_TMP/body" || cg_fail "Accept-Language en not honoured"
cg_expect "css" "$(code GET /static/console.css "$X")" 200
cg_expect "not signed in: / goes to login" "$(code GET / "$CG_TMP/z.jar")" 303
grep -qi '^Location: /login' "$CG_TMP/head" || cg_fail "redirect target: $(cat "$CG_TMP/head")"

# 4. Wrong password, a login without the form's token, then the right one.
cg_expect "wrong password refused" "$(login "$A" alice wrong-password)" 401
grep -q '账号或密码错误' "$CG_TMP/body" || cg_fail "wrong password message"
cg_expect "unknown account refused" "$(login "$A" nobody whatever-1)" 401
cg_expect "login without the form token refused" \
	"$(code POST /login "$CG_TMP/n.jar" --data 'name=alice&password=admin-pass-1')" 403
cg_expect "admin login" "$(login "$A" alice admin-pass-1)" 303
grep -qi '^Set-Cookie: cg_session=[0-9a-f]\{64\}; Path=/; HttpOnly; Secure; SameSite=Strict' "$CG_TMP/head" ||
	cg_fail "session cookie attributes: $(grep -i set-cookie "$CG_TMP/head")"

# 5. The dashboard shows the daemon's status from the control socket.
cg_expect "dashboard" "$(code GET / "$A")" 200
grep -q "<th>pid</th><td>$CG_DAEMON_PID</td>" "$CG_TMP/body" || cg_fail "dashboard lacks the daemon's pid: $(cat "$CG_TMP/body")"
grep -q "<th>policy_domains</th><td>1</td>" "$CG_TMP/body" || cg_fail "dashboard lacks the policy size"
grep -q "alice" "$CG_TMP/body" || cg_fail "dashboard does not say who is signed in"
acsrf=$(csrf_of)
[ ${#acsrf} = 64 ] || cg_fail "no CSRF token in the dashboard's form"

# 6. CSRF: a POST without the token, or with a wrong one, is refused; the session lives on.
cg_expect "logout without CSRF token" "$(code POST /logout "$A" --data '')" 403
grep -q '安全令牌' "$CG_TMP/body" || cg_fail "CSRF refusal page: $(cat "$CG_TMP/body")"
# (the last digit changed: 0 becomes 1, anything else 0)
wrong=${acsrf%?}$([ "${acsrf: -1}" = 0 ] && echo 1 || echo 0)
cg_expect "logout with a wrong CSRF token" "$(code POST /logout "$A" --data "csrf=$wrong")" 403
cg_expect "admin route for admin" "$(code GET /lists "$A")" 200
cg_expect "session still alive" "$(code GET / "$A")" 200

# 7. Staff: refused every admin route (403 from the server), and another group's events.
cg_expect "staff login" "$(login "$W" wang staff-pass-1)" 303
cg_expect "staff dashboard" "$(code GET / "$W")" 200
wcsrf=$(csrf_of)
for p in /lists /accounts /config; do
	cg_expect "staff GET $p" "$(code GET $p "$W")" 403
	cg_expect "staff POST $p with its CSRF token" "$(code POST $p "$W" --data "csrf=$wcsrf")" 403
done
grep -q '无权访问' "$CG_TMP/body" || cg_fail "403 page: $(cat "$CG_TMP/body")"
cg_expect "staff decides an unblock request" "$(code POST /unblock "$W" --data "csrf=$wcsrf")" 403
cg_expect "class teacher asks for another group's events" "$(code GET '/journal?group=default' "$W")" 403
cg_expect "class teacher asks for its own group" "$(code GET '/journal?group=class7a' "$W")" 200
cg_expect "admin asks for any group" "$(code GET '/journal?group=default' "$A")" 200

# 8. Login rate limit per account: 5 failures, then even the right password waits.
for i in 1 2 3 4 5; do
	cg_expect "li wrong password $i" "$(login "$L" li "wrong-$i")" 401
done
cg_expect "li rate limited" "$(login "$L" li staff-pass-2)" 429
grep -q '登录失败次数过多' "$CG_TMP/body" || cg_fail "rate limit message"
cg_expect "another account is not limited" "$(login "$CG_TMP/a2.jar" alice admin-pass-1)" 303

# 9. Logout ends the session: the old cookie no longer works.
old=$(awk '$6=="cg_session" {print $7}' "$A")
cg_expect "logout" "$(code POST /logout "$A" --data "csrf=$acsrf")" 303
grep -qi '^Location: /login' "$CG_TMP/head" || cg_fail "logout goes to the login page"
cg_expect "old session after logout" \
	"$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: cg_session=$old" "$base/")" 303
cg_expect "forged session id" \
	"$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: cg_session=$(printf '%064d' 0)" "$base/")" 303

# 10. A disabled account's session ends at its next request.
"$CAMPUSGATE" user -c "$conf" disable wang >/dev/null
sleep 0.05
cg_expect "disabled account's session" "$(code GET / "$W")" 303
cg_expect "disabled account cannot log in" "$(login "$CG_TMP/w2.jar" wang staff-pass-1)" 401

# 11. The journal has the login events, written by campusgated (the chain verifies).
# (the writer thread appends them a moment after the request: wait up to 10 s)
# (the account is the CSV's last column)
pats=('login,.*,alice.$' 'login_failed,.*,alice.$' 'login_failed,.*,nobody.$'
	'logout,.*,alice.$' 'login,.*,wang.$' 'login_throttled,.*,li.$'
	'login_failed,.*,wang.$')
for i in $(seq 100); do
	"$CAMPUSGATE" journal -c "$conf" --since 1h --event admin --format csv >"$CG_TMP/j.csv" ||
		cg_fail "journal --event admin"
	missing=
	for pat in "${pats[@]}"; do grep -q "$pat" "$CG_TMP/j.csv" || missing=$pat; done
	[ -z "$missing" ] && break
	sleep 0.1
done
[ -z "$missing" ] || cg_fail "journal lacks '$missing': $(cat "$CG_TMP/j.csv")"
"$CAMPUSGATE" journal verify -c "$conf" >/dev/null || cg_fail "journal verify after console events"
cg_log "ok: journal"

cg_stop_pid "$CONSOLE_PID"
grep -q "console: signal 15, stopping" "$CG_TMP/console.log" || cg_fail "console did not stop cleanly"
cg_pass
