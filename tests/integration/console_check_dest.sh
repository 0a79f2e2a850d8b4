#!/bin/bash
# The console's /check with a destination address, against the real campusgated and
# campusgate-console on loopback, curl over HTTPS: a name that is allowed but goes to a
# listed address is blocked, and the page says the address decided it (its list and
# line); an address not listed is allowed; a listed IPv6 address; a blocked name stays
# blocked by its name; the allowlist does not open a listed address; a bad, too long or
# subnet address is a 400 naming the field, and the console and the daemon keep serving;
# the control socket's "check ... dest A" answers the same as `campusgate check --dest`
# (offline, from the files), and refuses a bad or repeated dest with its reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl
cg_init
port=$(cg_free_port)
cport=$(cg_free_port)
cg_console_conf "$port" "$cport" <<CONF
[general]
timezone = Asia/Shanghai
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
[category vpn]
kind = bypass
title_zh = 翻墙代理
title_en = VPN
list = $CG_TMP/lists/vpn-ip.list
[allow]
list = $CG_TMP/lists/allow.list
[group class7a]
subnet = 127.0.7.0/24
block = gambling vpn
[group default]
block = gambling vpn
CONF
printf 'casino.example\n' >"$CG_TMP/lists/gambling.list"
printf '# a VPN provider'"'"'s exits\n198.51.100.7\n2001:db8::66\n' >"$CG_TMP/lists/vpn-ip.list"
printf 'homework.example\n' >"$CG_TMP/lists/allow.list"
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1 class7a
cg_console_start "$conf"
cg_console_curl "$cport"
A=$CG_TMP/alice.jar W=$CG_TMP/wang.jar
cg_expect "alice signs in" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "wang signs in" "$(cc_login "$W" wang staff-pass-1)" 303
has() { grep -qF -- "$1" "$CG_TMP/body" || cg_fail "$2 lacks '$1': $(sed -n '/id="answer"/,$p;/role="alert"/p' "$CG_TMP/body" | head -c 3000)"; }
hasnt() { grep -qF -- "$1" "$CG_TMP/body" && cg_fail "$2 has '$1'"; true; }

# 1. The form has the field, in both languages.
cg_expect "check form" "$(cc_code GET '/check' "$A")" 200
has 'name="dest"' "the form"
has '目标地址（可选，连接实际访问的 IP 地址）' "the zh form"
cg_expect "check form (English)" "$(cc_code GET '/check?lang=en' "$A")" 200
has 'Destination address (optional: the IP address the connection goes to)' "the en form"
cc_code GET '/check?lang=zh' "$A" >/dev/null

# 2. An allowed name that goes to a listed address: blocked by the address.
cg_expect "allowed name, listed address" "$(cc_code GET '/check?target=allowed.example&dest=198.51.100.7' "$A")" 200
for want in 'verdict-block' \
	"因目标地址 198.51.100.7 被拦截：地址名单 $CG_TMP/lists/vpn-ip.list 第 2 行（仅按域名则放行）" \
	'仅按域名' '198.51.100.7：' 'vpn（翻墙代理）' "$CG_TMP/lists/vpn-ip.list:2" '没有匹配的规则'; do
	has "$want" "allowed name to a listed address"
done
# the form keeps what was asked
has 'name="dest" maxlength="64" value="198.51.100.7"' "the form after the answer"
cg_expect "the same in English" "$(cc_code GET '/check?target=allowed.example&dest=198.51.100.7&lang=en' "$A")" 200
has "blocked by the destination address 198.51.100.7: address list $CG_TMP/lists/vpn-ip.list, line 2 (the name alone is allowed)" "en"
has 'The name alone' "en"
cc_code GET '/check?lang=zh' "$A" >/dev/null

# 3. An address not listed: allowed, and the page says both were looked at.
cg_expect "allowed name, address not listed" "$(cc_code GET '/check?target=allowed.example&dest=198.51.100.8' "$A")" 200
has 'verdict-allow' "address not listed"
hasnt 'verdict-block' "address not listed"
has '域名和目标地址 198.51.100.8 均放行' "address not listed"

# 4. IPv6, a client's group, a URL.
cg_expect "IPv6 listed" "$(cc_code GET '/check?target=https%3A%2F%2Fallowed.example%2Fa%3Fb%3D1&client=127.0.7.9&dest=2001%3ADB8%3A%3A66' "$A")" 200
for want in 'verdict-block' 'class7a' '2001:db8::66' "$CG_TMP/lists/vpn-ip.list:3" '/a?b=1'; do
	has "$want" "IPv6 listed"
done

# 5. A blocked name is blocked by its name; the allowlist does not open a listed address.
cg_expect "blocked name" "$(cc_code GET '/check?target=casino.example&dest=198.51.100.8' "$A")" 200
has 'verdict-block' "blocked name"; has '因域名被拦截' "blocked name"
cg_expect "allowlisted name, listed address" "$(cc_code GET '/check?target=homework.example&dest=198.51.100.7' "$A")" 200
has 'verdict-block' "allowlisted name"; has '因目标地址 198.51.100.7 被拦截' "allowlisted name"
has '白名单' "allowlisted name"

# 6. Bad addresses: 400, the field named, no answer table, and nobody crashed.
bad() { # QUERY_VALUE SHOWN
	cg_expect "bad dest $1" "$(cc_code GET "/check?target=allowed.example&dest=$1" "$A")" 400
	has "目标地址（可选，连接实际访问的 IP 地址）：“$2”无效。请填写一个 IPv4 或 IPv6 地址" "bad dest $1"
	hasnt 'id="answer"' "bad dest $1"
}
bad not-an-ip not-an-ip
bad 198.51.100.0%2F24 198.51.100.0/24
bad 198.51.100.256 198.51.100.256
bad '198.51.100.7%20client%2010.0.0.1' '198.51.100.7 client 10.0.0.1'
bad '198.51.100.7%00x' '198.51.100.7'
long=$(printf 'f%.0s' $(seq 300))
bad "$long" "…"
cg_expect "bad dest (English)" "$(cc_code GET '/check?target=allowed.example&dest=nope&lang=en' "$A")" 400
has 'Destination address (optional: the IP address the connection goes to): &quot;nope&quot; is not valid. Give one IPv4 or IPv6 address' "en error"
cc_code GET '/check?lang=zh' "$A" >/dev/null
kill -0 "$CG_DAEMON_PID" 2>/dev/null || cg_fail "campusgated died"
kill -0 "$CONSOLE_PID" 2>/dev/null || cg_fail "the console died"
cg_expect "still answering" "$(cc_code GET '/check?target=allowed.example&dest=198.51.100.7' "$A")" 200
has 'verdict-block' "after the bad ones"

# 7. Staff limited to class7a: the dest changes nothing of the scoping.
cg_expect "wang, his group" "$(cc_code GET '/check?target=allowed.example&client=127.0.7.9&dest=198.51.100.7' "$W")" 200
has 'verdict-block' "wang"
cg_expect "wang, another group's client" "$(cc_code GET '/check?target=allowed.example&client=127.0.9.9&dest=198.51.100.7' "$W")" 403
hasnt 'vpn-ip.list' "wang's refusal"
grep -q 'style=' "$CG_TMP/body" && cg_fail "inline style on /check"

# 8. The control socket itself, and `campusgate check --dest` from the files agree.
ctl() { /usr/bin/python3 - "$CG_TMP/run/control.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
PY
}
r=$(ctl 'check allowed.example dest 198.51.100.7')
for want in 'ok' 'verdict allow' 'dest 198.51.100.7' 'dest_verdict block' 'dest_category vpn' \
	"dest_rule_file $CG_TMP/lists/vpn-ip.list" 'dest_rule_line 2' 'result block' 'result_by dest'; do
	grep -qxF "$want" <<<"$r" || cg_fail "control check dest lacks '$want': $r"
done
r=$(ctl 'check allowed.example dest 198.51.100.8')
grep -qxF 'result allow' <<<"$r" && ! grep -q '^result_by' <<<"$r" || cg_fail "control allowed: $r"
cg_expect "control: bad dest" "$(ctl 'check a.example dest nope')" "$(printf 'error\nbad destination address')"
cg_expect "control: dest twice" "$(ctl 'check a.example dest 198.51.100.7 dest 198.51.100.8')" "$(printf 'error\ndest given twice')"
cg_expect "control: dest too long" "$(ctl "check a.example dest 1111:2222:3333:4444:5555:6666:7777:8888:9999:0000")" "$(printf 'error\ndestination address too long')"
"$CAMPUSGATE" check -c "$conf" allowed.example --dest 198.51.100.7 >"$CG_TMP/cli.out" 2>&1
cg_expect "campusgate check --dest exit" "$?" 1
grep -qF "$CG_TMP/lists/vpn-ip.list:2: 198.51.100.7" "$CG_TMP/cli.out" || cg_fail "CLI: $(cat "$CG_TMP/cli.out")"
"$CAMPUSGATE" check -c "$conf" allowed.example --dest 198.51.100.8 >/dev/null 2>&1
cg_expect "campusgate check --dest not listed exit" "$?" 0
cg_pass
