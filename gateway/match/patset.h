/* A set of PCRE2 patterns, each compiled on its own with JIT, behind a literal
 * prefilter so that only candidate patterns run (DESIGN.md: no giant alternation). */
#ifndef CG_PATSET_H
#define CG_PATSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct patset_builder;
struct patset;

struct pat_match {
	const char *pattern; /* as written (points into the set) */
	size_t pattern_len;
	unsigned category;
	uint16_t file_id;
	uint32_t line;
	bool limit;          /* the pattern hit a PCRE2 limit (match, depth, heap, JIT
				stack) on this subject: whether it matches is unknown */
};

struct patset_builder *patset_builder_new(void);
/* Compile one pattern (UTF-8, caseless). On a compile error returns -1 and writes
 * "offset N: message" into err. */
int patset_add(struct patset_builder *b, const char *pattern, size_t len,
	       unsigned category, uint16_t file_id, uint32_t line, char *err, size_t errlen);
struct patset *patset_build(struct patset_builder *b);
void patset_builder_free(struct patset_builder *b);

/* The first pattern (in the order added) matching subject whose category is in mask.
 * Thread-safe: match data is per thread. true and *m, or false. When no pattern matches
 * but one (the first such) hit a PCRE2 limit, that one is reported with m->limit set, so
 * that a caller who blocks on a match fails closed; a caller who allows on a match must
 * not take such a report as one. Every limit report is counted (patset_limit_count). */
bool patset_match(const struct patset *s, const char *subject, size_t len, uint32_t mask,
		  struct pat_match *m);

/* The backtracking steps one pattern may take on one subject in sets built from b
 * (PCRE2's match limit; 0 keeps the default, PATSET_MATCH_LIMIT). */
#define PATSET_MATCH_LIMIT 1000000
void patset_set_match_limit(struct patset_builder *b, uint32_t limit);

/* Limit reports since the process started (all sets, all threads). */
unsigned long patset_limit_count(void);

size_t patset_count(const struct patset *s);
size_t patset_always_run(const struct patset *s); /* patterns with no usable literal */
size_t patset_bytes(const struct patset *s);
void patset_free(struct patset *s);

#endif
