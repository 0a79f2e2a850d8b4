/* Tests for tls_decide.c on real hellos (tests/fuzz/tls-hellos): Chrome's ECH GREASE
 * hello with a blocked name is blocked whatever the address, with an allowed name it is
 * decided on the address as well; no SNI decides on the address; only hits journal. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "testutil.h"
#include "tls_decide.h"
#include "util.h"

static char *dir;

/* A policy with list in category gambling and, for the hidden-name cases, the ECH names
 * ech in a bypass category; group default blocks both and adds group_extra. */
static struct policy *policy_full(const char *list, const char *ech, const char *group_extra)
{
	char conf[4096];
	char *lp = tu_write_file(dir, "block.list", list);
	char *ep = tu_write_file(dir, "ech.list", ech);
	snprintf(conf, sizeof(conf),
		 "[category gambling]\nkind = block\nlist = %s\n"
		 "[category bypass]\nkind = bypass\nlist = %s\nech_list = %s\n"
		 "[group default]\nblock = gambling bypass\n%s\n", lp, lp, ep, group_extra);
	free(ep);
	char *cp = tu_write_file(dir, "c.conf", conf);
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(cp, &d);
	if (!cfg)
		diag_print(&d, stderr);
	ck_assert_ptr_nonnull(cfg);
	struct policy *p = policy_build(cfg, &d);
	ck_assert_ptr_nonnull(p);
	diag_free(&d);
	config_free(cfg);
	free(lp);
	free(cp);
	return p;
}

/* The group leaves tls_no_sni unset and blocks categories: a hello without SNI is
 * blocked; these tests of the name and the address allow it explicitly. */
static struct policy *policy_with(const char *list)
{
	return policy_full(list, "", "tls_no_sni = allow");
}

static void hello_from(const char *seed, struct tls_hello *h)
{
	char rel[128];
	size_t len;
	snprintf(rel, sizeof(rel), "tests/fuzz/tls-hellos/%s", seed);
	char *path = tu_source_path(rel);
	char *buf = tu_read_file(path, &len);
	ck_assert_msg(buf != NULL, "%s missing", path);
	ck_assert_int_eq(tls_parse_client_hello((const uint8_t *)buf, len, h), 1);
	free(buf);
	free(path);
}

static struct sockaddr_in dst(const char *ip)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(443);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
	return sa;
}

static struct cg_addr client;

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_int_eq(addr_parse("10.0.0.7", &client), 0);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

/* The capture's hello is Chrome's: SNI lh3.google.com with ECH GREASE. */
START_TEST(ech_blocked_name_to_allowed_address)
{
	struct tls_hello h;
	struct tls_decision d;
	hello_from("chrome-ech-grease", &h);
	ck_assert(h.ech);
	ck_assert(h.has_sni);
	ck_assert_str_eq(h.sni, "lh3.google.com");
	struct policy *p = policy_with("google.com\n192.0.2.66\n");
	struct sockaddr_in a = dst("192.0.2.10");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.kase, TLS_CASE_ECH);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert(!d.by_address);
	ck_assert(d.journal);
	ck_assert_str_eq(d.r.host, "lh3.google.com");
	ck_assert_str_eq(d.v.category, "gambling");
	/* The same without an original destination: still blocked on the name. */
	ck_assert_int_eq(tls_decide(p, &h, &client, NULL, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(ech_allowed_name_decides_on_the_address)
{
	struct tls_hello h;
	struct tls_decision d;
	hello_from("chrome-ech-grease", &h);
	struct policy *p = policy_with("casino.test\n192.0.2.66\n");
	/* Allowed name to an allowed address: allowed, not journaled (no flood). */
	struct sockaddr_in a = dst("192.0.2.10");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.kase, TLS_CASE_ECH);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	ck_assert(!d.journal);
	ck_assert(!d.by_address);
	ck_assert_str_eq(d.r.host, "lh3.google.com");
	ck_assert_ptr_null(d.reason);
	/* Allowed (cover) name to a blocked address: blocked on the address, with a reason. */
	a = dst("192.0.2.66");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert(d.by_address);
	ck_assert(d.journal);
	ck_assert_str_eq(d.r.host, "192.0.2.66");
	ck_assert_ptr_nonnull(d.reason);
	ck_assert_ptr_nonnull(strstr(d.reason, "ECH: outer SNI lh3.google.com allowed"));
	policy_unref(p);
}
END_TEST

/* Without ECH the name and the address decide: a blocked name is blocked anywhere, an
 * allowed one to a listed address is blocked on the address (REALITY-style camouflage). */
START_TEST(plain_sni)
{
	struct tls_hello h;
	struct tls_decision d;
	hello_from("openssl-sni", &h);
	ck_assert(h.has_sni);
	ck_assert(!h.ech);
	char blocked[600];
	snprintf(blocked, sizeof(blocked), "%s\n", h.sni);
	struct policy *p = policy_with(blocked);
	struct sockaddr_in a = dst("192.0.2.10");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.kase, TLS_CASE_SNI);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert(d.journal && !d.by_address);
	policy_unref(p);
	p = policy_with("casino.test\n192.0.2.66\n");
	a = dst("192.0.2.10");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	ck_assert(!d.journal && !d.by_address);
	a = dst("192.0.2.66");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert(d.journal && d.by_address && d.v.by_dest);
	ck_assert_str_eq(d.r.host, "192.0.2.66");
	ck_assert_ptr_nonnull(strstr(d.reason, "allowed; destination address listed"));
	/* Without an original destination the name alone decides. */
	ck_assert_int_eq(tls_decide(p, &h, &client, NULL, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

START_TEST(no_sni_decides_on_the_address)
{
	struct tls_hello h;
	struct tls_decision d;
	hello_from("curl-tls12-ip", &h);
	ck_assert(!h.has_sni);
	struct policy *p = policy_with("casino.test\n192.0.2.66\n");
	struct sockaddr_in a = dst("192.0.2.10");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.kase, TLS_CASE_NO_SNI);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	ck_assert(!d.journal); /* counted by the front end, not journaled */
	ck_assert_str_eq(d.r.host, "192.0.2.10");
	a = dst("192.0.2.66");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert(d.journal && d.by_address);
	ck_assert_str_eq(d.reason, "no SNI: decided on the destination address");
	/* Nothing to decide on. */
	ck_assert_int_eq(tls_decide(p, &h, &client, NULL, 0, &d), -1);
	policy_unref(p);
}
END_TEST

/* tls_no_sni: unset in a group that blocks categories means block, as a bypass attempt
 * with reason no-sni and the destination address as the host; allow lets the address
 * decide; a group that enforces nothing allows. */
START_TEST(no_sni_by_group)
{
	struct tls_hello h;
	struct tls_decision d;
	hello_from("curl-tls12-ip", &h);
	struct policy *p = policy_full("casino.test\n192.0.2.66\n", "", "");
	struct sockaddr_in a = dst("192.0.2.10");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.kase, TLS_CASE_NO_SNI);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert_int_eq(d.hidden, TLS_HIDDEN_NO_SNI);
	ck_assert(d.journal && d.v.bypass && !d.by_address);
	ck_assert_str_eq(d.reason, "no-sni");
	ck_assert_str_eq(d.r.host, "192.0.2.10");
	ck_assert_str_eq(d.v.category, "bypass"); /* the group's bypass category */
	/* To a listed address: the listed rule is named, the reason stays no-sni. */
	a = dst("192.0.2.66");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert_str_eq(d.reason, "no-sni");
	ck_assert(d.v.bypass);
	ck_assert_uint_eq(d.v.rule.line, 2);
	policy_unref(p);
	/* tls_no_sni = block in a group that enforces nothing. */
	p = policy_full("casino.test\n", "", "[group open]\nsubnet = 10.0.0.0/8\n"
			"tls_no_sni = block");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	policy_unref(p);
	/* A group with no category and tls_no_sni unset: allowed, not journaled. */
	p = policy_full("casino.test\n", "", "[group open]\nsubnet = 10.0.0.0/8\nblock_mode = nxdomain");
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	ck_assert_int_eq(d.hidden, TLS_HIDDEN_NONE);
	ck_assert(!d.journal);
	policy_unref(p);
}
END_TEST

static void ech_hello(struct tls_hello *h, const char *sni, enum tls_ech_type t)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->sni, sizeof(h->sni), "%s", sni);
	h->sni_len = strlen(sni);
	h->has_sni = true;
	h->ech = t != TLS_ECH_NONE;
	h->ech_type = t;
}

/* ECH (type outer) whose outer name is on an ech_list: blocked as a bypass attempt,
 * reason ech; the same name without ECH, GREASE ECH with a real name, an inner-type
 * extension, and a group that does not enforce the category are not. */
START_TEST(ech_client_facing_name)
{
	struct tls_hello h;
	struct tls_decision d;
	struct sockaddr_in a = dst("192.0.2.10");
	struct policy *p = policy_full("casino.test\n", "ech-cover.example\n", "");
	ech_hello(&h, "ech-cover.example", TLS_ECH_OUTER);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	ck_assert_int_eq(d.hidden, TLS_HIDDEN_ECH);
	ck_assert_str_eq(d.reason, "ech");
	ck_assert(d.journal && d.v.bypass);
	ck_assert_str_eq(d.v.category, "bypass");
	ck_assert_str_eq(d.r.host, "ech-cover.example");
	ck_assert_ptr_nonnull(strstr(d.v.rule.file, "ech.list"));
	ck_assert_uint_eq(d.v.rule.line, 1);
	/* below the listed name too */
	ech_hello(&h, "a.ech-cover.example", TLS_ECH_OUTER);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_BLOCK);
	/* no ECH: the name alone is not a bypass */
	ech_hello(&h, "ech-cover.example", TLS_ECH_NONE);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	ck_assert_int_eq(d.hidden, TLS_HIDDEN_NONE);
	/* GREASE ECH with a real, allowed name */
	ech_hello(&h, "school.example", TLS_ECH_OUTER);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	/* an inner-type or malformed extension is not an ECH connection */
	ech_hello(&h, "ech-cover.example", TLS_ECH_INNER);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	policy_unref(p);
	/* A group that does not enforce bypass: allowed. */
	p = policy_full("casino.test\n", "ech-cover.example\n",
			"[group staff]\nsubnet = 10.0.0.0/8\nblock = gambling");
	ech_hello(&h, "ech-cover.example", TLS_ECH_OUTER);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	policy_unref(p);
	/* The allowlist wins over an ECH name. */
	char *al = tu_write_file(dir, "allow.list", "ech-cover.example\n");
	char extra[600];
	snprintf(extra, sizeof(extra), "[allow]\nlist = %s", al);
	p = policy_full("casino.test\n", "ech-cover.example\n", extra);
	ck_assert_int_eq(tls_decide(p, &h, &client, (struct sockaddr *)&a, 0, &d), 0);
	ck_assert_int_eq(d.v.action, ACTION_ALLOW);
	policy_unref(p);
	free(al);
}
END_TEST

/* Chrome's real hello carries a well-formed GREASE ECH extension of type outer. */
START_TEST(chrome_grease_is_outer)
{
	struct tls_hello h;
	hello_from("chrome-ech-grease", &h);
	ck_assert_int_eq(h.ech_type, TLS_ECH_OUTER);
	ck_assert_uint_gt(h.ech_payload_len, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tls_decide");
	TCase *tc = tcase_create("tls_decide");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ech_blocked_name_to_allowed_address);
	tcase_add_test(tc, ech_allowed_name_decides_on_the_address);
	tcase_add_test(tc, plain_sni);
	tcase_add_test(tc, no_sni_decides_on_the_address);
	tcase_add_test(tc, no_sni_by_group);
	tcase_add_test(tc, ech_client_facing_name);
	tcase_add_test(tc, chrome_grease_is_outer);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
