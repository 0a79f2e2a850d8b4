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
			out->ech = true;
		pos += len;
	}
	return 1;
}

int tls_parse_client_hello(const uint8_t *buf, size_t len, struct tls_hello *out)
{
	static __thread uint8_t hs[TLS_HELLO_MAX + 4];
	size_t hs_len = 0, need = 0, pos = 0;

	memset(out, 0, sizeof(*out));
	for (;;) {
		if (pos >= TLS_STREAM_MAX)
			return fail(out, "ClientHello spread over too many records");
		if (len - pos < 5) {
			if (pos == 0 && len > 0 && (buf[0] & 0x80))
				return fail(out, "SSLv2-style hello");
			if (pos == 0 && len > 0 && buf[0] != 22)
				return fail(out, "not a TLS handshake record");
			return 0;
		}
		const uint8_t *r = buf + pos;
		if (pos == 0 && (r[0] & 0x80))
			return fail(out, "SSLv2-style hello");
		if (r[0] != 22)
			return fail(out, pos ? "other record inside the ClientHello"
					     : "not a TLS handshake record");
		if (r[1] != 3)
			return fail(out, "bad record version");
		if (pos == 0)
			out->record_version = rd16(r + 1);
		size_t rlen = rd16(r + 3);
		if (rlen == 0)
			return fail(out, "empty handshake record");
		if (rlen > TLS_RECORD_MAX)
			return fail(out, "record too long");
		size_t avail = len - pos - 5;
		if (avail > rlen)
			avail = rlen;
		size_t room = sizeof(hs) - hs_len;
		size_t take = avail < room ? avail : room;
		memcpy(hs + hs_len, r + 5, take);
		hs_len += take;
		if (need == 0 && hs_len >= 4) {
			if (hs[0] != 1)
				return fail(out, "first handshake message is not a ClientHello");
			need = 4 + ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]);
			if (need > sizeof(hs))
				return fail(out, "ClientHello too large");
		}
		out->n_records++;
		if (need && hs_len >= need) {
			out->stream_len = pos + 5 + rlen;
			return parse_hello(hs + 4, need - 4, out);
		}
		if (avail < rlen)
			return 0;
		pos += 5 + rlen;
	}
}
