#!/bin/bash
# Lists from the district (issue 14, item 5): nginx serves signed list bundles over HTTPS
# on loopback with a CA the test makes; campusgated runs with the shipped lists and a
# [district] section; `campusgate update` applies a good bundle (a new name is then
# blocked through the gateway), refuses a bad signature, a tampered bundle, an old serial,
# an expired manifest, a foreign scope and a bad list line (each journaled, the previous
# lists staying in force), and works with the minisign tool both ways (a bundle signed
# by minisign -S with a second pinned key is applied; ours passes minisign -V).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_district.sh"
. "$(dirname "$0")/lib_dns.sh"
cg_need dig nsd nginx openssl minisign sha256sum
cg_init
chmod 755 "$CG_TMP"
T=$CG_TMP
DNS_PORT=$(cg_free_port)
up_port=$(cg_free_port)
https_port=$(cg_free_port)
mkdir -p "$T/journal" "$T/run" "$T/www" "$T/bureau/lists" "$T/nginx"
chmod 755 "$T/run" "$T/www"

# 1. The upstream: district-new.test and rotated.test exist and resolve.
cat >"$T/zone.data" <<DATA
district-new.test. 300 IN A 192.0.2.10
rotated.test. 300 IN A 192.0.2.11
local-only.test. 300 IN A 192.0.2.12
DATA
dns_start_upstream "$up_port" "$T/zone.data"

# 2. The district's HTTPS server: a CA and a server certificate made here.
dist_bundle_https "$T" 127.0.0.1 "$https_port"
cg_bg nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" -g 'daemon off;'
cg_wait_port tcp 127.0.0.1 "$https_port"

# 3. The bureau's keys: ours (pinned as pubkey) and minisign's (pinned as pubkey2 later).
"$CAMPUSGATE" bundle keygen -p "$T/bureau/k.pub" -s "$T/bureau/k.sec" >/dev/null || cg_fail "keygen"
"$CAMPUSGATE" bundle keygen -p "$T/bureau/other.pub" -s "$T/bureau/other.sec" >/dev/null || cg_fail "keygen 2"
minisign -G -W -p "$T/bureau/tool.pub" -s "$T/bureau/tool.sec" >/dev/null 2>&1 || cg_fail "minisign -G"
pub=$(sed -n 2p "$T/bureau/k.pub")
toolpub=$(sed -n 2p "$T/bureau/tool.pub")

# 4. The school: shipped lists, a [district] section.
S=$CG_SOURCE_ROOT/blocklists
write_conf() { # write_conf [pubkey2 line]
	cat >"$T/c.conf" <<CONF
[general]
control_socket = $T/run/control.sock
[dns]
listen = 127.0.0.1:$DNS_PORT
upstream = 127.0.0.1:$up_port
[journal]
dir = $T/journal
client_max_events = 0
[district]
url = https://127.0.0.1:$https_port/district.cgb
pubkey = $pub
$1
ca_file = $T/ca.pem
school_id = school-a
state_dir = $T/district
timeout = 20
[category pornography]
list = $S/pornography/domains.list
list = $S/pornography/keywords.list
[category gambling]
list = $S/gambling/domains.list
list = $S/gambling/keywords.list
[category superstition]
list = $S/superstition/domains.list
[allow]
list = $S/allow/allow.list
[group default]
block = pornography, gambling, superstition
CONF
}
write_conf ""
shipped_sum=$(cat "$S"/gambling/*.list | sha256sum)
cg_start_daemon "$T/c.conf"
dns_wait_daemon
cg_expect "district-new.test before any bundle" "$(dns_answer district-new.test A)" 192.0.2.10
cg_expect "a shipped gambling name is blocked" "$(dns_status bet365.com A)" NXDOMAIN

journal_count() { grep -h "\"action\":\"$1\"" "$T"/journal/*.jsonl 2>/dev/null | wc -l; }
publish() { # publish BUNDLE [SIG]: what the district serves
	cp "$1" "$T/www/district.cgb"
	cp "${2:-$1.minisig}" "$T/www/district.cgb.minisig"
	chmod 644 "$T/www"/*
}
update() { "$CAMPUSGATE" update -c "$T/c.conf" >"$T/u.out" 2>&1; echo $?; }
make_bundle() { # make_bundle OUT SERIAL [make options]: gambling.list with $NAMES
	local out=$1 serial=$2; shift 2
	rm -f "$T/bureau/lists"/*
	printf '%s\n' $NAMES >"$T/bureau/lists/gambling.list"
	"$CAMPUSGATE" bundle make "$T/bureau/lists" -o "$out" --serial "$serial" "$@" >/dev/null ||
		cg_fail "bundle make $out"
}
refused() { # refused WHAT REASON-TEXT: update exits 1, says why, journals it, old lists stay
	local before rc
	before=$(journal_count bundle_refused)
	rc=$(update)
	[ "$rc" = 1 ] || { cat "$T/u.out"; cg_fail "$1: update exited $rc, not 1"; }
	grep -q "$2" "$T/u.out" || { cat "$T/u.out"; cg_fail "$1: no '$2' in the output"; }
	for i in $(seq 50); do [ "$(journal_count bundle_refused)" -gt "$before" ] && break; sleep 0.1; done
	cg_expect "$1: journaled" "$(journal_count bundle_refused)" "$((before + 1))"
	grep -h '"action":"bundle_refused"' "$T"/journal/*.jsonl | tail -1 | grep -q "$2" ||
		cg_fail "$1: the journaled event does not say '$2'"
	cg_expect "$1: district-new.test still blocked" "$(dns_status district-new.test A)" NXDOMAIN
	cg_expect "$1: serial kept" "$(cat "$T/district/serial")" 5
}

# 5. A good bundle: district-new.test is blocked after one update.
NAMES="district-new.test"
make_bundle "$T/b5.cgb" 5 --all --days 30
"$CAMPUSGATE" bundle sign "$T/b5.cgb" -s "$T/bureau/k.sec" >/dev/null || cg_fail "sign"
publish "$T/b5.cgb"
rc=$(update)
[ "$rc" = 0 ] || { cat "$T/u.out"; cg_fail "good bundle: update exited $rc"; }
grep -q "bundle serial 5 applied (1 lists)" "$T/u.out" || { cat "$T/u.out"; cg_fail "no applied line"; }
grep -q "campusgated reload: ok" "$T/u.out" || { cat "$T/u.out"; cg_fail "no reload result"; }
cg_expect "district-new.test blocked after the update" "$(dns_status district-new.test A)" NXDOMAIN
cg_expect "the shipped list still blocks" "$(dns_status bet365.com A)" NXDOMAIN
cg_expect "local-only.test untouched" "$(dns_answer local-only.test A)" 192.0.2.12
cg_expect "the shipped lists are unchanged" "$(cat "$S"/gambling/*.list | sha256sum)" "$shipped_sum"
[ -L "$T/district/lists" ] || cg_fail "lists_dir is not a link"
cg_expect "serial state" "$(cat "$T/district/serial")" 5
for i in $(seq 50); do [ "$(journal_count bundle_applied)" = 1 ] && break; sleep 0.1; done
cg_expect "bundle_applied journaled" "$(journal_count bundle_applied)" 1
out=$("$CAMPUSGATE" check -c "$T/c.conf" district-new.test 2>&1)
echo "$out" | grep -q "district/gambling.list" || cg_fail "check does not name the district list: $out"
rc=$(update)
[ "$rc" = 0 ] && grep -q "bundle serial 5 is the one applied; nothing new" "$T/u.out" ||
	{ cat "$T/u.out"; cg_fail "the same bundle again: exit $rc"; }
cg_expect "the same bundle again is not journaled" "$(journal_count bundle_refused)" 0
grep -h '"action":"bundle_applied"' "$T"/journal/*.jsonl | grep -q '"reason":"serial 5: 1 lists applied; reload: ok' ||
	cg_fail "the applied event lacks its detail: $(grep -h bundle_applied "$T"/journal/*.jsonl)"
cg_log "ok: good bundle applied, journaled, blocks through the gateway; repeated fetch is a no-op"

# 6. Refusals, the previous lists in force after each.
NAMES="rotated.test"
make_bundle "$T/b6.cgb" 6 --all --days 30
"$CAMPUSGATE" bundle sign "$T/b6.cgb" -s "$T/bureau/other.sec" >/dev/null || cg_fail "sign other"
publish "$T/b6.cgb"
refused "a key that is not pinned" "signed with a key that is not pinned"
"$CAMPUSGATE" bundle sign "$T/b6.cgb" -s "$T/bureau/k.sec" >/dev/null || cg_fail "sign"
cp "$T/b6.cgb" "$T/b6t.cgb"
sed -i 's/rotated.test/rotatex.test/' "$T/b6t.cgb"
publish "$T/b6t.cgb" "$T/b6.cgb.minisig"
refused "a tampered bundle" "signature does not verify"
sed 's/^trusted comment: .*/trusted comment: changed/' "$T/b6.cgb.minisig" >"$T/b6.changed"
publish "$T/b6.cgb" "$T/b6.changed"
refused "a changed trusted comment" "global signature"
make_bundle "$T/b4.cgb" 4 --all --days 30
"$CAMPUSGATE" bundle sign "$T/b4.cgb" -s "$T/bureau/k.sec" >/dev/null
publish "$T/b4.cgb"
refused "an older serial" "rollback refused"
make_bundle "$T/b5b.cgb" 5 --all --days 30
"$CAMPUSGATE" bundle sign "$T/b5b.cgb" -s "$T/bureau/k.sec" >/dev/null
publish "$T/b5b.cgb"
refused "another bundle with the same serial" "rollback refused"
make_bundle "$T/b7s.cgb" 7 --school school-b --school school-c --days 30
"$CAMPUSGATE" bundle sign "$T/b7s.cgb" -s "$T/bureau/k.sec" >/dev/null
publish "$T/b7s.cgb"
refused "a bundle for other schools" "not for this school"
soon=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
make_bundle "$T/b7e.cgb" 7 --all --expires "$soon"
"$CAMPUSGATE" bundle sign "$T/b7e.cgb" -s "$T/bureau/k.sec" >/dev/null
publish "$T/b7e.cgb"
sleep 3
refused "an expired manifest" "manifest expired"
# a bad list line, in a bundle the bureau's make would not have made (hand-built)
printf 'rotated.test\nbad name here\n' >"$T/bad.list"
sum=$(sha256sum "$T/bad.list" | cut -d' ' -f1)
exp=$(date -u -d '+10 days' +%Y-%m-%dT%H:%M:%SZ)
printf 'campusgate-manifest 1\nserial 8\nexpires %s\nscope all\nlist gambling.list %s\n' "$exp" "$sum" >"$T/man"
{
	printf 'campusgate-bundle 1\nfile manifest %s\n' "$(stat -c %s "$T/man")"; cat "$T/man"; echo
	printf 'file gambling.list %s\n' "$(stat -c %s "$T/bad.list")"; cat "$T/bad.list"; echo
	printf 'end\n'
} >"$T/b8.cgb"
"$CAMPUSGATE" bundle sign "$T/b8.cgb" -s "$T/bureau/k.sec" >/dev/null
publish "$T/b8.cgb"
refused "a bad list line" "gambling.list:2: white space inside a rule"
cg_expect "rotated.test still resolves" "$(dns_answer rotated.test A)" 192.0.2.11
# the same refusal for a zh-CN reader
publish "$T/b4.cgb"
LC_ALL=zh_CN.UTF-8 "$CAMPUSGATE" update -c "$T/c.conf" >"$T/u.out" 2>&1
grep -q "序号为 4 的名单包被拒绝：序号不比上次应用的新（拒绝回退）" "$T/u.out" ||
	{ cat "$T/u.out"; cg_fail "no zh-CN refusal"; }
# no CA file: the district's certificate is not trusted, nothing is fetched
sed "s|^ca_file = .*|ca_file = /etc/ssl/certs/ca-certificates.crt|" "$T/c.conf" >"$T/noca.conf"
"$CAMPUSGATE" update -c "$T/noca.conf" >"$T/u.out" 2>&1
cg_expect "an untrusted server certificate: exit" "$?" 2
grep -q "cannot fetch" "$T/u.out" || { cat "$T/u.out"; cg_fail "no fetch error"; }
cg_log "ok: unpinned key, tampering, changed comment, rollback, same serial, scope, expiry, bad line and untrusted server refused; old lists kept"

# 7. The minisign tool: a bundle signed by minisign -S with the second pinned key (a key
# rotation) is applied; ours passes minisign -V.
write_conf "pubkey2 = $toolpub"
NAMES="district-new.test rotated.test"
make_bundle "$T/b9.cgb" 9 --school school-a --days 30
minisign -S -s "$T/bureau/tool.sec" -m "$T/b9.cgb" -t "district bundle 9" </dev/null >/dev/null 2>&1 ||
	cg_fail "minisign -S"
publish "$T/b9.cgb"
rc=$(update)
[ "$rc" = 0 ] || { cat "$T/u.out"; cg_fail "minisign-signed bundle: exit $rc"; }
cg_expect "rotated.test blocked after the minisign-signed bundle" "$(dns_status rotated.test A)" NXDOMAIN
cg_expect "district-new.test still blocked" "$(dns_status district-new.test A)" NXDOMAIN
cg_expect "serial 9" "$(cat "$T/district/serial")" 9
minisign -V -p "$T/bureau/k.pub" -m "$T/b5.cgb" >/dev/null || cg_fail "minisign -V of our signature"
"$CAMPUSGATE" bundle verify "$T/b9.cgb" -p "$T/bureau/tool.pub" --school school-a >/dev/null ||
	cg_fail "bundle verify of minisign's signature"
"$CAMPUSGATE" update -c "$T/c.conf" --bundle "$T/b9.cgb" --sig "$T/b9.cgb.minisig" >"$T/u.out" 2>&1 ||
	{ cat "$T/u.out"; cg_fail "update from local files"; }
grep -q "bundle serial 9 is the one applied; nothing new" "$T/u.out" || { cat "$T/u.out"; cg_fail "local files"; }
"$CAMPUSGATE" update -c "$T/c.conf" --bundle "$T/b4.cgb" --sig "$T/b4.cgb.minisig" >"$T/u.out" 2>&1
cg_expect "an old bundle from local files: exit" "$?" 1
n=$(ls "$T/district/bundles" | wc -l)
cg_expect "the last good bundle is kept beside the new one" "$n" 2
cg_log "ok: minisign interop both ways, second key pinned"

dns_no_sanitizer_report
cg_pass
