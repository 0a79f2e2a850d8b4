/* Tests for safesearch.c: which names belong to which engine, and the enforced name
 * for each group setting. */
#include <string.h>

#include "safesearch.h"
#include "testutil.h"

#define ENG(h) safesearch_engine(h, strlen(h))

START_TEST(engines)
{
	ck_assert_int_eq(ENG("www.google.com"), SAFESEARCH_GOOGLE);
	ck_assert_int_eq(ENG("google.com"), SAFESEARCH_GOOGLE);
	ck_assert_int_eq(ENG("www.google.de"), SAFESEARCH_GOOGLE);
	ck_assert_int_eq(ENG("www.google.com.hk"), SAFESEARCH_GOOGLE);
	ck_assert_int_eq(ENG("www.google.co.uk"), SAFESEARCH_GOOGLE);
	ck_assert_int_eq(ENG("mail.google.com"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("google.evil.com"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("www.google.c0"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("www.google.co.u"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("www.google."), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("www.bing.com"), SAFESEARCH_BING);
	ck_assert_int_eq(ENG("bing.com"), SAFESEARCH_BING);
	ck_assert_int_eq(ENG("www.bing.com.evil"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("www.youtube.com"), SAFESEARCH_YOUTUBE);
	ck_assert_int_eq(ENG("m.youtube.com"), SAFESEARCH_YOUTUBE);
	ck_assert_int_eq(ENG("youtubei.googleapis.com"), SAFESEARCH_YOUTUBE);
	ck_assert_int_eq(ENG("youtube.googleapis.com"), SAFESEARCH_YOUTUBE);
	ck_assert_int_eq(ENG("www.youtube-nocookie.com"), SAFESEARCH_YOUTUBE);
	ck_assert_int_eq(ENG("studio.youtube.com"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG("duckduckgo.com"), SAFESEARCH_DUCKDUCKGO);
	ck_assert_int_eq(ENG("www.duckduckgo.com"), SAFESEARCH_DUCKDUCKGO);
	ck_assert_int_eq(ENG("example.com"), SAFESEARCH_NONE);
	ck_assert_int_eq(ENG(""), SAFESEARCH_NONE);
}
END_TEST

START_TEST(targets_per_group)
{
	struct cfg_group g;
	memset(&g, 0, sizeof g);
	ck_assert_ptr_null(safesearch_target(NULL, "www.google.com", 14));
	ck_assert_ptr_null(safesearch_target(&g, "www.google.com", 14));
	g.safesearch_google = SAFESEARCH_MODERATE;
	g.safesearch_bing = SAFESEARCH_STRICT;
	g.safesearch_duckduckgo = SAFESEARCH_MODERATE;
	g.safesearch_youtube = SAFESEARCH_MODERATE;
	ck_assert_str_eq(safesearch_target(&g, "www.google.fr", 13), "forcesafesearch.google.com");
	ck_assert_str_eq(safesearch_target(&g, "www.bing.com", 12), "strict.bing.com");
	ck_assert_str_eq(safesearch_target(&g, "duckduckgo.com", 14), "safe.duckduckgo.com");
	ck_assert_str_eq(safesearch_target(&g, "m.youtube.com", 13),
			 "restrictmoderate.youtube.com");
	g.safesearch_youtube = SAFESEARCH_STRICT;
	ck_assert_str_eq(safesearch_target(&g, "m.youtube.com", 13), "restrict.youtube.com");
	ck_assert_ptr_null(safesearch_target(&g, "example.com", 11));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("safesearch");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, engines);
	tcase_add_test(tc, targets_per_group);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
