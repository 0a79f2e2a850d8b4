#!/bin/bash
# Import UT1 category folders into a state directory the config can reference, check them,
# and switch to them only when every file loads.
#   scripts/update-lists.sh SOURCE [STATE_DIR]
# SOURCE: a directory holding UT1 category folders (adult/, gambling/, ...), a .tar.gz of
# them (UT1's blacklists.tar.gz), or an http(s):// URL of that archive (fetched with curl).
# STATE_DIR (default /var/lib/campusgate/lists) receives releases/<timestamp>/ and a
# `current` symlink; point the config at STATE_DIR/current/<category>, e.g.
#   list = ?ut1:/var/lib/campusgate/lists/current/gambling
# Then `campusgate reload`.
set -euo pipefail
usage() {
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
case $1 in -h|--help) usage ;; esac
src=$1
state=${2:-/var/lib/campusgate/lists}
# The UT1 categories campusgate maps to its own: adult (pornography), gambling,
# astrology (superstition), doh, vpn, redirector (bypass), sect (cults: superstition).
cats="adult gambling astrology doh vpn redirector sect"
# campusgate: $CAMPUSGATE, the installed one next to this script (sbin/../bin), the one
# on PATH, or the checkout's build.
here=$(dirname "$0")
tool=${CAMPUSGATE:-}
[ -n "$tool" ] || { [ -x "$here/../bin/campusgate" ] && tool=$here/../bin/campusgate; } || true
[ -n "$tool" ] || tool=$(command -v campusgate || echo "$here/../build/gateway/campusgate")
keep() { # what stays in use after a failure
	if [ -e "$state/current" ]; then
		echo "keeping the last good lists: $state/current -> $(readlink "$state/current")" >&2
	else
		echo "there are no third-party lists yet ($state/current); only the shipped lists filter" >&2
	fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $src in
http://*|https://*)
	echo "fetching $src"
	if ! curl -fsSL --connect-timeout 20 --max-time 600 -o "$work/ut1.tar.gz" "$src"; then
		echo "cannot fetch $src (is the box online? curl's reason is above)" >&2
		keep
		exit 1
	fi
	src=$work/ut1.tar.gz ;;
esac
if [ -f "$src" ]; then
	mkdir "$work/x"
	tar -xzf "$src" -C "$work/x" || { echo "$src: not a readable .tar.gz" >&2; keep; exit 1; }
	# the archive holds blacklists/<category>/...
	src=$(dirname "$(find "$work/x" -maxdepth 3 -type d -name gambling | head -n1)")
	[ -n "$src" ] && [ "$src" != . ] || { echo "no UT1 category folders in the archive" >&2; keep; exit 1; }
fi
[ -d "$src" ] || { echo "$src: not a directory" >&2; keep; exit 1; }

release=$state/releases/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$release"
found=0
for c in $cats; do
	[ -d "$src/$c" ] || { echo "note: $src has no $c/"; continue; }
	mkdir -p "$release/$c"
	for f in domains urls expressions very_restrictive_expression; do
		[ -f "$src/$c/$f" ] && cp "$src/$c/$f" "$release/$c/$f"
	done
	found=$((found + 1))
done
[ "$found" -gt 0 ] || { echo "no category imported" >&2; rm -rf "$release"; keep; exit 1; }

echo "checking $release"
# lists check: 0 clean, 1 some bad lines (reported, skipped when loading), 2 unreadable.
rc=0
"$tool" lists check -q --format ut1 "$release"/*/ || rc=$?
if [ "$rc" -ge 2 ]; then
	echo "the new lists cannot be read ($release left for inspection)" >&2
	keep
	exit 1
fi
[ "$rc" -eq 1 ] && echo "note: some lines were rejected (listed above); they are skipped when loading"
ln -sfn "$release" "$state/current.new"
mv -T "$state/current.new" "$state/current"
echo "now using $release ($found categories); run: campusgate reload"
