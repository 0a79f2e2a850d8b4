/* Tests for util.c (buffers, diagnostics, number parsing) and addr.c (addresses,
 * subnets, endpoints), including every rejection branch. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "testutil.h"
#include "util.h"

START_TEST(sbuf_grows_and_terminates)
{
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	sbuf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	sbuf_add(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	char *s = sbuf_take(&b);
	ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
	ck_assert_ptr_null(b.data);
	free(s);
	sbuf_free(&b);
}
END_TEST

START_TEST(diag_formats_file_line_and_caps)
{
	struct diag d;
	diag_init(&d);
	d.max_kept = 2;
	diag_error(&d, "lists/g.list", 42, "label longer than %d bytes", 63);
	diag_warn(&d, "c.conf", 0, "odd");
	diag_error(&d, NULL, 0, "third");
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_uint_eq(d.warnings, 1);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.msgs[0], "lists/g.list:42: label longer than 63 bytes");
	ck_assert_str_eq(d.msgs[1], "c.conf: warning: odd");
	diag_free(&d);
}
END_TEST

START_TEST(parse_uint_bounds)
{
	unsigned long long v;
	ck_assert_int_eq(parse_uint("42", 0, 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_uint("101", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("4", 5, 100, &v), -1);
	ck_assert_int_eq(parse_uint("", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("-1", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint(" 1", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("1x", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("99999999999999999999999", 0, ~0ull, &v), -1);
	ck_assert_int_eq(parse_uint(NULL, 0, 1, &v), -1);
}
END_TEST

START_TEST(trim)
{
	char s[] = "  \t hello world \r\n";
	ck_assert_str_eq(str_trim(s), "hello world");
}
END_TEST

START_TEST(addresses)
{
	struct cg_addr a;
	char buf[CG_ADDR_STRLEN];
	ck_assert_int_eq(addr_parse("192.0.2.1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(addr_str(&a, buf), "192.0.2.1");
	ck_assert_int_eq(addr_parse("2001:DB8::1", &a), 0);
	ck_assert_str_eq(addr_str(&a, buf), "2001:db8::1");
	ck_assert_int_eq(addr_parse("192.0.2", &a), -1);
	ck_assert_int_eq(addr_parse("example.com", &a), -1);
	ck_assert_int_eq(addr_parse("", &a), -1);
	ck_assert(addr_parse("127.1.2.3", &a) == 0 && addr_is_loopback(&a));
	ck_assert(addr_parse("::1", &a) == 0 && addr_is_loopback(&a));
	ck_assert(addr_parse("10.0.0.1", &a) == 0 && !addr_is_loopback(&a));
	struct cg_addr none = {0};
	ck_assert_str_eq(addr_str(&none, buf), "-");
}
END_TEST

START_TEST(sockaddr_v4_mapped_is_v4)
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &in6.sin6_addr);
	struct cg_addr a;
	addr_from_sockaddr((struct sockaddr *)&in6, &a);
	ck_assert_int_eq(a.family, AF_INET);
	char buf[CG_ADDR_STRLEN];
	ck_assert_str_eq(addr_str(&a, buf), "10.1.2.3");
}
END_TEST

START_TEST(subnets)
{
	struct cg_subnet n;
	struct cg_addr a;
	ck_assert_int_eq(subnet_parse("10.0.0.0/8", &n), 0);
	ck_assert(addr_parse("10.200.1.1", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("11.0.0.1", &a) == 0 && !subnet_contains(&n, &a));
	ck_assert(addr_parse("::a00:1", &a) == 0 && !subnet_contains(&n, &a)); /* family */
	ck_assert_int_eq(subnet_parse("10.1.16.0/20", &n), 0);
	ck_assert(addr_parse("10.1.31.255", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("10.1.32.0", &a) == 0 && !subnet_contains(&n, &a));
	ck_assert_int_eq(subnet_parse("fd00:10::/48", &n), 0);
	ck_assert(addr_parse("fd00:10:0:ffff::1", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("fd00:11::1", &a) == 0 && !subnet_contains(&n, &a));
	ck_assert_int_eq(subnet_parse("0.0.0.0/0", &n), 0);
	ck_assert(addr_parse("203.0.113.9", &a) == 0 && subnet_contains(&n, &a));
	ck_assert_int_eq(subnet_parse("192.0.2.7", &n), 0); /* bare address = /32 */
	ck_assert_int_eq(n.prefix, 32);
	/* Rejections: host bits set, prefix too long, junk. */
	ck_assert_int_eq(subnet_parse("10.1.2.3/8", &n), -1);
	ck_assert_int_eq(subnet_parse("10.0.0.0/33", &n), -1);
	ck_assert_int_eq(subnet_parse("fd00::/129", &n), -1);
	ck_assert_int_eq(subnet_parse("10.0.0.0/", &n), -1);
	ck_assert_int_eq(subnet_parse("10.0.0.0/x", &n), -1);
	ck_assert_int_eq(subnet_parse("school/8", &n), -1);
	char longs[80];
	memset(longs, '1', sizeof longs - 1);
	longs[sizeof longs - 1] = '\0';
	ck_assert_int_eq(subnet_parse(longs, &n), -1);
}
END_TEST

START_TEST(endpoints)
{
	struct cg_endpoint e;
	char buf[64];
	ck_assert_int_eq(endpoint_parse("127.0.0.1:5300", 0, &e), 0);
	ck_assert_int_eq(e.port, 5300);
	ck_assert_str_eq(endpoint_str(&e, buf, sizeof buf), "127.0.0.1:5300");
	ck_assert_int_eq(endpoint_parse("[::1]:53", 0, &e), 0);
	ck_assert_str_eq(endpoint_str(&e, buf, sizeof buf), "[::1]:53");
	ck_assert_int_eq(endpoint_parse("::1", 53, &e), 0); /* bare v6, default port */
	ck_assert_int_eq(e.port, 53);
	ck_assert_int_eq(endpoint_parse("10.0.0.1", 53, &e), 0);
	ck_assert_int_eq(e.port, 53);
	struct sockaddr_storage ss;
	ck_assert_uint_eq(endpoint_to_sockaddr(&e, &ss), sizeof(struct sockaddr_in));
	ck_assert_int_eq(endpoint_parse("[::1]:53", 0, &e), 0);
	ck_assert_uint_eq(endpoint_to_sockaddr(&e, &ss), sizeof(struct sockaddr_in6));
	/* Rejections. */
	ck_assert_int_eq(endpoint_parse("10.0.0.1", 0, &e), -1);      /* port required */
	ck_assert_int_eq(endpoint_parse("10.0.0.1:0", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("10.0.0.1:65536", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("10.0.0.1:53x", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("[::1", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("[::1]x", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("localhost:53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]:1", 0, &e), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, sbuf_grows_and_terminates);
	tcase_add_test(tc, diag_formats_file_line_and_caps);
	tcase_add_test(tc, parse_uint_bounds);
	tcase_add_test(tc, trim);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, sockaddr_v4_mapped_is_v4);
	tcase_add_test(tc, subnets);
	tcase_add_test(tc, endpoints);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
