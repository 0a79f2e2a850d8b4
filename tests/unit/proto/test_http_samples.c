/* Tests for http_parse.c and http_body.c against real traffic: the request samples in
 * ../shared/data/http-requests and the HTTP captures in ../shared/data/pcaps (split from
 * test_http_parse.c, which holds the hand-written cases). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_body.h"
#include "http_parse.h"
#include "pcap_relink_support.h"
#include "testutil.h"
#include "tls_parse.h"
#include "util.h"

static struct http_request req;

/* Feed every client chunk of a libhtp .t file (">>>" lines start client data, "<<<"
 * server data; the line end before a marker belongs to the format, not the data) through the parser,
 * request after request (bodies skipped by their framing). Returns the number of heads parsed. */
static int run_htp_client(const char *data, size_t len, int *rejected)
{
	struct sbuf cli;
	sbuf_init(&cli);
	size_t pos = 0;
	bool client = false;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		if (end - pos >= 3 && (memcmp(data + pos, ">>>", 3) == 0 ||
				       memcmp(data + pos, "<<<", 3) == 0)) {
			/* The line end before a marker is not part of the chunk. */
			if (client && cli.len && cli.data[cli.len - 1] == '\n')
				cli.len -= cli.len > 1 && cli.data[cli.len - 2] == '\r' ? 2 : 1;
			client = data[pos] == '>';
		} else if (client) {
			sbuf_add(&cli, data + pos, end - pos);
		}
		pos = end;
	}
	int heads = 0;
	size_t off = 0;
	while (off < cli.len) {
		struct http_request *r = xmalloc(sizeof(*r));
		int n = http_parse_request(cli.data + off, cli.len - off, NULL, r);
		if (n < 0) {
			ck_assert_ptr_nonnull(r->error);
			ck_assert(n == -400 || n == -414 || n == -431 || n == -501 || n == -505);
			(*rejected)++;
			free(r);
			break;
		}
		if (n == 0) {
			free(r);
			break;
		}
		heads++;
		off += (size_t)n;
		struct http_body b;
		http_body_init(&b, http_request_body_mode(r), (uint64_t)(r->content_length > 0 ? r->content_length : 0));
		size_t used;
		int br = http_body_feed(&b, cli.data + off, cli.len - off, &used);
		off += used;
		free(r);
		if (br != 1)
			break;
	}
	sbuf_free(&cli);
	return heads;
}

START_TEST(libhtp_samples)
{
	char *dir = tu_shared_path("http-requests/libhtp_test-files");
	if (!dir) {
		ck_abort_msg("../shared/data absent");
	}
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	int files = 0, heads = 0, rejected = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		size_t len;
		char *data = tu_read_file(path, &len);
		ck_assert_ptr_nonnull(data);
		heads += run_htp_client(data, len, &rejected);
		files++;
		free(data);
	}
	closedir(d);
	printf("libhtp samples: %d files, %d request heads parsed, %d rejected\n", files, heads,
	       rejected);
	ck_assert_int_ge(files, 100);
	/* Many libhtp samples are HTTP/1.1 without Host, HTTP/0.9 or deliberately odd:
	 * those are rejected with a status, never a crash. */
	ck_assert_int_ge(heads, 70);
	ck_assert_int_ge(rejected, 20);

	/* Specific samples with a known answer. */
	struct { const char *file; int status; } known[] = {
		{ "22-http_1_1-host_missing", -400 },
		{ "36-invalid-request-1-invalid-c-l.t", -400 },
		{ "37-invalid-request-2-t-e-and-c-l.t", -400 },
		{ "31-get-request-line-nul.t", -400 },
		{ "01-get.t", 1 },
		{ "30-get-ipv6.t", 1 },
		{ "12-connect-request.t", 1 },
		{ "20-ambiguous-host.t", 1 },
		{ "33-invalid-hostname.t", -400 },
		{ "38-invalid-request-3-invalid-t-e.t", -400 },
		{ "68-invalid-request-header.t", -400 },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(known); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, known[i].file);
		size_t len;
		char *data = tu_read_file(path, &len);
		ck_assert_ptr_nonnull(data);
		/* The first client chunk only. */
		const char *s = strstr(data, ">>>");
		ck_assert_ptr_nonnull(s);
		s = strchr(s, '\n') + 1;
		const char *e = strstr(s, "\n<<<");
		size_t n = e ? (size_t)(e - s) + 1 : len - (size_t)(s - data);
		int r = http_parse_request(s, n, NULL, &req);
		if (known[i].status > 0)
			ck_assert_msg(r > 0, "%s: %d %s", known[i].file, r, req.error);
		else
			ck_assert_msg(r == known[i].status, "%s: %d", known[i].file, r);
		free(data);
	}
	free(dir);
}
END_TEST

START_TEST(pdns_samples)
{
	const char *files[] = { "http0_get.raw", "http10_nohost_get.raw", "http11_get.raw",
				"http11_put.raw" };
	const int want[] = { -400, 1, 1, 1 };
	for (size_t i = 0; i < CG_ARRAY_LEN(files); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "http-requests/pdns_http-raw-payloads/%s", files[i]);
		char *p = tu_shared_path(rel);
		if (!p) {
			ck_abort_msg("../shared/data absent");
		}
		size_t len;
		char *data = tu_read_file(p, &len);
		ck_assert_ptr_nonnull(data);
		int r = http_parse_request(data, len, NULL, &req);
		if (want[i] > 0)
			ck_assert_msg(r > 0, "%s: %d %s", files[i], r, req.error);
		else
			ck_assert_msg(r == want[i] || r == 0, "%s: %d", files[i], r);
		free(data);
		free(p);
	}
}
END_TEST

/* Classic pcap walk: call fn with every TCP payload over IPv4/IPv6, from Ethernet,
 * BSD loopback (DLT_NULL, DLT_LOOP), raw IP and Linux cooked (SLL, SLL2) captures.
 * Returns the payloads seen, or -1 for a link type it does not decode. */
static uint32_t rd32le(const unsigned char *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}

/* Skip the link header of one frame: 4 for IPv4, 6 for IPv6, 0 for anything else. */
static int link_skip(uint32_t link, bool swap, const unsigned char **p, size_t *plen)
{
	const unsigned char *f = *p;
	size_t hl;
	unsigned et;
	switch (link) {
	case 1: /* Ethernet */
		if (*plen < 14)
			return 0;
		et = (unsigned)(f[12] << 8 | f[13]);
		hl = 14;
		break;
	case 0:   /* DLT_NULL: the family in the capturing host's byte order */
	case 108: /* DLT_LOOP: in network byte order */
		if (*plen < 4)
			return 0;
		{
			uint32_t fam = link == 0 ? rd32le(f, swap)
						 : (uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 |
							   (uint32_t)f[2] << 8 | f[3];
			et = fam == 2 ? 0x0800 : (fam == 10 || fam == 24 || fam == 28 || fam == 30)
							 ? 0x86dd
							 : 0;
		}
		hl = 4;
		break;
	case 101: /* raw IP: the version nibble says which */
		if (*plen < 1)
			return 0;
		et = (f[0] >> 4) == 4 ? 0x0800 : (f[0] >> 4) == 6 ? 0x86dd : 0;
		hl = 0;
		break;
	case 113: /* Linux cooked v1: protocol at 14 */
		if (*plen < 16)
			return 0;
		et = (unsigned)(f[14] << 8 | f[15]);
		hl = 16;
		break;
	case 276: /* Linux cooked v2: protocol at 0 */
		if (*plen < 20)
			return 0;
		et = (unsigned)(f[0] << 8 | f[1]);
		hl = 20;
		break;
	default:
		return 0;
	}
	*p += hl;
	*plen -= hl;
	return et == 0x0800 ? 4 : et == 0x86dd ? 6 : 0;
}

static int pcap_payloads(const char *path, void (*fn)(const unsigned char *, size_t, void *),
			 void *arg)
{
	size_t len;
	unsigned char *d = (unsigned char *)tu_read_file(path, &len);
	int n = 0;
	if (!d || len < 24)
		goto out;
	uint32_t magic = rd32le(d, false);
	bool swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d && !swap)
		goto out;
	uint32_t link = rd32le(d + 20, swap);
	if (link != 0 && link != 1 && link != 101 && link != 108 && link != 113 && link != 276) {
		n = -1;
		goto out;
	}
	size_t pos = 24;
	while (len - pos >= 16) {
		size_t cap = rd32le(d + pos + 8, swap);
		pos += 16;
		if (cap > len - pos)
			break;
		const unsigned char *p = d + pos;
		size_t plen = cap;
		pos += cap;
		int ipv = link_skip(link, swap, &p, &plen);
		size_t ihl;
		if (ipv == 4 && plen >= 20 && p[9] == 6) {
			ihl = (size_t)(p[0] & 15) * 4;
		} else if (ipv == 6 && plen >= 40 && p[6] == 6) {
			ihl = 40;
		} else {
			continue;
		}
		if (ihl < 20 || plen < ihl + 20)
			continue;
		size_t thl = (size_t)(p[ihl + 12] >> 4) * 4;
		if (thl < 20 || plen < ihl + thl)
			continue;
		if (plen - ihl - thl == 0)
			continue;
		fn(p + ihl + thl, plen - ihl - thl, arg);
		n++;
	}
out:
	free(d);
	return n;
}

static void parse_payload(const unsigned char *p, size_t n, void *arg)
{
	int *heads = arg;
	struct http_response *resp_ = xmalloc(sizeof(*resp_));
	int r = http_parse_request((const char *)p, n, NULL, &req);
	if (r > 0)
		(*heads)++;
	http_parse_response((const char *)p, n, NULL, resp_);
	free(resp_);
}

START_TEST(pcap_payloads_parse)
{
	const char *files[] = { "zeek/http_get.pcap", "zeek/http_proxy.pcap",
				"zeek/http_pipelined-requests.pcap", "zeek/http_methods.pcap" };
	int heads = 0, packets = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(files); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "pcaps/%s", files[i]);
		char *p = tu_shared_path(rel);
		if (!p) {
			ck_abort_msg("../shared/data absent");
		}
		packets += pcap_payloads(p, parse_payload, &heads);
		free(p);
	}
	printf("pcap payloads: %d packets, %d request heads\n", packets, heads);
	ck_assert_int_gt(packets, 100);
	/* Single segments: the many odd request lines in http_methods.pcap are rejected. */
	ck_assert_int_ge(heads, 12);
}
END_TEST

/* What the parsers made of each payload of one capture. */
struct payload_results {
	int n, req_400, resp_status[4];
	size_t n_resp;
};

static void classify_payload(const unsigned char *p, size_t n, void *arg)
{
	struct payload_results *pr = arg;
	struct http_response *rsp = xmalloc(sizeof(*rsp));
	pr->n++;
	if (n >= 4 && memcmp(p, "GET ", 4) == 0 &&
	    http_parse_request((const char *)p, n, NULL, &req) == -400)
		pr->req_400++;
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0 &&
	    http_parse_response((const char *)p, n, NULL, rsp) > 0 &&
	    pr->n_resp < CG_ARRAY_LEN(pr->resp_status))
		pr->resp_status[pr->n_resp++] = rsp->status;
	free(rsp);
}

/* A BSD loopback (DLT_NULL) capture: "GET /uri afterspace HTTP/1.1" is a bad request
 * line for us as for the origin that answered 400. */
START_TEST(pcap_loopback_uri_spaces)
{
	struct payload_results pr;
	memset(&pr, 0, sizeof(pr));
	char *p = tu_shared_path("pcaps/suricata-verify/http-uri-spaces__input.pcap");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pcap_payloads(p, classify_payload, &pr), 3);
	free(p);
	ck_assert_int_eq(pr.req_400, 1);
	ck_assert_uint_eq(pr.n_resp, 1);
	ck_assert_int_eq(pr.resp_status[0], 400);
	/* Raw IP (LINKTYPE_RAW) is decoded, not refused: its one packet is UDP over IPv6. */
	p = tu_shared_path("pcaps/tcpdump/LINKTYPE_RAW_ipv6.pcap");
	ck_assert_int_eq(pcap_payloads(p, classify_payload, &pr), 0);
	free(p);
	/* A link type the walker does not know is an error, not "no payloads". */
	p = tu_shared_path("pcaps/libpcap/http_PPI.pcap");
	ck_assert_int_eq(pcap_payloads(p, classify_payload, &pr), -1);
	free(p);
}
END_TEST

/* What the walker made of one capture: a line per TCP payload (its length and FNV-1a
 * hash, and the request head or ClientHello it parses to). */
struct walk {
	struct sbuf text;
	int heads, hellos;
};

static void walk_payload(const unsigned char *p, size_t n, void *arg)
{
	struct walk *w = arg;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	sbuf_printf(&w->text, "%zu %08x", n, h);
	struct tls_hello hello;
	if (http_parse_request((const char *)p, n, NULL, &req) > 0) {
		w->heads++;
		sbuf_printf(&w->text, " http %.*s %s %.*s", (int)req.method.len, req.method.p,
			    req.host, (int)(req.path.len > 200 ? 200 : req.path.len), req.path.p);
	} else if (n > 0 && p[0] == 0x16 && tls_parse_client_hello(p, n, &hello) == 1) {
		w->hellos++;
		sbuf_printf(&w->text, " tls %s", hello.has_sni ? hello.sni : "-");
	}
	sbuf_addc(&w->text, '\n');
}

/* The shared Ethernet captures rewritten as Linux cooked captures (SLL, SLL2, as
 * `tcpdump -i any` writes): the walker finds the same payloads, request heads and
 * ClientHellos in them as in the originals. */
START_TEST(pcap_cooked_same_payloads)
{
	static const char *const files[] = {
		"zeek/http_get.pcap", "zeek/http_proxy.pcap", "zeek/http_pipelined-requests.pcap",
		"zeek/http_methods.pcap",
		"suricata-verify/tls__tls-client-hello-frag-01__dump_mtu300.pcap",
		"zeek/tls_chrome-1250-tls-x25519-kyber.pcap",
		"zeek/tls_tls-fragmented-handshake.pcap", "zeek/socks-with-ssl.pcap",
	};
	char *dir = tu_tmpdir();
	int heads = 0, hellos = 0, payloads = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(files); i++) {
		char rel[256], tag[16], err[PCAP_ERRBUF_SIZE];
		snprintf(rel, sizeof(rel), "pcaps/%s", files[i]);
		snprintf(tag, sizeof(tag), "f%zu", i);
		char *p = tu_shared_path(rel), *cooked[2];
		ck_assert_msg(p != NULL, "missing %s", rel);
		ck_assert_msg(tu_pcap_relink_both(p, dir, tag, &cooked[0], &cooked[1], err) > 0,
			      "%s", err);
		struct walk eth = { .heads = 0 };
		sbuf_init(&eth.text);
		int n = pcap_payloads(p, walk_payload, &eth);
		ck_assert_int_gt(n, 0);
		for (int v = 0; v < 2; v++) {
			struct walk w = { .heads = 0 };
			sbuf_init(&w.text);
			ck_assert_msg(pcap_payloads(cooked[v], walk_payload, &w) == n,
				      "%s as SLL%s: payloads differ", files[i], v ? "2" : "");
			ck_assert_int_eq(w.heads, eth.heads);
			ck_assert_int_eq(w.hellos, eth.hellos);
			ck_assert_msg(w.text.len == eth.text.len &&
				      memcmp(w.text.data, eth.text.data, eth.text.len) == 0,
				      "%s as SLL%s: the walk differs", files[i], v ? "2" : "");
			sbuf_free(&w.text);
			free(cooked[v]);
		}
		payloads += n;
		heads += eth.heads;
		hellos += eth.hellos;
		sbuf_free(&eth.text);
		free(p);
	}
	tu_rmtree(dir);
	free(dir);
	printf("cooked copies: %d payloads, %d request heads, %d ClientHellos as in Ethernet\n",
	       payloads, heads, hellos);
	ck_assert_int_ge(heads, 12);
	ck_assert_int_ge(hellos, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_samples");
	TCase *tc = tcase_create("http_samples");
	/* (tu_shared_path asserts, which Check allows only inside a test.) */
	char shared[4096];
	snprintf(shared, sizeof(shared), "%s/data/http-requests",
		 getenv("CG_SHARED") ? getenv("CG_SHARED") : "../shared");
	bool have_shared = access(shared, R_OK) == 0;
	if (have_shared) {
		tcase_add_test(tc, libhtp_samples);
		tcase_add_test(tc, pdns_samples);
		tcase_add_test(tc, pcap_payloads_parse);
		tcase_add_test(tc, pcap_loopback_uri_spaces);
		tcase_add_test(tc, pcap_cooked_same_payloads);
	}
	suite_add_tcase(s, tc);
	int rc = tu_run(s, NULL);
	if (rc == 0 && !have_shared) {
		printf("SKIP: ../shared/data is absent: the sample files were not parsed\n");
		return 77;
	}
	return rc;
}
