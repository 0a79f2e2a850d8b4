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
};

struct patset_builder *patset_builder_new(void);
/* Compile one pattern (UTF-8, caseless). On a compile error returns -1 and writes
 * "offset N: message" into err. */
int patset_add(struct patset_builder *b, const char *pattern, size_t len,
	       unsigned category, uint16_t file_id, uint32_t line, char *err, size_t errlen);
struct patset *patset_build(struct patset_builder *b);
void patset_builder_free(struct patset_builder *b);

/* The first pattern (in the order added) matching subject whose category is in mask.
 * Thread-safe: match data is per thread. true and *m, or false. */
bool patset_match(const struct patset *s, const char *subject, size_t len, uint32_t mask,
		  struct pat_match *m);

size_t patset_count(const struct patset *s);
size_t patset_always_run(const struct patset *s); /* patterns with no usable literal */
size_t patset_bytes(const struct patset *s);
void patset_free(struct patset *s);

#endif
