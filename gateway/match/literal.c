/* Required literals of a PCRE2 pattern: a conservative walk over the pattern text. */
#include "literal.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define LIT_MAX_DEPTH 4 /* groups inside groups followed for literals */

/* Where the walk of one branch stands. */
struct lit_walk {
	const unsigned char *p;
	size_t len, i;             /* len: the end of the region walked */
	int depth;
	struct literal run;        /* the literal being collected */
	struct literal best;       /* the longest finished one */
	struct literal_set gbest;  /* the best any-of set of a required group, or n = 0 */
};

static size_t lit_alts(const unsigned char *p, size_t start, size_t end, int depth,
		       struct literal_set *out);

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
			/* Only a plain [:name:] (or [:^name:]) is followed; PCRE2 reads other
			 * shapes in ways this walk does not copy, so give up on them. */
			unsigned char term = p[i + 1];
			size_t j = i + 2;
			if (j < len && p[j] == '^')
				j++;
			while (j < len && ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z')))
				j++;
			if (j + 1 >= len || p[j] != term || p[j + 1] != ']')
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

/* Where the alternatives of the group at p[g] == '(' start: after "(", "(?:" or a
 * name; 0 for groups whose text is not simply required (lookaround, conditions, calls,
 * option settings, atomic and branch-reset groups). */
static size_t lit_group_body(const unsigned char *p, size_t end, size_t g)
{
	size_t i = g + 1;

	if (i >= end || p[i] != '?')
		return i;
	i++;
	if (i < end && p[i] == ':')
		return i + 1;
	if (i < end && p[i] == 'P')
		i++;
	if (i + 1 < end && (p[i] == '<' || p[i] == '\'')) {
		unsigned char close = p[i] == '<' ? '>' : '\'';
		unsigned char c = p[i + 1];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
			return 0;
		for (i += 2; i < end && p[i] != close; i++)
			;
		return i < end ? i + 1 : 0;
	}
	return 0;
}

/* Score of an any-of set: its shortest literal (longer ones pass fewer subjects). */
static size_t lit_score(const struct literal_set *ls)
{
	size_t m = LITERAL_MAX + 1;

	for (size_t k = 0; k < ls->n; k++)
		if (ls->lit[k].len < m)
			m = ls->lit[k].len;
	return ls->n ? m : 0;
}

/* A group that must match (no quantifier with a minimum of 0) whose every alternative
 * has a literal gives an any-of set: keep the best one seen in this branch. */
static void lit_group(struct lit_walk *w, size_t g)
{
	struct literal_set gs;
	size_t body = lit_group_body(w->p, w->i, g);

	if (body == 0 || w->depth >= LIT_MAX_DEPTH)
		return;
	/* w->i is past the quantifier; the group's ')' is the last one before it. */
	size_t close = w->i;
	while (close > body && w->p[close - 1] != ')')
		close--;
	if (close <= body || lit_alts(w->p, body, close - 1, w->depth + 1, &gs) == 0)
		return;
	size_t a = lit_score(&gs), b = lit_score(&w->gbest);
	if (a > b || (a == b && gs.n < w->gbest.n))
		w->gbest = gs;
}

/* A backslash escape at w->i. An escaped punctuation character is that character (into
 * ch, *chn = 1); an escape that stands for a class, a code point or a back reference
 * (\d, \x41, \x{41}, \p{L}, \cA, \1) is skipped and gives no character (*chn stays 0).
 * -1 for what is not followed: \Q, \g, \k, a non-ASCII escape, a trailing backslash. */
static int lit_escape(struct lit_walk *w, unsigned char ch[4], size_t *chn)
{
	const unsigned char *p = w->p;
	if (w->i + 1 >= w->len)
		return -1;
	unsigned char c = p[w->i + 1];
	if (c >= 0x80 || c == 'Q' || c == 'g' || c == 'k')
		return -1;
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
		ch[0] = c;
		*chn = 1;
		w->i += 2;
		return 0;
	}
	w->i += 2;
	if ((c == 'x' || c == 'o' || c == 'p' || c == 'P' || c == 'N') && w->i < w->len &&
	    p[w->i] == '{') {
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
	return 0;
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
		size_t chn = 0, group = SIZE_MAX;
		uint32_t cp;

		switch (c) {
		case '\\':
			if (lit_escape(w, ch, &chn) < 0)
				return -1;
			break;
		case '[':
			w->i = lit_skip_class(p, w->len, w->i);
			if (w->i == 0)
				return -1;
			break;
		case '(':
			group = w->i;
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
		if (group != SIZE_MAX && min > 0)
			lit_group(w, group);
	}
	lit_commit(w);
	return 0;
}

/* Add one literal to an any-of set unless it is there; false when the set is full. */
static bool lit_set_add(struct literal_set *out, const struct literal *l)
{
	for (size_t k = 0; k < out->n; k++)
		if (out->lit[k].len == l->len && memcmp(out->lit[k].s, l->s, l->len) == 0)
			return true;
	if (out->n == LITERAL_MAX_ALTS)
		return false;
	out->lit[out->n++] = *l;
	return true;
}

/* The any-of literals of the alternatives in p[start..end): for each alternative the
 * better of its longest literal run and its best required group. 0 when some
 * alternative has none (or there are too many). */
static size_t lit_alts(const unsigned char *p, size_t start, size_t end, int depth,
		       struct literal_set *out)
{
	struct lit_walk w = { .p = p, .len = end, .i = start, .depth = depth };

	out->n = 0;
	for (;;) {
		w.run.len = 0;
		w.best.len = 0;
		w.gbest.n = 0;
		if (lit_branch(&w) < 0)
			goto none;
		bool single = w.best.len >= LITERAL_MIN &&
			      (size_t)w.best.len >= lit_score(&w.gbest);
		if (single) {
			if (!lit_set_add(out, &w.best))
				goto none;
		} else if (w.gbest.n) {
			for (size_t k = 0; k < w.gbest.n; k++)
				if (!lit_set_add(out, &w.gbest.lit[k]))
					goto none;
		} else {
			goto none;
		}
		if (w.i >= end)
			return out->n;
		w.i++; /* the '|' */
	}
none:
	out->n = 0;
	return 0;
}

size_t literal_extract(const char *pattern, size_t len, struct literal_set *out)
{
	out->n = 0;
	if (!pattern || len == 0)
		return 0;
	/* Verbs such as (*ACCEPT) end a match early, before later literals: no literal. */
	for (size_t i = 0; i + 1 < len; i++)
		if (pattern[i] == '(' && pattern[i + 1] == '*')
			return 0;
	return lit_alts((const unsigned char *)pattern, 0, len, 0, out);
}
