/* List files -> rules: the native format and the hosts, adblock and UT1 importers.
 * Formats are described in docs/policy.md. A bad line is reported as "file:line: what"
 * and skipped; it never aborts a load. */
#ifndef CG_LISTS_H
#define CG_LISTS_H

#include <stddef.h>

#include "config.h"
#include "util.h"

#define LISTS_MAX_LINE 4096 /* longer lines are reported and skipped */

enum list_rule_kind {
	LIST_RULE_DOMAIN,  /* the name and every name below it */
	LIST_RULE_EXACT,   /* that name only */
	LIST_RULE_URL,     /* host (and names below it) + path prefix */
	LIST_RULE_PATTERN, /* PCRE2 pattern */
};

/* One rule as read. Strings are only valid during the callback. */
struct list_rule {
	enum list_rule_kind kind;
	const char *host;     /* normalised name (DOMAIN, EXACT, URL) */
	size_t host_len;
	const char *path;     /* URL: the path prefix, starting with '/' */
	size_t path_len;
	const char *pattern;  /* PATTERN: the expression without the slashes */
	size_t pattern_len;
	const char *file;     /* the list as named (a UT1 folder adds "/domains" etc.) */
	unsigned line;
};

/* Called for every rule read. Returns 0 to accept it, or -1 with a short reason written
 * into err (a pattern that does not compile, ...): the line is then reported as bad. */
typedef int (*list_rule_fn)(const struct list_rule *r, void *arg, char *err, size_t errlen);

/* What a load saw. */
struct list_counts {
	size_t lines;    /* lines read */
	size_t rules;    /* rules accepted by the callback */
	size_t bad;      /* lines rejected (each also in diag as an error) */
	size_t skipped;  /* lines skipped on purpose (localhost names, adblock exceptions) */
};

/* Parse one buffer of len bytes in fmt (native, hosts or adblock; LIST_UT1 reads as
 * UT1 "domains"/"urls" lines: a name, or host/path). file names the buffer in messages.
 * Never reads past len. Adds to *counts. */
void lists_parse(enum list_format fmt, const char *buf, size_t len, const char *file,
		 list_rule_fn fn, void *arg, struct diag *diag, struct list_counts *counts);

/* Parse a buffer of egrep-style expressions, one per line (a UT1 "expressions" file). */
void lists_parse_expressions(const char *buf, size_t len, const char *file,
			     list_rule_fn fn, void *arg, struct diag *diag,
			     struct list_counts *counts);

/* Read the list at path in fmt, naming it name in messages and rules. LIST_UT1 takes a
 * folder holding any of domains, urls, expressions, very_restrictive_expression, or a
 * plain file of names and host/paths. Lines are read one at a time (at most
 * LISTS_MAX_LINE bytes each). Returns 0, or -1 when the list cannot be opened or read
 * at all (reported to diag). */
int lists_read(enum list_format fmt, const char *path, const char *name, list_rule_fn fn,
	       void *arg, struct diag *diag, struct list_counts *counts);

/* lists_check.c: read a list as the policy build does, every pattern compiled with
 * PCRE2, so that a check finds each line a build would reject (`campusgate lists check`,
 * the console's list edits). Bad lines go to diag as "file:line: what" and are counted
 * in counts->bad. lists_check_file: as lists_read (0, or -1 when the list cannot be read
 * at all); lists_check_buf: a buffer of len bytes named name, in fmt (not LIST_UT1
 * folders: their lines read as names and host/paths). */
int lists_check_file(enum list_format fmt, const char *path, const char *name,
		     struct diag *diag, struct list_counts *counts);
void lists_check_buf(enum list_format fmt, const char *buf, size_t len, const char *name,
		     struct diag *diag, struct list_counts *counts);

/* "native", "hosts", "adblock", "ut1". */
const char *lists_format_name(enum list_format fmt);
/* The reverse; 0, or -1 for an unknown name. */
int lists_format_parse(const char *s, size_t len, enum list_format *out);

#endif
