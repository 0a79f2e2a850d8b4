#!/bin/sh
# Extra Debian packages for the benchmarks (scripts/bench-dns.sh, scripts/bench-http.sh),
# beyond scripts/install-deps.sh: the load generators and the peers they are compared with.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends dnsperf knot-resolver unbound nsd ldnsutils dnsutils bc \
	wrk squid squidguard e2guardian nginx-light privoxy socat
