/* Tests for tls_parse.c: ClientHello reassembly across records and segments, SNI, ECH
 * and GREASE detection, every rejection branch, and the TLS captures in
 * ../shared/data/pcaps (SNI read back from real clients' hellos). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "tls_parse.h"
#include "util.h"

static struct tls_hello th;

/* A ClientHello builder: body fields, then extensions, then records. */
struct hb {
	uint8_t ext[20000];
	size_t ext_len;
	bool no_ext_block;
	int sid_len;       /* session id length byte (32 by default) */
	int cs_len;        /* cipher suites length (4 by default) */
	int comp_len;      /* compression methods length (1) */
	int version_major; /* legacy_version high byte (3) */
	int ext_len_delta; /* added to the extensions length field */
};

static void hb_init(struct hb *h)
{
	memset(h, 0, sizeof(*h));
	h->sid_len = 32;
	h->cs_len = 4;
	h->comp_len = 1;
	h->version_major = 3;
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void hb_ext(struct hb *h, uint16_t type, const void *data, size_t len)
{
	put16(h->ext + h->ext_len, type);
	put16(h->ext + h->ext_len + 2, len);
	memcpy(h->ext + h->ext_len + 4, data, len);
	h->ext_len += 4 + len;
}

static void hb_sni(struct hb *h, const char *name)
{
	uint8_t d[600];
	size_t n = strlen(name);
	put16(d, n + 3);
	d[2] = 0;
	put16(d + 3, n);
	memcpy(d + 5, name, n);
	hb_ext(h, TLS_EXT_SERVER_NAME, d, n + 5);
}

/* The handshake message (type 1, 24-bit length, body). Returns its length. */
static size_t hb_handshake(const struct hb *h, uint8_t *out)
{
	size_t p = 4;
	out[p++] = (uint8_t)h->version_major;
	out[p++] = 3;
	memset(out + p, 0x5a, 32);
	p += 32;
	out[p++] = (uint8_t)h->sid_len;
	memset(out + p, 0x11, 32);
	p += h->sid_len > 32 ? 32 : (size_t)h->sid_len;
	put16(out + p, (size_t)h->cs_len);
	p += 2;
	uint8_t cs[] = { 0x0a, 0x0a, 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f };
	memcpy(out + p, cs, sizeof(cs));
	p += h->cs_len > 8 ? 8 : (size_t)h->cs_len;
	out[p++] = (uint8_t)h->comp_len;
	out[p++] = 0;
	if (!h->no_ext_block) {
		put16(out + p, (size_t)((int)h->ext_len + h->ext_len_delta));
		p += 2;
		memcpy(out + p, h->ext, h->ext_len);
		p += h->ext_len;
	}
	out[0] = 1;
	out[1] = (uint8_t)((p - 4) >> 16);
	out[2] = (uint8_t)((p - 4) >> 8);
	out[3] = (uint8_t)(p - 4);
	return p;
}

/* Wrap a handshake message in records of at most frag bytes each. */
static size_t records(const uint8_t *hs, size_t n, size_t frag, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += frag) {
		size_t k = n - i < frag ? n - i : frag;
		out[o] = 22;
		out[o + 1] = 3;
		out[o + 2] = 1;
		put16(out + o + 3, k);
		memcpy(out + o + 5, hs + i, k);
		o += 5 + k;
	}
	return o;
}

static uint8_t hsbuf[40000];
static uint8_t *wire;

static size_t build(const struct hb *h, size_t frag)
{
	size_t n = hb_handshake(h, hsbuf);
	free(wire);
	wire = xmalloc(n + 5 * (n / frag + 2) + 16);
	return records(hsbuf, n, frag, wire);
}

static int parse_built(const struct hb *h)
{
	size_t n = build(h, 16384);
	return tls_parse_client_hello(wire, n, &th);
}

START_TEST(sni_and_incremental)
{
	struct hb h;
	hb_init(&h);
	hb_sni(&h, "WWW.Example.COM.");
	uint8_t alpn[] = { 0, 3, 2, 'h', '2' };
	hb_ext(&h, TLS_EXT_ALPN, alpn, sizeof(alpn));
	size_t n = build(&h, 16384);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(tls_parse_client_hello(wire, i, &th), 0);
	ck_assert_int_eq(tls_parse_client_hello(wire, n, &th), 1);
	ck_assert(th.has_sni);
	ck_assert_str_eq(th.sni, "www.example.com");
	ck_assert_uint_eq(th.sni_len, 15);
	ck_assert(!th.ech);
	ck_assert(th.grease); /* the 0x0a0a cipher suite */
	ck_assert_uint_eq(th.n_extensions, 2);
	ck_assert_uint_eq(th.n_records, 1);
	ck_assert_uint_eq(th.stream_len, n);
	ck_assert_uint_eq(th.record_version, 0x0301);
	ck_assert_uint_eq(th.legacy_version, 0x0303);
	/* Trailing application bytes after the hello do not matter. */
	uint8_t *more = xmalloc(n + 10);
	memcpy(more, wire, n);
	memset(more + n, 0x17, 10);
	ck_assert_int_eq(tls_parse_client_hello(more, n + 10, &th), 1);
	free(more);
}
END_TEST

START_TEST(across_records)
{
	struct hb h;
	hb_init(&h);
	hb_sni(&h, "split.example.net");
	uint8_t pad[3000] = { 0 };
	hb_ext(&h, 0x0015, pad, sizeof(pad)); /* padding: a big hello */
	for (size_t frag = 1; frag < 400; frag = frag * 3 + 1) {
		size_t n = build(&h, frag);
		ck_assert_int_eq(tls_parse_client_hello(wire, n - 1, &th), 0);
		ck_assert_int_eq(tls_parse_client_hello(wire, n, &th), 1);
		ck_assert_str_eq(th.sni, "split.example.net");
		ck_assert_uint_gt(th.n_records, 1);
		ck_assert_uint_eq(th.stream_len, n);
	}
}
END_TEST

START_TEST(no_sni_ech_grease)
{
	struct hb h;
	hb_init(&h);
	h.no_ext_block = true;
	ck_assert_int_eq(parse_built(&h), 1);
	ck_assert(!th.has_sni);
	ck_assert_str_eq(th.sni, "");
	ck_assert_uint_eq(th.n_extensions, 0);

	hb_init(&h);
	hb_sni(&h, "public.example");
	uint8_t ech[8] = { 0, 0, 1, 0, 1, 0x42, 0, 0 };
	hb_ext(&h, TLS_EXT_ECH, ech, sizeof(ech));
	hb_ext(&h, 0x3a3a, "", 0);
	ck_assert_int_eq(parse_built(&h), 1);
	ck_assert(th.ech);
	ck_assert(th.grease);
	ck_assert_str_eq(th.sni, "public.example");

	ck_assert(tls_is_grease(0x0a0a));
	ck_assert(tls_is_grease(0xfafa));
	ck_assert(!tls_is_grease(0x0a1a));
	ck_assert(!tls_is_grease(0x1301));
	ck_assert(!tls_is_grease(0xfe0d));

	/* An IP literal as SNI (not allowed by RFC 6066, seen in the wild): taken as is. */
	hb_init(&h);
	hb_sni(&h, "192.0.2.1");
	ck_assert_int_eq(parse_built(&h), 1);
	ck_assert_str_eq(th.sni, "192.0.2.1");
	/* Other name types are skipped. */
	hb_init(&h);
	uint8_t other[] = { 0, 6, 7, 0, 3, 'a', 'b', 'c' };
	hb_ext(&h, TLS_EXT_SERVER_NAME, other, sizeof(other));
	ck_assert_int_eq(parse_built(&h), 1);
	ck_assert(!th.has_sni);
}
END_TEST

/* The encrypted_client_hello body: outer (cipher suite, config id, enc, payload), inner
 * (type only), and each way a body fails to parse (reported as MALFORMED, never a
 * rejection of the hello: the extension alone decides nothing). */
START_TEST(ech_types)
{
	struct hb h;
	uint8_t outer[] = { 0, 0, 1, 0, 3, 0x42, 0, 2, 0xaa, 0xbb, 0, 3, 1, 2, 3 };
	hb_init(&h);
	hb_sni(&h, "cover.example");
	hb_ext(&h, TLS_EXT_ECH, outer, sizeof(outer));
	ck_assert_int_eq(parse_built(&h), 1);
	ck_assert(th.ech);
	ck_assert_int_eq(th.ech_type, TLS_ECH_OUTER);
	ck_assert_uint_eq(th.ech_kdf, 1);
	ck_assert_uint_eq(th.ech_aead, 3);
	ck_assert_uint_eq(th.ech_config_id, 0x42);
	ck_assert_uint_eq(th.ech_enc_len, 2);
	ck_assert_uint_eq(th.ech_payload_len, 3);
	ck_assert_str_eq(th.sni, "cover.example");

	uint8_t inner[] = { 1 };
	hb_init(&h);
	hb_ext(&h, TLS_EXT_ECH, inner, sizeof(inner));
	ck_assert_int_eq(parse_built(&h), 1);
	ck_assert_int_eq(th.ech_type, TLS_ECH_INNER);

	/* Malformed bodies: each is taken as a hello with ech_type MALFORMED. */
	static const struct { uint8_t b[16]; size_t n; } bad[] = {
		{ { 0 }, 0 },                                   /* empty */
		{ { 2 }, 1 },                                   /* unknown type */
		{ { 1, 0 }, 2 },                                /* inner with a body */
		{ { 0, 0, 1, 0, 1, 7 }, 6 },                    /* outer cut before enc */
		{ { 0, 0, 1, 0, 1, 7, 0, 9, 1 }, 9 },           /* enc overruns */
		{ { 0, 0, 1, 0, 1, 7, 0, 0, 0 }, 9 },           /* payload length cut */
		{ { 0, 0, 1, 0, 1, 7, 0, 0, 0, 0 }, 10 },       /* empty payload */
		{ { 0, 0, 1, 0, 1, 7, 0, 0, 0, 2, 1 }, 11 },    /* payload overruns */
		{ { 0, 0, 1, 0, 1, 7, 0, 0, 0, 1, 1, 9 }, 12 }, /* bytes after the payload */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hb_init(&h);
		hb_sni(&h, "cover.example");
		hb_ext(&h, TLS_EXT_ECH, bad[i].b, bad[i].n);
		ck_assert_int_eq(parse_built(&h), 1);
		ck_assert(th.ech);
		ck_assert_msg(th.ech_type == TLS_ECH_MALFORMED, "case %zu", i);
		ck_assert(th.has_sni);
	}
}
END_TEST

/* Item 5: the reader looks at each byte once and parses the hello once, so a hello fed
 * one byte at a time costs the same steps as one fed whole: O(n), counted, not timed.
 * The old way (re-parse from the first byte on every read) would cost n^2/2. */
START_TEST(reader_linear)
{
	struct hb h;
	static struct tls_reader r;
	hb_init(&h);
	hb_sni(&h, "linear.example");
	static uint8_t pad[8000];
	hb_ext(&h, 0x0015, pad, sizeof(pad));
	for (size_t frag = 16384; frag >= 1; frag = frag == 16384 ? 100 : frag == 100 ? 1 : 0) {
		size_t n = build(&h, frag);
		tls_reader_init(&r);
		ck_assert_int_eq(tls_reader_feed(&r, wire, n, &th), 1);
		unsigned long whole = r.steps;
		ck_assert_uint_le(whole, 2 * n);
		tls_reader_init(&r);
		for (size_t i = 0; i < n; i++)
			ck_assert_int_eq(tls_reader_feed(&r, wire + i, 1, &th), i + 1 == n ? 1 : 0);
		ck_assert_uint_eq(r.steps, whole);
		ck_assert_str_eq(th.sni, "linear.example");
		ck_assert_uint_eq(th.stream_len, n);
		ck_assert_uint_gt(th.n_records, frag == 16384 ? 0 : 1);
		/* the result sticks */
		ck_assert_int_eq(tls_reader_feed(&r, wire, 1, &th), 1);
		if (frag == 1)
			break;
	}
	/* a rejection found byte by byte sticks too, with its reason */
	tls_reader_init(&r);
	ck_assert_int_eq(tls_reader_feed(&r, (const uint8_t *)"\x16\x03\x01\x00", 4, &th), 0);
	ck_assert_int_eq(tls_reader_feed(&r, (const uint8_t *)"\x00", 1, &th), -1);
	ck_assert_str_eq(th.error, "empty handshake record");
	th.error = NULL;
	ck_assert_int_eq(tls_reader_feed(&r, (const uint8_t *)"x", 1, &th), -1);
	ck_assert_str_eq(th.error, "empty handshake record");
	/* bytes after the hello are left alone: stream_len says where it ended */
	hb_init(&h);
	hb_sni(&h, "a.example");
	size_t n = build(&h, 16384);
	uint8_t *more = xmalloc(n + 3);
	memcpy(more, wire, n);
	memcpy(more + n, "\x17\x03\x03", 3);
	tls_reader_init(&r);
	ck_assert_int_eq(tls_reader_feed(&r, more, n + 3, &th), 1);
	ck_assert_uint_eq(th.stream_len, n);
	free(more);
}
END_TEST

static int raw(const void *p, size_t n)
{
	return tls_parse_client_hello(p, n, &th);
}

START_TEST(record_rejections)
{
	ck_assert_int_eq(raw("\x17\x03\x03\x00\x05hello", 10), -1);
	ck_assert_str_eq(th.error, "not a TLS handshake record");
	ck_assert_int_eq(raw("\x17", 1), -1);               /* known at the first byte */
	ck_assert_int_eq(raw("GET / HTTP/1.1\r\n", 16), -1);
	ck_assert_int_eq(raw("\x80\x2e\x01\x03\x01", 5), -1);
	ck_assert_str_eq(th.error, "SSLv2-style hello");
	ck_assert_int_eq(raw("\x80", 1), -1);
	ck_assert_int_eq(raw("\x16\x02\x00\x00\x05", 5), -1);
	ck_assert_str_eq(th.error, "bad record version");
	ck_assert_int_eq(raw("\x16\x03\x01\x00\x00", 5), -1);
	ck_assert_str_eq(th.error, "empty handshake record");
	ck_assert_int_eq(raw("\x16\x03\x01\x40\x01", 5), -1);
	ck_assert_str_eq(th.error, "record too long");
	ck_assert_int_eq(raw("\x16\x03\x01\x00\x04\x02\x00\x00\x00", 9), -1);
	ck_assert_str_eq(th.error, "first handshake message is not a ClientHello");
	ck_assert_int_eq(raw("\x16\x03\x01\x00\x04\x01\x01\x00\x00", 9), -1);
	ck_assert_str_eq(th.error, "ClientHello too large");
	ck_assert_int_eq(raw("", 0), 0);
	ck_assert_int_eq(raw("\x16\x03", 2), 0);

	/* A second record of another type in the middle of the hello. */
	struct hb h;
	hb_init(&h);
	hb_sni(&h, "a.example");
	size_t n = build(&h, 20);
	wire[25] = 21;
	ck_assert_int_eq(tls_parse_client_hello(wire, n, &th), -1);
	ck_assert_str_eq(th.error, "other record inside the ClientHello");

	/* A hello spread over more than TLS_STREAM_MAX bytes of tiny records. */
	hb_init(&h);
	static uint8_t pad[12000];
	hb_ext(&h, 0x0015, pad, sizeof(pad));
	n = build(&h, 1);
	ck_assert_int_eq(tls_parse_client_hello(wire, n, &th), -1);
	ck_assert_str_eq(th.error, "ClientHello spread over too many records");
}
END_TEST

START_TEST(hello_rejections)
{
	struct hb h;
	uint8_t rec[64];
	/* Too short to hold version + random + session id length. */
	memcpy(rec, "\x16\x03\x01\x00\x08\x01\x00\x00\x04\x03\x03\x00\x00", 13);
	ck_assert_int_eq(raw(rec, 13), -1);
	ck_assert_str_eq(th.error, "ClientHello too short");

	hb_init(&h);
	h.version_major = 2;
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "bad ClientHello version");
	hb_init(&h);
	h.sid_len = 33;
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "bad session id length");
	hb_init(&h);
	h.cs_len = 3;
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "bad cipher suites length");
	hb_init(&h);
	h.cs_len = 0;
	ck_assert_int_eq(parse_built(&h), -1);
	hb_init(&h);
	h.cs_len = 2000;
	h.no_ext_block = true;
	ck_assert_int_eq(parse_built(&h), -1);
	hb_init(&h);
	h.comp_len = 0;
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "bad compression methods length");
	hb_init(&h);
	h.comp_len = 200;
	h.no_ext_block = true;
	ck_assert_int_eq(parse_built(&h), -1);
	hb_init(&h);
	hb_sni(&h, "x.example");
	h.ext_len_delta = 1;
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "extensions length does not match the hello");
	hb_init(&h);
	hb_sni(&h, "x.example");
	h.ext_len_delta = -1;
	ck_assert_int_eq(parse_built(&h), -1);

	/* Hand-cut bodies for the truncation branches: build a good one, then cut the
	 * handshake length so the body ends early. */
	static const struct { size_t body_len; const char *why; } cuts[] = {
		{ 2 + 32 + 1 + 32, "truncated cipher suites" },
		{ 2 + 32 + 1 + 32 + 2 + 4, "truncated compression methods" },
		{ 2 + 32 + 1 + 32 + 2 + 4 + 2 + 1, "truncated extensions" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cuts); i++) {
		hb_init(&h);
		hb_sni(&h, "x.example");
		size_t n = hb_handshake(&h, hsbuf);
		ck_assert_uint_lt(cuts[i].body_len, n);
		hsbuf[1] = 0;
		hsbuf[2] = (uint8_t)(cuts[i].body_len >> 8);
		hsbuf[3] = (uint8_t)cuts[i].body_len;
		free(wire);
		wire = xmalloc(n + 16);
		size_t w = records(hsbuf, 4 + cuts[i].body_len, 16384, wire);
		ck_assert_int_eq(tls_parse_client_hello(wire, w, &th), -1);
		ck_assert_str_eq(th.error, cuts[i].why);
	}
}
END_TEST

START_TEST(extension_rejections)
{
	struct hb h;
	hb_init(&h);
	hb_sni(&h, "x.example");
	h.ext[h.ext_len++] = 0; /* three stray bytes: a truncated extension header */
	h.ext[h.ext_len++] = 1;
	h.ext[h.ext_len++] = 0;
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "truncated extension header");

	hb_init(&h);
	hb_ext(&h, 0x0017, "", 0);
	put16(h.ext + 2, 5); /* claims 5 bytes, none follow */
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "extension overruns the hello");

	hb_init(&h);
	hb_ext(&h, 0x0017, "", 0);
	hb_ext(&h, 0x0017, "", 0);
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "duplicate extension");

	hb_init(&h);
	for (uint16_t i = 0; i < 129; i++)
		hb_ext(&h, (uint16_t)(0x1000 + i), "", 0);
	ck_assert_int_eq(parse_built(&h), -1);
	ck_assert_str_eq(th.error, "too many extensions");
}
END_TEST

static int sni_ext(const uint8_t *d, size_t n)
{
	struct hb h;
	hb_init(&h);
	hb_ext(&h, TLS_EXT_SERVER_NAME, d, n);
	return parse_built(&h);
}

START_TEST(sni_rejections)
{
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00", 1), -1);
	ck_assert_str_eq(th.error, "bad server_name list length");
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x05\x00\x00\x01a\x00", 7), -1);
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x02\x00\x00", 4), -1);
	ck_assert_str_eq(th.error, "truncated server_name entry");
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x04\x00\x00\x05a", 6), -1);
	ck_assert_str_eq(th.error, "server_name entry overruns the extension");
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x08\x00\x00\x01\x61\x00\x00\x01\x62", 10), -1);
	ck_assert_str_eq(th.error, "more than one host_name");
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x03\x00\x00\x00", 5), -1);
	ck_assert_str_eq(th.error, "bad host_name length");
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x06\x00\x00\x03\x61\x20\x62", 8), -1);
	ck_assert_str_eq(th.error, "bad character in host_name");
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x06\x00\x00\x03\x61\xc3\xa4", 8), -1);
	ck_assert_int_eq(sni_ext((const uint8_t *)"\x00\x07\x00\x00\x04\x61..b", 9), -1);
	ck_assert_str_eq(th.error, "invalid host_name");
	uint8_t big[300];
	put16(big, 258);
	big[2] = 0;
	put16(big + 3, 255);
	memset(big + 5, 'a', 255);
	ck_assert_int_eq(sni_ext(big, 260), -1);
	ck_assert_str_eq(th.error, "bad host_name length");
}
END_TEST

/* pcap walk (Ethernet or BSD loopback) that collects client streams per TCP flow and
 * parses each as it grows, like the proxy does. */
struct flow {
	char key[96];
	struct sbuf data;
	int result;
	struct tls_hello hello;
};

struct flows {
	struct flow f[64];
	size_t n;
};

static uint32_t rd32(const unsigned char *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}

static void flow_add(struct flows *fs, const unsigned char *ip, bool v6, const unsigned char *tcp,
		     const unsigned char *pay, size_t n)
{
	char key[96];
	size_t al = v6 ? 16 : 4;
	const unsigned char *src = ip + (v6 ? 8 : 12), *dst = src + al;
	int k = 0;
	for (size_t i = 0; i < al; i++)
		k += snprintf(key + k, sizeof(key) - (size_t)k, "%02x", src[i]);
	k += snprintf(key + k, sizeof(key) - (size_t)k, ":%u>", (unsigned)(tcp[0] << 8 | tcp[1]));
	for (size_t i = 0; i < al; i++)
		k += snprintf(key + k, sizeof(key) - (size_t)k, "%02x", dst[i]);
	snprintf(key + k, sizeof(key) - (size_t)k, ":%u", (unsigned)(tcp[2] << 8 | tcp[3]));
	struct flow *f = NULL;
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].key, key) == 0)
			f = &fs->f[i];
	if (!f) {
		if (pay[0] != 22 || fs->n >= CG_ARRAY_LEN(fs->f))
			return; /* only streams that start like a TLS handshake */
		f = &fs->f[fs->n++];
		snprintf(f->key, sizeof(f->key), "%s", key);
		sbuf_init(&f->data);
		f->result = 0;
	}
	if (f->result != 0)
		return;
	sbuf_add(&f->data, pay, n);
	f->result = tls_parse_client_hello((const uint8_t *)f->data.data, f->data.len, &f->hello);
}

static void pcap_flows(const char *path, struct flows *fs)
{
	size_t len;
	unsigned char *d = (unsigned char *)tu_read_file(path, &len);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_ge(len, 24);
	uint32_t magic = rd32(d, false);
	bool swap = magic == 0xd4c3b2a1;
	uint32_t link = rd32(d + 20, swap);
	size_t pos = 24;
	while (len - pos >= 16) {
		size_t cap = rd32(d + pos + 8, swap);
		pos += 16;
		if (cap > len - pos)
			break;
		const unsigned char *p = d + pos;
		size_t plen = cap;
		pos += cap;
		bool v6;
		if (link == 1 && plen >= 14) {
			unsigned et = (unsigned)(p[12] << 8 | p[13]);
			if (et != 0x0800 && et != 0x86dd)
				continue;
			v6 = et == 0x86dd;
			p += 14;
			plen -= 14;
		} else if (link == 0 && plen >= 4) {
			uint32_t fam = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				       (uint32_t)p[3] << 24;
			if (fam != 2 && fam != 24 && fam != 28 && fam != 30)
				continue;
			v6 = fam != 2;
			p += 4;
			plen -= 4;
		} else {
			continue;
		}
		size_t ihl = v6 ? 40 : (size_t)(p[0] & 15) * 4;
		if (plen < 20 || (v6 ? (plen < 40 || p[6] != 6) : p[9] != 6) || ihl < 20 ||
		    plen < ihl + 20)
			continue;
		size_t thl = (size_t)(p[ihl + 12] >> 4) * 4;
		if (thl < 20 || plen <= ihl + thl)
			continue;
		flow_add(fs, p, v6, p + ihl, p + ihl + thl, plen - ihl - thl);
	}
	free(d);
}

static const struct flow *first_hello(const char *rel, struct flows *fs)
{
	char *p = tu_shared_path(rel);
	ck_assert_msg(p != NULL, "%s missing", rel);
	memset(fs, 0, sizeof(*fs));
	pcap_flows(p, fs);
	free(p);
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].result == 1)
			return &fs->f[i];
	return NULL;
}

static void flows_free(struct flows *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		sbuf_free(&fs->f[i].data);
}

START_TEST(pcap_hellos)
{
	static struct flows fs;
	const struct flow *f;

	f = first_hello("pcaps/zeek/tls_chrome-1250-tls-x25519-kyber.pcap", &fs);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->hello.sni, "lh3.google.com");
	ck_assert(f->hello.ech);    /* Chrome's ECH GREASE */
	ck_assert(f->hello.grease);
	flows_free(&fs);

	f = first_hello("pcaps/suricata-verify/tls__tls-client-hello-frag-01__dump_mtu300.pcap", &fs);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->hello.sni, "www.google.com");
	ck_assert_uint_gt(f->data.len, 300); /* it really took several segments */
	flows_free(&fs);

	f = first_hello("pcaps/zeek/tls_tls-fragmented-handshake.pcap", &fs);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->hello.sni, "104.236.167.107");
	flows_free(&fs);

	f = first_hello("pcaps/suricata-verify/tls-duplicate-hello__input.pcap", &fs);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->hello.sni, "localhost");
	flows_free(&fs);
}
END_TEST

/* Every TCP stream that starts like a handshake in these captures through the parser as
 * it grows: no crash, and exactly the client hellos found (the servers' streams, which
 * start with a ServerHello, rejected as such). */
START_TEST(pcap_everything)
{
	static const struct {
		const char *file;
		size_t flows;     /* streams starting with a handshake record */
		const char *sni;  /* of the one ClientHello, or NULL for none */
		size_t rejected;  /* streams the parser refused */
	} want[] = {
		{ "pcaps/zeek/http_get.pcap", 0, NULL, 0 },
		{ "pcaps/zeek/http_methods.pcap", 0, NULL, 0 },
		{ "pcaps/zeek/socks-with-ssl.pcap", 2, "www.google.com", 1 },
		{ "pcaps/zeek/tls_tls-fragmented-handshake.pcap", 2, "104.236.167.107", 1 },
		{ "pcaps/suricata-verify/dns-over-http2__dns_over_https.pcap", 0, NULL, 0 },
		{ "pcaps/suricata-verify/http-uri-spaces__input.pcap", 0, NULL, 0 },
		{ "pcaps/tcpdump/dns_tcp.pcap", 0, NULL, 0 },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(want); i++) {
		static struct flows fs;
		char *p = tu_shared_path(want[i].file);
		ck_assert_msg(p != NULL, "%s missing", want[i].file);
		memset(&fs, 0, sizeof(fs));
		pcap_flows(p, &fs);
		size_t hellos = 0, rejected = 0;
		for (size_t k = 0; k < fs.n; k++) {
			const struct flow *f = &fs.f[k];
			if (f->result == 1) {
				hellos++;
				ck_assert_ptr_nonnull(want[i].sni);
				ck_assert_str_eq(f->hello.sni, want[i].sni);
			} else if (f->result < 0) {
				rejected++;
				ck_assert_str_eq(f->hello.error,
						 "first handshake message is not a ClientHello");
			}
		}
		ck_assert_msg(fs.n == want[i].flows, "%s: %zu streams", want[i].file, fs.n);
		ck_assert_uint_eq(hellos, want[i].sni ? 1 : 0);
		ck_assert_uint_eq(rejected, want[i].rejected);
		flows_free(&fs);
		free(p);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tls_parse");
	TCase *tc = tcase_create("tls_parse");
	tcase_add_test(tc, sni_and_incremental);
	tcase_add_test(tc, across_records);
	tcase_add_test(tc, no_sni_ech_grease);
	tcase_add_test(tc, ech_types);
	tcase_add_test(tc, reader_linear);
	tcase_add_test(tc, record_rejections);
	tcase_add_test(tc, hello_rejections);
	tcase_add_test(tc, extension_rejections);
	tcase_add_test(tc, sni_rejections);
	/* (tu_shared_path asserts, which Check allows only inside a test.) */
	char shared[4096];
	snprintf(shared, sizeof(shared), "%s/data/pcaps",
		 getenv("CG_SHARED") ? getenv("CG_SHARED") : "../shared");
	bool have_shared = access(shared, R_OK) == 0;
	if (have_shared) {
		tcase_add_test(tc, pcap_hellos);
		tcase_add_test(tc, pcap_everything);
	}
	suite_add_tcase(s, tc);
	int rc = tu_run(s, NULL);
	free(wire);
	if (rc == 0 && !have_shared) {
		printf("SKIP: ../shared/data is absent: the captures were not parsed\n");
		return 77;
	}
	return rc;
}
