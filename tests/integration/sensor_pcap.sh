#!/bin/bash
# campusgate sensor --read over the shared captures: the summary (text in English and
# Chinese, JSON), hits journaled with action observed and the packet's own time, broken
# files refused with a clear message and exit status 2, every capture read to its end.
. "$(dirname "$0")/lib.sh"
cg_need python3
cg_init
P=$CG_SHARED/data/pcaps
[ -d "$P" ] || cg_skip "shared captures absent ($P)"

printf 'www.tcpdump.org\nmozilla.org\n' >"$CG_TMP/adult.list"
printf 'lh3.google.com\n' >"$CG_TMP/bypass.list"
cat >"$CG_TMP/c.conf" <<CONF
[sensor]
resolver = 192.0.2.53
[journal]
dir = $CG_TMP/journal
# every event is checked: no per-client limit
client_max_events = 0
[category adult]
kind = block
list = $CG_TMP/adult.list
[category bypass]
kind = bypass
list = $CG_TMP/bypass.list
[group default]
block = adult bypass
CONF
S() { "$CAMPUSGATE" sensor "$@"; }

# 1. JSON summary of a DNS capture: one query, one hit, one resolver bypass.
out=$(S --read "$P/tcpdump/dns_udp.pcap" -c "$CG_TMP/c.conf" --format json 2>/dev/null) ||
	cg_fail "dns_udp.pcap: exit $?"
get() { echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
cg_expect "packets" "$(get 'd["packets"]')" 2
cg_expect "DNS requests" "$(get 'd["requests"]["dns"]')" 1
cg_expect "hits" "$(get 'd["hits"]')" 1
cg_expect "hits per category" "$(get 'd["categories"]["adult"]')" 1
cg_expect "resolver bypass" "$(get 'd["bypass"]["resolver"]')" 1
cg_expect "journaled" "$(get 'd["journaled"]')" 2
cg_expect "link types" "$(get 'd["linktypes"]["EN10MB"]')" 2
line=$(grep '"event":"hit"' "$CG_TMP"/journal/sensor/*.jsonl)
echo "$line" | grep -q '"action":"observed"' || cg_fail "hit not journaled as observed: $line"
echo "$line" | grep -q '"time":"2020-06-10T17:19:54.740079' || cg_fail "not the packet's time: $line"
echo "$line" | grep -q '"mac":"00:11:22:33:44:55"' || cg_fail "no client MAC: $line"
cg_expect "journal_dir (the sensor's own, by default)" "$(get 'd["journal_dir"]')" "$CG_TMP/journal/sensor"
"$CAMPUSGATE" journal verify --dir "$CG_TMP/journal/sensor" >/dev/null 2>&1 || cg_fail "journal verify"
for a in observed observe; do   # the older spelling is an alias in the journal filter
	n=$("$CAMPUSGATE" journal --dir "$CG_TMP/journal/sensor" --action "$a" --format csv 2>/dev/null |
		grep -c 'www.tcpdump.org')
	cg_expect "journal --action $a" "$n" 2
done
cg_log "ok: hit journaled as observed, packet time and MAC; journal verifies"

# 2. Text summaries in both languages; pipelined HTTP gives five requests.
out=$(LC_ALL=C LANG=C S --read "$P/zeek/http_pipelined-requests.pcap" -c "$CG_TMP/c.conf" --no-journal 2>/dev/null) ||
	cg_fail "pipelined: exit $?"
echo "$out" | grep -q 'requests *DNS 0, HTTP 5, TLS 0' || cg_fail "English summary: $out"
echo "$out" | grep -q 'hits *5' || cg_fail "five hits expected: $out"
out=$(LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 S --read "$P/zeek/http_pipelined-requests.pcap" -c "$CG_TMP/c.conf" --no-journal 2>/dev/null)
echo "$out" | grep -q '请求 *DNS 0，HTTP 5，TLS 0' || cg_fail "Chinese summary: $out"
out=$(S --read "$P/zeek/tls_chrome-1250-tls-x25519-kyber.pcap" -c "$CG_TMP/c.conf" --no-journal -v 2>/dev/null)
echo "$out" | grep -q 'tls lh3.google.com .*\[bypass\]' || cg_fail "SNI bypass line: $out"
cg_log "ok: text summaries (en, zh) and -v lines"

# 3. Malformed packets are counted by kind; fragments reassembled.
out=$(S --read "$P/tcpdump/dns-zlip-1.pcap" --no-journal -c "$CG_TMP/c.conf" --format json 2>/dev/null)
cg_expect "zlip-1 malformed dns" "$(get 'd["malformed"]["dns"]')" 1
out=$(S --read "$P/zeek/ipv6-fragmented-dns.pcap" --no-journal -c "$CG_TMP/c.conf" --format json 2>/dev/null)
cg_expect "IPv6 datagram reassembled" "$(get 'd["reassembled"]')" 1

# DNS answers over TCP; cleartext HTTP/2 to a DoH resolver listed by address.
out=$(S --read "$P/suricata-verify/dns__dns-tcp-multirequest-buffer__dns-tcp-multirequest-buffer.pcap" \
	--no-journal -c "$CG_TMP/c.conf" --format json 2>/dev/null)
cg_expect "DNS/TCP queries" "$(get 'd["requests"]["dns"]')" 20
cg_expect "DNS/TCP answers" "$(get 'd["dns_responses"]')" 20
printf '8.8.4.4\n' >"$CG_TMP/doh-ip.list"
sed "s|^list = $CG_TMP/bypass.list|&\nlist = $CG_TMP/doh-ip.list|" "$CG_TMP/c.conf" >"$CG_TMP/doh.conf"
out=$(S --read "$P/suricata-verify/dns-over-http2__dns_over_https.pcap" --no-journal \
	-c "$CG_TMP/doh.conf" --format json 2>/dev/null)
cg_expect "HTTP/2 connections" "$(get 'd["http2"]')" 1
cg_expect "DoH by address over HTTP/2" "$(get 'd["bypass"]["category"]')" 1

# 4. libpcap's broken files: a message naming the file and the problem, status 2.
for f in pcap-invalid-version-1.pcap pcapng-invalid-vers-1.pcapng shb-option-too-long.pcapng \
	linktype-reserved-field-not-zero.pcap; do
	err=$(S --read "$P/libpcap/$f" --no-journal -c "$CG_TMP/c.conf" 2>&1 >/dev/null)
	rc=$?
	cg_expect "$f exit status" "$rc" 2
	echo "$err" | grep -q "cannot read .*$f: [a-z]" || cg_fail "$f: unclear message: $err"
done
err=$(S --read "$CG_TMP/missing.pcap" --no-journal -c "$CG_TMP/c.conf" 2>&1)
cg_expect "missing file exit status" "$?" 2
cg_log "ok: broken files refused: $(echo "$err" | tail -1)"

# A file cut in the middle of a packet: the summary of what was read, then status 2.
head -c 20000 "$P/zeek/http_pipelined-requests.pcap" >"$CG_TMP/cut.pcap"
out=$(S --read "$CG_TMP/cut.pcap" --no-journal -c "$CG_TMP/c.conf" 2>"$CG_TMP/cut.err")
cg_expect "cut file exit status" "$?" 2
echo "$out" | grep -q 'HTTP 5' || cg_fail "cut file: no summary: $out"
grep -q 'truncated' "$CG_TMP/cut.err" || cg_fail "cut file: $(cat "$CG_TMP/cut.err")"

# 5. Every capture: the valid ones read to the end (0, a JSON summary), only libpcap's
#    broken samples refused (2, a message naming the file); never a crash.
broken=" pcap-invalid-version-1.pcap pcapng-invalid-vers-1.pcapng shb-option-too-long.pcapng linktype-reserved-field-not-zero.pcap "
n=0 nb=0
for f in "$P"/*/*; do
	b=$(basename "$f")
	S --read "$f" --no-journal -c "$CG_TMP/c.conf" --format json >"$CG_TMP/every.out" 2>"$CG_TMP/every.err"
	rc=$?
	case "$broken" in
	*" $b "*)
		[ "$(basename "$(dirname "$f")")" = libpcap ] || cg_fail "$f: not the broken sample"
		cg_expect "$b exit status" "$rc" 2
		grep -q "$b" "$CG_TMP/every.err" || cg_fail "$b: message does not name it: $(cat "$CG_TMP/every.err")"
		nb=$((nb + 1)) ;;
	*)
		[ $rc = 0 ] || cg_fail "$f: exit status $rc: $(tail -2 "$CG_TMP/every.err")"
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["packets"] > 0 else 1)' \
			"$CG_TMP/every.out" || cg_fail "$f: no JSON summary with packets"
		n=$((n + 1)) ;;
	esac
done
cg_expect "broken samples refused" "$nb" 4
[ "$n" -ge 30 ] || cg_fail "only $n valid captures"
cg_log "ok: $n captures read to the end, $nb broken ones refused"

# 5b. Linux cooked v2 (what `tcpdump -i any` writes): an SLL2 copy of a shared Ethernet
#     capture, written here, gives the same decisions, summary and journal lines.
to_sll2() { # to_sll2 SRC DST: classic pcap, Ethernet -> DLT_LINUX_SLL2 (276)
	python3 - "$1" "$2" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
e = {b'\xd4\xc3\xb2\xa1': '<', b'\x4d\x3c\xb2\xa1': '<',
     b'\xa1\xb2\xc3\xd4': '>', b'\xa1\xb2\x3c\x4d': '>'}[d[:4]]
magic, vmaj, vmin, tz, sig, snap, link = struct.unpack(e + 'IHHiIII', d[:24])
assert link & 0xffff == 1, 'not Ethernet'
out = [struct.pack(e + 'IHHiIII', magic, vmaj, vmin, tz, sig, snap + 6, 276)]
pos = 24
while pos + 16 <= len(d):
    sec, frac, cap, wire = struct.unpack(e + 'IIII', d[pos:pos + 16])
    f = d[pos + 16:pos + 16 + cap]
    pos += 16 + cap
    if cap < 14:
        continue
    ptype = 1 if f[:6] == b'\xff' * 6 else 2 if f[0] & 1 else 0
    proto = struct.unpack('>H', f[12:14])[0]
    # protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address
    hdr = struct.pack('>HHIHBB6s2x', proto if proto > 1500 else 4, 0, 2, 1, ptype, 6, f[6:12])
    out.append(struct.pack(e + 'IIII', sec, frac, cap + 6, wire + 6) + hdr + f[14:])
open(sys.argv[2], 'wb').write(b''.join(out))
PY
}
for f in tcpdump/dns_udp.pcap zeek/http_pipelined-requests.pcap zeek/tls_chrome-1250-tls-x25519-kyber.pcap \
	suricata-verify/dns__dns-tcp-multirequest-buffer__dns-tcp-multirequest-buffer.pcap; do
	b=$(basename "$f" .pcap)
	to_sll2 "$P/$f" "$CG_TMP/$b.sll2.pcap" || cg_fail "$f: SLL2 copy not written"
	for v in eth sll2; do
		src=$P/$f
		[ $v = sll2 ] && src=$CG_TMP/$b.sll2.pcap
		rm -rf "$CG_TMP/j-$v"
		S --read "$src" -c "$CG_TMP/c.conf" --journal-dir "$CG_TMP/j-$v" -v >"$CG_TMP/$v.v" 2>/dev/null ||
			cg_fail "$f ($v): exit $?"
		S --read "$src" -c "$CG_TMP/c.conf" --no-journal --format json >"$CG_TMP/$v.json" 2>/dev/null ||
			cg_fail "$f ($v) json: exit $?"
		sed -e 's/"id":"[^"]*",//' -e 's/,"prev":"[0-9a-f]*","hash":"[0-9a-f]*"//' \
			"$CG_TMP/j-$v"/*.jsonl >"$CG_TMP/$v.journal" 2>/dev/null
	done
	grep '^[0-9]\{4\}-' "$CG_TMP/eth.v" >"$CG_TMP/eth.vl"    # the -v lines, not the summary
	grep '^[0-9]\{4\}-' "$CG_TMP/sll2.v" >"$CG_TMP/sll2.vl"
	grep -q ' \[\(hit\|bypass\)\]' "$CG_TMP/eth.vl" || cg_fail "$f: no hit or bypass to compare"
	diff "$CG_TMP/eth.vl" "$CG_TMP/sll2.vl" >"$CG_TMP/v.diff" ||
		cg_fail "$f: SLL2 decided otherwise: $(head -20 "$CG_TMP/v.diff")"
	[ -s "$CG_TMP/eth.journal" ] || cg_fail "$f: nothing journaled"
	diff "$CG_TMP/eth.journal" "$CG_TMP/sll2.journal" >"$CG_TMP/j.diff" ||
		cg_fail "$f: SLL2 journal differs: $(head -6 "$CG_TMP/j.diff")"
	python3 - "$CG_TMP/eth.json" "$CG_TMP/sll2.json" <<'PY' || cg_fail "$f: SLL2 summary differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
n = a['packets']
assert a.pop('linktypes') == {'EN10MB': n}, 'original not Ethernet'
assert b.pop('linktypes') == {'LINUX_SLL2': n}, b
assert b.pop('bytes') == a.pop('bytes') + 6 * n, 'bytes'
a.pop('file'), b.pop('file')
diff = {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
assert not diff and a.keys() == b.keys(), diff
PY
	cg_log "ok: $f as SLL2: $(grep -c '\[\(hit\|bypass\)\]' "$CG_TMP/eth.vl") hits/bypasses, journal and summary as from Ethernet"
done

# 6. Usage errors.
S >/dev/null 2>&1; cg_expect "no arguments" "$?" 2
S --read x --live y >/dev/null 2>&1; cg_expect "--read and --live" "$?" 2
S --read x --format xml >/dev/null 2>&1; cg_expect "bad --format" "$?" 2
S --read x --no-journal --journal-dir d >/dev/null 2>&1; cg_expect "journal flags" "$?" 2
S --help | grep -q -- '--read FILE' || cg_fail "--help"
cg_pass
