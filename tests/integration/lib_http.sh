#!/bin/bash
# Helpers for the HTTP and TLS integration tests: a small echoing origin (plain and TLS),
# a self-signed certificate, a config for the proxy, and a router made of three network
# namespaces (client -> gateway with nftables REDIRECT -> origin). Source after lib.sh.

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# cg_http_origin_script: write the origin server to $CG_TMP/origin.py. It answers every
# request with a text echo of what arrived (method, target, headers, body length and
# checksum); /chunked answers chunked, /close answers close-delimited, /big/N sends N
# bytes, /slow sleeps a second first, /ws with an Upgrade field answers 101 with it and
# /force101 answers 101 (h2c) unasked, both then echoing bytes back with "echo:" in front.
# With a cert and key it speaks TLS.
cg_http_origin_script() {
	cat >"$CG_TMP/origin.py" <<'PY'
import hashlib, socket, socketserver, ssl, sys, time

class H(socketserver.StreamRequestHandler):
    def read_line(self):
        l = self.rfile.readline(65537)
        return l
    def handle(self):
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            line = self.read_line()
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                continue
            try:
                method, target, version = line.decode("latin-1").split()
            except ValueError:
                return
            headers = []
            while True:
                h = self.read_line()
                if h in (b"\r\n", b"\n", b""):
                    break
                headers.append(h.decode("latin-1").rstrip("\r\n"))
            hmap = {}
            for h in headers:
                k, _, v = h.partition(":")
                hmap.setdefault(k.strip().lower(), []).append(v.strip())
            body = b""
            if "chunked" in ",".join(hmap.get("transfer-encoding", [])).lower():
                while True:
                    size = int(self.read_line().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.read_line() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    body += self.rfile.read(size)
                    self.read_line()
            elif "content-length" in hmap:
                body = self.rfile.read(int(hmap["content-length"][0]))
            if (target.startswith("/ws") and "upgrade" in hmap) or target.startswith("/force101"):
                # 101 with the Upgrade asked for (/force101: h2c, asked or not), then
                # echo every read back as "echo:" + bytes until the peer closes.
                up = "h2c" if target.startswith("/force101") else hmap["upgrade"][0]
                self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: %s\r\n"
                                 b"Connection: Upgrade\r\n\r\n" % up.encode())
                self.wfile.flush()
                while True:
                    d = self.rfile.read1(65536)
                    if not d:
                        return
                    self.wfile.write(b"echo:" + d)
                    self.wfile.flush()
            text = "ORIGIN %s\nmethod: %s\ntarget: %s\nversion: %s\n" % (
                self.server.name, method, target, version)
            for h in headers:
                text += "header: %s\n" % h
            text += "body-length: %d\nbody-sha256: %s\n" % (
                len(body), hashlib.sha256(body).hexdigest())
            data = text.encode()
            if target.startswith("/slow"):
                time.sleep(1)
            if target.startswith("/big/"):
                data = b"x" * int(target[5:])
            close = version == "HTTP/1.0" or "close" in ",".join(hmap.get("connection", [])).lower()
            if target.startswith("/close"):
                self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + data)
                return
            if target.startswith("/chunked") and version == "HTTP/1.1":
                out = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nX-Origin-Hop: kept\r\nKeep-Alive: timeout=5\r\nConnection: Keep-Alive, X-Origin-Hop\r\n\r\n"
                for i in range(0, len(data), 7):
                    part = data[i:i + 7]
                    out += b"%x\r\n%s\r\n" % (len(part), part)
                out += b"0\r\n\r\n"
                self.wfile.write(out)
            else:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n" % (
                    len(data), b"Connection: close\r\n" if close else b""))
                if method != "HEAD":
                    self.wfile.write(data)
            self.wfile.flush()
            if close:
                return

class S(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True

addr, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
S.address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
srv = S((addr, port), H)
srv.name = name
if len(sys.argv) > 5:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("origin ready", flush=True)
srv.serve_forever()
PY
}

# cg_http_origin [NETNS|-] ADDR PORT NAME [CERT KEY]: start an origin, wait until it listens.
cg_http_origin() {
	local ns=$1 addr=$2 port=$3 name=$4 i; shift 4
	[ -f "$CG_TMP/origin.py" ] || cg_http_origin_script
	local log="$CG_TMP/origin-$name.log"
	if [ "$ns" = - ]; then
		cg_bg "$PY" "$CG_TMP/origin.py" "$addr" "$port" "$name" "$@" >"$log" 2>&1
	else
		cg_bg ip netns exec "$ns" "$PY" "$CG_TMP/origin.py" "$addr" "$port" "$name" "$@" >"$log" 2>&1
	fi
	for i in $(seq 100); do
		grep -q "origin ready" "$log" && return 0
		sleep 0.1
	done
	cg_fail "origin $name did not start: $(cat "$log")"
}

# cg_http_cert NAME...: a self-signed certificate for these names in $CG_TMP/cert.pem
# and $CG_TMP/key.pem.
cg_http_cert() {
	local san="" n
	for n in "$@"; do san="${san:+$san,}DNS:$n"; done
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
		-addext "subjectAltName=$san" -keyout "$CG_TMP/key.pem" -out "$CG_TMP/cert.pem" \
		>/dev/null 2>&1 || cg_fail "openssl could not make a certificate"
}

# cg_http_config FILE [extra [http] lines...]: a config whose lists block gambling names
# (casino.test, *.bet.test, the URL prefix allowed.test/forbidden, the address 10.77.2.3
# and the pattern /caipiao\d{2,}/ on host+path) and bypass names
# (vpn.test), journal in $CG_TMP/journal. Listen addresses go in the extra lines;
# $CG_DNS_UPSTREAM, when set, is the [dns] upstream (the explicit proxy resolves there).
cg_http_config() {
	local f=$1; shift
	mkdir -p "$CG_TMP/lists"
	printf 'casino.test\nbet.test\n10.77.2.3\nallowed.test/forbidden\n/caipiao\\d{2,}/\n' \
		>"$CG_TMP/lists/gambling.list"
	printf 'vpn.test\n' >"$CG_TMP/lists/vpn.list"
	{
		echo "[general]"
		echo "allow_root = yes"
		echo "timezone = Asia/Shanghai"
		echo "language = zh-CN"
		echo "pid_file = $CG_TMP/campusgated.pid"
		echo "[dns]"
		echo "block_page_v4 = ${CG_BLOCK_PAGE_V4:-127.0.0.1}"
		[ -z "${CG_DNS_UPSTREAM:-}" ] || echo "upstream = $CG_DNS_UPSTREAM"
		echo "[http]"
		local l
		for l in "$@"; do echo "$l"; done
		echo "[journal]"
		echo "dir = $CG_TMP/journal"
		echo "client_max_events = 0"
		echo "fsync_interval_ms = 100"
		echo "[category gambling]"
		echo "kind = block"
		echo "title_zh = 赌博"
		echo "title_en = Gambling"
		echo "list = $CG_TMP/lists/gambling.list"
		echo "[category bypass]"
		echo "kind = bypass"
		echo "title_zh = 绕过过滤"
		echo "title_en = Filter bypass"
		echo "list = $CG_TMP/lists/vpn.list"
		echo "[group default]"
		echo "block = gambling bypass"
		echo "block_mode = page"
	} >"$f"
}

# cg_journal_has TEXT...: wait (5 s) until one journal line contains every TEXT. The
# lines are filtered with grep -F, one TEXT after another (a loop in the shell over a
# journal of thousands of lines took seconds a call).
cg_journal_has() {
	local i t lines
	for i in $(seq 50); do
		lines=$(cat "$CG_TMP"/journal/*.jsonl 2>/dev/null)
		for t in "$@"; do
			lines=$(printf '%s\n' "$lines" | grep -F -- "$t") || break
		done
		[ -n "$lines" ] && return 0
		sleep 0.1
	done
	return 1
}

# cg_router_up: three namespaces joined by veth pairs, the middle one routing with the
# nftables rules of docs/http-tls.md (tcp 80 -> $GW_HTTP_PORT, tcp 443 -> $GW_TLS_PORT
# REDIRECT, udp 443 dropped). Client 10.77.1.2 (NS_C), gateway 10.77.1.1/10.77.2.1
# (NS_G), origin 10.77.2.2, .3 and .4 (NS_O); IPv6 fd77:1::2 -> fd77:1::1/fd77:2::1 ->
# fd77:2::2; 10.77.2.4 is one more origin address. Removed at exit.
cg_router_up() {
	local id=$$
	NS_C=cgc$id NS_G=cgg$id NS_O=cgo$id
	GW_HTTP_PORT=${GW_HTTP_PORT:-8080} GW_TLS_PORT=${GW_TLS_PORT:-8443}
	cg_need ip nft
	ip netns add $NS_C && cg_on_exit "ip netns del $NS_C" || cg_fail "ip netns add"
	ip netns add $NS_G && cg_on_exit "ip netns del $NS_G" || cg_fail "ip netns add"
	ip netns add $NS_O && cg_on_exit "ip netns del $NS_O" || cg_fail "ip netns add"
	ip link add cgc0$id netns $NS_C type veth peer name cgg0$id netns $NS_G || cg_fail "veth"
	ip link add cgo0$id netns $NS_O type veth peer name cgg1$id netns $NS_G || cg_fail "veth"
	ip -n $NS_C addr add 10.77.1.2/24 dev cgc0$id
	ip -n $NS_G addr add 10.77.1.1/24 dev cgg0$id
	ip -n $NS_G addr add 10.77.2.1/24 dev cgg1$id
	ip -n $NS_O addr add 10.77.2.2/24 dev cgo0$id
	# A second origin address, for names resolved to "another site".
	ip -n $NS_O addr add 10.77.2.3/24 dev cgo0$id
	# A third, not listed anywhere (10.77.2.3 is listed: see cg_http_config).
	ip -n $NS_O addr add 10.77.2.4/24 dev cgo0$id
	# IPv6 the same way (IP6T_SO_ORIGINAL_DST): fd77:1::/64 client side, fd77:2::/64 origin.
	ip -n $NS_C addr add fd77:1::2/64 dev cgc0$id nodad
	ip -n $NS_G addr add fd77:1::1/64 dev cgg0$id nodad
	ip -n $NS_G addr add fd77:2::1/64 dev cgg1$id nodad
	ip -n $NS_O addr add fd77:2::2/64 dev cgo0$id nodad
	local ns
	for ns in $NS_C $NS_G $NS_O; do ip -n $ns link set lo up; done
	ip -n $NS_C link set cgc0$id up
	ip -n $NS_G link set cgg0$id up
	ip -n $NS_G link set cgg1$id up
	ip -n $NS_O link set cgo0$id up
	ip -n $NS_C route add default via 10.77.1.1
	ip -n $NS_O route add default via 10.77.2.1
	ip -n $NS_C -6 route add default via fd77:1::1
	ip -n $NS_O -6 route add default via fd77:2::1
	ip netns exec $NS_G sysctl -qw net.ipv4.ip_forward=1
	ip netns exec $NS_G sysctl -qw net.ipv6.conf.all.forwarding=1
	cat >"$CG_TMP/router.nft" <<EOF
table inet campusgate_test {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "cgg0$id" tcp dport 80 redirect to :$GW_HTTP_PORT
		iifname "cgg0$id" tcp dport 443 redirect to :$GW_TLS_PORT
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "cgg0$id" udp dport 443 counter drop
	}
}
EOF
	ip netns exec $NS_G nft -f "$CG_TMP/router.nft" || cg_fail "nft -f router.nft"
	ip netns exec $NS_C "$PY" -c "import socket; socket.create_connection((\"10.77.2.2\", 9), timeout=2)" 2>&1 | grep -q "refused" || cg_fail "router: 10.77.2.2 not reachable from the client namespace"
}

# cg_start_daemon_ns NS CONF [args]: like cg_start_daemon, inside a namespace.
cg_start_daemon_ns() {
	local ns=$1 conf=$2 i; shift 2
	: >"$CG_TMP/daemon.log"
	ip netns exec "$ns" "$CAMPUSGATED" -c "$conf" "$@" >>"$CG_TMP/daemon.log" 2>&1 &
	CG_DAEMON_PID=$!
	CG_PIDS+=("$CG_DAEMON_PID")
	for i in $(seq 300); do
		grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && return 0
		kill -0 "$CG_DAEMON_PID" 2>/dev/null || cg_fail "campusgated exited during start-up"
		sleep 0.1
	done
	cg_fail "campusgated did not become ready within 30 s"
}

# cg_http_raw ADDR PORT PAYLOAD [SECONDS]: send PAYLOAD (printf escapes) on one TCP
# connection, print everything received until the peer closes or SECONDS (3) pass.
cg_http_raw() {
	"$PY" - "$1" "$2" "$3" "${4:-3}" <<'PY'
import socket, sys, time
addr, port, payload, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
data = payload.encode("latin-1").decode("unicode_escape").encode("latin-1")
s = socket.create_connection((addr, port), timeout=secs)
s.sendall(data)
end = time.time() + secs
out = b""
while time.time() < end:
    try:
        s.settimeout(max(0.05, end - time.time()))
        b = s.recv(65536)
    except socket.timeout:
        break
    except ConnectionResetError:
        out += b"\n[reset]"
        break
    if not b:
        out += b"\n[closed]"
        break
    out += b
sys.stdout.buffer.write(out)
PY
}

# cg_http_clean_exit: stop the daemon and fail if a sanitizer (ASan/UBSan/LSan build)
# reported anything in its logs.
cg_http_clean_exit() {
	cg_stop_pid "$CG_DAEMON_PID"
	if grep -a -l -E "Sanitizer|runtime error:" "$CG_TMP"/daemon*.log >/dev/null 2>&1; then
		grep -a -E -A20 "Sanitizer|runtime error:" "$CG_TMP"/daemon*.log | head -n 60
		cg_fail "the daemon's sanitizers reported errors"
	fi
}

# cg_ns_nsd NS ADDR: NSD in namespace NS on ADDR:53 serving zone "test" from
# $CG_TMP/nsd/test.zone (written by the caller), until it answers the zone's SOA.
cg_ns_nsd() {
	local ns=$1 addr=$2 i
	cat >"$CG_TMP/nsd/nsd.conf" <<NSD
server:
    ip-address: $addr@53
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
    log-only-syslog: no
remote-control:
    control-enable: no
zone:
    name: "test"
    zonefile: "test.zone"
NSD
	cg_bg ip netns exec "$ns" "$(command -v nsd)" -d -c "$CG_TMP/nsd/nsd.conf"
	for i in $(seq 100); do
		ip netns exec "$ns" dig @"$addr" +time=1 +tries=1 +short test SOA | grep -q hostmaster && return 0
		sleep 0.1
	done
	cg_fail "nsd on $addr in $ns does not answer: $(tail -3 "$CG_TMP/nsd/nsd.log")"
}

# cg_lesson_next_minute: a lesson from the next whole minute (UTC) with at least 12 s to
# go, for 10 minutes: LESSON_START (epoch seconds), LESSON_FROM and LESSON_TO (HH:MM UTC).
cg_lesson_next_minute() {
	local now
	now=$(date -u +%s)
	LESSON_START=$(((now / 60 + 1) * 60))
	[ $((LESSON_START - now)) -ge 12 ] || LESSON_START=$((LESSON_START + 60))
	LESSON_FROM=$(date -u -d "@$LESSON_START" +%H:%M)
	LESSON_TO=$(date -u -d "@$((LESSON_START + 600))" +%H:%M)
	cg_log "lesson from $LESSON_FROM to $LESSON_TO UTC ($((LESSON_START - now)) s from now)"
}
