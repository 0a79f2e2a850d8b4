#!/bin/bash
# The real daemon killed with SIGKILL while it journals a flood of blocked DNS queries:
# after a restart the journal verifies (`campusgate journal verify`), the chain and the
# sequence simply continue, and a torn end, if the kill left one, is moved aside and
# recorded. Then a clean stop, and verify again.
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

# flood STOPFILE: blocked queries from 64 loopback addresses (the per-client rate limit
# stays out of the way), as fast as answers come, until STOPFILE exists (at most 60 s);
# STOPFILE.up appears with the first answer; prints the number of NXDOMAIN answers.
flood() {
	python3 - "$PORT" "$1" <<'PY'
import os, socket, struct, sys, time
port, stop = int(sys.argv[1]), sys.argv[2]
socks = []
for i in range(64):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.1.%d" % (2 + i), 0))
    s.setblocking(False)
    socks.append(s)
end, n, got = time.time() + 60, 0, 0
while time.time() < end and not os.path.exists(stop):
    for s in socks:
        name = b"".join(bytes([len(p)]) + p for p in (b"www", b"bad%d" % (n % 2000), b"example"))
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

cg_start_daemon "" "${ARGS[@]}"
pid1=$CG_DAEMON_PID
flood "$CG_TMP/stop1" > "$CG_TMP/flood1" &
fpid=$!
wait_file "$CG_TMP/stop1.up"
sleep 1
kill -KILL "$pid1"
wait "$pid1" 2>/dev/null
touch "$CG_TMP/stop1"
wait "$fpid"
answered=$(cat "$CG_TMP/flood1")
cg_log "answered $answered blocked queries before the kill"
[ "$answered" -gt 100 ] || cg_fail "the flood got only $answered answers"
before=$(count_lines)
[ "$before" -gt 100 ] || cg_fail "only $before journal lines before the kill"
cp "$CG_TMP/daemon.log" "$CG_TMP/daemon1.log"

cg_start_daemon "" "${ARGS[@]}"
pid2=$CG_DAEMON_PID
flood "$CG_TMP/stop2" > "$CG_TMP/flood2" &
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

OUT=$("$CAMPUSGATE" journal verify --dir "$J" 2>&1); rc=$?
[ "$rc" = 0 ] || cg_fail "verify after kill -9 and restart exited $rc: $OUT"
cg_log "verify: $(echo "$OUT" | head -1)"
after=$(count_lines)
[ "$after" -gt "$before" ] || cg_fail "no lines after the restart ($before, then $after)"

# The sequence runs 1..N without a gap across the kill; a torn end was recorded.
python3 - "$J" <<'PY' || cg_fail "sequence or recovery record wrong"
import json, pathlib, re, sys
d = pathlib.Path(sys.argv[1])
key = lambda p: (p.name[:10], int((re.match(r"\d{4}-\d\d-\d\d\.(\d+)\.jsonl", p.name) or [0, 0])[1]))
recs = [json.loads(l) for f in sorted(d.glob("*.jsonl"), key=key) for l in f.read_text().splitlines()]
assert [r["seq"] for r in recs] == list(range(1, len(recs) + 1)), "seq gap"
torn = list((d / "torn").glob("*.torn")) if (d / "torn").exists() else []
rec = [r for r in recs if r.get("event") == "recovered"]
assert len(rec) == (1 if torn else 0), f"{len(torn)} torn pieces, {len(rec)} recovered events"
print(f"# {len(recs)} lines, seq 1..{len(recs)}, torn pieces {len(torn)}")
PY
cg_pass
