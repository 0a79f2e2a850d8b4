/* Tests for suggest.c: "did you mean" for typos in keys, categories and options. */
#include <string.h>

#include "suggest.h"
#include "testutil.h"
#include "util.h"

static const char *const cats[] = { "pornography", "gambling", "superstition", "bypass" };
static const char *const keys[] = { "upstream", "listen", "block_mode", "cache_max_mb",
				    "journal", "timetable", "tls_no_sni" };

START_TEST(typos_are_suggested)
{
	ck_assert_str_eq(suggest_closest("gamblng", cats, 4), "gambling");
	ck_assert_str_eq(suggest_closest("GAMBLING2", cats, 4), "gambling");
	ck_assert_str_eq(suggest_closest("bpyass", cats, 4), "bypass");       /* a swap */
	ck_assert_str_eq(suggest_closest("upstrem", keys, 7), "upstream");
	ck_assert_str_eq(suggest_closest("blockmode", keys, 7), "block_mode");
	ck_assert_str_eq(suggest_closest("lisen", keys, 7), "listen");
}
END_TEST

/* The help's own example, --category porn, names the category it abbreviates. */
START_TEST(a_unique_prefix_is_suggested)
{
	ck_assert_str_eq(suggest_closest("porn", cats, 4), "pornography");
	ck_assert_str_eq(suggest_closest("super", cats, 4), "superstition");
	ck_assert_ptr_null(suggest_closest("po", cats, 4));   /* too short to guess */
}
END_TEST

START_TEST(far_words_and_edge_cases_get_nothing)
{
	ck_assert_ptr_null(suggest_closest("weather", cats, 4));
	ck_assert_ptr_null(suggest_closest("x", keys, 7));
	ck_assert_ptr_null(suggest_closest("", cats, 4));
	ck_assert_ptr_null(suggest_closest(NULL, cats, 4));
	ck_assert_ptr_null(suggest_closest("gambling", cats, 4));   /* known: no suggestion */
	ck_assert_ptr_null(suggest_closest("gambling", NULL, 0));
	char longw[100];
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	ck_assert_ptr_null(suggest_closest(longw, cats, 4));
	/* two candidates equally close: no guess */
	static const char *const two[] = { "cat", "bat" };
	ck_assert_ptr_null(suggest_closest("hat", two, 2));
	/* a NULL or empty candidate is passed over */
	static const char *const holes[] = { NULL, "", "listen" };
	ck_assert_str_eq(suggest_closest("lsten", holes, 3), "listen");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("suggest");
	tcase_add_test(tc, typos_are_suggested);
	tcase_add_test(tc, a_unique_prefix_is_suggested);
	tcase_add_test(tc, far_words_and_edge_cases_get_nothing);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
