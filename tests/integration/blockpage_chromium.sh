#!/bin/bash
# A real browser (Debian's chromium, headless) shown the block page through the explicit
# proxy: the dumped DOM carries the request id that the journal holds, the page is in
# zh-CN (English for an English browser), and a screenshot shows the page's red title
# bar, which the allowed page's screenshot does not. Everything runs in a network namespace
# with only a loopback interface, so the browser cannot reach anything else.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
cg_need_root
cg_need chromium ip
cg_init

NS=cgb$$
ip netns add $NS && cg_on_exit "ip netns del $NS" || cg_fail "ip netns add"
ip -n $NS link set lo up
EP=3128 OP=8000
cg_http_origin "$NS" 127.0.0.1 $OP origin
cg_http_config "$CG_TMP/c.conf" "explicit_listen = 127.0.0.1:$EP" "parent = 127.0.0.1:$OP"
cg_start_daemon_ns "$NS" "$CG_TMP/c.conf"

# chromium ARGS...: headless, bounded in time, in the namespace, own profile.
browse() {
	local prof
	prof=$(mktemp -d "$CG_TMP/profile.XXXXXX")
	ip netns exec $NS timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$prof" --proxy-server="http://127.0.0.1:$EP" \
		--window-size=1024,768 "$@" 2>>"$CG_TMP/chromium.log"
}

# --- the DOM: request id, zh-CN text, category ------------------------------------------
browse --lang=zh-CN --accept-lang=zh-CN,zh --dump-dom http://www.casino.test/slots >"$CG_TMP/dom.html"
grep -q "此网页已被拦截" "$CG_TMP/dom.html" || cg_fail "no block page in the DOM: $(head -c 500 "$CG_TMP/dom.html")"
grep -q "赌博" "$CG_TMP/dom.html" || cg_fail "category not in the DOM"
id=$(grep -o 'id="request-id">[a-z0-9]*' "$CG_TMP/dom.html" | cut -d'>' -f2)
[ -n "$id" ] || cg_fail "no request id in the DOM"
cg_journal_has "\"id\":\"$id\"" '"host":"www.casino.test"' '"path":"/slots"' ||
	cg_fail "the browser's request id $id is not in the journal"
cg_log "ok: chromium shows the zh-CN block page, request id $id is in the journal"

# --- an English browser gets the English page ----------------------------------------------
browse --lang=en-US --accept-lang=en-US --dump-dom http://casino.test/ >"$CG_TMP/dom-en.html"
grep -q "This page is blocked" "$CG_TMP/dom-en.html" || cg_fail "no English page for an English browser"

# --- an allowed page comes from the origin ---------------------------------------------------
browse --dump-dom http://www.example.org/allowed >"$CG_TMP/dom-ok.html"
grep -q "ORIGIN origin" "$CG_TMP/dom-ok.html" || cg_fail "allowed page: $(head -c 300 "$CG_TMP/dom-ok.html")"

# --- screenshots: the block page against an allowed plain page ------------------------------
browse --lang=zh-CN --accept-lang=zh-CN,zh --screenshot="$CG_TMP/blocked.png" http://www.casino.test/ >/dev/null
# (A page that fails to load leaves no screenshot in headless mode: compare with the
# origin's plain page instead.)
browse --screenshot="$CG_TMP/failed.png" http://www.example.org/plain >/dev/null
[ -s "$CG_TMP/blocked.png" ] && [ -s "$CG_TMP/failed.png" ] || cg_fail "no screenshot: $(tail -5 "$CG_TMP/chromium.log")"
# Share of pixels in the title bar's red (#b91c1c) and of dark text pixels.
stats() {
	"$PY" - "$1" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(d):
    n, t = struct.unpack("!I4s", d[pos:pos + 8]); c = d[pos + 8:pos + 8 + n]; pos += 12 + n
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack("!IIBB", c[:10])
        bpp = {2: 3, 6: 4}[ctype]
    elif t == b"IDAT":
        idat += c
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
red = dark = 0
for y in range(h):
    f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; b = prev[i]; cc = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - cc; pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else cc)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if abs(r - 0xb9) < 24 and g < 60 and bl < 60: red += 1
        if r < 90 and g < 90 and bl < 90: dark += 1
    prev = line
print("%d %d %d" % (red * 1000 // (w * h), dark * 1000 // (w * h), w))
PY
}
read -r red dark w < <(stats "$CG_TMP/blocked.png")
read -r red0 dark0 w0 < <(stats "$CG_TMP/failed.png")
cg_log "screenshot: red title bar ${red}‰ of the pixels (the allowed page: ${red0}‰), width $w"
[ "$w" = 1024 ] || cg_fail "screenshot width $w"
[ "$red" -ge 30 ] || cg_fail "the block page's red bar is not in the screenshot (${red}‰)"
[ "$red0" -lt 5 ] || cg_fail "the allowed page has red pixels (${red0}‰): the check does not tell them apart"
[ -n "${CG_KEEP_SCREENSHOT:-}" ] && cp "$CG_TMP/blocked.png" "$CG_KEEP_SCREENSHOT"
cg_http_clean_exit
cg_pass
