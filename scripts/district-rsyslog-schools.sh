#!/bin/sh
# The district collector's per-school RELP listeners, made from the district's list of
# schools (docs/district.md, "Which school sent it"). rsyslog does not tell a ruleset
# which certificate a RELP peer authenticated with, so each school gets its own listener
# (its own port) that admits only the certificate named <school_id>.<domain>, and a
# ruleset that sets $.cg_school to that id before the shared store ruleset; the ingest
# (by default) then refuses a line whose school_id is another school's.
#
# usage: district-rsyslog-schools.sh [--domain D] [--ca F] [--cert F] [--key F] SCHOOLS
#   SCHOOLS: one school a line, "<school_id> <port>" ('#' starts a comment). Give each
#   school a port of its own for good: a school's port never changes when others are
#   added or removed. school_id: 1-64 of A-Z a-z 0-9 . _ - (the [district] school_id rule).
# Writes the rsyslog config to stdout; install it as /etc/campusgate/district/rsyslog-schools.conf
# (campusgate-district.conf includes it), check with rsyslogd -N1, restart rsyslog.
set -eu

domain=schools.district.example.edu.cn
ca=/etc/campusgate/district/ca.pem
cert=/etc/campusgate/district/district-cert.pem
key=/etc/campusgate/district/district-key.pem
usage() {
	echo "usage: $0 [--domain D] [--ca FILE] [--cert FILE] [--key FILE] SCHOOLS" >&2
	exit 2
}
while [ $# -gt 1 ]; do
	case $1 in
	--domain) domain=$2 ;;
	--ca) ca=$2 ;;
	--cert) cert=$2 ;;
	--key) key=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[ $# -eq 1 ] || usage
[ -r "$1" ] || { echo "$0: cannot read $1" >&2; exit 2; }
# the domain and paths go into the config inside double quotes: nothing that ends them
for v in "$domain" "$ca" "$cert" "$key"; do
	case $v in
	*'"'* | *\\* | '') printf '%s: a value with a quote or backslash, or empty: %s\n' "$0" "$v" >&2; exit 2 ;;
	esac
done
case $domain in
*[!A-Za-z0-9.-]* | .* | *.) echo "$0: not a DNS domain: $domain" >&2; exit 2 ;;
esac

# all or nothing: a bad line leaves no half-made config on stdout
conf=$(awk -v domain="$domain" -v ca="$ca" -v cert="$cert" -v key="$key" -v src="$1" '
function fail(m) { printf "%s:%d: %s\n", src, NR, m > "/dev/stderr"; bad = 1; exit 2 }
BEGIN {
	printf "# Made by scripts/district-rsyslog-schools.sh from %s: one RELP listener a\n", src
	print "# school, admitting only that school'\''s certificate; do not edit, make it again."
}
{ sub(/#.*/, "") }
NF == 0 { next }
{
	if (NF != 2)
		fail("expected \"<school_id> <port>\"")
	id = $1; port = $2
	if (length(id) > 64 || id !~ /^[A-Za-z0-9._-]+$/)
		fail("school_id \"" id "\": 1-64 of A-Z a-z 0-9 . _ -")
	if (port !~ /^[0-9]+$/ || port + 0 < 1 || port + 0 > 65535)
		fail("port \"" port "\": 1-65535")
	if (id in seen)
		fail("school_id " id " twice")
	if ((port + 0) in ports)
		fail("port " port " already given to " ports[port + 0])
	seen[id] = 1; ports[port + 0] = id; n++
	printf "\ninput(type=\"imrelp\" port=\"%d\" ruleset=\"campusgate_school_%s\"\n", port, id
	print  "      maxDataSize=\"160k\" tls=\"on\""
	printf "      tls.cacert=\"%s\"\n      tls.mycert=\"%s\"\n      tls.myprivkey=\"%s\"\n", ca, cert, key
	printf "      tls.authmode=\"name\" tls.permittedpeer=[\"%s.%s\"])\n", id, domain
	printf "ruleset(name=\"campusgate_school_%s\") {\n", id
	printf "\tset $.cg_school = \"%s\";\n\tcall campusgate_store\n}\n", id
}
END {
	if (!bad && n == 0) {
		printf "%s: no school listed\n", src > "/dev/stderr"
		exit 2
	}
}' "$1") || exit 2
printf '%s\n' "$conf"
