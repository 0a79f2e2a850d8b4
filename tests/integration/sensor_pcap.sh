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
line=$(grep '"event":"hit"' "$CG_TMP"/journal/*.jsonl)
echo "$line" | grep -q '"action":"observed"' || cg_fail "hit not journaled as observed: $line"
echo "$line" | grep -q '"time":"2020-06-10T17:19:54.740079' || cg_fail "not the packet's time: $line"
echo "$line" | grep -q '"mac":"00:11:22:33:44:55"' || cg_fail "no client MAC: $line"
"$CAMPUSGATE" journal verify --dir "$CG_TMP/journal" >/dev/null 2>&1 || cg_fail "journal verify"
for a in observed observe; do   # the older spelling is an alias in the journal filter
	n=$("$CAMPUSGATE" journal --dir "$CG_TMP/journal" --action "$a" --format csv 2>/dev/null |
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

# 6. Usage errors.
S >/dev/null 2>&1; cg_expect "no arguments" "$?" 2
S --read x --live y >/dev/null 2>&1; cg_expect "--read and --live" "$?" 2
S --read x --format xml >/dev/null 2>&1; cg_expect "bad --format" "$?" 2
S --read x --no-journal --journal-dir d >/dev/null 2>&1; cg_expect "journal flags" "$?" 2
S --help | grep -q -- '--read FILE' || cg_fail "--help"
cg_pass
