/* Tests for http_body.c: a body read by Content-Length or chunked (CRLF only), every
 * rejection of the chunked coding, and the trailer fields checked as fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_body.h"
#include "http_parse.h"
#include "testutil.h"
#include "util.h"

static int feed_all(struct http_body *b, const char *s, size_t *used)
{
	return http_body_feed(b, s, strlen(s), used);
}

START_TEST(body_length_and_chunked)
{
	struct http_body b;
	size_t used;
	http_body_init(&b, HTTP_BODY_LENGTH, 5);
	ck_assert_int_eq(feed_all(&b, "abc", &used), 0);
	ck_assert_uint_eq(used, 3);
	ck_assert_int_eq(feed_all(&b, "deGET", &used), 1);
	ck_assert_uint_eq(used, 2);
	http_body_init(&b, HTTP_BODY_NONE, 0);
	ck_assert_int_eq(feed_all(&b, "x", &used), 1);
	ck_assert_uint_eq(used, 0);
	http_body_init(&b, HTTP_BODY_CLOSE, 0);
	ck_assert_int_eq(feed_all(&b, "xyz", &used), 0);
	ck_assert_uint_eq(used, 3);

	const char *ch = "4\r\nWiki\r\n5;ext=1\r\npedia\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nNEXT";
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, ch, &used), 1);
	ck_assert_uint_eq(used, strlen(ch) - 4);
	/* The same, one byte at a time. */
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	size_t total = 0;
	int r = 0;
	for (size_t i = 0; i < strlen(ch) && r == 0; i++) {
		r = http_body_feed(&b, ch + i, 1, &used);
		total += used;
	}
	ck_assert_int_eq(r, 1);
	ck_assert_uint_eq(total, strlen(ch) - 4);
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\n\r\n", &used), 1);
	ck_assert_int_eq(feed_all(&b, "more", &used), 1);
	ck_assert_uint_eq(used, 0);
	/* trailer fields as in a head: several, empty values, tabs and UTF-8 in values */
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\nA: 1\r\nB:\r\nC: x\ty \xe4\xb8\xad\r\n\r\n", &used), 1);
	ck_assert_uint_eq(b.trailer_fields, 3);
}
END_TEST

static int chunk_err(const char *s)
{
	struct http_body b;
	size_t used;
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	int r = http_body_feed(&b, s, strlen(s), &used);
	return r;
}

START_TEST(body_chunked_rejections)
{
	ck_assert_int_eq(chunk_err("\r\n"), -1);          /* size missing */
	ck_assert_int_eq(chunk_err("g\r\n"), -1);         /* invalid size */
	ck_assert_int_eq(chunk_err(";x\r\n"), -1);
	ck_assert_int_eq(chunk_err("-1\r\n"), -1);
	ck_assert_int_eq(chunk_err("1\rx"), -1);          /* bare CR after size */
	ck_assert_int_eq(chunk_err("1\r\naX"), -1);       /* data not followed by CRLF */
	ck_assert_int_eq(chunk_err("1\r\na\rX"), -1);
	ck_assert_int_eq(chunk_err("10000000000000000\r\n"), -1); /* too large */
	ck_assert_int_eq(chunk_err("0\r\nX: 1\rz"), -1);  /* bare CR in trailer */
	ck_assert_int_eq(chunk_err("0\r\n\rz"), -1);
	struct http_body b;
	size_t used;
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(http_body_feed(&b, "1;a\0b\r\n", 7, &used), -1);
	ck_assert_str_eq(b.error, "NUL in a chunk extension");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(http_body_feed(&b, "0\r\nX: \0\r\n", 9, &used), -1);
	ck_assert_str_eq(b.error, "NUL in a trailer");
	/* issue 11: CRLF only; a bare LF is refused wherever a line ends */
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\n\n", &used), -1);
	ck_assert_str_eq(b.error, "bare LF in a chunk size line");
	ck_assert_int_eq(chunk_err("1;ext\n"), -1);
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "1\r\na\n0\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "chunk data not followed by CRLF");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\n\n", &used), -1);
	ck_assert_str_eq(b.error, "bare LF in the trailer section");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\nX: 1\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "bare LF in the trailer section");
	/* control bytes in an extension */
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "1;a\x01\r\n", &used), -1);
	ck_assert_str_eq(b.error, "control character in a chunk extension");
	/* trailer fields are header fields */
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\n X: 1\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "obsolete line folding in the trailer section");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\n(X): 1\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "invalid trailer field name");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\nX 1\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "invalid trailer field name");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\nNoColon\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "invalid trailer field name");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\nX: a\x01b\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "control character in a trailer");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	ck_assert_int_eq(feed_all(&b, "0\r\nX: a\x7f\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "control character in a trailer");
	/* the caps of a head: line length and field count (here lowered) */
	struct http_limits lim = { 1024, 32, 2, false };
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	http_body_limits(&b, &lim);
	ck_assert_int_eq(feed_all(&b, "0\r\nX: 0123456789012345678901234567890123\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "trailer line too long");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	http_body_limits(&b, &lim);
	ck_assert_int_eq(feed_all(&b, "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", &used), -1);
	ck_assert_str_eq(b.error, "too many trailer fields");
	http_body_init(&b, HTTP_BODY_CHUNKED, 0);
	http_body_limits(&b, &lim);
	ck_assert_int_eq(feed_all(&b, "0\r\nA: 1\r\nB: 2\r\n\r\n", &used), 1);
	/* Over-long size line and trailer section. */
	char *big = xmalloc(40000);
	memset(big, '0', 5000);
	big[5000] = '\0';
	ck_assert_int_eq(chunk_err(big), -1);
	strcpy(big, "0\r\n");
	for (int i = 0; i < 1000; i++) /* 20 kB > the 16 kB trailer cap */
		strcat(big, "X-Trailer: 0123456\r\n");
	ck_assert_int_eq(chunk_err(big), -1);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_body");
	TCase *tc = tcase_create("http_body");
	tcase_add_test(tc, body_length_and_chunked);
	tcase_add_test(tc, body_chunked_rejections);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
