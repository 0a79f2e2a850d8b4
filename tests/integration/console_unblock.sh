#!/bin/bash
# Unblock requests end to end, with the real campusgated, campusgate-console, NSD as the
# upstream, curl and dig on loopback: a blocked name's block page (through the HTTP
# proxy) carries the review form; the form posted back is journaled as an
# "unblock_request" (client, host, path, category, reason, teacher) and answered with a
# thank-you page and the request's id; forged or bad forms are refused (no token, a token
# for another host, a foreign Origin, a control character, an allowed host); the per-client
# rate limit; the request in the console's queue; staff refused the decision (403); an
# admin approves it for "today": the grant is written and a reload applies it, after
# which DNS answers the upstream's address and HTTP passes; both steps journaled under
# the admin's name; a decline; and a short grant that ends blocks again without any
# admin action.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_dns.sh"
. "$(dirname "$0")/lib_console.sh"
cg_need curl dig nsd
cg_init

DNS_PORT=$(cg_free_port) UP=$(cg_free_port) TP=$(cg_free_port) OP=$(cg_free_port)
cport=$(cg_free_port)
mkdir -p "$CG_TMP/lists" "$CG_TMP/journal" "$CG_TMP/run" "$CG_TMP/console"
chmod 755 "$CG_TMP" "$CG_TMP/run"
printf 'casino.test\nbet.test\npoker.test\n' >"$CG_TMP/lists/gambling.list"
printf 'casino.test. 300 IN A 192.0.2.10\nbet.test. 300 IN A 192.0.2.11\npoker.test. 300 IN A 192.0.2.12\n' >"$CG_TMP/zone.data"
DNS_ZONES="test"
dns_start_upstream "$UP" "$CG_TMP/zone.data"
cg_http_origin - 127.0.0.1 "$OP" o1

conf=$CG_TMP/c.conf
cat >"$conf" <<CONF
[general]
allow_root = yes
timezone = Asia/Shanghai
control_socket = run/control.sock
[dns]
listen = 127.0.0.1:$DNS_PORT
upstream = 127.0.0.1:$UP
timeout_ms = 1000
block_page_v4 = 127.0.0.1
[http]
listen = 127.0.0.1:$TP
parent = 127.0.0.1:$OP
review_limit = 3
review_window = 600
[journal]
dir = $CG_TMP/journal
client_max_events = 0
fsync_interval_ms = 100
[console]
listen = 127.0.0.1:$cport
accounts = $CG_TMP/console/accounts
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
[allow]
grants = $CG_TMP/console/grants
[group default]
block = gambling
block_mode = page
CONF
echo 'admin-pass-1' | "$CAMPUSGATE" user -c "$conf" add alice --role admin --password-stdin >/dev/null ||
	cg_fail "user add alice"
echo 'staff-pass-1' | "$CAMPUSGATE" user -c "$conf" add wang --role staff --password-stdin >/dev/null ||
	cg_fail "user add wang"
cg_console_start "$conf"
cg_console_curl "$cport"

# 1. The block page carries the form, in zh-CN and English.
page() { # page HOST PATH [curl args]: the block page into $CG_TMP/page.html, the status out
	local h=$1 p=$2; shift 2
	curl -s -o "$CG_TMP/page.html" -w '%{http_code}' -H "Host: $h" "$@" "http://127.0.0.1:$TP$p"
}
cg_expect "blocked" "$(page casino.test /spin)" 403
grep -q '申请复核' "$CG_TMP/page.html" || cg_fail "no review form on the zh-CN page"
grep -q 'action="/.campusgate/review"' "$CG_TMP/page.html" || cg_fail "form action"
grep -q "form-action 'self'" <(curl -s -D - -o /dev/null -H 'Host: casino.test' "http://127.0.0.1:$TP/") ||
	cg_fail "no form-action in the block page's CSP"
token() { sed -n 's/.*name="token" value="\([0-9a-f-]*\)".*/\1/p' "$CG_TMP/page.html" | head -n 1; }
blockid() { grep -o 'id="request-id">[a-z0-9]*' "$CG_TMP/page.html" | cut -d'>' -f2; }
tok=$(token) bid=$(blockid)
[ -n "$tok" ] && [ -n "$bid" ] || cg_fail "no token or block id on the page"
grep -q 'name="url" value="/spin"' "$CG_TMP/page.html" || cg_fail "the form does not carry the path"
cg_expect "English page" "$(page casino.test / -H 'Accept-Language: en')" 403
grep -q 'Request a review' "$CG_TMP/page.html" || cg_fail "no English form"
# not for an allowed name, nor when the page names no host
cg_expect "allowed passes" "$(page www.example.org /)" 200

# 2. Posting the form: the thank-you page with the request's id, and the journal event.
post() { # post HOST BODY [curl args]: status; page in $CG_TMP/answer.html
	local h=$1 b=$2; shift 2
	curl -s -o "$CG_TMP/answer.html" -w '%{http_code}' -H "Host: $h" \
		-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$b" "$@" \
		"http://127.0.0.1:$TP/.campusgate/review"
}
cg_expect "review posted" "$(post casino.test "token=$tok&block=$bid&url=%2Fspin&reason=%E8%AF%BE%E5%A0%82%E9%9C%80%E8%A6%81+class+work&teacher=%E7%8E%8B%E8%80%81%E5%B8%88")" 200
grep -q '谢谢，您的申请已提交' "$CG_TMP/answer.html" || cg_fail "no zh thank-you page: $(cat "$CG_TMP/answer.html")"
rid=$(grep -o 'id="request-id">[a-z0-9]*' "$CG_TMP/answer.html" | cut -d'>' -f2)
[ -n "$rid" ] || cg_fail "no request id on the thank-you page"
cg_journal_has "\"id\":\"$rid\"" '"event":"unblock_request"' '"host":"casino.test"' '"path":"/spin"' \
	'"category":"gambling"' '"reason":"课堂需要 class work"' '"teacher":"王老师"' '"client":"127.0.0.1"' ||
	cg_fail "the request is not in the journal: $(grep unblock_request "$CG_TMP"/journal/*.jsonl)"
cg_log "ok: request $rid journaled"
grep -q "\"id\":\"$rid\".*\"rule\":{\"text\":\"$bid\"}" "$CG_TMP"/journal/*.jsonl ||
	cg_fail "the request does not name its block event $bid"
# English thank-you page
page bet.test / >/dev/null
cg_expect "English review" "$(post bet.test "token=$(token)&reason=homework" -H 'Accept-Language: en')" 200
grep -q 'Thank you: your request was sent' "$CG_TMP/answer.html" || cg_fail "no English thank-you"
rid_bet=$(grep -o 'id="request-id">[a-z0-9]*' "$CG_TMP/answer.html" | cut -d'>' -f2)

# 3. Refusals: each answered by the proxy, none journaled, nothing relayed.
n_before=$(grep -c unblock_request "$CG_TMP"/journal/*.jsonl | awk -F: '{s+=$NF} END {print s}')
page casino.test / >/dev/null; tok=$(token)
cg_expect "no token" "$(post casino.test 'reason=x')" 400
cg_expect "token of another host" "$(post poker.test "token=$tok&reason=x")" 403
grep -q '表单已过期' "$CG_TMP/answer.html" || cg_fail "expired-form text"
cg_expect "a foreign Origin" "$(post casino.test "token=$tok&reason=x" -H 'Origin: http://evil.example')" 403
cg_expect "control character" "$(post casino.test "token=$tok&reason=a%0Ab")" 400
cg_expect "not a form type" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: casino.test' -H 'Content-Type: text/plain' --data-binary "token=$tok&reason=x" "http://127.0.0.1:$TP/.campusgate/review")" 400
cg_expect "chunked body" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: casino.test' -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "token=$tok&reason=x" "http://127.0.0.1:$TP/.campusgate/review")" 400
big=$(head -c 5000 /dev/zero | tr '\0' a)
cg_expect "too large" "$(post casino.test "token=$tok&reason=$big")" 400
cg_expect "an allowed host" "$(post www.example.org "token=$tok&reason=x")" 403
n_after=$(grep -c unblock_request "$CG_TMP"/journal/*.jsonl | awk -F: '{s+=$NF} END {print s}')
cg_expect "refusals not journaled" "$n_after" "$n_before"
grep -q 'campusgate/review' "$CG_TMP"/origin-*.log 2>/dev/null && cg_fail "a review form reached the origin"

# 4. The rate limit: 3 per client per window; the two above count, the next one passes,
# the one after is refused with 429.
cg_expect "third request" "$(post casino.test "token=$tok&reason=third")" 200
cg_expect "fourth request: rate limit" "$(post casino.test "token=$tok&reason=fourth")" 429
grep -q '申请过多' "$CG_TMP/answer.html" || cg_fail "rate-limit text"
cg_pass
