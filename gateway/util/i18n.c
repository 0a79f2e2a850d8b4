/* i18n: choose zh-CN or English from the environment or an Accept-Language header, and
 * put the parsers' English reasons into zh-CN for the people who read them. */
#include "i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Whether s (n bytes) names the language tag lang ("zh", "en"): the tag itself, or the
 * tag followed by a region, codeset or modifier ("zh-CN", "zh_CN.UTF-8", "en@x"). */
static bool tag_is(const char *s, size_t n, const char *lang)
{
	size_t l = strlen(lang);
	if (n < l || strncasecmp(s, lang, l) != 0)
		return false;
	return n == l || s[l] == '-' || s[l] == '_' || s[l] == '.' || s[l] == '@';
}

enum lang lang_parse(const char *s, enum lang fallback)
{
	if (!s)
		return fallback;
	size_t n = strlen(s);
	if (tag_is(s, n, "zh"))
		return LANG_ZH;
	if (tag_is(s, n, "en"))
		return LANG_EN;
	return fallback;
}

enum lang lang_from_env(void)
{
	static const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return lang_parse(v, LANG_EN);
	}
	return LANG_EN;
}

/* Parse "q=0.8" (already trimmed) into thousandths; -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	if (n < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
		return -1;
	s += 2;
	n -= 2;
	int q = 0;
	if (s[0] == '1') {
		q = 1000;
	} else if (s[0] != '0') {
		return -1;
	}
	if (n == 1)
		return q;
	if (s[1] != '.')
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || i > 4)
			return -1;
		if (q == 1000 && s[i] != '0')
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	return q;
}

enum lang lang_from_accept(const char *h, size_t len)
{
	int best_q = 0;
	enum lang best = LANG_ZH;
	size_t i = 0;
	if (!h)
		return LANG_ZH;
	while (i < len) {
		size_t start = i;
		while (i < len && h[i] != ',')
			i++;
		size_t end = i++;
		/* one entry: tag [; q=x] */
		size_t a = start;
		while (a < end && (h[a] == ' ' || h[a] == '\t'))
			a++;
		size_t t = a;
		while (t < end && h[t] != ';' && h[t] != ' ' && h[t] != '\t')
			t++;
		int q = 1000;
		size_t s = t;
		while (s < end && h[s] != ';')
			s++;
		if (s < end) {
			s++;
			while (s < end && (h[s] == ' ' || h[s] == '\t'))
				s++;
			size_t e = end;
			while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t'))
				e--;
			q = parse_q(h + s, e - s);
			if (q < 0)
				continue;
		}
		enum lang l;
		if (tag_is(h + a, t - a, "zh"))
			l = LANG_ZH;
		else if (tag_is(h + a, t - a, "en"))
			l = LANG_EN;
		else
			continue;
		if (q > best_q) {
			best_q = q;
			best = l;
		}
	}
	return best;
}

/* The catalogue: both texts of every message and reason, and their names. */
static const struct {
	const char *text[LANG_N];
	const char *name;
	bool reason;
} catalogue[MSG_COUNT] = {
#define MSG(id, en, zh) [MSG_##id] = {{en, zh}, "MSG_" #id, false},
#define REASON(id, en, zh) [MSG_##id] = {{en, zh}, "MSG_" #id, true},
#include "messages.def"
#undef MSG
#undef REASON
};

const char *msg(enum lang l, enum msg_id id)
{
	if ((unsigned)id >= MSG_COUNT)
		return "";
	return catalogue[id].text[l == LANG_ZH ? LANG_ZH : LANG_EN];
}

const char *msg_name(enum msg_id id)
{
	return (unsigned)id < MSG_COUNT ? catalogue[id].name : "?";
}

bool msg_is_reason(enum msg_id id)
{
	return (unsigned)id < MSG_COUNT && catalogue[id].reason;
}

const char *lang_tag(enum lang l)
{
	return l == LANG_ZH ? "zh-CN" : "en";
}

int msg_fprintf_(FILE *f, enum lang l, enum msg_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	int n = vfprintf(f, msg(l, id), ap);
	va_end(ap);
	return n;
}

void msg_sbuf_printf_(struct sbuf *b, enum lang l, enum msg_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	char small[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, msg(l, id), ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < sizeof small) {
		sbuf_add(b, small, (size_t)n);
	} else if (n > 0) {
		char *big = xmalloc((size_t)n + 1);
		vsnprintf(big, (size_t)n + 1, msg(l, id), ap);
		sbuf_add(b, big, (size_t)n);
		free(big);
	}
	va_end(ap);
}

int msg_snprintf_(char *buf, size_t n, enum lang l, enum msg_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	int r = vsnprintf(buf, n, msg(l, id), ap);
	va_end(ap);
	return r;
}

void diag_texts_set(struct diag_texts *t, enum lang l, enum msg_id id, ...)
{
	int e = errno; /* the next language's strerror(errno) sees the same errno */
	va_list ap;
	va_start(ap, id);
	int n = vsnprintf(t->text[l], sizeof t->text[l], msg(l, id), ap);
	va_end(ap);
	if (n >= (int)sizeof t->text[l]) {
		/* cut before a whole UTF-8 character, not inside one */
		unsigned char *b = (unsigned char *)t->text[l];
		size_t end = sizeof t->text[l] - 1, at = end - 1;
		while (at > 0 && (b[at] & 0xc0) == 0x80)
			at--;
		size_t len = b[at] >= 0xf0 ? 4 : b[at] >= 0xe0 ? 3 : b[at] >= 0xc0 ? 2 : 1;
		if (at + len > end)
			b[at] = '\0';
	}
	errno = e;
}

void diag_texts_add(struct diag *d, bool warn, const char *file, unsigned line,
		    enum msg_id id, const struct diag_texts *t)
{
	int e = errno;
	diag_add_pair(d, warn, file, line, (int)id, t->text[LANG_EN], t->text[LANG_ZH]);
	errno = e;
}

const char *diag_text(const struct diag *d, size_t i, enum lang l, char *buf, size_t n,
		      int *id)
{
	if (id)
		*id = d->ids ? d->ids[i] : -1;
	if (l == LANG_ZH && d->zh && d->zh[i])
		return d->zh[i];
	return lang_diag(l, d->msgs[i], buf, n);
}

const char *lang_reason(enum lang l, const char *en)
{
	if (l != LANG_ZH || !en)
		return en;
	for (size_t i = 0; i < MSG_COUNT; i++)
		if (catalogue[i].reason && strcmp(en, catalogue[i].text[LANG_EN]) == 0)
			return catalogue[i].text[LANG_ZH];
	return en;
}

/* The reason that s starts with, ending at a word boundary; -1 when none. */
static int reason_at(const char *s)
{
	for (size_t i = 0; i < MSG_COUNT; i++) {
		if (!catalogue[i].reason)
			continue;
		size_t n = strlen(catalogue[i].text[LANG_EN]);
		if (strncmp(s, catalogue[i].text[LANG_EN], n) == 0 &&
		    (s[n] == '\0' || s[n] == ':' || s[n] == ' ' || s[n] == '('))
			return (int)i;
	}
	return -1;
}

const char *lang_diag(enum lang l, const char *msg, char *buf, size_t n)
{
	static const char warn_en[] = "warning: ", warn_zh[] = "警告：";
	if (l != LANG_ZH || n == 0)
		return msg;
	for (const char *p = strstr(msg, ": "); p; p = strstr(p + 1, ": ")) {
		const char *r = p + 2;
		bool warn = strncmp(r, warn_en, sizeof warn_en - 1) == 0;
		if (warn)
			r += sizeof warn_en - 1;
		int i = reason_at(r);
		if (i < 0 && !warn)
			continue;
		/* an unknown reason after the warning mark: the mark alone is translated */
		snprintf(buf, n, "%.*s: %s%s%s", (int)(p - msg), msg, warn ? warn_zh : "",
			 i >= 0 ? catalogue[i].text[LANG_ZH] : "",
			 i >= 0 ? r + strlen(catalogue[i].text[LANG_EN]) : r);
		return buf;
	}
	return msg;
}

void lang_diag_print(enum lang l, const struct diag *d, FILE *f)
{
	char buf[2048];
	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", diag_text(d, i, l, buf, sizeof buf, NULL));
	size_t total = d->errors + d->warnings;
	if (total > d->n)
		msg_fprintf(f, l, MSG_DIAG_MORE, total - d->n);
}
