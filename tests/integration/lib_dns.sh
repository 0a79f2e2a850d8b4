#!/bin/bash
# Helpers for the DNS integration tests: a real upstream (NSD serving test zones on a
# loopback port), dig wrappers, and a small Python DNS client for
# what dig cannot do (TCP pipelining, raw datagrams, counted load). Source after lib.sh.

# dns_start_upstream PORT DATAFILE: NSD on 127.0.0.1:PORT serving the records in
# DATAFILE (one "name. ttl IN type data" per line), one zone per apex in DNS_ZONES;
# $DNS_UP_PID is its PID. NSD follows CNAME chains inside its zones, as authoritative
# servers do, so chains arrive whole. Zones named in DNS_SIGNED are signed with
# ldns-signzone (a fresh ECDSA key), so NSD adds RRSIGs exactly when a query has DO.
DNS_ZONES="test google.com youtube.com bing.com duckduckgo.com"
DNS_SIGNED=""
dns_start_upstream() {
	local port=$1 data=$2 d=$CG_TMP/nsd-$1 z
	mkdir -p "$d"
	cat >"$d/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$port
    do-ip6: no
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$d"
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    pidfile: "$d/nsd.pid"
    logfile: "$d/nsd.log"
    server-count: 1
    verbosity: 0
    refuse-any: yes
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
EOF
	for z in $DNS_ZONES; do
		{
			printf '$ORIGIN %s.\n$TTL 300\n' "$z"
			printf '@ IN SOA ns.%s. hostmaster.%s. 1 3600 900 604800 30\n' "$z" "$z"
			printf '@ IN NS ns.%s.\nns IN A 127.0.0.1\n' "$z"
			awk -v z=".$z." '{ n = "." $1; if (substr(n, length(n) - length(z) + 1) == z) print }' "$data"
		} >"$d/$z.zone"
		local zf="$z.zone"
		case " $DNS_SIGNED " in
		*" $z "*)
			local k
			k=$(cd "$d" && ldns-keygen -a ECDSAP256SHA256 -k "$z") || cg_fail "ldns-keygen $z"
			(cd "$d" && ldns-signzone -o "$z" "$z.zone" "$k") || cg_fail "ldns-signzone $z"
			zf="$z.zone.signed"
			;;
		esac
		printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$z" "$zf" >>"$d/nsd.conf"
	done
	nsd-checkconf "$d/nsd.conf" || cg_fail "nsd config rejected"
	cg_bg nsd -d -c "$d/nsd.conf"
	DNS_UP_PID=$CG_LAST_PID
	for z in $(seq 100); do # until it answers (it forks before binding)
		dig -p "$port" @127.0.0.1 +time=1 +tries=1 +short test SOA 2>/dev/null | grep -q hostmaster && return 0
		sleep 0.1
	done
	cg_fail "NSD on port $port does not answer: $(tail -3 "$d/nsd.log")"
}

# dns_wait_daemon: until the daemon answers on UDP and TCP at $DNS_PORT (10 s).
dns_wait_daemon() {
	local i
	for i in $(seq 100); do
		[ "$(dns_status use-application-dns.net)" = NXDOMAIN ] &&
			[ "$(dns_status +tcp use-application-dns.net)" = NXDOMAIN ] && return 0
		sleep 0.1
	done
	cg_fail "the daemon does not answer on 127.0.0.1:$DNS_PORT"
}

# dns_no_sanitizer_report: fail when the daemon log holds an ASan/UBSan/LSan report
# (sanitizer builds; the daemon has been stopped, so leaks are in the log too).
dns_no_sanitizer_report() {
	if grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$CG_TMP/daemon.log"; then
		grep -A30 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$CG_TMP/daemon.log" | head -60
		cg_fail "sanitizer report in the daemon log"
	fi
}

# dq [dig args]: dig against the daemon ($DNS_PORT), short timeouts, no retries.
dq() { dig -p "$DNS_PORT" @127.0.0.1 +time=3 +tries=1 "$@"; }
# dns_status [dig args]: the rcode text (NOERROR, NXDOMAIN, ...).
dns_status() { dq +noall +comments "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -1; }
# dns_answer [dig args]: the answer data, one per line, sorted.
dns_answer() { dq +short "$@" | sort; }

# dns_py SCRIPT-NAME ARGS: run one of the Python helpers below.
dns_py() {
	local what=$1; shift
	python3 - "$what" "$@" <<'PY'
import os, socket, struct, sys, time, random, select

def qmsg(qid, name, qtype=1, edns=True):
    m = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    for l in name.rstrip(".").split("."):
        m += bytes([len(l)]) + l.encode()
    m += b"\0" + struct.pack(">HH", qtype, 1)
    if edns:
        m += b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    return m

def rcode(m):
    return m[3] & 0xF

what, args = sys.argv[1], sys.argv[2:]
if what == "pipeline":
    # pipeline PORT NAME...: all queries in one TCP write; print "name rcode ancount"
    # in the order answers arrive; fail unless every query is answered.
    port, names = int(args[0]), args[1:]
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    ids = {}
    buf = b""
    for n in names:
        qid = random.randrange(65536)
        while qid in ids:
            qid = random.randrange(65536)
        ids[qid] = n
        q = qmsg(qid, n)
        buf += struct.pack(">H", len(q)) + q
    s.sendall(buf)
    got, data = 0, b""
    while got < len(names):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        while len(data) >= 2 and len(data) >= 2 + struct.unpack(">H", data[:2])[0]:
            l = struct.unpack(">H", data[:2])[0]
            m, data = data[2:2 + l], data[2 + l:]
            qid = struct.unpack(">H", m[:2])[0]
            print(ids.pop(qid), rcode(m), struct.unpack(">H", m[6:8])[0])
            got += 1
    s.close()
    sys.exit(0 if got == len(names) else 1)
elif what == "raw":
    # raw PORT FILE...: send each file as one UDP datagram and each as one TCP frame;
    # files that are pcaps have their UDP/TCP port-53 payloads sent instead.
    port, files = int(args[0]), args[1:]
    msgs = []
    for f in files:
        d = open(f, "rb").read()
        if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
            le = d[:4] == b"\xd4\xc3\xb2\xa1"
            e = "<" if le else ">"
            link = struct.unpack(e + "I", d[20:24])[0]
            off = 24
            while off + 16 <= len(d):
                incl = struct.unpack(e + "I", d[off + 8:off + 12])[0]
                pkt = d[off + 16:off + 16 + incl]
                off += 16 + incl
                p = {1: 14, 0: 4, 113: 16}.get(link)
                if p is None or len(pkt) < p + 20:
                    continue
                if pkt[p] >> 4 != 4:
                    continue
                ihl = (pkt[p] & 15) * 4
                proto = pkt[p + 9]
                l4 = pkt[p + ihl:]
                if proto == 17 and len(l4) > 8:
                    msgs.append(l4[8:])
                elif proto == 6 and len(l4) > 20:
                    pay = l4[(l4[12] >> 4) * 4:]
                    if len(pay) > 2:
                        msgs.append(pay[2:])
        else:
            msgs.append(d)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for m in msgs:
        try:
            u.sendto(m[:65000], ("127.0.0.1", port))
        except OSError:
            pass
    for m in msgs[:200]:
        try:
            t = socket.create_connection(("127.0.0.1", port), timeout=2)
            m = m[:65535]
            t.sendall(struct.pack(">H", len(m)) + m)
            t.settimeout(0.3)
            try:
                t.recv(65536)
            except OSError:
                pass
            t.close()
        except OSError:
            pass
    print(len(msgs))
elif what == "idle":
    # idle PORT NAME: one query over TCP, then silence; print the seconds from the answer
    # until the daemon closes the connection (fail when it is not closed within 15 s).
    port, name = int(args[0]), args[1]
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    q = qmsg(7, name)
    s.sendall(struct.pack(">H", len(q)) + q)
    data = b""
    while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit(1)
        data += chunk
    t0 = time.time()
    try:
        while s.recv(65536):
            pass
    except socket.timeout:
        sys.exit(1)
    print("%.2f" % (time.time() - t0))
elif what == "dribble":
    # dribble PORT NAME GAP: one query over TCP sent a byte at a time, GAP seconds apart;
    # print "closed S" with the seconds until the daemon closed the connection, or
    # "answered S" when the whole query went through and was answered.
    port, name, gap = int(args[0]), args[1], float(args[2])
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    q = qmsg(9, name)
    frame = struct.pack(">H", len(q)) + q
    t0 = time.time()
    try:
        for b in frame:
            s.sendall(bytes([b]))
            r, _, _ = select.select([s], [], [], gap)
            if r:
                data = s.recv(65536)
                print(("answered %.2f" if data else "closed %.2f") % (time.time() - t0))
                sys.exit(0)
        data = s.recv(65536)
        print(("answered %.2f" if data else "closed %.2f") % (time.time() - t0))
    except OSError:
        print("closed %.2f" % (time.time() - t0))
elif what == "conncap":
    # conncap PORT N NAME: open N TCP connections at once, then ask NAME on each; print
    # how many were answered (the others must have been closed by the daemon).
    port, n, name = int(args[0]), int(args[1]), args[2]
    socks = [socket.create_connection(("127.0.0.1", port), timeout=3) for _ in range(n)]
    time.sleep(0.3)
    got = 0
    for i, s in enumerate(socks):
        q = qmsg(200 + i, name)
        try:
            s.sendall(struct.pack(">H", len(q)) + q)
            if len(s.recv(65536)) > 2:
                got += 1
        except OSError:
            pass
    print(got)
elif what == "keepalive":
    # keepalive PORT NAME N GAP: N queries on one TCP connection, GAP seconds apart;
    # print how many were answered (the connection must stay open throughout).
    port, name, n, gap = int(args[0]), args[1], int(args[2]), float(args[3])
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    got = 0
    for i in range(n):
        q = qmsg(100 + i, name)
        try:
            s.sendall(struct.pack(">H", len(q)) + q)
            data = b""
            while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
                chunk = s.recv(65536)
                if not chunk:
                    raise OSError("closed")
                data += chunk
            got += 1
        except OSError:
            break
        time.sleep(gap)
    print(got)
elif what == "expect":
    def question(msg):
        # The first question's wire bytes (name without compression, type, class), or
        # None when the message has none that can be read that way.
        if len(msg) < 12 or msg[4:6] == b"\0\0":
            return None
        i = 12
        while i < len(msg) and msg[i] != 0:
            if msg[i] & 0xC0:
                return None
            i += msg[i] + 1
        return msg[12:i + 5] if i + 5 <= len(msg) else None

    # expect PORT FILE...: each file as one UDP datagram from its own socket; what the
    # header dictates is checked per message: no header (< 12 bytes), over 4096 bytes or
    # QR=1 -> no answer; another opcode -> NOTIMP; QDCOUNT != 1 -> FORMERR; else some
    # answer with the same ID. Print "checked N" or the mismatches (exit 1).
    port, files = int(args[0]), args[1:]
    socks, bad = [], []
    for f in files:
        m = open(f, "rb").read()
        if len(m) > 65000:
            continue
        if len(m) < 12 or len(m) > 4096 or m[2] & 0x80:
            want = None
        elif (m[2] >> 3) & 15:
            want = 4
        elif m[4:6] != b"\0\1":
            want = 1
        else:
            want = "any"
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setblocking(False)
        u.sendto(m, ("127.0.0.1", port))
        socks.append((u, f, m, want))
        time.sleep(0.002)
    end = time.time() + 3
    got = {}
    while time.time() < end and len(got) < len(socks):
        r, _, _ = select.select([x[0] for x in socks if x[0] not in got], [], [], 0.2)
        for u in r:
            try:
                got[u] = u.recv(65536)
            except OSError:
                got[u] = b""
    time.sleep(0.3)
    for u, f, m, want in socks:
        a = got.get(u)
        if a is None:
            try:
                a = u.recv(65536)
            except OSError:
                a = None
        name = os.path.basename(f)
        if want is None:
            # Only an answer to this message counts: a late answer to an earlier test's
            # query can reach a port the kernel has handed out again.
            if a and a[:2] == m[:2] and question(a) == question(m):
                bad.append("%s: answered (rcode %d), must be dropped" % (name, rcode(a)))
        elif not a or len(a) < 12:
            bad.append("%s: no answer, want %s" % (name, want))
        elif a[:2] != m[:2] or not a[2] & 0x80:
            bad.append("%s: answer with another ID or QR=0" % name)
        elif want != "any" and rcode(a) != want:
            bad.append("%s: rcode %d, want %d" % (name, rcode(a), want))
        u.close()
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("checked %d" % len(socks))
elif what == "burst":
    # burst PORT SRCADDR N NAME: N queries at once from SRCADDR; print "rcode count" lines.
    port, src, n, name = int(args[0]), args[1], int(args[2]), args[3]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((src, 0))
    u.settimeout(3)
    for i in range(n):
        u.sendto(qmsg(i + 1, name), ("127.0.0.1", port))
    counts = {}
    try:
        for i in range(n):
            m = u.recv(65536)
            counts[rcode(m)] = counts.get(rcode(m), 0) + 1
    except socket.timeout:
        pass
    for k in sorted(counts):
        print(k, counts[k])
elif what == "load":
    # load PORT SECONDS NAMEFILE: UDP queries paced over SECONDS with at most 64 in
    # flight, names cycled from NAMEFILE; print "sent N answered M lost K".
    port, secs, names = int(args[0]), float(args[1]), open(args[2]).read().split()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.connect(("127.0.0.1", port))
    u.setblocking(False)
    pending, sent, answered, i = {}, 0, 0, 0
    end = time.time() + secs
    nextid = 1
    while time.time() < end or pending:
        now = time.time()
        while now < end and len(pending) < 64:
            qid = nextid
            nextid = nextid % 65535 + 1
            if qid in pending:
                break
            u.send(qmsg(qid, names[i % len(names)]))
            pending[qid] = now
            sent += 1
            i += 1
        r, _, _ = select.select([u], [], [], 0.05)
        if r:
            while True:
                try:
                    m = u.recv(65536)
                except BlockingIOError:
                    break
                qid = struct.unpack(">H", m[:2])[0]
                if pending.pop(qid, None) is not None:
                    answered += 1
        for qid, t in list(pending.items()):
            if time.time() - t > 5:
                del pending[qid]
        if time.time() > end + 6:
            break
    print("sent %d answered %d lost %d" % (sent, answered, sent - answered))
    sys.exit(0 if sent == answered and sent > 0 else 1)
PY
}
