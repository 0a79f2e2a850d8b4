/* District review: the central store read with the review part's filters (the same
 * struct review_filter that `campusgate journal` parses), per school or across schools;
 * the schools that went silent; a summary from the daily rollups. */
#ifndef CG_DISTRICT_REVIEW_H
#define CG_DISTRICT_REVIEW_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>

#include "i18n.h"
#include "review.h"

/* Called with each matching line in (school, time) order; nonzero stops. */
typedef int (*district_scan_cb)(const char *school, const struct journal_record *r,
				const char *line, size_t len, void *ctx);

/* Stream the stored lines that pass f (school NULL: every school). The filters the
 * store indexes (time, school, category, client, host, ...) go into the query; each row
 * is then parsed and checked with review_match, so the result is what `campusgate
 * journal` would give over the same lines. 0, or -1 with the server's message in
 * err (wlen bytes). */
int district_scan(PGconn *c, const struct review_filter *f, const char *school,
		  district_scan_cb cb, void *ctx, char *err, size_t elen);

/* Print the schools with neither a line nor a heartbeat for silent_s seconds (by the
 * time they were last received), with their last times. Returns how many, -1 on error. */
int district_silent(PGconn *c, unsigned silent_s, FILE *out, enum lang l, char *err,
		    size_t elen);

/* The summary across schools over the last days days from the rollups: per school the
 * incidents by category, the top categories and sites, and the silent schools. 0 or -1. */
int district_summary(PGconn *c, unsigned days, unsigned top, FILE *out, enum lang l,
		     char *err, size_t elen);

#endif
