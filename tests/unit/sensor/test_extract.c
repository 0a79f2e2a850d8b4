/* Tests for extract.c: DNS questions (crafted and the shared wire corpus), HTTP request
 * heads and TLS ClientHello server names (through tls_parse.h), with every rejection
 * branch. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "testutil.h"

/* ---- DNS ---------------------------------------------------------------------- */

/* A query for www.example.com type A, id 0x1234. */
static const uint8_t dns_q[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

START_TEST(dns_query)
{
	struct extract_dns x;
	ck_assert_int_eq(extract_dns(dns_q, sizeof(dns_q), &x), 0);
	ck_assert(x.has_question);
	ck_assert(!x.response);
	ck_assert_uint_eq(x.id, 0x1234);
	ck_assert_uint_eq(x.qdcount, 1);
	ck_assert_str_eq(x.name, "www.example.com");
	ck_assert_uint_eq(x.name_len, 15);
	ck_assert_uint_eq(x.qtype, 1);
	ck_assert_str_eq(x.qtype_name, "A");
}
END_TEST

START_TEST(dns_odd_names_and_types)
{
	uint8_t m[64];
	struct extract_dns x;
	/* the root, type 65534 (no mnemonic), response bit */
	static const uint8_t root[] = { 0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0,
					0xff, 0xfe, 0, 1 };
	ck_assert_int_eq(extract_dns(root, sizeof(root), &x), 0);
	ck_assert(x.response);
	ck_assert_str_eq(x.name, "");
	ck_assert_str_eq(x.qtype_name, "TYPE65534");
	/* a label with a dot, a space and a byte above 0x7f is escaped */
	static const uint8_t odd[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
				       4, 'a', '.', ' ', 0xe4, 2, 'c', 'n', 0, 0, 28, 0, 1 };
	ck_assert_int_eq(extract_dns(odd, sizeof(odd), &x), 0);
	ck_assert_str_eq(x.name, "a\\046\\032\\228.cn");
	ck_assert_str_eq(x.qtype_name, "AAAA");
	/* no question at all: fine, nothing to read */
	memcpy(m, dns_q, 12);
	m[5] = 0;
	ck_assert_int_eq(extract_dns(m, 12, &x), 0);
	ck_assert(!x.has_question);
}
END_TEST

START_TEST(dns_rejections)
{
	uint8_t m[64];
	struct extract_dns x;
	/* shorter than the header */
	ck_assert_int_eq(extract_dns(dns_q, 11, &x), -1);
	/* name cut short */
	ck_assert_int_eq(extract_dns(dns_q, 20, &x), -1);
	/* type/class cut short */
	ck_assert_int_eq(extract_dns(dns_q, sizeof(dns_q) - 3, &x), -1);
	/* a compression pointer to itself (dns-zlip-1) */
	memcpy(m, dns_q, 12);
	m[12] = 0xc0;
	m[13] = 12;
	m[14] = 0;
	m[15] = 1;
	m[16] = 0;
	m[17] = 1;
	ck_assert_int_eq(extract_dns(m, 18, &x), -1);
	/* a forward pointer past the end */
	m[13] = 60;
	ck_assert_int_eq(extract_dns(m, 18, &x), -1);
	/* a label type that does not exist (0x40) */
	m[12] = 0x41;
	m[13] = 'a';
	m[14] = 0;
	ck_assert_int_eq(extract_dns(m, 18, &x), -1);
}
END_TEST

/* Every message of the shared wire corpus reads or fails cleanly; known ones read right. */
START_TEST(dns_wire_corpus)
{
	static const char *dirs[] = { "dns-wire/bind9_dns_message_parse",
				      "dns-wire/pdns_raw-dns-packets" };
	size_t ok = 0, total = 0;
	for (size_t k = 0; k < 2; k++) {
		char *dir = tu_shared_path(dirs[k]);
		ck_assert_ptr_nonnull(dir);
		DIR *dp = opendir(dir);
		ck_assert_ptr_nonnull(dp);
		struct dirent *de;
		while ((de = readdir(dp))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			size_t len;
			char *buf = tu_read_file(path, &len);
			ck_assert_ptr_nonnull(buf);
			struct extract_dns x;
			total++;
			if (extract_dns((const uint8_t *)buf, len, &x) == 0) {
				ok++;
				ck_assert_uint_eq(strlen(x.name), x.name_len);
			}
			free(buf);
		}
		closedir(dp);
		free(dir);
	}
	ck_assert_uint_ge(total, 300);
	ck_assert_uint_ge(ok, total * 9 / 10);

	char *p = tu_shared_path("dns-wire/pdns_raw-dns-packets/basic.raw");
	size_t len;
	char *buf = tu_read_file(p, &len);
	struct extract_dns x;
	ck_assert_int_eq(extract_dns((const uint8_t *)buf, len, &x), 0);
	ck_assert_str_eq(x.name, "powerdns.com");
	ck_assert_str_eq(x.qtype_name, "A");
	free(buf);
	free(p);
	p = tu_shared_path("dns-wire/bind9_dns_message_parse/bind-systemtest-0bf0754502aa.pkt");
	buf = tu_read_file(p, &len);
	ck_assert_int_eq(extract_dns((const uint8_t *)buf, len, &x), 0);
	ck_assert(x.response);
	ck_assert_str_eq(x.name, "a.e0ample");
	free(buf);
	free(p);
}
END_TEST

/* ---- HTTP --------------------------------------------------------------------- */

static long head(const char *s, struct extract_http *h)
{
	return extract_http_head((const uint8_t *)s, strlen(s), 8192, h);
}

static bool span_eq(const char *p, size_t n, const char *want)
{
	return p && n == strlen(want) && memcmp(p, want, n) == 0;
}

START_TEST(http_origin_form)
{
	struct extract_http h;
	const char *r = "GET /a/b?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\n"
			"Content-Length: 5\r\n\r\nhello";
	ck_assert_int_eq(head(r, &h), (long)strlen(r) - 5);
	ck_assert(span_eq(h.method, h.method_len, "GET"));
	ck_assert(span_eq(h.host, h.host_len, "Example.COM"));
	ck_assert(span_eq(h.path, h.path_len, "/a/b?x=1"));
	ck_assert_uint_eq(h.body_len, 5);
	ck_assert(!h.chunked);
	/* bare LF line ends, header names in any case, spaces around the value */
	r = "POST /up HTTP/1.0\nhOsT:   [2001:db8::1]:80  \ntransfer-encoding: gzip, chunked\n\n";
	ck_assert_int_eq(head(r, &h), (long)strlen(r));
	ck_assert(span_eq(h.host, h.host_len, "2001:db8::1"));
	ck_assert(h.chunked);
	/* a space inside the target (suricata http-uri-spaces) */
	r = "GET /uri afterspace HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n";
	ck_assert_int_gt(head(r, &h), 0);
	ck_assert(span_eq(h.path, h.path_len, "/uri afterspace"));
	ck_assert(span_eq(h.host, h.host_len, "127.0.0.1"));
	/* a non-standard method with an underscore */
	r = "CCM_POST /x HTTP/1.1\r\nHost: www.google.com\r\n\r\n";
	ck_assert_int_gt(head(r, &h), 0);
	ck_assert(span_eq(h.method, h.method_len, "CCM_POST"));
}
END_TEST

START_TEST(http_other_forms)
{
	struct extract_http h;
	/* absolute form: its authority wins over the Host header */
	ck_assert_int_gt(head("GET HTTP://user@bro.org:81 HTTP/1.1\r\nHost: other.org\r\n\r\n",
			      &h), 0);
	ck_assert(span_eq(h.host, h.host_len, "bro.org"));
	ck_assert(span_eq(h.path, h.path_len, "/"));
	ck_assert_int_gt(head("GET https://a.cn/p?q HTTP/1.1\r\n\r\n", &h), 0);
	ck_assert(span_eq(h.host, h.host_len, "a.cn"));
	ck_assert(span_eq(h.path, h.path_len, "/p?q"));
	ck_assert_int_gt(head("CONNECT vpn.example:443 HTTP/1.1\r\nHost: vpn.example:443\r\n\r\n",
			      &h), 0);
	ck_assert(h.connect);
	ck_assert(span_eq(h.host, h.host_len, "vpn.example"));
	ck_assert_ptr_null(h.path);
	/* no target at all, and an asterisk */
	ck_assert_int_gt(head("OPTIONS HTTP/1.1\r\nHost: www.google.com\r\n\r\n", &h), 0);
	ck_assert_ptr_null(h.path);
	ck_assert(span_eq(h.host, h.host_len, "www.google.com"));
	ck_assert_int_gt(head("OPTIONS * HTTP/1.1\r\nHost: g.cn\r\n\r\n", &h), 0);
	ck_assert_ptr_null(h.path);
	/* no Host header */
	ck_assert_int_gt(head("GET / HTTP/1.0\r\n\r\n", &h), 0);
	ck_assert_uint_eq(h.host_len, 0);
	/* a header line without a colon is ignored */
	ck_assert_int_gt(head("GET / HTTP/1.1\r\nbogus\r\nHost: a.cn\r\n\r\n", &h), 0);
	ck_assert(span_eq(h.host, h.host_len, "a.cn"));
}
END_TEST

START_TEST(http_incomplete_and_rejections)
{
	struct extract_http h;
	/* not yet complete */
	ck_assert_int_eq(head("GET / HTTP/1.1\r\nHost: a.cn\r\n", &h), 0);
	ck_assert_int_eq(head("GE", &h), 0);
	ck_assert(extract_is_http((const uint8_t *)"GE", 2));
	/* not HTTP */
	ck_assert_int_eq(head("\x16\x03\x01", &h), -1);
	ck_assert_int_eq(head("get / HTTP/1.1\r\n\r\n", &h), -1);
	ck_assert_int_eq(head(" GET / HTTP/1.1\r\n\r\n", &h), -1);
	ck_assert(!extract_is_http((const uint8_t *)"_X ", 3));
	ck_assert(!extract_is_http((const uint8_t *)"", 0));
	/* a method longer than any */
	ck_assert_int_eq(head("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ / HTTP/1.1\r\n\r\n", &h), -1);
	/* no space after the method within the request line: the line is the method */
	ck_assert_int_eq(head("GET\r\n\r\n", &h), -1);
	/* a head longer than the limit, complete or not */
	char big[300];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	memcpy(big + sizeof(big) - 5, "\r\n\r\n", 5);
	ck_assert_int_eq(extract_http_head((const uint8_t *)big, strlen(big), 100, &h), -1);
	ck_assert_int_eq(extract_http_head((const uint8_t *)big, 100, 100, &h), -1);
	ck_assert_int_eq(extract_http_head((const uint8_t *)big, 99, 100, &h), 0);
}
END_TEST

START_TEST(http_shared_requests)
{
	/* libhtp's 01-get.t: ">>>" then the request */
	char *p = tu_shared_path("http-requests/libhtp_test-files/01-get.t");
	ck_assert_ptr_nonnull(p);
	size_t len;
	char *buf = tu_read_file(p, &len);
	ck_assert_ptr_nonnull(buf);
	char *req = strstr(buf, ">>>");
	ck_assert_ptr_nonnull(req);
	req += 3;
	while (*req == '\r' || *req == '\n')
		req++;
	struct extract_http h;
	ck_assert_int_gt(extract_http_head((const uint8_t *)req, strlen(req), 16384, &h), 0);
	ck_assert(span_eq(h.method, h.method_len, "GET"));
	ck_assert_ptr_nonnull(h.path);
	free(buf);
	free(p);
}
END_TEST

/* ---- TLS ---------------------------------------------------------------------- */

struct hello {
	uint8_t b[20000];
	size_t n;
};

static void hput(struct hello *h, const void *p, size_t n)
{
	ck_assert_uint_le(h->n + n, sizeof(h->b));
	memcpy(h->b + h->n, p, n);
	h->n += n;
}

static void hput16(struct hello *h, size_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	hput(h, b, 2);
}

/* A ClientHello handshake message (no record header), with an SNI extension for name
 * when it is not NULL, after a padding extension of pad bytes. */
static void client_hello(struct hello *h, const char *name, size_t pad)
{
	struct hello body = { .n = 0 };
	hput16(&body, 0x0303);
	uint8_t rnd[32] = { 0 };
	hput(&body, rnd, 32);
	hput(&body, "\x00", 1);                 /* no session id */
	hput16(&body, 4);
	hput(&body, "\x13\x01\x13\x02", 4);     /* two cipher suites */
	hput(&body, "\x01\x00", 2);             /* null compression */
	struct hello ext = { .n = 0 };
	hput16(&ext, 21);                       /* padding */
	hput16(&ext, pad);
	for (size_t i = 0; i < pad; i++)
		hput(&ext, "\0", 1);
	if (name) {
		size_t nl = strlen(name);
		hput16(&ext, 0);
		hput16(&ext, nl + 5);
		hput16(&ext, nl + 3);
		hput(&ext, "\x00", 1);
		hput16(&ext, nl);
		hput(&ext, name, nl);
	}
	hput16(&body, ext.n);
	hput(&body, ext.b, ext.n);
	h->n = 0;
	uint8_t hdr[4] = { 1, (uint8_t)(body.n >> 16), (uint8_t)(body.n >> 8), (uint8_t)body.n };
	hput(h, hdr, 4);
	hput(h, body.b, body.n);
}

/* Wrap handshake bytes in TLS records of at most rec bytes each. */
static void records(struct hello *out, const struct hello *hs, size_t rec)
{
	out->n = 0;
	for (size_t off = 0; off < hs->n; off += rec) {
		size_t n = hs->n - off < rec ? hs->n - off : rec;
		hput(out, "\x16\x03\x01", 3);
		hput16(out, n);
		hput(out, hs->b + off, n);
	}
}

static enum extract_tls_result sni_of(const struct hello *r, size_t len, char *sni)
{
	size_t sl = 0;
	return extract_tls_sni(r->b, len, sni, 256, &sl);
}

START_TEST(tls_sni_one_and_many_records)
{
	struct hello hs, r;
	char sni[256];
	size_t sl = 0;
	client_hello(&hs, "www.google.com", 100);
	records(&r, &hs, 16384);
	ck_assert(extract_is_tls(r.b, r.n));
	ck_assert_int_eq(extract_tls_sni(r.b, r.n, sni, sizeof(sni), &sl), TLS_SNI);
	ck_assert_str_eq(sni, "www.google.com");
	ck_assert_uint_eq(sl, 14);
	/* split over records of 50 bytes */
	records(&r, &hs, 50);
	ck_assert_int_eq(sni_of(&r, r.n, sni), TLS_SNI);
	ck_assert_str_eq(sni, "www.google.com");
	/* every prefix is "more", never wrong */
	for (size_t n = 0; n < r.n; n++)
		ck_assert_int_eq(sni_of(&r, n, sni), TLS_MORE);
	/* a ClientHello without the name, and one without extensions */
	client_hello(&hs, NULL, 10);
	records(&r, &hs, 16384);
	ck_assert_int_eq(sni_of(&r, r.n, sni), TLS_NO_SNI);
	client_hello(&hs, NULL, 0);
	hs.n -= 2 + 4;  /* drop the extensions block */
	hs.b[3] = (uint8_t)(hs.n - 4);
	records(&r, &hs, 16384);
	ck_assert_int_eq(sni_of(&r, r.n, sni), TLS_NO_SNI);
}
END_TEST

START_TEST(tls_rejections)
{
	struct hello hs, r, b;
	char sni[256];
	size_t sl;
	client_hello(&hs, "a.cn", 0);
	records(&r, &hs, 16384);
	/* not a handshake record, not TLS 3.x */
	b = r;
	b.b[0] = 0x17;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	ck_assert(!extract_is_tls(b.b, b.n));
	b = r;
	b.b[1] = 0x02;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a record header cut short is "more"; a whole one of another version is bad */
	ck_assert_int_eq(extract_tls_sni((const uint8_t *)"\x16\x03", 2, sni, 256, &sl), TLS_MORE);
	ck_assert_int_eq(extract_tls_sni((const uint8_t *)"\x16\x04\x01\x00\x30", 5, sni, 256, &sl),
			 TLS_BAD);
	/* a zero-length record, and an oversized one */
	b = r;
	b.b[3] = 0;
	b.b[4] = 0;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	b = r;
	b.b[3] = 0xff;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a ServerHello, not a ClientHello */
	b = r;
	b.b[5] = 2;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a handshake length too small for a ClientHello */
	b = r;
	b.b[6] = 0;
	b.b[7] = 0;
	b.b[8] = 10;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* an odd cipher-suite length */
	b = r;
	b.b[5 + 4 + 35] = 3;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* extensions longer than the message */
	b = r;
	size_t ext_at = 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2;
	b.b[ext_at] = 0x7f;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* one extension longer than the block */
	b = r;
	b.b[ext_at + 2 + 2] = 0x7f;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a server-name list whose length disagrees with the extension */
	b = r;
	size_t sni_ext = ext_at + 2 + 4; /* after the empty padding extension */
	b.b[sni_ext + 4 + 1] ^= 1;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a name longer than the list */
	b = r;
	b.b[sni_ext + 4 + 2 + 2] = 0x40;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* an empty name */
	client_hello(&hs, "", 0);
	records(&b, &hs, 16384);
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a name longer than the caller's buffer */
	client_hello(&hs, "abcdefghijklmnop.example", 0);
	records(&b, &hs, 16384);
	ck_assert_int_eq(extract_tls_sni(b.b, b.n, sni, 8, &sl), TLS_BAD);
	/* a session id running past the message: complete yet inconsistent */
	b = r;
	b.b[5 + 4 + 34] = 0xff;
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
	/* a ClientHello longer than the reassembly keeps */
	client_hello(&hs, "a.cn", 17000);
	records(&b, &hs, 4000);
	ck_assert_int_eq(sni_of(&b, b.n, sni), TLS_BAD);
}
END_TEST

static Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("dns");
	tcase_add_test(tc, dns_query);
	tcase_add_test(tc, dns_odd_names_and_types);
	tcase_add_test(tc, dns_rejections);
	suite_add_tcase(s, tc);
	tc = tcase_create("http");
	tcase_add_test(tc, http_origin_form);
	tcase_add_test(tc, http_other_forms);
	tcase_add_test(tc, http_incomplete_and_rejections);
	suite_add_tcase(s, tc);
	tc = tcase_create("tls");
	tcase_add_test(tc, tls_sni_one_and_many_records);
	tcase_add_test(tc, tls_rejections);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	Suite *s = extract_suite();
	const char *base = getenv("CG_SHARED");
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/data/dns-wire", base ? base : "../shared");
	if (access(probe, R_OK) == 0) {
		TCase *tc = tcase_create("shared-corpus");
		tcase_add_test(tc, dns_wire_corpus);
		tcase_add_test(tc, http_shared_requests);
		suite_add_tcase(s, tc);
	} else {
		printf("NOTE: shared test data (CG_SHARED) absent: corpus tests not run\n");
	}
	return tu_run(s, NULL);
}
