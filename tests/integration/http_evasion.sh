#!/bin/bash
# issue 11, items 4 and 5 on the HTTP side, tried as a student would: the transparent
# proxy on loopback in front of a real origin (a logging Python server on 127.0.0.1),
# raw sockets for what curl would tidy up. Path tricks (dot segments, repeated slashes,
# %XX, an allowed prefix followed by "..", %2F), a Chinese keyword percent-encoded and
# raw, padding past 4096 bytes before a keyword in the query, a pattern that hits the
# PCRE2 match limit, a bare-LF chunked body, Transfer-Encoding on HTTP/1.0 and a head
# sent one byte per segment. Each trick must be answered by the proxy and never reach
# the origin; ordinary requests must still pass.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need curl
cg_init

OP=$(cg_free_port) TP=$(cg_free_port)
OLOG="$CG_TMP/origin-requests.log"
: >"$OLOG"

# The origin: logs each request line it reads (as Python repr of the bytes), and "done
# TARGET body=N" once a request with its whole body was read; answers 200.
cat >"$CG_TMP/evasion_origin.py" <<'PY'
import socket, socketserver, sys

LOG = sys.argv[2]

def log(s):
    with open(LOG, "a") as f:
        f.write(s + "\n")

class H(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                continue
            log("line %r" % line.rstrip(b"\r\n"))
            parts = line.split()
            target = parts[1] if len(parts) > 1 else b""
            hdrs = {}
            while True:
                h = self.rfile.readline(65537)
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.partition(b":")
                hdrs[k.strip().lower()] = v.strip()
            body = b""
            if b"chunked" in hdrs.get(b"transfer-encoding", b"").lower():
                while True:
                    sz = self.rfile.readline(4096)
                    if not sz:
                        return
                    n = int(sz.split(b";")[0].strip() or b"0", 16)
                    if n == 0:
                        while self.rfile.readline(4096) not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    body += self.rfile.read(n)
                    self.rfile.readline(4096)
            elif b"content-length" in hdrs:
                body = self.rfile.read(int(hdrs[b"content-length"]))
            log("done %r body=%d %r" % (target, len(body), body[:40]))
            out = b"ORIGIN saw %s body=%d\n" % (target, len(body))
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(out), out))
            self.wfile.flush()

class S(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True

srv = S(("127.0.0.1", int(sys.argv[1])), H)
print("origin ready", flush=True)
srv.serve_forever()
PY
cg_bg "$PY" "$CG_TMP/evasion_origin.py" "$OP" "$OLOG" >"$CG_TMP/origin.out" 2>&1
for i in $(seq 100); do grep -q "origin ready" "$CG_TMP/origin.out" && break; sleep 0.1; done
grep -q "origin ready" "$CG_TMP/origin.out" || cg_fail "origin did not start"

# Lists: a URL rule for shop.test/casino/, an allowed shop.test/edu/, the keyword 赌博
# and casinobonus as patterns, and a pattern that backtracks without end on /lim/.
cg_http_config "$CG_TMP/e.conf" "listen = 127.0.0.1:$TP" "parent = 127.0.0.1:$OP" \
	"head_timeout_ms = 5000"
printf 'shop.test/casino/\n/赌博/\n/casinobonus/\n/^shop\\.test\\/lim\\/(\\w+)+$/\n' \
	>>"$CG_TMP/lists/gambling.list"
printf 'shop.test/edu/\n' >"$CG_TMP/lists/allow.list"
sed -i "s|^\[group default\]|[allow]\nlist = $CG_TMP/lists/allow.list\n[group default]|" "$CG_TMP/e.conf"
cg_start_daemon "$CG_TMP/e.conf"
grep -q " 0 bad lines" "$CG_TMP/daemon.log" || cg_fail "bad list lines: $(cat "$CG_TMP/daemon.log")"

# send PAYLOAD (printf escapes, latin-1; \xNN for UTF-8 bytes): the status code answered
status_of() {
	cg_http_raw 127.0.0.1 "$TP" "$1" "${2:-3}" | head -n1 | tr -d '\r' | awk '{print $2}'
}

origin_saw() { grep -a -F -q -- "$1" "$OLOG"; }

# --- ordinary requests pass -----------------------------------------------------------
out=$(curl -sS -H "Host: shop.test" "http://127.0.0.1:$TP/edu/page?x=1")
echo "$out" | grep -q "^ORIGIN saw /edu/page?x=1" || cg_fail "allowed request: $out"
out=$(curl -sS -H "Host: shop.test" "http://127.0.0.1:$TP/casinos/")
echo "$out" | grep -q "^ORIGIN saw /casinos/" || cg_fail "/casinos/ is no /casino/: $out"
out=$(curl -sS -H "Host: shop.test" "http://127.0.0.1:$TP/search?q=%E6%96%B0%E9%97%BB")
echo "$out" | grep -q "^ORIGIN saw /search?q=%E6%96%B0%E9%97%BB" || cg_fail "encoded query: $out"
cg_expect "raw UTF-8 target allowed" "$(status_of 'GET /\xe6\x96\xb0\xe9\x97\xbb/ HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n')" 200
origin_saw "line b'GET /\\xe6\\x96\\xb0\\xe9\\x97\\xbb/ HTTP/1.1'" || cg_fail "raw UTF-8 target not relayed as sent: $(tail -3 "$OLOG")"
printf 'hello world' >"$CG_TMP/body.txt"
out=$(curl -sS -H "Host: shop.test" -H "Transfer-Encoding: chunked" --data-binary @"$CG_TMP/body.txt" \
	"http://127.0.0.1:$TP/upload-ok")
echo "$out" | grep -q "^ORIGIN saw /upload-ok body=11" || cg_fail "CRLF chunked body: $out"
cg_expect "HTTP/1.0 with Content-Length" "$(status_of 'POST /te-free HTTP/1.0\r\nHost: shop.test\r\nContent-Length: 2\r\n\r\nok')" 200
cg_log "ok: ordinary requests (allowed prefix, near miss, encoded and raw UTF-8, chunked, 1.0) pass"

# --- path tricks ---------------------------------------------------------------------
for p in '/casino/' '/./casino/' '//casino/' '/a/../casino/' '/%63asino/' '/edu/../casino' \
	'/edu/%2e%2e/casino/' '/edu%2F..%2Fcasino/x' '/casino%2Fx' '/CASINO/' '/edu/..\\casino/'; do
	st=$(status_of "GET $p HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")
	cg_expect "path trick $p blocked" "$st" 403
	origin_saw "GET $p " && cg_fail "the origin saw $p"
done
cg_journal_has '"host":"shop.test"' '"path":"/edu/../casino"' '"action":"block"' \
	'"text":"shop.test/casino/"' || cg_fail "the /edu/../casino block is not journaled with its rule"

# --- keywords: percent-encoded, raw UTF-8, after long padding --------------------------
st=$(status_of 'GET /s?q=%E8%B5%8C%E5%8D%9A HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n')
cg_expect "percent-encoded Chinese keyword blocked" "$st" 403
origin_saw "/s?q=%E8%B5%8C" && cg_fail "the origin saw the encoded keyword"
st=$(status_of 'GET /\xe8\xb5\x8c\xe5\x8d\x9a/list HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n')
cg_expect "raw UTF-8 Chinese keyword blocked" "$st" 403
origin_saw '\xe8\xb5\x8c' && cg_fail "the origin saw the raw keyword"
pad=$(head -c 6000 /dev/zero | tr '\0' a)
st=$(status_of "GET /s?pad=$pad&q=casinobonus HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")
cg_expect "keyword after 6000 bytes of padding blocked" "$st" 403
origin_saw "q=casinobonus" && cg_fail "the origin saw the padded keyword"
st=$(status_of "GET /s?pad=$pad&q=%E8%B5%8C%E5%8D%9A HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")
cg_expect "encoded keyword after padding blocked" "$st" 403
cg_log "ok: keywords decoded and seen past 4096 bytes"

# --- a pattern that hits the PCRE2 match limit blocks, says so, is counted --------------
lim=$(head -c 40 /dev/zero | tr '\0' a)
st=$(status_of "GET /lim/$lim! HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")
cg_expect "pattern at the PCRE2 limit blocks (fail closed)" "$st" 403
origin_saw "/lim/" && cg_fail "the origin saw the limit request"
cg_journal_has '"path":"/lim/' '"action":"block"' 'PCRE2 limit' ||
	cg_fail "the limit block is not journaled with its reason: $(tail -2 "$CG_TMP"/journal/*.jsonl)"
cg_expect "a settled match on the same pattern" "$(status_of "GET /lim/abc HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")" 403

# --- framing: bare-LF chunked, TE on HTTP/1.0 ------------------------------------------
st=$(status_of 'POST /upload-bare-lf HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n5\nsmugl\n0\n\nGET /casino/ HTTP/1.1\r\nHost: shop.test\r\n\r\n')
cg_expect "bare-LF chunked body refused" "$st" 400
origin_saw "done b'/upload-bare-lf'" && cg_fail "the origin got the bare-LF body"
origin_saw "smugl" && cg_fail "the origin saw bytes of the bare-LF body"
st=$(status_of 'POST /upload-trailer HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Bad Trailer: 1\r\n\r\n')
cg_expect "malformed trailer refused" "$st" 400
origin_saw "done b'/upload-trailer'" && cg_fail "the origin got the body with a bad trailer"
st=$(status_of 'POST /te10 HTTP/1.0\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n')
cg_expect "Transfer-Encoding on HTTP/1.0 refused" "$st" 400
origin_saw "/te10" && cg_fail "the origin saw the HTTP/1.0 TE request"
origin_saw "GET /casino/ " && cg_fail "a request smuggled in a body reached the origin"
cg_log "ok: framing tricks refused before the origin"

# --- a head one byte per segment is read (and the parse is linear: unit test) ----------
"$PY" - 127.0.0.1 "$TP" >"$CG_TMP/bytewise.txt" <<'PY' || cg_fail "bytewise head: $(cat "$CG_TMP/bytewise.txt")"
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
head = b"GET /edu/bytewise HTTP/1.1\r\nHost: shop.test\r\n" + \
       b"".join(b"X-Pad-%03d: %s\r\n" % (i, b"p" * 40) for i in range(60)) + \
       b"Connection: close\r\n\r\n"
for i in range(len(head)):
    s.send(head[i:i + 1])
    if i % 256 == 0:
        time.sleep(0.01)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(len(head), data.split(b"\r\n")[0].decode())
sys.exit(0 if data.startswith(b"HTTP/1.1 200") and b"ORIGIN saw /edu/bytewise" in data else 1)
PY
cg_log "ok: a $(cut -d' ' -f1 "$CG_TMP/bytewise.txt")-byte head sent a byte per segment is answered"

cg_http_clean_exit
cg_pass
