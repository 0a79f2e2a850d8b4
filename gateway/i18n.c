/* i18n: choose zh-CN or English from the environment or an Accept-Language header. */
#include "i18n.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
