/* Tests for dns_msg.c: the bounded query/reply parser (every rejection branch) and the
 * answer writer. The shared DNS wire corpus runs in test_dns_wire_corpus.c. */
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "dns_write.h"
#include "dns_chain.h" /* dns_chain_check */
#include "dns_msg_support.h"
#include "testutil.h"

/* A query for name/type with optional OPT, built by hand (not by the code under test). */
static size_t mkquery(uint8_t *out, uint16_t id, const char *name, uint16_t qtype,
		      bool opt, uint16_t opt_size, uint32_t opt_ttl)
{
	size_t p = 12;
	memset(out, 0, 12);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = 0x01; /* RD */
	out[5] = 1;
	out[11] = opt ? 1 : 0;
	const char *s = name;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		out[p++] = (uint8_t)l;
		memcpy(out + p, s, l);
		p += l;
		s += l;
		if (*s == '.')
			s++;
	}
	out[p++] = 0;
	out[p++] = (uint8_t)(qtype >> 8);
	out[p++] = (uint8_t)qtype;
	out[p++] = 0;
	out[p++] = 1;
	if (opt) {
		out[p++] = 0;
		out[p++] = 0;
		out[p++] = 41;
		out[p++] = (uint8_t)(opt_size >> 8);
		out[p++] = (uint8_t)opt_size;
		out[p++] = (uint8_t)(opt_ttl >> 24);
		out[p++] = (uint8_t)(opt_ttl >> 16);
		out[p++] = (uint8_t)(opt_ttl >> 8);
		out[p++] = (uint8_t)opt_ttl;
		out[p++] = 0;
		out[p++] = 0;
	}
	return p;
}

START_TEST(query_parses_name_type_edns)
{
	uint8_t b[512];
	struct dns_query q;
	size_t n = mkquery(b, 0x1234, "WWW.Example.COM", DNS_TYPE_AAAA, true, 4096, 0x8000);
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_OK);
	ck_assert_uint_eq(q.id, 0x1234);
	ck_assert_str_eq(q.name, "www.example.com");
	ck_assert_uint_eq(q.name_len, 15);
	ck_assert(!q.name_odd);
	ck_assert_uint_eq(q.qtype, DNS_TYPE_AAAA);
	ck_assert_uint_eq(q.qclass, DNS_CLASS_IN);
	ck_assert(q.edns);
	ck_assert(q.do_bit);
	ck_assert_uint_eq(q.edns_size, 4096);
	ck_assert_uint_eq(q.q_end, 12 + 17 + 4);

	n = mkquery(b, 1, "a.b", DNS_TYPE_A, true, 100, 0);
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_OK);
	ck_assert_uint_eq(q.edns_size, 512); /* below 512 counts as 512 */
	ck_assert(!q.do_bit);

	n = mkquery(b, 1, "", DNS_TYPE_NS, false, 0, 0);
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_OK);
	ck_assert_str_eq(q.name, "");
	ck_assert(!q.edns);
	ck_assert_uint_eq(q.edns_size, 512);
}
END_TEST

START_TEST(query_rejects_each_branch)
{
	uint8_t b[600] = {0};
	struct dns_query q;
	size_t n;

	ck_assert_int_eq(dns_query_parse(b, 11, &q), DNS_REJ_SHORT);

	n = mkquery(b, 1, "x.y", DNS_TYPE_A, false, 0, 0);
	b[2] |= 0x80;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_RESPONSE);

	n = mkquery(b, 1, "x.y", DNS_TYPE_A, false, 0, 0);
	b[2] |= 2 << 3; /* opcode STATUS */
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_OPCODE);
	ck_assert_uint_eq(q.id, 1); /* header known: an error answer can be made */

	n = mkquery(b, 1, "x.y", DNS_TYPE_A, false, 0, 0);
	b[5] = 2;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_QDCOUNT);
	b[5] = 0;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_QDCOUNT);

	/* Name: truncated mid-label, pointer in the question, label type 0x40/0x80,
	 * name longer than 255 wire bytes. */
	n = mkquery(b, 1, "abcdef.y", DNS_TYPE_A, false, 0, 0);
	ck_assert_int_eq(dns_query_parse(b, 16, &q), DNS_REJ_NAME);
	b[12] = 0xc0;
	b[13] = 12;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_NAME);
	n = mkquery(b, 1, "abc", DNS_TYPE_A, false, 0, 0);
	b[12] = 0x41;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_NAME);
	b[12] = 0x83;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_NAME);
	memset(b, 0, sizeof b);
	b[5] = 1;
	n = 12;
	for (int i = 0; i < 5; i++) { /* 5 * 64 = 320 wire bytes */
		b[n++] = 63;
		memset(b + n, 'a', 63);
		n += 63;
	}
	b[n++] = 0;
	n += 4;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_NAME);

	/* Question cut before type/class. */
	n = mkquery(b, 1, "x.y", DNS_TYPE_A, false, 0, 0);
	ck_assert_int_eq(dns_query_parse(b, n - 1, &q), DNS_REJ_TRUNC);
	/* A claimed record that is not there. */
	b[7] = 1;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_TRUNC);

	/* OPT: in the answer section, twice, with a non-root owner, with options that
	 * do not tile the data; version 1 -> BADVERS. */
	n = mkquery(b, 1, "x.y", DNS_TYPE_A, true, 1232, 0);
	b[7] = 1;
	b[11] = 0;
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_EDNS);
	n = mkquery(b, 1, "x.y", DNS_TYPE_A, true, 1232, 0);
	memcpy(b + n, b + n - 11, 11);
	b[11] = 2;
	ck_assert_int_eq(dns_query_parse(b, n + 11, &q), DNS_REJ_EDNS);
	n = mkquery(b, 1, "x.y", DNS_TYPE_A, true, 1232, 0);
	/* owner: a pointer to the question name instead of the root */
	memmove(b + n - 9, b + n - 10, 10);
	b[n - 11] = 0xc0;
	b[n - 10] = 12;
	ck_assert_int_eq(dns_query_parse(b, n + 1, &q), DNS_REJ_EDNS);
	n = mkquery(b, 1, "x.y", DNS_TYPE_A, true, 1232, 0);
	b[n - 1] = 3; /* rdlen 3: one option header cut short */
	b[n] = 0;
	b[n + 1] = 10;
	b[n + 2] = 0;
	ck_assert_int_eq(dns_query_parse(b, n + 3, &q), DNS_REJ_EDNS);
	n = mkquery(b, 1, "x.y", DNS_TYPE_A, true, 1232, 0x00010000);
	ck_assert_int_eq(dns_query_parse(b, n, &q), DNS_REJ_BADVERS);
	ck_assert_str_eq(dns_reject_name(DNS_REJ_BADVERS), "badvers");
	ck_assert_str_eq(dns_reject_name(DNS_REJ_COUNT), "?");
}
END_TEST

START_TEST(name_read_pointer_rules)
{
	/* Header, then "ab" at 12, then a name "x" + pointer to 12 at 16. */
	uint8_t b[64] = {0};
	size_t p = 12, next;
	char out[DNS_NAME_TEXT_MAX];
	bool odd;
	b[p++] = 2, b[p++] = 'A', b[p++] = 'b', b[p++] = 0;
	size_t at = p;
	b[p++] = 1, b[p++] = 'x', b[p++] = 0xc0, b[p++] = 12;
	ck_assert_int_eq(dns_name_read(b, p, at, out, &odd, &next), 4);
	ck_assert_str_eq(out, "x.ab");
	ck_assert_uint_eq(next, p);
	ck_assert(!odd);
	/* Pointer forwards, to itself, into the header: rejected. */
	b[at + 3] = (uint8_t)(at + 2);
	ck_assert_int_eq(dns_name_read(b, p, at, out, &odd, &next), -1);
	b[at + 3] = 40;
	ck_assert_int_eq(dns_name_read(b, p, at, out, &odd, &next), -1);
	b[at + 3] = 4;
	ck_assert_int_eq(dns_name_read(b, p, at, out, &odd, &next), -1);
	/* Pointer cut in half. */
	ck_assert_int_eq(dns_name_read(b, at + 3, at, out, &odd, &next), -1);
	/* A byte outside printable ASCII sets odd. */
	b[at + 3] = 12;
	b[at + 1] = 0x01;
	ck_assert_int_eq(dns_name_read(b, p, at, out, &odd, &next), 4);
	ck_assert(odd);
	/* Skip: pointer cut, bad label type, too long. */
	ck_assert_int_eq(dns_name_skip(b, p, at, &next), 0);
	ck_assert_uint_eq(next, p);
	ck_assert_int_eq(dns_name_skip(b, at + 3, at, &next), -1);
	b[at] = 0x40;
	ck_assert_int_eq(dns_name_skip(b, p, at, &next), -1);
	ck_assert_int_eq(dns_name_skip(b, at, at, &next), -1);
}
END_TEST

START_TEST(name_to_wire_rejects)
{
	uint8_t w[DNS_NAME_WIRE_MAX];
	char big[300];
	ck_assert_int_eq(dns_name_to_wire("a.bc", 4, w), 6);
	ck_assert_int_eq(memcmp(w, "\001a\002bc\000", 6), 0);
	ck_assert_int_eq(dns_name_to_wire("a.bc.", 5, w), 6);
	ck_assert_int_eq(dns_name_to_wire("", 0, w), 1);
	ck_assert_int_eq(dns_name_to_wire("a..b", 4, w), -1);
	ck_assert_int_eq(dns_name_to_wire(".a", 2, w), -1);
	ck_assert_int_eq(dns_name_to_wire("a..", 3, w), -1);
	memset(big, 'a', 64);
	ck_assert_int_eq(dns_name_to_wire(big, 64, w), -1);
	for (int i = 0; i < 300; i++)
		big[i] = i % 2 ? '.' : 'a';
	ck_assert_int_eq(dns_name_to_wire(big, 299, w), -1);
}
END_TEST

/* A reply to "q.test"/A by hand: CNAME q.test -> t.test (ttl 300), A t.test (ttl 60),
 * and an OPT. */
static size_t mkreply(uint8_t *b, uint16_t id)
{
	uint8_t q[64];
	size_t n = mkquery(q, id, "q.test", DNS_TYPE_A, false, 0, 0);
	memcpy(b, q, n);
	b[2] = 0x81;
	b[3] = 0x80;
	b[7] = 2;
	b[11] = 1;
	static const uint8_t rest[] = {
		0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 8, 1, 't', 4, 't', 'e', 's', 't', 0,
		0xc0, 36, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1,
		0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0,
	};
	memcpy(b + n, rest, sizeof rest);
	return n + sizeof rest;
}

START_TEST(reply_scan_accepts_and_collects)
{
	uint8_t b[256];
	struct dns_reply_info ri;
	size_t n = mkreply(b, 77);
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", DNS_TYPE_A, 1, &ri), 0);
	ck_assert_uint_eq(ri.ancount, 2);
	ck_assert_uint_eq(ri.min_ttl, 60);
	ck_assert(!ri.negative);
	ck_assert(ri.chain);
	ck_assert(!ri.https);
	ck_assert_uint_eq(ri.n_ttls, 2);
	ck_assert_uint_ne(ri.opt_off, 0);
	char acc[128] = "";
	ck_assert_int_eq(dns_reply_chain(b, n, chain_collect, acc), 0);
	ck_assert_str_eq(acc, "t.test;");
	size_t n2 = dns_reply_strip_opt(b, n, &ri);
	ck_assert_uint_eq(n2, n - 11);
	ck_assert_uint_eq(b[11], 0);
	ck_assert_int_eq(dns_reply_scan(b, n2, 77, "q.test", DNS_TYPE_A, 1, &ri), 0);
	ck_assert_uint_eq(ri.opt_off, 0);
	/* Case differences in the echoed question are accepted (0x20). */
	b[13] = 'Q';
	ck_assert_int_eq(dns_reply_scan(b, n2, 77, "q.test", DNS_TYPE_A, 1, &ri), 0);
}
END_TEST

/* A CNAME and an A record of three bytes: our scan takes records by their RDLENGTH,
 * ldns (which reads every record of a reply to be inspected) refuses the A, so the
 * resolver answers SERVFAIL rather than pass it on or cache it. */
START_TEST(reply_chain_refuses_what_ldns_cannot_parse)
{
	uint8_t b[256];
	struct dns_reply_info ri;
	size_t n = mkquery(b, 9, "q.test", DNS_TYPE_A, false, 0, 0);
	b[2] = 0x81;
	b[3] = 0x80;
	b[7] = 2;
	static const uint8_t an[] = {
		0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 8, 1, 't', 4, 't', 'e', 's', 't', 0,
		0xc0, 36, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 192, 0, 2,
	};
	memcpy(b + n, an, sizeof an);
	n += sizeof an;
	ck_assert_int_eq(dns_reply_scan(b, n, 9, "q.test", DNS_TYPE_A, 1, &ri), 0);
	ck_assert(ri.chain);
	char acc[64] = "";
	ck_assert_int_eq(dns_chain_check(b, n), -1);
	/* The same answer with a four-byte address is walked. */
	b[n - 4] = 4;
	b[n++] = 1;
	acc[0] = '\0';
	ck_assert_int_eq(dns_chain_check(b, n), 0);
	ck_assert_int_eq(dns_reply_chain(b, n, chain_collect, acc), 0);
	ck_assert_str_eq(acc, "t.test;");
}
END_TEST

START_TEST(reply_scan_rejects_each_branch)
{
	uint8_t b[256];
	struct dns_reply_info ri;
	size_t n = mkreply(b, 77);
	ck_assert_int_eq(dns_reply_scan(b, 11, 77, "q.test", 1, 1, &ri), -1);
	ck_assert_int_eq(dns_reply_scan(b, n, 78, "q.test", 1, 1, &ri), -1);     /* ID */
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "r.test", 1, 1, &ri), -1);     /* name */
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 28, 1, &ri), -1);    /* type */
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 1, 3, &ri), -1);     /* class */
	ck_assert_int_eq(dns_reply_scan(b, n - 1, 77, "q.test", 1, 1, &ri), -1); /* cut */
	b[2] &= 0x7f;
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 1, 1, &ri), -1);     /* QR=0 */
	n = mkreply(b, 77);
	b[2] |= 1 << 3;
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 1, 1, &ri), -1);     /* opcode */
	n = mkreply(b, 77);
	b[5] = 2;
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 1, 1, &ri), -1);     /* qdcount */
	n = mkreply(b, 77);
	b[7] = 3; /* the OPT is now counted in the answer section */
	b[11] = 0;
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 1, 1, &ri), -1);
	n = mkreply(b, 77);
	memcpy(b + n, b + n - 11, 11);
	b[11] = 2;
	ck_assert_int_eq(dns_reply_scan(b, n + 11, 77, "q.test", 1, 1, &ri), -1); /* 2 OPT */
	n = mkreply(b, 77);
	b[12] = 0xc0; /* pointer in the question */
	b[13] = 12;
	ck_assert_int_eq(dns_reply_scan(b, n, 77, "q.test", 1, 1, &ri), -1);
	/* Chain walk on a bad message. */
	ck_assert_int_eq(dns_reply_chain(b, 5, chain_collect, NULL), -1);
	n = mkreply(b, 77);
	ck_assert_int_eq(dns_reply_chain(b, 40, chain_collect, NULL), -1);
}
END_TEST

START_TEST(reply_negative_ttl_from_soa)
{
	uint8_t b[256];
	struct dns_reply_info ri;
	size_t n = mkquery(b, 5, "nx.test", DNS_TYPE_A, false, 0, 0);
	b[2] = 0x81;
	b[3] = 0x83; /* NXDOMAIN */
	b[9] = 1;
	static const uint8_t soa[] = {
		0xc0, 12, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 22, 0, 0,
		0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 30,
	};
	memcpy(b + n, soa, sizeof soa);
	n += sizeof soa;
	ck_assert_int_eq(dns_reply_scan(b, n, 5, "nx.test", DNS_TYPE_A, 1, &ri), 0);
	ck_assert(ri.negative);
	ck_assert_uint_eq(ri.min_ttl, 30); /* min(SOA TTL 3600, minimum 30) */
	b[3] = 0x80; /* NODATA: same rule */
	ck_assert_int_eq(dns_reply_scan(b, n, 5, "nx.test", DNS_TYPE_A, 1, &ri), 0);
	ck_assert(ri.negative);
	ck_assert_uint_eq(ri.min_ttl, 30);
	b[9] = 0; /* no SOA: not cached */
	ck_assert_int_eq(dns_reply_scan(b, n - sizeof soa, 5, "nx.test", 1, 1, &ri), 0);
	ck_assert_uint_eq(ri.min_ttl, 0);
}
END_TEST

START_TEST(writer_block_answer_parses_with_ldns)
{
	uint8_t qb[128], out[512];
	struct dns_query q;
	struct dns_writer w;
	size_t qn = mkquery(qb, 9, "Bad.Example", DNS_TYPE_A, true, 1232, 0x8000);
	ck_assert_int_eq(dns_query_parse(qb, qn, &q), DNS_OK);
	dns_writer_start(&w, out, sizeof out, qb, &q, DNS_RCODE_NOERROR);
	static const uint8_t a[4] = {0, 0, 0, 0};
	dns_writer_addr(&w, DNS_TYPE_A, 60, a, 4);
	dns_writer_soa(&w, 60);
	dns_writer_opt(&w, true, DNS_EDE_BLOCKED, "gambling");
	size_t n = dns_writer_finish(&w);
	ck_assert_uint_gt(n, 0);
	ldns_pkt *pkt = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, n), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_id(pkt), 9);
	ck_assert(ldns_pkt_qr(pkt));
	ck_assert(ldns_pkt_rd(pkt));
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 1);
	ck_assert_uint_eq(ldns_pkt_nscount(pkt), 1);
	ck_assert(ldns_pkt_edns(pkt));
	ck_assert(ldns_pkt_edns_do(pkt));
	ldns_rdf *ed = ldns_pkt_edns_data(pkt);
	ck_assert_ptr_nonnull(ed);
	const uint8_t *d = ldns_rdf_data(ed);
	ck_assert_uint_eq(ldns_rdf_size(ed), 4 + 2 + 8);
	ck_assert_uint_eq(d[1], 15);
	ck_assert_uint_eq(d[5], DNS_EDE_BLOCKED);
	ck_assert_int_eq(memcmp(d + 6, "gambling", 8), 0);
	ldns_pkt_free(pkt);

	/* CNAME + copied record; overflow gives 0. */
	dns_writer_start(&w, out, sizeof out, qb, &q, DNS_RCODE_NOERROR);
	dns_writer_cname(&w, 300, "forcesafesearch.google.com", 26);
	n = dns_writer_finish(&w);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, n), LDNS_STATUS_OK);
	ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(pkt), 0);
	ck_assert_int_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
	char *s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	ck_assert_str_eq(s, "forcesafesearch.google.com.");
	free(s);
	ldns_pkt_free(pkt);
	dns_writer_start(&w, out, 20, qb, &q, DNS_RCODE_NOERROR);
	dns_writer_addr(&w, DNS_TYPE_A, 60, a, 4);
	ck_assert_uint_eq(dns_writer_finish(&w), 0);
	dns_writer_start(&w, out, sizeof out, qb, &q, 0);
	dns_writer_cname(&w, 1, "a..b", 4);
	ck_assert_uint_eq(dns_writer_finish(&w), 0);
}
END_TEST

START_TEST(writer_copy_rr_decompresses)
{
	uint8_t b[256], qb[64], out[512];
	struct dns_query q;
	struct dns_writer w;
	struct dns_rr rr;
	struct dns_reply_info ri;
	size_t n = mkreply(b, 1);
	size_t qn = mkquery(qb, 2, "q.test", DNS_TYPE_A, false, 0, 0);
	ck_assert_int_eq(dns_query_parse(qb, qn, &q), DNS_OK);
	ck_assert_int_eq(dns_reply_scan(b, n, 1, "q.test", 1, 1, &ri), 0);
	dns_writer_start(&w, out, sizeof out, qb, &q, 0);
	size_t p = ri.q_end;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(dns_rr_read(b, n, p, &rr), 0);
		dns_writer_copy_rr(&w, b, n, &rr, 100);
		p = rr.end;
	}
	size_t m = dns_writer_finish(&w);
	ck_assert_uint_gt(m, 0);
	ldns_pkt *pkt = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 2);
	ldns_rr *r0 = ldns_rr_list_rr(ldns_pkt_answer(pkt), 0);
	ck_assert_uint_eq(ldns_rr_ttl(r0), 100); /* 300 capped */
	ldns_rr *r1 = ldns_rr_list_rr(ldns_pkt_answer(pkt), 1);
	ck_assert_uint_eq(ldns_rr_ttl(r1), 60);
	char *s = ldns_rdf2str(ldns_rr_owner(r1));
	ck_assert_str_eq(s, "t.test.");
	free(s);
	ldns_pkt_free(pkt);
	dns_writer_start(&w, out, sizeof out, qb, &q, 0);
	ck_assert_int_eq(dns_rr_read(b, n, ri.q_end, &rr), 0);
	rr.rdlen = 9; /* data longer than the name it holds */
	rr.end = rr.rdata_off + 9;
	dns_writer_copy_rr(&w, b, n, &rr, 100);
	ck_assert_uint_eq(dns_writer_finish(&w), 0);
}
END_TEST

START_TEST(error_answers)
{
	uint8_t b[128], out[512];
	struct dns_query q;
	size_t n = mkquery(b, 3, "x.y", DNS_TYPE_A, true, 1232, 0);
	b[2] |= 2 << 3;
	enum dns_reject r = dns_query_parse(b, n, &q);
	size_t m = dns_build_error(out, sizeof out, b, n, &q, r, 0);
	ck_assert_uint_eq(m, 12); /* header only */
	ck_assert_uint_eq(out[3] & 0xf, DNS_RCODE_NOTIMP);
	ck_assert_uint_eq(out[5], 0);
	ck_assert_uint_eq(out[2] >> 3 & 0xf, 2); /* the opcode is echoed */

	n = mkquery(b, 3, "x.y", DNS_TYPE_A, true, 1232, 0x00010000);
	r = dns_query_parse(b, n, &q);
	m = dns_build_error(out, sizeof out, b, n, &q, r, 0);
	ldns_pkt *pkt = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_edns_extended_rcode(pkt), 1); /* BADVERS = 16 */
	ldns_pkt_free(pkt);

	n = mkquery(b, 3, "x.y", DNS_TYPE_A, false, 0, 0);
	r = dns_query_parse(b, n, &q);
	m = dns_build_error(out, sizeof out, b, n, &q, r, DNS_RCODE_SERVFAIL);
	ck_assert_uint_eq(m, n);
	ck_assert_uint_eq(out[3] & 0xf, DNS_RCODE_SERVFAIL);

	ck_assert_uint_eq(dns_build_error(out, sizeof out, b, 5, &q, DNS_REJ_SHORT, 1), 0);
	b[2] |= 0x80;
	r = dns_query_parse(b, n, &q);
	ck_assert_uint_eq(dns_build_error(out, sizeof out, b, n, &q, r, 1), 0);
}
END_TEST

START_TEST(query_build_and_client_reply)
{
	uint8_t qb[128], out[512], cl[128];
	size_t n = dns_build_query(qb, sizeof qb, 0xbeef, DNS_FLAG_RD | DNS_FLAG_QR, "a.b", 3,
				   DNS_TYPE_TXT, 1, true);
	ck_assert_uint_gt(n, 0);
	ldns_pkt *pkt = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&pkt, qb, n), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_id(pkt), 0xbeef);
	ck_assert(!ldns_pkt_qr(pkt));
	ck_assert(ldns_pkt_edns_do(pkt));
	ldns_pkt_free(pkt);
	ck_assert_uint_eq(dns_build_query(qb, 20, 1, 0, "a.b", 3, 1, 1, false), 0);
	ck_assert_uint_eq(dns_build_query(qb, sizeof qb, 1, 0, "a..b", 4, 1, 1, false), 0);

	/* A stored reply (OPT stripped), given to a client 10 s later with EDNS. */
	uint8_t r[256];
	struct dns_reply_info ri;
	struct dns_query q;
	size_t rn = mkreply(r, 4);
	ck_assert_int_eq(dns_reply_scan(r, rn, 4, "q.test", 1, 1, &ri), 0);
	rn = dns_reply_strip_opt(r, rn, &ri);
	r[2] |= 0x04; /* AA from the upstream */
	size_t cn = mkquery(cl, 0x4242, "Q.TEST", DNS_TYPE_A, true, 1232, 0);
	ck_assert_int_eq(dns_query_parse(cl, cn, &q), DNS_OK);
	ck_assert_uint_eq(ri.opt_off, 0); /* an OPT without EDE is removed */
	size_t m = dns_reply_for_client(out, sizeof out, r, rn, 0, ri.ttl_offs, ri.n_ttls, 10,
					cl, &q, 1232);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_id(pkt), 0x4242);
	ck_assert(!ldns_pkt_aa(pkt));
	ck_assert(ldns_pkt_edns(pkt));
	ck_assert_uint_eq(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt), 0)), 290);
	ck_assert_uint_eq(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt), 1)), 50);
	ck_assert_int_eq(memcmp(out + 12, cl + 12, 8), 0); /* the client's case */
	ldns_pkt_free(pkt);
	/* Older than a TTL: 0, never wrapping. */
	m = dns_reply_for_client(out, sizeof out, r, rn, 0, ri.ttl_offs, ri.n_ttls, 100, cl, &q,
				 1232);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt), 1)), 0);
	ldns_pkt_free(pkt);
	/* Too big for the client: TC and the question only. */
	m = dns_reply_for_client(out, sizeof out, r, rn, 0, ri.ttl_offs, ri.n_ttls, 0, cl, &q, 40);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert(ldns_pkt_tc(pkt));
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 0);
	ldns_pkt_free(pkt);
	ck_assert_uint_eq(dns_reply_for_client(out, 10, r, rn, 0, NULL, 0, 0, cl, &q, 512), 0);
}
END_TEST

/* mkreply with its OPT carrying a cookie (10) and an EDE 22 "no auth" option. */
static size_t mkreply_ede(uint8_t *b)
{
	size_t n = mkreply(b, 5) - 2; /* the OPT's empty rdlen */
	static const uint8_t opts[] = {
		0, 25,                                                 /* rdlen */
		0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,                   /* cookie */
		0, 15, 0, 9, 0, 22, 'n', 'o', ' ', 'a', 'u', 't', 'h', /* EDE 22 */
	};
	memcpy(b + n, opts, sizeof opts);
	return n + sizeof opts;
}

/* The upstream's EDE options reach an EDNS client (from the reduced OPT, cached as is);
 * its cookie, size and flags do not; a client without EDNS gets no OPT; EDE goes first
 * when space is short. */
START_TEST(upstream_ede_passed_on)
{
	uint8_t r[256], out[512], cl[64];
	struct dns_reply_info ri;
	struct dns_query q;
	ldns_pkt *pkt = NULL;
	size_t rn = mkreply_ede(r);
	ck_assert_int_eq(dns_reply_scan(r, rn, 5, "q.test", 1, 1, &ri), 0);
	ck_assert_uint_eq(ri.ext_rcode, 0);
	rn = dns_reply_strip_opt(r, rn, &ri);
	ck_assert_uint_ne(ri.opt_off, 0);
	ck_assert_uint_eq(rn, ri.opt_off + 11 + 13); /* just the EDE option */
	ck_assert_uint_eq(ri.n_ttls, 2);
	/* Still a valid message (it is what the cache keeps). */
	ck_assert_int_eq(ldns_wire2pkt(&pkt, r, rn), LDNS_STATUS_OK);
	ldns_pkt_free(pkt);
	size_t cn = mkquery(cl, 0x77, "q.test", DNS_TYPE_A, true, 1232, 0x8000);
	ck_assert_int_eq(dns_query_parse(cl, cn, &q), DNS_OK);
	size_t m = dns_reply_for_client(out, sizeof out, r, rn, ri.opt_off, ri.ttl_offs,
					ri.n_ttls, 0, cl, &q, 1232);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert(ldns_pkt_edns(pkt));
	ck_assert(ldns_pkt_edns_do(pkt));
	ck_assert_uint_eq(ldns_pkt_arcount(pkt), 0); /* ldns counts the OPT apart */
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 2);
	ldns_rdf *od = ldns_pkt_edns_data(pkt);
	ck_assert_ptr_nonnull(od);
	ck_assert_uint_eq(ldns_rdf_size(od), 13);
	const uint8_t *d = ldns_rdf_data(od);
	ck_assert(d[1] == 15 && d[5] == 22 && memcmp(d + 6, "no auth", 7) == 0);
	ldns_pkt_free(pkt);
	/* Without EDNS: no OPT at all, counts right. */
	cn = mkquery(cl, 0x78, "q.test", DNS_TYPE_A, false, 0, 0);
	ck_assert_int_eq(dns_query_parse(cl, cn, &q), DNS_OK);
	m = dns_reply_for_client(out, sizeof out, r, rn, ri.opt_off, ri.ttl_offs, ri.n_ttls, 0,
				 cl, &q, 512);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert(!ldns_pkt_edns(pkt));
	ck_assert_uint_eq(ldns_pkt_arcount(pkt), 0);
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 2);
	ldns_pkt_free(pkt);
	/* Room for the answer and a bare OPT, not for the EDE: the EDE is left out. */
	cn = mkquery(cl, 0x79, "q.test", DNS_TYPE_A, true, 1232, 0);
	ck_assert_int_eq(dns_query_parse(cl, cn, &q), DNS_OK);
	m = dns_reply_for_client(out, sizeof out, r, rn, ri.opt_off, ri.ttl_offs, ri.n_ttls, 0,
				 cl, &q, ri.opt_off + 11);
	ck_assert_uint_eq(m, ri.opt_off + 11);
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert(ldns_pkt_edns(pkt) && !ldns_pkt_tc(pkt));
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 2);
	ldns_pkt_free(pkt);
	/* An extended RCODE is recorded (the forwarder treats it as a failed try). */
	rn = mkreply_ede(r);
	r[rn - 31] = 1; /* the OPT TTL's first byte: extended RCODE 1 -> BADVERS */
	ck_assert_int_eq(dns_reply_scan(r, rn, 5, "q.test", 1, 1, &ri), 0);
	ck_assert_uint_eq(ri.ext_rcode, 1);
	/* A cut OPT option list: nothing kept, the OPT removed. */
	rn = mkreply_ede(r);
	r[rn - 10] = 200; /* the EDE option claims 200 bytes */
	ck_assert_int_eq(dns_reply_scan(r, rn, 5, "q.test", 1, 1, &ri), 0);
	size_t cut = dns_reply_strip_opt(r, rn, &ri);
	ck_assert_uint_eq(ri.opt_off, 0);
	ck_assert_uint_eq(cut, rn - 36); /* the whole OPT record (11 + 25 bytes) */
}
END_TEST

/* A reply to q.test/HTTPS: "1 . alpn=h2 ipv4hint=192.0.2.1 ech=..." and an A record
 * after it whose owner points back at the question. */
static size_t mkhttps(uint8_t *b)
{
	uint8_t q[64];
	size_t n = mkquery(q, 9, "q.test", DNS_TYPE_HTTPS, false, 0, 0);
	memcpy(b, q, n);
	b[2] = 0x81;
	b[3] = 0x80;
	b[7] = 2;
	static const uint8_t rest[] = {
		0xc0, 12, 0, 65, 0, 1, 0, 0, 1, 44, 0, 26, /* data at 36 */
		0, 1, 0,                         /* priority 1, target "." */
		0, 1, 0, 3, 2, 'h', '2',         /* alpn=h2 */
		0, 4, 0, 4, 192, 0, 2, 1,        /* ipv4hint */
		0, 5, 0, 4, 0xde, 0xad, 0xbe, 0xef, /* ech */
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1,
	};
	memcpy(b + n, rest, sizeof rest);
	return n + sizeof rest;
}

START_TEST(strip_ech_keeps_the_rest)
{
	uint8_t b[256], out[512];
	size_t n = mkhttps(b);
	size_t m = dns_reply_strip_ech(b, n, out, sizeof out);
	ck_assert_uint_eq(m, n - 8 + 2 * 6); /* ech gone; two owners decompressed */
	ldns_pkt *pkt = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&pkt, out, m), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_ancount(pkt), 2);
	char *txt = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(pkt), 0));
	ck_assert_ptr_null(strstr(txt, "ech"));
	ck_assert_ptr_nonnull(strstr(txt, "alpn"));
	ck_assert_ptr_nonnull(strstr(txt, "192.0.2.1"));
	free(txt);
	ldns_pkt_free(pkt);
	struct dns_reply_info ri;
	ck_assert_int_eq(dns_reply_scan(out, m, 9, "q.test", DNS_TYPE_HTTPS, 1, &ri), 0);
	ck_assert(ri.https);
	/* Rejections: cut message, a parameter running past the record, record data too
	 * short for priority + target, output too small. */
	ck_assert_uint_eq(dns_reply_strip_ech(b, n - 1, out, sizeof out), 0);
	ck_assert_uint_eq(dns_reply_strip_ech(b, 11, out, sizeof out), 0);
	b[42] = 0xff; /* alpn value longer than the record */
	ck_assert_uint_eq(dns_reply_strip_ech(b, n, out, sizeof out), 0);
	n = mkhttps(b);
	b[35] = 12; /* rdlen 12: ends inside the ipv4hint parameter header */
	ck_assert_uint_eq(dns_reply_strip_ech(b, n, out, sizeof out), 0);
	n = mkhttps(b);
	b[35] = 2; /* rdlen 2: no room for priority + target */
	ck_assert_uint_eq(dns_reply_strip_ech(b, n, out, sizeof out), 0);
	n = mkhttps(b);
	ck_assert_uint_eq(dns_reply_strip_ech(b, n, out, 40), 0);
}
END_TEST

START_TEST(type_names)
{
	char buf[16];
	ck_assert_str_eq(dns_type_name(65, buf), "HTTPS");
	ck_assert_str_eq(dns_type_name(4321, buf), "TYPE4321");
	/* the IANA mnemonics, query-only types too */
	ck_assert_str_eq(dns_type_name(46, buf), "RRSIG");
	ck_assert_str_eq(dns_type_name(252, buf), "AXFR");
	ck_assert_str_eq(dns_type_name(255, buf), "ANY");
	ck_assert_str_eq(dns_type_name(65534, buf), "TYPE65534");
}
END_TEST

/* The sensor's reading: any message, its first question with the name escaped. */
START_TEST(question_peek_any_message)
{
	struct dns_peek pk;
	/* a response (QR), opcode 2, qdcount 2: the first question is read as it stands */
	static const uint8_t resp[] = { 0x12, 0x34, 0x90, 0x83, 0, 2, 0, 0, 0, 0, 0, 0,
					3, 'W', 'w', 'W', 2, 'c', 'n', 0, 0, 28, 0, 1 };
	ck_assert_int_eq(dns_question_peek(resp, sizeof(resp), &pk), 0);
	ck_assert_uint_eq(pk.id, 0x1234);
	ck_assert_uint_eq(pk.flags, 0x9083);
	ck_assert_uint_eq(pk.qdcount, 2);
	ck_assert(pk.has_question);
	ck_assert_str_eq(pk.name, "WwW.cn");
	ck_assert_uint_eq(pk.name_len, 6);
	ck_assert_uint_eq(pk.qtype, 28);
	ck_assert_uint_eq(pk.qclass, 1);
	/* bytes that are not plain printable, '.' and '\\' are written as \DDD */
	static const uint8_t odd[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
				       5, 'a', '.', '\\', 0, 0xe4, 0, 0, 1, 0, 1 };
	ck_assert_int_eq(dns_question_peek(odd, sizeof(odd), &pk), 0);
	ck_assert_str_eq(pk.name, "a\\046\\092\\000\\228");
	ck_assert_uint_eq(pk.name_len, strlen(pk.name));
	/* no question: fine; the root: "" */
	uint8_t m[32];
	memcpy(m, resp, 12);
	m[5] = 0;
	ck_assert_int_eq(dns_question_peek(m, 12, &pk), 0);
	ck_assert(!pk.has_question);
	m[5] = 1;
	m[12] = 0, m[13] = 0, m[14] = 1, m[15] = 0, m[16] = 1;
	ck_assert_int_eq(dns_question_peek(m, 17, &pk), 0);
	ck_assert_str_eq(pk.name, "");
	/* rejections: shorter than a header, the name or the type cut short, a pointer
	 * (nothing earlier to point at but the header) */
	ck_assert_int_eq(dns_question_peek(resp, 11, &pk), -1);
	ck_assert_int_eq(dns_question_peek(resp, 15, &pk), -1);
	ck_assert_int_eq(dns_question_peek(resp, sizeof(resp) - 1, &pk), -1);
	ck_assert_str_eq(pk.name, "");
	m[12] = 0xc0, m[13] = 12;
	ck_assert_int_eq(dns_question_peek(m, 18, &pk), -1);
	m[13] = 4;
	ck_assert_int_eq(dns_question_peek(m, 18, &pk), -1);
	/* the escaped reader follows pointers as dns_name_read does */
	uint8_t b[64] = {0};
	size_t p = 12, next;
	char out[DNS_NAME_ESC_MAX];
	b[p++] = 2, b[p++] = 'A', b[p++] = ' ', b[p++] = 0;
	size_t at = p;
	b[p++] = 1, b[p++] = 'x', b[p++] = 0xc0, b[p++] = 12;
	ck_assert_int_eq(dns_name_read_escaped(b, p, at, out, &next), 7);
	ck_assert_str_eq(out, "x.A\\032");
	ck_assert_uint_eq(next, p);
	b[at + 3] = (uint8_t)(at + 2);
	ck_assert_int_eq(dns_name_read_escaped(b, p, at, out, &next), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_msg");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, query_parses_name_type_edns);
	tcase_add_test(tc, query_rejects_each_branch);
	tcase_add_test(tc, name_read_pointer_rules);
	tcase_add_test(tc, name_to_wire_rejects);
	tcase_add_test(tc, reply_scan_accepts_and_collects);
	tcase_add_test(tc, reply_scan_rejects_each_branch);
	tcase_add_test(tc, reply_chain_refuses_what_ldns_cannot_parse);
	tcase_add_test(tc, reply_negative_ttl_from_soa);
	tcase_add_test(tc, writer_block_answer_parses_with_ldns);
	tcase_add_test(tc, writer_copy_rr_decompresses);
	tcase_add_test(tc, error_answers);
	tcase_add_test(tc, query_build_and_client_reply);
	tcase_add_test(tc, upstream_ede_passed_on);
	tcase_add_test(tc, strip_ech_keeps_the_rest);
	tcase_add_test(tc, type_names);
	tcase_add_test(tc, question_peek_any_message);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
