/* Tests for recheck.c: a sweep of the open connections is due on the first call, after a
 * reload (another policy generation) and in another wall-clock minute, and not else. */
#include <string.h>

#include "recheck.h"
#include "testutil.h"

START_TEST(first_call_is_due)
{
	struct recheck rc;
	memset(&rc, 0, sizeof(rc));
	ck_assert(recheck_due(&rc, 0, 1000));
	ck_assert(!recheck_due(&rc, 0, 1000));
}
END_TEST

START_TEST(same_minute_same_generation_not_due)
{
	struct recheck rc;
	memset(&rc, 0, sizeof(rc));
	ck_assert(recheck_due(&rc, 3, 600));    /* 10:00 */
	ck_assert(!recheck_due(&rc, 3, 605));
	ck_assert(!recheck_due(&rc, 3, 659));   /* still the same minute */
}
END_TEST

START_TEST(next_minute_due)
{
	struct recheck rc;
	memset(&rc, 0, sizeof(rc));
	ck_assert(recheck_due(&rc, 3, 659));
	ck_assert(recheck_due(&rc, 3, 660));    /* the bell */
	ck_assert(!recheck_due(&rc, 3, 661));
	ck_assert(recheck_due(&rc, 3, 660 + 3600)); /* a long pause: still once */
	ck_assert(!recheck_due(&rc, 3, 660 + 3601));
}
END_TEST

START_TEST(clock_set_back_due)
{
	struct recheck rc;
	memset(&rc, 0, sizeof(rc));
	ck_assert(recheck_due(&rc, 1, 6000));
	ck_assert(recheck_due(&rc, 1, 5940));
	ck_assert(!recheck_due(&rc, 1, 5999));
}
END_TEST

START_TEST(generation_change_due)
{
	struct recheck rc;
	memset(&rc, 0, sizeof(rc));
	ck_assert(recheck_due(&rc, 1, 600));
	ck_assert(recheck_due(&rc, 2, 601));    /* a reload in the same minute */
	ck_assert(!recheck_due(&rc, 2, 602));
	ck_assert_uint_eq(rc.gen, 2);
}
END_TEST

START_TEST(before_1970_floors)
{
	struct recheck rc;
	memset(&rc, 0, sizeof(rc));
	ck_assert(recheck_due(&rc, 0, -1));     /* 23:59:59 of 1969: minute -1 */
	ck_assert(!recheck_due(&rc, 0, -60));
	ck_assert(recheck_due(&rc, 0, 0));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("recheck");
	TCase *tc = tcase_create("recheck");
	tcase_add_test(tc, first_call_is_due);
	tcase_add_test(tc, same_minute_same_generation_not_due);
	tcase_add_test(tc, next_minute_due);
	tcase_add_test(tc, clock_set_back_due);
	tcase_add_test(tc, generation_change_due);
	tcase_add_test(tc, before_1970_floors);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
