/* Tests for dns_health.c: per-upstream counters, the down state after failures in a row,
 * recovery, and the status lines. */
#include <string.h>

#include "dns_health.h"
#include "testutil.h"
#include "util.h"

static struct cg_endpoint ep(const char *s)
{
	struct cg_endpoint e;
	ck_assert_int_eq(endpoint_parse(s, 53, &e), 0);
	return e;
}

START_TEST(down_after_failures_and_back)
{
	struct dns_health h;
	dns_health_init(&h);
	struct cg_endpoint a = ep("192.0.2.53"), b = ep("[2001:db8::53]:5353");
	struct dns_upstream_health *ua = dns_health_slot(&h, &a), *ub = dns_health_slot(&h, &b);
	ck_assert_ptr_nonnull(ua);
	ck_assert_ptr_nonnull(ub);
	ck_assert_ptr_eq(dns_health_slot(&h, &a), ua);   /* one slot per endpoint */
	ck_assert_str_eq(ua->name, "192.0.2.53:53");
	time_t now = 1000;
	dns_health_answered(ua, now);
	for (int i = 0; i < DNS_HEALTH_DOWN_AFTER - 1; i++) {
		dns_health_failed(ua, DNS_HEALTH_TIMEOUT, 2000, now + i);
		ck_assert(!dns_health_down(ua));
	}
	dns_health_failed(ua, DNS_HEALTH_ERROR, 2000, now + 5);
	ck_assert(dns_health_down(ua));
	ck_assert_uint_eq(ua->timeouts, DNS_HEALTH_DOWN_AFTER - 1);
	ck_assert_uint_eq(ua->errors, 1);
	/* the first failure warned; the next warning waits a minute */
	ck_assert_int_eq(ua->last_warned, now);
	dns_health_failed(ua, DNS_HEALTH_SEND, 2000, now + DNS_HEALTH_WARN_EVERY + 1);
	ck_assert_int_eq(ua->last_warned, now + DNS_HEALTH_WARN_EVERY + 1);
	dns_health_answered(ua, now + 100);
	ck_assert(!dns_health_down(ua));
	ck_assert_uint_eq(ua->answered, 2);

	struct sbuf out;
	sbuf_init(&out);
	struct cg_endpoint ups[] = { a, b, ep("198.51.100.1") };
	dns_health_failed(ub, DNS_HEALTH_TIMEOUT, 2000, now);
	dns_health_status(&h, ups, 3, now + 110, &out);
	ck_assert_str_eq(out.data,
			 "upstream 192.0.2.53:53 up answered 2 timeouts 2 errors 2 last_answer_s 10\n"
			 "upstream [2001:db8::53]:5353 failing answered 0 timeouts 1 errors 0 "
			 "last_answer_s -1\n"
			 "upstream 198.51.100.1:53 unused answered 0 timeouts 0 errors 0 "
			 "last_answer_s -1\n");
	sbuf_free(&out);
	/* a NULL slot (table full) is accepted everywhere */
	dns_health_answered(NULL, now);
	dns_health_failed(NULL, DNS_HEALTH_TIMEOUT, 1, now);
	dns_health_destroy(&h);
}
END_TEST

START_TEST(table_is_bounded)
{
	struct dns_health h;
	dns_health_init(&h);
	char s[32];
	for (int i = 0; i < DNS_HEALTH_MAX; i++) {
		snprintf(s, sizeof(s), "192.0.2.%d", i + 1);
		struct cg_endpoint e = ep(s);
		ck_assert_ptr_nonnull(dns_health_slot(&h, &e));
	}
	struct cg_endpoint extra = ep("198.51.100.200");
	ck_assert_ptr_null(dns_health_slot(&h, &extra));
	dns_health_destroy(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_health");
	TCase *tc = tcase_create("dns_health");
	tcase_add_test(tc, down_after_failures_and_back);
	tcase_add_test(tc, table_is_bounded);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
