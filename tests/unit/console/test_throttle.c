/* Tests for throttle.c: login rate limits per key, refill, and a full table. */
#include "testutil.h"
#include <string.h>

#include "throttle.h"

START_TEST(burst_then_refused_then_refill)
{
	struct throttle t;
	throttle_init(&t, 8, 3, 60000);
	uint64_t now = 5000;
	for (int i = 0; i < 3; i++) {
		ck_assert(throttle_allow(&t, "alice", now));
		throttle_charge(&t, "alice", now);
	}
	ck_assert(!throttle_allow(&t, "alice", now));
	ck_assert(throttle_allow(&t, "bob", now)); /* keys are apart */
	ck_assert(!throttle_allow(&t, "alice", now + 59999));
	ck_assert(throttle_allow(&t, "alice", now + 60000)); /* one token back */
	throttle_charge(&t, "alice", now + 60000);
	ck_assert(!throttle_allow(&t, "alice", now + 60000));
	/* never more than the burst, however long it waited */
	now += 3600000;
	for (int i = 0; i < 3; i++)
		throttle_charge(&t, "alice", now);
	ck_assert(!throttle_allow(&t, "alice", now));
	throttle_free(&t);
}
END_TEST

START_TEST(full_table_fails_closed)
{
	struct throttle t;
	throttle_init(&t, 2, 2, 1000);
	throttle_charge(&t, "a", 0);
	throttle_charge(&t, "b", 0);
	/* no room and no full bucket: a new key may not try */
	ck_assert(!throttle_allow(&t, "c", 0));
	throttle_charge(&t, "c", 0);
	ck_assert(!throttle_allow(&t, "c", 0));
	/* a refilled bucket is forgotten to make room, and its key's limit is not lost */
	ck_assert(throttle_allow(&t, "c", 1000));
	throttle_charge(&t, "c", 1000);
	throttle_charge(&t, "c", 1000);
	ck_assert(!throttle_allow(&t, "c", 1000));
	throttle_free(&t);
}
END_TEST

START_TEST(long_keys)
{
	struct throttle t;
	throttle_init(&t, 4, 1, 1000);
	char k[200];
	memset(k, 'x', sizeof k - 1);
	k[sizeof k - 1] = '\0';
	throttle_charge(&t, k, 0);
	ck_assert(!throttle_allow(&t, k, 0));
	throttle_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("throttle");
	TCase *tc = tcase_create("throttle");
	tcase_add_test(tc, burst_then_refused_then_refill);
	tcase_add_test(tc, full_table_fails_closed);
	tcase_add_test(tc, long_keys);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
