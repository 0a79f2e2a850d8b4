/* Unit tests for the lease file parsers: format detection, ISC dhcpd blocks (states,
 * names and their escapes, each malformed form and the recovery after it), Kea CSV rows
 * (columns by name, states, deleted leases, rejected rows). Every input is parsed from
 * a heap copy of exactly its length, so that a read past len shows under ASan. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leases_parse.h"
#include "testutil.h"
#include "util.h"

#define GOT_MAX 64

struct got {
	size_t n;
	struct {
		struct cg_addr a;
		bool named;
		char name[LEASES_NAME_MAX];
	} v[GOT_MAX];
};

static void collect(void *arg, const struct cg_addr *a, const char *name)
{
	struct got *g = arg;
	ck_assert_uint_lt(g->n, GOT_MAX);
	g->v[g->n].a = *a;
	g->v[g->n].named = name != NULL;
	if (name) {
		ck_assert_uint_lt(strlen(name), LEASES_NAME_MAX);
		strcpy(g->v[g->n].name, name);
	}
	g->n++;
}

static size_t run(enum leases_format f, const char *s, size_t len, struct got *g)
{
	char *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	memset(g, 0, sizeof *g);
	size_t bad = leases_parse(copy, len, f, collect, g);
	free(copy);
	return bad;
}
#define RUN(f, lit, g) run((f), (lit), sizeof(lit) - 1, (g))

/* The last entry reported for address s: its name, "-" when it gave no name, NULL when
 * the address was not reported at all. */
static const char *last(const struct got *g, const char *s)
{
	struct cg_addr a;
	ck_assert_int_eq(addr_parse(s, &a), 0);
	for (size_t i = g->n; i-- > 0;)
		if (g->v[i].a.family == a.family &&
		    memcmp(g->v[i].a.a, a.a, a.family == AF_INET ? 4 : 16) == 0)
			return g->v[i].named ? g->v[i].name : "-";
	return NULL;
}

static enum leases_format detect(const char *s)
{
	return leases_detect(s, strlen(s));
}

START_TEST(detect_formats)
{
	ck_assert_int_eq(detect("address,hwaddr,client_id,valid_lifetime\n"), LEASES_KEA);
	ck_assert_int_eq(detect("address,duid,valid_lifetime,expire\n"), LEASES_KEA);
	ck_assert_int_eq(detect("# dhcpd\nauthoring-byte-order little-endian;\n\n"
				"lease 192.168.1.5 {\n}\n"), LEASES_ISC);
	ck_assert_int_eq(detect("server-duid \"x\";\n  ia-na \"\\001\" {\n}\n"), LEASES_ISC);
	ck_assert_int_eq(detect("\tlease 10.0.0.1 {"), LEASES_ISC);
	ck_assert_int_eq(detect("1 52:54:00:00:00:01 10.1.2.3 pc-301 *\n"), LEASES_DNSMASQ);
	ck_assert_int_eq(detect(""), LEASES_DNSMASQ);
	/* "lease" without a block on its line, or not at a line's start: not ISC */
	ck_assert_int_eq(detect("lease time 3600\n{\n"), LEASES_DNSMASQ);
	ck_assert_int_eq(detect("1 52:54:00:00:00:01 10.1.2.3 lease {\n"), LEASES_DNSMASQ);
	/* "address," only counts on the first line */
	ck_assert_int_eq(detect("1 aa 10.1.2.3 pc *\naddress,hwaddr\n"), LEASES_DNSMASQ);
	ck_assert_int_eq(detect("addres"), LEASES_DNSMASQ);
	ck_assert_str_eq(leases_format_name(LEASES_ISC), "ISC dhcpd");
	ck_assert_str_eq(leases_format_name(LEASES_KEA), "Kea CSV");
	ck_assert_str_eq(leases_format_name(LEASES_DNSMASQ), "dnsmasq");
}
END_TEST

START_TEST(isc_states_and_names)
{
	struct got g;
	size_t bad = RUN(LEASES_ISC,
			 "lease 10.0.0.1 {\n  binding state active;\n  next binding state free;\n"
			 "  rewind binding state free;\n  client-hostname \"pc-1\";\n}\n"
			 "lease 10.0.0.2 { binding state free; client-hostname \"pc-2\"; }\n"
			 "lease 10.0.0.3 { binding state abandoned; client-hostname \"pc-3\"; }\n"
			 "lease 10.0.0.4 { binding state backup; client-hostname \"pc-4\"; }\n"
			 "lease 10.0.0.5 { binding state expired; client-hostname \"pc-5\"; }\n"
			 "lease 10.0.0.6 { binding state released; client-hostname \"pc-6\"; }\n"
			 "lease 10.0.0.7 { client-hostname \"old-style\"; }\n"
			 "lease 10.0.0.8 { abandoned; client-hostname \"pc-8\"; }\n"
			 "lease 10.0.0.9 { binding state active; }\n"
			 "lease 10.0.0.10 { binding state active; client-hostname \"lab\\055pc\"; }\n"
			 "lease 10.0.0.11 { binding state active; client-hostname \"a\\\"b\"; }\n"
			 "lease 10.0.0.12 { binding state active; client-hostname \"pc 12\"; }\n"
			 "lease 10.0.0.13 { client-hostname \"x\\000y\"; }\n"
			 "lease 10.0.0.14 { client-hostname \"x\\05\"; }\n"
			 "lease 10.0.0.15 { client-hostname \"x\\400\"; }\n"
			 "lease 10.0.0.16 { client-hostname \"x\\n\"; }\n"
			 "lease 10.0.0.17 { client-hostname \"x\\\\\"; }\n"
			 "lease 10.0.0.18 { client-hostname pc-18; }\n"
			 "lease 10.0.0.19 { binding state active; client-hostname \"\"; }\n"
			 "lease 10.0.0.20 { on expiry { client-hostname \"inner\"; binding state free; }\n"
			 "  binding state active; client-hostname \"pc-20\"; }\n",
			 &g);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(last(&g, "10.0.0.1"), "pc-1");
	for (int i = 2; i <= 6; i++) {
		char a[32];
		snprintf(a, sizeof a, "10.0.0.%d", i);
		ck_assert_str_eq(last(&g, a), "-"); /* free, abandoned, backup, expired, released */
	}
	ck_assert_str_eq(last(&g, "10.0.0.7"), "old-style"); /* no binding state */
	ck_assert_str_eq(last(&g, "10.0.0.8"), "-");
	ck_assert_str_eq(last(&g, "10.0.0.9"), "-");
	ck_assert_str_eq(last(&g, "10.0.0.10"), "lab-pc"); /* octal escape decoded */
	for (int i = 11; i <= 19; i++) {
		char a[32];
		snprintf(a, sizeof a, "10.0.0.%d", i);
		ck_assert_msg(strcmp(last(&g, a), "-") == 0, "%s gave %s", a, last(&g, a));
	}
	ck_assert_str_eq(last(&g, "10.0.0.20"), "pc-20"); /* a nested block's statements */
	ck_assert_uint_eq(g.n, 20);
}
END_TEST

START_TEST(isc_name_length)
{
	char buf[400], name[100];
	struct got g;
	memset(name, 'n', 64);
	name[64] = '\0';
	int n = snprintf(buf, sizeof buf, "lease 10.0.0.1 { client-hostname \"%s\"; }\n", name);
	ck_assert_uint_eq(run(LEASES_ISC, buf, (size_t)n, &g), 0);
	ck_assert_str_eq(last(&g, "10.0.0.1"), "-"); /* 64 bytes: one too long */
	name[63] = '\0';
	n = snprintf(buf, sizeof buf, "lease 10.0.0.1 { client-hostname \"%s\"; }\n", name);
	ck_assert_uint_eq(run(LEASES_ISC, buf, (size_t)n, &g), 0);
	ck_assert_str_eq(last(&g, "10.0.0.1"), name);
	/* 63 bytes that take 3 escapes each: still one name */
	char esc[300] = "";
	for (int i = 0; i < 63; i++)
		strcat(esc, "\\141");
	char big[600];
	n = snprintf(big, sizeof big, "lease 10.0.0.1 { client-hostname \"%s\"; }\n", esc);
	ck_assert_uint_eq(run(LEASES_ISC, big, (size_t)n, &g), 0);
	memset(name, 'a', 63);
	ck_assert_str_eq(last(&g, "10.0.0.1"), name);
}
END_TEST

/* Each malformed form is skipped and counted, and the good block after it still read. */
START_TEST(isc_malformed_recovers)
{
	static const struct {
		const char *in;
		size_t len;
	} cases[] = {
#define C(s) {s "lease 10.9.9.9 { binding state active; client-hostname \"good\"; }\n", \
	       sizeof(s "lease 10.9.9.9 { binding state active; client-hostname \"good\"; }\n") - 1}
		/* unterminated string: the line ends it */
		C("lease 10.0.0.1 { client-hostname \"abc\n binding state active; }\n"),
		/* a block never closed */
		C("lease 10.0.0.1 { binding state active; client-hostname \"p1\";\n"),
		/* a nested block never closed */
		C("lease 10.0.0.1 { on expiry { set x = \"y\";\n client-hostname \"p1\"; }\n"),
		/* bad addresses: out of range, IPv6 in a v4 lease, a NUL inside, none */
		C("lease 10.0.0.300 { client-hostname \"p1\"; }\n"),
		C("lease 2001:db8::1 { client-hostname \"p1\"; }\n"),
		C("lease 10.0.0.1\0junk { client-hostname \"p1\"; }\n"),
		C("lease { client-hostname \"p1\"; }\n"),
		/* no block after the address */
		C("lease 10.0.0.1 ;\n"),
		C("lease 10.0.0.1 10.0.0.2 {}\n"),
		/* ia-na without its block, or with too many words before it */
		C("ia-na \"x\";\n"),
		C("ia-na a b c d e { iaaddr 2001:db8::1 { client-hostname \"p1\"; } }\n"),
		/* a bad iaaddr */
		C("ia-na \"x\" { iaaddr 2001:db8::zz { client-hostname \"p1\"; } }\n"),
		C("ia-na \"x\" { iaaddr 10.0.0.1 { client-hostname \"p1\"; } }\n"),
#undef C
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		struct got g;
		size_t bad = run(LEASES_ISC, cases[i].in, cases[i].len, &g);
		ck_assert_msg(bad >= 1, "case %zu: nothing counted as malformed", i);
		ck_assert_msg(last(&g, "10.9.9.9") && strcmp(last(&g, "10.9.9.9"), "good") == 0,
			      "case %zu: the block after it was lost", i);
		ck_assert_msg(!last(&g, "10.0.0.1") && !last(&g, "2001:db8::1"),
			      "case %zu: the malformed block gave an entry", i);
	}
	/* Stray closing braces and unknown statements at the top level are passed over. */
	struct got g;
	ck_assert_uint_eq(RUN(LEASES_ISC, "}}\nfailover peer \"p\" state { my state normal; }\n"
				      "host x { hardware ethernet 00:11; fixed-address 10.0.0.50; }\nlease 10.0.0.1 { client-hostname \"a\"; }\n",
			      &g),
			  0);
	ck_assert_str_eq(last(&g, "10.0.0.1"), "a");
	/* A block cut by the end of the input, and inputs cut anywhere, are not read past. */
	const char *full = "lease 10.0.0.1 { binding state active; client-hostname \"pc-1\"; }";
	for (size_t len = 0; len < strlen(full); len++) {
		ck_assert_uint_le(run(LEASES_ISC, full, len, &g), 1);
		ck_assert_uint_eq(g.n, 0);
	}
	ck_assert_uint_eq(run(LEASES_ISC, full, strlen(full), &g), 0);
	ck_assert_str_eq(last(&g, "10.0.0.1"), "pc-1");
	/* A block longer than 64 KiB is skipped. */
	size_t n = 70000;
	char *huge = malloc(n + 200);
	ck_assert_ptr_nonnull(huge);
	int h = snprintf(huge, 200, "lease 10.0.0.1 { client-hostname \"big\"; ");
	memset(huge + h, ' ', n);
	strcpy(huge + h + n, "}\nlease 10.0.0.2 { client-hostname \"small\"; }\n");
	ck_assert_uint_eq(run(LEASES_ISC, huge, strlen(huge), &g), 1);
	ck_assert_ptr_null(last(&g, "10.0.0.1"));
	ck_assert_str_eq(last(&g, "10.0.0.2"), "small");
	free(huge);
}
END_TEST

START_TEST(isc_v6)
{
	struct got g;
	size_t bad = RUN(LEASES_ISC,
			 "server-duid \"\\000\\001\\000\\001%\\275\\200\\371RT\\000\\022\\064V\";\n\n"
			 "ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\\034\\356\\010\\252\\\"{\" {\n"
			 "  cltt 3 2026/12/02 06:00:00;\n"
			 "  iaaddr 2001:db8:1::5 {\n    binding state active;\n"
			 "    preferred-life 27000;\n    max-life 43200;\n"
			 "    ends 3 2026/12/02 18:00:00;\n    client-hostname \"tablet-5\";\n  }\n"
			 "  iaaddr 2001:db8:1::6 {\n    binding state expired;\n"
			 "    client-hostname \"tablet-6\";\n  }\n}\n"
			 "ia-pd \"\\002\" {\n  iaprefix 2001:db8:2::/64 {\n    binding state active;\n"
			 "    client-hostname \"router\";\n  }\n}\n",
			 &g);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(last(&g, "2001:db8:1::5"), "tablet-5");
	ck_assert_str_eq(last(&g, "2001:db8:1::6"), "-");
	ck_assert_uint_eq(g.n, 2); /* the delegated prefix gives nothing */
}
END_TEST

static const char KEA4_HEAD[] = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,"
				"fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n";

START_TEST(kea_rows)
{
	struct got g;
	char buf[2048];
	int n = snprintf(buf, sizeof buf, "%s%s", KEA4_HEAD,
			 "192.168.2.10,52:54:00:aa:00:10,01:52,4000,1764700000,1,1,1,pc-10.school.lan.,0,,0\n"
			 "192.168.2.11,52:54:00:aa:00:11,,4000,1764700000,1,0,0,,0,,0\r\n"
			 "192.168.2.12,52:54:00:aa:00:12,,4000,1764700000,1,0,0,pc-12,1,,0\n"
			 "192.168.2.13,52:54:00:aa:00:13,,0,1764700000,1,0,0,pc-13,0,,0\n"
			 "192.168.2.14,52:54:00:aa:00:14,,4000,1764700000,1,0,0,pc 14,0,,0\n"
			 "192.168.2.15,52:54:00:aa:00:15,,4000,1764700000,1,0,0,pc-15,0,,0\r\n"
			 "\n"
			 "192.168.2.300,52:54:00:aa:00:16,,4000,1764700000,1,0,0,pc-16,0,,0\n"
			 "192.168.2.17,52:54:00:aa:00:17,,4000\n"
			 "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
			 "hostname,state,user_context,pool_id\n"
			 "192.168.2.18,52:54:00:aa:00:18,,4000,1764700000,1,0,0,.,0,,0\n");
	ck_assert_uint_eq(run(LEASES_KEA, buf, (size_t)n, &g), 3); /* .300, short row, header */
	ck_assert_str_eq(last(&g, "192.168.2.10"), "pc-10.school.lan");
	ck_assert_str_eq(last(&g, "192.168.2.11"), "-"); /* no hostname */
	ck_assert_str_eq(last(&g, "192.168.2.12"), "-"); /* declined */
	ck_assert_str_eq(last(&g, "192.168.2.13"), "-"); /* deleted: lifetime 0 */
	ck_assert_str_eq(last(&g, "192.168.2.14"), "-"); /* not a host name */
	ck_assert_str_eq(last(&g, "192.168.2.15"), "pc-15"); /* CRLF */
	ck_assert_ptr_null(last(&g, "192.168.2.17"));
	ck_assert_str_eq(last(&g, "192.168.2.18"), "-");
	/* v6: prefixes passed over, states other than 0 give no name */
	n = snprintf(buf, sizeof buf, "%s",
		     "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,"
		     "prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,"
		     "hwaddr_source,pool_id\n"
		     "2001:db8:1::10,00:03:00:01,4000,1764700000,1,3000,0,1,128,0,0,laptop-10,,0,,1,2,0\n"
		     "2001:db8:1::11,00:03:00:02,4000,1764700000,1,3000,0,1,128,0,0,laptop-11,,2,,1,2,0\n"
		     "2001:db8:2::,00:03:00:03,4000,1764700000,1,3000,2,1,56,0,0,router-1,,0,,1,2,0\n");
	ck_assert_uint_eq(run(LEASES_KEA, buf, (size_t)n, &g), 0);
	ck_assert_str_eq(last(&g, "2001:db8:1::10"), "laptop-10");
	ck_assert_str_eq(last(&g, "2001:db8:1::11"), "-");
	ck_assert_ptr_null(last(&g, "2001:db8:2::"));
	/* An older schema without state: hostname alone decides. */
	ck_assert_uint_eq(RUN(LEASES_KEA, "address,hwaddr,hostname\n10.0.0.1,aa,pc-1\n", &g), 0);
	ck_assert_str_eq(last(&g, "10.0.0.1"), "pc-1");
}
END_TEST

START_TEST(kea_malformed)
{
	struct got g;
	/* headers without the columns needed: nothing read */
	ck_assert_uint_eq(RUN(LEASES_KEA, "address,hwaddr,state\n10.0.0.1,aa,0\n", &g), 1);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(RUN(LEASES_KEA, "hostname,state\npc,0\n", &g), 1);
	ck_assert_uint_eq(RUN(LEASES_KEA, "", &g), 1);
	ck_assert_uint_eq(RUN(LEASES_KEA, "address,hostname", &g), 0); /* header only */
	ck_assert_uint_eq(g.n, 0);
	/* a NUL in the address, a line over 4096 bytes: skipped, the next row read */
	ck_assert_uint_eq(RUN(LEASES_KEA, "address,hostname\n10.0.0.1\0x,pc-1\n10.0.0.2,pc-2\n", &g), 1);
	ck_assert_ptr_null(last(&g, "10.0.0.1"));
	ck_assert_str_eq(last(&g, "10.0.0.2"), "pc-2");
	char *big = malloc(6000);
	ck_assert_ptr_nonnull(big);
	strcpy(big, "address,hostname\n10.0.0.1,");
	size_t o = strlen(big);
	memset(big + o, 'a', 5000);
	strcpy(big + o + 5000, "\n10.0.0.2,pc-2\n");
	ck_assert_uint_eq(run(LEASES_KEA, big, strlen(big), &g), 1);
	ck_assert_ptr_null(last(&g, "10.0.0.1"));
	ck_assert_str_eq(last(&g, "10.0.0.2"), "pc-2");
	free(big);
	/* a header over 4096 bytes */
	char *hdr = malloc(5000);
	ck_assert_ptr_nonnull(hdr);
	memcpy(hdr, "address,", 8);
	memset(hdr + 8, 'x', 4990);
	hdr[4998] = '\n';
	ck_assert_uint_eq(run(LEASES_KEA, hdr, 4999, &g), 1);
	free(hdr);
	/* cut anywhere: never read past len */
	const char *row = "address,hostname,state\n10.0.0.1,pc-1,0\n";
	for (size_t len = 0; len <= strlen(row); len++)
		run(LEASES_KEA, row, len, &g);
	ck_assert_str_eq(last(&g, "10.0.0.1"), "pc-1");
}
END_TEST

START_TEST(dnsmasq_buffer)
{
	struct got g;
	ck_assert_uint_eq(RUN(LEASES_DNSMASQ,
			      "1 52:54:00:00:00:01 10.1.2.3 pc-301 *\r\n"
			      "garbage\n\n"
			      "duid 00:01\n"
			      "1 52:54:00:00:00:02 10.1.2.4 * *\n"
			      "1 52:54:00:00:00:05 10.1.2.5\0x pc-5 *\n"
			      "1 77 2001:db8::7 tablet-7 00:01",
			      &g),
			  2);
	ck_assert_str_eq(last(&g, "10.1.2.3"), "pc-301");
	ck_assert_ptr_null(last(&g, "10.1.2.4"));
	ck_assert_ptr_null(last(&g, "10.1.2.5")); /* a NUL inside a field */
	ck_assert_str_eq(last(&g, "2001:db8::7"), "tablet-7");
}
END_TEST

/* ---- records with MAC, end and state (leases_parse_entries, for campusgate ipmac) ---- */

struct rec {
	size_t n;
	struct leases_entry v[GOT_MAX];
	char names[GOT_MAX][LEASES_NAME_MAX];
};

static void rec_collect(void *arg, const struct leases_entry *e)
{
	struct rec *r = arg;
	ck_assert_uint_lt(r->n, GOT_MAX);
	r->v[r->n] = *e;
	if (e->name) {
		strcpy(r->names[r->n], e->name);
		r->v[r->n].name = r->names[r->n];
	}
	r->n++;
}

static size_t rec_run(enum leases_format f, const char *s, struct rec *r)
{
	size_t len = strlen(s);
	char *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	memset(r, 0, sizeof *r);
	size_t bad = leases_parse_entries(copy, len, f, rec_collect, r);
	free(copy);
	return bad;
}

/* The last record of address s, or NULL. */
static const struct leases_entry *rec_last(const struct rec *r, const char *s)
{
	struct cg_addr a;
	ck_assert_int_eq(addr_parse(s, &a), 0);
	for (size_t i = r->n; i-- > 0;)
		if (r->v[i].addr.family == a.family &&
		    memcmp(r->v[i].addr.a, a.a, a.family == AF_INET ? 4 : 16) == 0)
			return &r->v[i];
	return NULL;
}

static void mac_is(const struct leases_entry *e, uint8_t last_octet)
{
	ck_assert_ptr_nonnull(e);
	ck_assert(e->has_mac);
	const uint8_t want[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, last_octet};
	ck_assert_mem_eq(e->mac, want, 6);
}

START_TEST(entries_dnsmasq)
{
	struct rec r;
	ck_assert_uint_eq(rec_run(LEASES_DNSMASQ,
				  "1764700000 52:54:00:aa:00:01 10.1.2.1 pc-1 01:52:54\n"
				  "0 52:54:00:aa:00:02 10.1.2.2 * *\n"
				  "1764700000 52:54:00:aa:00:03 10.1.2.3 bad}name;x *\n"
				  "1764700000 01-52:54:00:aa:00:04 10.1.2.4 pc-4 *\n"
				  "1764700000 1234 2001:db8::5 pc-5 00:01\n"
				  "-5 52:54:00:aa:00:06 10.1.2.6 pc-6 *\n",
				  &r),
			  2); /* the bad name, the negative expiry */
	const struct leases_entry *e = rec_last(&r, "10.1.2.1");
	mac_is(e, 1);
	ck_assert(e->live);
	ck_assert_int_eq(e->expires, 1764700000);
	ck_assert_str_eq(e->name, "pc-1");
	e = rec_last(&r, "10.1.2.2");
	mac_is(e, 2);
	ck_assert_int_eq(e->expires, 0); /* infinite */
	ck_assert_ptr_null(e->name);
	e = rec_last(&r, "10.1.2.3"); /* a hostile name: no name, but the lease holds */
	mac_is(e, 3);
	ck_assert(e->name_bad);
	ck_assert_ptr_null(e->name);
	e = rec_last(&r, "10.1.2.4"); /* not an Ethernet address */
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->has_mac);
	e = rec_last(&r, "2001:db8::5"); /* an IAID, not a MAC */
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->has_mac);
	ck_assert_ptr_null(rec_last(&r, "10.1.2.6"));
}
END_TEST

START_TEST(entries_isc)
{
	struct rec r;
	ck_assert_uint_eq(rec_run(LEASES_ISC,
				  "lease 10.0.0.1 {\n  starts 1 2026/12/07 09:00:00;\n"
				  "  ends 1 2026/12/07 10:00:00;\n  binding state active;\n"
				  "  hardware ethernet 52:54:00:aa:00:01;\n  uid \"\\001RT\";\n"
				  "  client-hostname \"pc-1\";\n}\n"
				  "lease 10.0.0.2 { ends never; hardware ethernet 52:54:00:aa:00:02;"
				  " binding state active; }\n"
				  "lease 10.0.0.3 { ends epoch 1764700000; # Tue\n"
				  " hardware ethernet 52:54:00:aa:00:03; binding state free; }\n"
				  "lease 10.0.0.4 { ends 1 2026/13/07 10:00:00; hardware token-ring "
				  "52:54:00:aa:00:04; }\n"
				  "lease 10.0.0.5 { ends 1 2026/12/07 25:00:00; hardware ethernet zz; }\n"
				  "lease 10.0.0.6 { on expiry { hardware ethernet 52:54:00:aa:00:66; }\n"
				  " hardware ethernet 52:54:00:aa:00:06; }\n",
				  &r),
			  0);
	const struct leases_entry *e = rec_last(&r, "10.0.0.1");
	mac_is(e, 1);
	ck_assert(e->live);
	ck_assert_int_eq(e->expires, 1796637600); /* 2026-12-07 10:00:00 UTC */
	e = rec_last(&r, "10.0.0.2");
	mac_is(e, 2);
	ck_assert_int_eq(e->expires, 0);
	e = rec_last(&r, "10.0.0.3");
	mac_is(e, 3);
	ck_assert(!e->live);
	ck_assert_int_eq(e->expires, 1764700000);
	e = rec_last(&r, "10.0.0.4"); /* a month 13, not Ethernet */
	ck_assert(!e->has_mac);
	ck_assert_int_eq(e->expires, 0);
	e = rec_last(&r, "10.0.0.5"); /* hour 25, a MAC that is not one */
	ck_assert(!e->has_mac);
	ck_assert_int_eq(e->expires, 0);
	mac_is(rec_last(&r, "10.0.0.6"), 6); /* the nested block's MAC is not the lease's */
}
END_TEST

START_TEST(entries_kea)
{
	struct rec r;
	char buf[1024];
	snprintf(buf, sizeof buf, "%s%s", KEA4_HEAD,
		 "192.168.2.1,52:54:00:aa:00:01,,4000,1764700000,1,0,0,pc-1,0,,0\n"
		 "192.168.2.2,52:54:00:aa:00:02,,0,1764700000,1,0,0,pc-2,0,,0\n"
		 "192.168.2.3,,,4000,1764700000,1,0,0,,0,,0\n"
		 "192.168.2.4,52:54:00:aa:00:04,,4000,soon,1,0,0,,1,,0\n");
	ck_assert_uint_eq(rec_run(LEASES_KEA, buf, &r), 0);
	const struct leases_entry *e = rec_last(&r, "192.168.2.1");
	mac_is(e, 1);
	ck_assert(e->live);
	ck_assert_int_eq(e->expires, 1764700000);
	ck_assert(!rec_last(&r, "192.168.2.2")->live); /* deleted */
	ck_assert(!rec_last(&r, "192.168.2.3")->has_mac);
	e = rec_last(&r, "192.168.2.4");
	ck_assert(!e->live); /* declined */
	ck_assert_int_eq(e->expires, 0);
	/* a row shorter than the hwaddr and expire columns still gives its name */
	ck_assert_uint_eq(rec_run(LEASES_KEA, "address,hostname,hwaddr,expire\n10.0.0.1,pc-1\n",
				  &r), 0);
	ck_assert(!rec_last(&r, "10.0.0.1")->has_mac);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("leases_parse");
	TCase *tc = tcase_create("leases_parse");
	tcase_add_test(tc, detect_formats);
	tcase_add_test(tc, isc_states_and_names);
	tcase_add_test(tc, isc_name_length);
	tcase_add_test(tc, isc_malformed_recovers);
	tcase_add_test(tc, isc_v6);
	tcase_add_test(tc, kea_rows);
	tcase_add_test(tc, kea_malformed);
	tcase_add_test(tc, dnsmasq_buffer);
	tcase_add_test(tc, entries_dnsmasq);
	tcase_add_test(tc, entries_isc);
	tcase_add_test(tc, entries_kea);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
