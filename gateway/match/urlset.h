/* Host -> path-prefix rules ("example.com/casino/"), read-only once built. */
#ifndef CG_URLSET_H
#define CG_URLSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct urlset_builder;
struct urlset;

struct url_match {
	const char *host;   /* the rule's host (points into the set) */
	size_t host_len;
	const char *path;   /* the rule's path prefix (points into the set) */
	size_t path_len;
	unsigned category;
	uint16_t file_id;
	uint32_t line;
};

struct urlset_builder *urlset_builder_new(void);
/* Add a rule: a normalised host and a path prefix starting with '/'. The rule matches
 * the host and names below it, when the request path starts with the prefix. 0 or -1. */
int urlset_add(struct urlset_builder *b, const char *host, size_t host_len,
	       const char *path, size_t path_len, unsigned category, uint16_t file_id,
	       uint32_t line);
struct urlset *urlset_build(struct urlset_builder *b);
void urlset_builder_free(struct urlset_builder *b);

/* The most specific rule (longest host, then longest path prefix) matching host+path
 * whose category is in mask. true and *m, or false. */
bool urlset_lookup(const struct urlset *s, const char *host, size_t host_len,
		   const char *path, size_t path_len, uint32_t mask, struct url_match *m);

size_t urlset_count(const struct urlset *s);
size_t urlset_bytes(const struct urlset *s);
void urlset_free(struct urlset *s);

#endif
