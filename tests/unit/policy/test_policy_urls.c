/* Tests for the policy's URL and pattern rules: path prefixes, the URL tricks that
 * normalisation must defeat, patterns on the decoded URL, and a PCRE2 limit that fails
 * closed. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "i18n.h"
#include "name.h"
#include "policy.h"
#include "policy_support.h"
#include "testutil.h"
#include "util.h"

START_TEST(url_prefixes)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "news.example/casino/\nnews.example/casino/live/\n192.0.2.9/bet/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casino/", WED_1000, &v),
			 ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 1, "news.example/casino/");
	/* The longest prefix. */
	decide(p, "10.0.0.1", "m.news.example", "/casino/live/table", WED_1000, &v);
	rule_is(&v, RULE_URL, "lists/gambling.list", 2, "news.example/casino/live/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/politics/", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casin", WED_1000, &v),
			 ACTION_ALLOW);
	/* Without a path (DNS), a URL rule never blocks the whole host. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "notnews.example", "/casino/", WED_1000, &v),
			 ACTION_ALLOW);
	/* IP literal hosts: the rule's host only. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "192.0.2.9", "/bet/x", WED_1000, &v),
			 ACTION_BLOCK);
	/* Paths compare without case and with unreserved %XX escapes decoded. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/CaSiNo/", WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/%63asin%6F/x", WED_1000, &v),
			 ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 1, "news.example/casino/");
	/* %2F is a separator for matching (urlnorm.h): "/casino%2f" is "/casino/". */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casino%2f", WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casino%", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/%zzcasino/", WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);

	/* Rules are normalised the same way: written with capitals and escapes. */
	cfg = config_default();
	add_category(cfg, "gambling", CATEGORY_BLOCK, "Shop.Example/Lotto%2FDraw/%7Euser/\n");
	p = build(cfg, 0);
	config_free(cfg);
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example", "/lotto%2fdraw/~USER/1", WED_1000,
				&v), ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 1, "shop.example/lotto/draw/~user/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example", "/lotto/draw/~user/1", WED_1000,
				&v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example", "/lotto/draw/user/1", WED_1000,
				&v), ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

/* issue 11: every way a student writes a listed path hits the rule for it, a rule
 * written with dot segments or a default port is read the same way, and an allowed
 * prefix followed by ".." is no way out. */
START_TEST(url_tricks)
{
	struct config *cfg = config_default();
	struct verdict v;
	static const char *const tricks[] = {
		"/casino/", "/./casino/", "//casino/", "/a/../casino/", "/%63asino/",
		"/edu/../casino", "/edu/../casino/", "/edu/%2e%2E/casino/", "/edu%2F..%2Fcasino",
		"/casino", "/casino?x=1", "/CASINO/x", "/edu/..\\casino/", "///casino//x",
	};

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "news.example/casino/\nNews.Example:80/./poker/../bet/\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list", "news.example/edu/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	for (size_t i = 0; i < CG_ARRAY_LEN(tricks); i++) {
		ck_assert_msg(decide(p, "10.0.0.1", "news.example", tricks[i], WED_1000, &v) ==
			      ACTION_BLOCK, "%s not blocked", tricks[i]);
		ck_assert(!v.allowlisted);
		rule_is(&v, RULE_URL, "lists/gambling.list", 1, "news.example/casino/");
	}
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/edu/casino", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casinos/", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(!v.allowlisted);
	/* the second rule reads as news.example/bet/ */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/bet/1", WED_1000, &v),
			 ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 2, "news.example/bet/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/poker/", WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

/* issue 11: a pattern that hits a PCRE2 limit blocks (fail closed) where its category is
 * enforced, and says so; an allow pattern that hits one allows nothing. */
START_TEST(pattern_limit_fails_closed)
{
	struct config *cfg = config_default();
	struct verdict v;
	char path[64];

	memset(path, 'a', 40);
	path[0] = '/';
	strcpy(path + 40, "!");
	/* ^...(\w+)+$ on 39 letters and a '!' backtracks about 2^39 times: the match limit
	 * (PATSET_MATCH_LIMIT) stops it within milliseconds */
	add_category(cfg, "gambling", CATEGORY_BLOCK, "/^news\\.example/(\\w+)+$/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	struct policy_stats st;
	policy_get_stats(p, &st);
	unsigned long before = st.pattern_limits;

	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(v.pattern_limit);
	ck_assert_str_eq(v.category, "gambling");
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 1, "^news\\.example/(\\w+)+$");
	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.pattern_limits, before + 1);
	/* a real match is no limit, a quick miss is no block */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/aaaa", WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.pattern_limit);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/ok!", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(!v.pattern_limit);
	policy_unref(p);

	/* the same pattern on the allowlist: it allows nothing it could not finish */
	cfg = config_default();
	add_category(cfg, "gambling", CATEGORY_BLOCK, "news.example\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list", "/^news\\.example/(\\w+)+$/\n");
	p = build(cfg, 0);
	config_free(cfg);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.allowlisted);
	ck_assert(!v.pattern_limit);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "news.example");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/aaaa", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	policy_unref(p);
}
END_TEST

/* Keyword patterns see the decoded UTF-8 of the path and the query, also past 4096 bytes. */
START_TEST(patterns_see_decoded_url)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "/\xe8\xb5\x8c\xe5\x8d\x9a/\n/casino-?bonus/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/s?q=%E8%B5%8C%E5%8D%9A",
				WED_1000, &v), ACTION_BLOCK);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 1, "\xe8\xb5\x8c\xe5\x8d\x9a");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/%e8%b5%8c%e5%8d%9a/",
				WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/\xe8\xb5\x8c\xe5\x8d\x9a",
				WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/s?q=%63asino%2Dbonus",
				WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/s?q=news", WED_1000, &v),
			 ACTION_ALLOW);
	/* padding before the keyword: 7000 bytes, as a request line of 8192 may carry */
	char *path = xmalloc(7100);
	memcpy(path, "/s?pad=", 7);
	memset(path + 7, 'a', 7000);
	strcpy(path + 7007, "&q=%E8%B5%8C%E5%8D%9A");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	/* and past the inline buffer too (a raised max_line_bytes): the heap one */
	free(path);
	path = xmalloc(40100);
	memcpy(path, "/s?pad=", 7);
	memset(path + 7, 'a', 40000);
	strcpy(path + 40007, "&q=casinobonus");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	free(path);
	policy_unref(p);
}
END_TEST

START_TEST(patterns_with_and_without_literals)
{
	struct config *cfg = config_default();
	struct verdict v;
	struct policy_stats st;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "/caipiao\\d{2,}/\n"
		     "/^[0-9]{3,}\\.[a-z]{2,4}$/\n"
		     "/\\/casino\\//\n"
		     "/\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9|\xe5\x8d\x9a\xe5\xbd\xa9/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.patterns, 4);
	ck_assert_uint_ge(st.patterns_always_run, 1);
	ck_assert_uint_lt(st.patterns_always_run, 4);

	decide(p, "10.0.0.1", "www.CAIPIAO88.cn", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 1, "caipiao\\d{2,}");
	ck_assert_int_eq(decide(p, "10.0.0.1", "caipiao8.cn", NULL, WED_1000, &v), ACTION_ALLOW);
	/* No literal: always run. */
	decide(p, "10.0.0.1", "365.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 2, "^[0-9]{3,}\\.[a-z]{2,4}$");
	ck_assert_int_eq(decide(p, "10.0.0.1", "36.com", NULL, WED_1000, &v), ACTION_ALLOW);
	/* host+path for HTTP. */
	decide(p, "10.0.0.1", "blog.example", "/casino/poker", WED_1000, &v);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 3, "\\/casino\\/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "blog.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	/* Chinese keywords match the decoded form of an IDN name (六合彩网.com). */
	decide(p, "10.0.0.1", "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9\xe7\xbd\x91.com", NULL,
	       WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 4);
	ck_assert_int_eq(decide(p, "10.0.0.1", "\xe4\xb8\xad\xe6\x96\x87.com", NULL, WED_1000,
				&v), ACTION_ALLOW);
	policy_unref(p);

	/* The decoded form is exact: anchored patterns on whole decoded names, with ASCII
	 * labels around, mixed basic and non-basic code points, and 4-byte UTF-8. */
	cfg = config_default();
	add_category(cfg, "superstition", CATEGORY_BLOCK,
		     "/^www\\.\xe8\x91\xa1\xe4\xba\xac\xe5\xa8\xb1\xe4\xb9\x90"
		     "\xe5\x9c\xba\\.com$/\n"
		     "/^b\xc3\xbc" "cher-tarot\\.example$/\n"
		     "/^\xf0\x9f\x94\xae\\.example$/\n");
	p = build(cfg, 0);
	config_free(cfg);
	decide(p, "10.0.0.1", "www.xn--fjqpit8uy6c246e.com", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 1);
	decide(p, "10.0.0.1", "b\xc3\xbc" "cher-tarot.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 2);
	decide(p, "10.0.0.1", "\xf0\x9f\x94\xae.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 3);
	/* Broken punycode decodes to nothing, and so matches nothing. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "xn--fjqpit8uy6c246.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "xn--99999999.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_urls");
	TCase *tc = tcase_create("policy_urls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, url_prefixes);
	tcase_add_test(tc, url_tricks);
	tcase_add_test(tc, pattern_limit_fails_closed);
	tcase_add_test(tc, patterns_see_decoded_url);
	tcase_add_test(tc, patterns_with_and_without_literals);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
