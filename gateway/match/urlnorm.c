/* URL normalisation for matching: percent-decoding, case, merged slashes, dot segments
 * (RFC 3986 5.2.4) in one pass over the path, then the query decoded. */
#include "urlnorm.h"

#include <stdbool.h>
#include <string.h>

static int urlnorm_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned char urlnorm_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* The byte at in[*i], a %XX escape decoded; *i moves past what was read. */
static unsigned char urlnorm_next(const char *in, size_t len, size_t *i)
{
	unsigned char c = (unsigned char)in[*i];
	if (c == '%' && *i + 2 < len) {
		int hi = urlnorm_hex((unsigned char)in[*i + 1]);
		int lo = urlnorm_hex((unsigned char)in[*i + 2]);
		if (hi >= 0 && lo >= 0) {
			*i += 3;
			return (unsigned char)(hi * 16 + lo);
		}
	}
	(*i)++;
	return c;
}

/* The output of the path pass: out[0..o) is "/" and whole segments each followed by
 * '/', then the segment being read from seg on. */
struct urlnorm_state {
	char *out;
	size_t cap, o, seg;
};

/* The segment out[seg..o) is complete: a "." is dropped, a ".." drops it and the segment
 * before it, an empty one (repeated '/') is dropped, another one is kept followed by '/'
 * unless it ends the path (last). */
static void urlnorm_segment(struct urlnorm_state *st, bool last)
{
	size_t n = st->o - st->seg;
	const char *s = st->out + st->seg;

	if (n == 1 && s[0] == '.') {
		st->o = st->seg;
	} else if (n == 2 && s[0] == '.' && s[1] == '.') {
		st->o = st->seg;
		if (st->o > 1) { /* back over "name/" to the '/' before it */
			st->o--;
			while (st->o > 0 && st->out[st->o - 1] != '/')
				st->o--;
		}
	} else if (n > 0 && !last && st->o < st->cap) {
		st->out[st->o++] = '/';
	}
	st->seg = st->o;
}

size_t urlnorm_path(const char *in, size_t len, char *out, size_t cap)
{
	struct urlnorm_state st = { out, cap, 0, 0 };
	size_t i = 0, end = 0;

	if (cap == 0)
		return 0;
	while (end < len && in[end] != '?' && in[end] != '#')
		end++;
	out[st.o++] = '/';
	st.seg = st.o;
	while (i < end && st.o < cap) {
		unsigned char c = urlnorm_next(in, end, &i);
		if (c == '/' || c == '\\')
			urlnorm_segment(&st, false);
		else
			out[st.o++] = (char)urlnorm_lower(c);
	}
	if (i < end) /* cut at cap */
		return st.o;
	urlnorm_segment(&st, true);
	if (end == len || in[end] == '#' || st.o >= cap)
		return st.o;
	out[st.o++] = '?';
	for (i = end + 1; i < len && in[i] != '#' && st.o < cap;) {
		unsigned char c = in[i] == '+' ? (i++, ' ') : urlnorm_next(in, len, &i);
		out[st.o++] = (char)urlnorm_lower(c);
	}
	return st.o;
}

/* The port after the host, when it is a default one; false for any other. */
static bool urlnorm_default_port(const char *p, size_t n)
{
	return (n == 2 && memcmp(p, "80", 2) == 0) || (n == 3 && memcmp(p, "443", 3) == 0);
}

int urlnorm_host(const char *in, size_t len, char *out, size_t cap, const char **why)
{
	size_t o = 0, i = 0, hend = len;
	const char *colon = NULL;

	if (len > 0 && in[0] == '[') {
		const char *rb = memchr(in, ']', len);
		if (rb && (size_t)(rb - in) + 1 < len && rb[1] == ':')
			colon = rb + 1;
	} else {
		colon = memchr(in, ':', len);
	}
	if (colon) {
		hend = (size_t)(colon - in);
		if (!urlnorm_default_port(colon + 1, len - hend - 1)) {
			*why = "a port other than 80 or 443 in a URL rule";
			return -1;
		}
	}
	while (i < hend) {
		unsigned char c = urlnorm_next(in, hend, &i);
		if (o + 1 >= cap) {
			*why = "name longer than 253 bytes";
			return -1;
		}
		out[o++] = (char)urlnorm_lower(c);
	}
	if (o > 1 && out[o - 1] == '.')
		o--;
	out[o] = '\0';
	return (int)o;
}
