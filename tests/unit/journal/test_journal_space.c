/* Unit tests for journal_space.c and the writer's free-space floor: the state changes
 * (low, still low with a count, recovered), "0 = no floor", and a real journal whose
 * file system is below the floor: one low-space event, nothing else written, counted in
 * the stats, said loudly in the log. */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "journal_space.h"
#include "journal_support.h"
#include "testutil.h"

#define MB (1ull << 20)

START_TEST(states)
{
	struct jspace sp;
	jspace_init(&sp, -1, 256);
	ck_assert_int_eq(jspace_decide(&sp, 300 * MB, 1), JSPACE_OK);
	ck_assert_int_eq(jspace_decide(&sp, 255 * MB, 2), JSPACE_WENT_LOW);
	ck_assert(sp.low);
	ck_assert_int_eq(jspace_decide(&sp, 100 * MB, 3), JSPACE_LOW);
	ck_assert_int_eq(jspace_decide(&sp, 100 * MB, 4), JSPACE_LOW);
	ck_assert_uint_eq(sp.skipped, 3); /* the one that went low, and two more */
	ck_assert_int_eq(jspace_decide(&sp, 256 * MB, 5), JSPACE_RECOVERED);
	ck_assert(!sp.low);
	ck_assert_int_eq(jspace_decide(&sp, 256 * MB, 6), JSPACE_OK);
	ck_assert_int_eq(jspace_decide(&sp, 1, 7), JSPACE_WENT_LOW);
	ck_assert_uint_eq(sp.skipped, 1);
	ck_assert_uint_eq(sp.skipped_total, 4);
	/* The loud line repeats at most once a minute. */
	ck_assert(!jspace_log_due(&sp, 7 + 59000000000ull));
	ck_assert(jspace_log_due(&sp, 7 + 60000000000ull));
	ck_assert(!jspace_log_due(&sp, 7 + 61000000000ull));
	/* No floor: never asks, always OK. */
	jspace_init(&sp, -1, 0);
	ck_assert_int_eq(jspace_check(&sp, 1), JSPACE_OK);
}
END_TEST

START_TEST(journal_below_floor)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.min_free_mb = UINT_MAX; /* ~4 PiB: no file system here has that much free */
	struct stderr_cap cap;
	stderr_begin(&cap);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "a.example");
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert(st.low_space);
	ck_assert_uint_eq(st.low_space_skipped, 50);
	journal_close(j);
	char *log = stderr_end(&cap);
	ck_assert_msg(strstr(log, "LOW SPACE"), "log: %s", log);
	free(log);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(count_events(&ls, "low-space"), 1);
	ck_assert_uint_eq(count_events(&ls, "hit"), 0);
	for (size_t i = 0; i < ls.n; i++)
		if (strcmp(ls.v[i].r.event, "low-space") == 0)
			ck_assert_ptr_nonnull(strstr(ls.v[i].r.reason, "below min_free_mb"));
	check_chain(&ls);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal_space");
	TCase *tc = tcase_create("journal_space");
	tcase_add_test(tc, states);
	tcase_add_test(tc, journal_below_floor);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
