#!/bin/bash
# The pupil who opens a connection in the break and keeps it through the bell: a decision
# is made when a connection opens, and HTTPS connections (and tunnels) live for hours. The
# gateway decides its open splices and tunnels again after a reload and at every new
# minute (a timetable), and closes those now blocked, within its sweep interval (5 s).
#
# Router of network namespaces (lib_http.sh): client 10.77.1.2 -> gateway 10.77.1.1 ->
# TLS origins play.test (10.77.2.4, the "games" category, blocked for pupils only during
# lessons), study.test (10.77.2.2, listed nowhere) and chat.test (10.77.2.6, listed by a
# reload), and an NSD resolver on 10.77.2.5 for the explicit proxy. The lesson begins at
# the next whole minute (UTC). Before it the pupil opens (a) TLS to play.test through the
# redirected 443, (b) a CONNECT tunnel to play.test:443 through the explicit proxy, (c) TLS
# to study.test, (d) TLS to chat.test and (e) a WebSocket to play.test through the
# explicit proxy, each sending every half second: (a), (b) and (e) are closed by the
# gateway within the sweep interval after the bell and journaled, (c) and (d) stay open; a reload that lists chat.test then closes (d), and
# (c) still stays open.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need ip nft nsd dig openssl
cg_init
GW_PROXY_PORT=3128 # (in the gateway's namespace: no other test's port)
SWEEP_MARGIN=9     # the sweep interval (5 s), the client's next request (0.5 s), slack
cg_router_up
C() { ip netns exec "$NS_C" "$@"; }
O() { ip netns exec "$NS_O" "$@"; }
ip -n "$NS_O" addr add 10.77.2.5/24 dev "cgo0$$"
ip -n "$NS_O" addr add 10.77.2.6/24 dev "cgo0$$"

# --- the origins and their resolver --------------------------------------------------------
cg_http_cert play.test study.test chat.test
cg_http_origin "$NS_O" 10.77.2.4 443 play "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
cg_http_origin "$NS_O" 10.77.2.2 443 study "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
cg_http_origin "$NS_O" 10.77.2.6 443 chat "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
cg_http_origin "$NS_O" 10.77.2.4 80 play80
mkdir -p "$CG_TMP/nsd"
cat >"$CG_TMP/nsd/test.zone" <<'EOF'
$ORIGIN test.
$TTL 300
@ IN SOA ns.test. hostmaster.test. 1 3600 900 604800 30
@ IN NS ns.test.
ns IN A 10.77.2.5
play IN A 10.77.2.4
study IN A 10.77.2.2
chat IN A 10.77.2.6
EOF
cg_ns_nsd "$NS_O" 10.77.2.5

# --- the lesson: from the next whole minute (UTC) with at least 12 s to go, for 10 min ------
cg_lesson_next_minute
start=$LESSON_START from=$LESSON_FROM to=$LESSON_TO

# --- the gateway: pupils (the client's subnet) have games blocked during lessons, and the
# chat list (empty of chat.test until the reload) always ---------------------------------
printf 'play.test\n' >"$CG_TMP/games.list"
printf 'nothing.test\n' >"$CG_TMP/chat.list"
CG_BLOCK_PAGE_V4=10.77.1.1 CG_DNS_UPSTREAM=10.77.2.5:53 cg_http_config "$CG_TMP/c.conf" \
	"tls_listen = 0.0.0.0:$GW_TLS_PORT" "explicit_listen = 10.77.1.1:$GW_PROXY_PORT"
cat >>"$CG_TMP/c.conf" <<EOF
[category games]
kind = block
title_zh = 游戏
title_en = Games
list = $CG_TMP/games.list
[category chat]
kind = block
title_zh = 聊天
title_en = Chat
list = $CG_TMP/chat.list
[timetable lessons]
timezone = UTC
weekdays = daily
time = $from-$to
[group pupils]
subnet = 10.77.1.0/24
block = gambling bypass chat
block_scheduled = games
timetable = lessons
block_mode = page
EOF
sed -i "s|^\[general\]\$|[general]\ncontrol_socket = $CG_TMP/control.sock|" "$CG_TMP/c.conf"
grep -q "^control_socket = " "$CG_TMP/c.conf" || cg_fail "no control_socket in the config"
cg_start_daemon_ns "$NS_G" "$CG_TMP/c.conf"

# keep.py MODE ADDR SNI END: one TLS connection (t: to ADDR:443, redirected; x: a CONNECT
# to SNI:443 through the explicit proxy), one keep-alive GET every half second until END;
# or (w) a WebSocket to http://SNI/ws through the explicit proxy, one message every half
# second, echoed by the origin.
# Prints "TIME ok N" for each answer, then "TIME done", or "TIME closed WHY" when the
# connection ends under it.
cat >"$CG_TMP/keep.py" <<'PY'
import socket, ssl, sys, time
mode, addr, sni, end, ca, port = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], int(sys.argv[6])
def out(s):
    print("%.3f %s" % (time.time(), s), flush=True)
if mode == "t":
    s = socket.create_connection((addr, 443), timeout=5)
else:
    s = socket.create_connection(("10.77.1.1", port), timeout=5)
    s.sendall(("CONNECT %s:443 HTTP/1.1\r\nHost: %s:443\r\n\r\n" % (sni, sni)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(1)
        if not d:
            break
        head += d
    if b" 200 " not in head.split(b"\r\n")[0] + b" ":
        out("refused %r" % head[:60]); sys.exit(1)
if mode == "w":
    s = socket.create_connection(("10.77.1.1", port), timeout=5)
    s.sendall(("GET http://%s/ws HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\n"
               "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n" % (sni, sni)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(1)
        if not d:
            break
        head += d
    if b" 101 " not in head.split(b"\r\n")[0]:
        out("refused %r" % head[:60]); sys.exit(1)
    i = 0
    while time.time() < end:
        try:
            m = b"m%d;" % i
            s.sendall(m)
            got = b""
            while len(got) < 5 + len(m):
                d = s.recv(64)
                if not d:
                    raise EOFError("eof")
                got += d
            if got != b"echo:" + m:
                raise EOFError("bad echo %r" % got)
            out("ok %d" % i)
        except Exception as e:
            out("closed %s %s" % (type(e).__name__, e)); sys.exit(0)
        i += 1
        time.sleep(0.5)
    out("done"); sys.exit(0)
t = ssl.create_default_context(cafile=ca).wrap_socket(s, server_hostname=sni)
f = t.makefile("rb")
i = 0
while time.time() < end:
    try:
        t.sendall(("GET /keep-%s-%d HTTP/1.1\r\nHost: %s\r\n\r\n" % (mode, i, sni)).encode())
        line = f.readline()
        if not line:
            raise EOFError("eof")
        n = 0
        while True:
            h = f.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            if h.lower().startswith(b"content-length:"):
                n = int(h.split(b":")[1])
        body = f.read(n)
        if not line.startswith(b"HTTP/1.1 200") or len(body) != n:
            raise EOFError("bad answer %r" % line)
        out("ok %d" % i)
    except Exception as e:
        out("closed %s %s" % (type(e).__name__, e)); sys.exit(0)
    i += 1
    time.sleep(0.5)
out("done")
PY
keep() { # keep NAME MODE ADDR SNI END: start a client in the background
	C "$PY" "$CG_TMP/keep.py" "$2" "$3" "$4" "$5" "$CG_TMP/cert.pem" "$GW_PROXY_PORT" \
		>"$CG_TMP/keep-$1.out" 2>&1 &
	CG_PIDS+=("$!")
	eval "pid_$1=$!"
}
reload_at=$((start + 15))
keep a t 10.77.2.4 play.test $((start + 15))
keep b x - play.test $((start + 15))
keep e w - play.test $((start + 15))
keep c t 10.77.2.2 study.test $((reload_at + 15))
keep d t 10.77.2.6 chat.test $((reload_at + 15))

# closed NAME FROM WHAT: the client was answered before FROM, and the gateway closed its
# connection between FROM and FROM + SWEEP_MARGIN, with no answer after that.
closed() {
	local out=$CG_TMP/keep-$1.out
	awk -v s="$2" -v m="$SWEEP_MARGIN" '
		$2 == "ok" && $1 < s { before++ }
		$2 == "closed" { c = $1; if (c < s || c > s + m) { print "FAIL: closed at " c; bad = 1 } }
		$2 == "ok" && c { print "FAIL: answered after the close: " $0; bad = 1 }
		$2 == "done" { print "FAIL: never closed"; bad = 1 }
		END { if (!before) { print "FAIL: no answer before"; bad = 1 }
		      if (!c && !bad) { print "FAIL: not closed"; bad = 1 }
		      exit bad }' "$out" || { cat "$out"; cg_fail "$3"; }
	cg_log "ok: $3 (closed $(awk '$2 == "closed" { printf "%.1f", $1 - '"$2"' }' "$out") s after)"
}
# open NAME UNTIL WHAT: the client was answered all along until UNTIL, never closed.
open() {
	local out=$CG_TMP/keep-$1.out
	awk -v u="$2" '
		$2 == "closed" { print "FAIL: " $0; bad = 1 }
		$2 == "ok" && $1 >= u { after++ }
		END { if (!after) { print "FAIL: no answer late enough"; bad = 1 }
		      exit bad }' "$out" || { cat "$out"; cg_fail "$3"; }
	cg_log "ok: $3"
}

# --- the bell --------------------------------------------------------------------------------
wait "$pid_a" || cg_fail "client (a): $(cat "$CG_TMP/keep-a.out")"
wait "$pid_b" || cg_fail "client (b): $(cat "$CG_TMP/keep-b.out")"
wait "$pid_e" || cg_fail "client (e): $(cat "$CG_TMP/keep-e.out")"
closed a "$start" "(a) TLS to play.test via the redirected 443, opened in the break, closed when the lesson began"
closed b "$start" "(b) CONNECT tunnel to play.test, opened in the break, closed when the lesson began"
closed e "$start" "(e) WebSocket to play.test through the proxy, opened in the break, closed when the lesson began"
cg_journal_has '"proto":"tls"' '"client":"10.77.1.2"' '"host":"play.test"' '"action":"block"' \
	'"category":"games"' '"reason":"open connection closed: now blocked"' ||
	cg_fail "(a): the close was not journaled"
cg_journal_has '"proto":"http"' '"client":"10.77.1.2"' '"host":"play.test"' '"action":"block"' \
	'"category":"games"' '"reason":"open connection closed: now blocked"' ||
	cg_fail "(b): the close was not journaled"
n=$(cat "$CG_TMP"/journal/*.jsonl | grep -F '"proto":"http"' | grep -F '"host":"play.test"' |
	grep -c -F '"reason":"open connection closed: now blocked"')
cg_expect "(b) and (e): two http closes journaled" "$n" 2
for w in c d; do
	[ -z "$(awk '$2 == "closed"' "$CG_TMP/keep-$w.out")" ] ||
		cg_fail "($w) closed in the lesson: $(cat "$CG_TMP/keep-$w.out")"
done
cg_log "ok: (c) study.test and (d) chat.test still answered in the lesson"

# --- a reload that lists chat.test -----------------------------------------------------------
while [ "$(date -u +%s)" -lt "$reload_at" ]; do sleep 0.2; done
printf 'chat.test\n' >>"$CG_TMP/chat.list"
n=$(grep -c 'reload done' "$CG_TMP/daemon.log")
kill -HUP "$CG_DAEMON_PID"
for i in $(seq 100); do [ "$(grep -c 'reload done' "$CG_TMP/daemon.log")" -gt "$n" ] && break; sleep 0.1; done
[ "$(grep -c 'reload done' "$CG_TMP/daemon.log")" -gt "$n" ] || cg_fail "the reload did not finish"
reloaded=$(date -u +%s)
wait "$pid_c" || cg_fail "client (c): $(cat "$CG_TMP/keep-c.out")"
wait "$pid_d" || cg_fail "client (d): $(cat "$CG_TMP/keep-d.out")"
closed d "$reload_at" "(d) TLS to chat.test closed by the reload that listed it"
cg_journal_has '"proto":"tls"' '"host":"chat.test"' '"action":"block"' '"category":"chat"' \
	'"reason":"open connection closed: now blocked"' || cg_fail "(d): the close was not journaled"
open c $((reloaded + SWEEP_MARGIN)) "(c) TLS to study.test (not in the category) stayed open through the lesson and the reload"
! cg_journal_has '"host":"study.test"' || cg_fail "study.test was journaled"

cg_expect "open TLS connections closed, in the status" \
	"$("$CAMPUSGATE" status --raw -c "$CG_TMP/c.conf" | awk '$1 == "tls_closed_open" { print $2 }')" 2
cg_http_clean_exit
grep -q "2 open connections closed when decided again" "$CG_TMP/daemon.log" ||
	cg_fail "the tls stats do not count the two closes: $(grep 'tls:' "$CG_TMP/daemon.log")"
cg_pass
