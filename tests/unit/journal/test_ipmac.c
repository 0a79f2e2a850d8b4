/* Unit tests for the IP-MAC binding set: lease files of each format into pairs (expired,
 * inactive, MAC-less and IPv6 leases left out, the last record of an address holding,
 * duplicates merged, hostile lines harmless), the exact nft script, the set as nft lists
 * it (each rejection) and the difference of two sets. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ipmac.h"
#include "testutil.h"

#define NOW 1796637600 /* 2026-12-07 10:00:00 UTC */

static void add_file(struct ipmac_set *s, const char *text, struct ipmac_stats *st)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1); /* exactly len bytes: a read past shows under ASan */
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, text, len);
	ipmac_add_leases(s, copy, len, NOW, st);
	free(copy);
}

static char *script_of(const struct ipmac_set *s, const char *iface)
{
	struct sbuf b;
	sbuf_init(&b);
	ipmac_script(s, iface, &b);
	sbuf_addc(&b, '\0');
	return sbuf_take(&b);
}

START_TEST(dnsmasq_to_script)
{
	struct ipmac_set s;
	struct ipmac_stats st;
	ipmac_set_init(&s);
	add_file(&s,
		 "1796641200 52:54:00:aa:00:02 10.1.0.2 pc-2 01:52:54:00:aa:00:02\n"
		 "1796641200 52:54:00:aa:00:01 10.1.0.1 pc-1 *\n"
		 "1796630000 52:54:00:aa:00:03 10.1.0.3 expired *\n"	 /* ended at 07:53 */
		 "0 52:54:00:aa:00:04 10.1.0.4 forever *\n"		 /* infinite */
		 /* hostile names: no name, the lease holds (the script is made from the
		  * parsed MAC and address, never from the file's bytes) */
		 "1796641200 52:54:00:aa:00:05 10.1.0.5 a}b;flush\" *\n"
		 "1796641200 52:54:00:aa:00:06 10.1.0.6 } ; add rule x\n"
		 "1796641200 52:54:00:aa:00:07 10.1.0.7\"} pc-7 *\n" /* hostile address */
		 "1796641200 52:54:00:aa:00:08 10.1.0.8 pc-8\n"	     /* no client id */
		 "1796641200 1234 2001:db8::9 pc-9 00:01:00:01\n"
		 "1796641200 01-52:54:00:aa:00:0a 10.1.0.10 pc-10 *\n",
		 &st);
	ck_assert_uint_eq(st.bound, 6); /* .1 .2 .4 .5 .6 .8 */
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(st.ipv6, 1);
	ck_assert_uint_eq(st.no_mac, 1);
	ck_assert_uint_eq(st.bad, 3); /* the names of .5 and .6, the address of .7 */
	/* a static binding, and one of the leases again: merged */
	struct cg_addr a;
	const uint8_t mac_p[6] = {0x52, 0x54, 0x00, 0xbb, 0x00, 0x01};
	const uint8_t mac_1[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x01};
	ck_assert_int_eq(addr_parse("10.1.0.200", &a), 0);
	ipmac_set_add(&s, mac_p, &a);
	ck_assert_int_eq(addr_parse("10.1.0.1", &a), 0);
	ipmac_set_add(&s, mac_1, &a);
	ck_assert_int_eq(addr_parse("2001:db8::1", &a), 0);
	ipmac_set_add(&s, mac_1, &a); /* not IPv4: ignored */
	ipmac_set_settle(&s);
	ck_assert_uint_eq(s.n, 7);
	char *txt = script_of(&s, "lan0");
	ck_assert_str_eq(txt, "flush set inet campusgate ipmac_ifaces\n"
			      "flush set inet campusgate ipmac4\n"
			      "add element inet campusgate ipmac4 {\n"
			      "\t52:54:00:aa:00:01 . 10.1.0.1,\n"
			      "\t52:54:00:aa:00:02 . 10.1.0.2,\n"
			      "\t52:54:00:aa:00:04 . 10.1.0.4,\n"
			      "\t52:54:00:aa:00:05 . 10.1.0.5,\n"
			      "\t52:54:00:aa:00:06 . 10.1.0.6,\n"
			      "\t52:54:00:aa:00:08 . 10.1.0.8,\n"
			      "\t52:54:00:bb:00:01 . 10.1.0.200\n"
			      "}\n"
			      "add element inet campusgate ipmac_ifaces { \"lan0\" }\n");
	free(txt);
	/* off: both sets emptied, nothing added */
	txt = script_of(&s, NULL);
	ck_assert_str_eq(txt, "flush set inet campusgate ipmac_ifaces\n"
			      "flush set inet campusgate ipmac4\n");
	free(txt);
	ipmac_set_free(&s);
	/* no bindings at all: the interface is still set (every source is dropped) */
	txt = script_of(&s, "lan0");
	ck_assert_ptr_null(strstr(txt, "ipmac4 {"));
	ck_assert_ptr_nonnull(strstr(txt, "{ \"lan0\" }"));
	free(txt);
}
END_TEST

START_TEST(isc_and_kea)
{
	struct ipmac_set s;
	struct ipmac_stats st;
	ipmac_set_init(&s);
	add_file(&s,
		 "lease 10.2.0.1 {\n  ends 1 2026/12/07 11:00:00;\n  binding state active;\n"
		 "  hardware ethernet 52:54:00:cc:00:01;\n}\n"
		 /* the same address later given to another MAC: the last record holds */
		 "lease 10.2.0.2 { ends never; binding state active;"
		 " hardware ethernet 52:54:00:cc:00:02; }\n"
		 "lease 10.2.0.2 { ends never; binding state active;"
		 " hardware ethernet 52:54:00:cc:00:22; }\n"
		 /* released after being active */
		 "lease 10.2.0.3 { binding state active; hardware ethernet 52:54:00:cc:00:03; }\n"
		 "lease 10.2.0.3 { binding state free; hardware ethernet 52:54:00:cc:00:03; }\n"
		 "lease 10.2.0.4 { ends 1 2026/12/07 09:59:59; binding state active;"
		 " hardware ethernet 52:54:00:cc:00:04; }\n"
		 "lease 10.2.0.5 { binding state active; }\n",
		 &st);
	ck_assert_uint_eq(st.bound, 2);
	ck_assert_uint_eq(st.inactive, 1);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(st.no_mac, 1);
	add_file(&s,
		 "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
		 "hostname,state,user_context,pool_id\n"
		 "10.3.0.1,52:54:00:dd:00:01,,4000,1796641200,1,0,0,pc-1,0,,0\n"
		 "10.3.0.2,52:54:00:dd:00:02,,0,1796641200,1,0,0,pc-2,0,,0\n"
		 "10.3.0.3,52:54:00:dd:00:03,,4000,1796600000,1,0,0,pc-3,0,,0\n"
		 "10.3.0.4,52:54:00:dd:00:04,,4000,1796641200,1,0,0,pc-4,1,,0\n",
		 &st);
	ck_assert_uint_eq(st.bound, 1);
	ck_assert_uint_eq(st.inactive, 2); /* deleted, declined */
	ck_assert_uint_eq(st.expired, 1);
	ipmac_set_settle(&s);
	ck_assert_uint_eq(s.n, 3);
	char b[IPMAC_PAIR_STRLEN];
	ck_assert_str_eq(ipmac_pair_str(&s.p[0], b), "52:54:00:cc:00:01 . 10.2.0.1");
	ck_assert_str_eq(ipmac_pair_str(&s.p[1], b), "52:54:00:cc:00:22 . 10.2.0.2");
	ck_assert_str_eq(ipmac_pair_str(&s.p[2], b), "52:54:00:dd:00:01 . 10.3.0.1");
	ipmac_set_free(&s);
}
END_TEST

/* More than one statement's worth of elements: each "add element" is closed. */
START_TEST(script_chunks)
{
	struct ipmac_set s;
	ipmac_set_init(&s);
	for (int i = 0; i < 600; i++) {
		uint8_t mac[6] = {0x52, 0x54, 0, 0, (uint8_t)(i >> 8), (uint8_t)i};
		struct cg_addr a = {.family = AF_INET, .a = {10, 4, (uint8_t)(i >> 8), (uint8_t)i}};
		ipmac_set_add(&s, mac, &a);
	}
	ipmac_set_settle(&s);
	char *txt = script_of(&s, "br-lan");
	size_t opens = 0, closes = 0, commas = 0;
	for (const char *p = txt; *p; p++) {
		opens += *p == '{';
		closes += *p == '}';
		commas += *p == ',';
	}
	ck_assert_uint_eq(opens, 4); /* 256 + 256 + 88, and the interface */
	ck_assert_uint_eq(closes, 4);
	ck_assert_uint_eq(commas, 600 - 3);
	ck_assert_ptr_nonnull(strstr(txt, "\t52:54:00:00:02:57 . 10.4.2.87\n}\n"));
	free(txt);
	ipmac_set_free(&s);
}
END_TEST

static int listing(const char *text, struct ipmac_set *s)
{
	ipmac_set_free(s);
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, text, len);
	int r = ipmac_parse_listing(copy, len, s);
	free(copy);
	return r;
}

START_TEST(parse_listing)
{
	struct ipmac_set s;
	ipmac_set_init(&s);
	/* as nft 1.0 prints it */
	ck_assert_int_eq(listing("table inet campusgate {\n\tset ipmac4 {\n"
				 "\t\ttype ether_addr . ipv4_addr\n"
				 "\t\telements = { 52:54:00:aa:00:01 . 10.0.0.1,\n"
				 "\t\t\t     52:54:00:aa:00:02 . 10.0.0.2 }\n\t}\n}\n",
				 &s),
			 0);
	ipmac_set_settle(&s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.p[1].ip[3], 2);
	ck_assert_uint_eq(s.p[1].mac[5], 2);
	/* empty */
	ck_assert_int_eq(listing("table inet campusgate {\n\tset ipmac4 {\n"
				 "\t\ttype ether_addr . ipv4_addr\n\t}\n}\n",
				 &s),
			 0);
	ck_assert_uint_eq(s.n, 0);
	static const char *const bad[] = {
		"", /* nothing */
		"set ipmac4 {\n type ipv4_addr\n elements = { 10.0.0.1 }\n}\n", /* other type */
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 . 10.0.0.1",
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 . 10.0.0.1,",
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 10.0.0.1 }",
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00 . 10.0.0.1 }",
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 . 10.0.0 }",
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 . 2001:db8::1 }",
		"type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 . 10.0.0.1 ; }",
		"type ether_addr . ipv4_addr\nelements = { }",
		("type ether_addr . ipv4_addr\nelements = { 52:54:00:aa:00:01 . "
		 "10.0.0.1000000000000000000000000000000000000000000000000000 }"),
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(bad); i++)
		ck_assert_msg(listing(bad[i], &s) < 0, "bad[%zu] accepted", i);
	ipmac_set_free(&s);
}
END_TEST

struct changes {
	char text[512];
};

static void note(void *arg, const struct ipmac_pair *p, int added)
{
	struct changes *c = arg;
	char b[IPMAC_PAIR_STRLEN];
	size_t n = strlen(c->text);
	snprintf(c->text + n, sizeof c->text - n, "%c%s\n", added ? '+' : '-', ipmac_pair_str(p, b));
}

START_TEST(difference)
{
	struct ipmac_set old, cur;
	ipmac_set_init(&old);
	ipmac_set_init(&cur);
	uint8_t m1[6] = {2, 0, 0, 0, 0, 1}, m2[6] = {2, 0, 0, 0, 0, 2};
	struct cg_addr a1 = {.family = AF_INET, .a = {10, 0, 0, 1}};
	struct cg_addr a2 = {.family = AF_INET, .a = {10, 0, 0, 2}};
	struct cg_addr a3 = {.family = AF_INET, .a = {10, 0, 0, 3}};
	ipmac_set_add(&old, m1, &a1);
	ipmac_set_add(&old, m2, &a2);
	ipmac_set_add(&cur, m1, &a1);
	ipmac_set_add(&cur, m1, &a2); /* the address moved to another MAC */
	ipmac_set_add(&cur, m2, &a3);
	ipmac_set_settle(&old);
	ipmac_set_settle(&cur);
	struct changes c = {""};
	ck_assert_uint_eq(ipmac_diff(&old, &cur, note, &c), 3);
	ck_assert_str_eq(c.text, "+02:00:00:00:00:01 . 10.0.0.2\n"
				 "-02:00:00:00:00:02 . 10.0.0.2\n"
				 "+02:00:00:00:00:02 . 10.0.0.3\n");
	memset(&c, 0, sizeof c);
	ck_assert_uint_eq(ipmac_diff(&cur, &cur, note, &c), 0);
	ck_assert_str_eq(c.text, "");
	ipmac_set_free(&cur);
	ck_assert_uint_eq(ipmac_diff(&old, &cur, note, &c), 2);
	ipmac_set_free(&old);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ipmac");
	TCase *tc = tcase_create("ipmac");
	tcase_add_test(tc, dnsmasq_to_script);
	tcase_add_test(tc, isc_and_kea);
	tcase_add_test(tc, script_chunks);
	tcase_add_test(tc, parse_listing);
	tcase_add_test(tc, difference);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
