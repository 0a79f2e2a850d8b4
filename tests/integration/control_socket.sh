#!/bin/bash
# The control socket: `campusgate status` (for people, --raw, in zh-CN too), a reload
# that returns its result (ok; refused with the file:line errors, old policy kept),
# status while the config on disk is broken, a second daemon refused on a live socket,
# permissions (a user outside the group cannot use it), and no daemon after the stop.
. "$(dirname "$0")/lib.sh"
cg_need dig
cg_init
port=$(cg_free_port)
mkdir -p "$CG_TMP/lists" "$CG_TMP/journal" "$CG_TMP/run"
chmod 755 "$CG_TMP" "$CG_TMP/run"
printf 'blocked-one.example\n' >"$CG_TMP/lists/a.list"
cat >"$CG_TMP/c.conf" <<CONF
[general]
control_socket = run/control.sock
[dns]
listen = 127.0.0.1:$port
upstream = 127.0.0.1:9
timeout_ms = 300
[journal]
dir = $CG_TMP/journal
# the per-client limit, small (step 1c)
client_max_events = 5
client_interval_s = 5
[category gambling]
list = $CG_TMP/lists/a.list
[group default]
block = gambling
CONF
cp "$CG_TMP/c.conf" "$CG_TMP/good.conf"
sock="$CG_TMP/run/control.sock"

cg_start_daemon "$CG_TMP/c.conf"
[ -S "$sock" ] || cg_fail "no control socket at $sock"
cg_expect "socket mode without a control_group" "$(stat -c %a "$sock")" 600

# 1. status for people, in English and Chinese, and the raw lines for scripts.
out=$("$CAMPUSGATE" status -c "$CG_TMP/c.conf") || cg_fail "status: $out"
echo "$out" | grep -q "campusgated is running (PID $CG_DAEMON_PID, version" || cg_fail "status line: $out"
echo "$out" | grep -q "policy: *1 domains" || cg_fail "status lacks the policy size: $out"
echo "$out" | grep -q "front ends: *dns" || cg_fail "status lacks the front ends: $out"
out=$(LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" status -c "$CG_TMP/c.conf") || cg_fail "zh status"
echo "$out" | grep -q "campusgated 正在运行（PID $CG_DAEMON_PID" || cg_fail "zh status: $out"
raw=$("$CAMPUSGATE" status --raw -c "$CG_TMP/c.conf")
cg_expect "raw pid" "$(echo "$raw" | awk '$1=="pid" {print $2}')" "$CG_DAEMON_PID"
cg_expect "raw policy_domains" "$(echo "$raw" | awk '$1=="policy_domains" {print $2}')" 1
cg_expect "raw journal limits" "$(echo "$raw" | awk '$1 ~ /^journal_(suppressed|low_space)/ {printf "%s=%s ", $1, $2}')" \
	"journal_suppressed=0 journal_low_space=0 journal_low_space_skipped=0 "
cg_log "ok: status"

# 1c. The journal's per-client limit (client_max_events = 5 in 5 s): 12 blocked queries
# from one client: 5 journaled, 7 counted in status, and one 'suppressed' event with the
# count when the interval ends (the writer's timer: no further event needed).
for i in $(seq 12); do
	dig +tries=1 +time=2 -b 127.0.0.5 -p "$port" @127.0.0.1 blocked-one.example A >/dev/null
done
cg_expect "suppressed in status" "$("$CAMPUSGATE" status --raw -c "$CG_TMP/c.conf" | awk '$1=="journal_suppressed" {print $2}')" 7
"$CAMPUSGATE" status -c "$CG_TMP/c.conf" | grep -q "7 events over the per-client limit" ||
	cg_fail "status for people does not show the suppressed events"
for i in $(seq 100); do
	grep -q '"event":"suppressed".*"client":"127.0.0.5"' "$CG_TMP"/journal/*.jsonl && break
	sleep 0.1
done
sup=$(grep -h '"event":"suppressed"' "$CG_TMP"/journal/*.jsonl | grep '"client":"127.0.0.5"')
echo "$sup" | grep -q '"reason":"7 more events from this client suppressed' || cg_fail "no summary event: $sup"
cg_expect "one summary" "$(echo "$sup" | wc -l)" 1
cg_expect "events journaled one by one" "$(grep -h '"event":"hit"' "$CG_TMP"/journal/*.jsonl | grep -c '"client":"127.0.0.5"')" 5
cg_log "ok: journal per-client limit: 5 written, 7 summarised in one event"

# 1b. A dead upstream: SERVFAIL with an Extended DNS Error, logged at once, in status.
out=$(dig +tries=1 +time=5 -p "$port" @127.0.0.1 allowed.example A)
echo "$out" | grep -q "status: SERVFAIL" || cg_fail "dead upstream: not SERVFAIL: $out"
echo "$out" | grep -q "EDE: 22 (No Reachable Authority): (no upstream resolver answered)" ||
	cg_fail "SERVFAIL without the Extended DNS Error: $out"
grep -q "dns: upstream 127.0.0.1:9 did not answer within 300 ms" "$CG_TMP/daemon.log" ||
	cg_fail "dead upstream not logged while running: $(cat "$CG_TMP/daemon.log")"
for i in 1 2 3; do dig +tries=1 +time=5 -p "$port" @127.0.0.1 "allowed$i.example" A >/dev/null; done
cg_expect "one warning a minute" "$(grep -c 'dns: upstream 127.0.0.1:9 did not answer' "$CG_TMP/daemon.log")" 1
out=$("$CAMPUSGATE" status -c "$CG_TMP/c.conf")
echo "$out" | grep -q "upstream: *127.0.0.1:9 DOWN (not answering); 0 answers, [0-9]* timeouts" ||
	cg_fail "status does not show the dead upstream: $out"
cg_log "ok: dead upstream: EDE, log line, status"

# 2. A good reload prints its result and the new name is blocked at once.
printf 'blocked-one.example\nblocked-two.example\n' >"$CG_TMP/lists/a.list"
out=$("$CAMPUSGATE" reload -c "$CG_TMP/c.conf") || cg_fail "reload: $out"
echo "$out" | grep -qx 'reload done' || cg_fail "reload did not say 'reload done': $out"
rc=$(dig +tries=1 +time=2 -p "$port" @127.0.0.1 blocked-two.example A | awk '/status:/ {print $6}')
cg_expect "name added by the reload is blocked" "$rc" "NXDOMAIN,"
cg_expect "reloads counted" "$("$CAMPUSGATE" status --raw -c "$CG_TMP/c.conf" | awk '$1=="last_reload" {print $2}')" ok

# 3. A broken config: reload is refused with file:line (exit 1), status still works.
sed -i "s/^upstream = 127.0.0.1:9/upstream = 127.0.0.1:9\ntimeout_ms = banana/" "$CG_TMP/c.conf"
set +e
out=$("$CAMPUSGATE" reload -c "$CG_TMP/c.conf" 2>&1); rc=$?
set -e
cg_expect "refused reload exits 1" "$rc" 1
echo "$out" | grep -q "c.conf:6: timeout_ms must be a whole number" || cg_fail "reload error lacks file:line: $out"
echo "$out" | grep -q "reload failed: the configuration has errors" || cg_fail "reload result: $out"
rc=$(dig +tries=1 +time=2 -p "$port" @127.0.0.1 blocked-two.example A | awk '/status:/ {print $6}')
cg_expect "old policy answers after the refused reload" "$rc" "NXDOMAIN,"
out=$("$CAMPUSGATE" status -c "$CG_TMP/c.conf" 2>&1) || cg_fail "status with a broken config on disk: $out"
echo "$out" | grep -q "campusgated is running" || cg_fail "status with a broken config: $out"
echo "$out" | grep -q "warning: this configuration has errors" || cg_fail "no warning about the broken config: $out"
cg_log "ok: broken config refused, status still answers"

# 4. A list that cannot be compiled: refused, naming the file.
cp "$CG_TMP/good.conf" "$CG_TMP/c.conf"
printf '/unclosed(/\n' >>"$CG_TMP/lists/a.list"
set +e
out=$("$CAMPUSGATE" reload -c "$CG_TMP/c.conf" 2>&1); rc=$?
set -e
if [ "$rc" = 0 ]; then
	echo "$out" | grep -q "a.list:3:" || cg_fail "bad pattern not reported by the reload: $out"
else
	echo "$out" | grep -q "a.list:3:" || cg_fail "refused reload does not name the list line: $out"
fi
cg_log "ok: list errors come back to the admin"

# 5. A second daemon on the same control socket does not take it over.
port2=$(cg_free_port)
mkdir -p "$CG_TMP/journal2"
sed "s/127.0.0.1:$port/127.0.0.1:$port2/; s|^dir = .*|dir = $CG_TMP/journal2|" "$CG_TMP/good.conf" >"$CG_TMP/second.conf"
"$CAMPUSGATED" -c "$CG_TMP/second.conf" >"$CG_TMP/second.log" 2>&1 &
second=$!
CG_PIDS+=("$second")
for i in $(seq 100); do grep -q 'campusgated: ready\|control socket' "$CG_TMP/second.log" && break; sleep 0.1; done
grep -q 'another campusgated answers on this control socket' "$CG_TMP/second.log" ||
	cg_fail "second daemon did not report the live socket: $(cat "$CG_TMP/second.log")"
cg_stop_pid "$second"
cg_expect "first daemon still owns the socket" \
	"$("$CAMPUSGATE" status --raw -c "$CG_TMP/good.conf" | awk '$1=="pid" {print $2}')" "$CG_DAEMON_PID"

# 6. Permissions: a user outside the group cannot reach it.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 644 "$CG_TMP/good.conf"
	set +e
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CAMPUSGATE" status -c "$CG_TMP/good.conf" 2>&1); rc=$?
	set -e
	cg_expect "status as an outsider fails" "$rc" 1
	echo "$out" | grep -q "permission denied" || cg_fail "outsider message: $out"
	cg_log "ok: permissions by group"
fi

# 7. After the stop: the socket is gone and status says so (exit 1).
cg_stop_pid "$CG_DAEMON_PID"
[ -e "$sock" ] && cg_fail "socket left behind after a clean stop"
set +e
out=$("$CAMPUSGATE" status -c "$CG_TMP/good.conf" 2>&1); rc=$?
set -e
cg_expect "status without a daemon exits 1" "$rc" 1
echo "$out" | grep -q "campusgated is not running" || cg_fail "no-daemon message: $out"
cg_pass
