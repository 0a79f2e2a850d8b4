#!/bin/bash
# Run every built libFuzzer target for a bounded time on its seed corpus.
#   scripts/fuzz-smoke.sh BUILDDIR SECONDS
# Seeds: tests/fuzz/seeds-<name>.txt lists seed files or folders (paths relative to the
# project root; ../shared paths are skipped with a note when absent).
set -u
dir=$1 secs=$2 rc=0
for t in "$dir"/tests/fuzz/fuzz_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t"); name=${name#fuzz_}
	corpus=$(mktemp -d /tmp/cgfuzz.XXXXXX)
	# libFuzzer wants folders only: seed files and the files of seed folders are copied
	# into one seed folder.
	seeddir=$corpus.seeds
	mkdir -p "$seeddir"
	seeds=()
	if [ -f "tests/fuzz/seeds-$name.txt" ]; then
		while read -r s; do
			[ -z "$s" ] || [ "${s#\#}" != "$s" ] && continue
			if [ -d "$s" ]; then
				find "$s" -type f -size -1M -exec cp -t "$seeddir" {} + 2>/dev/null
				seeds+=("$s")
			elif [ -f "$s" ]; then
				cp "$s" "$seeddir/" && seeds+=("$s")
			else
				echo "fuzz $name: seed $s absent, skipped"
			fi
		done <"tests/fuzz/seeds-$name.txt"
	fi
	echo "fuzz $name: ${secs}s, seeds: ${seeds[*]:-none}"
	if ! "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$corpus.crash-" "$corpus" "$seeddir" >"$corpus.log" 2>&1; then
		echo "fuzz $name: FAILED"; tail -n 60 "$corpus.log"; rc=1
	else
		grep -E 'stat::number_of_executed_units' "$corpus.log" | sed "s/^/fuzz $name: /"
	fi
	rm -rf "$corpus" "$corpus.log" "$seeddir"
done
exit $rc
