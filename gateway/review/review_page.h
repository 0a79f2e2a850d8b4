/* review_page: reading the journal for staff through one API (the console's journal,
 * event, client, CSV and report pages; `campusgate journal` takes the same filters):
 * a scan with a filter (its needles, its match, its group scope, its limit), a page of
 * the newest matches before a cursor, and the CSV/JSON/table export. A faster store
 * (a per-day index) goes under these functions, not into their callers. */
#ifndef CG_REVIEW_PAGE_H
#define CG_REVIEW_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "i18n.h"
#include "journal_format.h"
#include "review.h"

/* Called for each record that passes the filter, oldest first; non-zero stops. */
typedef int (*review_scan_fn)(const struct journal_record *r, const char *line, size_t len,
			      void *ctx);

/* Every record of the journal in dir that passes f (time range, filters, group scope),
 * oldest first, at most f->limit (0: all). *bad (may be NULL) counts unreadable lines.
 * 0, or -1 with a static message in *err. */
int review_scan(const char *dir, const struct review_filter *f, review_scan_fn fn, void *ctx,
		uint64_t *bad, const char **err);

/* A place in the journal's (time, seq) order: a page holds the records before it. */
struct review_cursor {
	int64_t time_us;   /* INT64_MAX: the newest end */
	uint64_t seq;
};

/* One record of a page, with its own copy of the line. */
struct review_hit {
	struct journal_record r;  /* strings point into arena */
	char *line;               /* the journal line (no newline), NUL-terminated */
	size_t len;
	char *arena;
};

struct review_page {
	struct review_hit *hits;  /* newest first */
	size_t n;
	bool more;                /* older records pass the filter too */
	struct review_cursor next;/* the cursor of the next (older) page when more */
};

/* The largest page. */
#define REVIEW_PAGE_MAX 500

/* The newest n (1..REVIEW_PAGE_MAX) records that pass f and come before `before` in
 * (time, seq) order. Memory is bounded by n whatever the journal's size. 0, or -1 with
 * *err (the page is empty). */
int review_page_read(const char *dir, const struct review_filter *f,
		     const struct review_cursor *before, size_t n, struct review_page *out,
		     uint64_t *bad, const char **err);
void review_page_free(struct review_page *p);

/* Write every record that passes f to out in format fmt (headers in lang: the CSV of
 * `campusgate journal --csv`, BOM included). *rows gets the records written. 0 or -1. */
int review_export(const char *dir, const struct review_filter *f, FILE *out,
		  enum review_format fmt, enum lang lang, uint64_t *rows, uint64_t *bad,
		  const char **err);

#endif
