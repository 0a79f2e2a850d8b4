#!/bin/bash
# The real daemon killed with SIGKILL while it journals a flood of blocked DNS queries:
# every line the writer had passed to write(2) (the seq its stats logged on SIGUSR1 just
# before the kill, and every line in the files at the kill) is still there, unchanged,
# after the restart; a torn end (forced each run) is moved aside and recorded once; the
# chain and sequence continue and verify passes; after a clean stop every blocked query
# that got its answer is in the journal.
. "$(dirname "$0")/lib.sh"

cg_need python3
cg_init
J=$CG_TMP/journal
LIST=$CG_TMP/block.list
python3 -c '
for i in range(2000):
    print("bad%d.example" % i)' > "$LIST"
PORT=$(cg_free_port)
UP=$(cg_free_port)
[ -n "$PORT" ] && [ -n "$UP" ] || cg_fail "no free port"
ARGS=(--dns-listen "127.0.0.1:$PORT" --upstream "127.0.0.1:$UP" --blocklist "$LIST"
      --journal-dir "$J")
# Every answered block must be journaled: no per-client journal limit (the flood sends
# thousands a minute from each address); the rest as without a file.
printf '[journal]\nclient_max_events = 0\n' > "$CG_TMP/kill9.conf"

# flood STOPFILE ANSWERS: blocked queries, each for a name of its own
# (qN.badK.example), from 64 loopback addresses (the per-client rate limit stays out of
# the way), as fast as answers come, until STOPFILE exists (at most 60 s); STOPFILE.up
# appears with the first answer; the names of the NXDOMAIN answers go to ANSWERS, one a
# line; prints their number.
flood() {
	python3 - "$PORT" "$1" "$2" <<'PY'
import os, socket, struct, sys, time
port, stop, answers = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "w")
socks = []
for i in range(64):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.1.%d" % (2 + i), 0))
    s.setblocking(False)
    socks.append(s)
def qname(r):
    i, labels = 12, []
    while i < len(r) and r[i]:
        labels.append(r[i + 1:i + 1 + r[i]].decode("ascii", "replace"))
        i += 1 + r[i]
    return ".".join(labels).lower()
end, n, got = time.time() + 60, 0, 0
while time.time() < end and not os.path.exists(stop):
    for s in socks:
        name = b"".join(bytes([len(p)]) + p for p in (b"q%d" % n, b"bad%d" % (n % 2000), b"example"))
        q = struct.pack(">HHHHHH", n & 0xffff, 0x0100, 1, 0, 0, 0) + name + b"\0" + struct.pack(">HH", 1, 1)
        try:
            s.sendto(q, ("127.0.0.1", port))
        except OSError:
            pass
        n += 1
    time.sleep(0.005)
    for s in socks:
        while True:
            try:
                r = s.recv(512)
            except OSError:
                break
            if len(r) >= 4 and (r[3] & 0x0f) == 3:
                if got == 0:
                    open(stop + ".up", "w").close()
                got += 1
                answers.write(qname(r) + "\n")
answers.close()
print(got)
PY
}

# wait_file PATH: until it exists (at most 60 s; python starts slowly on a busy host).
wait_file() {
	local i
	for i in $(seq 600); do [ -e "$1" ] && return 0; sleep 0.1; done
	cg_fail "the flood never got an answer"
}

count_lines() { cat "$J"/*.jsonl 2>/dev/null | wc -l; }

# 1. kill -9 during heavy writing. Just before it, SIGUSR1 makes the daemon log its
# journal stats: the "seq S" there is the last line the writer had passed to write(2),
# which kill -9 cannot take back (the kernel has it). Every line in the files at the
# moment of the kill must still be there, byte for byte, after the restart.
cg_start_daemon "$CG_TMP/kill9.conf" "${ARGS[@]}"
pid1=$CG_DAEMON_PID
flood "$CG_TMP/stop1" "$CG_TMP/answers1" > "$CG_TMP/flood1" &
fpid=$!
wait_file "$CG_TMP/stop1.up"
sleep 1
kill -USR1 "$pid1"
acked=
for i in $(seq 100); do
	acked=$(sed -n 's/.*journal: .* written, .*, seq \([0-9]*\)$/\1/p' "$CG_TMP/daemon.log" | tail -1)
	[ -n "$acked" ] && break
	sleep 0.05
done
kill -KILL "$pid1"
wait "$pid1" 2>/dev/null
[ -n "$acked" ] || cg_fail "the daemon did not log its journal stats on SIGUSR1"
touch "$CG_TMP/stop1"
wait "$fpid"
answered=$(cat "$CG_TMP/flood1")
cg_log "answered $answered blocked queries; seq $acked written before the kill"
[ "$answered" -gt 100 ] || cg_fail "the flood got only $answered answers"
[ "$acked" -gt 100 ] || cg_fail "only $acked events written before the kill"
before=$(count_lines)
[ "$before" -ge "$acked" ] || cg_fail "$before journal lines after the kill, but seq $acked was written"
cp -a "$J" "$CG_TMP/snapshot"
cp "$CG_TMP/daemon.log" "$CG_TMP/daemon1.log"

# The kill may or may not have torn the last line; make sure one is torn, so that the
# recovery branch runs every time: half a line with no newline, as a crash in write()
# leaves it.
NEWEST=$(cd "$J" && ls *.jsonl | sort -t. -k1,1 -k2,2n | tail -1)
TORN='{"seq":999999999,"time":"2026-11-25T09:'
printf '%s' "$TORN" >>"$J/$NEWEST"

# 2. Restart; a second flood; a clean stop, which writes everything queued: every
# blocked query answered in this run is in the journal.
cg_start_daemon "$CG_TMP/kill9.conf" "${ARGS[@]}"
pid2=$CG_DAEMON_PID
grep -q "journal .*: recovered: torn end of $NEWEST" "$CG_TMP/daemon.log" ||
	cg_fail "the restart did not report the torn end of $NEWEST"
flood "$CG_TMP/stop2" "$CG_TMP/answers2" > "$CG_TMP/flood2" &
fpid=$!
wait_file "$CG_TMP/stop2.up"
sleep 0.5
touch "$CG_TMP/stop2"
wait "$fpid"
cg_stop_pid "$pid2"
grep -q 'journal digest' "$CG_TMP/daemon.log" || cg_fail "no digest logged at stop"
if grep -E 'runtime error|AddressSanitizer|LeakSanitizer' "$CG_TMP/daemon1.log" "$CG_TMP/daemon.log"; then
	cg_fail "sanitizer report in the daemon's log"
fi
grep -q 'queue full' "$CG_TMP/daemon.log" &&
	cg_fail "the journal queue overflowed in the second run (events dropped): the check below would not be fair"

OUT=$("$CAMPUSGATE" journal verify --dir "$J" 2>&1); rc=$?
[ "$rc" = 0 ] || cg_fail "verify after kill -9 and restart exited $rc: $OUT"
cg_log "verify: $(echo "$OUT" | head -1)"
after=$(count_lines)
[ "$after" -gt "$before" ] || cg_fail "no lines after the restart ($before, then $after)"

python3 - "$J" "$CG_TMP/snapshot" "$acked" "$NEWEST" "$TORN" "$CG_TMP/answers2" <<'PY' || cg_fail "lines lost or recovery wrong"
import json, pathlib, re, sys
d, snap, acked, newest, torn_bytes = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5].encode()
key = lambda p: (p.name[:10], int((re.match(r"\d{4}-\d\d-\d\d\.(\d+)\.jsonl", p.name) or [0, 0])[1]))
files = sorted(d.glob("*.jsonl"), key=key)
recs = [json.loads(l) for f in files for l in f.read_bytes().splitlines()]
seqs = [r["seq"] for r in recs]
assert seqs == list(range(1, len(recs) + 1)), "seq gap"
assert len(recs) >= acked, f"seq {acked} was written before the kill, the journal ends at {len(recs)}"
# every complete line of every file as the kill left it is still there, in order
for sf in snap.glob("*.jsonl"):
    raw = sf.read_bytes()
    keep = raw[:raw.rfind(b"\n") + 1]
    now = (d / sf.name).read_bytes()
    assert now.startswith(keep), f"{sf.name}: lines present after the kill were changed or cut"
# the forced torn end: moved aside in one piece, recorded by one "recovered" event
torn = list((d / "torn").glob("*.torn")) if (d / "torn").exists() else []
assert len(torn) == 1, f"{len(torn)} torn pieces"
assert torn[0].read_bytes().endswith(torn_bytes), "the torn piece is not the end of the file"
assert torn[0].name.startswith(newest + "."), torn[0].name
rec = [r for r in recs if r.get("event") == "recovered"]
assert len(rec) == 1 and newest in rec[0]["reason"], rec
# every query the second run answered as blocked is journaled
hosts = {r.get("host") for r in recs}
answered = [l.strip() for l in open(sys.argv[6]) if l.strip()]
missing = [h for h in answered if h not in hosts]
assert answered and not missing, f"{len(missing)} of {len(answered)} answered blocks missing, e.g. {missing[:3]}"
print(f"# {len(recs)} lines, seq 1..{len(recs)}, {acked} written before the kill all kept, "
      f"{len(answered)} answered blocks of the second run all journaled")
PY
cg_pass
