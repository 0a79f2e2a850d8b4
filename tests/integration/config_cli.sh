#!/bin/bash
# campusgate config check and campusgated -n on the shipped config and on broken ones:
# "configuration OK" / "配置正确", FILE:LINE messages (bad list lines too), exit codes, the
# default config search ($CAMPUSGATE_CONF, ./config/campusgate.conf, sysconfdir) shared by
# both programs, and every usage error.
. "$(dirname "$0")/lib.sh"

[ -x "$CAMPUSGATE" ] || cg_fail "campusgate not built at $CAMPUSGATE"
CG_TMP=$(mktemp -d /tmp/cgint.XXXXXX)
trap cg_cleanup EXIT
export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset CAMPUSGATE_CONF
cd "$CG_SOURCE_ROOT" || cg_fail "no source root"
T=$CG_TMP

# run CMD...: sets $rc, $out (stdout), $err (stderr)
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
expect_rc() { [ "$rc" = "$1" ] || cg_fail "$2: exit $rc, want $1; stdout: $out; stderr: $err"; }
expect_out() { grep -qF -- "$1" "$T/out" || cg_fail "$2: stdout lacks '$1': $out"; }
expect_err() { grep -qF -- "$1" "$T/err" || cg_fail "$2: stderr lacks '$1': $err"; }

# the shipped config, in English and in Chinese
run "$CAMPUSGATE" config check -c config/campusgate.conf
expect_rc 0 "shipped config"
expect_out "configuration OK" "shipped config"
expect_out "config/campusgate.conf: 4 categories" "shipped config summary"
run env LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" config check -c config/campusgate.conf
expect_rc 0 "shipped config (zh)"
expect_out "配置正确" "shipped config (zh)"
run "$CAMPUSGATE" config check -q config/campusgate.conf
expect_rc 0 "quiet"
[ -z "$out" ] || cg_fail "-q printed: $out"

# default search: ./config/campusgate.conf from the project root, then $CAMPUSGATE_CONF
run "$CAMPUSGATE" config check
expect_rc 0 "default config"
expect_out "config/campusgate.conf: " "default config is ./config/campusgate.conf"

# from a folder without config/: the installed sysconfdir path, which --help names.
# In a build tree it is absent: then "cannot open" and exit 1; when it is installed, the
# check runs on it (exit 0 or 1, but the file is named either way).
sysconf=$("$CAMPUSGATE" config check --help | grep -o '/[^ ]*/campusgate\.conf' | tail -n 1)
[ -n "$sysconf" ] || cg_fail "config check --help names no sysconfdir path"
(cd "$T" && run "$CAMPUSGATE" config check; echo "$rc" >"$T/rc")
rc=$(cat "$T/rc")
grep -qF "$sysconf: " "$T/out" "$T/err" ||
	cg_fail "no ./config: $sysconf is not used: $(cat "$T/out" "$T/err")"
if [ -e "$sysconf" ]; then
	case $rc in 0|1) ;; *) cg_fail "installed $sysconf: exit $rc, want 0 or 1" ;; esac
else
	expect_err "$sysconf: cannot open" "no config anywhere"
	expect_rc 1 "no config anywhere"
	if grep -qF "configuration OK" "$T/out"; then cg_fail "no config anywhere said OK"; fi
fi

mkdir -p "$T/etc/lists"
echo "example.com" >"$T/etc/lists/a.list"
cat >"$T/etc/bad.conf" <<'CONF'
[dns]
threads = many
listen = 127.0.0.1:99999
[category p]
list = lists/a.list
list = lists/missing.list
list = ?lists/optional.list
[group g]
subnet = 10.0.0.1/8
block = p nosuch
CONF
CAMPUSGATE_CONF=$T/etc/bad.conf run "$CAMPUSGATE" config check
expect_rc 1 "bad config via \$CAMPUSGATE_CONF"
expect_err "$T/etc/bad.conf:2: threads must be a whole number from 0 to 256, not 'many'" "threads"
expect_err "$T/etc/bad.conf:3: listen: '127.0.0.1:99999' is not ADDR:PORT" "listen"
expect_err "$T/etc/bad.conf:6: list lists/missing.list: No such file or directory" "missing list"
expect_err "$T/etc/bad.conf:7: warning: optional list lists/optional.list not found" "optional"
expect_err "$T/etc/bad.conf:9: subnet: '10.0.0.1/8' is not ADDR/PREFIX" "subnet"
expect_err "$T/etc/bad.conf:10: group 'g': unknown category 'nosuch'" "category"
expect_err "configuration has 6 error(s)" "error count"
if grep -qF "configuration OK" "$T/out"; then cg_fail "bad config said OK"; fi
run env LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" config check -c "$T/etc/bad.conf"
expect_rc 1 "bad config (zh)"
expect_err "配置有 6 处错误" "bad config (zh)"

# a good config outside the project, with -c overriding $CAMPUSGATE_CONF
cat >"$T/etc/good.conf" <<'CONF'
[category p]
list = lists/a.list
CONF
CAMPUSGATE_CONF=$T/etc/bad.conf run "$CAMPUSGATE" config check -c "$T/etc/good.conf"
expect_rc 0 "-c wins over \$CAMPUSGATE_CONF"
run "$CAMPUSGATE" config check -c "$T/nonexistent.conf"
expect_rc 1 "missing file"
expect_err "$T/nonexistent.conf: cannot open" "missing file"

# usage errors: exit 2; --help: exit 0
for args in "config" "config frob" "config check -x" "config check a b" \
	"config check -c a b"; do
	# shellcheck disable=SC2086
	run "$CAMPUSGATE" $args
	expect_rc 2 "campusgate $args"
	expect_err "Usage: campusgate config check" "campusgate $args"
done
run "$CAMPUSGATE" config check --help
expect_rc 0 "--help"
expect_out "Exit status" "--help"
run env LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" config --help
expect_rc 0 "--help (zh)"
expect_out "用法: campusgate config check" "--help (zh)"

# Both checks compile the lists too: a bad list line is named FILE:LINE and is a
# warning (exit 0, "configuration OK"); a list that cannot be read at all is an error.
printf 'good.example\nbad!.example\n/unclosed(/\n' >"$T/etc/lists/bad.list"
mkdir -p "$T/etc/lists/empty-ut1"
cat >"$T/etc/badlist.conf" <<'CONF'
[category p]
list = lists/a.list
list = lists/bad.list
CONF
cat >"$T/etc/nolist.conf" <<'CONF'
[category p]
list = ut1:lists/empty-ut1
CONF
check_badlist() { # check_badlist NAME: $out/$err of a run on badlist.conf
	expect_rc 0 "$1 on a bad list line"
	expect_err "lists/bad.list:2: bad character in name: bad!.example" "$1 bad name"
	expect_err "lists/bad.list:3: bad pattern (" "$1 bad pattern"
	expect_err "2 bad list line(s) skipped" "$1 bad line count"
	expect_out "lists: 2 domains" "$1 list counts"
	expect_out "configuration OK" "$1 OK after list warnings"
}
run "$CAMPUSGATE" config check -c "$T/etc/badlist.conf"
check_badlist "config check"
run "$CAMPUSGATE" config check -c "$T/etc/nolist.conf"
expect_rc 1 "config check, unreadable list"
expect_err "lists/empty-ut1: UT1 folder has none of" "config check, unreadable list"
expect_err "the lists cannot be loaded" "config check, unreadable list"
if grep -qF "configuration OK" "$T/out"; then cg_fail "unreadable list said OK"; fi

# campusgated -n reads the same config the same way, lists included, by locale
[ -x "$CAMPUSGATED" ] || cg_fail "campusgated not built at $CAMPUSGATED"
run "$CAMPUSGATED" -n -c config/campusgate.conf
expect_rc 0 "campusgated -n shipped config"
expect_out "configuration OK" "campusgated -n"
expect_out "config/campusgate.conf: lists: " "campusgated -n compiles the lists"
if grep -qF "配置正确" "$T/out"; then cg_fail "campusgated -n in English printed Chinese: $out"; fi
run "$CAMPUSGATED" -n -c "$T/etc/bad.conf"
expect_rc 1 "campusgated -n bad config"
expect_err "$T/etc/bad.conf:2: threads" "campusgated -n names bad.conf:2"
expect_err "configuration has 6 error(s)" "campusgated -n error count"
run "$CAMPUSGATED" -n -c "$T/etc/badlist.conf"
check_badlist "campusgated -n"
run env LC_ALL=zh_CN.UTF-8 "$CAMPUSGATED" -n -c "$T/etc/badlist.conf"
expect_rc 0 "campusgated -n (zh)"
expect_out "配置正确" "campusgated -n (zh)"
expect_err "跳过了 2 行有误的名单条目" "campusgated -n (zh) bad line count"
if grep -qF "configuration OK" "$T/out"; then cg_fail "campusgated -n in Chinese printed English: $out"; fi
run env LC_ALL=zh_CN.UTF-8 "$CAMPUSGATED" -n -c "$T/etc/bad.conf"
expect_rc 1 "campusgated -n bad config (zh)"
expect_err "配置有 6 处错误" "campusgated -n bad config (zh)"

# The config messages themselves follow LANG (LC_ALL and LC_MESSAGES unset), in the check
# commands and when the daemon refuses to start: the sentence in
# zh-CN, FILE:LINE and what the admin typed as it was; under C or en the English text.
cat >"$T/etc/bad2.conf" <<'CONF'
[dns]
cache_entries = 1e6
colour = blue
[timetable school]
time = 8:00-12:00
[bogus]
CONF
# (the zh-CN messages quote values with “ ”, on purpose)
# shellcheck disable=SC1111
for prog in "$CAMPUSGATED -n" "$CAMPUSGATED" "$CAMPUSGATE config check"; do
	# shellcheck disable=SC2086
	run env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 $prog -c "$T/etc/bad.conf"
	expect_rc 1 "$prog bad config, LANG=zh_CN"
	expect_err "$T/etc/bad.conf:2: threads 必须是 0 到 256 之间的整数，而不是“many”" "$prog zh threads"
	expect_err "$T/etc/bad.conf:3: listen: “127.0.0.1:99999”不是 ADDR:PORT" "$prog zh listen"
	expect_err "$T/etc/bad.conf:6: 名单 lists/missing.list: 没有那个文件或目录" "$prog zh list"
	expect_err "$T/etc/bad.conf:7: 警告：未找到可选名单 lists/optional.list，已跳过" "$prog zh optional"
	expect_err "$T/etc/bad.conf:9: subnet: “10.0.0.1/8”不是 ADDR/PREFIX 格式" "$prog zh subnet"
	expect_err "$T/etc/bad.conf:10: 分组“g”: 未知的类别“nosuch”" "$prog zh category"
	expect_err "配置有 6 处错误" "$prog zh count"
	for en in "must be a whole number" "is not ADDR:PORT" "No such file" "optional list" \
		"unknown category"; do
		if grep -qF "$en" "$T/err"; then cg_fail "$prog, LANG=zh_CN: English '$en': $err"; fi
	done
	# shellcheck disable=SC2086
	run env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 $prog -c "$T/etc/bad2.conf"
	expect_rc 1 "$prog bad2, LANG=zh_CN"
	expect_err "bad2.conf:2: cache_entries 必须是 0 到 100000000 之间的整数，而不是“1e6”" \
		"$prog zh cache_entries"
	expect_err "bad2.conf:3: 未知的配置项“colour”" "$prog zh unknown key"
	expect_err "bad2.conf:5: time: “8:00-12:00”: 时间应为 HH:MM-HH:MM 格式" "$prog zh time"
	expect_err "bad2.conf:6: 未知的配置段 [bogus]" "$prog zh unknown section"
	for lang in C en_US.UTF-8; do
		# shellcheck disable=SC2086
		run env -u LC_ALL -u LC_MESSAGES LANG=$lang $prog -c "$T/etc/bad2.conf"
		expect_rc 1 "$prog bad2, LANG=$lang"
		expect_err "bad2.conf:2: cache_entries must be a whole number from 0 to 100000000" \
			"$prog $lang cache_entries"
		expect_err "bad2.conf:3: unknown key 'colour' in this section" "$prog $lang key"
		expect_err "bad2.conf:5: time: '8:00-12:00': time must be HH:MM-HH:MM" "$prog $lang time"
		expect_err "bad2.conf:6: unknown section [bogus]" "$prog $lang section"
		if grep -qF "未知" "$T/err"; then cg_fail "$prog, LANG=$lang printed Chinese: $err"; fi
	done
done

run "$CAMPUSGATED" -n -c "$T/etc/nolist.conf"
expect_rc 1 "campusgated -n, unreadable list"
expect_err "the lists cannot be loaded" "campusgated -n, unreadable list"

# Without -c, campusgated looks where campusgate looks: ./config/campusgate.conf from the
# project root, $CAMPUSGATE_CONF, else the sysconfdir file; finding none is exit 1.
run "$CAMPUSGATED" -n
expect_rc 0 "campusgated -n without -c"
expect_out "config/campusgate.conf: lists: " "campusgated -n without -c uses ./config"
CAMPUSGATE_CONF=$T/etc/badlist.conf run "$CAMPUSGATED" -n
check_badlist "campusgated -n via \$CAMPUSGATE_CONF"
"$CAMPUSGATED" --help | grep -qF "./config/campusgate.conf" ||
	cg_fail "campusgated --help does not say where the config is found"
if [ ! -e "$sysconf" ]; then
	(cd "$T" && run timeout 20 "$CAMPUSGATED"; echo "$rc" >"$T/rc")
	rc=$(cat "$T/rc")
	expect_rc 1 "plain campusgated with no config anywhere"
	expect_err "$sysconf: cannot open" "plain campusgated names the sysconfdir path"
	(cd "$T" && run timeout 20 "$CAMPUSGATED" -n; echo "$rc" >"$T/rc")
	rc=$(cat "$T/rc")
	expect_rc 1 "campusgated -n with no config anywhere"
fi
cg_pass
