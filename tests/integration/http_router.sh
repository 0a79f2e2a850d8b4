#!/bin/bash
# Transparent mode on a router made of network namespaces: the client's port-80 traffic
# is REDIRECTed by nftables to campusgated, which finds the original destination with
# SO_ORIGINAL_DST (IPv4) or IP6T_SO_ORIGINAL_DST (IPv6) and relays there (no parent).
# Allowed, blocked, keep-alive across two destinations, HTTP/1.0 without Host (decided
# on the address), the block-page server, and QUIC dropped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need curl nft ip
cg_init
cg_router_up

cg_http_origin "$NS_O" 10.77.2.2 80 o2
cg_http_origin "$NS_O" 10.77.2.3 80 o3
cg_http_origin "$NS_O" 10.77.2.4 80 o4
cg_http_origin "$NS_O" fd77:2::2 80 o6
CG_BLOCK_PAGE_V4=10.77.1.1 cg_http_config "$CG_TMP/c.conf" "listen = 0.0.0.0:$GW_HTTP_PORT" \
	"listen = [::]:$GW_HTTP_PORT" "blockpage_listen = 10.77.1.1:80"
cg_start_daemon_ns "$NS_G" "$CG_TMP/c.conf"
C() { ip netns exec "$NS_C" "$@"; }

# --- allowed: the request reaches the address the client connected to -----------------
out=$(C curl -sS --max-time 10 --resolve www.example.org:80:10.77.2.2 http://www.example.org/r1)
echo "$out" | grep -q "^ORIGIN o2" || cg_fail "transparent allowed: $out"
echo "$out" | grep -q "^target: /r1$" || cg_fail "target: $out"
out=$(C curl -sS --max-time 10 --resolve other.example:80:10.77.2.4 http://other.example/r2)
echo "$out" | grep -q "^ORIGIN o4" || cg_fail "second destination: $out"
cg_log "ok: original destination from SO_ORIGINAL_DST"

# --- the Host and the destination both decide: an allowed Host to a listed address -------
code=$(C curl -s -o "$CG_TMP/dest.html" -w '%{http_code}' --max-time 10 \
	--resolve allowed.example:80:10.77.2.3 http://allowed.example/camouflage)
cg_expect "allowed Host sent to a listed destination" "$code" 403
grep -q "^target: /camouflage" "$CG_TMP/origin-o3.log" "$CG_TMP/dest.html" &&
	cg_fail "the request reached the listed destination"
cg_journal_has '"host":"allowed.example"' '"path":"/camouflage"' '"action":"block"' \
	'"text":"10.77.2.3"' 'destination address listed' ||
	cg_fail "the block by destination was not journaled with its reason"
cg_log "ok: Host allowed.example to the listed 10.77.2.3 blocked, journaled 'destination address listed'"

# --- IPv6: IP6T_SO_ORIGINAL_DST -------------------------------------------------------------
out6=$(C curl -sS --max-time 10 -g --resolve "www.example.org:80:[fd77:2::2]" http://www.example.org/v6)
echo "$out6" | grep -q "^ORIGIN o6" || cg_fail "IPv6 transparent: $out6"
code=$(C curl -s -o /dev/null -w '%{http_code}' --max-time 10 -g --resolve "casino.test:80:[fd77:2::2]" http://casino.test/)
cg_expect "IPv6 blocked" "$code" 403
cg_journal_has '"client":"fd77:1::2"' '"host":"casino.test"' || cg_fail "IPv6 block not journaled"
cg_log "ok: IPv6 original destination"

# --- the origin sees the gateway, not the client, and the head unchanged -----------------
echo "$out" | grep -q "^header: Host: other.example$" || cg_fail "Host: $out"

# --- blocked: the block page, journaled ---------------------------------------------------
code=$(C curl -s -o "$CG_TMP/p.html" -w '%{http_code}' --max-time 10 \
	--resolve www.casino.test:80:10.77.2.2 http://www.casino.test/x)
cg_expect "transparent blocked" "$code" 403
grep -q "10.77.1.2" "$CG_TMP/p.html" || cg_fail "client address not on the page"
id=$(grep -o 'id="request-id">[a-z0-9]*' "$CG_TMP/p.html" | cut -d'>' -f2)
cg_journal_has "\"id\":\"$id\"" '"client":"10.77.1.2"' '"host":"www.casino.test"' ||
	cg_fail "journal event $id"
cg_log "ok: block page through REDIRECT, id $id journaled"

# --- keep-alive: each request on the connection is checked ---------------------------------
out=$(C curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' --max-time 10 \
	--resolve a.example:80:10.77.2.2 --resolve bet.test:80:10.77.2.2 \
	http://a.example/1 http://bet.test/2 http://a.example/3)
cg_expect "keep-alive statuses" "$(echo $out)" "200 1 403 1 200 0"

# --- HTTP/1.0 without Host: decided on the original destination address ---------------------
out=$(C bash -c "exec 3<>/dev/tcp/10.77.2.2/80; printf 'GET /old HTTP/1.0\r\n\r\n' >&3; timeout 5 cat <&3")
echo "$out" | grep -q "^target: /old" || cg_fail "HTTP/1.0 without Host to an allowed address: $out"
out=$(C bash -c "exec 3<>/dev/tcp/10.77.2.3/80; printf 'GET /old HTTP/1.0\r\n\r\n' >&3; timeout 5 cat <&3")
echo "$out" | head -n1 | grep -q " 403 " || cg_fail "HTTP/1.0 without Host to a blocked address: $out"
cg_journal_has '"host":"10.77.2.3"' 'no Host' || cg_fail "no-Host case not journaled"
cg_log "ok: no Host: decided on the destination address"

# --- the block-page server on the gateway's address --------------------------------------
code=$(C curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: casino.test" http://10.77.1.1/)
cg_expect "block-page server on the router" "$code" 403

# --- QUIC (udp/443) is dropped so that browsers fall back to TCP ----------------------------
C "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b"q"*1200, ("10.77.2.2", 443)) for _ in range(3)]'
pk=$(ip netns exec "$NS_G" nft list chain inet campusgate_test forward | grep -o 'packets [0-9]*' | awk '{print $2}')
cg_expect "QUIC datagrams dropped at the router" "$pk" 3
cg_http_clean_exit
cg_pass
