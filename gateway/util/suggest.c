/* suggest: the closest known word to a mistyped one (optimal string alignment distance). */
#include "suggest.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define SUGGEST_MAX_LEN 64

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Edits from a to b: insert, delete, replace, and the swap of two neighbours. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

static size_t allowed(size_t len)
{
	return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	size_t lw = word ? strlen(word) : 0;
	if (lw == 0 || lw > SUGGEST_MAX_LEN)
		return NULL;
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = SIZE_MAX, nprefixed = 0;
	bool tie = false;
	for (size_t i = 0; i < n; i++) {
		size_t lc = cands[i] ? strlen(cands[i]) : 0;
		if (lc == 0 || lc > SUGGEST_MAX_LEN)
			continue;
		if (lc > lw && strncasecmp(cands[i], word, lw) == 0) {
			prefixed = cands[i];
			nprefixed++;
		}
		size_t d = distance(word, lw, cands[i], lc);
		if (d < best_d) {
			best = cands[i];
			best_d = d;
			tie = false;
		} else if (d == best_d && strcasecmp(best, cands[i]) != 0) {
			tie = true;
		}
	}
	if (best && best_d > 0 && best_d <= allowed(lw) && !tie)
		return best;
	if (nprefixed == 1 && lw >= 3)   /* "porn" for "pornography" */
		return prefixed;
	return NULL;
}
