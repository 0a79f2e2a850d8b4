#!/bin/sh
# Packages only the benchmarks need (../shared/bench, scripts/bench-*.sh), on Debian 12
# as root. Each part adds its own line.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	wrk squid squidguard e2guardian nginx-light bc
