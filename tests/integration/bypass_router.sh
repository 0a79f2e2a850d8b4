#!/bin/bash
# The student who wants through: on a router made of network namespaces (client ->
# gateway with nftables -> origin with several addresses, each serving HTTP, TLS and
# DNS), every known way around the filter is tried as a client on the LAN would try it,
# and each must be refused while the origin never sees it; the ordinary ways in (an
# allowed page, an allowed TLS site, Chrome's GREASE ECH hello, an allowed CONNECT) must
# still work. Classes: tunnels (CONNECT, upgrades), the destination address behind an
# allowed name, TLS that hides its name (no SNI, ECH), URL tricks, keyword evasion, and
# DNS variants (TCP, case, HTTPS/ANY types, a hard-coded outside resolver, DoT).
#
# Addresses: client 10.77.1.2; gateway 10.77.1.1 / 10.77.2.1; origin 10.77.2.2 (allowed),
# 10.77.2.3 (listed in the gambling list), 10.77.2.4 (a stand-in public DoH resolver,
# listed in the bypass category's address list), 10.77.2.5 (the "outside" DNS resolver,
# also the gateway's upstream), 10.77.2.6 (a raw TCP sink on 443 that logs what arrives).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need curl openssl nft ip dig nsd
cg_init
GW_DNS_PORT=5353 GW_PROXY_PORT=3128
cg_router_up
C() { ip netns exec "$NS_C" "$@"; }
O() { ip netns exec "$NS_O" "$@"; }
for a in 10.77.2.5 10.77.2.6; do ip -n "$NS_O" addr add $a/24 dev "cgo0$$"; done # (10.77.2.4: cg_router_up)
# DNS from the LAN (to any resolver) goes to the gateway; DoT is dropped and counted.
ip netns exec "$NS_G" nft -f - <<EOF || cg_fail "nft: DNS rules"
add rule inet campusgate_test prerouting iifname "cgg0$$" udp dport 53 redirect to :$GW_DNS_PORT
add rule inet campusgate_test prerouting iifname "cgg0$$" tcp dport 53 redirect to :$GW_DNS_PORT
add rule inet campusgate_test forward iifname "cgg0$$" tcp dport 853 counter drop
EOF

# --- the origin: HTTP and TLS on every address, a logging raw sink, an NSD resolver ------
# Every request that reaches an origin is logged ("REQ METHOD TARGET"), so that each
# attempt below can check that its own marker never arrived.
cg_http_origin_script
"$PY" - "$CG_TMP/origin.py" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
old = '            text = "ORIGIN %s'
assert old in s
s = s.replace(old, '            print("REQ %s %s %s" % (method, target, hmap), flush=True)\n' + old, 1)
open(p, "w").write(s)
PY
cg_http_cert www.example.org good.example.org casino.test
for a in 10.77.2.2 10.77.2.3 10.77.2.4; do
	cg_http_origin "$NS_O" $a 80 "o80-$a"
	cg_http_origin "$NS_O" $a 443 "o443-$a" "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
done
cat >"$CG_TMP/sink.py" <<'PY'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
print("sink ready", flush=True)
def one(c):
    d = c.recv(4096)
    print("SINK got %d bytes" % len(d), flush=True)
    c.sendall(b"\x16\x03\x03\x00\x01\x00"); c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=one, args=(c,), daemon=True).start()
PY
for p in 443 853; do
	cg_bg ip netns exec "$NS_O" "$PY" "$CG_TMP/sink.py" 10.77.2.6 $p >"$CG_TMP/sink-$p.log" 2>&1
done
# The DoT stand-in: the TLS origin answers on 853 too.
cg_http_origin "$NS_O" 10.77.2.5 853 dot "$CG_TMP/cert.pem" "$CG_TMP/key.pem"
mkdir -p "$CG_TMP/nsd"
cat >"$CG_TMP/nsd/test.zone" <<'EOF'
$ORIGIN test.
$TTL 300
@ IN SOA ns.test. hostmaster.test. 1 3600 900 604800 30
@ IN NS ns.test.
ns IN A 10.77.2.5
ok IN A 10.77.2.2
casino IN A 10.77.2.3
www.casino IN A 10.77.2.3
bet IN A 10.77.2.2
alias IN CNAME bet.test.
alias2 IN CNAME ok.test.
camo IN A 10.77.2.3
inner IN A 127.0.0.1
EOF
cat >"$CG_TMP/nsd/nsd.conf" <<EOF
server:
    ip-address: 10.77.2.5@53
    do-ip6: no
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$CG_TMP/nsd"
    zonelistfile: "$CG_TMP/nsd/zone.list"
    xfrdfile: "$CG_TMP/nsd/xfrd.state"
    pidfile: "$CG_TMP/nsd/nsd.pid"
    logfile: "$CG_TMP/nsd/nsd.log"
    server-count: 1
    verbosity: 2
    log-only-syslog: no
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "test"
    zonefile: "test.zone"
EOF
cg_bg ip netns exec "$NS_O" "$(command -v nsd)" -d -c "$CG_TMP/nsd/nsd.conf"
for i in $(seq 100); do
	O dig @10.77.2.5 +time=1 +tries=1 +short ok.test | grep -q 10.77.2.2 && break
	sleep 0.1
done
O dig @10.77.2.5 +time=1 +tries=1 +short ok.test | grep -q 10.77.2.2 || cg_fail "nsd in the origin"

# --- the gateway: the lists of lib_http.sh, plus a keyword, a DoH stand-in address, and
# the client-facing ECH name; DNS forwarded to the origin's resolver -------------------------
CG_BLOCK_PAGE_V4=10.77.1.1 cg_http_config "$CG_TMP/c.conf" \
	"listen = 0.0.0.0:$GW_HTTP_PORT" "tls_listen = 0.0.0.0:$GW_TLS_PORT" \
	"explicit_listen = 10.77.1.1:$GW_PROXY_PORT" "blockpage_listen = 10.77.1.1:80" \
	"head_timeout_ms = 2000"
printf '/赌博/\n' >>"$CG_TMP/lists/gambling.list"
printf '10.77.2.4\n' >"$CG_TMP/lists/doh-addresses.list"
printf 'cloudflare-ech.com\n' >"$CG_TMP/lists/ech.list"
python3 - "$CG_TMP/c.conf" "$CG_TMP" "$GW_DNS_PORT" <<'PY'
import sys
path, tmp, port = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(path, encoding="utf-8").read()
s = s.replace("[dns]\n", "[dns]\nlisten = 0.0.0.0:%s\nupstream = 10.77.2.5:53\n" % port, 1)
s = s.replace("list = %s/lists/vpn.list\n" % tmp,
              "list = %s/lists/vpn.list\nlist = %s/lists/doh-addresses.list\nech_list = %s/lists/ech.list\n" % (tmp, tmp, tmp), 1)
open(path, "w", encoding="utf-8").write(s)
PY
cg_start_daemon_ns "$NS_G" "$CG_TMP/c.conf"


# seen MARK: whether MARK reached any origin (request log) or the sink.
seen() { grep -q -- "$1" "$CG_TMP"/origin-*.log 2>/dev/null; }
# never MARK WHAT: MARK must not have reached an origin.
never() { sleep 0.2; ! seen "$1" || cg_fail "$2: reached the origin: $(grep -h -- "$1" "$CG_TMP"/origin-*.log)"; cg_log "ok: $2"; }
# reached MARK WHAT: MARK must have reached an origin (the ordinary ways still work).
reached() { sleep 0.2; seen "$1" || cg_fail "$2: did not reach the origin"; cg_log "ok: $2"; }
code() { C curl -s -o /dev/null -w '%{http_code}' --max-time 10 --path-as-is "$@"; }
# status LINE: the status code of a raw exchange's first line (or "none").
status() { echo "$1" | head -n1 | awk '/^HTTP\//{print $2; exit} {print "none"}'; }

# proxy.py PROXY_PORT TARGET SNI PATH: CONNECT through the explicit proxy, then TLS with
# SNI inside the tunnel and a GET of PATH. Prints "connect <status line>" and then
# "tls ok <first response line>" or "tls failed <error>".
cat >"$CG_TMP/proxy.py" <<'PY'
import socket, ssl, sys
port, target, sni, path, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
s = socket.create_connection(("10.77.1.1", port), timeout=5)
s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target, target)).encode())
head = b""
while b"\r\n\r\n" not in head:
    d = s.recv(4096)
    if not d:
        break
    head += d
line = head.split(b"\r\n")[0].decode("latin-1")
print("connect", line)
if " 200 " not in line + " ":
    sys.exit(0)
ctx = ssl.create_default_context(cafile=ca)
try:
    t = ctx.wrap_socket(s, server_hostname=sni)
    t.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, sni)).encode())
    print("tls ok", t.recv(4096).split(b"\r\n")[0].decode())
except Exception as e:
    print("tls failed", type(e).__name__, e)
PY
P() { C "$PY" "$CG_TMP/proxy.py" "$GW_PROXY_PORT" "$1" "$2" "$3" "$CG_TMP/cert.pem" 2>&1; }

# === tunnels ================================================================================
out=$(C bash -c "exec 3<>/dev/tcp/10.77.2.2/80; printf 'CONNECT 10.77.2.2:443 HTTP/1.1\r\nHost: 10.77.2.2:443\r\n\r\nGET /tunnel-t1 HTTP/1.1\r\nHost: casino.test\r\n\r\n' >&3; timeout 3 cat <&3")
[ "$(status "$out")" != 200 ] || cg_fail "CONNECT on the transparent port answered 200"
never tunnel-t1 "CONNECT on the transparent HTTP port refused"
out=$(P 10.77.2.5:853 www.example.org /tunnel-dot)
case "$out" in "connect HTTP/1.1 200"*) cg_fail "CONNECT to 853: $out" ;; esac
never tunnel-dot "CONNECT to DNS-over-TLS (853) refused"
out=$(P 127.0.0.1:$GW_DNS_PORT www.example.org /tunnel-lo)
case "$out" in "connect HTTP/1.1 200"*) cg_fail "CONNECT to the router's loopback: $out" ;; esac
out=$(P 10.77.1.1:$GW_TLS_PORT www.example.org /tunnel-self)
case "$out" in "connect HTTP/1.1 200"*) cg_fail "CONNECT to the router's own address: $out" ;; esac
cg_log "ok: CONNECT to the router's loopback and own address refused"
out=$(P 10.77.2.3:443 www.example.org /tunnel-listed)
case "$out" in "connect HTTP/1.1 200"*) cg_fail "CONNECT to a listed address: $out" ;; esac
never tunnel-listed "CONNECT to a listed address refused"
out=$(P 10.77.2.2:443 casino.test /tunnel-sni)
echo "$out" | grep -q "^tls ok" && cg_fail "a blocked SNI inside an allowed CONNECT: $out"
never tunnel-sni "a blocked SNI inside a CONNECT to an allowed address refused"
cg_journal_has '"host":"casino.test"' '"action":"block"' '"proto":"tls"' ||
	cg_fail "the SNI inside the tunnel was not journaled"
out=$(P ok.test:443 www.example.org /tunnel-ok)
echo "$out" | grep -q "^tls ok HTTP/1.1 200" || cg_fail "an allowed CONNECT (name resolved by the gateway's DNS): $out"
reached tunnel-ok "an allowed CONNECT by name, resolved through the gateway's upstream, works"
out=$(P casino.test:443 www.example.org /tunnel-name)
case "$out" in "connect HTTP/1.1 200"*) cg_fail "CONNECT to a listed name: $out" ;; esac
never tunnel-name "CONNECT to a listed name refused"
# A name of no list that is a CNAME of a listed one (alias.test -> bet.test, on an allowed
# address) with an allowed SNI inside: the proxy's own lookup decides every name of the
# chain for the pupil's group, as the DNS proxy does; alias2.test -> ok.test still works.
out=$(P alias.test:443 www.example.org /tunnel-alias)
case "$out" in "connect HTTP/1.1 403"*) ;; *) cg_fail "CONNECT to a CNAME of a listed name: $out" ;; esac
never tunnel-alias "CONNECT to an unlisted name that is a CNAME of a listed one refused"
cg_journal_has '"proto":"http"' '"host":"alias.test"' '"action":"block"' '"category":"gambling"' \
	'"reason":"CNAME chain alias.test -> bet.test"' || cg_fail "the CNAME chain of a CONNECT was not journaled"
out=$(P alias2.test:443 www.example.org /tunnel-alias2)
echo "$out" | grep -q "^tls ok HTTP/1.1 200" || cg_fail "CONNECT to a CNAME of an allowed name: $out"
reached tunnel-alias2 "CONNECT to a CNAME of an unlisted name works"
# The same for absolute-form plain HTTP through the proxy.
out=$(C curl -sS -i --max-time 10 -x "http://10.77.1.1:$GW_PROXY_PORT" http://alias.test/get-alias)
[ "$(status "$out")" = 403 ] || cg_fail "GET http://alias.test/ through the proxy: $out"
never get-alias "GET http://alias.test/ (a CNAME of a listed name) through the proxy refused"
cg_journal_has '"proto":"http"' '"host":"alias.test"' '"path":"/get-alias"' '"action":"block"' \
	'"reason":"CNAME chain alias.test -> bet.test"' || cg_fail "the CNAME chain of a GET was not journaled"
code=$(code -x "http://10.77.1.1:$GW_PROXY_PORT" http://alias2.test/get-alias2)
[ "$code" = 200 ] || cg_fail "GET http://alias2.test/ through the proxy: $code"
reached get-alias2 "GET http://alias2.test/ (a CNAME of an unlisted name) through the proxy works"
# An unlisted name on a listed address: the address the proxy looked up is decided too.
code=$(code -x "http://10.77.1.1:$GW_PROXY_PORT" http://camo.test/get-camo)
[ "$code" = 403 ] || cg_fail "GET http://camo.test/ (on a listed address) through the proxy: $code"
never get-camo "GET http://camo.test/ (an unlisted name on a listed address) through the proxy refused"
cg_journal_has '"host":"camo.test"' '"path":"/get-camo"' '"action":"block"' 'destination address listed' ||
	cg_fail "the listed address of a proxied GET was not journaled"
# The box itself is never where the proxy goes, as for CONNECT (connect_deny): not its
# loopback by address or by a name that resolves there, not its own addresses; a pupil
# cannot reach the router's own services through it.
code=$(code -x "http://10.77.1.1:$GW_PROXY_PORT" http://127.0.0.1:9/get-loopback)
[ "$code" = 403 ] || cg_fail "GET http://127.0.0.1:9/ through the proxy: $code"
cg_journal_has '"event":"bypass"' 'HTTP to 127.0.0.1 (127.0.0.1) not allowed: loopback' ||
	cg_fail "the proxied GET to loopback was not journaled"
code=$(code -x "http://10.77.1.1:$GW_PROXY_PORT" http://inner.test:9/get-inner)
[ "$code" = 403 ] || cg_fail "GET http://inner.test/ (a name on 127.0.0.1) through the proxy: $code"
cg_journal_has '"event":"bypass"' 'HTTP to 127.0.0.1 (inner.test) not allowed: loopback' ||
	cg_fail "the proxied GET to a name on loopback was not journaled"
code=$(code -x "http://10.77.1.1:$GW_PROXY_PORT" http://10.77.1.1:80/get-self)
[ "$code" = 403 ] || cg_fail "GET http://10.77.1.1/ (the gateway) through the proxy: $code"
cg_journal_has '"event":"bypass"' "HTTP to 10.77.1.1 (10.77.1.1) not allowed: the gateway's own address" ||
	cg_fail "the proxied GET to the gateway itself was not journaled"
cg_log "ok: the proxy never goes to loopback or the gateway itself, by address or by name"
# h2c: the upgrade headers never reach the origin (no tunnel can follow).
C curl -s -o /dev/null --max-time 10 --resolve www.example.org:80:10.77.2.2 \
	-H 'Connection: Upgrade, HTTP2-Settings' -H 'Upgrade: h2c' -H 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA' \
	http://www.example.org/h2c-up
reached h2c-up "an h2c upgrade request still gets its page"
line=$(grep -h -- "h2c-up" "$CG_TMP"/origin-*.log)
echo "$line" | grep -qi "'upgrade'\|http2-settings" && cg_fail "h2c headers forwarded: $line"
cg_log "ok: Upgrade: h2c and HTTP2-Settings removed"

# === the destination address behind an allowed name ============================================
cg_expect "Host allowed, destination listed" \
	"$(code --resolve www.example.org:80:10.77.2.3 http://www.example.org/dest-host)" 403
never dest-host "an allowed Host sent to a listed address blocked"
out=$(C "$PY" - "$CG_TMP/cert.pem" <<'PY' 2>&1
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
try:
    t = ctx.wrap_socket(socket.create_connection(("10.77.2.3", 443), timeout=5), server_hostname="www.example.org")
    t.sendall(b"GET /dest-sni HTTP/1.1\r\nHost: www.example.org\r\n\r\n"); print("ok", t.recv(100))
except Exception as e:
    print("failed", e)
PY
)
echo "$out" | grep -q "^failed" || cg_fail "an allowed SNI to a listed address: $out"
never dest-sni "an allowed SNI sent to a listed address (REALITY-style camouflage) blocked"
cg_journal_has '"host":"10.77.2.3"' '"proto":"tls"' '"action":"block"' 'SNI www.example.org allowed' ||
	cg_fail "the SNI-vs-destination block was not journaled"
out=$(C bash -c "exec 3<>/dev/tcp/10.77.2.3/80; printf 'GET /dest-nohost HTTP/1.0\r\n\r\n' >&3; timeout 5 cat <&3")
cg_expect "HTTP/1.0 without Host to a listed address" "$(status "$out")" 403
never dest-nohost "HTTP/1.0 without Host to a listed address blocked"

# === TLS that hides its name ==================================================================
out=$(C timeout 10 openssl s_client -connect 10.77.2.4:443 -noservername </dev/null 2>&1)
echo "$out" | grep -qi "alert access denied" || cg_fail "no SNI to the DoH stand-in: $out"
cg_journal_has '"host":"10.77.2.4"' '"event":"bypass"' '"reason":"no-sni"' || cg_fail "no-SNI attempt not journaled as no-sni"
cg_log "ok: no SNI to a DoH resolver's address blocked, journaled as no-sni"
# hello.py: a hand-made hello, ECH or not, with an SNI; Chrome's captured GREASE-ECH hello.
cat >"$CG_TMP/hello.py" <<'PY'
import os, struct, sys
def ext(t, d): return struct.pack("!HH", t, len(d)) + d
def sni_ext(name): return struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
name = sys.argv[2].encode()
exts = ext(0, sni_ext(name)) + ext(0x000a, b"\x00\x02\x00\x1d")
if sys.argv[1] == "ech":
    exts += ext(0xfe0d, b"\x00\x00\x01\x00\x01\x42\x00\x20" + os.urandom(32) + b"\x00\x10" + os.urandom(16))
body = b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + struct.pack("!H", len(exts)) + exts
hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
sys.stdout.buffer.write(b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs)
PY
cat >"$CG_TMP/send.py" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 443), timeout=5)
s.sendall(open(sys.argv[2], "rb").read())
try:
    print(s.recv(7).hex())
except Exception as e:
    print("error", e)
PY
sinks() { grep -c "SINK got" "$CG_TMP/sink-443.log"; }
n0=$(sinks)
"$PY" "$CG_TMP/hello.py" ech cloudflare-ech.com >"$CG_TMP/ech.bin"
cg_expect "ECH to a client-facing name" "$(C "$PY" "$CG_TMP/send.py" 10.77.2.6 "$CG_TMP/ech.bin")" 15030300020231
cg_expect "ECH hello never reached the sink" "$(sinks)" "$n0"
cg_journal_has '"host":"cloudflare-ech.com"' '"event":"bypass"' '"reason":"ech"' || cg_fail "ECH attempt not journaled as ech"
"$PY" "$CG_TMP/hello.py" chrome-like www.example.org >"$CG_TMP/plain.bin"
cg_expect "a plain hello with an allowed name is spliced" \
	"$(C "$PY" "$CG_TMP/send.py" 10.77.2.6 "$CG_TMP/plain.bin")" 160303000100
"$PY" "$CG_TMP/hello.py" ech www.example.org >"$CG_TMP/grease.bin"
cg_expect "GREASE ECH (Chrome) with an allowed name still works" \
	"$(C "$PY" "$CG_TMP/send.py" 10.77.2.6 "$CG_TMP/grease.bin")" 160303000100
cg_expect "both allowed hellos reached the sink" "$(sinks)" "$((n0 + 2))"

# === URL tricks and keyword evasion ============================================================
R=(--resolve allowed.test:80:10.77.2.2)
for t in /./forbidden/trk1 //forbidden/trk2 /a/../forbidden/trk3 /%66orbidden/trk4 \
	/edu/../forbidden/trk5 /FORBIDDEN/../forbidden/trk6 /forbidden%2Ftrk7 /forbidden/%2e%2e/forbidden/trk8; do
	c=$(code "${R[@]}" "http://allowed.test$t")
	[ "$c" = 403 ] || cg_fail "path trick $t: $c"
done
for m in 1 2 3 4 5 6 7 8; do ! seen "trk$m" || cg_fail "path trick $m reached the origin"; done
cg_log "ok: dot segments, repeated slashes, percent-escapes and %2F do not get past a URL rule"
cg_expect "the allowed part of the same site" "$(code "${R[@]}" http://allowed.test/edu/u-ok)" 200
cg_expect "percent-encoded Chinese keyword" \
	"$(code "${R[@]}" 'http://allowed.test/search?q=%E8%B5%8C%E5%8D%9A&m=kw1')" 403
never "m=kw1" "a percent-encoded Chinese keyword blocked"
out=$(C "$PY" - <<'PY'
import socket
s = socket.create_connection(("10.77.2.2", 80), timeout=5)
s.sendall("GET /search/赌博?m=kw2 HTTP/1.1\r\nHost: allowed.test\r\nConnection: close\r\n\r\n".encode())
print(s.recv(100).split(b"\r\n")[0].decode())
PY
)
cg_expect "raw UTF-8 keyword in the target" "$(status "$out")" 403
never "m=kw2" "a raw UTF-8 Chinese keyword blocked"
pad=$(printf 'A%.0s' $(seq 6000))
cg_expect "keyword after 6,000 bytes of padding" \
	"$(code "${R[@]}" "http://allowed.test/p?pad=$pad&q=caipiao12&m=pad1")" 403
never "m=pad1" "a keyword behind long padding blocked"

# === DNS variants ==============================================================================
D() { C dig +time=3 +tries=1 "$@"; }
dstatus() { D +noall +comments "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -1; }
cg_expect "hard-coded outside resolver, allowed" "$(D +short @10.77.2.5 ok.test)" 10.77.2.2
# The group's block_mode is "page": a listed name gets the block page's address (A), no
# data (other types) or NXDOMAIN; never the origin's address, and each is journaled.
# dblocked WHAT ARGS...: the answer must not name the listed site's address.
dblocked() {
	local what=$1 out st; shift
	out=$(D +noall +answer +comments "$@")
	st=$(echo "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -1)
	case "$st" in NOERROR | NXDOMAIN) ;; *) cg_fail "$what: status '$st'" ;; esac
	echo "$out" | grep -v '^;' | grep -q '10\.77\.2\.3' && cg_fail "$what: answered with the site: $out"
	cg_log "ok: $what ($st)"
}
n0=$(cat "$CG_TMP"/journal/*.jsonl | grep '"proto":"dns"' | grep -c 'casino.test')
cg_expect "hard-coded outside resolver, listed name" "$(D +short @10.77.2.5 casino.test)" 10.77.1.1
dblocked "over TCP" +tcp @10.77.2.5 www.casino.test
dblocked "mixed case" @10.77.2.5 CaSiNo.TeSt
dblocked "type HTTPS" @10.77.2.5 casino.test HTTPS
dblocked "type ANY" @10.77.2.5 casino.test ANY
sleep 0.5
n1=$(cat "$CG_TMP"/journal/*.jsonl | grep '"proto":"dns"' | grep -c 'casino.test')
[ "$n1" -ge $((n0 + 5)) ] || cg_fail "DNS variants journaled: $((n1 - n0)) of 5"
cg_journal_has '"proto":"dns"' '"host":"casino.test"' '"client":"10.77.1.2"' ||
	cg_fail "the DNS block from the client was not journaled with its address"
out=$(C timeout 5 openssl s_client -connect 10.77.2.5:853 -servername dns.example </dev/null 2>&1)
echo "$out" | grep -q "BEGIN CERTIFICATE\|Verify return" && cg_fail "DoT reached the resolver: $out"
pk=$(ip netns exec "$NS_G" nft list chain inet campusgate_test forward | grep 'dport 853' | grep -o 'packets [0-9]*' | awk '{print $2}')
[ "${pk:-0}" -gt 0 ] || cg_fail "DoT not dropped at the router"
cg_log "ok: DoT dropped at the router ($pk packets)"

# === a kept-alive connection through the proxy does not outlive a reload ==================
# The pupil opens a connection through the explicit proxy to an allowed name and keeps it
# alive; the admin then lists the name's address. The next request on that same
# connection is decided again (a new lookup, the address checked): refused, never sent
# on the old connection. (Last: it lists ok.test's address for the rest of the run.)
cat >"$CG_TMP/keepalive.py" <<'PY'
import http.client, os, sys, time
port, flag = int(sys.argv[1]), sys.argv[2]
h = http.client.HTTPConnection("10.77.1.1", port, timeout=10)
h.request("GET", "http://ok.test/ka-before", headers={"Host": "ok.test"})
r = h.getresponse(); r.read()
print("before", r.status, flush=True)
sock = h.sock
for _ in range(300):
    if os.path.exists(flag):
        break
    time.sleep(0.1)
h.request("GET", "http://ok.test/ka-after", headers={"Host": "ok.test"})
r = h.getresponse(); r.read()
print("after", r.status, "same-connection" if h.sock is sock and sock is not None else "new-connection", flush=True)
PY
C "$PY" "$CG_TMP/keepalive.py" "$GW_PROXY_PORT" "$CG_TMP/ka.flag" >"$CG_TMP/ka.out" 2>&1 &
ka=$!
for i in $(seq 100); do grep -q '^before' "$CG_TMP/ka.out" && break; sleep 0.1; done
grep -q '^before 200' "$CG_TMP/ka.out" || cg_fail "keep-alive through the proxy, first request: $(cat "$CG_TMP/ka.out")"
reached ka-before "an allowed GET through the proxy on a kept-alive connection"
printf '10.77.2.2\n' >>"$CG_TMP/lists/doh-addresses.list"
n=$(grep -c 'reload done' "$CG_TMP/daemon.log")
kill -HUP "$CG_DAEMON_PID"
for i in $(seq 100); do [ "$(grep -c 'reload done' "$CG_TMP/daemon.log")" -gt "$n" ] && break; sleep 0.1; done
[ "$(grep -c 'reload done' "$CG_TMP/daemon.log")" -gt "$n" ] || cg_fail "the reload did not finish"
touch "$CG_TMP/ka.flag"
wait "$ka" || cg_fail "keep-alive client: $(cat "$CG_TMP/ka.out")"
grep -q '^after 403 same-connection' "$CG_TMP/ka.out" ||
	cg_fail "the kept-alive connection after the reload: $(cat "$CG_TMP/ka.out")"
never ka-after "the next request on a kept-alive proxy connection, after its address was listed, refused"
cg_journal_has '"host":"ok.test"' '"path":"/ka-after"' '"category":"bypass"' '"text":"10.77.2.2"' \
	'"reason":"destination address listed"' ||
	cg_fail "the refused request on the kept-alive connection was not journaled: $(grep -h ka-after "$CG_TMP"/journal/*.jsonl)"

cg_http_clean_exit
cg_pass
