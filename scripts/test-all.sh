#!/bin/bash
# Install everything and run the whole test suite: unit and integration tests in a normal
# build, the same again under AddressSanitizer + UndefinedBehaviorSanitizer, and a short
# libFuzzer run of every fuzz target on its seeds. Ends with one line
# "N passed, N failed, N skipped". Run as root on Debian 12 from the project root.
#   FUZZ_SECONDS=60 scripts/test-all.sh    (default 20 s per fuzz target; 0 = no fuzzing)
#   SKIP_INSTALL=1 scripts/test-all.sh     (packages already installed)
set -u
cd "$(dirname "$0")/.."
root=$PWD
[ -n "${SKIP_INSTALL:-}" ] || sh scripts/install-deps.sh || { echo "install failed"; exit 1; }
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
status=0
summaries=()

# run_suite NAME BUILDDIR [meson setup args...]
run_suite() {
	local name=$1 dir=$2; shift 2
	echo "=== $name: build ($dir)"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; status=1; return; }
	fi
	if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
		grep -E 'error|Error|undefined reference' "$dir.build.log" | head -40
		echo "=== $name: BUILD FAILED"
		status=1
		summaries+=("$name: build failed")
		return
	fi
	echo "=== $name: tests"
	meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 || status=1
	summaries+=("$name: $(python3 scripts/testlog-summary.py "$dir/meson-logs/testlog.json")")
}

run_suite "normal build" build
# console_index makes 1.2M events by default; a third of that under ASan keeps its
# comparisons (both sides run instrumented) and the suite's time bounded
CG_INDEX_EVENTS=400000 run_suite "ASan+UBSan build" build-asan -Db_sanitize=address,undefined -Db_lundef=false

if [ "$FUZZ_SECONDS" != 0 ] && command -v clang >/dev/null; then
	echo "=== fuzz targets: ${FUZZ_SECONDS}s each"
	if [ ! -f build-fuzz/build.ninja ]; then
		CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=true \
			-Db_sanitize=address,undefined -Db_lundef=false >build-fuzz.setup.log 2>&1 \
			|| { cat build-fuzz.setup.log; status=1; }
	fi
	if ninja -C build-fuzz >build-fuzz.build.log 2>&1; then
		scripts/fuzz-smoke.sh build-fuzz "$FUZZ_SECONDS" || status=1
	else
		grep -E 'error|undefined reference' build-fuzz.build.log | head -20
		echo "fuzz build failed"; status=1
	fi
fi

echo
echo "=== summary"
for s in "${summaries[@]}"; do echo "$s"; done
python3 scripts/testlog-summary.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json --total
exit $status
