#!/bin/bash
# Install everything, build, and run the gateway on its embedded default configuration
# (config/campusgate.conf: loopback only, unprivileged ports, the shipped lists), in the
# foreground. Ctrl-C stops it. Run as root on Debian 12 from the project root.
set -eu
cd "$(dirname "$0")/.."
[ -n "${SKIP_INSTALL:-}" ] || sh scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
exec build/gateway/campusgated -c config/campusgate.conf "$@"
