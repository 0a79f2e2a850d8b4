#!/bin/sh
# Install everything campusgate needs to build, run and test on Debian 12 (as root).
# One package per line group; add what your part needs here, never only by hand.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential meson ninja-build pkg-config git ca-certificates \
	libpcap-dev libldns-dev libpcre2-dev libevent-dev check \
	libidn2-dev libinih-dev libsodium-dev tzdata \
	libmicrohttpd-dev libgnutls28-dev \
	libcurl4-openssl-dev minisign nginx-light \
	clang libclang-rt-14-dev \
	python3 iproute2 nftables procps psmisc \
	ldnsutils dnsutils nsd unbound \
	curl openssl tcpdump strace \
	chromium fonts-wqy-zenhei \
	chromium-driver python3-selenium \
	rsyslog rsyslog-relp rsyslog-gnutls postgresql libpq-dev librelp-dev
