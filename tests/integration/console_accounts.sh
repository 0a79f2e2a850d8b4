#!/bin/bash
# The console's /accounts and /password pages with the real campusgated on loopback,
# through curl: an admin adds staff accounts (a typed password, and a one-time one shown
# once), they sign in and must first set their own password; staff get 403 from the
# server on GET and POST /accounts; a POST without the CSRF token is 403; the last
# active admin cannot be demoted or disabled, nor an admin themselves; role, groups,
# disable, enable and password reset; a password change ends the other sessions and the
# old password fails; every change is in `campusgate journal --event admin` with the
# account that made it, and no password is. Then `campusgate user` (the CLI) journals its
# changes too, and `campusgate user init` makes the first admin with a one-time password.
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
cg_console_user alice admin admin-pass-1
cg_console_start "$conf"
cg_console_curl "$cport"
A=$CG_TMP/alice.jar Z=$CG_TMP/zhang.jar Z2=$CG_TMP/zhang2.jar H=$CG_TMP/zhao.jar
code() { cc_code "$@"; }
# post JAR PATH FIELD=VALUE...: a form POST with the jar's page's CSRF token
post() {
	local jar=$1 p=$2 args=() f; shift 2
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	code POST "$p" "$jar" --data-urlencode "csrf=$(csrf_for "$jar")" "${args[@]}"
}
declare -A CSRF
csrf_for() { echo "${CSRF[$1]}"; }
remember_csrf() { CSRF[$1]=$(cc_csrf); [ ${#CSRF[$1]} = 64 ] || cg_fail "no CSRF token on the page"; }
body_has() { grep -q -- "$1" "$CG_TMP/body" || cg_fail "$2: the page lacks '$1': $(sed 's/<[^>]*>/ /g' "$CG_TMP/body" | tr -s ' ' | tail -c 1500)"; }

# 1. The admin's page lists the accounts and offers the config's groups.
cg_expect "admin login" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "GET /accounts" "$(code GET /accounts "$A")" 200
remember_csrf "$A"
body_has '<td>alice（本人）</td>' "the list names the signed-in admin"
body_has 'name="group" value="class7a"' "the add form offers the config's groups"
grep -qi '<script\|style=' "$CG_TMP/body" && cg_fail "inline script or style on /accounts"

# 2. Add: a staff account limited to class7a with a typed password, one with a one-time
#    password; refusals say why and change nothing.
cg_expect "add zhang (typed password)" "$(post "$A" /accounts op=add name=zhang role=staff \
	group=class7a pw1=zhang-pass-1 pw2=zhang-pass-1)" 200
body_has '已添加账号 zhang：教职工（只能查看）' "add zhang"
grep -q '^zhang:staff:class7a:mustchange:\$argon2id\$' "$CG_TMP/console/accounts" ||
	cg_fail "zhang not saved as expected: $(cat "$CG_TMP/console/accounts")"
cg_expect "accounts file mode after a console save" "$(stat -c %a "$CG_TMP/console/accounts")" 600
cg_expect "add zhao (one-time password)" "$(post "$A" '/accounts?lang=en' op=add name=zhao role=staff)" 200
body_has 'One-time password for zhao' "the one-time password is shown"
onetime=$(sed -n 's/.*id="onetime">\([^<]*\)<.*/\1/p' "$CG_TMP/body")
[[ $onetime =~ ^[2-9a-zA-Z]{4}-[2-9a-zA-Z]{4}-[2-9a-zA-Z]{4}-[2-9a-zA-Z]{4}$ ]] ||
	cg_fail "one-time password '$onetime'"
code GET '/accounts?lang=zh' "$A" >/dev/null
grep -q "$onetime" "$CG_TMP/body" && cg_fail "the one-time password is shown again"
cg_expect "add: the name taken" "$(post "$A" /accounts op=add name=zhang role=staff)" 400
body_has '已有同名账号' "name taken"
cg_expect "add: passwords differ" "$(post "$A" /accounts op=add name=li role=staff pw1=li-pass-11 pw2=li-pass-12)" 400
body_has '两次输入的密码不一致' "mismatch"
cg_expect "add: too short" "$(post "$A" /accounts op=add name=li role=staff pw1=short pw2=short)" 400
body_has '密码应为 8 到 256 个字符' "too short"
cg_expect "add: a group the config lacks" "$(post "$A" /accounts op=add name=li role=staff group=class9z)" 400
body_has '配置中没有分组“class9z”' "unknown group"
cg_expect "add: an admin limited to groups" "$(post "$A" /accounts op=add name=li role=admin group=class7a)" 400
cg_expect "add: a bad name" "$(post "$A" /accounts op=add 'name=Li Si' role=staff)" 400
grep -q '^li:' "$CG_TMP/console/accounts" && cg_fail "a refused add was saved"

# 3. The new accounts sign in and must set their own password first.
cg_expect "zhang signs in" "$(cc_login "$Z" zhang zhang-pass-1)" 303
grep -qi '^Location: /password' "$CG_TMP/head" || cg_fail "zhang not sent to /password: $(cat "$CG_TMP/head")"
cg_expect "zhang's dashboard waits" "$(code GET / "$Z")" 303
grep -qi '^Location: /password' "$CG_TMP/head" || cg_fail "mustchange: / does not go to /password"
cg_expect "zhao signs in with the one-time password" "$(cc_login "$H" zhao "$onetime")" 303
grep -qi '^Location: /password' "$CG_TMP/head" || cg_fail "zhao not sent to /password"
cg_expect "zhao's /password" "$(code GET /password "$H")" 200
body_has '你使用的是一次性密码登录' "the forced change says why"
remember_csrf "$H"

# 4. Staff are refused /accounts by the server (GET and POST, with their own token).
cg_expect "zhang's /password" "$(code GET /password "$Z")" 200
remember_csrf "$Z"
cg_expect "staff GET /accounts" "$(code GET /accounts "$Z")" 403
cg_expect "staff GET /accounts/edit" "$(code GET '/accounts/edit?name=alice' "$Z")" 403
cg_expect "staff POST /accounts" "$(post "$Z" /accounts op=add name=evil role=admin pw1=evil-pass-1 pw2=evil-pass-1)" 403
body_has '无权访问' "the 403 page"
grep -q '^evil:' "$CG_TMP/console/accounts" && cg_fail "staff added an account"
# 5. ... and a POST without the CSRF token is refused (the admin's too).
cg_expect "POST /accounts without CSRF" "$(code POST /accounts "$A" --data 'op=add&name=evil&role=admin')" 403
cg_expect "POST /password without CSRF" "$(code POST /password "$Z" --data 'current=zhang-pass-1&pw1=x-pass-123&pw2=x-pass-123')" 403
grep -q '^evil:' "$CG_TMP/console/accounts" && cg_fail "a POST without CSRF added an account"

# 6. zhang changes the password: wrong current, a mismatch, then right; the other
#    session ends; the old password fails and the new one works.
cg_expect "zhang's second session" "$(cc_login "$Z2" zhang zhang-pass-1)" 303
cg_expect "wrong current password" "$(post "$Z" /password current=not-it pw1=zhang-new-2 pw2=zhang-new-2)" 403
body_has '当前密码不正确' "wrong current"
cg_expect "new passwords differ" "$(post "$Z" /password current=zhang-pass-1 pw1=zhang-new-2 pw2=zhang-new-3)" 400
cg_expect "new = current" "$(post "$Z" /password current=zhang-pass-1 pw1=zhang-pass-1 pw2=zhang-pass-1)" 400
cg_expect "password change" "$(post "$Z" /password current=zhang-pass-1 pw1=zhang-new-2 pw2=zhang-new-2)" 200
body_has '密码已修改' "done"
grep -q '^zhang:staff:class7a::\$argon2id\$' "$CG_TMP/console/accounts" ||
	cg_fail "mustchange not cleared: $(grep ^zhang "$CG_TMP/console/accounts")"
cg_expect "the changing session goes on" "$(code GET / "$Z")" 200
cg_expect "the other session ended" "$(code GET / "$Z2")" 303
grep -qi '^Location: /login' "$CG_TMP/head" || cg_fail "ended session: $(cat "$CG_TMP/head")"
cg_expect "old password fails" "$(cc_login "$Z2" zhang zhang-pass-1)" 401
cg_expect "new password works" "$(cc_login "$Z2" zhang zhang-new-2)" 303
grep -qi '^Location: /.$' "$CG_TMP/head" || cg_fail "after the change, sign-in goes to /"
cg_expect "zhao sets a password" "$(post "$H" /password "current=$onetime" pw1=zhao-pass-1 pw2=zhao-pass-1)" 200
cg_expect "zhao's dashboard" "$(code GET / "$H")" 200

# 7. The last active admin: alice cannot demote or disable herself (nor would anyone the
#    last one); with a second admin, bob, she can disable and enable him.
cg_expect "alice's edit page" "$(code GET '/accounts/edit?name=alice' "$A")" 200
body_has '这是你自己的账号' "the page says why alice cannot disable herself"
grep -q 'class="danger" disabled' "$CG_TMP/body" || cg_fail "the disable button is not greyed for oneself"
cg_expect "alice demotes herself" "$(post "$A" /accounts op=edit name=alice role=staff)" 409
body_has '不能撤销自己的管理员角色' "self demotion"
cg_expect "alice disables herself" "$(post "$A" /accounts op=disable name=alice)" 409
grep -q '^alice:admin:::' "$CG_TMP/console/accounts" || cg_fail "alice changed"
cg_expect "add bob (admin)" "$(post "$A" /accounts op=add name=bob role=admin pw1=bob-pass-11 pw2=bob-pass-11)" 200
cg_expect "disable bob" "$(post "$A" /accounts op=disable name=bob)" 200
body_has '已停用账号 bob' "disable bob"
grep -q '^bob:admin::disabled,mustchange:' "$CG_TMP/console/accounts" || cg_fail "bob not disabled"
cg_expect "disabled bob cannot sign in" "$(cc_login "$CG_TMP/bob.jar" bob bob-pass-11)" 401
cg_expect "alice still cannot disable herself (bob is disabled)" "$(post "$A" /accounts op=disable name=alice)" 409
cg_expect "enable bob" "$(post "$A" /accounts op=enable name=bob)" 200
body_has '已启用账号 bob' "enable bob"

# 8. Role and groups; a password reset ends the account's sessions.
cg_expect "zhang: groups class7a -> class7a,default" \
	"$(post "$A" /accounts op=edit name=zhang role=staff group=class7a group=default)" 200
body_has 'groups class7a-&gt;class7a,default' "edit says what changed"
grep -q '^zhang:staff:class7a,default::' "$CG_TMP/console/accounts" || cg_fail "groups not saved"
cg_expect "zhang to admin needs no groups" "$(post "$A" /accounts op=edit name=zhang role=admin group=default)" 400
cg_expect "zhang to admin" "$(post "$A" /accounts op=edit name=zhang role=admin)" 200
grep -q '^zhang:admin:::' "$CG_TMP/console/accounts" || cg_fail "role not saved"
cg_expect "zhang back to staff" "$(post "$A" /accounts op=edit name=zhang role=staff group=class7a)" 200
cg_expect "reset zhang's password (one-time)" "$(post "$A" /accounts op=passwd name=zhang)" 200
reset=$(sed -n 's/.*id="onetime">\([^<]*\)<.*/\1/p' "$CG_TMP/body")
[ ${#reset} = 19 ] || cg_fail "no one-time password after the reset"
cg_expect "zhang's sessions ended by the reset" "$(code GET / "$Z")" 303
cg_expect "old password after the reset" "$(cc_login "$Z" zhang zhang-new-2)" 401
cg_expect "the reset password signs in, to /password" "$(cc_login "$Z" zhang "$reset")" 303
grep -qi '^Location: /password' "$CG_TMP/head" || cg_fail "after a reset, sign-in goes to /password"
cg_expect "edit page of a missing account" "$(code GET '/accounts/edit?name=nobody' "$A")" 404
cg_expect "POST for a missing account" "$(post "$A" /accounts op=disable name=nobody)" 404

# 9. The journal: every change, with the account that made it, and no password.
pats=('account_add,.*zhang role=staff groups=class7a password=typed.*,alice.$'
	'account_add,.*zhao role=staff groups=\* password=one-time.*,alice.$'
	'account_add,.*bob role=admin.*,alice.$'
	'account_disable,.*bob.*,alice.$' 'account_enable,.*bob.*,alice.$'
	'account_edit,.*zhang groups class7a->class7a,default.*,alice.$'
	'account_edit,.*zhang role staff->admin.*,alice.$'
	'account_passwd,.*zhang password reset (one-time).*,alice.$'
	'password_change,.*zhang changed own password (was one-time); 1 other sessions ended.*,zhang.$'
	'password_change,.*zhao changed own password (was one-time).*,zhao.$'
	'login_failed,.*wrong current password.*,zhang.$')
for i in $(seq 100); do
	"$CAMPUSGATE" journal -c "$conf" --since 1h --event admin --format csv >"$CG_TMP/j.csv" ||
		cg_fail "journal --event admin"
	missing=
	for pat in "${pats[@]}"; do grep -q -- "$pat" "$CG_TMP/j.csv" || missing=$pat; done
	[ -z "$missing" ] && break
	sleep 0.1
done
[ -z "$missing" ] || cg_fail "journal lacks '$missing': $(cat "$CG_TMP/j.csv")"
for pw in zhang-pass-1 zhang-new-2 zhao-pass-1 bob-pass-11 "$onetime" "$reset"; do
	grep -rqF -- "$pw" "$CG_TMP/journal" && cg_fail "a password is in the journal: $pw"
	grep -qF -- "$pw" "$CG_TMP/console.log" && cg_fail "a password is in the console's log: $pw"
done
"$CAMPUSGATE" journal verify -c "$conf" >/dev/null || cg_fail "journal verify"
cg_log "ok: the console's account changes are journaled with the admin's name, without passwords"

# 10. The CLI: its changes are journaled too (as the Unix user that ran it), and the
#     rules are the same (the last admin, known groups).
me=$(id -un)
out=$(echo 'wu-pass-123' | "$CAMPUSGATE" user -c "$conf" add wu --role staff --groups default --password-stdin 2>&1) ||
	cg_fail "cli add wu: $out"
"$CAMPUSGATE" user -c "$conf" disable wu >/dev/null || cg_fail "cli disable wu"
"$CAMPUSGATE" user -c "$conf" enable wu >/dev/null || cg_fail "cli enable wu"
"$CAMPUSGATE" user -c "$conf" edit wu --role staff --groups class7a >/dev/null || cg_fail "cli edit wu"
out=$("$CAMPUSGATE" user -c "$conf" passwd wu --onetime) || cg_fail "cli passwd --onetime"
cli_pw=$(echo "$out" | sed -n 's/^  *\([2-9a-zA-Z]\{4\}-[2-9a-zA-Z-]\{14\}\)$/\1/p' | head -n1)
[ ${#cli_pw} = 19 ] || cg_fail "cli one-time password not printed: $out"
grep -q '^wu:staff:class7a:mustchange:' "$CG_TMP/console/accounts" || cg_fail "cli --onetime: no mustchange"
"$CAMPUSGATE" user -c "$conf" disable bob >/dev/null || cg_fail "cli disable bob"
set +e
out=$("$CAMPUSGATE" user -c "$conf" disable alice 2>&1); rc=$?
set -e
cg_expect "cli: the last active admin cannot be disabled" "$rc" 1
echo "$out" | grep -q "last active admin" || cg_fail "cli last admin message: $out"
pats=("account_add,.*wu role=staff groups=default password=typed.*,$me.\$"
	"account_disable,.*wu.*,$me.\$" "account_enable,.*wu.*,$me.\$"
	"account_edit,.*wu groups default->class7a.*,$me.\$"
	"account_passwd,.*wu password reset (one-time).*,$me.\$")
for i in $(seq 100); do
	"$CAMPUSGATE" journal -c "$conf" --since 1h --event admin --format csv >"$CG_TMP/j.csv"
	missing=
	for pat in "${pats[@]}"; do grep -q -- "$pat" "$CG_TMP/j.csv" || missing=$pat; done
	[ -z "$missing" ] && break
	sleep 0.1
done
[ -z "$missing" ] || cg_fail "journal lacks the CLI's '$missing': $(cat "$CG_TMP/j.csv")"
grep -q "campusgate user" "$CG_TMP/j.csv" || cg_fail "the CLI's events do not say they came from campusgate user"
cg_log "ok: campusgate user journals its changes as $me"

# 11. `campusgate user init`: nothing when an active admin exists; otherwise an admin
#     with a one-time password, printed once in zh-CN and English, flagged mustchange.
out=$("$CAMPUSGATE" user -c "$conf" init) || cg_fail "user init with admins: $out"
[ -z "$out" ] || cg_fail "user init printed something while an admin exists: $out"
conf2=$CG_TMP/c2.conf
sed "s|^accounts = .*|accounts = $CG_TMP/console2/accounts|" "$conf" >"$conf2"
out=$("$CAMPUSGATE" user -c "$conf2" init) || cg_fail "user init: $out"
echo "$out" | grep -q '管理员账号 admin，一次性密码' || cg_fail "user init (zh): $out"
echo "$out" | grep -q "admin account admin, with a one-time password" || cg_fail "user init (en): $out"
first=$(echo "$out" | sed -n 's/^  *\([2-9a-zA-Z]\{4\}-[2-9a-zA-Z-]\{14\}\)$/\1/p' | head -n1)
[ ${#first} = 19 ] || cg_fail "user init: no one-time password: $out"
cg_expect "user init prints the password once" "$(echo "$out" | grep -c -- "$first")" 1
grep -q '^admin:admin::mustchange:\$argon2id\$' "$CG_TMP/console2/accounts" ||
	cg_fail "user init: $(cat "$CG_TMP/console2/accounts")"
out=$("$CAMPUSGATE" user -c "$conf2" init) || cg_fail "user init, again"
[ -z "$out" ] || cg_fail "user init printed a second password: $out"

cg_stop_pid "$CONSOLE_PID"
cg_pass
