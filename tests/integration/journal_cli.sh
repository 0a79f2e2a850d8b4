#!/bin/bash
# The real `campusgate journal`, `journal verify` and `report` on a journal written by the
# writer API (bench_review --write-api, files rotated by size): verify passes and an
# outside script re-verifies the documented hashing; then edit / delete / swap / truncate
# / remove / rewrite copies and check each verdict and exit status; every filter; and the
# escaping of hostile hosts in the table, JSON Lines, CSV and the HTML report.
. "$(dirname "$0")/lib.sh"

cg_need python3
CG=$CAMPUSGATE
GEN=$CG_BUILD_ROOT/bench/bench_review
[ -x "$CG" ] || cg_fail "campusgate not built at $CG"
[ -x "$GEN" ] || cg_fail "bench_review (the journal generator) not built at $GEN"
CG_TMP=$(mktemp -d /tmp/cgjournal.XXXXXX)
trap cg_cleanup EXIT
export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset LC_MESSAGES

J=$CG_TMP/journal
ID=$("$GEN" --write-api "$J" 300 20000 2>/dev/null) || cg_fail "the writer could not write the journal"
[ -n "$ID" ] || cg_fail "no event id printed"
nfiles=$(ls "$J"/*.jsonl | wc -l)
[ "$nfiles" -ge 4 ] || cg_fail "expected the writer to rotate into several files, got $nfiles"

# expect_rc WANT CMD...: run, keep the output in $OUT, check the exit status.
expect_rc() {
	local want=$1 rc; shift
	OUT=$("$@" 2>&1); rc=$?
	[ "$rc" = "$want" ] || cg_fail "'$*' exited $rc, wanted $want: $OUT"
}
count() { # count FILTER ARGS...: number of JSON lines
	"$CG" journal --dir "$J" --format json "$@" | wc -l
}
want_count() {
	local want=$1 got; shift
	got=$(count "$@")
	[ "$got" = "$want" ] || cg_fail "journal $* gave $got events, wanted $want"
}

# ---- verify: intact, and an outsider's script agrees (docs/journal.md hashing) ----------
expect_rc 0 "$CG" journal verify --dir "$J"
echo "$OUT" | grep -q "journal OK: 300 lines in $nfiles files, seq 1..300, 1 daily digests match" ||
	cg_fail "verify output: $OUT"
python3 - "$J" <<'EOF' || cg_fail "an independent re-verification of the chain failed"
import hashlib, json, os, re, sys
d = sys.argv[1]
def key(n):
    m = re.match(r'(\d{4}-\d\d-\d\d)(?:\.(\d+))?\.jsonl$', n)
    return (m.group(1), int(m.group(2) or 0))
names = sorted((n for n in os.listdir(d) if n.endswith('.jsonl')), key=key)
prev, seq = bytes(32), 0
for n in names:
    for raw in open(os.path.join(d, n), 'rb').read().split(b'\n')[:-1]:
        cut = raw.rindex(b',"hash":"')
        rec = json.loads(raw)
        assert rec['seq'] == seq + 1 and bytes.fromhex(rec['prev']) == prev, (n, rec['seq'])
        h = hashlib.blake2b(prev + raw[:cut], digest_size=32).digest()
        assert h.hex() == rec['hash'], (n, rec['seq'])
        prev, seq = h, rec['seq']
assert seq == 300
EOF

# ---- tampering, each on a fresh copy --------------------------------------------------
FIRST=$(cd "$J" && ls | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}\.jsonl$')        # part 0: seq 1..
MIDDLE=$(cd "$J" && ls | grep -E '\.2\.jsonl$')
LAST=$(cd "$J" && ls | grep -E '\.[0-9]+\.jsonl$' | sort -t. -k2 -n | tail -1)
[ -n "$FIRST" ] && [ -n "$MIDDLE" ] && [ -n "$LAST" ] || cg_fail "unexpected file names: $(ls "$J")"
fresh() { rm -rf "$CG_TMP/t"; cp -a "$J" "$CG_TMP/t"; T=$CG_TMP/t; }

fresh
sed -i '5s/"porn"/"p0rn"/; 5s/"gambling"/"gamb1ing"/' "$T/$FIRST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "^$FIRST:5: edited: the line does not match its hash" || cg_fail "edit: $OUT"
echo "$OUT" | grep -q "journal TAMPERED" || cg_fail "edit verdict: $OUT"

fresh
sed -i '10d' "$T/$FIRST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "^$FIRST:10: deleted: seq jumps from 9 (line 9) to 11" || cg_fail "delete: $OUT"

fresh
sed -i '20{h;d};21{G}' "$T/$FIRST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "^$FIRST:20: reordered: seq 21 comes before seq 20" || cg_fail "swap: $OUT"

fresh
truncate -s -30 "$T/$LAST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "^$LAST:[0-9]*: torn: the last line has no newline" || cg_fail "truncate: $OUT"

fresh
rm "$T/$MIDDLE"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q ": file missing: seq jumps from" || cg_fail "removed file: $OUT"

fresh
rm "$T/$LAST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "deleted: the journal ends at seq [0-9]*, but the digest of" ||
	cg_fail "removed last file: $OUT"

fresh
rm "$T/$FIRST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "deleted: the journal starts at seq" || cg_fail "removed first file: $OUT"

# A line changed and its hash recomputed: the next line's prev tells. The whole chain
# recomputed from there on: only the daily digest tells.
fresh
python3 - "$T/$FIRST" 5 once <<'EOF'
import hashlib, sys
path, target, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, 'rb').read().split(b'\n')[:-1]
prev = None
for i, raw in enumerate(lines, 1):
    cut = raw.rindex(b',"hash":"')
    body = raw[:cut]
    if i == target:
        body = body.replace(b'"10.', b'"99.', 1)
    if i >= target and (mode == 'all' or i == target):
        if prev is not None and mode == 'all' and i > target:
            p = body.rindex(b'"prev":"')
            body = body[:p] + b'"prev":"' + prev.hex().encode() + b'"'
        old_prev = bytes.fromhex(body[body.rindex(b'"prev":"') + 8:-1].decode())
        h = hashlib.blake2b(old_prev + body, digest_size=32).digest()
        lines[i - 1] = body + b',"hash":"' + h.hex().encode() + b'"}'
        prev = h
open(path, 'wb').write(b'\n'.join(lines) + b'\n')
EOF
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "^$FIRST:6: edited: prev does not match the hash of the line before ($FIRST:5)" ||
	cg_fail "re-hashed edit: $OUT"

fresh
python3 - "$T" <<'EOF'
import hashlib, os, re, sys
d = sys.argv[1]
def key(n):
    m = re.match(r'(\d{4}-\d\d-\d\d)(?:\.(\d+))?\.jsonl$', n)
    return (m.group(1), int(m.group(2) or 0))
prev = bytes(32)
for n in sorted((n for n in os.listdir(d) if n.endswith('.jsonl')), key=key):
    out = []
    for raw in open(os.path.join(d, n), 'rb').read().split(b'\n')[:-1]:
        body = raw[:raw.rindex(b',"hash":"')]
        body = body.replace(b'"gambling"', b'"games"')
        p = body.rindex(b'"prev":"')
        body = body[:p] + b'"prev":"' + prev.hex().encode() + b'"'
        prev = hashlib.blake2b(prev + body, digest_size=32).digest()
        out.append(body + b',"hash":"' + prev.hex().encode() + b'"}')
    open(os.path.join(d, n), 'wb').write(b'\n'.join(out) + b'\n')
EOF
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "rewritten: the hash of seq 300 differs from the daily digest" ||
	cg_fail "rewritten chain: $OUT"

# A torn end (a crash in the middle of writing seq 301): the writer moves it aside at its
# next start and records a "recovered" event; the chain verifies again and the event is
# there to find. (Cutting a line that a digest already covers is tampering: see above.)
fresh
printf '{"seq":301,"time":"2026-' >>"$T/$LAST"
expect_rc 1 "$CG" journal verify --dir "$T"
echo "$OUT" | grep -q "torn: the last line has no newline" || cg_fail "torn before recovery: $OUT"
"$GEN" --write-api "$T" 5 20000 >/dev/null 2>&1 || cg_fail "the writer could not reopen a torn journal"
expect_rc 0 "$CG" journal verify --dir "$T"
ls "$T"/torn/* >/dev/null 2>&1 || cg_fail "the torn end was not moved aside"
[ "$("$CG" journal --dir "$T" --event recovered --format json | wc -l)" = 1 ] ||
	cg_fail "no recovered event after a torn end"

# The journal directory from a config file (relative to it), the school's name too.
mkdir -p "$CG_TMP/conf"
cp -a "$J" "$CG_TMP/conf/j"
printf '[general]\ntimezone = Asia/Shanghai\n[journal]\ndir = j\nschool = <i>Test</i> 中学\n' \
	>"$CG_TMP/conf/c.conf"
expect_rc 0 "$CG" journal verify -c "$CG_TMP/conf/c.conf"
echo "$OUT" | grep -q "journal OK: 300 lines" || cg_fail "verify -c: $OUT"
[ "$("$CG" journal -c "$CG_TMP/conf/c.conf" --category gambling --format json | wc -l)" = 75 ] ||
	cg_fail "journal -c did not read the configured directory"
"$CG" report -c "$CG_TMP/conf/c.conf" --format html | grep -q "<title>&lt;i&gt;Test&lt;/i&gt; 中学 安全日志事件报告 (" ||
	cg_fail "report -c: the school's name missing or not escaped"
expect_rc 2 "$CG" journal -c "$CG_TMP/conf/c.conf" --dir "$J"
expect_rc 2 "$CG" journal -c "$CG_TMP/conf/missing.conf"

# verify in Chinese names the kind in Chinese; a missing directory is an error (2).
fresh
sed -i '10d' "$T/$FIRST"
OUT=$(LC_ALL=zh_CN.UTF-8 "$CG" journal verify --dir "$T")
echo "$OUT" | grep -q "被删除" && echo "$OUT" | grep -q "日志已被篡改" || cg_fail "zh verify: $OUT"
expect_rc 2 "$CG" journal verify --dir "$CG_TMP/nonexistent"
expect_rc 2 "$CG" journal verify --dir "$J" --from 2025-13-01
expect_rc 2 "$CG" journal verify --dir "$J" --category x

# ---- filters ---------------------------------------------------------------------------
want_count 300
want_count 75 --category gambling
want_count 150 --client 10.1.2.0/24
want_count 150 --client 10.9.0.7
want_count 0 --client 2001:db8::/32
want_count 150 --group teachers
want_count 75 --group teachers --category gambling
want_count 60 --action observe
want_count 100 --proto http
want_count 5 --host SITE4.example
want_count 1 --host "<script>"
want_count 1 --id "$ID"
want_count 7 --limit 7
want_count 300 --since 1h
want_count 0 --from 2001-01-01 --to 2001-01-02
TODAY=$(head -c 200 "$J/$FIRST" | sed 's/.*"time":"\([0-9-]*\)T.*/\1/')
want_count 300 --from "$TODAY" --to "$TODAY"
want_count 300 --from "${TODAY}T00:00" --tz Asia/Shanghai
[ -z "$("$CG" journal --dir "$CG_TMP/nonexistent" 2>/dev/null)" ] ||
	cg_fail "a missing journal directory still printed a table"
expect_rc 2 "$CG" journal --dir "$CG_TMP/nonexistent"
expect_rc 0 "$CG" journal --dir "$J" --category none
echo "$OUT" | grep -q "^(0 events)" || cg_fail "empty result: $OUT"
expect_rc 2 "$CG" journal --dir "$J" --client 10.1.2.3/16
expect_rc 2 "$CG" journal --dir "$J" --since 12
expect_rc 2 "$CG" journal --dir "$J" --since 1h --from "$TODAY"
expect_rc 2 "$CG" journal --dir "$J" --format xml
expect_rc 2 "$CG" journal --dir "$J" --bogus
expect_rc 2 "$CG" journal --dir "$J" --top 3
expect_rc 2 "$CG" journal --dir "$J" --lang en
expect_rc 2 "$CG" journal --dir "$J" --from 2025-11-26 --to 2025-11-25
expect_rc 0 "$CG" journal --help
echo "$OUT" | grep -q "^SYNOPSIS" && echo "$OUT" | grep -q "^EXIT STATUS" || cg_fail "help: $OUT"
OUT=$(LC_ALL=zh_CN.UTF-8 "$CG" journal --help)
echo "$OUT" | grep -q "^用法" || cg_fail "zh help: $OUT"

# Late events (dated 40 days back, as `campusgate sensor --read old.pcap` journals a
# capture's own times): the writer files them in today's file; a query and a report for
# their day find every one.
L=$CG_TMP/late
"$GEN" --write-api "$L" 20 0 $((40 * 86400)) >/dev/null 2>&1 || cg_fail "the writer could not write late events"
LATEFILE=$(cd "$L" && ls *.jsonl)
OLD=$(head -c 200 "$L/$LATEFILE" | sed 's/.*"time":"\([0-9-]*\)T.*/\1/')
[ "$LATEFILE" != "$OLD.jsonl" ] || cg_fail "the late events got a file of their own day ($LATEFILE)"
got=$("$CG" journal --dir "$L" --format json --from "$OLD" --to "$OLD" | wc -l)
[ "$got" = 20 ] || cg_fail "journal --from $OLD --to $OLD found $got of 20 late events"
got=$("$CG" journal --dir "$L" --format json --from "$OLD" --category gambling | wc -l)
[ "$got" = 5 ] || cg_fail "journal --from $OLD --category gambling found $got of 5 late events"
expect_rc 0 "$CG" report --dir "$L" --from "$OLD" --to "$OLD"
echo "$OUT" | grep -q "事件总数：20" || cg_fail "report for $OLD missed late events: $OUT"

# ---- escaping in every output ---------------------------------------------------------
"$CG" journal --dir "$J" --format json > "$CG_TMP/out.jsonl" || cg_fail "json output"
"$CG" journal --dir "$J" --format csv > "$CG_TMP/out.csv" || cg_fail "csv output"
python3 - "$CG_TMP/out.jsonl" "$CG_TMP/out.csv" <<'EOF' || cg_fail "JSON/CSV escaping"
import csv, json, sys
hostile = ['evil"quote.example', 'comma,host.example', 'new\nline.example',
           'ctl\x01\x1b[31mred.example', '<script>alert(1)</script>.example',
           '=cmd|\' /C calc\'!A0', '中文测试.example', '+SUM(1)', '@at.example', '-dash.example']
recs = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
assert len(recs) == 300
assert [r['host'] for r in recs[:10]] == hostile, [r['host'] for r in recs[:10]]
raw = open(sys.argv[2], 'rb').read()
assert raw.count(b'\r\n') >= 301
rows = list(csv.DictReader(open(sys.argv[2], newline='', encoding='utf-8')))
assert len(rows) == 300, len(rows)
# control characters (newlines too) become U+FFFD; formulas get a leading '
want = [("'" + h if h[0] in '=+-@' else h) for h in hostile]
want = [''.join('\ufffd' if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in h)
        for h in want]
assert [r['host'] for r in rows[:10]] == want, [r['host'] for r in rows[:10]]
body = raw.replace(b'\r\n', b'')
bad = [b for b in body if b < 0x20 or b == 0x7f]
assert not bad, ('raw control bytes in the CSV', bad[:5])
assert b'\xc2\x80' not in body and b'\x1b' not in body
jraw = open(sys.argv[1], 'rb').read().replace(b'\n', b'')
assert not [b for b in jraw if b < 0x20 or b == 0x7f], 'raw control bytes in JSON Lines'
assert all(r['rule_text'] == "'=rule" for r in rows)
assert rows[0]['path'] == '/p?a=1,b="2"'
for r in rows:
    for k, v in r.items():
        assert not v or v[0] not in '=+-@', (k, v)
EOF
OUT=$(LC_ALL=zh_CN.UTF-8 "$CG" journal --dir "$J" --limit 10)
echo "$OUT" | head -1 | grep -q "^时间 .*主机/路径" || cg_fail "zh table header: $OUT"
printf '%s' "$OUT" | grep -q $'\x1b' && cg_fail "the table passed an escape byte to the terminal"
printf '%s' "$OUT" | grep -q $'\x01' && cg_fail "the table passed a control byte to the terminal"
echo "$OUT" | grep -q "（共 10 条事件）" || cg_fail "zh table footer: $OUT"

# ---- the report --------------------------------------------------------------------------
expect_rc 0 "$CG" report --dir "$J"
echo "$OUT" | grep -q "安全日志事件报告" && echo "$OUT" | grep -q "事件总数：300" ||
	cg_fail "zh text report: $OUT"
echo "$OUT" | grep -q "^安全日志自 .* 至 .* 完整、未被改动（共 300 条事件，序号 1..300）。1 个每日摘要均相符。$" ||
	cg_fail "report integrity sentence: $OUT"
echo "$OUT" | grep -q "^共 300 起；此处列出 100 起（每个类别按时间顺序列出前 50 起）。" ||
	cg_fail "report incident list bound: $OUT"
echo "$OUT" | grep -q "^全部明细（可用 Excel 或 WPS 打开）：campusgate report --dir $J --from '[0-9-]* [0-9:]*' --to '[0-9-]* [0-9:]*' --csv -o incidents.csv$" ||
	cg_fail "report CSV hint: $OUT"
echo "$OUT" | grep -q "^  审阅人" || cg_fail "report sign-off: $OUT"
printf '%s' "$OUT" | grep -q $'\x1b' && cg_fail "the text report passed an escape byte"
expect_rc 0 "$CG" report --dir "$J" --since 2h --format html --lang en --top 100 -o "$CG_TMP/r.html"
python3 - "$CG_TMP/r.html" <<'EOF' || cg_fail "HTML report escaping or self-containment"
import sys
from html.parser import HTMLParser
s = open(sys.argv[1], encoding='utf-8').read()
assert s.startswith('<!DOCTYPE html>') and '<html lang="en">' in s
assert 'Security journal incident report' in s and '<svg' in s
assert '&lt;script&gt;alert(1)&lt;/script&gt;.example' in s
assert 'evil&quot;quote.example' in s
VOID = {'meta', 'br', 'rect', 'line', 'circle', 'path'}
class P(HTMLParser):
    tags = set(); urls = []; stack = []; text = []
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)
        for k, v in attrs:
            if k in ('src', 'href') or (v and ('http:' in v or 'https:' in v) and tag != 'svg'):
                self.urls.append((tag, k, v))
            if v and 'url(' in v:
                assert v.startswith('url(#cgp'), v
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, ('unbalanced', tag, self.stack[-4:])
        self.stack.pop()
    def handle_data(self, d):
        self.text.append(d)
p = P(); p.feed(s); p.close()
assert not p.stack, ('unclosed', p.stack)
assert 'script' not in p.tags and 'img' not in p.tags and 'link' not in p.tags, p.tags
assert not p.urls, p.urls
text = ''.join(p.text)
for want in ('Journal integrity', 'The journal is complete and unaltered from', 'Incidents',
             'Incidents per hour, by category', 'Review and sign-off', 'Reviewed by:',
             'Signature:', 'Rule (list:line)', 'lists/test.list:'):
    assert want in text, want
assert '@media print' in s and '<svg' in s and '<pattern id="cgp0"' in s
EOF
expect_rc 2 "$CG" report --dir "$J" --lang fr
expect_rc 2 "$CG" report --dir "$J" --format pdf
expect_rc 0 "$CG" report --help
echo "$OUT" | grep -q "^SYNOPSIS" || cg_fail "report help: $OUT"
fresh
sed -i '10d' "$T/$FIRST"
expect_rc 1 "$CG" report --dir "$T" --lang en
echo "$OUT" | grep -q "^The journal has been ALTERED: $FIRST, line 10: lines were deleted (deleted: " ||
	cg_fail "report on a tampered journal: $OUT"
echo "$OUT" | grep -q "complete and unaltered" && cg_fail "a tampered journal reported as unaltered: $OUT"

# report --csv: every incident (the CSV hint's command as printed), the columns, BOM and
# headers of journal --format csv in the report's language.
HINT=$("$CG" report --dir "$J" --incidents 1 --lang en | sed -n 's/^Every incident, for Excel or WPS: campusgate //p')
[ -n "$HINT" ] || cg_fail "no CSV hint in the English report"
eval "set -- $HINT"
(cd "$CG_TMP" && "$CG" "$@" 2>/dev/null) || cg_fail "the hint's command failed: $HINT"
"$CG" journal --dir "$J" --csv >"$CG_TMP/journal.csv" || cg_fail "journal --csv"
"$CG" report --dir "$J" --csv --lang en >"$CG_TMP/report-en.csv" || cg_fail "report --csv --lang en"
python3 - "$CG_TMP/incidents.csv" "$CG_TMP/journal.csv" "$CG_TMP/report-en.csv" <<'EOF' || cg_fail "report --csv"
import csv, io, sys
zh, jr, en = (open(p, 'rb').read() for p in sys.argv[1:])
for raw in (zh, jr, en):
    assert raw.startswith(b'\xef\xbb\xbf'), raw[:10]
head = lambda raw: raw[3:].split(b'\r\n', 1)[0].decode()
assert head(zh).startswith('时间,序号,事件号,'), head(zh)
assert head(en) == head(jr), (head(en), head(jr))
rows = lambda raw: list(csv.reader(io.StringIO(raw[3:].decode(), newline='')))
assert len(rows(zh)) == 301, len(rows(zh))   # every incident, not the 100 listed
assert rows(zh)[1:] == rows(en)[1:] == rows(jr)[1:]
EOF
expect_rc 2 "$CG" report --dir "$J" --incidents 0
expect_rc 2 "$CG" journal --dir "$J" --html

cg_pass
