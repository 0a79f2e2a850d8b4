#!/bin/bash
# Install everything, build, and run the gateway on its embedded default configuration
# (config/campusgate.conf: loopback only, unprivileged ports, the shipped lists), in the
# foreground, with its web console (https://127.0.0.1:8444/). The first time, it makes
# the console's admin account and prints its one-time password (once). Ctrl-C stops
# both. Run as root on Debian 12 from the project root.
# Allowed names are forwarded to this machine's own resolver (the first nameserver in
# /etc/resolv.conf), so that they resolve on a fresh machine; UPSTREAM=ADDR[:PORT] picks
# another, UPSTREAM=config keeps the config's [dns] upstream.
set -eu
cd "$(dirname "$0")/.."
[ -n "${SKIP_INSTALL:-}" ] || sh scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
upstream=${UPSTREAM:-}
if [ -z "$upstream" ]; then
	upstream=$(awk '$1 == "nameserver" && $2 !~ /%/ { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)
	case "$upstream" in *:*) upstream="[$upstream]:53" ;; ?*) upstream="$upstream:53" ;; esac
	from="this machine's resolver, from /etc/resolv.conf"
	from_zh="本机的解析服务器，取自 /etc/resolv.conf"
else
	from="UPSTREAM"
	from_zh="UPSTREAM 指定"
fi
args=()
if [ -n "$upstream" ] && [ "$upstream" != config ]; then
	echo "campusgate: allowed names are forwarded to $upstream ($from);" \
	     "set [dns] upstream in config/campusgate.conf, or UPSTREAM=ADDR, to change it" >&2
	echo "campusgate: 允许的域名转发到 $upstream（$from_zh）；可在" \
	     "config/campusgate.conf 的 [dns] upstream 或用 UPSTREAM=地址 修改" >&2
	args+=(--upstream "$upstream")
else
	echo "campusgate: allowed names are forwarded to the config's [dns] upstream" >&2
	echo "campusgate: 允许的域名转发到配置文件 [dns] upstream 指定的服务器" >&2
fi
conf=config/campusgate.conf
cg=build/gateway/campusgate
# The lists the console edits (var/lists/NAME.list, named "?../var/lists/..." in the
# config): empty at first. Made here, before the gateway reads them, so that its first
# start does not warn about each optional list (the console would make them next).
mkdir -p var/lists
for f in $(grep -o '^list = ?\.\./var/lists/[A-Za-z0-9_.-]*\.list$' $conf | sed 's|.*/||'); do
	[ -e "var/lists/$f" ] || : >"var/lists/$f"
done
# The gateway, then (once it answers on its control socket, which journals the console's
# accounts) the first admin when there is none, then the console. Ctrl-C stops both.
build/gateway/campusgated -c $conf "${args[@]}" "$@" &
daemon=$!
console=
stop() {
	trap - INT TERM EXIT
	[ -n "$console" ] && kill "$console" 2>/dev/null
	kill "$daemon" 2>/dev/null
	wait
}
trap stop INT TERM EXIT
for i in $(seq 100); do
	$cg status -c $conf >/dev/null 2>&1 && break
	kill -0 "$daemon" 2>/dev/null || { wait "$daemon"; exit $?; }
	sleep 0.3
done
first=$($cg user -c $conf init) || exit 1
build/gateway/campusgate-console -c $conf &
console=$!
listen=$(awk '/^\[console\]/ {c=1; next} /^\[/ {c=0} c && $1 == "listen" {print $3; exit}' $conf)
url=https://${listen:-127.0.0.1:8444}/
echo "campusgate: web console $url (a self-signed certificate: accept it once in the browser)" >&2
echo "campusgate: 网页控制台 $url（自签名证书：在浏览器中接受一次）" >&2
if [ -n "$first" ]; then
	echo "$first" >&2
else
	echo "campusgate: console accounts exist ($cg user list); a forgotten password:" \
	     "$cg user passwd NAME --onetime" >&2
	echo "campusgate: 控制台账号已存在（$cg user list）；忘记密码: $cg user passwd 账号 --onetime" >&2
fi
echo "campusgate: try  dig @127.0.0.1 -p 5300 bet365.com  (blocked: NXDOMAIN, journaled)" >&2
echo "campusgate: then $cg status, journal --since 1h, check bet365.com" >&2
wait "$daemon"
