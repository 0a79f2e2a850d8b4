/* manifest: what a district bundle says of itself (docs/district.md), a text file:
 *
 *     campusgate-manifest 1
 *     serial 42                          1 .. 2^63-1, must grow with every bundle
 *     expires 2027-01-31T00:00:00Z       UTC
 *     scope all                          or: scope SCHOOL-ID ... (repeatable)
 *     list pornography.list SHA256-HEX   one per list file of the bundle
 *
 * Lines of at most MANIFEST_MAX_LINE bytes, '#' comments and blank lines allowed; every
 * key but scope and list once. The parser takes (buf, len), bounded, and says which
 * line was wrong. The decisions of `campusgate update` (rollback, expiry, scope) and the
 * check of the bundle's files against the manifest are here too, so they are tested
 * without a network. */
#ifndef CG_MANIFEST_H
#define CG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "util.h"

#define MANIFEST_MAX_BYTES 65536
#define MANIFEST_MAX_LINE 4096
#define MANIFEST_MAX_LISTS (BUNDLE_MAX_FILES - 1)
#define MANIFEST_MAX_SCHOOLS 1000
#define MANIFEST_SCHOOL_MAX 64 /* bytes of a school id */

struct manifest_list {
	char name[BUNDLE_NAME_MAX + 1]; /* CATEGORY.list, or allow.list */
	uint8_t sha256[32];
};

struct manifest {
	uint64_t serial;
	int64_t expires;      /* seconds since 1970 UTC */
	bool all;             /* scope all */
	char **schools;       /* else these */
	size_t n_schools;
	struct manifest_list lists[MANIFEST_MAX_LISTS];
	size_t n_lists;
};

/* 0, or -1 with *why and *line (0 when not one line's fault). Free with manifest_free
 * either way. */
int manifest_parse(const char *buf, size_t len, struct manifest *out, const char **why,
		   unsigned *line);
void manifest_free(struct manifest *m);

/* Append the manifest's text. */
void manifest_write(struct sbuf *out, const struct manifest *m);

/* Whether a name may be a school id (1-64 bytes of [A-Za-z0-9._-]). */
bool manifest_school_ok(const char *s, size_t len);

/* "YYYY-MM-DDTHH:MM:SSZ" <-> seconds since 1970. 0 or -1. */
int manifest_time_parse(const char *s, size_t len, int64_t *out);
void manifest_time_str(int64_t t, char buf[21]);

/* May this manifest be applied at a school? have_last/last: the serial applied last
 * (none yet: have_last false); now: the time; school: [district] school_id or NULL.
 * 0, or -1 with *why: an older or equal serial, expired, or a scope without school. */
int manifest_decide(const struct manifest *m, bool have_last, uint64_t last, int64_t now,
		    const char *school, const char **why);

/* Does the bundle hold exactly the manifest's lists with their SHA-256? 0, or -1 with
 * *why and *name (the file at fault, or NULL). */
int manifest_check_files(const struct manifest *m, const struct bundle *b, const char **why,
			 const char **name);

#endif
