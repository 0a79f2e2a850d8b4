/* bundle: the district's list bundle as one file (docs/district.md). A small
 * length-prefixed text container, written and read here, never by tar:
 *
 *     campusgate-bundle 1\n
 *     file NAME SIZE\n  SIZE bytes  \n      (once per file; the first is "manifest")
 *     end\n
 *
 * NAME is 1-64 bytes of [A-Za-z0-9._-], not starting with '.', so no path and no '..';
 * SIZE decimal without leading zeros. Nothing may follow "end\n". The reader takes
 * (buf, len), bounds every length by what is left, refuses duplicates, and returns the
 * files as pointers into buf. */
#ifndef CG_BUNDLE_H
#define CG_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define BUNDLE_MAX_FILES 64
#define BUNDLE_NAME_MAX 64
#define BUNDLE_MAX_BYTES (128u << 20) /* a whole bundle (also the download limit) */
#define BUNDLE_MANIFEST "manifest"

struct bundle_file {
	char name[BUNDLE_NAME_MAX + 1];
	const char *data; /* into the parsed buffer */
	size_t len;
};

struct bundle {
	struct bundle_file files[BUNDLE_MAX_FILES];
	size_t n;
};

/* 0, or -1 with *why (static text). */
int bundle_parse(const char *buf, size_t len, struct bundle *out, const char **why);

/* The file of that name, or NULL. */
const struct bundle_file *bundle_find(const struct bundle *b, const char *name);

/* Whether name may be a file's name in a bundle. */
bool bundle_name_ok(const char *name, size_t len);

/* Writing: begin, then the manifest and each file (names checked by the caller), end. */
void bundle_write_begin(struct sbuf *out);
void bundle_write_file(struct sbuf *out, const char *name, const void *data, size_t len);
void bundle_write_end(struct sbuf *out);

#endif
