/* TLS ClientHello reassembly and SNI/ECH extraction; never reads past len. */
#include "tls_parse.h"

#include <string.h>

#define TLS_RECORD_MAX 16384

#define TLS_MAX_EXTENSIONS 128

bool tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static int fail(struct tls_hello *out, const char *why)
{
	out->error = why;
	return -1;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* encrypted_client_hello: ECHClientHello { type; outer: cipher_suite (kdf, aead),
 * config_id, enc<0..2^16-1>, payload<1..2^16-1>; inner: nothing }. A body that does not
 * parse is reported as MALFORMED, not rejected: the extension alone decides nothing. */
static void parse_ech(const uint8_t *p, size_t n, struct tls_hello *out)
{
	out->ech = true;
	out->ech_type = TLS_ECH_MALFORMED;
	if (n < 1)
		return;
	if (p[0] == 1) {
		if (n == 1)
			out->ech_type = TLS_ECH_INNER;
		return;
	}
	if (p[0] != 0 || n < 1 + 4 + 1 + 2)
		return;
	size_t enc = rd16(p + 6);
	if (enc > n - 8 || n - 8 - enc < 2)
		return;
	size_t pay = rd16(p + 8 + enc);
	if (pay == 0 || pay != n - 10 - enc)
		return;
	out->ech_type = TLS_ECH_OUTER;
	out->ech_kdf = rd16(p + 1);
	out->ech_aead = rd16(p + 3);
	out->ech_config_id = p[5];
	out->ech_enc_len = enc;
	out->ech_payload_len = pay;
}

static int parse_sni(const uint8_t *p, size_t n, struct tls_hello *out)
{
	if (n < 2 || rd16(p) != n - 2)
		return fail(out, "bad server_name list length");
	size_t pos = 2;
	while (pos < n) {
		if (n - pos < 3)
			return fail(out, "truncated server_name entry");
		uint8_t type = p[pos];
		size_t nlen = rd16(p + pos + 1);
		pos += 3;
		if (nlen > n - pos)
			return fail(out, "server_name entry overruns the extension");
		if (type == 0) {
			const char *why = NULL;
			if (out->has_sni)
				return fail(out, "more than one host_name");
			if (nlen == 0 || nlen > NAME_MAX_LEN + 1)
				return fail(out, "bad host_name length");
			for (size_t i = 0; i < nlen; i++) {
				uint8_t c = p[pos + i];
				if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
					return fail(out, "bad character in host_name");
			}
			int r = name_normalise((const char *)p + pos, nlen, out->sni, &why);
			if (r <= 0)
				return fail(out, "invalid host_name");
			out->sni_len = (size_t)r;
			out->has_sni = true;
		}
		pos += nlen;
	}
	return 0;
}

/* The ClientHello body (after the 4-byte handshake header). */
static int parse_hello(const uint8_t *p, size_t n, struct tls_hello *out)
{
	uint16_t seen[TLS_MAX_EXTENSIONS];
	size_t pos;

	if (n < 2 + 32 + 1)
		return fail(out, "ClientHello too short");
	out->legacy_version = rd16(p);
	if (p[0] != 3)
		return fail(out, "bad ClientHello version");
	pos = 34;
	size_t sid = p[pos++];
	if (sid > 32 || sid > n - pos)
		return fail(out, "bad session id length");
	pos += sid;
	if (n - pos < 2)
		return fail(out, "truncated cipher suites");
	size_t cs = rd16(p + pos);
	pos += 2;
	if (cs < 2 || cs % 2 || cs > n - pos)
		return fail(out, "bad cipher suites length");
	for (size_t i = 0; i < cs; i += 2)
		if (tls_is_grease(rd16(p + pos + i)))
			out->grease = true;
	pos += cs;
	if (n - pos < 1)
		return fail(out, "truncated compression methods");
	size_t cm = p[pos++];
	if (cm < 1 || cm > n - pos)
		return fail(out, "bad compression methods length");
	pos += cm;
	if (pos == n)
		return 1; /* no extensions at all */
	if (n - pos < 2)
		return fail(out, "truncated extensions");
	size_t el = rd16(p + pos);
	pos += 2;
	if (el != n - pos)
		return fail(out, "extensions length does not match the hello");
	while (pos < n) {
		if (n - pos < 4)
			return fail(out, "truncated extension header");
		uint16_t type = rd16(p + pos);
		size_t len = rd16(p + pos + 2);
		pos += 4;
		if (len > n - pos)
			return fail(out, "extension overruns the hello");
		if (out->n_extensions >= TLS_MAX_EXTENSIONS)
			return fail(out, "too many extensions");
		for (unsigned i = 0; i < out->n_extensions; i++)
			if (seen[i] == type)
				return fail(out, "duplicate extension");
		seen[out->n_extensions++] = type;
		if (tls_is_grease(type))
			out->grease = true;
		if (type == TLS_EXT_SERVER_NAME && parse_sni(p + pos, len, out) < 0)
			return -1;
		if (type == TLS_EXT_ECH)
			parse_ech(p + pos, len, out);
		pos += len;
	}
	return 1;
}

static int reader_fail(struct tls_reader *r, struct tls_hello *out, const char *why)
{
	r->state = -1;
	r->error = why;
	out->error = why;
	return -1;
}

/* A complete record header in r->hdr: check it (the first decides whether this is TLS). */
static int reader_header(struct tls_reader *r, struct tls_hello *out)
{
	const uint8_t *h = r->hdr;
	if (r->n_records == 0 && (h[0] & 0x80))
		return reader_fail(r, out, "SSLv2-style hello");
	if (h[0] != 22)
		return reader_fail(r, out, r->n_records ? "other record inside the ClientHello"
							: "not a TLS handshake record");
	if (h[1] != 3)
		return reader_fail(r, out, "bad record version");
	if (r->n_records == 0)
		r->record_version = rd16(h + 1);
	r->rec_left = rd16(h + 3);
	if (r->rec_left == 0)
		return reader_fail(r, out, "empty handshake record");
	if (r->rec_left > TLS_RECORD_MAX)
		return reader_fail(r, out, "record too long");
	r->n_records++;
	r->hdr_len = 0;
	return 0;
}

/* The handshake message is complete: parse it once. */
static int reader_done(struct tls_reader *r, struct tls_hello *out)
{
	memset(out, 0, sizeof(*out));
	out->record_version = r->record_version;
	out->n_records = r->n_records;
	out->stream_len = r->pos + r->rec_left; /* the rest of the last record is the hello's */
	r->steps += r->need;
	if (parse_hello(r->hs + 4, r->need - 4, out) < 0)
		return reader_fail(r, out, out->error);
	r->state = 1;
	return 1;
}

void tls_reader_init(struct tls_reader *r)
{
	r->hs_len = r->need = r->hdr_len = r->rec_left = r->pos = 0;
	r->n_records = 0;
	r->record_version = 0;
	r->state = 0;
	r->error = NULL;
	r->steps = 0;
}

int tls_reader_feed(struct tls_reader *r, const uint8_t *buf, size_t len,
		    struct tls_hello *out)
{
	if (r->state != 0) {
		if (r->state < 0)
			out->error = r->error;
		return r->state;
	}
	/* A first byte that is not a handshake record is known at once. */
	if (r->pos == 0 && r->hdr_len == 0 && len > 0) {
		if (buf[0] & 0x80)
			return reader_fail(r, out, "SSLv2-style hello");
		if (buf[0] != 22)
			return reader_fail(r, out, "not a TLS handshake record");
	}
	size_t i = 0;
	while (i < len) {
		if (r->pos >= TLS_STREAM_MAX)
			return reader_fail(r, out, "ClientHello spread over too many records");
		if (r->rec_left == 0) { /* inside a record header */
			r->hdr[r->hdr_len++] = buf[i++];
			r->pos++;
			r->steps++;
			if (r->hdr_len == 5 && reader_header(r, out) < 0)
				return -1;
			continue;
		}
		size_t take = len - i < r->rec_left ? len - i : r->rec_left;
		size_t room = sizeof(r->hs) - r->hs_len;
		size_t copy = take < room ? take : room;
		memcpy(r->hs + r->hs_len, buf + i, copy);
		r->hs_len += copy;
		r->steps += take;
		i += take;
		r->pos += take;
		r->rec_left -= take;
		if (r->need == 0 && r->hs_len >= 4) {
			if (r->hs[0] != 1)
				return reader_fail(r, out, "first handshake message is not a ClientHello");
			r->need = 4 + ((size_t)r->hs[1] << 16 | (size_t)r->hs[2] << 8 | r->hs[3]);
			if (r->need > sizeof(r->hs))
				return reader_fail(r, out, "ClientHello too large");
		}
		if (r->need && r->hs_len >= r->need)
			return reader_done(r, out);
	}
	return 0;
}

int tls_parse_client_hello(const uint8_t *buf, size_t len, struct tls_hello *out)
{
	static __thread struct tls_reader r;

	tls_reader_init(&r);
	memset(out, 0, sizeof(*out));
	return tls_reader_feed(&r, buf, len, out);
}
