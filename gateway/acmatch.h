/* An Aho-Corasick automaton over byte strings (the literal prefilter of patset.c):
 * a dense transition table over the byte classes that occur in the strings. */
#ifndef CG_ACMATCH_H
#define CG_ACMATCH_H

#include <stddef.h>
#include <stdint.h>

struct acmatch_builder;
struct acmatch;

/* Called for every (string, id) found in the text; the same id may come more than once. */
typedef void (*acmatch_hit_fn)(void *arg, uint32_t id);

struct acmatch_builder *acmatch_builder_new(void);
/* Add a string (matched ASCII-caseless: give it in lowercase) with the id to report. */
void acmatch_add(struct acmatch_builder *b, const unsigned char *s, size_t len, uint32_t id);
/* Build the automaton; the builder is consumed. NULL when no string was added. */
struct acmatch *acmatch_build(struct acmatch_builder *b);
void acmatch_builder_free(struct acmatch_builder *b);

/* Scan text once, calling hit for every string that occurs in it (ASCII case folded). */
void acmatch_scan(const struct acmatch *ac, const unsigned char *text, size_t len,
		  acmatch_hit_fn hit, void *arg);

size_t acmatch_states(const struct acmatch *ac);
size_t acmatch_bytes(const struct acmatch *ac);
void acmatch_free(struct acmatch *ac);

#endif
