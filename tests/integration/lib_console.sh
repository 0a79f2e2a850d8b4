# Helpers for the web console's integration tests (source after lib.sh):
#   cg_console_start CONF [NETNS]  campusgated and campusgate-console on CONF (in NETNS
#                                  when given), waiting for both; sets CONSOLE_PID
#   cg_console_curl PORT           sets CONSOLE_BASE and the curl helpers below
#   cc_code METHOD PATH JAR [curl args]  the status code; body in $CG_TMP/body,
#                                  headers in $CG_TMP/head
#   cc_login JAR NAME PASSWORD     sign in (GET the form, POST it): the POST's status
#   cc_csrf                        the csrf token of the page last fetched
#   cg_console_conf DNS_PORT CONSOLE_PORT [UPSTREAM_PORT] <<CONF
#                                  the config every console test starts from, in
#                                  $CG_TMP/c.conf (sets conf), with the folders lists/,
#                                  journal/ and run/: see below
#   cg_console_user NAME ROLE PASSWORD [GROUPS]  an account made with `campusgate user add`
#   cg_console_need_browser [CMD...]  skip unless root with chromium, chromedriver, ip,
#                                  python3-selenium (and CMD...)
#   cg_console_netns PREFIX        after cg_init: a network namespace PREFIX<pid> with only
#                                  loopback up, deleted at exit; sets NS
# cg_fail also prints the console's log.
CONSOLE=$CG_BUILD_ROOT/gateway/campusgate-console
[ -x "$CONSOLE" ] || cg_fail "campusgate-console not built at $CONSOLE"
eval "cg_fail_lib() $(declare -f cg_fail | tail -n +2)"
cg_fail() {
	[ -n "${CG_TMP:-}" ] && [ -f "$CG_TMP/console.log" ] &&
		{ echo "--- console log (last 20 lines) ---"; tail -n 20 "$CG_TMP/console.log"; }
	cg_fail_lib "$@"
}

# The common part: [general] the control socket under run/; [dns] listening on
# 127.0.0.1:DNS_PORT, upstream 127.0.0.1:UPSTREAM_PORT (by default 9, where nothing
# answers); [journal] dir; [console] listening on 127.0.0.1:CONSOLE_PORT with its accounts
# file. The rest of the config comes on stdin: its lines under [general], [dns], [journal]
# or [console] are added to that section (a section may be given only once), every other
# section is copied as it is, after them.
cg_console_conf() {
	local port=$1 cport=$2 up=${3:-9}
	mkdir -p "$CG_TMP/lists" "$CG_TMP/journal" "$CG_TMP/run"
	chmod 755 "$CG_TMP" "$CG_TMP/run"
	conf=$CG_TMP/c.conf
	awk -v port="$port" -v cport="$cport" -v up="$up" -v tmp="$CG_TMP" '
		BEGIN {
			n = split("[general] [dns] [journal] [console]", order, " ")
			body["[general]"] = "control_socket = run/control.sock\n"
			body["[dns]"] = "listen = 127.0.0.1:" port "\nupstream = 127.0.0.1:" up "\n"
			body["[journal]"] = "dir = " tmp "/journal\n"
			body["[console]"] = "listen = 127.0.0.1:" cport "\naccounts = " tmp "/console/accounts\n"
		}
		/^\[/ { sec = $0; if (sec in body) next }
		{ if (sec in body) body[sec] = body[sec] $0 "\n"; else rest = rest $0 "\n" }
		END {
			for (i = 1; i <= n; i++)
				printf "%s\n%s", order[i], body[order[i]]
			printf "%s", rest
		}' >"$conf" || cg_fail "cannot write $conf"
}

cg_console_user() {
	local name=$1 role=$2 pw=$3 groups=${4:-}
	local g=()
	[ -n "$groups" ] && g=(--groups "$groups")
	echo "$pw" | "$CAMPUSGATE" user -c "$conf" add "$name" --role "$role" "${g[@]}" --password-stdin >/dev/null ||
		cg_fail "user add $name"
}

cg_console_need_browser() {
	cg_need_root
	cg_need chromium chromedriver ip "$@"
	/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
		cg_skip "python3-selenium is not installed (scripts/install-deps.sh installs it)"
}

cg_console_netns() {
	NS=$1$$
	ip netns add "$NS" && cg_on_exit "ip netns del $NS" || cg_fail "ip netns add"
	ip -n "$NS" link set lo up
}

cg_console_start() {
	local conf=$1 ns=${2:-} i
	local run=()
	[ -n "$ns" ] && run=(ip netns exec "$ns")
	: >"$CG_TMP/daemon.log"
	"${run[@]}" "$CAMPUSGATED" -c "$conf" >>"$CG_TMP/daemon.log" 2>&1 &
	CG_DAEMON_PID=$!
	CG_PIDS+=("$CG_DAEMON_PID")
	for i in $(seq 300); do
		grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && break
		kill -0 "$CG_DAEMON_PID" 2>/dev/null || cg_fail "campusgated exited during start-up"
		sleep 0.1
	done
	grep -q 'campusgated: ready' "$CG_TMP/daemon.log" || cg_fail "campusgated not ready in 30 s"
	: >"$CG_TMP/console.log"
	"${run[@]}" "$CONSOLE" -c "$conf" >>"$CG_TMP/console.log" 2>&1 &
	CONSOLE_PID=$!
	CG_PIDS+=("$CONSOLE_PID")
	for i in $(seq 300); do
		grep -q "console serving" "$CG_TMP/console.log" && break
		kill -0 "$CONSOLE_PID" 2>/dev/null || cg_fail "console exited: $(cat "$CG_TMP/console.log")"
		sleep 0.1
	done
	grep -q "console serving" "$CG_TMP/console.log" || cg_fail "console not serving: $(cat "$CG_TMP/console.log")"
}

cg_console_curl() {
	CONSOLE_BASE=https://127.0.0.1:$1
	CC_CURL=(curl -sk --max-time 10)
}
cc_code() {
	local m=$1 p=$2 jar=$3; shift 3
	"${CC_CURL[@]}" -o "$CG_TMP/body" -D "$CG_TMP/head" -w '%{http_code}' -X "$m" -b "$jar" -c "$jar" "$@" "$CONSOLE_BASE$p"
}
cc_login_token() { awk '$6=="cg_login" {print $7}' "$1" | tail -n 1; }
cc_csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$CG_TMP/body" | head -n 1; }
cc_login() {
	local jar=$1
	cc_code GET /login "$jar" >/dev/null
	cc_code POST /login "$jar" --data-urlencode "name=$2" --data-urlencode "password=$3" \
		--data-urlencode "csrf=$(cc_login_token "$jar")"
}
