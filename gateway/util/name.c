/* Host-name normalisation at the edge: an ASCII fast path, libidn2 for Unicode names. */
#include "name.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Longest input we look at: a 253-byte name in UTF-8 may take up to 4 bytes per character
 * before mapping; anything longer cannot normalise to a valid name. */
#define NAME_MAX_INPUT 1024
#define NAME_MAX_LABEL 63

/* Character classes for the ASCII path: 1 = allowed in a label, 2 = upper case. */
static const unsigned char name_class[256] = {
	['-'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2, ['G'] = 2,
	['H'] = 2, ['I'] = 2, ['J'] = 2, ['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2,
	['O'] = 2, ['P'] = 2, ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2, ['U'] = 2,
	['V'] = 2, ['W'] = 2, ['X'] = 2, ['Y'] = 2, ['Z'] = 2,
};

/* Lowercase and check an ASCII name (no trailing dot) into out. Returns the length or -1. */
static int name_ascii(const char *in, size_t len, char *out, const char **why)
{
	size_t label = 0;

	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	if (len > NAME_MAX_LEN) {
		*why = "name longer than 253 bytes";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '.') {
			if (label == 0) {
				*why = "empty label";
				return -1;
			}
			label = 0;
			out[i] = '.';
			continue;
		}
		if (name_class[c] == 0) {
			*why = "bad character in name";
			return -1;
		}
		if (++label > NAME_MAX_LABEL) {
			*why = "label longer than 63 bytes";
			return -1;
		}
		out[i] = (char)(name_class[c] == 2 ? c + ('a' - 'A') : c);
	}
	if (label == 0) {
		*why = "empty label";
		return -1;
	}
	out[len] = '\0';
	return (int)len;
}

/* An IPv6 literal (without brackets) into out, lowercased as written. -1 if not one. */
static int name_ipv6(const char *in, size_t len, char *out, const char **why)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];

	if (len == 0 || len >= sizeof(buf)) {
		*why = "bad IPv6 literal";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		buf[i] = (char)(c >= 'A' && c <= 'F' ? c + ('a' - 'A') : c);
	}
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1) {
		*why = "bad IPv6 literal";
		return -1;
	}
	memcpy(out, buf, len + 1);
	return (int)len;
}

/* Convert a name with non-ASCII bytes through libidn2 (UTS#46, non-transitional first,
 * transitional as the fallback), then check the result like an ASCII name. */
static int name_idn(const char *in, size_t len, char *out, const char **why)
{
	char buf[NAME_MAX_INPUT + 1];
	char *res = NULL;
	int rc;

	memcpy(buf, in, len);
	buf[len] = '\0';
	rc = idn2_to_ascii_8z(buf, &res, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK)
		rc = idn2_to_ascii_8z(buf, &res, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK) {
		*why = "bad international name";
		return -1;
	}
	size_t n = strlen(res);
	/* UTS#46 maps the ideographic full stop to '.', so a trailing one shows up now. */
	if (n > 1 && res[n - 1] == '.')
		n--;
	rc = name_ascii(res, n, out, why);
	idn2_free(res);
	return rc;
}

int name_normalise(const char *in, size_t len, char *out, const char **why)
{
	const char *dummy;
	bool ascii = true, colon = false;

	if (!why)
		why = &dummy;
	if (!in || len == 0) {
		*why = "empty name";
		return -1;
	}
	if (len > NAME_MAX_INPUT) {
		*why = "name longer than 253 bytes";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in name";
			return -1;
		}
		if (c >= 0x80)
			ascii = false;
		else if (c == ':')
			colon = true;
	}
	if (in[0] == '[') {
		if (len < 3 || in[len - 1] != ']') {
			*why = "bad IPv6 literal";
			return -1;
		}
		return name_ipv6(in + 1, len - 2, out, why);
	}
	if (colon)
		return ascii ? name_ipv6(in, len, out, why) : (*why = "bad IPv6 literal", -1);
	if (len > 1 && in[len - 1] == '.')
		len--;
	if (ascii)
		return name_ascii(in, len, out, why);
	return name_idn(in, len, out, why);
}

/* Whether a label starting at p (up to a dot or the end) is an ACE "xn--" label. */
static bool name_has_ace(const char *name)
{
	const char *p = name;

	for (;;) {
		if ((p[0] == 'x' || p[0] == 'X') && (p[1] == 'n' || p[1] == 'N') && p[2] == '-' &&
		    p[3] == '-')
			return true;
		p = strchr(p, '.');
		if (!p)
			return false;
		p++;
	}
}

char *name_to_unicode(const char *name)
{
	char *res = NULL;

	if (!name || !name_has_ace(name))
		return NULL;
	if (idn2_to_unicode_8z8z(name, &res, 0) != IDN2_OK)
		return NULL;
	char *copy = xstrdup(res);
	idn2_free(res);
	return copy;
}

char *name_display(const char *name)
{
	if (!name)
		return NULL;
	char *u = name_to_unicode(name);
	return u ? u : xstrdup(name);
}

int name_is_ip_literal(const char *name)
{
	char buf[INET6_ADDRSTRLEN + 3];
	unsigned char addr[16];
	size_t len;

	if (!name)
		return 0;
	/* Fast answer for the common case (called per decision): most host names have a
	 * letter beyond f, which no IP literal has. */
	for (len = 0; len < sizeof(buf) && name[len]; len++) {
		char c = name[len];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		      c == '.' || c == ':' || c == '[' || c == ']'))
			return 0;
	}
	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len + 1);
	if (inet_pton(AF_INET, buf, addr) == 1)
		return 1;
	if (buf[0] == '[' && len > 2 && buf[len - 1] == ']') {
		buf[len - 1] = '\0';
		return inet_pton(AF_INET6, buf + 1, addr) == 1;
	}
	return inet_pton(AF_INET6, buf, addr) == 1;
}
