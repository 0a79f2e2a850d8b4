#!/bin/bash
# Build campusgate for release and install it on a Debian 12 router box (as root), or
# into a temporary root for a test. Run again to upgrade: programs, shipped lists and the
# example config are replaced; the admin's config and local lists are kept.
#   scripts/install.sh [--root DIR] [--prefix DIR] [--builddir DIR] [--no-build]
#                      [--user NAME] [--staff-group NAME] [--console-user NAME]
#                      [--admin-group NAME] [--lists-source SRC]
#                      [--no-update-lists] [--no-systemd]
#   --root DIR          install everything under DIR (DIR/usr/local, DIR/etc/campusgate,
#                       DIR/var/lib/campusgate, DIR/etc/systemd/system) with those paths
#                       in the config and the units; systemctl is not called (for tests)
#   --prefix DIR        where the programs and shipped lists go (default /usr/local)
#   --builddir DIR      the release build directory (default build-release)
#   --no-build          install what --builddir holds, do not run meson/ninja
#   --user NAME         the service user (default campusgate)
#   --staff-group NAME  the group that may read the journal (default campusgate-staff)
#   --console-user NAME the web console's own user (default campusgate-console)
#   --admin-group NAME  the group that may use the daemon's control socket (the console's
#                       user is in it; default campusgate-admin)
#   --lists-source SRC  where update-lists.sh fetches the UT1 lists (URL, .tar.gz, folder)
#   --no-update-lists   do not fetch the third-party lists now
#   --no-systemd        install the units but do not call systemctl
set -euo pipefail
usage() {
	sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}
root="" prefix=/usr/local builddir=build-release build=1 user=campusgate staff=campusgate-staff
cuser=campusgate-console admins=campusgate-admin
lists_source=https://dsi.ut-capitole.fr/blacklists/download/blacklists.tar.gz
update_lists=1 systemd=1
while [ $# -gt 0 ]; do
	case $1 in
	--root) root=$(realpath -m "$2"); shift ;;
	--prefix) prefix=$2; shift ;;
	--builddir) builddir=$2; shift ;;
	--no-build) build=0 ;;
	--user) user=$2; shift ;;
	--staff-group) staff=$2; shift ;;
	--console-user) cuser=$2; shift ;;
	--admin-group) admins=$2; shift ;;
	--lists-source) lists_source=$2; shift ;;
	--no-update-lists) update_lists=0 ;;
	--no-systemd) systemd=0 ;;
	-h|--help) usage 0 ;;
	*) echo "install.sh: unknown option $1" >&2; usage ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (it creates users and system folders)" >&2; exit 2; }
cd "$(dirname "$0")/.."
src=$(pwd)
[ -n "$root" ] && { prefix=$root/usr/local; systemd=0; }
etc=$root/etc/campusgate
state=$root/var/lib/campusgate
units=$root/etc/systemd/system
conf=$etc/campusgate.conf
sbin=$prefix/sbin bin=$prefix/bin data=$prefix/share/campusgate
say() { echo "install.sh: $*"; }

# 1. A release build whose programs know the installed places.
if [ "$build" = 1 ]; then
	opts=(--buildtype=release --prefix="$prefix" -Dtests=false
	      -Dconfig_file="$conf" -Dstate_dir="$state")
	if [ -f "$builddir/build.ninja" ]; then
		meson configure "$builddir" "${opts[@]}" >/dev/null
	else
		meson setup "$builddir" "${opts[@]}" >/dev/null
	fi
	ninja -C "$builddir" gateway/campusgated gateway/campusgate gateway/campusgate-console >/dev/null
fi
[ -x "$builddir/gateway/campusgated" ] || { echo "install.sh: no build in $builddir" >&2; exit 1; }
[ -x "$builddir/gateway/campusgate-console" ] || { echo "install.sh: no campusgate-console in $builddir" >&2; exit 1; }

# 2. Users: the service user, and the staff group whose members may read the journal.
getent group "$staff" >/dev/null || { groupadd --system "$staff"; say "created group $staff"; }
if ! getent passwd "$user" >/dev/null; then
	useradd --system --home-dir "$root/var/lib/campusgate" --no-create-home \
		--shell /usr/sbin/nologin "$user"
	say "created user $user"
fi
# The web console's own user: no shell, no home; it reaches the daemon's control socket
# (the admin group) and reads the journal (the staff group), nothing else.
getent group "$admins" >/dev/null || { groupadd --system "$admins"; say "created group $admins"; }
if ! getent passwd "$cuser" >/dev/null; then
	useradd --system --user-group --home-dir /nonexistent --no-create-home \
		--shell /usr/sbin/nologin "$cuser"
	say "created user $cuser (the web console)"
fi
usermod -aG "$admins,$staff" "$cuser"

# 3. Programs, shipped lists, the list updater (always replaced: an upgrade).
install -d -m 0755 "$sbin" "$bin" "$data" "$etc" "$etc/lists" "$units"
install -m 0755 "$builddir/gateway/campusgated" "$sbin/campusgated"
install -m 0755 "$builddir/gateway/campusgate" "$bin/campusgate"
install -m 0755 "$builddir/gateway/campusgate-console" "$sbin/campusgate-console"
install -m 0755 scripts/update-lists.sh "$sbin/campusgate-update-lists"
rm -rf "$data/blocklists.new"
cp -r blocklists "$data/blocklists.new"
rm -rf "$data/blocklists/test" "$data/blocklists.new/test" # test data, not for schools
rm -rf "$data/blocklists.old"
[ -d "$data/blocklists" ] && mv "$data/blocklists" "$data/blocklists.old"
mv "$data/blocklists.new" "$data/blocklists"
rm -rf "$data/blocklists.old"
chmod -R a+rX "$data"
install -d -m 0755 "$prefix/share/doc/campusgate"
install -m 0644 README.md docs/deploy.md docs/console.md docs/district.md "$prefix/share/doc/campusgate/"
say "programs in $sbin and $bin, shipped lists in $data/blocklists"

# 4. State: the journal (staff may read it), the fetched lists.
install -d -m 0755 -o "$user" -g "$user" "$state"
install -d -m 2750 -o "$user" -g "$staff" "$state/journal"
chown "$user:$staff" "$state/journal" && chmod 2750 "$state/journal"
install -d -m 0755 "$state/lists"
[ -n "$root" ] && install -d -m 0755 "$root/run" # the control socket's folder goes under it
# The console's accounts (mode 0600 files) and its self-signed certificate: its own.
install -d -m 0700 -o "$cuser" -g "$cuser" "$state/console"
chown "$cuser:$cuser" "$state/console" && chmod 0700 "$state/console"

# 5. The example config with absolute paths (always replaced) and the admin's config
#    (written once, from the example; `campusgate setup --force` rewrites it for the LAN).
ut1=$state/lists/current
sed -e "s|^#user = campusgate$|user = $user|" \
    -e "s|^pid_file = .*|pid_file = $state/campusgated.pid|" \
    -e "s|^dir = \.\./var/journal|dir = $state/journal|" \
    -e "s|^control_socket = .*|control_socket = $root/run/campusgate/control.sock|" \
    -e "s|^#control_group = campusgate-admin$|control_group = $admins|" \
    -e "s|^accounts = .*|accounts = $state/console/accounts|" \
    -e "s|^#user = campusgate-console$|user = $cuser|" \
    -e "s|\.\./blocklists/|$data/blocklists/|" \
    -e '/shared\/data\/blocklists/d' \
    -e "s|^\(list = $data/blocklists/pornography/keywords.list\)|\1\nlist = ?ut1:$ut1/adult|" \
    -e "s|^\(list = $data/blocklists/gambling/keywords.list\)|\1\nlist = ?ut1:$ut1/gambling|" \
    -e "s|^\(list = $data/blocklists/superstition/keywords.list\)|\1\nlist = ?ut1:$ut1/astrology\nlist = ?ut1:$ut1/sect|" \
    -e "s|^\(list = $data/blocklists/bypass/vpn.list\)|\1\nlist = ?ut1:$ut1/doh\nlist = ?ut1:$ut1/vpn\nlist = ?ut1:$ut1/redirector|" \
    -e "s|^lists_dir = \.\./var/lists$|lists_dir = $etc/lists|" \
    -e "s|^list = ?\.\./var/lists/|list = ?$etc/lists/|" \
    -e "s|^\[category bypass\]|[category local]\nkind = block\ntitle_zh = 本校自定名单\ntitle_en = The school's own list\nlist = $etc/lists/block.list\nlist = ?$etc/lists/local.list\n\n&|" \
    -e "s|^\(block = .*\)|\1 local|" \
    config/campusgate.conf >"$etc/campusgate.conf.example"
chmod 0644 "$etc/campusgate.conf.example"
for f in block allow; do
	[ -f "$etc/lists/$f.list" ] || printf '# %s: the school'"'"'s own %s list, one name per line (kept on upgrades)\n' \
		"$f.list" "$([ $f = block ] && echo block || echo allow)" >"$etc/lists/$f.list"
done
# The school's own lists: the console (its group) edits them, saving by rename in the folder
# ([console] lists_dir; it makes the NAME.list of a category when it is missing).
chgrp "$cuser" "$etc/lists" "$etc/lists/block.list" "$etc/lists/allow.list"
chmod 2775 "$etc/lists"
chmod 0664 "$etc/lists/block.list" "$etc/lists/allow.list"
if [ -f "$conf" ]; then
	say "kept your configuration $conf (the new example is $conf.example)"
else
	install -m 0644 "$etc/campusgate.conf.example" "$conf"
	say "wrote $conf (loopback only, for a first try); set it up for the LAN with:"
	say "  $bin/campusgate setup --force --lan-if IFACE --subnet 10.1.0.0/16=students --upstream ADDR"
fi

# 6. The firewall rules and the systemd units, with the installed paths.
install -d -m 0755 "$etc"
install -m 0644 config/nftables-campusgate.nft "$etc/nftables-campusgate.nft.example"
fill() { sed -e "s|/usr/local/sbin|$sbin|g" -e "s|/usr/local/bin|$bin|g" -e "s|/etc/campusgate|$etc|g" \
	-e "s|/var/lib/campusgate|$state|g" -e "s|/usr/local/share|$prefix/share|g" -e "s|=campusgate-console$|=$cuser|" \
	-e "s|^SupplementaryGroups=campusgate-admin campusgate-staff$|SupplementaryGroups=$admins $staff|" \
	-e "s|(campusgate-console: no shell|($cuser: no shell|" "$1"; }
for u in campusgated.service campusgate-console.service campusgate-update-lists.service \
	campusgate-update-lists.timer campusgate-ipmac.service campusgate-ipmac.path campusgate-ipmac.timer \
	campusgate-district-update.service campusgate-district-update.timer; do
	fill "config/$u" >"$units/$u"
	chmod 0644 "$units/$u"
done
[ -f "$etc/update-lists.env" ] || printf '# where campusgate-update-lists fetches the UT1 lists\nLISTS_SOURCE=%s\n' \
	"$lists_source" >"$etc/update-lists.env"
say "units in $units; firewall example in $etc/nftables-campusgate.nft.example"

# 7. The third-party lists: fetched now, checked before use; missing is not fatal.
if [ "$update_lists" = 1 ]; then
	if CAMPUSGATE=$bin/campusgate "$sbin/campusgate-update-lists" "$lists_source" "$state/lists"; then
		say "third-party lists in $state/lists/current"
	elif [ -e "$state/lists/current" ]; then
		say "could not fetch the third-party lists now; keeping the copy in $(readlink -f "$state/lists/current")"
	else
		say "THE THIRD-PARTY LISTS ARE MISSING (no copy could be fetched from $lists_source):"
		say "  only the shipped lists filter until they are fetched. When the box is online:"
		say "  systemctl start campusgate-update-lists.service   (or: $sbin/campusgate-update-lists SOURCE $state/lists)"
		say "  SOURCE may also be a copy of UT1's blacklists.tar.gz or its unpacked folder."
	fi
fi
chmod -R a+rX "$state/lists"

# 8. Check the config as the daemon would.
conf_ok=1
if ! "$sbin/campusgated" -n -c "$conf"; then
	conf_ok=0
	say "the configuration $conf has errors (above); fix them before starting the service"
fi
# 9. The console's first admin, when no admin is active: a one-time password, printed once.
if [ "$conf_ok" = 1 ]; then
	"$bin/campusgate" user -c "$conf" init || say "could not make the console's first admin (above)"
fi
listen=$(awk '/^\[console\]/ {c=1; next} /^\[/ {c=0} c && $1 == "listen" {print $3; exit}' "$conf")
say "web console: https://${listen:-127.0.0.1:8444}/ (self-signed certificate: accept it once; docs/console.md)"
# 10. Enable the units on a real install.
if [ "$systemd" = 1 ] && [ -d /run/systemd/system ]; then
	systemctl daemon-reload
	systemctl enable campusgate-update-lists.timer >/dev/null 2>&1 || true
	systemctl start campusgate-update-lists.timer || true
	# The IP-MAC binding follows the lease files; with [ipmac] enforce = no it only
	# keeps the set empty.
	systemctl enable campusgate-ipmac.path campusgate-ipmac.timer campusgate-ipmac.service \
		>/dev/null 2>&1 || true
	systemctl start campusgate-ipmac.path campusgate-ipmac.timer || true
	# Lists from the district: only when the config has a [district] section.
	if grep -q '^\[district\]' "$conf"; then
		install -d -m 0755 "$state/district"
		systemctl enable --now campusgate-district-update.timer >/dev/null 2>&1 || true
	fi
	systemctl enable campusgate-console.service >/dev/null 2>&1 || true
	if [ "$conf_ok" = 1 ]; then
		systemctl restart campusgate-console.service && say "started the web console (campusgate-console)"
	fi
	if [ "$conf_ok" = 1 ] && systemctl is-active --quiet campusgated.service; then
		systemctl restart campusgated.service && say "restarted campusgated with the new programs"
	else
		say "enable the gateway when the config is ready: systemctl enable --now campusgated"
	fi
	say "then load the firewall rules that campusgate setup wrote (nft -f FILE) and bind the"
	say "  leased addresses to their MACs: campusgate ipmac sync (docs/deploy.md)"
fi
say "done. Staff who may read the journal: usermod -aG $staff NAME (then log in again)"
