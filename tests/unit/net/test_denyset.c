/* Tests for denyset.c: where a CONNECT tunnel never goes (loopback, link-local, the
 * box's own addresses, the LAN and the admin's subnets), IPv4 and IPv6, mapped forms. */
#include <string.h>

#include "denyset.h"
#include "testutil.h"

static enum denyset_kind m(const struct denyset *d, const char *s)
{
	struct cg_addr a;
	ck_assert_msg(addr_parse(s, &a) == 0, "%s", s);
	return denyset_match(d, &a);
}

static void add_net(struct denyset *d, const char *s)
{
	struct cg_subnet n;
	ck_assert_int_eq(subnet_parse(s, &n), 0);
	denyset_add(d, &n);
}

START_TEST(loopback_and_link_local)
{
	struct denyset *d = denyset_new(true, true);
	ck_assert_int_eq(m(d, "127.0.0.1"), DENYSET_LOOPBACK);
	ck_assert_int_eq(m(d, "127.255.0.9"), DENYSET_LOOPBACK);
	ck_assert_int_eq(m(d, "0.0.0.0"), DENYSET_LOOPBACK); /* connect() to it is local */
	ck_assert_int_eq(m(d, "::1"), DENYSET_LOOPBACK);
	ck_assert_int_eq(m(d, "::"), DENYSET_LOOPBACK);
	ck_assert_int_eq(m(d, "::ffff:127.0.0.1"), DENYSET_LOOPBACK);
	ck_assert_int_eq(m(d, "169.254.169.254"), DENYSET_LINK_LOCAL);
	ck_assert_int_eq(m(d, "fe80::1"), DENYSET_LINK_LOCAL);
	ck_assert_int_eq(m(d, "febf::1"), DENYSET_LINK_LOCAL);
	ck_assert_int_eq(m(d, "fec0::1"), DENYSET_NONE);
	ck_assert_int_eq(m(d, "198.51.100.7"), DENYSET_NONE);
	ck_assert_int_eq(m(d, "2001:db8::7"), DENYSET_NONE);
	ck_assert_int_eq(m(d, "::2"), DENYSET_NONE);
	ck_assert_int_eq(m(d, "128.0.0.1"), DENYSET_NONE);
	denyset_unref(d);
	/* Both off: loopback passes (an admin who said connect_deny = none). */
	d = denyset_new(false, false);
	ck_assert_int_eq(m(d, "127.0.0.1"), DENYSET_NONE);
	ck_assert_int_eq(m(d, "fe80::1"), DENYSET_NONE);
	denyset_unref(d);
}
END_TEST

START_TEST(subnets_and_self)
{
	struct denyset *d = denyset_new(false, false);
	add_net(d, "10.0.0.0/8");
	add_net(d, "fd00::/8");
	add_net(d, "0.0.0.0/0"); /* ignored: would deny everything */
	struct cg_addr self;
	ck_assert_int_eq(addr_parse("203.0.113.1", &self), 0);
	denyset_add_self(d, &self);
	denyset_add_self(d, &self); /* once */
	ck_assert_int_eq(m(d, "10.1.2.3"), DENYSET_LISTED);
	ck_assert_int_eq(m(d, "::ffff:10.1.2.3"), DENYSET_LISTED);
	ck_assert_int_eq(m(d, "fd12::1"), DENYSET_LISTED);
	ck_assert_int_eq(m(d, "11.0.0.1"), DENYSET_NONE);
	ck_assert_int_eq(m(d, "203.0.113.1"), DENYSET_SELF);
	ck_assert_int_eq(m(d, "::ffff:203.0.113.1"), DENYSET_SELF);
	ck_assert_int_eq(m(d, "203.0.113.2"), DENYSET_NONE);
	struct cg_addr none;
	memset(&none, 0, sizeof(none));
	ck_assert_int_eq(denyset_match(d, &none), DENYSET_LISTED); /* unknown: never */
	ck_assert_str_eq(denyset_kind_name(DENYSET_SELF), "the gateway's own address");
	denyset_ref(d);
	denyset_unref(d);
	denyset_unref(d);
}
END_TEST

START_TEST(interfaces_include_loopback)
{
	struct denyset *d = denyset_new(false, false);
	ck_assert_int_eq(denyset_add_interfaces(d), 0);
	/* lo is up in every namespace the tests run in */
	ck_assert_int_eq(m(d, "127.0.0.1"), DENYSET_SELF);
	ck_assert_int_eq(m(d, "192.0.2.250"), DENYSET_NONE);
	denyset_unref(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("denyset");
	TCase *tc = tcase_create("denyset");
	tcase_add_test(tc, loopback_and_link_local);
	tcase_add_test(tc, subnets_and_self);
	tcase_add_test(tc, interfaces_include_loopback);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
