/* Finds which of many literal strings (3 bytes or more) occur in a text: a bitmap of
 * their first three bytes says at which positions to look, a hash of those trigrams
 * says which literals to compare there (the literal prefilter of patset.c). */
#ifndef CG_LITSCAN_H
#define CG_LITSCAN_H

#include <stddef.h>
#include <stdint.h>

#define LITSCAN_MIN 3

struct litscan_builder;
struct litscan;

/* Called for every (literal, id) found in the text; the same id may come more than once. */
typedef void (*litscan_hit_fn)(void *arg, uint32_t id);

struct litscan_builder *litscan_builder_new(void);
/* Add a literal (matched ASCII-caseless: give it in lowercase) with the id to report.
 * 0, or -1 when it is shorter than LITSCAN_MIN bytes. */
int litscan_add(struct litscan_builder *b, const unsigned char *s, size_t len, uint32_t id);
/* Build the scanner; the builder is consumed. NULL when no literal was added. */
struct litscan *litscan_build(struct litscan_builder *b);
void litscan_builder_free(struct litscan_builder *b);

/* Scan text once, calling hit for every literal that occurs in it (ASCII case folded).
 * Thread-safe: the scanner is read-only. */
void litscan_scan(const struct litscan *ls, const unsigned char *text, size_t len,
		  litscan_hit_fn hit, void *arg);

size_t litscan_count(const struct litscan *ls);
size_t litscan_bytes(const struct litscan *ls);
void litscan_free(struct litscan *ls);

#endif
