/* Tests for policy.c: decisions with provenance, allowlist precedence, groups by
 * longest prefix, IP literals, Unicode names, timetables and bypass categories, bad lines
 * (URL and pattern rules: test_policy_urls.c; sharing snapshots: test_policy_share.c). */
#include <pthread.h>
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

START_TEST(blocks_with_provenance_and_label_boundary)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "# casinos\nexample-casino.com\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg); /* the snapshot keeps its own copy */

	/* No group in the config: the built-in default blocks every category. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "www.Example-Casino.com.", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert_str_eq(v.group, "default");
	ck_assert_str_eq(v.category, "gambling");
	ck_assert(!v.allowlisted && !v.bypass && !v.category_listed && !v.timetable_applied);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 2, "example-casino.com");

	ck_assert_int_eq(decide(p, "10.0.0.1", "notexample-casino.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(v.rule.kind, RULE_NONE);
	ck_assert_ptr_null(v.category);
	ck_assert_int_eq(decide(p, "10.0.0.1", "example-casino.com.cn", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

START_TEST(most_specific_rule_wins)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "example.com\n/example/\n=exact.example.com\n");
	add_category(cfg, "pornography", CATEGORY_BLOCK,
		     "www.example.com\nexample.com/adult/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	/* The closest parent: www.example.com (pornography) over example.com (gambling). */
	decide(p, "10.0.0.1", "a.www.example.com", NULL, WED_1000, &v);
	ck_assert_str_eq(v.category, "pornography");
	rule_is(&v, RULE_DOMAIN, "lists/pornography.list", 1, "www.example.com");
	/* The name itself, exact. */
	decide(p, "10.0.0.1", "exact.example.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_EXACT, "lists/gambling.list", 3, "exact.example.com");
	/* Exact entries do not cover names below them. */
	decide(p, "10.0.0.1", "x.exact.example.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "example.com");
	/* A URL prefix beats the name when a path is given. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example.com", "/adult/page?id=1", WED_1000,
				&v), ACTION_BLOCK);
	ck_assert_str_eq(v.category, "pornography");
	rule_is(&v, RULE_URL, "lists/pornography.list", 2, "example.com/adult/");
	decide(p, "10.0.0.1", "shop.example.com", "/adults", WED_1000, &v);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "example.com");
	/* A domain rule beats a pattern that matches as well. */
	decide(p, "10.0.0.1", "example.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "example.com");
	/* The pattern on its own. */
	decide(p, "10.0.0.1", "myexample.org", NULL, WED_1000, &v);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 2, "example");
	policy_unref(p);
}
END_TEST

START_TEST(allowlist_wins)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "example.com\n/lottery/\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list",
		 "edu.example.com\n=safe.example.com\nexample.com/homework/\n/lottery-math/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "x.edu.example.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	ck_assert_ptr_null(v.category);
	rule_is(&v, RULE_DOMAIN, "lists/allow.list", 1, "edu.example.com");
	ck_assert_int_eq(decide(p, "10.0.0.1", "safe.example.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	rule_is(&v, RULE_EXACT, "lists/allow.list", 2, "safe.example.com");
	/* Exact allow entries do not cover names below. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "x.safe.example.com", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.allowlisted);
	ck_assert_int_eq(decide(p, "10.0.0.1", "www.example.com", "/homework/1", WED_1000, &v),
			 ACTION_ALLOW);
	rule_is(&v, RULE_URL, "lists/allow.list", 3, "example.com/homework/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "www.example.com", "/play", WED_1000, &v),
			 ACTION_BLOCK);
	/* An allow pattern beats a block pattern. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "lottery-math.org", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	rule_is(&v, RULE_PATTERN, "lists/allow.list", 4, "lottery-math");
	ck_assert_int_eq(decide(p, "10.0.0.1", "lottery.org", NULL, WED_1000, &v),
			 ACTION_BLOCK);

	struct policy_stats st;
	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.allow_rules, 4);
	ck_assert_uint_eq(st.domains, 1);
	ck_assert_uint_eq(st.patterns, 1);
	ck_assert_uint_eq(st.lists, 2);
	policy_unref(p);
}
END_TEST

START_TEST(groups_by_longest_prefix)
{
	struct config *cfg = config_default();
	struct verdict v;
	unsigned gam = add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\n");
	unsigned por = add_category(cfg, "pornography", CATEGORY_BLOCK, "porn.example\n");

	add_group(cfg, "students", "10.0.0.0/8 fd00::/8", 1u << gam | 1u << por, 0, -1);
	add_group(cfg, "lab", "10.1.0.0/16 fd00:1::/32", 1u << por, 0, -1);
	add_group(cfg, "teacher", "10.1.2.3/32", 0, 0, -1);
	add_group(cfg, "default", "", 1u << por, 0, -1);
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	decide(p, "10.9.9.9", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "students");
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	decide(p, "10.1.9.9", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "lab");
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	/* Listed, but not blocked for this group: explained. */
	ck_assert(v.category_listed);
	ck_assert_str_eq(v.category, "gambling");
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "casino.example");
	decide(p, "10.1.2.3", "porn.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "teacher");
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	decide(p, "192.0.2.1", "porn.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "default");
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	decide(p, "192.0.2.1", "casino.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	/* IPv6. */
	decide(p, "fd12::1", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "students");
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	decide(p, "fd00:1:2::3", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "lab");
	decide(p, "2001:db8::1", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "default");

	/* By name, and the group/category accessors. */
	struct request req = { .host = "casino.example", .host_len = 14, .when = WED_1000 };
	ck_assert_int_eq(policy_decide_group(p, &req, "students", &v), ACTION_BLOCK);
	ck_assert_str_eq(v.group, "students");
	ck_assert_int_eq(policy_decide_group(p, &req, "teacher", &v), ACTION_ALLOW);
	ck_assert_ptr_nonnull(policy_group(p, "lab"));
	ck_assert_int_eq(policy_group(p, "lab")->block_mode, BLOCK_PAGE);
	ck_assert_ptr_null(policy_group(p, "nobody"));
	ck_assert_str_eq(policy_category(p, "gambling")->title_en, "gambling");
	ck_assert_ptr_null(policy_category(p, "sports"));
	policy_unref(p);
}
END_TEST

START_TEST(ip_literals_are_exact)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "192.0.2.7\n0.2.8\n2001:db8::7\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "192.0.2.7", NULL, WED_1000, &v), ACTION_BLOCK);
	rule_is(&v, RULE_EXACT, "lists/gambling.list", 1, "192.0.2.7");
	ck_assert_int_eq(decide(p, "10.0.0.1", "192.0.2.8", NULL, WED_1000, &v), ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "[2001:db8::7]", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(unicode_names_both_ways)
{
	struct config *cfg = config_default();
	struct verdict v;

	/* 葡京娱乐场.com written in Unicode; 七六彩票.com written as punycode. */
	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "\xe8\x91\xa1\xe4\xba\xac\xe5\xa8\xb1\xe4\xb9\x90\xe5\x9c\xba.com\n"
		     "xn--7gq06f48qukz.com\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "www.xn--fjqpit8uy6c246e.com", NULL, WED_1000,
				&v), ACTION_BLOCK);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "xn--fjqpit8uy6c246e.com");
	ck_assert_int_eq(decide(p, "10.0.0.1",
				"\xe4\xb8\x83\xe5\x85\xad\xe5\xbd\xa9\xe7\xa5\xa8.com", NULL,
				WED_1000, &v), ACTION_BLOCK);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 2, "xn--7gq06f48qukz.com");
	policy_unref(p);
}
END_TEST

START_TEST(timetables_and_bypass)
{
	struct config *cfg = config_default();
	struct verdict v;
	unsigned gam = add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\n");
	unsigned game = add_category(cfg, "games", CATEGORY_BLOCK, "games.example\n");
	unsigned doh = add_category(cfg, "doh", CATEGORY_BYPASS, "dns.example\n");
	int tt = add_timetable(cfg, "school-hours", NULL);
	int ny = add_timetable(cfg, "ny-hours", "America/New_York");

	add_group(cfg, "students", "10.0.0.0/8", 1u << gam | 1u << doh, 1u << game, tt);
	add_group(cfg, "exchange", "10.99.0.0/16", 0, 1u << game, ny);
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	/* Wednesday 10:00 in Shanghai: scheduled categories are in force. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "games.example", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(v.timetable_applied && v.timetable_active);
	ck_assert_str_eq(v.timetable, "school-hours");
	/* 20:00 and Saturday: listed, not blocked, and the timetable says why. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "games.example", NULL, WED_2000, &v),
			 ACTION_ALLOW);
	ck_assert(v.category_listed && v.timetable_applied && !v.timetable_active);
	ck_assert_str_eq(v.category, "games");
	ck_assert_int_eq(decide(p, "10.0.0.1", "games.example", NULL, SAT_1000, &v),
			 ACTION_ALLOW);
	/* Always-blocked categories do not depend on the timetable. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "casino.example", NULL, WED_2000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.timetable_applied);
	ck_assert_ptr_null(v.timetable);
	/* A bypass category. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "dns.example", NULL, WED_2000, &v),
			 ACTION_BLOCK);
	ck_assert(v.bypass);
	ck_assert_str_eq(v.category, "doh");
	/* New York: Wednesday 10:00 in Shanghai is Tuesday 21:00 there. */
	ck_assert_int_eq(decide(p, "10.99.0.1", "games.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.timetable_applied && !v.timetable_active);
	ck_assert_str_eq(v.timetable, "ny-hours");
	/* ... and Wednesday 20:00 in Shanghai is Wednesday 07:00 there; 22:00 is 09:00. */
	ck_assert_int_eq(decide(p, "10.99.0.1", "games.example", NULL, WED_2000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.99.0.1", "games.example", NULL, WED_2000 + 7200, &v),
			 ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(bad_lines_and_missing_lists)
{
	struct config *cfg = config_default();
	struct diag d;
	struct verdict v;
	struct policy_stats st;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "casino.example\nbad!.example\n/unclosed(/\n=\n");
	struct policy *p = build(cfg, 3);
	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.bad_lines, 3);
	ck_assert_uint_eq(st.domains, 1);
	ck_assert_uint_gt(st.bytes, 0);
	ck_assert_int_eq(decide(p, "10.0.0.1", "casino.example", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	policy_unref(p);

	/* The messages name the list as configured, with the line. */
	diag_init(&d);
	p = policy_build(cfg, &d);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(d.msgs[0], "lists/gambling.list:2: bad character in name: bad!.example");
	ck_assert(strncmp(d.msgs[1], "lists/gambling.list:3: bad pattern", 34) == 0);
	/* and in zh-CN: the reason translated, the file, line and text as they were */
	char zbuf[1024];
	ck_assert_str_eq(diag_text(&d, 0, LANG_ZH, zbuf, sizeof zbuf, NULL),
			 "lists/gambling.list:2: 域名中有非法字符: bad!.example");
	policy_unref(p);
	diag_free(&d);

	/* A list that cannot be opened fails the build (a reload keeps the old snapshot). */
	free(cfg->categories[0].lists[0].path);
	cfg->categories[0].lists[0].path = xstrdup("/nonexistent/campusgate/x.list");
	diag_init(&d);
	ck_assert_ptr_null(policy_build(cfg, &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert(strncmp(d.msgs[0], "lists/gambling.list: cannot open", 32) == 0);
	ck_assert_str_eq(diag_text(&d, 0, LANG_ZH, zbuf, sizeof zbuf, NULL),
			 "lists/gambling.list: 无法打开 /nonexistent/campusgate/x.list: 没有那个文件或目录");
	diag_free(&d);

	/* A timetable in a zone that does not exist fails the build too. */
	free(cfg->categories[0].lists[0].path);
	cfg->categories[0].lists[0].path = tu_write_file(tmp, "g2.list", "a.example\n");
	int tt = add_timetable(cfg, "mars", "Mars/Olympus_Mons");
	add_group(cfg, "students", "10.0.0.0/8", 0, 1, tt);
	diag_init(&d);
	ck_assert_ptr_null(policy_build(cfg, &d));
	ck_assert_uint_eq(d.errors, 1);
	diag_free(&d);
	config_free(cfg);
}
END_TEST

/* --- snapshot swapping ------------------------------------------------------------- */

/* Random xn-- labels from the network must never upset the decoder (run under ASan). */
START_TEST(random_punycode_is_safe)
{
	struct config *cfg = config_default();
	struct verdict v;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	char host[NAME_MAX_LEN + 1];
	size_t blocked = 0;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "/\xe5\x8d\x9a/\n/^[^.]{30,}\\./\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	for (int i = 0; i < 20000; i++) {
		size_t n = 0;
		for (int label = 0; label < 3; label++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			size_t l = 1 + x % 59;
			memcpy(host + n, "xn--", 4);
			n += 4;
			for (size_t k = 0; k < l; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				host[n++] = alphabet[x % (sizeof(alphabet) - 1)];
			}
			host[n++] = '.';
		}
		memcpy(host + n, "cn", 3);
		n += 2;
		struct request req = { .host = host, .host_len = n, .when = WED_1000 };
		if (policy_decide(p, &req, &v) == ACTION_BLOCK) {
			ck_assert_int_eq(v.rule.kind, RULE_PATTERN);
			blocked++;
		}
	}
	/* Some random labels decode to a long first label or to 博: both patterns fire. */
	ck_assert_uint_gt(blocked, 0);
	policy_unref(p);
}
END_TEST

START_TEST(enum_names)
{
	ck_assert_str_eq(action_name(ACTION_ALLOW), "allow");
	ck_assert_str_eq(action_name(ACTION_BLOCK), "block");
	ck_assert_str_eq(action_name(ACTION_OBSERVE), "observed");
	ck_assert_str_eq(action_name((enum action)42), "unknown");
	ck_assert_str_eq(proto_name(PROTO_DNS), "dns");
	ck_assert_str_eq(proto_name(PROTO_HTTP), "http");
	ck_assert_str_eq(proto_name(PROTO_TLS), "tls");
	ck_assert_str_eq(proto_name(PROTO_SENSOR), "sensor");
	ck_assert_str_eq(proto_name((enum proto)42), "unknown");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("decide");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, blocks_with_provenance_and_label_boundary);
	tcase_add_test(tc, most_specific_rule_wins);
	tcase_add_test(tc, allowlist_wins);
	tcase_add_test(tc, groups_by_longest_prefix);
	tcase_add_test(tc, ip_literals_are_exact);
	tcase_add_test(tc, unicode_names_both_ways);
	tcase_add_test(tc, timetables_and_bypass);
	tcase_add_test(tc, bad_lines_and_missing_lists);
	tcase_add_test(tc, enum_names);
	tcase_add_test(tc, random_punycode_is_safe);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
