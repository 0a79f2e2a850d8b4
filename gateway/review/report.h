/* The incident report (`campusgate report`), a document a school can file: a title with
 * the school and the period, the incidents grouped by category (titles in the reader's
 * language), a chart of incidents per hour by category, counts per group, action, client
 * and site, the journal's integrity in one sentence, the daily digests and a sign-off
 * block; as plain text or one self-contained, printable HTML file (inline CSS and SVG). */
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

/* Chart buckets of bucket_us (e.g. a day) instead of the hour chosen by the period's
 * length; only before anything is added. Buckets start on the local hour or day. */
void report_set_buckets(struct report *rp, int64_t bucket_us);

/* Count n incidents of category (NULL: none) at time_us in the chart and the totals,
 * without listing them (counts from the journal's rollup: the console's dashboard).
 * Times outside the chart are not counted. */
void report_add_count(struct report *rp, const char *category, int64_t time_us, uint64_t n);

/* The chart of incidents per bucket by category as one inline <svg> (patterns that read
 * in black and white, axes, a legend), appended to o; label names it for screen
 * readers. The page supplies the CSS (svg text, .ax, .grid, rect.bar). */
void report_html_chart(struct report *rp, struct sbuf *o, enum lang l, const char *label);

/* How many incidents of each category to list by default. */
#define REPORT_PER_CATEGORY 50

/* List at most per_category incidents of each category (0: the default); csv_hint is the
 * command that exports all of them (shown when some are left out; NULL: none). */
void report_set_listing(struct report *rp, unsigned per_category, const char *csv_hint);

/* A category's titles, from the config ([category NAME] title_zh, title_en; either may be
 * NULL). Others show their name. */
void report_set_category(struct report *rp, const char *name, const char *title_zh,
			 const char *title_en);

/* Whether r is an incident (a block, an observation or a bypass), not one of the
 * journal's own events (a recovered torn end, retention). */
bool report_is_incident(const struct journal_record *r);

/* "2025-11-25 09:30:00": the time us at offset off (seconds east of UTC). */
void report_fmt_time(int64_t us, int32_t off, char out[20]);

/* The site as people read it: the Unicode form, and the punycode in parentheses when the
 * two differ (a malloc'd string; "-" for none). */
char *report_site(const char *host);

/* Count one event (the caller has filtered it). */
void report_add(struct report *rp, const struct journal_record *r);

/* Take the daily digests of the days in range from dir/digest.log (absent: none) and
 * the verify result of the journal (may be NULL when it was not checked). */
void report_set_digests(struct report *rp, const char *dir);
void report_set_verify(struct report *rp, const struct journal_verify_result *v);

/* Write the report. Every string from the journal is escaped for its output. */
void report_text(struct report *rp, FILE *f, enum lang lang);
void report_html(struct report *rp, FILE *f, enum lang lang);

/* The report's contents as an HTML fragment (what report_html puts in <body>), for a page
 * with its own head (the web console); it has no inline style: its style sheet is
 * report_html_css() (print rules included), to be served as a file. */
void report_html_body(struct report *rp, struct sbuf *out, enum lang l);
const char *report_html_css(void);

/* Append s to out with & < > " ' as HTML entities. */
void report_html_escape(struct sbuf *out, const char *s);

void report_free(struct report *rp);

#endif
