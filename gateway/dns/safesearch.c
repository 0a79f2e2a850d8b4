/* Safe search: which names belong to which search engine, and the enforced names. */
#include "safesearch.h"

#include <stdbool.h>
#include <string.h>

static bool eq(const char *a, size_t alen, const char *b)
{
	return alen == strlen(b) && memcmp(a, b, alen) == 0;
}

static bool all_alpha(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return n > 0;
}

/* The suffix after "google.": com, a country code (de, cn), or com.XX / co.XX. */
static bool google_suffix(const char *s, size_t n)
{
	if (eq(s, n, "com"))
		return true;
	if (n == 2 && all_alpha(s, 2))
		return true;
	if (n == 6 && (memcmp(s, "com.", 4) == 0) && all_alpha(s + 4, 2))
		return true;
	if (n == 5 && (memcmp(s, "co.", 3) == 0) && all_alpha(s + 3, 2))
		return true;
	return false;
}

enum safesearch_engine safesearch_engine(const char *host, size_t len)
{
	static const char *youtube[] = {
		"www.youtube.com", "m.youtube.com", "youtubei.googleapis.com",
		"youtube.googleapis.com", "www.youtube-nocookie.com",
	};
	for (size_t i = 0; i < sizeof youtube / sizeof youtube[0]; i++)
		if (eq(host, len, youtube[i]))
			return SAFESEARCH_YOUTUBE;
	if (eq(host, len, "bing.com") || eq(host, len, "www.bing.com"))
		return SAFESEARCH_BING;
	if (eq(host, len, "duckduckgo.com") || eq(host, len, "www.duckduckgo.com") ||
	    eq(host, len, "start.duckduckgo.com"))
		return SAFESEARCH_DUCKDUCKGO;
	const char *h = host;
	size_t n = len;
	if (n > 4 && memcmp(h, "www.", 4) == 0)
		h += 4, n -= 4;
	if (n > 7 && memcmp(h, "google.", 7) == 0 && google_suffix(h + 7, n - 7))
		return SAFESEARCH_GOOGLE;
	return SAFESEARCH_NONE;
}

const char *safesearch_target(const struct cfg_group *g, const char *host, size_t len)
{
	if (!g)
		return NULL;
	switch (safesearch_engine(host, len)) {
	case SAFESEARCH_GOOGLE:
		return g->safesearch_google != SAFESEARCH_OFF ? "forcesafesearch.google.com" : NULL;
	case SAFESEARCH_BING:
		return g->safesearch_bing != SAFESEARCH_OFF ? "strict.bing.com" : NULL;
	case SAFESEARCH_YOUTUBE:
		if (g->safesearch_youtube == SAFESEARCH_STRICT)
			return "restrict.youtube.com";
		return g->safesearch_youtube == SAFESEARCH_MODERATE ? "restrictmoderate.youtube.com"
								    : NULL;
	case SAFESEARCH_DUCKDUCKGO:
		return g->safesearch_duckduckgo != SAFESEARCH_OFF ? "safe.duckduckgo.com" : NULL;
	case SAFESEARCH_NONE:
		break;
	}
	return NULL;
}
