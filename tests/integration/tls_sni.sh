#!/bin/bash
# The TLS SNI check on a router made of network namespaces: the client's port-443
# traffic is REDIRECTed by nftables to campusgated, which reads the ClientHello, decides
# on the SNI (behind ECH also on the original destination address; without SNI the
# group's tls_no_sni, then the address; real ECH to a client-facing name is refused), then
# splices to the origin byte for byte or answers with a fatal access_denied alert.
# Clients: openssl s_client -servername, curl --resolve, Chrome's captured ECH hello and a
# hand-made one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need curl openssl nft ip
cg_init
cg_router_up

cg_http_cert www.example.org good.example.org casino.test
cg_http_origin "$NS_O" 0.0.0.0 443 tls "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
cg_http_config "$CG_TMP/c.conf" "tls_listen = 0.0.0.0:$GW_TLS_PORT" "head_timeout_ms = 2000"
# The hidden-name cases: a stand-in DoH resolver address in the bypass category (a
# documentation address: the REDIRECT takes the hello before any route would matter),
# and a stand-in client-facing ECH name on its ech_list.
printf '198.51.100.53\n2001:db8:53::53\n' >"$CG_TMP/lists/doh-addresses.list"
printf 'ech-cover.test\n' >"$CG_TMP/lists/ech.list"
hidden_lists() {
	sed -i "/^kind = bypass/a list = $CG_TMP/lists/doh-addresses.list\nech_list = $CG_TMP/lists/ech.list" "$1"
}
hidden_lists "$CG_TMP/c.conf"
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

# --- SNI allowed, destination listed (REALITY-style camouflage): blocked on the address ----
out=$(C timeout 10 openssl s_client -connect 10.77.2.3:443 -servername good.example.org </dev/null 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "allowed SNI to a listed address: $out"
cg_journal_has '"proto":"tls"' '"host":"10.77.2.3"' '"action":"block"' \
	'SNI good.example.org allowed; destination address listed' ||
	cg_fail "the block on the destination was not journaled"
cg_log "ok: allowed SNI to a listed destination blocked and journaled"

# --- no SNI: the group blocks categories and leaves tls_no_sni unset, so a hello without
# a name is refused and journaled as a bypass attempt (no-sni) with the destination ---------
out=$(printf 'GET /nosni HTTP/1.0\r\n\r\n' | C timeout 10 openssl s_client -connect 10.77.2.2:443 \
	-noservername 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "no SNI to an allowed address: $out"
cg_journal_has '"proto":"tls"' '"host":"10.77.2.2"' '"action":"bypass"' '"reason":"no-sni"' ||
	cg_fail "no-SNI hello not journaled as no-sni"
# DoH by address (Firefox's https://1.1.1.1/dns-query) to a listed stand-in resolver:
# python's ssl sends no SNI for an IP address.
out=$(C "$PY" - <<'PY'
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
try:
    s = ctx.wrap_socket(socket.create_connection(("198.51.100.53", 443), timeout=5),
                        server_hostname=None)
    print("handshake", s.version())
except ssl.SSLError as e:
    print("ssl", e.reason)
PY
)
case "$out" in *ACCESS_DENIED*) ;; *) cg_fail "no SNI to a listed DoH address: $out" ;; esac
cg_journal_has '"proto":"tls"' '"host":"198.51.100.53"' '"category":"bypass"' '"reason":"no-sni"' \
	'doh-addresses.list' || cg_fail "no-SNI DoH address not journaled"
out=$(C timeout 10 openssl s_client -connect 10.77.2.3:443 -noservername </dev/null 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "no SNI to a blocked address: $out"
cg_journal_has '"host":"10.77.2.3"' '"reason":"no-sni"' '"category":"gambling"' ||
	cg_fail "no SNI to a listed address not journaled"
cg_log "ok: no SNI: refused under the default tls_no_sni, journaled no-sni with the destination"

# --- ECH -------------------------------------------------------------------------------------
# hello.py: the Chrome ClientHello of tests/fuzz/tls-hellos/chrome-ech-grease (ECH GREASE,
# SNI lh3.google.com) with its SNI replaced, or a hand-made ECH hello; written to stdout.
cat >"$CG_TMP/hello.py" <<'PY'
import os, struct, sys
def ext(t, d): return struct.pack("!HH", t, len(d)) + d
def sni_ext(name): return struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
def record(hs): return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs
def with_sni(rec, name):
    hs = rec[5:]
    body = hs[4:4 + int.from_bytes(hs[1:4], "big")]
    i = 2 + 32
    i += 1 + body[i]
    i += 2 + int.from_bytes(body[i:i + 2], "big")
    i += 1 + body[i]
    exts, out, j = body[i + 2:], b"", 0
    while j < len(exts):
        t, l = struct.unpack("!HH", exts[j:j + 4])
        d = exts[j + 4:j + 4 + l]
        out += ext(t, sni_ext(name) if t == 0 else d)
        j += 4 + l
    body = body[:i] + struct.pack("!H", len(out)) + out
    return record(b"\x01" + len(body).to_bytes(3, "big") + body)
if sys.argv[1] == "chrome":
    rec = open(sys.argv[2], "rb").read()
    sys.stdout.buffer.write(with_sni(rec, sys.argv[3].encode()) if len(sys.argv) > 3 else rec)
else:
    name = sys.argv[2].encode()
    ech = ext(0xfe0d, b"\x00\x00\x01\x00\x01\x42\x00\x20" + os.urandom(32) + b"\x00\x10" + os.urandom(16))
    exts = ext(0, sni_ext(name)) + ech + ext(0x000a, b"\x00\x02\x00\x1d")
    body = b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + struct.pack("!H", len(exts)) + exts
    sys.stdout.buffer.write(record(b"\x01" + struct.pack("!I", len(body))[1:] + body))
PY
# send.py ADDR FILE: send the file on port 443, print the first bytes of the answer in hex.
cat >"$CG_TMP/send.py" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 443), timeout=5)
s.sendall(open(sys.argv[2], "rb").read())
try:
    print(s.recv(7).hex())
except Exception as e:
    print("error", e)
PY
chrome=$CG_SOURCE_ROOT/tests/fuzz/tls-hellos/chrome-ech-grease
# Chrome's hello (ECH GREASE) with a blocked SNI to an allowed address: blocked on the name.
"$PY" "$CG_TMP/hello.py" chrome "$chrome" www.casino.test >"$CG_TMP/chrome-blocked.bin"
cg_expect "Chrome ECH hello, blocked SNI, allowed address" \
	"$(C "$PY" "$CG_TMP/send.py" 10.77.2.2 "$CG_TMP/chrome-blocked.bin")" "15030300020231"
cg_journal_has '"proto":"tls"' '"host":"www.casino.test"' '"action":"block"' '"category":"gambling"' ||
	cg_fail "the blocked SNI behind ECH was not journaled"
# Chrome's own hello (lh3.google.com, allowed) to an allowed address: spliced to the origin,
# which answers with its own handshake or alert, never our access_denied; not journaled.
"$PY" "$CG_TMP/hello.py" chrome "$chrome" >"$CG_TMP/chrome.bin"
out=$(C "$PY" "$CG_TMP/send.py" 10.77.2.2 "$CG_TMP/chrome.bin")
case "$out" in 16030*|15030*) [ "$out" != 15030300020231 ] ;; *) false ;; esac ||
	cg_fail "Chrome's allowed hello was not spliced to the origin: $out"
# An allowed SNI behind ECH to a blocked address: blocked on the address, with the reason.
"$PY" "$CG_TMP/hello.py" ech cover.example.org >"$CG_TMP/ech.bin"
cg_expect "ECH hello, allowed SNI, blocked address" \
	"$(C "$PY" "$CG_TMP/send.py" 10.77.2.3 "$CG_TMP/ech.bin")" "15030300020231"
cg_journal_has '"proto":"tls"' '"host":"10.77.2.3"' 'ECH: outer SNI cover.example.org allowed' ||
	cg_fail "ECH block on the address not journaled"
# Real ECH: the extension and a client-facing ECH name as the outer SNI: refused, "ech".
"$PY" "$CG_TMP/hello.py" ech ech-cover.test >"$CG_TMP/ech-cover.bin"
cg_expect "ECH hello to a client-facing name" \
	"$(C "$PY" "$CG_TMP/send.py" 10.77.2.2 "$CG_TMP/ech-cover.bin")" "15030300020231"
cg_journal_has '"proto":"tls"' '"host":"ech-cover.test"' '"action":"bypass"' '"reason":"ech"' \
	'"category":"bypass"' || cg_fail "ECH to a client-facing name not journaled as ech"
# GREASE-style ECH (the extension, an allowed real name outside) to an allowed address:
# spliced to the origin, not journaled.
"$PY" "$CG_TMP/hello.py" ech good.example.org >"$CG_TMP/ech-grease.bin"
out=$(C "$PY" "$CG_TMP/send.py" 10.77.2.2 "$CG_TMP/ech-grease.bin")
case "$out" in 16030*|15030*) [ "$out" != 15030300020231 ] ;; *) false ;; esac ||
	cg_fail "a GREASE ECH hello with an allowed name was not spliced: $out"
# The client-facing name without ECH is not a bypass: the origin answers (its own alert for
# a name it has no certificate for, or a handshake), not our access_denied.
out=$(C timeout 10 openssl s_client -connect 10.77.2.2:443 -servername ech-cover.test </dev/null 2>&1)
! echo "$out" | grep -qi "alert access denied" || cg_fail "the ECH name without ECH was refused: $out"
# Chrome's allowed hello leaves no journal line (every Chrome connection would otherwise).
sleep 0.3
! grep -hq 'lh3.google.com' "$CG_TMP"/journal/*.jsonl ||
	cg_fail "an allowed ECH connection was journaled: $(grep -h lh3.google.com "$CG_TMP"/journal/*.jsonl)"
cg_log "ok: ECH: a blocked SNI is blocked on any address, an allowed one is checked on the address; allowed ones not journaled"

# --- a ClientHello split over TCP segments and records -------------------------------------
cat >"$CG_TMP/frag.py" <<'PY'
import socket, ssl, struct, sys, time
# frag.py ADDR CAFILE NAME segments|records: let Python's TLS stack build a real hello,
# then send it in 50-byte TCP segments, or re-framed as two TLS records (the SNI in the
# second) in one write; finish the handshake through the splice.
ctx = ssl.create_default_context(cafile=sys.argv[2])
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(inc, out, server_hostname=sys.argv[3])
try:
    obj.do_handshake()
except ssl.SSLWantReadError:
    pass
hello = out.read()
s = socket.create_connection((sys.argv[1], 443), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if sys.argv[4] == "records":
    assert hello[0] == 22 and struct.unpack("!H", hello[3:5])[0] == len(hello) - 5
    hs = hello[5:]
    cut = 60  # inside the hello body, before the extensions
    s.sendall(b"".join(hello[:3] + struct.pack("!H", len(p)) + p for p in (hs[:cut], hs[cut:])))
else:
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
out=$(C "$PY" "$CG_TMP/frag.py" 10.77.2.2 "$CG_TMP/cert.pem" www.example.org segments 2>&1)
echo "$out" | grep -q "^handshake TLSv1" || cg_fail "hello in 50-byte segments: $out"
cg_log "ok: ClientHello in 50-byte TCP segments reassembled, handshake completed through the splice"
out=$(C "$PY" "$CG_TMP/frag.py" 10.77.2.2 "$CG_TMP/cert.pem" www.example.org records 2>&1)
echo "$out" | grep -q "^handshake TLSv1" || cg_fail "hello in two TLS records: $out"
out=$(C "$PY" "$CG_TMP/frag.py" 10.77.2.2 "$CG_TMP/cert.pem" casino.test records 2>&1)
echo "$out" | grep -qi "ACCESS_DENIED" || cg_fail "blocked SNI in the second of two records: $out"
cg_log "ok: ClientHello across two TLS records: allowed one spliced, blocked one denied"

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
# The ECH and no-SNI cases are counted (logged at stop) instead of journaled one by one.
st=$(grep -a 'tls: [0-9]* hellos' "$CG_TMP/daemon.log") || cg_fail "no TLS counters logged at stop"
ech=$(echo "$st" | sed -n 's/.*(\([0-9]*\) with ECH, \([0-9]*\) without SNI), \([0-9]*\) blocked (\([0-9]*\) on the destination address, \([0-9]*\) without SNI, \([0-9]*\) ECH.*/\1 \2 \3 \4 \5 \6/p')
set -- $ech
[ "${1:-0}" -ge 5 ] && [ "${2:-0}" -ge 3 ] && [ "${3:-0}" -ge 8 ] && [ "${4:-0}" -ge 2 ] &&
	[ "${5:-0}" -ge 3 ] && [ "${6:-0}" -ge 1 ] || cg_fail "TLS counters: $st"
cg_log "ok: counters: $st"
cp "$CG_TMP/daemon.log" "$CG_TMP/daemon-a.log" # (the next start truncates it)

# --- one set of connection caps for HTTP and TLS together; the splice's idle timeout -------
cg_http_config "$CG_TMP/d.conf" "tls_listen = 0.0.0.0:$GW_TLS_PORT" "tls_listen = [::]:$GW_TLS_PORT" \
	"listen = 0.0.0.0:$GW_HTTP_PORT" "listen = [::]:$GW_HTTP_PORT" "head_timeout_ms = 3000" \
	"max_conns_per_client = 4" "max_conns = 6" "tls_idle_timeout_ms = 1000"
hidden_lists "$CG_TMP/d.conf"
echo "tls_no_sni = allow" >>"$CG_TMP/d.conf" # ([group default] is the last section)
cg_start_daemon_ns "$NS_G" "$CG_TMP/d.conf"
# --- tls_no_sni = allow: a hello without SNI is decided on the destination address only ------
out=$(printf 'GET /nosni HTTP/1.0\r\n\r\n' | C timeout 10 openssl s_client -quiet -connect 10.77.2.2:443 \
	-noservername 2>&1)
echo "$out" | grep -q "^target: /nosni" || cg_fail "tls_no_sni = allow: no SNI to an allowed address: $out"
out=$(C timeout 10 openssl s_client -connect 198.51.100.53:443 -noservername </dev/null 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "tls_no_sni = allow: listed DoH address: $out"
cg_journal_has '"host":"198.51.100.53"' 'no SNI: decided on the destination address' ||
	cg_fail "tls_no_sni = allow: the address block was not journaled"
cg_log "ok: tls_no_sni = allow: no SNI passes to an allowed address, a listed one is still refused"
sleep 0.3
out=$(C "$PY" - <<'PY'
import socket, time
def hold(addr, port):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.connect((addr, port))
    return s
def refused(s):
    s.settimeout(0.7)
    try:
        d = s.recv(200)
    except socket.timeout:
        return "held"
    except ConnectionResetError:
        return "refused"
    return "refused" if d == b"" or d.startswith(b"HTTP/1.1 503") else "odd:%r" % d[:40]
v4 = [hold("10.77.2.2", 80), hold("10.77.2.2", 80), hold("10.77.2.2", 443), hold("10.77.2.2", 443)]
time.sleep(0.2)
r = [refused(hold("10.77.2.2", 443)), refused(hold("10.77.2.2", 80))]  # 5th of this client
v6 = [hold("fd77:2::2", 443), hold("fd77:2::2", 80)]                    # 5th and 6th overall
time.sleep(0.2)
r.append(refused(v6[0]))
r.append(refused(hold("fd77:2::2", 443)))                                # 7th overall
print(" ".join(r))
PY
)
cg_expect "per-client cap over HTTP+TLS, then the overall cap" "$out" "refused refused held refused"
sleep 0.3
# An allowed TLS connection that goes silent after the handshake: closed after ~1 s.
out=$(C "$PY" - "$CG_TMP/cert.pem" <<'PY'
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[1])
s = ctx.wrap_socket(socket.create_connection(("10.77.2.2", 443), timeout=6),
                    server_hostname="www.example.org")
t0 = time.time()
try:
    d = s.recv(10)
except (socket.timeout, TimeoutError):
    d = "timeout"
except (ssl.SSLError, OSError) as e:
    d = type(e).__name__
print("%s %d" % (d if isinstance(d, str) else "eof", int((time.time() - t0) * 1000)))
PY
)
set -- $out
[ "${1:-}" != timeout ] && [ "${2:-0}" -ge 900 ] && [ "${2:-0}" -le 3000 ] ||
	cg_fail "idle splice: $out (want closed after 1000-1250 ms)"
cg_log "ok: a silent splice closed after $2 ms (tls_idle_timeout_ms = 1000)"
cg_http_clean_exit
cg_pass
