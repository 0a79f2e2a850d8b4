/* The subjects a request is matched on: host copy, normalised path, host+path, and
 * the Unicode form of an IDN host decoded into a fixed buffer. */
#include "policy_subject.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "urlnorm.h"

#include "util.h"

/* A buffer for host + path and the directory form: inline, or on the heap. */
static char *subject_buffer(struct policy_subject *s, size_t host_len, size_t path_len,
			    size_t *cap)
{
	size_t need = host_len + 2 * (path_len + 2);

	if (need <= sizeof(s->inline_buf)) {
		*cap = sizeof(s->inline_buf);
		return s->inline_buf;
	}
	s->heap = malloc(need);
	*cap = s->heap ? need : sizeof(s->inline_buf);
	return s->heap ? s->heap : s->inline_buf;
}

void policy_subject_init(struct policy_subject *s, const struct request *req)
{
	size_t n = req->host && req->host_len <= NAME_MAX_LEN ? req->host_len : 0;

	if (n > 0)
		memcpy(s->host, req->host, n);
	s->host[n] = '\0';
	s->host_len = n;
	s->ip = n > 0 && name_is_ip_literal(s->host);
	s->url = s->inline_buf;
	s->url_len = 0;
	s->path = s->dir = NULL;
	s->path_len = s->dir_len = 0;
	s->heap = NULL;
	if (req->path && req->path_len > 0 && n > 0) {
		size_t plen = req->path_len < POLICY_SUBJECT_MAX_PATH ? req->path_len
								     : POLICY_SUBJECT_MAX_PATH;
		size_t cap;
		s->url = subject_buffer(s, n, plen, &cap);
		/* the normalised path is at most plen + 1 bytes: half the rest holds it */
		size_t half = (cap - n) / 2;
		memcpy(s->url, s->host, n);
		s->path_len = urlnorm_path(req->path, plen, s->url + n, half);
		s->path = s->url + n;
		s->url_len = n + s->path_len;
		const char *q = memchr(s->path, '?', s->path_len);
		size_t dlen = q ? (size_t)(q - s->path) : s->path_len;
		if (dlen > 0 && s->path[dlen - 1] != '/' && dlen + 1 <= cap - n - half) {
			char *d = s->url + n + half;
			memcpy(d, s->path, dlen);
			d[dlen] = '/';
			s->dir = d;
			s->dir_len = dlen + 1;
		}
	}
	s->unicode_len = -2;
}

void policy_subject_done(struct policy_subject *s)
{
	free(s->heap);
	s->heap = NULL;
	s->url = s->inline_buf;
}

/* --- punycode (RFC 3492) ----------------------------------------------------------- */

enum { PUNY_BASE = 36, PUNY_TMIN = 1, PUNY_TMAX = 26, PUNY_SKEW = 38, PUNY_DAMP = 700 };

static uint32_t subject_puny_adapt(uint32_t delta, uint32_t points, bool first)
{
	uint32_t k = 0;

	delta = first ? delta / PUNY_DAMP : delta / 2;
	delta += delta / points;
	while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2) {
		delta /= PUNY_BASE - PUNY_TMIN;
		k += PUNY_BASE;
	}
	return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

static size_t subject_utf8(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Decode one punycode label body (after "xn--") of len bytes as UTF-8 into out (room
 * for 4 * 63 bytes). Returns the length or -1. */
static int subject_puny_label(const char *in, size_t len, char *out)
{
	uint32_t cp[63], n = 128, i = 0, bias = 72;
	size_t ncp = 0, b = 0, pos, o = 0;

	for (size_t j = 0; j < len; j++)
		if (in[j] == '-')
			b = j;
	if (len > 63)
		return -1;
	for (size_t j = 0; j < b; j++)
		cp[ncp++] = (unsigned char)in[j];
	for (pos = b > 0 ? b + 1 : 0; pos < len;) {
		uint32_t oldi = i, w = 1;
		for (uint32_t k = PUNY_BASE;; k += PUNY_BASE) {
			if (pos >= len)
				return -1;
			unsigned char c = (unsigned char)in[pos++];
			uint32_t digit = c >= '0' && c <= '9' ? (uint32_t)(c - '0') + 26
				       : c >= 'a' && c <= 'z' ? (uint32_t)(c - 'a')
				       : c >= 'A' && c <= 'Z' ? (uint32_t)(c - 'A') : PUNY_BASE;
			if (digit >= PUNY_BASE || digit > (UINT32_MAX - i) / w)
				return -1;
			i += digit * w;
			uint32_t t = k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX
										: k - bias;
			if (digit < t)
				break;
			if (w > UINT32_MAX / (PUNY_BASE - t))
				return -1;
			w *= PUNY_BASE - t;
		}
		bias = subject_puny_adapt(i - oldi, (uint32_t)ncp + 1, oldi == 0);
		if (i / (ncp + 1) > 0x10ffff - n || ncp >= CG_ARRAY_LEN(cp))
			return -1;
		n += i / (uint32_t)(ncp + 1);
		i %= (uint32_t)(ncp + 1);
		if (n >= 0xd800 && n <= 0xdfff)
			return -1;
		memmove(&cp[i + 1], &cp[i], (ncp - i) * sizeof(cp[0]));
		cp[i++] = n;
		ncp++;
	}
	for (size_t j = 0; j < ncp; j++)
		o += subject_utf8(cp[j], out + o);
	return (int)o;
}

/* The host with its xn-- labels decoded, into s->unicode; -1 when it has none or one
 * does not decode. */
static int subject_decode(struct policy_subject *s)
{
	const char *p = s->host, *end = s->host + s->host_len;
	size_t o = 0;
	bool any = false;

	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t l = dot ? (size_t)(dot - p) : (size_t)(end - p);
		if (o + 4 * l + 1 > sizeof(s->unicode))
			return -1;
		if (l > 4 && memcmp(p, "xn--", 4) == 0) {
			int n = subject_puny_label(p + 4, l - 4, s->unicode + o);
			if (n < 0)
				return -1;
			o += (size_t)n;
			any = true;
		} else {
			memcpy(s->unicode + o, p, l);
			o += l;
		}
		if (dot)
			s->unicode[o++] = '.';
		p += l + (dot ? 1 : 0);
	}
	return any ? (int)o : -1;
}

int policy_subject_unicode(struct policy_subject *s)
{
	if (s->unicode_len == -2)
		s->unicode_len = subject_decode(s);
	return s->unicode_len;
}
