/* review_form: the block page's review form, parsed as hostile input. */
#include "review_form.h"

#include <stdbool.h>
#include <string.h>

enum { F_REASON, F_TEACHER, F_URL, F_BLOCK, F_TOKEN, F_N };

static const struct {
	const char *key;
	size_t off, max;
} fields[F_N] = {
	[F_REASON] = { "reason", offsetof(struct review_form, reason), REVIEW_REASON_MAX },
	[F_TEACHER] = { "teacher", offsetof(struct review_form, teacher), REVIEW_TEACHER_MAX },
	[F_URL] = { "url", offsetof(struct review_form, url), REVIEW_URL_MAX },
	[F_BLOCK] = { "block", offsetof(struct review_form, block_id), REVIEW_BLOCK_ID_MAX },
	[F_TOKEN] = { "token", offsetof(struct review_form, token), REVIEW_TOKEN_MAX },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s (n bytes, '+' is a space) into out (max bytes and a NUL). Returns
 * the decoded length, or -1 with *why. */
static long decode(const char *s, size_t n, char *out, size_t max, const char **why)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
				*why = "bad percent escape";
				return -1;
			}
			c = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (o >= max) {
			*why = "field too long";
			return -1;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return (long)o;
}

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) with no C0
 * or C1 control character and no DEL. 0 or -1 with *why. */
static int text_ok(const unsigned char *s, size_t n, const char **why)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], need, cp;
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				goto control;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			goto bad;
		if (n - i <= need)
			goto bad;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		if (cp >= 0x80 && cp <= 0x9f)
			goto control;
		i += need + 1;
	}
	return 0;
bad:
	*why = "not UTF-8";
	return -1;
control:
	*why = "control character";
	return -1;
}

static bool all_of(const char *s, const char *set_desc)
{
	for (; *s; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (set_desc[0] == 't')
			ok = ok || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
		if (!ok)
			return false;
	}
	return true;
}

/* Trim spaces at both ends of s in place. */
static void trim(char *s)
{
	size_t n = strlen(s), a = 0;
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[a] == ' ')
		a++;
	memmove(s, s + a, n - a + 1);
}

/* One "key=value" pair of n bytes into f. */
static int pair(const char *p, size_t n, struct review_form *f, bool seen[F_N], const char **why)
{
	const char *eq = memchr(p, '=', n);
	if (n == 0) {
		*why = "empty field";
		return -1;
	}
	if (!eq) {
		*why = "field without '='";
		return -1;
	}
	size_t kl = (size_t)(eq - p), k;
	for (k = 0; k < F_N; k++)
		if (strlen(fields[k].key) == kl && memcmp(fields[k].key, p, kl) == 0)
			break;
	if (k == F_N) {
		*why = "unknown field";
		return -1;
	}
	if (seen[k]) {
		*why = "field given twice";
		return -1;
	}
	seen[k] = true;
	char *out = (char *)f + fields[k].off;
	long dl = decode(eq + 1, n - kl - 1, out, fields[k].max, why);
	if (dl < 0 || text_ok((const unsigned char *)out, (size_t)dl, why) < 0)
		return -1;
	return 0;
}

int review_form_parse(const char *buf, size_t len, struct review_form *f, const char **why)
{
	bool seen[F_N] = { false };
	memset(f, 0, sizeof(*f));
	if (len > REVIEW_FORM_MAX) {
		*why = "form too large";
		return -1;
	}
	if (len == 0) {
		*why = "empty form";
		return -1;
	}
	for (size_t start = 0; start <= len;) {
		const char *amp = memchr(buf + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - buf) : len;
		if (pair(buf + start, end - start, f, seen, why) < 0)
			return -1;
		start = end + 1;
	}
	trim(f->reason);
	trim(f->teacher);
	if (!f->reason[0]) {
		*why = "reason missing";
		return -1;
	}
	if (!f->token[0] || !all_of(f->token, "token")) {
		*why = f->token[0] ? "bad token" : "token missing";
		return -1;
	}
	if (!all_of(f->block_id, "id")) {
		*why = "bad block id";
		return -1;
	}
	if (f->url[0] && f->url[0] != '/') {
		*why = "url is not a path";
		return -1;
	}
	return 0;
}
