/* Tests for ratelimit.c: bucket size, refill rate, per-client separation, the
 * once-a-minute report, reload of limits, and the bounded table. */
#include <pthread.h>

#include "ratelimit.h"
#include "testutil.h"

#define S 1000000000ull

static struct cg_addr v4(uint8_t last)
{
	struct cg_addr a = {.family = AF_INET, .a = {10, 0, 0, last}};
	return a;
}

START_TEST(burst_then_refill)
{
	struct ratelimit *rl = ratelimit_new(10, 20, 1024);
	struct cg_addr a = v4(1), b = v4(2);
	uint64_t t = 5 * S;
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_LIMITED_REPORT);
	ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_LIMITED);
	/* Another client has its own bucket. */
	ck_assert_int_eq(ratelimit_check(rl, &b, t), RATELIMIT_PASS);
	/* 0.5 s later: 5 tokens. */
	t += S / 2;
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_LIMITED);
	/* A minute after the last report: reported again. */
	t += 61 * S;
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_check(rl, &a, t), RATELIMIT_LIMITED_REPORT);
	ratelimit_free(rl);
}
END_TEST

START_TEST(off_and_reload)
{
	struct ratelimit *rl = ratelimit_new(0, 0, 16);
	struct cg_addr a = v4(1);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(ratelimit_check(rl, &a, S), RATELIMIT_PASS);
	ratelimit_set(rl, 1, 0); /* burst 0 = qps */
	ck_assert_int_eq(ratelimit_check(rl, &a, S), RATELIMIT_PASS);
	ck_assert_int_ne(ratelimit_check(rl, &a, S), RATELIMIT_PASS);
	ratelimit_free(rl);
}
END_TEST

START_TEST(v6_and_bounded_table)
{
	struct ratelimit *rl = ratelimit_new(1, 1, 64);
	struct cg_addr a6 = {.family = AF_INET6, .a = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	ck_assert_int_eq(ratelimit_check(rl, &a6, S), RATELIMIT_PASS);
	ck_assert_int_ne(ratelimit_check(rl, &a6, S), RATELIMIT_PASS);
	/* Another address of the same /64 is the same client; another /64 is not. */
	struct cg_addr same64 = a6, next64 = a6;
	same64.a[8] = 0xfe;
	same64.a[15] = 0x77;
	next64.a[7] = 1;
	ck_assert_int_ne(ratelimit_check(rl, &same64, S), RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_check(rl, &next64, S), RATELIMIT_PASS);
	/* Far more clients than slots: no failure, old clients are forgotten. */
	for (unsigned i = 0; i < 100000; i++) {
		struct cg_addr x = {.family = AF_INET,
				    .a = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
		ck_assert_int_eq(ratelimit_check(rl, &x, 2 * S), RATELIMIT_PASS);
	}
	ratelimit_free(rl);
}
END_TEST

struct hammer {
	struct ratelimit *rl;
	unsigned passed;
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	struct cg_addr a = v4(9);
	for (int i = 0; i < 10000; i++)
		if (ratelimit_check(h->rl, &a, 3 * S) == RATELIMIT_PASS)
			h->passed++;
	return NULL;
}

START_TEST(threads_share_one_bucket)
{
	struct ratelimit *rl = ratelimit_new(100, 500, 1024);
	struct hammer h[4] = {{rl, 0}, {rl, 0}, {rl, 0}, {rl, 0}};
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer_run, &h[i]);
	unsigned total = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += h[i].passed;
	}
	ck_assert_uint_eq(total, 500);
	ratelimit_free(rl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, burst_then_refill);
	tcase_add_test(tc, off_and_reload);
	tcase_add_test(tc, v6_and_bounded_table);
	tcase_add_test(tc, threads_share_one_bucket);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
