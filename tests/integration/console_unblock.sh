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

DNS_PORT=$(cg_free_port) UP=$(cg_free_port) TP=$(cg_free_port) OP=$(cg_free_port) BP=$(cg_free_port)
cport=$(cg_free_port)
mkdir -p "$CG_TMP/console"
cg_console_conf "$DNS_PORT" "$cport" "$UP" <<CONF
[general]
allow_root = yes
timezone = Asia/Shanghai
[dns]
timeout_ms = 1000
block_page_v4 = 127.0.0.1
[http]
listen = 127.0.0.1:$TP
blockpage_listen = 127.0.0.1:$BP
parent = 127.0.0.1:$OP
review_limit = 3
review_window = 600
[journal]
client_max_events = 0
fsync_interval_ms = 100
[category gambling]
title_zh = 赌博
title_en = Gambling
list = $CG_TMP/lists/gambling.list
[allow]
grants = $CG_TMP/console/grants
[group class7a]
subnet = 10.7.1.0/24
block = gambling
[group default]
block = gambling
block_mode = page
CONF
printf 'casino.test\nbet.test\npoker.test\n' >"$CG_TMP/lists/gambling.list"
printf 'casino.test. 300 IN A 192.0.2.10\nbet.test. 300 IN A 192.0.2.11\npoker.test. 300 IN A 192.0.2.12\n' >"$CG_TMP/zone.data"
DNS_ZONES="test"
dns_start_upstream "$UP" "$CG_TMP/zone.data"
cg_http_origin - 127.0.0.1 "$OP" o1
cg_console_user alice admin admin-pass-1
cg_console_user wang staff staff-pass-1
cg_console_user li staff staff-pass-2 class7a
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

# 4. The block-page server (where DNS "page" answers send browsers) has the same form;
# its own address as Host (no name) has none. Then the rate limit: 3 per client per
# window; the two above count, this one passes, the one after is refused with 429.
curl -s -o "$CG_TMP/page.html" -H 'Host: casino.test' "http://127.0.0.1:$BP/spin"
grep -q '申请复核' "$CG_TMP/page.html" || cg_fail "no form on the block-page server's page"
curl -s -o "$CG_TMP/ip.html" -H "Host: 127.0.0.1:$BP" "http://127.0.0.1:$BP/"
grep -q '申请复核' "$CG_TMP/ip.html" && cg_fail "a form on the page for the server's own address"
cg_expect "third request (block-page server)" "$(curl -s -o "$CG_TMP/answer.html" -w '%{http_code}' -H 'Host: casino.test' \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "token=$(token)&reason=third" \
	"http://127.0.0.1:$BP/.campusgate/review")" 200
cg_expect "fourth request: rate limit" "$(post casino.test "token=$tok&reason=fourth")" 429
grep -q '申请过多' "$CG_TMP/answer.html" || cg_fail "rate-limit text"

# 5. The console's queue: staff see it read-only; staff cannot decide (403 from the server).
A=$CG_TMP/a.jar W=$CG_TMP/w.jar
cg_expect "admin login" "$(cc_login "$A" alice admin-pass-1)" 303
cg_expect "staff login" "$(cc_login "$W" wang staff-pass-1)" 303
cg_expect "staff queue" "$(cc_code GET /unblock "$W")" 200
grep -q "id=\"req-$rid\"" "$CG_TMP/body" || cg_fail "the request is not in the staff's queue"
grep -q '课堂需要 class work' "$CG_TMP/body" || cg_fail "the reason is not shown"
grep -q '王老师' "$CG_TMP/body" || cg_fail "the teacher is not shown"
grep -q 'action="/unblock/approve"' "$CG_TMP/body" && cg_fail "staff see the approve form"
wcsrf=$(cc_csrf)
[ -n "$wcsrf" ] || cg_fail "no csrf on the staff's page"
cg_expect "staff approve refused" "$(cc_code POST /unblock/approve "$W" --data "csrf=$wcsrf&id=$rid&duration=today")" 403
cg_expect "staff decline refused" "$(cc_code POST /unblock/decline "$W" --data "csrf=$wcsrf&id=$rid&note=no")" 403
L=$CG_TMP/l.jar
cg_expect "scoped staff login" "$(cc_login "$L" li staff-pass-2)" 303
cg_expect "scoped staff queue" "$(cc_code GET /unblock "$L")" 200
grep -q 'id="req-' "$CG_TMP/body" && cg_fail "staff limited to class7a see the default group's requests"
grep -q 'id="ub-none"' "$CG_TMP/body" || cg_fail "the scoped queue does not say it is empty"
cg_expect "admin queue" "$(cc_code GET /unblock "$A")" 200
grep -q 'action="/unblock/approve"' "$CG_TMP/body" || cg_fail "no approve form for the admin"
# newest first: the bet.test request (later) before casino.test's
[ "$(grep -o 'id="req-[a-z0-9]*"' "$CG_TMP/body" | head -n 1)" = "id=\"req-$(grep -o '"id":"[a-z0-9]*","event":"unblock_request"' "$CG_TMP"/journal/*.jsonl | tail -n 1 | cut -d'"' -f4)\"" ] ||
	cg_fail "the queue is not newest first"
acsrf=$(cc_csrf)
cg_expect "approve without CSRF" "$(cc_code POST /unblock/approve "$A" --data "id=$rid&duration=today")" 403
cg_expect "a bad date" "$(cc_code POST /unblock/approve "$A" --data "csrf=$acsrf&id=$rid&duration=date&date=2020-01-01")" 400
cg_expect "an unknown id" "$(cc_code POST /unblock/approve "$A" --data "csrf=$acsrf&id=zzzz&duration=today")" 409

# 6. Before: blocked in DNS (the block page's address) and HTTP. The admin approves for
# "today": the grant, the reload, and then the upstream's answer and the origin.
cg_expect "DNS before" "$(dns_answer casino.test A)" 127.0.0.1
cg_expect "approve today" "$(cc_code POST /unblock/approve "$A" --data "csrf=$acsrf&id=$rid&duration=today")" 200
grep -q '网关已重新加载' "$CG_TMP/body" || cg_fail "no reload result: $(cat "$CG_TMP/body")"
grep -q "^casino.test default [0-9]* $rid alice$" "$CG_TMP/console/grants" || cg_fail "grant: $(cat "$CG_TMP/console/grants")"
end=$(awk '$1 == "casino.test" {print $3}' "$CG_TMP/console/grants")
want=$(TZ=Asia/Shanghai date -d 'tomorrow 00:00' +%s)
cg_expect "the grant ends at midnight in the school's zone" "$end" "$want"
cg_expect "DNS after" "$(dns_answer casino.test A)" 192.0.2.10
cg_expect "HTTP after" "$(page casino.test /spin)" 200
grep -q '^ORIGIN o1' "$CG_TMP/page.html" || cg_fail "not relayed after the approval"
cg_expect "another name stays blocked" "$(dns_answer bet.test A)" 127.0.0.1
cg_journal_has '"event":"admin"' '"action":"unblock_approve"' '"account":"alice"' "request=$rid host=casino.test group=default duration=today" ||
	cg_fail "the approval is not journaled"
cg_journal_has '"event":"admin"' '"action":"reload"' '"account":"alice"' '"reason":"ok (unblock approval)"' ||
	cg_fail "the reload is not journaled"
cc_code GET /unblock "$A" >/dev/null
grep -A3 "id=\"req-$rid\"" "$CG_TMP/body" | grep -q '已由 alice 批准' || cg_fail "the queue does not show the approval"
cg_expect "approve twice" "$(cc_code POST /unblock/approve "$A" --data "csrf=$acsrf&id=$rid&duration=today")" 409

# 7. A decline, with its note; nothing is granted.
cg_expect "decline without a note" "$(cc_code POST /unblock/decline "$A" --data "csrf=$acsrf&id=$rid_bet&note=")" 400
cg_expect "decline" "$(cc_code POST /unblock/decline "$A" --data-urlencode "csrf=$acsrf" --data-urlencode "id=$rid_bet" --data-urlencode "note=与学习无关")" 200
cg_journal_has '"action":"unblock_decline"' '"account":"alice"' "request=$rid_bet host=bet.test note=与学习无关" ||
	cg_fail "the decline is not journaled"
cc_code GET /unblock "$A" >/dev/null
grep -q '已由 alice 拒绝：与学习无关' "$CG_TMP/body" || cg_fail "the queue does not show the decline"
cg_expect "declined stays blocked" "$(dns_answer bet.test A)" 127.0.0.1
cc_code GET '/unblock?lang=en' "$A" >/dev/null
grep -q 'Declined by alice' "$CG_TMP/body" || cg_fail "no English queue"

# 8. A grant that ends stops allowing with no admin action (checked at every decision).
now=$(date +%s)
echo "poker.test default $((now + 4)) - alice" >>"$CG_TMP/console/grants"
"$CAMPUSGATE" reload -c "$conf" >/dev/null || cg_fail "reload"
cg_expect "short grant allows" "$(dns_answer poker.test A)" 192.0.2.12
cg_expect "short grant allows HTTP" "$(page poker.test /)" 200
sleep 5
cg_expect "ended grant blocks DNS" "$(dns_answer poker.test A)" 127.0.0.1
cg_expect "ended grant blocks HTTP" "$(page poker.test /)" 403
cg_expect "the day's grant still allows" "$(dns_answer casino.test A)" 192.0.2.10
cg_pass
