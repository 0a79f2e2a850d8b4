/* Staff review of the security journal: filters over journal records, and the three
 * outputs of `campusgate journal` (an aligned table, JSON Lines, CSV), streamed. */
#ifndef CG_REVIEW_H
#define CG_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "i18n.h"
#include "journal_format.h"

struct tz;

/* What staff asked for. Strings are borrowed; NULL = any. */
struct review_filter {
	int64_t from_us, to_us;      /* inclusive; INT64_MIN / INT64_MAX for open ends */
	const char *category, *group, *action, *proto, *event, *id;
	const char *host;            /* substring of the ASCII or Unicode form, ASCII case-insensitive */
	bool has_client;
	struct cg_subnet client;     /* an address is a full-length prefix */
	uint64_t limit;              /* 0 = no limit */
	/* Group scope (a staff account limited to groups): when scoped, only records whose
	 * group is one of groups[0..n_groups) pass; none at all when n_groups is 0. Records
	 * without a group (admin events, the journal's own) are outside every scope. */
	bool scoped;
	const char *const *groups;
	size_t n_groups;
};

/* A filter that lets everything through. */
void review_filter_init(struct review_filter *f);

/* Limit f to the groups (borrowed) of a staff account: see struct review_filter. */
void review_filter_scope(struct review_filter *f, const char *const *groups, size_t n);

/* Whether f's scope lets a record of group (NULL: none) through (always when unscoped). */
bool review_group_allowed(const struct review_filter *f, const char *group);

/* Parse "90s", "30m", "12h", "7d", "2w" into microseconds; 0 or -1. */
int review_parse_duration(const char *s, int64_t *us);

/* Parse a point in time: "2025-11-25" (the start of that day), "2025-11-25T08:30",
 * "2025-11-25 08:30:15" (wall clock in zone tz; UTC when tz is NULL) or a full
 * RFC 3339 time with its own offset. When end_of is set, a bare day or minute means
 * its end (for --to). 0 or -1. */
int review_parse_time(const char *s, const struct tz *tz, bool end_of, int64_t *us);

/* Set f->client from "192.0.2.7", "10.1.0.0/16" or "2001:db8::/48"; 0 or -1. */
int review_filter_client(struct review_filter *f, const char *s);

/* The raw strings a journal line must contain to pass f's exact-match filters (for
 * journal_scan's prefilter): at most max - 1 of them, NULL-terminated, each to be freed
 * (review_needles_free). Values that the writer would escape are left to review_match. */
void review_needles(const struct review_filter *f, char **out, size_t max);
void review_needles_free(char **v);

/* Whether r passes every part of f but the limit. */
bool review_match(const struct review_filter *f, const struct journal_record *r);

enum review_format { REVIEW_TABLE, REVIEW_JSON, REVIEW_CSV };

/* Parse "table", "json" (or "jsonl"), "csv"; 0 or -1. */
int review_parse_format(const char *s, enum review_format *out);

/* One output in progress. Rows are written as they come; the table holds back its first
 * rows (at most REVIEW_TABLE_WINDOW) to size its columns, then streams. */
#define REVIEW_TABLE_WINDOW 256
struct review_out;

/* Start an output to f (not owned) in format fmt; headers in language lang. */
struct review_out *review_out_new(FILE *f, enum review_format fmt, enum lang lang);
/* Write one record; line/len is the record's original journal line (JSON output copies
 * it as it is). */
void review_out_row(struct review_out *o, const struct journal_record *r, const char *line,
		    size_t len);
/* Flush what is held back, write the table's footer, free o. Returns the rows written. */
uint64_t review_out_end(struct review_out *o);

/* Text helpers shared with the report. */

/* Columns that s takes on a terminal: 2 for East Asian wide and full-width characters,
 * 0 for combining marks, 1 otherwise (s is valid UTF-8). */
size_t review_text_width(const char *s);
/* Append s to out for a terminal: control bytes, C1 controls and bidirectional
 * overrides become '?', and at most max_cols columns are used (a cut ends with "…").
 * Returns the columns used. */
size_t review_text_clean(struct sbuf *out, const char *s, size_t max_cols);
/* The length in bytes of the character at s when a terminal, spreadsheet or browser
 * must not get it raw (C0 controls, DEL, C1 controls, bidirectional controls), else 0. */
size_t review_unsafe_len(const char *s);
/* Append s as one CSV field (RFC 4180 quoting; a leading = + - @ TAB or CR gets a ' so
 * that a spreadsheet does not run it as a formula; control characters, newlines
 * included, and bidi controls become U+FFFD). */
void review_csv_field(struct sbuf *out, const char *s);
/* "2025-11-25 09:30:00" (the time as written, in the offset it was written with). */
void review_local_time(const struct journal_record *r, char out[20]);

#endif
