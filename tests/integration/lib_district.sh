#!/bin/bash
# Helpers for the district tests and scripts/bench-district.sh: a private PostgreSQL 15
# (initdb in a temp dir, run as the unprivileged 'postgres' user, on its own socket
# directory and port), the store's schema, and a CA with per-school certificates for
# RELP over TLS, the HTTPS server of the bundle tests and the district's network in
# namespaces. Source after lib.sh (cg_bg, cg_on_exit, cg_fail, cg_log).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# dist_pg_start DIR PORT [LISTEN_ADDR]: a new cluster in DIR, started (inside network
# namespace $DIST_NS when set); sets DIST_DB (a libpq conninfo for the store
# 'campusgate') and DIST_URI (the same as a URI, no spaces). Stopped at exit.
dist_pg_start() {
	local dir=$1 port=$2 listen=${3:-} i
	[ -x "$PG_BIN/initdb" ] || cg_skip "PostgreSQL 15 is not installed (scripts/install-deps.sh)"
	id postgres >/dev/null 2>&1 || cg_skip "no 'postgres' user to run PostgreSQL as"
	mkdir -p "$dir/data" "$dir/sock"
	chown -R postgres: "$dir"
	chmod 700 "$dir/data"
	# the temp dir's parent must be passable for the postgres user
	chmod o+x "$(dirname "$dir")" 2>/dev/null
	runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 \
		-A trust -U postgres >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; cg_fail "initdb failed"; }
	cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '${listen}'
port = $port
unix_socket_directories = '$dir/sock'
max_connections = 40
shared_buffers = 128MB
fsync = on
synchronous_commit = on
logging_collector = off
CONF
	if [ -n "$listen" ]; then
		echo "host all all 10.0.0.0/8 trust" >>"$dir/data/pg_hba.conf"
	fi
	local nsx=()
	[ -n "${DIST_NS:-}" ] && nsx=(ip netns exec "$DIST_NS")
	"${nsx[@]}" runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -t 60 start \
		>/dev/null 2>&1 || { tail -20 "$dir/pg.log"; cg_fail "PostgreSQL did not start"; }
	cg_on_exit "runuser -u postgres -- '$PG_BIN/pg_ctl' -D '$dir/data' -m fast -w stop"
	DIST_PGDIR=$dir
	DIST_DB="host=$dir/sock port=$port user=postgres dbname=campusgate"
	DIST_URI="postgresql:///campusgate?host=$dir/sock&port=$port&user=postgres"
	runuser -u postgres -- "$PG_BIN/../bin/createdb" -h "$dir/sock" -p "$port" campusgate 2>/dev/null ||
		psql -h "$dir/sock" -p "$port" -U postgres -qc "CREATE DATABASE campusgate" postgres ||
		cg_fail "cannot create the store's database"
	psql "$DIST_DB" -q -v ON_ERROR_STOP=1 -f "$CG_SOURCE_ROOT/config/district/schema.sql" \
		>/dev/null || cg_fail "schema.sql did not apply"
	return 0
}

# dist_sql SQL: one value from the store.
dist_sql() { psql "$DIST_DB" -XAtq -c "$1"; }

# dist_ca DIR: a CA (ca.pem, ca-key.pem) in DIR.
dist_ca() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=campusgate test district CA" -keyout "$d/ca-key.pem" -out "$d/ca.pem" \
		>/dev/null 2>&1 || cg_fail "cannot make the CA"
}

# dist_cert DIR NAME: NAME-key.pem and NAME-cert.pem signed by DIR's CA, with NAME as
# the certificate's DNS name (what rsyslog's tls.authMode="name" checks).
dist_cert() {
	local d=$1 n=$2
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$n" \
		-keyout "$d/$n-key.pem" -out "$d/$n.csr" >/dev/null 2>&1 || cg_fail "cannot make a key for $n"
	printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$n" >"$d/$n.ext"
	openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial \
		-days 30 -extfile "$d/$n.ext" -out "$d/$n-cert.pem" >/dev/null 2>&1 || cg_fail "cannot sign $n"
	chmod 644 "$d/$n-key.pem"
}

# dist_bundle_https DIR ADDR PORT: the district's HTTPS server for list bundles, as the
# bundle tests use it: a test CA (DIR/ca.pem, DIR/ca.key), a certificate for the address
# ADDR (DIR/srv.pem), and nginx's config DIR/nginx/nginx.conf serving DIR/www on
# ADDR:PORT (log DIR/nginx/access.log). The caller starts nginx where ADDR lives:
#   nginx -c DIR/nginx/nginx.conf -p DIR/nginx -g 'daemon off;'
dist_bundle_https() {
	local T=$1 addr=$2 port=$3
	mkdir -p "$T/www" "$T/nginx"
	chmod 755 "$T/www"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=campusgate test district CA" -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null ||
		cg_fail "openssl: CA"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$addr" \
		-keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null || cg_fail "openssl: CSR"
	printf 'subjectAltName=IP:%s\n' "$addr" >"$T/san.ext"
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
		-days 2 -extfile "$T/san.ext" -out "$T/srv.pem" 2>/dev/null || cg_fail "openssl: sign"
	chmod 644 "$T/srv.key"
	cat >"$T/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 32; }
http {
    access_log $T/nginx/access.log;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    server {
        listen $addr:$port ssl;
        ssl_certificate $T/srv.pem;
        ssl_certificate_key $T/srv.key;
        root $T/www;
    }
}
NGX
}

# dist_netns TAG NET NAME...: the district's network in namespaces, each removed at exit.
# The district's namespace $DIST_NSD (= $DIST_NSP-d) with a bridge holding NET.1/24
# ($DIST_ADDR), and for the k-th school NAME a namespace $DIST_NSP-NAME on a veth to the
# bridge, at NET.(10+k) (`dist_addr NAME` prints it). NET is the first three bytes of a
# private /24 (10.201.0) or a documentation one (192.0.2). $DIST_NSP is TAG (1-5 of a-z 0-9) and four hex digits that no
# other namespace on this host has: unique per run, and the interface names (inside the
# namespaces only) within 15 bytes.
dist_netns() {
	local tag=$1 net=$2 k n ns made=
	shift 2
	case $tag in '' | ??????* | *[!a-z0-9]*) cg_fail "dist_netns: bad tag '$tag'" ;; esac
	if [ $# -lt 1 ] || [ $# -gt 200 ]; then cg_fail "dist_netns: 1 to 200 schools"; fi
	# private or documentation addresses only
	[[ $net =~ ^(10\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])|192\.0\.2|198\.51\.100|203\.0\.113)$ ]] ||
		cg_fail "dist_netns: $net is not 10.x.y or a documentation /24"
	for _ in $(seq 50); do
		DIST_NSP=$tag$(printf '%04x' $(( RANDOM % 65536 )))
		DIST_NSD=$DIST_NSP-d
		[ -e "/run/netns/$DIST_NSD" ] && continue # another run's: try another prefix
		ip netns add "$DIST_NSD" || cg_fail "cannot create namespace $DIST_NSD"
		made=1
		break
	done
	[ -n "$made" ] || cg_fail "dist_netns: no free namespace prefix $tag*"
	cg_on_exit "ip netns del $DIST_NSD"
	DIST_ADDR=$net.1
	ip -n "$DIST_NSD" link set lo up
	ip -n "$DIST_NSD" link add "${DIST_NSP}br" type bridge || cg_fail "cannot create a bridge"
	ip -n "$DIST_NSD" addr add "$DIST_ADDR/24" dev "${DIST_NSP}br"
	ip -n "$DIST_NSD" link set "${DIST_NSP}br" up
	declare -gA DIST_ADDRS=()
	k=0
	for n in "$@"; do
		k=$(( k + 1 ))
		ns=$DIST_NSP-$n
		ip netns add "$ns" || cg_fail "cannot create namespace $ns"
		cg_on_exit "ip netns del $ns"
		ip -n "$ns" link set lo up
		ip link add "${DIST_NSP}d$k" netns "$DIST_NSD" type veth peer name "${DIST_NSP}s$k" \
			netns "$ns" || cg_fail "cannot create a veth pair for $n"
		ip -n "$DIST_NSD" link set "${DIST_NSP}d$k" master "${DIST_NSP}br"
		ip -n "$DIST_NSD" link set "${DIST_NSP}d$k" up
		DIST_ADDRS[$n]=$net.$(( 10 + k ))
		ip -n "$ns" addr add "${DIST_ADDRS[$n]}/24" dev "${DIST_NSP}s$k"
		ip -n "$ns" link set "${DIST_NSP}s$k" up
	done
}

# dist_addr NAME: the address of school NAME's namespace (made by dist_netns).
dist_addr() { echo "${DIST_ADDRS[$1]}"; }

# dist_bench_init: what scripts/bench-district.sh and bench-district-report.sh do first
# (after sourcing lib.sh and this file from the source root): a temp dir the postgres
# user can pass, "cannot run" instead of a test's skip, CG the built campusgate.
dist_bench_init() {
	cg_skip() { echo "cannot run: $*"; exit 2; }
	cg_init
	chmod 755 "$CG_TMP"
	CG=$CAMPUSGATE
	[ -x "$CG" ] || { echo "build first: ninja -C build"; exit 2; }
}
