/* The literal text a PCRE2 pattern requires, for the pattern set's prefilter: read the
 * pattern conservatively; when in doubt there is no literal and the pattern always runs. */
#ifndef CG_LITERAL_H
#define CG_LITERAL_H

#include <stddef.h>
#include <stdint.h>

#define LITERAL_MIN 3        /* shorter literals are not worth indexing */
#define LITERAL_MAX 32       /* longer ones are cut (a piece of a required literal is required) */
#define LITERAL_MAX_ALTS 64  /* alternatives with one literal each */

struct literal {
	unsigned char s[LITERAL_MAX]; /* lowercase ASCII; non-ASCII only for uncased scripts */
	uint8_t len;
};

/* Any-of literals: every subject the pattern (compiled caseless, UTF) matches contains,
 * after ASCII lowercasing, at least one of them. */
struct literal_set {
	struct literal lit[LITERAL_MAX_ALTS];
	size_t n;
};

/* Extract the literals of pattern[0..len). Returns the number found (0 when the pattern
 * has no usable literal in some top-level branch, and must always run). */
size_t literal_extract(const char *pattern, size_t len, struct literal_set *out);

#endif
