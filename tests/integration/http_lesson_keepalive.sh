#!/bin/bash
# The pupil who keeps a connection open across the bell: an address blocked for the
# pupils' group only during lessons (block_scheduled with a timetable) must be blocked on
# a kept-alive connection as soon as the lesson begins, without a reload. The explicit
# proxy reuses its connection to the origin for every further request to the same name;
# its address is decided with each of them, as the name is. The transparent port decides
# the original destination with each request too (the same check, kept as a guard).
#
# Router of network namespaces (lib_http.sh): client 10.77.1.2 -> gateway 10.77.1.1 ->
# origin 10.77.2.4 (play.test, in the "games" address list) and an NSD resolver on
# 10.77.2.5. The timetable is in force from the next whole minute (UTC) on: the clients
# send one request a second on one connection each and see 200 before, 403 after.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need ip nft nsd dig
cg_init
GW_PROXY_PORT=3128 # (in the gateway's namespace: no other test's port)
cg_router_up
C() { ip netns exec "$NS_C" "$@"; }
O() { ip netns exec "$NS_O" "$@"; }
ip -n "$NS_O" addr add 10.77.2.5/24 dev "cgo0$$"

# --- the origin (logs each connection and request) and its resolver ----------------------
cg_http_origin_script
"$PY" - "$CG_TMP/origin.py" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
old = '            text = "ORIGIN %s'
assert old in s
s = s.replace(old, '            print("REQ %s %s" % (method, target), flush=True)\n' + old, 1)
old = '        self.connection.setsockopt('
assert old in s
s = s.replace(old, '        print("CONN %s:%d" % self.client_address[:2], flush=True)\n' + old, 1)
open(p, "w").write(s)
PY
cg_http_origin "$NS_O" 10.77.2.4 80 play
mkdir -p "$CG_TMP/nsd"
cat >"$CG_TMP/nsd/test.zone" <<'EOF'
$ORIGIN test.
$TTL 300
@ IN SOA ns.test. hostmaster.test. 1 3600 900 604800 30
@ IN NS ns.test.
ns IN A 10.77.2.5
play IN A 10.77.2.4
EOF
cg_ns_nsd "$NS_O" 10.77.2.5

# --- the lesson: from the next whole minute (UTC) with at least 12 s to go, for 10 min ------
cg_lesson_next_minute
start=$LESSON_START from=$LESSON_FROM to=$LESSON_TO

# --- the gateway: pupils (the client's subnet) have the games address list blocked during
# lessons; a transparent port and the explicit proxy, resolving through the origin's NSD ---
printf '10.77.2.4\n' >"$CG_TMP/games.list"
CG_BLOCK_PAGE_V4=10.77.1.1 CG_DNS_UPSTREAM=10.77.2.5:53 cg_http_config "$CG_TMP/c.conf" \
	"listen = 0.0.0.0:$GW_HTTP_PORT" "explicit_listen = 10.77.1.1:$GW_PROXY_PORT"
cat >>"$CG_TMP/c.conf" <<EOF
[category games]
kind = block
title_zh = 游戏
title_en = Games
list = $CG_TMP/games.list
[timetable lessons]
timezone = UTC
weekdays = daily
time = $from-$to
[group pupils]
subnet = 10.77.1.0/24
block = gambling bypass
block_scheduled = games
timetable = lessons
block_mode = page
EOF
cg_start_daemon_ns "$NS_G" "$CG_TMP/c.conf"

# pupil.py MODE START: one connection (explicit: to the proxy, absolute-form targets;
# transparent: to the origin's address, redirected), one GET a second until three have
# been sent after START. Prints "SENT RECEIVED STATUS same|new PATH" for each.
cat >"$CG_TMP/pupil.py" <<'PY'
import http.client, sys, time
mode, start, port = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
if mode == "x":
    h = http.client.HTTPConnection("10.77.1.1", port, timeout=10)
    url = "http://play.test"
else:
    h = http.client.HTTPConnection("10.77.2.4", 80, timeout=10)
    url = ""
sock, after, i = None, 0, 0
while after < 3 and time.time() < start + 30:
    sent = time.time()
    path = "/%s-%s-%d" % ("after" if sent >= start else "before", mode, i)
    if sent >= start:
        after += 1
    h.request("GET", url + path, headers={"Host": "play.test"})
    r = h.getresponse(); r.read()
    if sock is None:
        sock = h.sock
    same = "same" if h.sock is sock and sock is not None else "new"
    print("%.3f %.3f %d %s %s" % (sent, time.time(), r.status, same, path), flush=True)
    i += 1
    time.sleep(1)
PY
C "$PY" "$CG_TMP/pupil.py" x "$start" "$GW_PROXY_PORT" >"$CG_TMP/pupil-x.out" 2>&1 &
px=$!
C "$PY" "$CG_TMP/pupil.py" t "$start" 0 >"$CG_TMP/pupil-t.out" 2>&1 &
pt=$!
CG_PIDS+=("$px" "$pt")
wait "$px" || cg_fail "explicit client: $(cat "$CG_TMP/pupil-x.out")"
wait "$pt" || cg_fail "transparent client: $(cat "$CG_TMP/pupil-t.out")"

# check MODE WHAT: the client's responses: 200 for every one received before the lesson
# (and at least one), 403 for every one sent after it began (three), all on one connection.
check() {
	local out=$CG_TMP/pupil-$1.out
	cat "$out"
	awk -v s="$start" '
		$4 != "same" { print "FAIL: a new connection: " $0; bad = 1 }
		$2 < s && $3 != 200 { print "FAIL: before the lesson: " $0; bad = 1 }
		$2 < s && $3 == 200 { before++ }
		$1 >= s && $3 != 403 { print "FAIL: in the lesson: " $0; bad = 1 }
		$1 >= s && $3 == 403 { after++ }
		END { if (before < 1) { print "FAIL: no 200 before the lesson"; bad = 1 }
		      if (after != 3) { print "FAIL: " after + 0 " of 3 refused in the lesson"; bad = 1 }
		      exit bad }' "$out" || cg_fail "$2: see above"
	! grep -q "REQ GET [^ ]*/after-$1-" "$CG_TMP/origin-play.log" ||
		cg_fail "$2: a request sent in the lesson reached the origin"
	cg_journal_has '"proto":"http"' '"client":"10.77.1.2"' '"host":"play.test"' \
		"\"path\":\"/after-$1-" '"action":"block"' '"category":"games"' \
		'"reason":"destination address listed"' ||
		cg_fail "$2: the block in the lesson was not journaled"
	cg_log "ok: $2: 200 before the lesson, the block page after it began, on one connection"
}
check x "explicit proxy, the origin connection reused"
check t "transparent port"
# Both clients reached the origin on one connection each: the explicit proxy's requests
# before the lesson all went over one reused connection (the case this test is about).
cg_expect "connections the origin accepted" "$(grep -c '^CONN' "$CG_TMP/origin-play.log")" 2
! grep -qi "reload" "$CG_TMP/daemon.log" || cg_fail "the daemon reloaded: $(grep -i reload "$CG_TMP/daemon.log")"
cg_http_clean_exit
cg_pass
