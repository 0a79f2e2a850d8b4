/* Tests for policy_dest.c: a connection is decided on its name and on its destination
 * address; a block on either blocks and the verdict says which. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "i18n.h"
#include "policy.h"
#include "policy_support.h"
#include "testutil.h"
#include "util.h"

/* Categories vpn (bypass: a VPN name and address) and gambling (a name), an allowlist
 * holding school.example, no groups (the built-in default blocks everything). */
static struct policy *build_dest(void)
{
	struct config *cfg = config_default();
	add_category(cfg, "vpn", CATEGORY_BYPASS, "vpn.example\n192.0.2.7\n2001:db8::7\n");
	add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list", "school.example\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	return p;
}

/* A TLS connection from 10.1.2.3 to host at dest (NULL: none), in group (NULL: the
 * client's); *dv the verdict on the address alone, when dv is not NULL. */
static enum action decide_dest(const struct policy *p, const char *host, const char *dest,
			       const char *group, struct verdict *v, struct verdict *dv)
{
	struct request req;
	struct cg_addr d;

	memset(&req, 0, sizeof(req));
	req.proto = PROTO_TLS;
	ck_assert_int_eq(addr_parse("10.1.2.3", &req.client), 0);
	req.host = host;
	req.host_len = strlen(host);
	req.when = time(NULL);
	if (dest)
		ck_assert_int_eq(addr_parse(dest, &d), 0);
	return policy_decide_dest(p, &req, dest ? &d : NULL, group, v, dv);
}

START_TEST(name_allowed_address_listed_blocks)
{
	struct policy *p = build_dest();
	struct verdict v, dv;

	ck_assert_int_eq(decide_dest(p, "allowed.example", "192.0.2.7", NULL, &v, &dv), ACTION_BLOCK);
	ck_assert(v.by_dest);
	ck_assert(v.bypass);
	ck_assert_str_eq(v.category, "vpn");
	ck_assert_int_eq(v.rule.kind, RULE_EXACT); /* an address matches itself only */
	ck_assert_int_eq((int)v.rule.text_len, 9);
	ck_assert(memcmp(v.rule.text, "192.0.2.7", 9) == 0);
	ck_assert_str_eq(policy_dest_reason(&v), "destination address listed");
	ck_assert_int_eq(dv.action, ACTION_BLOCK);
	ck_assert(dv.by_dest);
	/* IPv6 too */
	ck_assert_int_eq(decide_dest(p, "allowed.example", "2001:db8::7", NULL, &v, NULL), ACTION_BLOCK);
	ck_assert(v.by_dest);
	policy_unref(p);
}
END_TEST

START_TEST(name_blocked_address_allowed_blocks_by_name)
{
	struct policy *p = build_dest();
	struct verdict v, dv;

	ck_assert_int_eq(decide_dest(p, "www.casino.example", "198.51.100.1", NULL, &v, &dv),
			 ACTION_BLOCK);
	ck_assert(!v.by_dest);
	ck_assert_str_eq(v.category, "gambling");
	ck_assert_ptr_null(policy_dest_reason(&v));
	ck_assert_int_eq(dv.action, ACTION_ALLOW);
	/* Both listed: the name is named (the more specific). */
	ck_assert_int_eq(decide_dest(p, "casino.example", "192.0.2.7", NULL, &v, &dv), ACTION_BLOCK);
	ck_assert(!v.by_dest);
	ck_assert_str_eq(v.category, "gambling");
	ck_assert_int_eq(dv.action, ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(both_allowed_is_the_names_verdict)
{
	struct policy *p = build_dest();
	struct verdict v, dv;

	ck_assert_int_eq(decide_dest(p, "allowed.example", "198.51.100.1", NULL, &v, &dv),
			 ACTION_ALLOW);
	ck_assert(!v.by_dest);
	ck_assert_int_eq(v.rule.kind, RULE_NONE);
	ck_assert_int_eq(dv.action, ACTION_ALLOW);
	ck_assert(dv.by_dest);
	policy_unref(p);
}
END_TEST

START_TEST(allowlisted_name_does_not_open_a_listed_address)
{
	struct policy *p = build_dest();
	struct verdict v;

	ck_assert_int_eq(decide_dest(p, "school.example", "192.0.2.7", NULL, &v, NULL), ACTION_BLOCK);
	ck_assert(v.by_dest);
	ck_assert(!v.allowlisted);
	ck_assert_int_eq(decide_dest(p, "school.example", "198.51.100.1", NULL, &v, NULL),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	policy_unref(p);
}
END_TEST

START_TEST(no_destination_is_the_name_alone)
{
	struct policy *p = build_dest();
	struct verdict v, dv;

	dv.by_dest = true;
	ck_assert_int_eq(decide_dest(p, "allowed.example", NULL, NULL, &v, &dv), ACTION_ALLOW);
	ck_assert(!v.by_dest);
	ck_assert(!dv.by_dest); /* zeroed: nothing was decided on an address */
	struct cg_addr none = { 0 };
	struct request req = { .proto = PROTO_HTTP, .host = "vpn.example", .host_len = 11 };
	ck_assert_int_eq(policy_decide_dest(p, &req, &none, NULL, &v, NULL), ACTION_BLOCK);
	ck_assert(!v.by_dest);
	policy_unref(p);
}
END_TEST

START_TEST(group_named)
{
	struct policy *p = build_dest();
	struct verdict v;

	ck_assert_int_eq(decide_dest(p, "allowed.example", "192.0.2.7", "default", &v, NULL),
			 ACTION_BLOCK);
	ck_assert(v.by_dest);
	ck_assert_str_eq(v.group, "default");
	policy_unref(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_dest");
	TCase *tc = tcase_create("decide_dest");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, name_allowed_address_listed_blocks);
	tcase_add_test(tc, name_blocked_address_allowed_blocks_by_name);
	tcase_add_test(tc, both_allowed_is_the_names_verdict);
	tcase_add_test(tc, allowlisted_name_does_not_open_a_listed_address);
	tcase_add_test(tc, no_destination_is_the_name_alone);
	tcase_add_test(tc, group_named);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
