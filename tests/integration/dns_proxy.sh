#!/bin/bash
# The DNS filtering proxy end to end: campusgated on loopback forwarding to a real
# NSD (test zones), queried with dig, drill and a small Python client.
# Covers blocking (exact, subdomain, mixed case, every type), block modes per group, EDE,
# CNAME and HTTPS chains, ECH stripping, TCP with pipelining, truncation and TCP retry,
# upstream retry/down/back, bypass names, safe search, hostile messages from the shared
# corpus and captures, reload under load with every query answered, rate limiting, and
# the journal lines.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_dns.sh"
cg_need dig drill nsd nsd-checkconf python3 ldns-keygen ldns-signzone
cg_init

DNS_PORT=$(cg_free_port)
UP_PORT=$(cg_free_port)
DEAD_PORT=$(cg_free_port)
HTTP1=$(cg_free_port) HTTP2=$(cg_free_port) HTTP3=$(cg_free_port) HTTP4=$(cg_free_port)

# A TXT record far larger than 1232 bytes: UDP from the upstream is truncated.
big=""
for i in $(seq 12); do big+="\"$(printf 'x%.0s' $(seq 200))\" "; done
cat >"$CG_TMP/zone.txt" <<EOF
www.ok.test. 300 IN A 192.0.2.10
cached.ok.test. 300 IN A 192.0.2.10
www.ok.test. 300 IN AAAA 2001:db8::10
www.ok.test. 300 IN MX 10 mail.ok.test.
www.ok.test. 300 IN TXT "hello world"
www.ok.test. 300 IN HTTPS 1 . alpn=h2
ech.ok.test. 300 IN HTTPS 1 . alpn=h2 ech=AEX+DQBBpQAgACBiqtUd9UJmMkUi8xaMyTv3TErBxvTEmcpeRJJF3ERVIgAEAAEAAQASY2xvdWRmbGFyZS1lY2guY29tAAA=
svc.ok.test. 300 IN HTTPS 1 svc.bad.test. alpn=h2
alias.ok.test. 300 IN CNAME bad.test.
c1.ok.test. 300 IN CNAME c2.ok.test.
c2.ok.test. 300 IN CNAME deep.bad.test.
deep.bad.test. 300 IN A 192.0.2.67
bad.test. 300 IN A 192.0.2.66
svc.bad.test. 300 IN A 192.0.2.68
dns.bypass.test. 300 IN A 192.0.2.53
big.ok.test. 300 IN TXT $big
fresh1.ok.test. 300 IN A 192.0.2.11
fresh2.ok.test. 300 IN A 192.0.2.12
forcesafesearch.google.com. 300 IN A 216.239.38.120
restrictmoderate.youtube.com. 300 IN A 216.239.38.119
restrict.youtube.com. 300 IN A 216.239.38.120
strict.bing.com. 300 IN A 204.79.197.220
safe.duckduckgo.com. 300 IN A 52.142.124.215
EOF
for i in $(seq 200); do echo "n$i.ok.test. 300 IN A 192.0.2.100"; done >>"$CG_TMP/zone.txt"
echo "www.sec. 300 IN A 192.0.2.20" >>"$CG_TMP/zone.txt"
DNS_ZONES="$DNS_ZONES sec" DNS_SIGNED="sec"
dns_start_upstream "$UP_PORT" "$CG_TMP/zone.txt"
[ "$(dig -p "$UP_PORT" @127.0.0.1 +short www.ok.test)" = 192.0.2.10 ] || cg_fail "NSD upstream does not answer: $(cat "$CG_TMP"/nsd-*/nsd.log)"

printf 'bad.test\n' >"$CG_TMP/adult.list"
printf 'bypass.test\n' >"$CG_TMP/doh.list"
V6_LISTEN=""
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then V6_LISTEN="listen = [::1]:$DNS_PORT"; fi
write_conf() { # write_conf RATE_QPS RATE_BURST
	cat >"$CG_TMP/cg.conf" <<EOF
[general]
allow_root = yes
pid_file = $CG_TMP/cg.pid
[dns]
listen = 127.0.0.1:$DNS_PORT
$V6_LISTEN
# the first upstream is dead: every new query must move on to the second
upstream = 127.0.0.1:$DEAD_PORT
upstream = 127.0.0.1:$UP_PORT
threads = 2
timeout_ms = 600
cache_entries = 1000
cache_max_mb = 4
rate_limit_qps = $1
rate_limit_burst = $2
strip_ech = yes
block_page_v4 = 192.0.2.80
block_page_v6 = 2001:db8::80
tcp_idle_ms = 2000
tcp_msg_timeout_ms = 1500
tcp_max_per_client = 4
block_ttl = 42
[http]
listen = 127.0.0.1:$HTTP1
explicit_listen = 127.0.0.1:$HTTP2
tls_listen = 127.0.0.1:$HTTP3
blockpage_listen = 127.0.0.1:$HTTP4
[journal]
dir = $CG_TMP/journal
# every event is checked: no per-client limit
client_max_events = 0
[category adult]
kind = block
list = $CG_TMP/adult.list
[category bypass]
kind = bypass
list = $CG_TMP/doh.list
[group nullg]
subnet = 127.0.0.2/32
block = adult bypass
block_mode = null
[group pageg]
subnet = 127.0.0.3/32
block = adult bypass
block_mode = page
[group refg]
subnet = 127.0.0.4/32
block = adult bypass
block_mode = refused
[group strictg]
subnet = 127.0.0.5/32
block = adult bypass
safe_search = strict
[group default]
block = adult bypass
block_mode = nxdomain
safe_search = moderate
EOF
}
write_conf 0 0
cg_start_daemon "$CG_TMP/cg.conf"
dns_wait_daemon

# --- allowed, blocked, subdomain, mixed case, types ---------------------------------
cg_expect "allowed A" "$(dns_answer www.ok.test)" "192.0.2.10"
if [ -n "$V6_LISTEN" ]; then
	cg_expect "IPv6 listener, UDP" "$(dig -p "$DNS_PORT" @::1 +time=3 +tries=1 +short www.ok.test)" "192.0.2.10"
	cg_expect "IPv6 listener, TCP" "$(dig -p "$DNS_PORT" @::1 +time=3 +tries=1 +tcp +noall +comments bad.test | grep -o 'status: [A-Z]*')" "status: NXDOMAIN"
else
	cg_log "SKIP part: no ::1 on lo, IPv6 listener not tested"
fi
cg_expect "allowed A is not authoritative" "$(dq +noall +comments www.ok.test | grep -c 'flags:.* aa')" 0
cg_expect "allowed AAAA" "$(dns_answer www.ok.test AAAA)" "2001:db8::10"
cg_expect "allowed MX" "$(dns_answer www.ok.test MX)" "10 mail.ok.test."
cg_expect "allowed TXT" "$(dns_answer www.ok.test TXT)" '"hello world"'
cg_expect "allowed HTTPS" "$(dns_answer www.ok.test HTTPS)" '1 . alpn="h2"'
cg_expect "blocked" "$(dns_status bad.test)" NXDOMAIN
cg_expect "blocked subdomain" "$(dns_status a.b.bad.test)" NXDOMAIN
cg_expect "blocked mixed case" "$(dns_status BaD.TeSt)" NXDOMAIN
for t in AAAA MX TXT HTTPS; do
	cg_expect "blocked $t" "$(dns_status bad.test $t)" NXDOMAIN
done
cg_expect "parent of a blocked name" "$(dns_status test SOA | grep -c NXDOMAIN)/$(dq test SOA | grep -c EDE)" "0/0"
cg_expect "label-boundary trap" "$(dns_status notbad.test)" NXDOMAIN # static zone: upstream NXDOMAIN
cg_expect "label-boundary trap is not ours" "$(dq +noall +comments notbad.test | grep -c 'EDE')" 0
cg_expect "drill agrees" "$(drill -p "$DNS_PORT" bad.test @127.0.0.1 | sed -n 's/.*rcode: \([A-Z]*\),.*/\1/p')" NXDOMAIN

# --- EDNS: the client's DO bit reaches the upstream (signed zone: RRSIG only with DO) ---
out=$(dq +dnssec www.sec A)
echo "$out" | grep -q 'flags: do;' || cg_fail "no DO flag in the reply's OPT: $out"
echo "$out" | grep -Eq 'www\.sec\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+RRSIG[[:space:]]+A ' ||
	cg_fail "DO did not reach the upstream (no RRSIG): $out"
cg_expect "no RRSIG without DO" "$(dq www.sec A | grep -c RRSIG)" 0
cg_expect "DO again (cached apart)" "$(dq +dnssec www.sec A | grep -Ec 'www\.sec\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+RRSIG[[:space:]]+A ')" 1
cg_log "ok: DO passed to the upstream and kept apart in the cache"

# --- block answers: EDE, SOA with block_ttl, modes per group ------------------------
out=$(dq bad.test)
echo "$out" | grep -q 'EDE: 17 (Filtered): (adult)' || cg_fail "no EDE 17 with the category: $out"
echo "$out" | grep -Eq 'bad\.test\.[[:space:]]+42[[:space:]]+IN[[:space:]]+SOA' || cg_fail "no SOA with TTL 42: $out"
cg_expect "no OPT without EDNS" "$(dq +noedns bad.test | grep -c 'OPT PSEUDOSECTION')" 0
cg_expect "null mode A" "$(dns_answer -b 127.0.0.2 bad.test)" 0.0.0.0
cg_expect "null mode AAAA" "$(dns_answer -b 127.0.0.2 bad.test AAAA)" ::
cg_expect "null mode MX is NODATA" "$(dns_status -b 127.0.0.2 bad.test MX)/$(dns_answer -b 127.0.0.2 bad.test MX)" "NOERROR/"
cg_expect "page mode A" "$(dns_answer -b 127.0.0.3 bad.test)" 192.0.2.80
cg_expect "page mode AAAA" "$(dns_answer -b 127.0.0.3 bad.test AAAA)" 2001:db8::80
cg_expect "page mode TXT is NODATA" "$(dns_status -b 127.0.0.3 bad.test TXT)" NOERROR
cg_expect "refused mode" "$(dns_status -b 127.0.0.4 bad.test)" REFUSED

# --- answer inspection -------------------------------------------------------------
cg_expect "CNAME into a blocked name" "$(dns_status alias.ok.test)" NXDOMAIN
cg_expect "two CNAMEs into a blocked name" "$(dns_status c1.ok.test)" NXDOMAIN
cg_expect "... also from the cache" "$(dns_status c1.ok.test)" NXDOMAIN
cg_expect "... null mode from the cache" "$(dns_answer -b 127.0.0.2 c1.ok.test)" 0.0.0.0
cg_expect "HTTPS TargetName blocked" "$(dns_status svc.ok.test HTTPS)" NXDOMAIN
ech=$(dns_answer ech.ok.test HTTPS)
case "$ech" in *alpn*) ;; *) cg_fail "HTTPS record lost: $ech" ;; esac
case "$ech" in *ech=*) cg_fail "ech not stripped: $ech" ;; esac
cg_log "ok: ech stripped ($ech)"

# --- TCP, pipelining, truncation ----------------------------------------------------
cg_expect "TCP" "$(dns_answer +tcp www.ok.test)" 192.0.2.10
pl=$(dns_py pipeline "$DNS_PORT" www.ok.test bad.test n1.ok.test n2.ok.test alias.ok.test n3.ok.test) ||
	cg_fail "pipelined TCP queries not all answered: $pl"
cg_expect "pipelined answers" "$(echo "$pl" | sort | tr '\n' ' ')" \
	"alias.ok.test 3 0 bad.test 3 0 n1.ok.test 0 1 n2.ok.test 0 1 n3.ok.test 0 1 www.ok.test 0 1 "
tc=$(dq +ignore +bufsize=1232 big.ok.test TXT +noall +comments)
echo "$tc" | grep -q 'flags:.* tc' || cg_fail "big answer over UDP/1232 not truncated: $tc"
full=$(dq +bufsize=1232 big.ok.test TXT +short | wc -c)
[ "$full" -gt 2400 ] || cg_fail "big TXT via TCP fallback: only $full bytes"
cg_log "ok: big TXT truncated over UDP, $full bytes over TCP (upstream retried over TCP)"
# Idle timeout (tcp_idle_ms = 2000): a silent connection is closed after about 2 s, one
# that keeps asking every 0.8 s stays open past it.
idle=$(dns_py idle "$DNS_PORT" www.ok.test) || cg_fail "idle TCP connection not closed within 15 s"
awk -v t="$idle" 'BEGIN { exit !(t >= 1.5 && t <= 5) }' || cg_fail "idle TCP connection closed after $idle s, want ~2 s"
cg_expect "a busy TCP connection outlives tcp_idle_ms" "$(dns_py keepalive "$DNS_PORT" www.ok.test 5 0.8)" 5
cg_log "ok: idle TCP connection closed after $idle s"
# Message deadline (tcp_msg_timeout_ms = 1500): a query sent a byte every 0.3 s keeps
# the connection busy (the idle timeout of 2 s never passes between bytes), but the
# deadline runs from its first byte and is not moved by the others: closed at ~1.5 s.
dr=$(dns_py dribble "$DNS_PORT" www.ok.test 0.3)
case $dr in closed*) ;; *) cg_fail "a byte-at-a-time query was not cut off: $dr" ;; esac
awk -v t="${dr#closed }" 'BEGIN { exit !(t >= 1.2 && t <= 3) }' || cg_fail "slow query closed after ${dr#closed } s, want ~1.5 s"
cg_expect "a query sent in pieces in time is answered" "$(dns_py dribble "$DNS_PORT" www.ok.test 0.01 | cut -d' ' -f1)" answered
# Per-client cap (tcp_max_per_client = 4): of 10 connections at once from one address,
# 4 are served (the daemon closes the rest at once); another address still gets in.
cg_expect "TCP connections per client capped" "$(dns_py conncap "$DNS_PORT" 10 www.ok.test)" 4
cg_expect "the cap is per client" "$(dig -p "$DNS_PORT" @127.0.0.1 -b 127.0.0.9 +tcp +short www.ok.test)" 192.0.2.10
cg_log "ok: slow TCP query cut off after ${dr#closed } s, TCP connections capped per client"

# --- bypass names ---------------------------------------------------------------------
cg_expect "DoH canary" "$(dns_status use-application-dns.net)" NXDOMAIN
cg_expect "DDR is NODATA" "$(dns_status _dns.resolver.arpa SVCB)/$(dns_answer _dns.resolver.arpa SVCB)" "NOERROR/"
out=$(dq dns.bypass.test)
echo "$out" | grep -q 'status: NXDOMAIN' || cg_fail "bypass name not blocked: $out"
echo "$out" | grep -q 'EDE: 15 (Blocked): (bypass)' || cg_fail "bypass block without EDE 15: $out"

# --- safe search ------------------------------------------------------------------------
ss() { dns_answer "$@" | tr '\n' ' '; }
cg_expect "google" "$(ss www.google.com)" "216.239.38.120 forcesafesearch.google.com. "
cg_expect "google.de" "$(ss www.google.de)" "216.239.38.120 forcesafesearch.google.com. "
cg_expect "bing" "$(ss www.bing.com)" "204.79.197.220 strict.bing.com. "
cg_expect "duckduckgo" "$(ss duckduckgo.com)" "52.142.124.215 safe.duckduckgo.com. "
cg_expect "youtube moderate" "$(ss www.youtube.com)" "216.239.38.119 restrictmoderate.youtube.com. "
cg_expect "youtube strict" "$(ss -b 127.0.0.5 m.youtube.com)" "216.239.38.120 restrict.youtube.com. "
cg_expect "youtube moderate again (cache)" "$(ss youtubei.googleapis.com)" "216.239.38.119 restrictmoderate.youtube.com. "

# --- upstream down, then back ---------------------------------------------------------
# Caches are per worker and SO_REUSEPORT picks the worker by the 4-tuple: warm the cache
# from one fixed source port and ask again from that same port once the upstream is gone.
pin_port=$(cg_free_port)
cg_expect "warm the cache from one port" "$(dns_answer -b "127.0.0.1#$pin_port" cached.ok.test)" 192.0.2.10
cg_stop_pid "$DNS_UP_PID"
cg_expect "upstream down: SERVFAIL" "$(dq +time=5 fresh1.ok.test +noall +comments | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')" SERVFAIL
cg_expect "cached names still answered" "$(dns_answer -b "127.0.0.1#$pin_port" cached.ok.test)" 192.0.2.10
dns_start_upstream "$UP_PORT" "$CG_TMP/zone.txt"
cg_expect "upstream back" "$(dns_answer +time=5 fresh2.ok.test)" 192.0.2.12

# --- hostile input: the shared corpus and captures ------------------------------------
if [ -d "$CG_SHARED/data/dns-wire" ]; then
	n=$(dns_py raw "$DNS_PORT" "$CG_SHARED"/data/dns-wire/*/* "$CG_SHARED"/data/pcaps/*/dns*.pcap \
		"$CG_SHARED"/data/pcaps/*/*dns*.pcap 2>/dev/null) || cg_fail "raw sender failed"
	cg_log "sent $n hostile/odd messages raw (UDP, and the first 200 over TCP)"
	# Per message, what its header dictates: dropped, NOTIMP, FORMERR, or answered.
	ex=$(dns_py expect "$DNS_PORT" "$CG_SHARED"/data/dns-wire/*/*) || cg_fail "hostile corpus outcomes: $ex"
	cg_log "ok: corpus outcomes per message: $ex"
	kill -0 "$CG_DAEMON_PID" || cg_fail "daemon died on the corpus"
	cg_expect "still answers after the corpus" "$(dns_answer www.ok.test)" 192.0.2.10
else
	cg_log "SKIP part: $CG_SHARED/data/dns-wire absent, hostile corpus not sent"
fi

# --- reload while a load runs: every query answered -----------------------------------
for i in $(seq 200); do echo "n$i.ok.test"; done >"$CG_TMP/names"
printf 'bad.test\nalias.ok.test\nwww.ok.test\n' >>"$CG_TMP/names"
dns_py load "$DNS_PORT" 6 "$CG_TMP/names" >"$CG_TMP/load.out" 2>&1 &
load_pid=$!
for i in 1 2 3 4 5; do
	sleep 1
	printf 'bad.test\nreload%d.test\n' "$i" >"$CG_TMP/adult.list"
	kill -HUP "$CG_DAEMON_PID"
done
wait "$load_pid" || cg_fail "queries lost during reloads: $(cat "$CG_TMP/load.out")"
cg_log "ok: reload under load: $(cat "$CG_TMP/load.out")"
grep -q 'sent [1-9][0-9][0-9][0-9]' "$CG_TMP/load.out" || cg_fail "load too small to mean anything: $(cat "$CG_TMP/load.out")"
cg_expect "the reloaded list is in force" "$(dns_status reload5.test)" NXDOMAIN

# --- journal ------------------------------------------------------------------------------
sleep 1.5 # fsync interval
J=$(cat "$CG_TMP"/journal/*.jsonl 2>/dev/null)
line=$(echo "$J" | grep '"host":"bad.test"' | grep '"qtype":"A"' | grep '"category":"adult"' |
	grep '"action":"block"' | grep '"block_mode":"nxdomain"' | grep '"group":"default"' |
	grep '"client":"127.0.0.1"' | grep -F "\"rule\":{\"file\":\"$CG_TMP/adult.list\",\"line\":1" | head -1)
[ -n "$line" ] || cg_fail "no journal line for the bad.test block (group, client, rule file:line): $(echo "$J" | head -3)"
jt=$(echo "$line" | sed -n 's/.*"time":"\([^"]*\)".*/\1/p')
jts=$(date -d "$jt" +%s 2>/dev/null) || cg_fail "journal time '$jt' is not a date"
[ $(( $(date +%s) - jts )) -ge 0 ] && [ $(( $(date +%s) - jts )) -le 600 ] ||
	cg_fail "journal time $jt is not within the last 10 minutes"
echo "$J" | grep '"client":"127.0.0.2"' | grep '"host":"bad.test"' | grep -q '"group":"nullg"' ||
	cg_fail "null-mode block not journaled with its group"
# The DoH canary and DDR: journaled as bypass events, once a minute per client (the
# canary was asked many times from 127.0.0.1 while waiting for the daemon).
cg_expect "canary journaled once as bypass" "$(echo "$J" | grep '"host":"use-application-dns.net"' |
	grep '"event":"bypass"' | grep '"client":"127.0.0.1"' | grep -c '"category":"bypass"')" 1
cg_expect "DDR journaled as bypass" "$(echo "$J" | grep '"host":"_dns.resolver.arpa"' |
	grep '"event":"bypass"' | grep -c '"block_mode":"nodata"')" 1
echo "$J" | grep '"host":"alias.ok.test"' | grep -q '"reason":"CNAME chain alias.ok.test -> bad.test"' ||
	cg_fail "no journal line with the CNAME chain"
echo "$J" | grep '"host":"c1.ok.test"' | grep -q 'c1.ok.test -> c2.ok.test -> deep.bad.test' ||
	cg_fail "no journal line with the two-step chain"
echo "$J" | grep '"host":"dns.bypass.test"' | grep -q '"event":"bypass"' ||
	cg_fail "bypass attempt not journaled as such"
echo "$J" | grep '"client":"127.0.0.3"' | grep -q '"block_mode":"page"' || cg_fail "page block not journaled"
cg_log "ok: journal lines"

# --- stop: counters in the log ----------------------------------------------------------
cg_stop_pid "$CG_DAEMON_PID"
dns_no_sanitizer_report
stats=$(grep 'dns: queries\|dns: upstream queries' "$CG_TMP/daemon.log") || cg_fail "no counters logged at stop"
echo "$stats" | grep -Eq 'rejected [1-9]' || cg_fail "hostile messages not counted: $stats"
echo "$stats" | grep -Eq 'tcp retries [1-9]' || cg_fail "no TCP retry counted: $stats"
echo "$stats" | grep -Eq 'upstream timeouts [1-9]' || cg_fail "dead upstream never timed out: $stats"
echo "$stats" | grep -Eq 'over max_pending 0' || cg_fail "queries refused over max_pending: $stats"
echo "$stats" | grep -Eq 'idle-closed [1-9]' || cg_fail "idle TCP close not counted: $stats"
echo "$stats" | grep -Eq 'slow-closed [1-9]' || cg_fail "slow TCP query not counted: $stats"
echo "$stats" | grep -Eq 'per client [1-9]' || cg_fail "per-client TCP refusals not counted: $stats"
cg_log "$stats"

# --- rate limiting (a second run with a low limit) -----------------------------------------
write_conf 5 5
cg_start_daemon "$CG_TMP/cg.conf"
dns_wait_daemon
res=$(dns_py burst "$DNS_PORT" 127.0.0.6 40 www.ok.test)
ok=$(echo "$res" | awk '$1 == 0 {print $2}')
refused=$(echo "$res" | awk '$1 == 5 {print $2}')
[ "${ok:-0}" -ge 5 ] && [ "${ok:-0}" -le 10 ] && [ "${refused:-0}" -ge 30 ] ||
	cg_fail "rate limit 5/s burst 5: ${ok:-0} answered, ${refused:-0} refused ($res)"
cg_expect "other clients unaffected" "$(dns_answer -b 127.0.0.7 www.ok.test)" 192.0.2.10
cg_expect "logged once a minute per client" "$(grep -c 'client 127.0.0.6 is over the rate limit' "$CG_TMP/daemon.log")" 1
sleep 1.5
cg_expect "journaled once a minute per client" \
	"$(cat "$CG_TMP"/journal/*.jsonl | grep '"event":"ratelimit"' | grep -c '"client":"127.0.0.6"')" 1
cg_log "ok: rate limit: ${ok:-0} answered, ${refused:-0} refused"
cg_stop_pid "$CG_DAEMON_PID"
dns_no_sanitizer_report
cg_pass
