#!/bin/bash
# Shared helpers for the integration tests: a temp dir, starting and stopping the real
# daemon by PID, waiting for ports, and the pass/skip/fail exits meson understands
# (0 pass, 77 skip, anything else fail). Source it: . "$(dirname "$0")/lib.sh"
set -u

CG_SOURCE_ROOT=${CG_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CG_BUILD_ROOT=${CG_BUILD_ROOT:-$CG_SOURCE_ROOT/build}
CG_SHARED=${CG_SHARED:-$CG_SOURCE_ROOT/../shared}
CAMPUSGATED=$CG_BUILD_ROOT/gateway/campusgated
CAMPUSGATE=$CG_BUILD_ROOT/gateway/campusgate
CG_PIDS=()
CG_CLEANUPS=()

cg_log() { echo "# $*"; }
cg_skip() { echo "SKIP: $*"; exit 77; }
cg_fail() {
	echo "FAIL: $*"
	if [ -n "${CG_TMP:-}" ] && [ -f "$CG_TMP/daemon.log" ]; then
		echo "--- daemon log (last 40 lines) ---"
		tail -n 40 "$CG_TMP/daemon.log"
	fi
	exit 1
}
cg_pass() { echo "PASS: ${1:-$(basename "$0")}"; exit 0; }
cg_need() { # cg_need CMD...: skip when a tool is missing
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || cg_skip "$c is not installed (scripts/install-deps.sh installs it)"; done
}
cg_need_root() { [ "$(id -u)" = 0 ] || cg_skip "needs root (network namespaces / privileged setup)"; }

# Stop one PID we started: TERM, wait up to 5 s, then KILL. Only our own PIDs.
cg_stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

cg_cleanup() {
	local i
	for ((i = ${#CG_PIDS[@]} - 1; i >= 0; i--)); do cg_stop_pid "${CG_PIDS[$i]}"; done
	for ((i = ${#CG_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CG_CLEANUPS[$i]}" >/dev/null 2>&1; done
	[ -n "${CG_TMP:-}" ] && [ -z "${CG_KEEP_TMP:-}" ] && rm -rf "$CG_TMP"
}

# cg_init: temp dir in $CG_TMP and the cleanup trap. Call first.
cg_init() {
	[ -x "$CAMPUSGATED" ] || cg_fail "campusgated not built at $CAMPUSGATED"
	CG_TMP=$(mktemp -d /tmp/cgint.XXXXXX)
	trap cg_cleanup EXIT
	trap 'exit 130' INT TERM
}

# cg_on_exit "command": run at cleanup (after processes are stopped), last added first.
cg_on_exit() { CG_CLEANUPS+=("$1"); }

# cg_bg CMD ARGS...: start a helper process in the background, remember its PID ($!).
cg_bg() { "$@" & CG_LAST_PID=$!; CG_PIDS+=("$CG_LAST_PID"); }

# cg_start_daemon CONF [more campusgated args]: start it, wait for "ready".
cg_start_daemon() {
	local conf=$1 i; shift
	: > "$CG_TMP/daemon.log"
	if [ -n "$conf" ]; then
		"$CAMPUSGATED" -c "$conf" "$@" >>"$CG_TMP/daemon.log" 2>&1 &
	else
		"$CAMPUSGATED" "$@" >>"$CG_TMP/daemon.log" 2>&1 &
	fi
	CG_DAEMON_PID=$!
	CG_PIDS+=("$CG_DAEMON_PID")
	for i in $(seq 300); do
		grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && return 0
		kill -0 "$CG_DAEMON_PID" 2>/dev/null || cg_fail "campusgated exited during start-up"
		sleep 0.1
	done
	cg_fail "campusgated did not become ready within 30 s"
}

# cg_wait_port tcp|udp ADDR PORT: wait until something listens there (10 s).
cg_wait_port() {
	local proto=$1 addr=$2 port=$3 i flag
	[ "$proto" = udp ] && flag=-lun || flag=-ltn
	for i in $(seq 100); do
		ss $flag 2>/dev/null | awk '{print $4}' | grep -q -- "$addr:$port\$" && return 0
		sleep 0.1
	done
	cg_fail "nothing listens on $proto $addr:$port"
}

# cg_free_port: a TCP/UDP port free on loopback right now (both protocols).
cg_free_port() {
	python3 - <<'PY'
import socket
for _ in range(100):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

# cg_gen_journal DIR EVENTS DAYS: a generated, hash-chained journal in DIR: EVENTS
# events over DAYS day files ending now (bench_review --generate-only), for the tests
# of reading a large journal.
cg_gen_journal() {
	local gen=$CG_BUILD_ROOT/bench/bench_review
	[ -x "$gen" ] || cg_fail "bench_review (the journal generator) not built at $gen"
	"$gen" --dir "$1" --events "$2" --days "$3" --generate-only >/dev/null ||
		cg_fail "bench_review could not generate $2 events over $3 days in $1"
}

# cg_expect "what" ACTUAL EXPECTED
cg_expect() { [ "$2" = "$3" ] || cg_fail "$1: got '$2', expected '$3'"; cg_log "ok: $1"; }
