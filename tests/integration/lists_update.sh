#!/bin/bash
# scripts/update-lists.sh: imports UT1 category folders into a release directory, checks
# them with the real `campusgate lists check`, switches `current` only when they load, and
# keeps the old release when the new one cannot be read.
. "$(dirname "$0")/lib.sh"
cg_init
ut1=$CG_SHARED/data/blocklists/ut1
[ -f "$ut1/gambling_domains" ] || cg_skip "shared UT1 lists absent ($ut1)"
export CAMPUSGATE
src=$CG_TMP/ut1src state=$CG_TMP/state
mkdir -p "$src/gambling" "$src/astrology" "$src/doh"
cp "$ut1/gambling_domains" "$src/gambling/domains"
cp "$ut1/astrology_domains" "$src/astrology/domains"
cp "$ut1/doh_domains" "$src/doh/domains"

"$CG_SOURCE_ROOT/scripts/update-lists.sh" "$src" "$state" >"$CG_TMP/u1.log" 2>&1 \
	|| { cat "$CG_TMP/u1.log"; cg_fail "import of good lists failed"; }
[ -L "$state/current" ] || cg_fail "no current symlink"
first=$(readlink "$state/current")
cmp -s "$state/current/gambling/domains" "$ut1/gambling_domains" || cg_fail "gambling not imported"
[ -f "$state/current/doh/domains" ] || cg_fail "doh not imported"
cg_log "ok: import switched current to $first"

# The imported folder works as a ut1: list in a real config: a listed name is blocked.
name=$(grep -m1 -E '^[a-z0-9.-]+\.[a-z]+$' "$ut1/gambling_domains")
cat >"$CG_TMP/c.conf" <<CONF
[category gambling]
list = ut1:$state/current/gambling
[group default]
block = gambling
CONF
out=$("$CAMPUSGATE" check -c "$CG_TMP/c.conf" "$name" 2>&1); rc=$?
[ "$rc" = 1 ] || { echo "$out"; cg_fail "check $name: exit $rc, expected 1 (blocked)"; }
cg_log "ok: $name blocked through the imported folder"

# A source with nothing usable is refused and current stays.
sleep 1
mkdir -p "$CG_TMP/empty"
if "$CG_SOURCE_ROOT/scripts/update-lists.sh" "$CG_TMP/empty" "$state" >"$CG_TMP/u2.log" 2>&1; then
	cg_fail "an empty source was accepted"
fi
[ "$(readlink "$state/current")" = "$first" ] || cg_fail "current moved after a failed import"
# An unreadable category file: refused, current stays.
mkdir -p "$CG_TMP/bad/gambling/domains"   # a directory where a file should be
if "$CG_SOURCE_ROOT/scripts/update-lists.sh" "$CG_TMP/bad" "$state" >"$CG_TMP/u3.log" 2>&1; then
	cat "$CG_TMP/u3.log"; cg_fail "an unreadable list was accepted"
fi
[ "$(readlink "$state/current")" = "$first" ] || cg_fail "current moved after a bad import"
cg_log "ok: failed imports keep the current release"
cg_pass
