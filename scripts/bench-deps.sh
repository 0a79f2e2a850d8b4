#!/bin/sh
# Extra Debian packages for the DNS benchmark (scripts/bench-dns.sh), beyond
# scripts/install-deps.sh: the load generator and the peers it is compared with.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends dnsperf knot-resolver unbound nsd ldnsutils dnsutils bc
