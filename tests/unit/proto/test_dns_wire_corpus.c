/* Tests for dns_msg.c against the shared DNS wire corpus: per message the outcome the
 * header dictates (drop / NOTIMP / FORMERR), and a differential check against ldns for
 * what we accept as a query (same qname, qtype, qclass) and as a reply (rcode, counts,
 * chain). */
#include <dirent.h>
#include <ctype.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns_write.h"
#include "dns_msg_support.h"
#include "testutil.h"

/* ldns's text for a name, lowercased, without the trailing dot ("" for the root). */
static void ldns_name(const ldns_rdf *rdf, char *out, size_t cap)
{
	char *t = ldns_rdf2str(rdf);
	ck_assert_ptr_nonnull(t);
	size_t n = strlen(t);
	if (n && t[n - 1] == '.')
		n--;
	ck_assert_uint_lt(n, cap);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)t[i]);
	out[n] = '\0';
	free(t);
}

struct corpus_counts {
	size_t files, accepted, dropped, error_answers, replies, replies_checked;
};

/* What the header alone says must happen to a message sent as a query (RFC 1035 4.1.1,
 * our order of checks): dropped without a header or as a response; NOTIMP for another
 * opcode; FORMERR unless exactly one question. DNS_OK = decided by the rest. */
static enum dns_reject header_verdict(const uint8_t *m, size_t len)
{
	if (len < DNS_HDR_LEN)
		return DNS_REJ_SHORT;
	if (m[2] & 0x80)
		return DNS_REJ_RESPONSE;
	if ((m[2] >> 3 & 0xf) != 0)
		return DNS_REJ_OPCODE;
	if (m[4] != 0 || m[5] != 1)
		return DNS_REJ_QDCOUNT;
	return DNS_OK;
}

/* One corpus message as a query: the reject kind agrees with the header, an error
 * answer is made exactly when there is a usable header (same ID, QR, the rcode of the
 * kind, and ldns parses it), and whatever we accept ldns parses with the same qname,
 * qtype and qclass. */
static void check_as_query(const char *path, const uint8_t *m, size_t len,
			   struct corpus_counts *c)
{
	struct dns_query q;
	uint8_t out[1024];
	enum dns_reject r = dns_query_parse(m, len, &q), h = header_verdict(m, len);
	if (h != DNS_OK)
		ck_assert_msg(r == h, "%s: reject kind %d, the header says %d", path, r, h);
	if (r == DNS_OK) {
		c->accepted++;
		ldns_pkt *pkt = NULL;
		ck_assert_msg(ldns_wire2pkt(&pkt, m, len) == LDNS_STATUS_OK,
			      "%s accepted by us, refused by ldns", path);
		ck_assert_uint_eq(ldns_rr_list_rr_count(ldns_pkt_question(pkt)), 1);
		ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
		ck_assert_uint_eq(ldns_rr_get_type(qr), q.qtype);
		ck_assert_uint_eq(ldns_rr_get_class(qr), q.qclass);
		if (!q.name_odd) {
			char ln[1024];
			ldns_name(ldns_rr_owner(qr), ln, sizeof ln);
			ck_assert_msg(strcmp(ln, q.name) == 0, "%s: qname %s, ldns %s", path, q.name,
				      ln);
		}
		ldns_pkt_free(pkt);
		return;
	}
	size_t n = dns_build_error(out, sizeof out, m, len, &q, r, DNS_RCODE_FORMERR);
	if (r == DNS_REJ_SHORT || r == DNS_REJ_RESPONSE) {
		ck_assert_msg(n == 0, "%s: answered a message that must be dropped", path);
		c->dropped++;
		return;
	}
	ck_assert_msg(n >= DNS_HDR_LEN, "%s: reject %d without an error answer", path, r);
	c->error_answers++;
	ck_assert(out[0] == m[0] && out[1] == m[1]);
	ck_assert(out[2] & 0x80);
	int want = r == DNS_REJ_OPCODE ? DNS_RCODE_NOTIMP
		 : r == DNS_REJ_BADVERS ? DNS_RCODE_NOERROR : DNS_RCODE_FORMERR;
	ck_assert_msg((out[3] & 0xf) == want, "%s: rcode %d for reject %d", path, out[3] & 0xf, r);
	ldns_pkt *pkt = NULL;
	ck_assert_msg(ldns_wire2pkt(&pkt, out, n) == LDNS_STATUS_OK, "%s: error answer", path);
	ldns_pkt_free(pkt);
}

/* One corpus message as an upstream reply to its own question: if ldns refuses it, so
 * do we; if we accept it, rcode and counts agree with ldns and every CNAME/DNAME target
 * in the answer section is among the names the chain walk reports. */
static void check_as_reply(const char *path, const uint8_t *m, size_t len,
			   struct corpus_counts *c)
{
	struct dns_reply_info ri;
	ldns_pkt *pkt = NULL;
	bool ldns_ok = ldns_wire2pkt(&pkt, m, len) == LDNS_STATUS_OK;
	if (len < DNS_HDR_LEN || !(m[2] & 0x80))
		goto out;
	c->replies++;
	char qn[1024] = "";
	uint16_t qt = 1, qc = 1;
	if (ldns_ok && ldns_rr_list_rr_count(ldns_pkt_question(pkt)) == 1) {
		ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
		ldns_name(ldns_rr_owner(qr), qn, sizeof qn);
		qt = ldns_rr_get_type(qr);
		qc = ldns_rr_get_class(qr);
	}
	int rs = dns_reply_scan(m, len, (uint16_t)(m[0] << 8 | m[1]), qn, qt, qc, &ri);
	if (!ldns_ok) {
		ck_assert_msg(rs < 0, "%s: reply accepted by us, refused by ldns", path);
		goto out;
	}
	if (rs < 0)
		goto out;
	c->replies_checked++;
	ck_assert_uint_eq(ri.rcode, ldns_pkt_get_rcode(pkt) & 0xf);
	ck_assert_uint_eq(ri.ancount, ldns_pkt_ancount(pkt));
	char acc[8192] = "";
	ck_assert_msg(dns_reply_chain(m, len, chain_collect, acc) == 0, "%s: chain walk", path);
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if ((t != LDNS_RR_TYPE_CNAME && t != LDNS_RR_TYPE_DNAME) || ldns_rr_rd_count(rr) < 1)
			continue;
		char tn[1024];
		ldns_name(ldns_rr_rdf(rr, 0), tn, sizeof tn);
		if (!tn[0] || strchr(tn, '\\') || strlen(acc) + 8 > sizeof acc)
			continue; /* the root, or escaped bytes (text forms differ) */
		char want[1100];
		snprintf(want, sizeof want, "%s;", tn);
		ck_assert_msg(strstr(acc, want) != NULL, "%s: chain lacks %s (%s)", path, tn, acc);
	}
out:
	ldns_pkt_free(pkt);
}

static int run_dir(const char *rel, struct corpus_counts *c)
{
	char *dir = tu_shared_path(rel);
	if (!dir)
		return -1;
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		size_t len;
		char *buf = tu_read_file(path, &len);
		if (!buf)
			continue;
		c->files++;
		check_as_query(path, (const uint8_t *)buf, len, c);
		check_as_reply(path, (const uint8_t *)buf, len, c);
		free(buf);
	}
	closedir(d);
	free(dir);
	return 0;
}

START_TEST(shared_wire_corpus)
{
	struct corpus_counts c = {0};
	int a = run_dir("dns-wire/bind9_dns_message_parse", &c);
	int b = run_dir("dns-wire/pdns_raw-dns-packets", &c);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(b, 0);
	printf("dns_msg corpus: %zu files: %zu accepted as queries, %zu dropped, %zu error "
	       "answers; %zu replies, %zu accepted and checked against ldns\n", c.files,
	       c.accepted, c.dropped, c.error_answers, c.replies, c.replies_checked);
	ck_assert_uint_ge(c.files, 300);
	ck_assert_uint_eq(c.accepted + c.dropped + c.error_answers, c.files);
	/* Each kind of outcome is exercised, so none of the checks above is vacuous. */
	ck_assert_uint_gt(c.accepted, 0);
	ck_assert_uint_gt(c.dropped, 0);
	ck_assert_uint_gt(c.error_answers, 0);
	ck_assert_uint_gt(c.replies_checked, 0);
}
END_TEST
int main(void)
{
	Suite *s = suite_create("dns_wire_corpus");
	/* Not tu_shared_path: its checks may only run inside a test. */
	const char *shared = getenv("CG_SHARED");
	char probe[1024];
	snprintf(probe, sizeof probe, "%s/data/dns-wire", shared ? shared : "../shared");
	if (access(probe, R_OK) == 0) {
		TCase *tw = tcase_create("corpus");
		tcase_add_test(tw, shared_wire_corpus);
		suite_add_tcase(s, tw);
	} else {
		printf("dns_wire_corpus: SKIP corpus case: ../shared/data/dns-wire is absent\n");
	}
	return tu_run(s, NULL);
}
