#!/bin/bash
# The staff commands from a checkout: in a tree shaped like the project (config/,
# blocklists/, var/), a running campusgated journals a block; then `campusgate journal
# --since 12h`, `journal --id`, `journal verify` and `report` find that journal with no
# -c (./config/campusgate.conf), with a relative -c (from the root and from elsewhere) and
# with an absolute -c (the journal path was once resolved against the config's folder
# twice). `campusgate sensor --read` next to the running daemon journals to its own
# folder and says which. The incident report of that journal (text, HTML, CSV) names
# the school, the categories by their titles and the Chinese site with its punycode.
. "$(dirname "$0")/lib.sh"
cg_need dig python3
cg_init
unset CAMPUSGATE_CONF
export LC_ALL=C.UTF-8 LANG=C.UTF-8
T=$CG_TMP/tree
mkdir -p "$T/config"
ln -s "$CG_SOURCE_ROOT/blocklists" "$T/blocklists"
p1=$(cg_free_port); p2=$(cg_free_port); p3=$(cg_free_port); p4=$(cg_free_port); p5=$(cg_free_port)
# The shipped config as it is, on free ports (its ?-lists from ../../shared are optional).
sed -e "s/:5300$/:$p1/" -e "s/:8080$/:$p2/" -e "s/:3128$/:$p3/" -e "s/:8443$/:$p4/" \
	-e "s/:8081$/:$p5/" "$CG_SOURCE_ROOT/config/campusgate.conf" >"$T/config/campusgate.conf"
grep -q "^dir = \.\./var/journal$" "$T/config/campusgate.conf" || cg_fail "the shipped config's journal dir changed"

# The daemon, started from the tree's root without -c, as from a checkout.
: >"$CG_TMP/daemon.log"
(cd "$T" && exec "$CAMPUSGATED") >>"$CG_TMP/daemon.log" 2>&1 &
CG_DAEMON_PID=$!
CG_PIDS+=("$CG_DAEMON_PID")
for i in $(seq 300); do
	grep -q 'campusgated: ready' "$CG_TMP/daemon.log" && break
	kill -0 "$CG_DAEMON_PID" 2>/dev/null || cg_fail "campusgated exited during start-up"
	sleep 0.1
done
[ "$(dig -p "$p1" @127.0.0.1 +time=3 +tries=1 bet365.com | grep -o 'status: [A-Z]*')" = "status: NXDOMAIN" ] ||
	cg_fail "bet365.com was not blocked"
for i in $(seq 50); do # the writer's fsync interval
	ls "$T"/var/journal/*.jsonl >/dev/null 2>&1 && grep -q bet365.com "$T"/var/journal/*.jsonl && break
	sleep 0.1
done
# A name people write in Chinese (葡京娱乐场.com), asked for in its punycode form as a
# resolver does.
[ "$(dig -p "$p1" @127.0.0.1 +time=3 +tries=1 xn--fjqpit8uy6c246e.com | grep -o 'status: [A-Z]*')" = "status: NXDOMAIN" ] ||
	cg_fail "xn--fjqpit8uy6c246e.com was not blocked"
for i in $(seq 50); do
	grep -q xn--fjqpit8uy6c246e.com "$T"/var/journal/*.jsonl 2>/dev/null && break
	sleep 0.1
done
id=$(grep -h '"host":"bet365.com"' "$T"/var/journal/*.jsonl | head -n1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])') ||
	cg_fail "no journal event for bet365.com"
cg_log "ok: the daemon journaled event $id in var/journal"

# staff WHERE ARGS...: the staff commands from folder WHERE with the config options ARGS.
staff() {
	local where=$1 out rc; shift
	out=$(cd "$where" && "$CAMPUSGATE" journal "$@" --since 12h 2>&1) ||
		cg_fail "journal --since 12h $* (in $where): $out"
	echo "$out" | grep -q bet365.com || cg_fail "journal --since 12h $* (in $where) lacks the event: $out"
	out=$(cd "$where" && "$CAMPUSGATE" journal "$@" --id "$id" --format json 2>&1) ||
		cg_fail "journal --id $* (in $where): $out"
	[ "$(echo "$out" | grep -c "\"id\":\"$id\"")" = 1 ] || cg_fail "journal --id $* (in $where): $out"
	out=$(cd "$where" && "$CAMPUSGATE" journal verify "$@" 2>&1) ||
		cg_fail "journal verify $* (in $where): $out"
	out=$(cd "$where" && "$CAMPUSGATE" report "$@" --since 12h 2>&1); rc=$?
	[ "$rc" = 0 ] || cg_fail "report $* (in $where) exited $rc: $out"
	echo "$out" | grep -q bet365.com || cg_fail "report $* (in $where) lacks the site: $out"
	cg_log "ok: journal, --id, verify, report with '$*' in $where"
}
staff "$T"
staff "$T" -c config/campusgate.conf
staff "$T" -c "$T/config/campusgate.conf"
staff "$CG_TMP" -c tree/config/campusgate.conf
staff "$T/config" -c campusgate.conf

# sensor --read next to the running daemon: its own journal, named in the output.
python3 - "$CG_TMP/q.pcap" <<'PY'
import struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l for l in b"bet365.com".split(b".")) + b"\0" + struct.pack("!HH", 1, 1)
udp = struct.pack("!HHHH", 40000, 53, 8 + len(q), 0) + q
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([10, 1, 2, 3]), bytes([192, 0, 2, 53]))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
eth = bytes.fromhex("020000000001" "020000000002") + b"\x08\x00" + ip + udp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1700000000, 0, len(eth), len(eth)) + eth)
PY
out=$(cd "$T" && "$CAMPUSGATE" sensor --read "$CG_TMP/q.pcap" 2>&1) ||
	cg_fail "sensor --read next to the running daemon: $out"
echo "$out" | grep -q "journal .* to config/../var/journal/sensor" ||
	cg_fail "sensor --read does not say where it journals: $out"
grep -q '"action":"observed"' "$T"/var/journal/sensor/*.jsonl || cg_fail "nothing in the sensor's journal"
out=$(cd "$T" && "$CAMPUSGATE" sensor --read "$CG_TMP/q.pcap" --format json 2>&1) || cg_fail "sensor --format json: $out"
echo "$out" | grep -q '"journal_dir":"config/../var/journal/sensor"' || cg_fail "no journal_dir in JSON: $out"
"$CAMPUSGATE" journal verify --dir "$T/var/journal/sensor" >/dev/null || cg_fail "the sensor's journal does not verify"
staff "$T" # the daemon's journal is unchanged by the sensor's folder inside it
out=$(cd "$T" && LC_ALL= LANG=zh_CN.UTF-8 "$CAMPUSGATE" sensor --read "$CG_TMP/q.pcap" 2>&1) || cg_fail "sensor (zh): $out"
echo "$out" | grep -q "安全日志.*写入 config/../var/journal/sensor" || cg_fail "sensor (zh) journal line: $out"
cg_log "ok: sensor --read next to the daemon journals to its own folder and says so"

# The incident report of the daemon's journal, as a teacher files it: in Chinese by
# default with the shipped config's school and category titles; HTML whose tags balance.
out=$(cd "$T" && "$CAMPUSGATE" report --since 12h 2>&1) || cg_fail "report: $out"
for want in "示例中学 Example Middle School 安全日志事件报告" "赌博（gambling）：" \
	"葡京娱乐场.com (xn--fjqpit8uy6c246e.com)" "bet365.com" "$id" "已拦截" "审阅人" \
	"安全日志自 " "完整、未被改动"; do
	echo "$out" | grep -qF "$want" || cg_fail "report lacks '$want': $out"
done
echo "$out" | grep -q "gambling.*\.list:[0-9]" || cg_fail "report lacks the rule file:line: $out"
(cd "$T" && "$CAMPUSGATE" report --since 12h --html --lang en -o "$CG_TMP/report.html" 2>/dev/null) ||
	cg_fail "report --html"
python3 - "$CG_TMP/report.html" "$id" <<'EOF' || cg_fail "the HTML report of the daemon's journal"
import sys
from html.parser import HTMLParser
s = open(sys.argv[1], encoding='utf-8').read()
VOID = {'meta', 'br', 'rect', 'line', 'circle', 'path'}
class P(HTMLParser):
    stack = []; text = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag not in VOID:
            assert self.stack and self.stack[-1] == tag, ('unbalanced', tag, self.stack[-4:])
            self.stack.pop()
    def handle_data(self, d):
        self.text.append(d)
p = P(); p.feed(s); p.close()
assert not p.stack, p.stack
text = ''.join(p.text)
for want in ('示例中学 Example Middle School: security journal incident report',
             'Gambling (gambling): ', '葡京娱乐场.com', 'xn--fjqpit8uy6c246e.com', sys.argv[2],
             'The journal is complete and unaltered from', 'Reviewed by:', 'Gambling ('):
    assert want in text, want
EOF
out=$(cd "$T" && "$CAMPUSGATE" report --since 12h --csv 2>&1) || cg_fail "report --csv: $out"
printf '%s' "$out" | head -c 3 | od -An -tx1 | grep -q "ef bb bf" || cg_fail "report --csv has no BOM"
echo "$out" | grep -q "^.时间,序号,事件号," || cg_fail "report --csv headers: $out"
echo "$out" | grep -q "葡京娱乐场.com" || cg_fail "report --csv lacks the Unicode site: $out"
cg_log "ok: report (text, HTML, CSV) of the daemon's journal"

cg_stop_pid "$CG_DAEMON_PID"
cg_pass
