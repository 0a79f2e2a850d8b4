#!/bin/bash
# The TLS SNI check on a router made of network namespaces: the client's port-443
# traffic is REDIRECTed by nftables to campusgated, which reads the ClientHello, decides
# on the SNI (or, without SNI or behind ECH, on the original destination address), then
# splices to the origin byte for byte or answers with a fatal access_denied alert.
# Clients: openssl s_client -servername, curl --resolve, and a hand-made ECH hello.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need curl openssl nft ip
cg_init
cg_router_up

cg_http_cert www.example.org good.example.org casino.test
cg_http_origin "$NS_O" 0.0.0.0 443 tls "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
cg_http_config "$CG_TMP/c.conf" "tls_listen = 0.0.0.0:$GW_TLS_PORT" "head_timeout_ms = 2000"
cg_start_daemon_ns "$NS_G" "$CG_TMP/c.conf"
C() { ip netns exec "$NS_C" "$@"; }

# --- allowed SNI: curl --resolve to the origin's address, certificate checked ----------
out=$(C curl -sS --max-time 10 --cacert "$CG_TMP/cert.pem" --resolve www.example.org:443:10.77.2.2 \
	https://www.example.org/tls-ok)
echo "$out" | grep -q "^ORIGIN tls" || cg_fail "allowed TLS: $out"
echo "$out" | grep -q "^target: /tls-ok" || cg_fail "allowed TLS target: $out"
cg_log "ok: allowed SNI spliced to the original destination (certificate verified end to end)"

# --- a larger transfer through the splice ---------------------------------------------------
n=$(C curl -sS --max-time 20 --cacert "$CG_TMP/cert.pem" --resolve www.example.org:443:10.77.2.2 \
	https://www.example.org/big/3000000 | wc -c)
cg_expect "3 MB through the splice" "$n" 3000000

# --- blocked SNI: access_denied alert, journaled ------------------------------------------
out=$(C timeout 10 openssl s_client -connect 10.77.2.2:443 -servername WWW.Casino.Test \
	-CAfile "$CG_TMP/cert.pem" </dev/null 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "no access_denied alert: $out"
cg_journal_has '"proto":"tls"' '"host":"www.casino.test"' '"action":"block"' ||
	cg_fail "blocked SNI not in the journal"
code=$(C curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CG_TMP/cert.pem" \
	--resolve casino.test:443:10.77.2.2 https://casino.test/ ; echo " rc=$?")
case "$code" in 000*rc=35*) ;; *) cg_fail "curl to a blocked SNI: $code" ;; esac
cg_log "ok: blocked SNI closed with a TLS alert (openssl, curl rc 35)"

# --- allowed SNI with openssl -----------------------------------------------------------
out=$(printf 'GET /s HTTP/1.0\r\n\r\n' | C timeout 10 openssl s_client -quiet -connect 10.77.2.2:443 \
	-servername good.example.org -CAfile "$CG_TMP/cert.pem" 2>&1)
echo "$out" | grep -q "^target: /s" || cg_fail "openssl through the splice: $out"

# --- no SNI: decided on the original destination, journaled -------------------------------
out=$(printf 'GET /nosni HTTP/1.0\r\n\r\n' | C timeout 10 openssl s_client -quiet -connect 10.77.2.2:443 \
	-noservername 2>&1)
echo "$out" | grep -q "^target: /nosni" || cg_fail "no SNI to an allowed address: $out"
cg_journal_has '"proto":"tls"' '"host":"10.77.2.2"' '"action":"allow"' 'no SNI' ||
	cg_fail "no-SNI case not journaled"
out=$(C timeout 10 openssl s_client -connect 10.77.2.3:443 -noservername </dev/null 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "no SNI to a blocked address: $out"
cg_journal_has '"host":"10.77.2.3"' '"action":"block"' 'no SNI' || cg_fail "blocked address not journaled"
cg_log "ok: no SNI: allowed and blocked by destination address, both journaled"

# --- ECH: the outer SNI is a cover name; decide on the address -------------------------------
"$PY" - >"$CG_TMP/ech.bin" <<'PY'
import os, struct, sys
def ext(t, d): return struct.pack("!HH", t, len(d)) + d
name = b"cover.example.org"
sni = ext(0, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name)
ech = ext(0xfe0d, b"\x00\x00\x01\x00\x01\x42\x00\x20" + os.urandom(32) + b"\x00\x10" + os.urandom(16))
exts = sni + ech + ext(0x000a, b"\x00\x02\x00\x1d")
body = b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + struct.pack("!H", len(exts)) + exts
hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
sys.stdout.buffer.write(b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs)
PY
C "$PY" - 10.77.2.3 "$CG_TMP/ech.bin" >"$CG_TMP/ech.out" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 443), timeout=5)
s.sendall(open(sys.argv[2], "rb").read())
try:
    print(s.recv(100).hex())
except Exception as e:
    print("error", e)
PY
cg_expect "ECH hello to a blocked address" "$(cat "$CG_TMP/ech.out")" "15030300020231"
cg_journal_has '"proto":"tls"' '"host":"10.77.2.3"' 'ECH: outer SNI cover.example.org' ||
	cg_fail "ECH case not journaled"
cg_log "ok: ECH decided on the destination address and journaled"

# --- a ClientHello split over TCP segments and records -------------------------------------
cat >"$CG_TMP/frag.py" <<'PY'
import socket, ssl, sys, time
# Let Python's TLS stack build a real hello, then send it in small pieces.
ctx = ssl.create_default_context(cafile=sys.argv[2])
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(inc, out, server_hostname="www.example.org")
try:
    obj.do_handshake()
except ssl.SSLWantReadError:
    pass
hello = out.read()
s = socket.create_connection((sys.argv[1], 443), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(0, len(hello), 50):
    s.sendall(hello[i:i + 50]); time.sleep(0.02)
while True:
    try:
        d = s.recv(65536)
    except socket.timeout:
        break
    if not d:
        break
    inc.write(d)
    try:
        obj.do_handshake(); break
    except ssl.SSLWantReadError:
        pass
    finally:
        x = out.read()
        if x: s.sendall(x)
print("handshake", obj.version())
PY
out=$(C "$PY" "$CG_TMP/frag.py" 10.77.2.2 "$CG_TMP/cert.pem" 2>&1)
echo "$out" | grep -q "^handshake TLSv1" || cg_fail "hello in 50-byte segments: $out"
cg_log "ok: ClientHello in 50-byte TCP segments reassembled, handshake completed through the splice"

# --- a client that never finishes its hello is dropped after head_timeout_ms ----------------
t0=$(date +%s%N)
C "$PY" - <<'PY'
import socket
s = socket.create_connection(("10.77.2.2", 443), timeout=8)
s.sendall(b"\x16\x03\x01\x02\x00\x01")
try:
    print(s.recv(10))
except Exception as e:
    print(e)
PY
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -ge 1500 ] && [ $ms -le 6000 ] || cg_fail "incomplete hello held for $ms ms"
cg_log "ok: incomplete hello dropped after $ms ms"

# --- not TLS at all on 443 ---------------------------------------------------------------
out=$(C "$PY" - <<'PY'
import socket
s = socket.create_connection(("10.77.2.2", 443), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
print(repr(s.recv(100)))
PY
)
cg_expect "plain text on 443" "$out" "b''"
cg_http_clean_exit
cg_pass
