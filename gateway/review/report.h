/* The incident report (`campusgate report`): counts per category and group, top clients
 * and sites, an hourly timeline and the daily digests, as text or one self-contained
 * HTML file with an inline SVG chart. zh-CN by default. */
#ifndef CG_REPORT_H
#define CG_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "i18n.h"
#include "journal_format.h"
#include "journal_verify.h"

struct report;

/* A report over [from_us, to_us]; times are shown at utc_offset (the school's zone).
 * school may be NULL. top: how many clients and sites to list. */
struct report *report_new(const char *school, int64_t from_us, int64_t to_us,
			  int32_t utc_offset, unsigned top);

/* Count one event (the caller has filtered it). */
void report_add(struct report *rp, const struct journal_record *r);

/* Take the daily digests of the days in range from dir/digest.log (absent: none) and
 * the verify result of the journal (may be NULL when it was not checked). */
void report_set_digests(struct report *rp, const char *dir);
void report_set_verify(struct report *rp, const struct journal_verify_result *v);

/* Write the report. Every string from the journal is escaped for its output. */
void report_text(struct report *rp, FILE *f, enum lang lang);
void report_html(struct report *rp, FILE *f, enum lang lang);

/* Append s to out with & < > " ' as HTML entities. */
void report_html_escape(struct sbuf *out, const char *s);

void report_free(struct report *rp);

#endif
