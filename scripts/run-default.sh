#!/bin/bash
# Install everything, build, and run the gateway on its embedded default configuration
# (config/campusgate.conf: loopback only, unprivileged ports, the shipped lists), in the
# foreground. Ctrl-C stops it. Run as root on Debian 12 from the project root.
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
else
	from="UPSTREAM"
fi
args=()
if [ -n "$upstream" ] && [ "$upstream" != config ]; then
	echo "campusgate: allowed names are forwarded to $upstream ($from);" \
	     "set [dns] upstream in config/campusgate.conf, or UPSTREAM=ADDR, to change it" >&2
	echo "campusgate: 允许的域名转发到 $upstream（$from）；" \
	     "可在 config/campusgate.conf 的 [dns] upstream 或用 UPSTREAM=地址 修改" >&2
	args+=(--upstream "$upstream")
else
	echo "campusgate: allowed names are forwarded to the config's [dns] upstream" >&2
fi
echo "campusgate: try  dig @127.0.0.1 -p 5300 bet365.com  (blocked: NXDOMAIN, journaled)" >&2
echo "campusgate: then build/gateway/campusgate status, journal --since 1h, check bet365.com" >&2
exec build/gateway/campusgated -c config/campusgate.conf "${args[@]}" "$@"
