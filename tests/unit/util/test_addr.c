/* Tests for addr.c: parsing and formatting addresses, subnets and endpoints, with a
 * test for each rejection branch (STYLE item 4), socket addresses in and out. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "addr.h"
#include "testutil.h"
#include "util.h"

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

START_TEST(client_key_v6_slash64)
{
	struct cg_addr a, k, want;
	char b[CG_ADDR_STRLEN];
	ck_assert_int_eq(addr_parse("2001:db8:aa:bb:1:2:3:4", &a), 0);
	addr_client_key(&a, &k);
	ck_assert_str_eq(addr_str(&k, b), "2001:db8:aa:bb::");
	ck_assert_int_eq(addr_parse("192.0.2.77", &a), 0);
	addr_client_key(&a, &k);
	ck_assert_int_eq(addr_parse("192.0.2.77", &want), 0);
	ck_assert_int_eq(memcmp(&k, &want, sizeof k), 0);
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

START_TEST(address_rejections)
{
	struct cg_addr a;
	/* Each fails both inet_pton forms and leaves no family behind. */
	static const char *bad[] = {
		"192.0.2",          /* too few parts */
		"192.0.2.1.5",      /* too many */
		"256.0.0.1",        /* a part over 255 */
		"192.0.2.1 ",       /* trailing space */
		" 192.0.2.1",       /* leading space */
		"192.0.2.1/32",     /* a prefix is not an address */
		"2001:db8::1::2",   /* two "::" */
		"2001:db8:0:0:0:0:0:0:1", /* nine groups */
		"12345::",          /* a group over 4 digits */
		"[::1]",            /* brackets belong to endpoints */
		"example.com",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(addr_parse(bad[i], &a) == -1, "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(a.family, 0);
	}
	/* An IPv4-mapped IPv6 address written out stays IPv6 (only sockets map it back). */
	ck_assert_int_eq(addr_parse("::ffff:192.0.2.1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert(!addr_is_loopback(&a));
}
END_TEST

START_TEST(address_text_forms)
{
	struct cg_addr a;
	char buf[CG_ADDR_STRLEN];
	/* Text comes back in its canonical form: zeros compressed, lower case. */
	ck_assert_int_eq(addr_parse("2001:0DB8:0000:0000:0000:0000:0000:0001", &a), 0);
	ck_assert_str_eq(addr_str(&a, buf), "2001:db8::1");
	ck_assert_int_eq(addr_parse("::", &a), 0);
	ck_assert_str_eq(addr_str(&a, buf), "::");
	ck_assert_int_eq(addr_parse("0.0.0.0", &a), 0);
	ck_assert_str_eq(addr_str(&a, buf), "0.0.0.0");
	ck_assert_int_eq(addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a), 0);
	ck_assert_str_eq(addr_str(&a, buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ck_assert_uint_eq(strlen(buf) + 1 <= CG_ADDR_STRLEN, 1);
	/* Loopback: all of 127/8 and ::1, nothing else. */
	ck_assert(addr_parse("127.255.255.254", &a) == 0 && addr_is_loopback(&a));
	ck_assert(addr_parse("128.0.0.1", &a) == 0 && !addr_is_loopback(&a));
	ck_assert(addr_parse("::2", &a) == 0 && !addr_is_loopback(&a));
	ck_assert(addr_parse("::", &a) == 0 && !addr_is_loopback(&a));
	struct cg_addr none = {0};
	ck_assert(!addr_is_loopback(&none));
}
END_TEST

START_TEST(sockaddr_in_and_out)
{
	struct cg_addr a;
	char buf[CG_ADDR_STRLEN];
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(80)};
	inet_pton(AF_INET, "198.51.100.20", &in.sin_addr);
	addr_from_sockaddr((struct sockaddr *)&in, &a);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(addr_str(&a, buf), "198.51.100.20");
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "2001:db8::20", &in6.sin6_addr);
	addr_from_sockaddr((struct sockaddr *)&in6, &a);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(addr_str(&a, buf), "2001:db8::20");
	/* Not an IP socket: no family, printed as "-". */
	struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "/run/x"};
	memset(&a, 0xff, sizeof a);
	addr_from_sockaddr((struct sockaddr *)&un, &a);
	ck_assert_int_eq(a.family, 0);
	ck_assert_str_eq(addr_str(&a, buf), "-");
}
END_TEST

START_TEST(subnet_rejections_and_edges)
{
	struct cg_subnet n;
	struct cg_addr a;
	/* The prefix: empty, signed, spaced, junk after it, over the family's length. */
	static const char *bad[] = {
		"10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0/8/8",
		"2001:db8::/129", "2001:db8::/", "2001:db8::/1x",
		/* host bits set, v4 and v6, at the last bit */
		"10.0.0.1/31", "2001:db8::1/127", "2001:db8::/16",
		/* not an address before the slash */
		"/8", "10.0.0/8", "2001:db8:::/32", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(subnet_parse(bad[i], &n) == -1, "accepted \"%s\"", bad[i]);
	/* The length cap (64) leaves room for the longest way to write a subnet. */
	ck_assert_int_eq(subnet_parse("0000:0000:0000:0000:0000:0000:0000:0000/000", &n), 0);
	ck_assert_int_eq(n.prefix, 0);
	/* Bare v6: /128, one address. */
	ck_assert_int_eq(subnet_parse("2001:db8::7", &n), 0);
	ck_assert_int_eq(n.prefix, 128);
	ck_assert(addr_parse("2001:db8::7", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("2001:db8::6", &a) == 0 && !subnet_contains(&n, &a));
	/* /0 holds every address of its family, none of the other. */
	ck_assert_int_eq(subnet_parse("::/0", &n), 0);
	ck_assert(addr_parse("2001:db8::1", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("192.0.2.1", &a) == 0 && !subnet_contains(&n, &a));
	/* A prefix inside a byte: /25 splits 192.0.2.0-127 from 128-255. */
	ck_assert_int_eq(subnet_parse("192.0.2.128/25", &n), 0);
	ck_assert(addr_parse("192.0.2.128", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("192.0.2.255", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("192.0.2.127", &a) == 0 && !subnet_contains(&n, &a));
	ck_assert_int_eq(subnet_parse("192.0.2.0/32", &n), 0);
	ck_assert(addr_parse("192.0.2.0", &a) == 0 && subnet_contains(&n, &a));
	ck_assert(addr_parse("192.0.2.1", &a) == 0 && !subnet_contains(&n, &a));
}
END_TEST

START_TEST(endpoint_rejections_and_edges)
{
	struct cg_endpoint e;
	char buf[64];
	/* Brackets: IPv6 with a port, or alone with the default port. */
	ck_assert_int_eq(endpoint_parse("[2001:db8::53]", 853, &e), 0);
	ck_assert_int_eq(e.port, 853);
	ck_assert_int_eq(endpoint_parse("[2001:db8::53]", 0, &e), -1); /* port required */
	ck_assert_int_eq(endpoint_parse("[2001:db8::53]:", 0, &e), -1); /* empty port */
	ck_assert_int_eq(endpoint_parse("[]:53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("[localhost]:53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("[::1]]:53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("[::1] :53", 0, &e), -1);
	/* Without brackets: one colon separates the port; more make a bare IPv6 address,
	 * so "2001:db8::1:53" is that address, not port 53 (write [2001:db8::1]:53). */
	ck_assert_int_eq(endpoint_parse("2001:db8::1:53", 5300, &e), 0);
	ck_assert_str_eq(addr_str(&e.addr, buf), "2001:db8::1:53");
	ck_assert_int_eq(e.port, 5300);
	ck_assert_int_eq(endpoint_parse("2001:db8::1:53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("192.0.2.1:", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse(":53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("192.0.2.1:-1", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("192.0.2.1:+53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("192.0.2.1: 53", 0, &e), -1);
	ck_assert_int_eq(endpoint_parse("", 53, &e), -1);
	char longhost[80];
	memset(longhost, '1', 70);
	strcpy(longhost + 70, ":53");
	ck_assert_int_eq(endpoint_parse(longhost, 0, &e), -1); /* host over 63 bytes */
	/* The port's range ends. */
	ck_assert_int_eq(endpoint_parse("192.0.2.1:1", 0, &e), 0);
	ck_assert_int_eq(e.port, 1);
	ck_assert_int_eq(endpoint_parse("192.0.2.1:65535", 0, &e), 0);
	ck_assert_int_eq(e.port, 65535);
	/* An IPv4 address in brackets is taken as it is. */
	ck_assert_int_eq(endpoint_parse("[192.0.2.1]:80", 0, &e), 0);
	ck_assert_str_eq(endpoint_str(&e, buf, sizeof buf), "192.0.2.1:80");
	/* endpoint_str stays inside the buffer it is given. */
	ck_assert_int_eq(endpoint_parse("[2001:db8::1]:5353", 0, &e), 0);
	ck_assert_str_eq(endpoint_str(&e, buf, 8), "[2001:d");
}
END_TEST

START_TEST(endpoint_to_sockaddr_fields)
{
	struct cg_endpoint e;
	struct sockaddr_storage ss;
	char buf[CG_ADDR_STRLEN];
	ck_assert_int_eq(endpoint_parse("198.51.100.7:8080", 0, &e), 0);
	ck_assert_uint_eq(endpoint_to_sockaddr(&e, &ss), sizeof(struct sockaddr_in));
	const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
	ck_assert_int_eq(in->sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(in->sin_port), 8080);
	ck_assert_str_eq(inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf), "198.51.100.7");
	ck_assert_int_eq(endpoint_parse("[2001:db8::8]:443", 0, &e), 0);
	ck_assert_uint_eq(endpoint_to_sockaddr(&e, &ss), sizeof(struct sockaddr_in6));
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	ck_assert_int_eq(in6->sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(in6->sin6_port), 443);
	ck_assert_str_eq(inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf), "2001:db8::8");
	/* And back: the socket address gives the same address. */
	struct cg_addr back;
	addr_from_sockaddr((const struct sockaddr *)&ss, &back);
	ck_assert_int_eq(back.family, AF_INET6);
	ck_assert_int_eq(memcmp(back.a, e.addr.a, 16), 0);
}
END_TEST

START_TEST(mac_addresses)
{
	uint8_t m[6];
	static const char *const good[] = {"52:54:00:aa:00:0b", "52-54-00-AA-00-0B",
					   "52:54:0:aa:0:b"};
	for (size_t i = 0; i < CG_ARRAY_LEN(good); i++) {
		memset(m, 0, sizeof m);
		ck_assert_int_eq(mac_parse(good[i], strlen(good[i]), m), 0);
		ck_assert_uint_eq(m[5], 0x0b);
		ck_assert_uint_eq(m[3], 0xaa);
	}
	static const char *const bad[] = {
		"", "52:54:00:aa:00", "52:54:00:aa:00:0b:01", "52:54:00:aa:00:0g",
		"52:54-00:aa:00:0b", "520:54:00:aa:00:0b", "52::54:00:aa:00", "52:54:00:aa:00:",
		"01-52:54:00:aa:00:0b", "52 54 00 aa 00 0b"};
	for (size_t i = 0; i < CG_ARRAY_LEN(bad); i++)
		ck_assert_msg(mac_parse(bad[i], strlen(bad[i]), m) < 0, "%s", bad[i]);
	/* n bounds the read: a longer buffer cut to 17 bytes is a MAC */
	ck_assert_int_eq(mac_parse("52:54:00:aa:00:0bff", 17, m), 0);
	char b[CG_MAC_STRLEN];
	ck_assert_str_eq(mac_str(m, b), "52:54:00:aa:00:0b");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, address_rejections);
	tcase_add_test(tc, address_text_forms);
	tcase_add_test(tc, sockaddr_v4_mapped_is_v4);
	tcase_add_test(tc, sockaddr_in_and_out);
	tcase_add_test(tc, client_key_v6_slash64);
	tcase_add_test(tc, subnets);
	tcase_add_test(tc, subnet_rejections_and_edges);
	tcase_add_test(tc, endpoints);
	tcase_add_test(tc, endpoint_rejections_and_edges);
	tcase_add_test(tc, endpoint_to_sockaddr_fields);
	tcase_add_test(tc, mac_addresses);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
