/* Tests for the grants in the policy (policy_build.c reads [allow] grants, policy.c
 * decides with them): a grant allows its name and the names below it for its group (or
 * every group, "*") until its end, which is checked at each decision: an ended grant
 * blocks again with the same snapshot, with no reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "policy.h"
#include "policy_support.h"
#include "testutil.h"
#include "util.h"

static struct policy *build_grants(const char *text, size_t want_errors)
{
	struct config *cfg = config_default();
	char path[512];
	unsigned gam = add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\nbet.example\n");
	add_group(cfg, "class7a", "10.7.1.0/24", 1u << gam, 0, -1);
	add_group(cfg, "default", "", 1u << gam, 0, -1);
	snprintf(path, sizeof(path), "%s/grants", tmp);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	cfg->grants = xstrdup(path);
	struct policy *p = build(cfg, want_errors);
	config_free(cfg);
	return p;
}

START_TEST(grant_for_its_group_until_its_end)
{
	char text[256];
	struct verdict v;
	snprintf(text, sizeof(text), "casino.example class7a %lld k3z9 alice\n",
		 (long long)(WED_1000 + 3600));
	struct policy *p = build_grants(text, 0);
	decide(p, "10.7.1.5", "www.casino.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	ck_assert(v.allowlisted);
	ck_assert_int_eq(v.rule.kind, RULE_DOMAIN);
	ck_assert_uint_eq(v.rule.line, 1);
	ck_assert_ptr_nonnull(strstr(v.rule.file, "/grants"));
	/* another group: still blocked; another name: still blocked */
	ck_assert_int_eq(decide(p, "10.9.9.9", "casino.example", NULL, WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.7.1.5", "bet.example", NULL, WED_1000, &v), ACTION_BLOCK);
	/* one second before the end, and at it: the same snapshot, no reload */
	ck_assert_int_eq(decide(p, "10.7.1.5", "casino.example", NULL, WED_1000 + 3599, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.7.1.5", "casino.example", NULL, WED_1000 + 3600, &v),
			 ACTION_BLOCK);
	ck_assert(!v.allowlisted);
	ck_assert_str_eq(v.category, "gambling");
	policy_unref(p);
}
END_TEST

START_TEST(whole_school_permanent_and_bad_lines)
{
	struct verdict v;
	/* a bad line is reported (one error) and skipped; the good one still counts */
	struct policy *p = build_grants("bet.example * permanent - alice\nnot a grant\n", 1);
	ck_assert_int_eq(decide(p, "10.9.9.9", "bet.example", NULL, SAT_1000 + 86400 * 400, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.7.1.5", "bet.example", NULL, WED_1000, &v), ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.7.1.5", "casino.example", NULL, WED_1000, &v), ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(missing_file_is_no_grants)
{
	struct config *cfg = config_default();
	struct verdict v;
	char path[512];
	unsigned gam = add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\n");
	add_group(cfg, "default", "", 1u << gam, 0, -1);
	snprintf(path, sizeof(path), "%s/none/grants", tmp);
	cfg->grants = xstrdup(path);
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(decide(p, "10.9.9.9", "casino.example", NULL, WED_1000, &v), ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_grants");
	TCase *tc = tcase_create("grants");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, grant_for_its_group_until_its_end);
	tcase_add_test(tc, whole_school_permanent_and_bad_lines);
	tcase_add_test(tc, missing_file_is_no_grants);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
