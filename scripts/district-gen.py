#!/usr/bin/env python3
"""Make schools' journals as campusgated forwards them: RFC 5424 messages with the
[campusgate@32473 ...] structured data and the exact journal line (hash-chained,
BLAKE2b-256 as docs/journal.md says) as MSG. For scripts/bench-district.sh and tests.

  district-gen.py --schools 100 --events 1000 [--days 30] [--start EPOCH]
                  [--tcp HOST:PORT | --framed | --ingest]
--tcp: send with RFC 6587 octet counting (to a school-side rsyslog's imtcp);
--framed: print those frames (to send later, at full speed);
--ingest: print the lines `campusgate district ingest` reads (SD, space, line);
otherwise print the RFC 5424 messages one a line."""
import argparse, hashlib, json, socket, sys, time

CATS = ["gambling", "porn", "superstition", "doh", "vpn"]


def journal_lines(school, n, start, span):
    prev = "0" * 64
    for seq in range(1, n + 1):
        t = start + span * (seq - 1) / max(n, 1)
        lt = time.gmtime(t + 8 * 3600)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", lt) + ".%06d+08:00" % int((t % 1) * 1e6)
        cat = CATS[seq % len(CATS)]
        rec = {"seq": seq, "time": ts, "id": "%s%07d" % (school.replace("-", "")[-6:], seq), "event": "hit",
               "proto": "dns", "action": "block", "client": "10.%d.%d.%d" % (
                   sum(school.encode()) % 200, seq % 250, (seq // 250) % 250 + 1),
               "group": "pupils", "host": "site%d.%s.example" % (seq % 997, cat),
               "qtype": "A", "category": cat,
               "rule": {"file": "lists/%s.list" % cat, "line": seq % 5000 + 1,
                        "text": "%s.example" % cat},
               "block_mode": "nxdomain", "prev": prev}
        body = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        part = body[:-1]  # the hash covers the line up to its "hash" member
        h = hashlib.blake2b(bytes.fromhex(prev) + part.encode(), digest_size=32).hexdigest()
        line = part + ',"hash":"%s"}' % h
        prev = h
        yield seq, ts, line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=3)
    ap.add_argument("--events", type=int, default=100)
    ap.add_argument("--days", type=float, default=1)
    ap.add_argument("--start", type=float, default=time.time() - 86400)
    ap.add_argument("--prefix", default="school")
    ap.add_argument("--tcp")
    ap.add_argument("--ingest", action="store_true")
    ap.add_argument("--framed", action="store_true", help="octet-counted frames on stdout")
    a = ap.parse_args()
    out = sys.stdout.buffer
    sock = None
    if a.tcp:
        host, port = a.tcp.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)))
    gens = [(("%s-%03d" % (a.prefix, i)), journal_lines("%s-%03d" % (a.prefix, i), a.events,
                                                       a.start, a.days * 86400))
            for i in range(a.schools)]
    buf = []
    # interleave the schools, as a district receives them
    while gens:
        alive = []
        for sid, g in gens:
            try:
                seq, ts, line = next(g)
            except StopIteration:
                continue
            alive.append((sid, g))
            sd = '[campusgate@32473 seq="%d" school_id="%s"]' % (seq, sid)
            if a.ingest:
                buf.append((sd + " " + line + "\n").encode())
            else:
                m = ("<132>1 %s box-%s campusgated 1 hit %s %s" % (ts, sid, sd, line)).encode()
                buf.append(b"%d %s" % (len(m), m) if sock or a.framed else m + b"\n")
        gens = alive
        if len(buf) >= 2000 or not gens:
            data = b"".join(buf)
            buf = []
            if sock:
                sock.sendall(data)
            else:
                out.write(data)
    if sock:
        sock.close()


if __name__ == "__main__":
    main()
