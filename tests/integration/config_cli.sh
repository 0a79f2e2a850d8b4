#!/bin/bash
# campusgate config check and campusgated -n on the shipped config and on broken ones:
# "configuration OK" / "配置正确", FILE:LINE messages, exit codes, the default config
# search ($CAMPUSGATE_CONF, ./config/campusgate.conf) and every usage error.
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

# from a folder without config/: the installed sysconfdir path (absent in a build tree)
(cd "$T" && run "$CAMPUSGATE" config check; echo "$rc" >"$T/rc")
rc=$(cat "$T/rc")
grep -qE "/campusgate/campusgate.conf: " "$T/out" "$T/err" ||
	cg_fail "no ./config: the sysconfdir path is not used: $(cat "$T/out" "$T/err")"
if grep -q "cannot open" "$T/err"; then
	[ "$rc" = 1 ] || cg_fail "no config anywhere: exit $rc, want 1"
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

# campusgated -n reads the same config the same way
if [ -x "$CAMPUSGATED" ]; then
	run "$CAMPUSGATED" -n -c config/campusgate.conf
	expect_rc 0 "campusgated -n shipped config"
	expect_out "configuration OK" "campusgated -n"
	run "$CAMPUSGATED" -n -c "$T/etc/bad.conf"
	[ "$rc" != 0 ] || cg_fail "campusgated -n accepted the bad config"
	grep -qF "$T/etc/bad.conf:2: threads" "$T/err" "$T/out" ||
		cg_fail "campusgated -n did not name bad.conf:2: $out $err"
fi
cg_pass
