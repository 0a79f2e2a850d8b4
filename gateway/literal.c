/* Required literals of a PCRE2 pattern: a conservative walk over the pattern text. */
#include "literal.h"

#include <stdbool.h>
#include <string.h>

/* Where the walk of one branch stands. */
struct lit_walk {
	const unsigned char *p;
	size_t len, i;
	struct literal run;  /* the literal being collected */
	struct literal best; /* the longest finished one */
};

static void lit_commit(struct lit_walk *w)
{
	if (w->run.len > w->best.len)
		w->best = w->run;
	w->run.len = 0;
}

static void lit_append(struct lit_walk *w, const unsigned char *s, size_t n)
{
	if (w->run.len + n > LITERAL_MAX)
		lit_commit(w);
	memcpy(w->run.s + w->run.len, s, n);
	w->run.len = (uint8_t)(w->run.len + n);
}

/* Code points that have no other case under Unicode case folding (CJK and kana, Hangul):
 * caseless matching compares them bytewise, so they may be part of a literal. */
static bool lit_uncased(uint32_t cp)
{
	return (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3) ||
	       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
}

/* Length of the UTF-8 sequence at p[0..n) and its code point; 0 when invalid. */
static size_t lit_utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t k;
	uint32_t c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (k > n)
		return 0;
	for (size_t j = 1; j < k; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[j] & 0x3f);
	}
	*cp = c;
	return k;
}

/* Skip a character class starting at p[i] == '['; returns the index after ']' or 0. */
static size_t lit_skip_class(const unsigned char *p, size_t len, size_t i)
{
	i++;
	if (i < len && p[i] == '^')
		i++;
	if (i < len && p[i] == ']')
		i++;
	while (i < len) {
		if (p[i] == '\\') {
			if (i + 1 < len && p[i + 1] == 'Q')
				return 0;
			i += 2;
		} else if (p[i] == '[' && i + 1 < len &&
			   (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
			unsigned char term = p[i + 1];
			size_t j = i + 2;
			while (j + 1 < len && !(p[j] == term && p[j + 1] == ']'))
				j++;
			if (j + 1 >= len)
				return 0;
			i = j + 2;
		} else if (p[i] == ']') {
			return i + 1;
		} else {
			i++;
		}
	}
	return 0;
}

/* Skip a group starting at p[i] == '('; returns the index after its ')' or 0 when the
 * group holds syntax we do not follow (comments, \Q, extended mode). */
static size_t lit_skip_group(const unsigned char *p, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		unsigned char c = p[i];
		if (c == '\\') {
			if (i + 1 < len && p[i + 1] == 'Q')
				return 0;
			i += 2;
		} else if (c == '[') {
			i = lit_skip_class(p, len, i);
			if (i == 0)
				return 0;
		} else if (c == '(') {
			if (i + 1 < len && p[i + 1] == '?') {
				/* (?#comment) and option settings that turn on extended mode */
				size_t j = i + 2;
				if (j < len && p[j] == '#')
					return 0;
				while (j < len && ((p[j] >= 'a' && p[j] <= 'z') ||
						   (p[j] >= 'A' && p[j] <= 'Z') || p[j] == '-' ||
						   p[j] == '^')) {
					if (p[j] == 'x')
						return 0;
					j++;
				}
			}
			depth++;
			i++;
		} else if (c == ')') {
			i++;
			if (--depth == 0)
				return i;
		} else {
			i++;
		}
	}
	return 0;
}

/* Parse a quantifier at w->i, if any: sets *min (0 or more) and returns true. Returns
 * false without moving when there is none; *bad when it is a '{' we do not understand. */
static bool lit_quantifier(struct lit_walk *w, unsigned long *min, bool *bad)
{
	const unsigned char *p = w->p;
	size_t i = w->i;

	*bad = false;
	if (i >= w->len)
		return false;
	if (p[i] == '*' || p[i] == '?') {
		*min = 0;
		i++;
	} else if (p[i] == '+') {
		*min = 1;
		i++;
	} else if (p[i] == '{') {
		unsigned long n = 0;
		size_t j = i + 1, digits = 0;
		while (j < w->len && p[j] >= '0' && p[j] <= '9' && digits < 6) {
			n = n * 10 + (p[j] - '0');
			j++;
			digits++;
		}
		if (digits == 0) {
			*bad = true;
			return false;
		}
		if (j < w->len && p[j] == ',') {
			j++;
			while (j < w->len && p[j] >= '0' && p[j] <= '9')
				j++;
		}
		if (j >= w->len || p[j] != '}') {
			*bad = true;
			return false;
		}
		*min = n;
		i = j + 1;
	} else {
		return false;
	}
	if (i < w->len && (p[i] == '?' || p[i] == '+'))
		i++;
	w->i = i;
	return true;
}

/*
 * Walk one top-level branch from w->i up to a top-level '|' or the end. An atom that is
 * one literal character joins the current run; anything else (classes, groups, dots,
 * escapes, anchors) ends it; a quantifier with a minimum of 0 drops its atom, one with a
 * minimum of 1 or more keeps it but ends the run. Returns -1 when the branch has syntax
 * this walk does not follow.
 */
static int lit_branch(struct lit_walk *w)
{
	const unsigned char *p = w->p;

	while (w->i < w->len && p[w->i] != '|') {
		unsigned char c = p[w->i], ch[4];
		size_t chn = 0;
		uint32_t cp;

		switch (c) {
		case '\\':
			if (w->i + 1 >= w->len)
				return -1;
			c = p[w->i + 1];
			if (c >= 0x80 || c == 'Q' || c == 'g' || c == 'k')
				return -1;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9')) {
				w->i += 2;
				if ((c == 'x' || c == 'o' || c == 'p' || c == 'P' || c == 'N') &&
				    w->i < w->len && p[w->i] == '{') {
					while (w->i < w->len && p[w->i] != '}')
						w->i++;
					if (w->i >= w->len)
						return -1;
					w->i++;
				} else if (c == 'x') {
					for (int k = 0; k < 2 && w->i < w->len &&
							((p[w->i] >= '0' && p[w->i] <= '9') ||
							 ((p[w->i] | 0x20) >= 'a' && (p[w->i] | 0x20) <= 'f'));
					     k++)
						w->i++;
				} else if (c == 'c') {
					w->i++;
				} else if (c >= '0' && c <= '9') {
					while (w->i < w->len && p[w->i] >= '0' && p[w->i] <= '9')
						w->i++;
				} else if ((c == 'p' || c == 'P') && w->i < w->len) {
					w->i++;
				}
			} else {
				ch[0] = c;
				chn = 1;
				w->i += 2;
			}
			break;
		case '[':
			w->i = lit_skip_class(p, w->len, w->i);
			if (w->i == 0)
				return -1;
			break;
		case '(':
			w->i = lit_skip_group(p, w->len, w->i);
			if (w->i == 0)
				return -1;
			break;
		case ')':
		case '*':
		case '+':
		case '?':
		case '{':
			return -1;
		case '.':
		case '^':
		case '$':
			w->i++;
			break;
		default:
			if (c < 0x80) {
				ch[0] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
				chn = 1;
				w->i++;
				break;
			}
			chn = lit_utf8(p + w->i, w->len - w->i, &cp);
			if (chn == 0)
				return -1;
			memcpy(ch, p + w->i, chn);
			w->i += chn;
			if (!lit_uncased(cp))
				chn = 0;
			break;
		}

		unsigned long min = 1;
		bool bad;
		bool quant = lit_quantifier(w, &min, &bad);
		if (bad)
			return -1;
		if (chn && min > 0)
			lit_append(w, ch, chn);
		if (!chn || quant)
			lit_commit(w);
	}
	lit_commit(w);
	return 0;
}

size_t literal_extract(const char *pattern, size_t len, struct literal_set *out)
{
	struct lit_walk w = { .p = (const unsigned char *)pattern, .len = len };

	out->n = 0;
	if (!pattern || len == 0)
		return 0;
	/* Verbs such as (*ACCEPT) end a match early, before later literals: no literal. */
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '(' && pattern[i + 1] == '*')
			return 0;
	for (;;) {
		w.run.len = 0;
		w.best.len = 0;
		if (lit_branch(&w) < 0 || w.best.len < LITERAL_MIN || out->n == LITERAL_MAX_ALTS)
			goto none;
		size_t k;
		for (k = 0; k < out->n; k++)
			if (out->lit[k].len == w.best.len &&
			    memcmp(out->lit[k].s, w.best.s, w.best.len) == 0)
				break;
		if (k == out->n)
			out->lit[out->n++] = w.best;
		if (w.i >= len)
			return out->n;
		w.i++; /* the '|' */
	}
none:
	out->n = 0;
	return 0;
}
