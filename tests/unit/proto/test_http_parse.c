/* Tests for http_parse.c and http_fields.c: request and response heads, every rejection
 * branch, Host canonicalisation, hop-by-hop headers and the framing a head declares.
 * Bodies are test_http_body.c's; the real request samples and HTTP captures are parsed
 * in test_http_samples.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_body.h"
#include "http_parse.h"
#include "testutil.h"
#include "util.h"

static struct http_request req;

static int P(const char *s)
{
	return http_parse_request(s, strlen(s), NULL, &req);
}

static int PL(const char *s, size_t max_head, size_t max_line, unsigned max_headers)
{
	struct http_limits lim = { max_head, max_line, max_headers };
	return http_parse_request(s, strlen(s), &lim, &req);
}

static const char *header(const char *name)
{
	static char v[256];
	for (unsigned i = 0; i < req.n_headers; i++)
		if (http_span_eq(&req.headers[i].name, name)) {
			snprintf(v, sizeof(v), "%.*s", (int)req.headers[i].value.len,
				 req.headers[i].value.p);
			return v;
		}
	return NULL;
}

START_TEST(origin_form_get)
{
	const char *s = "GET /a/b?c=d HTTP/1.1\r\nHost: Example.COM.\r\nUser-Agent:  x y \r\n\r\n";
	ck_assert_int_eq(P(s), (int)strlen(s));
	ck_assert_int_eq(req.form, HTTP_FORM_ORIGIN);
	ck_assert_int_eq(req.minor, 1);
	ck_assert_str_eq(req.host, "example.com");
	ck_assert_uint_eq(req.host_len, 11);
	ck_assert_uint_eq(req.port, 0);
	ck_assert(!req.host_is_ip);
	ck_assert_uint_eq(req.path.len, 8);
	ck_assert_int_eq(memcmp(req.path.p, "/a/b?c=d", 8), 0);
	ck_assert_uint_eq(req.n_headers, 2);
	ck_assert_str_eq(header("user-agent"), "x y");
	ck_assert(req.keep_alive);
	ck_assert_int_eq(req.content_length, -1);
	ck_assert(!req.chunked);
	ck_assert_int_eq(http_request_body_mode(&req), HTTP_BODY_NONE);
}
END_TEST

START_TEST(pipelined_returns_first_head)
{
	const char *a = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n";
	char buf[256];
	snprintf(buf, sizeof(buf), "%sGET /2 HTTP/1.1\r\nHost: b\r\n\r\n", a);
	ck_assert_int_eq(http_parse_request(buf, strlen(buf), NULL, &req), (int)strlen(a));
	ck_assert_str_eq(req.host, "a");
	int n = (int)strlen(a);
	ck_assert_int_gt(http_parse_request(buf + n, strlen(buf) - (size_t)n, NULL, &req), 0);
	ck_assert_str_eq(req.host, "b");
}
END_TEST

START_TEST(need_more_data)
{
	const char *full = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n";
	for (size_t i = 0; i < strlen(full); i++)
		ck_assert_int_eq(http_parse_request(full, i, NULL, &req), 0);
	ck_assert_int_eq(P(full), (int)strlen(full));
	ck_assert_int_eq(req.content_length, 3);
	ck_assert_int_eq(http_request_body_mode(&req), HTTP_BODY_LENGTH);
	/* Bare LF line ends are accepted (RFC 9112 2.2). */
	ck_assert_int_gt(P("GET / HTTP/1.0\n\n"), 0);
	/* Empty lines before the request line are skipped, a few of them. */
	ck_assert_int_gt(P("\r\n\r\nGET / HTTP/1.0\r\n\r\n"), 0);
	ck_assert_int_eq(P("\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.0\r\n\r\n"), -400);
	ck_assert_int_eq(P("\r"), 0);
	ck_assert_int_eq(P("\rX"), -400);
}
END_TEST

START_TEST(absolute_form)
{
	ck_assert_int_gt(P("GET HTTP://WWW.Example.org:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n"), 0);
	ck_assert_int_eq(req.form, HTTP_FORM_ABSOLUTE);
	ck_assert_str_eq(req.host, "www.example.org"); /* the target wins over Host */
	ck_assert_uint_eq(req.port, 8080);
	ck_assert_uint_eq(req.path.len, 4);
	ck_assert_int_eq(memcmp(req.path.p, "/p?q", 4), 0);
	ck_assert_int_gt(P("GET http://example.org HTTP/1.0\r\n\r\n"), 0);
	ck_assert_uint_eq(req.path.len, 1);
	ck_assert_int_eq(req.path.p[0], '/');
	ck_assert_int_gt(P("GET http://example.org?x HTTP/1.0\r\n\r\n"), 0);
	ck_assert_int_gt(P("GET http://[2001:DB8::1]:81/ HTTP/1.0\r\n\r\n"), 0);
	ck_assert_str_eq(req.host, "2001:db8::1");
	ck_assert_uint_eq(req.port, 81);
	ck_assert(req.host_is_ip);
	/* Rejections. */
	ck_assert_int_eq(P("GET https://example.org/ HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET ftp://example.org/ HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET http:// HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "empty authority");
	ck_assert_int_eq(P("GET http://u:p@example.org/ HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "user information in the request target");
	ck_assert_int_eq(P("GET http://exa mple.org/ HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET http://example.org:99999/ HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
}
END_TEST

START_TEST(authority_and_asterisk_forms)
{
	ck_assert_int_gt(P("CONNECT Secure.Example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	ck_assert_int_eq(req.form, HTTP_FORM_AUTHORITY);
	ck_assert(req.is_connect);
	ck_assert_str_eq(req.host, "secure.example.com");
	ck_assert_uint_eq(req.port, 443);
	ck_assert_uint_eq(req.path.len, 0);
	ck_assert_int_gt(P("CONNECT [::1]:8443 HTTP/1.0\r\n\r\n"), 0);
	ck_assert_str_eq(req.host, "::1");
	ck_assert_int_eq(P("CONNECT example.com HTTP/1.1\r\nHost: x\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "CONNECT target without a port");
	ck_assert_int_eq(P("CONNECT example.com: HTTP/1.1\r\nHost: x\r\n\r\n"), -400);
	ck_assert_int_eq(P("CONNECT :443 HTTP/1.1\r\nHost: x\r\n\r\n"), -400);
	ck_assert_int_gt(P("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
	ck_assert_int_eq(req.form, HTTP_FORM_ASTERISK);
	ck_assert_int_eq(P("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "\"*\" target outside OPTIONS");
	ck_assert_int_eq(P("GET example.com/ HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
}
END_TEST

START_TEST(request_line_rejections)
{
	ck_assert_int_eq(P("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "malformed method");
	ck_assert_int_eq(P(" GET / HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "malformed request target");
	ck_assert_int_eq(P("GET /\r\n\r\n"), -400);                 /* HTTP/0.9 */
	ck_assert_int_eq(P("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "malformed request target");
	ck_assert_int_eq(P("GET / HTTP/1.1 \r\nHost: h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "malformed HTTP version");
	ck_assert_int_eq(P("GET / http/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), -505);
	ck_assert_int_eq(P("GET / HTTP/1.2\r\nHost: h\r\n\r\n"), -505);
	ck_assert_int_eq(P("GET / HTTP/1.1x\r\nHost: h\r\n\r\n"), -400);
	/* NUL and bare CR in the request line. */
	const char nul[] = "GET /\0 HTTP/1.1\r\nHost: h\r\n\r\n";
	ck_assert_int_eq(http_parse_request(nul, sizeof(nul) - 1, NULL, &req), -400);
	ck_assert_int_eq(P("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "bare CR or NUL in the request line");
}
END_TEST

/* issue 11: raw UTF-8 in the target is taken as sent (urlnorm decodes both forms alike). */
START_TEST(raw_utf8_target)
{
	ck_assert_int_gt(P("GET /\xe8\xb5\x8c\xe5\x8d\x9a?q=\xe4\xb8\xad HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
	ck_assert(req.path.len == 13 && memcmp(req.path.p, "/\xe8\xb5\x8c\xe5\x8d\x9a?q=\xe4\xb8\xad", 13) == 0);
	ck_assert_int_gt(P("GET http://h/\xe4\xb8\xad HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
	ck_assert_uint_eq(req.path.len, 4);
	/* still no controls, DEL or spaces */
	ck_assert_int_eq(P("GET /\xe4\xb8\xad\x01 HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET /\xe4 \xb8 HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
}
END_TEST

/* Feed s one byte more each call, as a client sending one byte per segment; the result
 * of the first call that is not 0, and the calls it took in *calls. */
static int scan_bytewise(struct http_scan *sc, const char *buf, size_t len,
			 const struct http_limits *lim, size_t *calls)
{
	int r = 0;
	size_t k = 0;

	http_scan_reset(sc);
	while (r == 0 && k < len)
		r = http_scan_request(sc, buf, ++k, lim, &req);
	*calls = k;
	return r;
}

/* issue 11: a 4 KB head sent one byte at a time costs linear steps, and gives what one
 * parse of the whole head gives. */
START_TEST(scan_is_linear)
{
	struct http_scan sc;
	size_t calls;
	char *head = xmalloc(8192);
	size_t n = (size_t)sprintf(head, "GET /index.html?q=1 HTTP/1.1\r\nHost: example.org\r\n");
	while (n < 4100)
		n += (size_t)sprintf(head + n, "X-Pad-%04zu: %s\r\n", n, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	n += (size_t)sprintf(head + n, "\r\n");
	ck_assert_uint_ge(n, 4096);

	int whole = http_parse_request(head, n, NULL, &req);
	ck_assert_int_eq(whole, (int)n);
	int r = scan_bytewise(&sc, head, n, NULL, &calls);
	ck_assert_int_eq(r, whole);
	ck_assert_uint_eq(calls, n);
	ck_assert_msg(sc.steps < 4 * n, "%lu steps for a head of %zu bytes", sc.steps, n);
	ck_assert_uint_gt(req.n_headers, 50);
	ck_assert(req.host_len == 11 && memcmp(req.host, "example.org", 11) == 0);

	/* the same bytes in a few large pieces: the same answer, fewer steps still */
	http_scan_reset(&sc);
	ck_assert_int_eq(http_scan_request(&sc, head, 100, NULL, &req), 0);
	ck_assert_int_eq(http_scan_request(&sc, head, 2000, NULL, &req), 0);
	ck_assert_int_eq(http_scan_request(&sc, head, n, NULL, &req), (int)n);
	ck_assert_uint_lt(sc.steps, 4 * n);
	free(head);
}
END_TEST

/* The scan hands every refusal to the parser as soon as the bytes show it. */
START_TEST(scan_rejections)
{
	struct http_scan sc;
	size_t calls;
	struct http_limits lim = { 1024, 64, 4, false };
	char buf[2048];

	/* a bare CR: at the byte after it */
	const char *bare = "GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n";
	ck_assert_int_eq(scan_bytewise(&sc, bare, strlen(bare), &lim, &calls), -400);
	ck_assert_uint_eq(calls, 25); /* the byte after the CR */
	/* a NUL in a field: refused (at the latest when the head ends) */
	const char nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
	ck_assert_int_eq(scan_bytewise(&sc, nul, sizeof(nul) - 1, &lim, &calls), -400);
	ck_assert_uint_le(calls, 32);
	/* a field line that is no field: when it ends, not with the head */
	static const struct { const char *head; size_t at; } bad_fields[] = {
		{ "GET / HTTP/1.1\r\nHost: h\r\nBad Name: 1\r\nY: 1\r\n", 38 },
		{ "GET / HTTP/1.1\r\nHost: h\r\n Folded: 1\r\nY: 1\r\n", 37 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\nY: 1\r\n", 33 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\nY: 1\r\n", 32 },
		{ "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\nY: 1\r\n", 34 },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(bad_fields); i++) {
		const char *h = bad_fields[i].head;
		ck_assert_int_eq(scan_bytewise(&sc, h, strlen(h), &lim, &calls), -400);
		ck_assert_msg(calls == bad_fields[i].at, "%zu: answered after %zu bytes", i, calls);
		ck_assert_int_eq(http_parse_request(h, calls, &lim, &req), -400);
	}
	/* a bad request line: when it ends, not with the head */
	const char *bad = "G(T / HTTP/1.1\r\nHost: h\r\n\r\n";
	ck_assert_int_eq(scan_bytewise(&sc, bad, strlen(bad), &lim, &calls), -400);
	ck_assert_uint_eq(calls, 16);
	/* a request line over max_line: 414 as soon as it is too long */
	memset(buf, 'a', 200);
	memcpy(buf, "GET /", 5);
	ck_assert_int_eq(scan_bytewise(&sc, buf, 200, &lim, &calls), -414);
	ck_assert_uint_eq(calls, 65);
	/* a header line over max_line: 431 */
	size_t n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nX: ");
	memset(buf + n, 'b', 100);
	ck_assert_int_eq(scan_bytewise(&sc, buf, n + 100, &lim, &calls), -431);
	ck_assert_uint_eq(calls, 16 + 65);
	/* too many fields: 431 without waiting for the head's end */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\n");
	ck_assert_int_eq(scan_bytewise(&sc, buf, n, &lim, &calls), -431);
	ck_assert_uint_lt(calls, n);
	/* a head over max_head: 431 */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\n");
	while (n < 1100)
		n += (size_t)sprintf(buf + n, "X: 0123456789\r\n");
	struct http_limits many = { 1024, 64, 100, false };
	ck_assert_int_eq(scan_bytewise(&sc, buf, n, &many, &calls), -431);
	ck_assert_uint_eq(calls, 1025);
	/* too many empty lines before the request */
	const char *empties = "\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.0\r\n\r\n";
	ck_assert_int_eq(scan_bytewise(&sc, empties, strlen(empties), &lim, &calls), -400);
	ck_assert_uint_eq(calls, 10);
	/* up to four are skipped; a bare-LF head ends too */
	const char *ok = "\r\n\nGET / HTTP/1.0\n\n";
	ck_assert_int_eq(scan_bytewise(&sc, ok, strlen(ok), &lim, &calls), (int)strlen(ok));
	/* pipelined: the first head, then the next from a reset scan */
	const char *two = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n";
	http_scan_reset(&sc);
	int r = http_scan_request(&sc, two, strlen(two), &lim, &req);
	ck_assert_int_eq(r, 28);
	http_scan_reset(&sc);
	ck_assert_int_eq(http_scan_request(&sc, two + r, strlen(two) - (size_t)r, &lim, &req), 28);
	ck_assert(req.path.len == 2 && req.path.p[1] == 'b');
	/* a shorter buffer than the last call's: scanned again from its start */
	ck_assert_int_eq(http_scan_request(&sc, two, 10, &lim, &req), 0);
	ck_assert_uint_eq(sc.pos, 10);
}
END_TEST

START_TEST(request_line_too_long)
{
	char buf[12000];
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', 9000);
	buf[9005] = '\0';
	/* Incomplete but already over the cap: 414 at once. */
	ck_assert_int_eq(P(buf), -414);
	strcat(buf, " HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_int_eq(P(buf), -414);
	ck_assert_str_eq(req.error, "request line too long");
	/* A smaller configured cap. */
	ck_assert_int_eq(PL("GET /0123456789 HTTP/1.1\r\nHost: h\r\n\r\n", 0, 20, 0), -414);
	ck_assert_int_gt(PL("GET /01 HTTP/1.1\r\nHost: h\r\n\r\n", 0, 20, 0), 0);
	/* Just under the cap and incomplete: more data. */
	ck_assert_int_eq(PL("GET /0123456789", 0, 20, 0), 0);
}
END_TEST

START_TEST(header_rejections)
{
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "obsolete line folding or white space before a field");
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\tfolded\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "invalid header field name");
	ck_assert_int_eq(P("GET / HTTP/1.1\r\n: h\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nX(y): h\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "control character in a header value");
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7fz\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: h\r\nX: a\rz\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "bare CR or NUL in a header line");
	const char nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0z\r\n\r\n";
	ck_assert_int_eq(http_parse_request(nul, sizeof(nul) - 1, NULL, &req), -400);
	/* A tab inside a value is fine; so is obs-text. */
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: h\r\nX: a\tb \xe4\xb8\xad\r\n\r\n"), 0);
}
END_TEST

START_TEST(header_caps)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_adds(&b, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (int i = 0; i < 10; i++)
		sbuf_printf(&b, "X-%d: v\r\n", i);
	sbuf_adds(&b, "\r\n");
	ck_assert_int_gt(PL(b.data, 0, 0, 11), 0);
	ck_assert_int_eq(PL(b.data, 0, 0, 10), -431);
	ck_assert_str_eq(req.error, "too many header fields");
	/* Whole head over the cap: complete or not. */
	ck_assert_int_eq(PL(b.data, 64, 0, 0), -431);
	ck_assert_str_eq(req.error, "header section too large");
	b.data[100] = '\0';
	ck_assert_int_eq(PL(b.data, 64, 0, 0), -431);
	/* A single header line over the line cap, complete and incomplete. */
	sbuf_reset(&b);
	sbuf_adds(&b, "GET / HTTP/1.1\r\nHost: h\r\nX-Long: ");
	for (int i = 0; i < 100; i++)
		sbuf_adds(&b, "abcdefghij");
	ck_assert_int_eq(PL(b.data, 0, 500, 0), -431);
	sbuf_adds(&b, "\r\n\r\n");
	ck_assert_int_eq(PL(b.data, 0, 500, 0), -431);
	ck_assert_int_gt(PL(b.data, 0, 2000, 0), 0);
	/* The default count cap (100) and the hard cap (128). */
	sbuf_reset(&b);
	sbuf_adds(&b, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (int i = 0; i < 130; i++)
		sbuf_printf(&b, "X-%d: v\r\n", i);
	sbuf_adds(&b, "\r\n");
	ck_assert_int_eq(PL(b.data, 65536, 0, 0), -431);
	ck_assert_int_eq(PL(b.data, 65536, 0, 1000), -431);
	sbuf_free(&b);
}
END_TEST

START_TEST(framing_rejections)
{
	ck_assert_int_gt(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"), 0);
	ck_assert_int_eq(req.content_length, 5);
	ck_assert_int_gt(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n"), 0);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "invalid or conflicting Content-Length");
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n"), -400);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ABC\r\n\r\n"), -400);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), -400);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n"), -400);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1234567890123456789\r\n\r\n"), -400);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n"), -400);
	/* Transfer-Encoding with Content-Length (RFC 9112 6.3): 400, in either order. */
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 12\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "both Transfer-Encoding and Content-Length");
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
	/* Transfer codings. */
	ck_assert_int_gt(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"), 0);
	ck_assert(req.chunked);
	ck_assert_int_eq(http_request_body_mode(&req), HTTP_BODY_CHUNKED);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "chunked is not the final transfer coding");
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), -501);
	ck_assert_str_eq(req.error, "unsupported transfer coding");
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "transfer coding after chunked");
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
	ck_assert_int_eq(P("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n"), -400);
	/* issue 11: Transfer-Encoding in an HTTP/1.0 request, even a valid chunked one */
	ck_assert_int_eq(P("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "Transfer-Encoding in an HTTP/1.0 request");
	ck_assert_int_eq(P("POST http://h/ HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "Transfer-Encoding in an HTTP/1.0 request");
	ck_assert_int_gt(P("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n"), 0);
}
END_TEST

START_TEST(host_rules)
{
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "HTTP/1.1 request without Host");
	ck_assert_int_gt(P("GET / HTTP/1.0\r\n\r\n"), 0);
	ck_assert_uint_eq(req.host_len, 0);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), -400);
	ck_assert_str_eq(req.error, "more than one Host header");
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost:\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a..b\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a:0\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: [zz::1]\r\n\r\n"), -400);
	ck_assert_int_eq(P("GET / HTTP/1.1\r\nHost: []\r\n\r\n"), -400);
	/* Canonical forms. */
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: WWW.Example.COM.:8080\r\n\r\n"), 0);
	ck_assert_str_eq(req.host, "www.example.com");
	ck_assert_uint_eq(req.port, 8080);
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: example.com:\r\n\r\n"), 0);
	ck_assert_uint_eq(req.port, 0);
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: [::FFFF:1.2.3.4]:80\r\n\r\n"), 0);
	ck_assert(req.host_is_ip);
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: 192.0.2.7\r\n\r\n"), 0);
	ck_assert_str_eq(req.host, "192.0.2.7");
	ck_assert(req.host_is_ip);
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: \xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95\r\n\r\n"), 0);
	ck_assert_str_eq(req.host, "xn--fsqu00a.xn--0zwm56d");
	char h[400];
	snprintf(h, sizeof(h), "GET / HTTP/1.1\r\nHost: %0300d\r\n\r\n", 1);
	ck_assert_int_eq(P(h), -400);
}
END_TEST

START_TEST(authority_helper)
{
	char host[NAME_MAX_LEN + 1];
	size_t hl;
	uint16_t port;
	const char *why;
	ck_assert_int_eq(http_parse_authority("a.B:1", 5, host, &hl, &port, &why), 0);
	ck_assert_str_eq(host, "a.b");
	ck_assert_uint_eq(port, 1);
	ck_assert_int_eq(http_parse_authority("", 0, host, &hl, &port, &why), -1);
	ck_assert_str_eq(why, "empty host");
	ck_assert_int_eq(http_parse_authority(":80", 3, host, &hl, &port, &why), -1);
	ck_assert_int_eq(http_parse_authority("[1::2]:", 7, host, &hl, &port, &why), 0);
	ck_assert_str_eq(host, "1::2");
	ck_assert_int_eq(http_parse_authority("a\"b", 3, host, &hl, &port, &why), -1);
	ck_assert_str_eq(why, "bad character in host");
}
END_TEST

START_TEST(connection_semantics)
{
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"), 0);
	ck_assert(!req.keep_alive);
	ck_assert_int_gt(P("GET / HTTP/1.0\r\n\r\n"), 0);
	ck_assert(!req.keep_alive);
	ck_assert_int_gt(P("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0);
	ck_assert(req.keep_alive);
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Foo\r\n"
			   "X-Foo: 1\r\nX-Bar: 2\r\nExpect: 100-continue\r\n\r\n"), 0);
	ck_assert(req.keep_alive);
	ck_assert(req.expect_continue);
	ck_assert_uint_eq(req.n_conn_tokens, 2);
	/* Hop-by-hop: the fixed set plus what Connection names; never the framing ones. */
	struct http_span n;
	const char *hop[] = { "Connection", "keep-alive", "Proxy-Connection", "TE",
			      "Upgrade", "Proxy-Authorization", "x-foo" };
	for (size_t i = 0; i < CG_ARRAY_LEN(hop); i++) {
		n.p = hop[i];
		n.len = strlen(hop[i]);
		ck_assert_msg(http_header_is_hop(&n, req.conn_tokens, req.n_conn_tokens), "%s",
			      hop[i]);
	}
	const char *e2e[] = { "X-Bar", "Host", "Content-Length", "Cookie", "Authorization",
			      "Trailer" /* end to end: RFC 9110 6.6.2 */ };
	for (size_t i = 0; i < CG_ARRAY_LEN(e2e); i++) {
		n.p = e2e[i];
		n.len = strlen(e2e[i]);
		ck_assert_msg(!http_header_is_hop(&n, req.conn_tokens, req.n_conn_tokens), "%s",
			      e2e[i]);
	}
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: h\r\nConnection: content-length, host\r\n\r\n"), 0);
	n.p = "Host";
	n.len = 4;
	ck_assert(!http_header_is_hop(&n, req.conn_tokens, req.n_conn_tokens));
	ck_assert_int_gt(P("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
	ck_assert(req.is_head);
}
END_TEST

static struct http_response resp;

static int R(const char *s)
{
	return http_parse_response(s, strlen(s), NULL, &resp);
}

START_TEST(responses)
{
	ck_assert_int_gt(R("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n"), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(resp.keep_alive);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_LENGTH);
	ck_assert_int_eq(http_response_body_mode(&resp, true), HTTP_BODY_NONE);
	ck_assert_int_gt(R("HTTP/1.1 204 No Content\r\n\r\n"), 0);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_NONE);
	ck_assert_int_gt(R("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"), 0);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_NONE);
	ck_assert_int_gt(R("HTTP/1.1 100 Continue\r\n\r\n"), 0);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_NONE);
	ck_assert_int_gt(R("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_NONE);
	ck_assert_int_gt(R("HTTP/1.0 200 OK\r\n\r\n"), 0);
	ck_assert(!resp.keep_alive);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_CLOSE);
	ck_assert_int_gt(R("HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\n"), 0);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_CHUNKED);
	ck_assert_int_gt(R("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), 0);
	ck_assert_int_eq(http_response_body_mode(&resp, false), HTTP_BODY_CLOSE);
	ck_assert(!resp.keep_alive);
	ck_assert_int_eq(R("HTTP/1.1 200 OK\r\nContent"), 0);
	/* Rejections: all 502. */
	ck_assert_int_eq(R("HTTP/1.1 20 OK\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/2.0 200 OK\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/1.1 200OK\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/1.1 099 x\r\n\r\n"), -502);
	ck_assert_int_eq(R("ICY 200 OK\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), -502);
	ck_assert_int_eq(R("HTTP/1.1 200 OK\rX\r\n\r\n"), -502);
	char big[10000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "HTTP/1.1 200 ", 13);
	ck_assert_int_eq(R(big), -502);
}
END_TEST

/* ---- lenient mode (the sensor's) ---------------------------------------------- */

static int LEN(const char *s, size_t max_head)
{
	struct http_limits lim = { .max_head = max_head, .lenient = true };
	return http_parse_request(s, strlen(s), &lim, &req);
}

static bool span_is(const struct http_span *s, const char *want)
{
	return s->len == strlen(want) && memcmp(s->p, want, s->len) == 0;
}

/* Each of these is a 400 for the proxy, and a request the sensor reports. */
START_TEST(lenient_reads_what_strict_refuses)
{
	const char *r = "GET /uri afterspace HTTP/1.1\r\nHost: Example.COM:8080\r\n\r\n";
	ck_assert_int_eq(P(r), -400);
	ck_assert_int_eq(LEN(r, 0), (int)strlen(r));
	ck_assert(span_is(&req.method, "GET"));
	ck_assert(span_is(&req.path, "/uri afterspace"));
	ck_assert(span_is(&req.host_raw, "Example.COM"));
	ck_assert_uint_eq(req.host_len, 0);
	ck_assert_int_eq(req.minor, 1);
	/* no target, a bare CR, a line without a colon */
	r = "OPTIONS HTTP/1.0\r\nX: a\rb\r\nbogus\r\nHost: g.cn\r\n\r\n";
	ck_assert_int_eq(P(r), -400);
	ck_assert_int_eq(LEN(r, 0), (int)strlen(r));
	ck_assert_uint_eq(req.path.len, 0);
	ck_assert_int_eq(req.minor, 0);
	ck_assert_uint_eq(req.n_headers, 2);
	ck_assert(span_is(&req.host_raw, "g.cn"));
	/* https:// with user information; the target's host wins over Host */
	r = "GET https://u@[2001:db8::1]:8443/p?q HTTP/1.1\r\nHost: other.cn\r\n\r\n";
	ck_assert_int_eq(P(r), -400);
	ck_assert_int_gt(LEN(r, 0), 0);
	ck_assert_int_eq(req.form, HTTP_FORM_ABSOLUTE);
	ck_assert(span_is(&req.host_raw, "2001:db8::1"));
	ck_assert(span_is(&req.path, "/p?q"));
	/* framing as a server would guess: the last Host and Content-Length, chunked named */
	r = "POST /up HTTP/1.1\nHost: a.cn\nHost: b.cn:81\nContent-Length: 5\n"
	    "Content-Length: 12x\nTransfer-Encoding: gzip, Chunked\n\n";
	ck_assert_int_eq(P(r), -400);
	ck_assert_int_eq(LEN(r, 0), (int)strlen(r));
	ck_assert(span_is(&req.host_raw, "b.cn"));
	ck_assert_int_eq(req.content_length, 12);
	ck_assert(req.chunked);
	/* CONNECT: the host from the target; HTTP/1.1 without Host is no error */
	ck_assert_int_gt(LEN("CONNECT vpn.example:443 HTTP/1.1\r\n\r\n", 0), 0);
	ck_assert(req.is_connect);
	ck_assert(span_is(&req.host_raw, "vpn.example"));
	/* the strict mode also says which host was sent */
	ck_assert_int_gt(P("GET / HTTP/1.1\r\nHost: WWW.Example.cn:81\r\n\r\n"), 0);
	ck_assert(span_is(&req.host_raw, "WWW.Example.cn"));
	ck_assert_str_eq(req.host, "www.example.cn");
}
END_TEST

START_TEST(lenient_rejections)
{
	/* bytes that do not start like a request */
	ck_assert_int_eq(LEN("get / HTTP/1.1\r\n\r\n", 0), -400);
	ck_assert_ptr_nonnull(req.error);
	ck_assert_int_eq(LEN("\r\nGET / HTTP/1.1\r\n\r\n", 0), -400);
	ck_assert_int_eq(LEN("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ / HTTP/1.1\r\n\r\n", 0), -400);
	ck_assert_int_eq(LEN("", 0), -400);
	ck_assert(http_looks_like_request("CCM_POST /", 10));
	ck_assert(http_looks_like_request("GE", 2));
	ck_assert(!http_looks_like_request("_X ", 3));
	/* the head must end within max_head bytes: max_head bytes without its end are too
	 * many, fewer may still become a head */
	const char *r = "GET / HTTP/1.1\r\nHost: a.cn\r\n\r\n";
	size_t n = strlen(r);
	ck_assert_int_eq(LEN(r, n), (int)n);
	ck_assert_int_eq(LEN(r, n - 1), -431);
	ck_assert_ptr_nonnull(req.error);
	struct http_limits lim = { .max_head = 100, .lenient = true };
	ck_assert_int_eq(http_parse_request(r, n - 2, &lim, &req), 0);
	lim.max_head = n - 2;
	ck_assert_int_eq(http_parse_request(r, n - 2, &lim, &req), -431);
	/* fields past max_headers are read over, neither stored nor refused */
	lim.max_head = 0;
	lim.max_headers = 1;
	r = "GET / HTTP/1.1\r\nA: 1\r\nHost: a.cn\r\n\r\n";
	ck_assert_int_eq(http_parse_request(r, strlen(r), &lim, &req), (int)strlen(r));
	ck_assert_uint_eq(req.n_headers, 1);
	ck_assert_uint_eq(req.host_raw.len, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_parse");
	TCase *tc = tcase_create("http_parse");
	tcase_add_test(tc, origin_form_get);
	tcase_add_test(tc, pipelined_returns_first_head);
	tcase_add_test(tc, need_more_data);
	tcase_add_test(tc, absolute_form);
	tcase_add_test(tc, authority_and_asterisk_forms);
	tcase_add_test(tc, request_line_rejections);
	tcase_add_test(tc, raw_utf8_target);
	tcase_add_test(tc, scan_is_linear);
	tcase_add_test(tc, scan_rejections);
	tcase_add_test(tc, request_line_too_long);
	tcase_add_test(tc, header_rejections);
	tcase_add_test(tc, header_caps);
	tcase_add_test(tc, framing_rejections);
	tcase_add_test(tc, host_rules);
	tcase_add_test(tc, authority_helper);
	tcase_add_test(tc, connection_semantics);
	tcase_add_test(tc, responses);
	tcase_add_test(tc, lenient_reads_what_strict_refuses);
	tcase_add_test(tc, lenient_rejections);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
