/* Tests for http_review.c: the form's token (bound to client, host and time), the
 * per-client rate limit, and which heads are a review post. */
#include <string.h>

#include "http_parse.h"
#include "http_review.h"
#include "testutil.h"

START_TEST(token_binds_client_host_time)
{
	struct http_review *rv = http_review_new(), *other = http_review_new();
	struct cg_addr a, b;
	char tok[HTTP_REVIEW_TOKEN_LEN], bad[HTTP_REVIEW_TOKEN_LEN];
	ck_assert_int_eq(addr_parse("10.1.2.3", &a), 0);
	ck_assert_int_eq(addr_parse("10.1.2.4", &b), 0);
	http_review_token(rv, &a, "blocked.example", 1000000, tok);
	ck_assert_uint_eq(strlen(tok), 41);
	ck_assert(http_review_token_ok(rv, &a, "blocked.example", tok, 1000000));
	ck_assert(http_review_token_ok(rv, &a, "blocked.example", tok,
				       1000000 + HTTP_REVIEW_TOKEN_TTL));
	ck_assert(!http_review_token_ok(rv, &a, "blocked.example", tok,
					1000000 + HTTP_REVIEW_TOKEN_TTL + 1));
	ck_assert(!http_review_token_ok(rv, &a, "blocked.example", tok, 999999)); /* future */
	ck_assert(!http_review_token_ok(rv, &b, "blocked.example", tok, 1000000));
	ck_assert(!http_review_token_ok(rv, &a, "other.example", tok, 1000000));
	ck_assert(!http_review_token_ok(other, &a, "blocked.example", tok, 1000000));
	/* a changed time or MAC, a cut token */
	memcpy(bad, tok, sizeof(bad));
	bad[7] = bad[7] == '0' ? '1' : '0';
	ck_assert(!http_review_token_ok(rv, &a, "blocked.example", bad, 1000000));
	memcpy(bad, tok, sizeof(bad));
	bad[40] = bad[40] == '0' ? '1' : '0';
	ck_assert(!http_review_token_ok(rv, &a, "blocked.example", bad, 1000000));
	bad[40] = '\0';
	ck_assert(!http_review_token_ok(rv, &a, "blocked.example", bad, 1000000));
	ck_assert(!http_review_token_ok(rv, &a, "blocked.example", "", 1000000));
	http_review_free(rv);
	http_review_free(other);
}
END_TEST

START_TEST(rate_per_client)
{
	struct http_review *rv = http_review_new();
	struct cg_addr a, b;
	ck_assert_int_eq(addr_parse("10.1.2.3", &a), 0);
	ck_assert_int_eq(addr_parse("2001:db8::3", &b), 0);
	for (int i = 0; i < 3; i++)
		ck_assert(http_review_rate(rv, &a, 1000 + i, 3, 600));
	ck_assert(!http_review_rate(rv, &a, 1010, 3, 600));
	ck_assert(http_review_rate(rv, &b, 1010, 3, 600)); /* another client: its own count */
	/* the first request leaves the window at 1600 */
	ck_assert(!http_review_rate(rv, &a, 1599, 3, 600));
	ck_assert(http_review_rate(rv, &a, 1600, 3, 600));
	ck_assert(!http_review_rate(rv, &a, 1600, 3, 600));
	/* limit 0: the form is off */
	ck_assert(!http_review_rate(rv, &b, 5000, 0, 600));
	http_review_free(rv);
}
END_TEST

START_TEST(rate_table_full)
{
	struct http_review *rv = http_review_new();
	struct cg_addr a;
	int refused = 0;
	/* far more clients than slots, all within one window: some are refused (the table
	 * never grows), none is let through twice over its limit */
	for (unsigned i = 0; i < 20000; i++) {
		a.family = 2;
		memset(a.a, 0, sizeof(a.a));
		a.a[0] = 10;
		a.a[1] = (uint8_t)(i >> 16);
		a.a[2] = (uint8_t)(i >> 8);
		a.a[3] = (uint8_t)i;
		if (!http_review_rate(rv, &a, 1000, 1, 600))
			refused++;
	}
	ck_assert_int_gt(refused, 0);
	/* later, the window over, a client gets a slot again */
	ck_assert(http_review_rate(rv, &a, 2000, 1, 600) || http_review_rate(rv, &a, 2000, 1, 600));
	http_review_free(rv);
}
END_TEST

START_TEST(is_form)
{
	struct http_request req;
	const char *h1 = "POST /.campusgate/review HTTP/1.1\r\nHost: a.example\r\n\r\n";
	const char *h2 = "POST /.campusgate/review?x HTTP/1.1\r\nHost: a.example\r\n\r\n";
	const char *h3 = "POST /.campusgate/reviews HTTP/1.1\r\nHost: a.example\r\n\r\n";
	const char *h4 = "GET /x/.campusgate/review HTTP/1.1\r\nHost: a.example\r\n\r\n";
	ck_assert_int_gt(http_parse_request(h1, strlen(h1), NULL, &req), 0);
	ck_assert(http_review_is_form(&req));
	ck_assert_int_gt(http_parse_request(h2, strlen(h2), NULL, &req), 0);
	ck_assert(http_review_is_form(&req));
	ck_assert_int_gt(http_parse_request(h3, strlen(h3), NULL, &req), 0);
	ck_assert(!http_review_is_form(&req));
	ck_assert_int_gt(http_parse_request(h4, strlen(h4), NULL, &req), 0);
	ck_assert(!http_review_is_form(&req));
	const char *h5 = "GET /.campusgate/review HTTP/1.1\r\nHost: a.example\r\n\r\n";
	ck_assert_int_gt(http_parse_request(h5, strlen(h5), NULL, &req), 0);
	ck_assert(!http_review_is_form(&req));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_review");
	TCase *tc = tcase_create("http_review");
	tcase_add_test(tc, token_binds_client_host_time);
	tcase_add_test(tc, rate_per_client);
	tcase_add_test(tc, rate_table_full);
	tcase_add_test(tc, is_form);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
