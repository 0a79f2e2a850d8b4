/* A compact set of domain names for suffix lookup on label boundaries: built once,
 * then read-only and shared by all threads. Packed storage, no malloc per name. */
#ifndef CG_DOMAINSET_H
#define CG_DOMAINSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domainset_builder;
struct domainset;

/* Provenance of one entry: which list file (an index the caller keeps) and line. */
struct domain_match {
	const char *name;     /* the listed name as stored (points into the set) */
	size_t name_len;
	bool exact;           /* an exact-only entry */
	uint32_t categories;  /* every category the name is listed in */
	unsigned category;    /* the category reported (lowest bit of categories & mask) */
	uint16_t file_id;     /* provenance of that category's entry */
	uint32_t line;
};

struct domainset_builder *domainset_builder_new(void);
/* Add a normalised name (lowercase, punycode, no trailing dot). exact: only the name
 * itself matches, not names below it. The same name may be added again with another
 * category; a repeat in the same category keeps the first provenance. 0 or -1 (name
 * empty or longer than 253 bytes). */
int domainset_add(struct domainset_builder *b, const char *name, size_t len, bool exact,
		  unsigned category, uint16_t file_id, uint32_t line);
/* Turn the builder into a read-only set; the builder is consumed. */
struct domainset *domainset_build(struct domainset_builder *b);
void domainset_builder_free(struct domainset_builder *b);

/* The most specific entry matching name (the name itself, then each parent on a label
 * boundary; exact entries only for the name itself) whose categories intersect mask.
 * name must be normalised. Returns true and fills *m, or false. */
bool domainset_lookup(const struct domainset *s, const char *name, size_t len,
		      uint32_t mask, struct domain_match *m);

size_t domainset_count(const struct domainset *s);
size_t domainset_bytes(const struct domainset *s);
void domainset_free(struct domainset *s);

#endif
