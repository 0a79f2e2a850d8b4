/* The incident report's data, shared by its collector (report.c) and its two writers
 * (report_text.c, report_html.c). Not for other parts: they use report.h. */
#ifndef CG_REPORT_INT_H
#define CG_REPORT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "i18n.h"
#include "journal_format.h"
#include "journal_verify.h"
#include "util.h"

#define REPORT_CATS_MAX 64      /* categories listed apart; more share the last one */
#define REPORT_SERIES_MAX 6     /* chart series: the 5 biggest categories and "other" */

/* A string -> count table (for groups, actions, clients and sites). */
struct count {
	char *key;
	uint64_t n;
};

struct counter {
	struct count *slot;
	size_t cap, used;
	uint64_t other;     /* events whose key did not fit */
};

/* One incident as listed: copies of the record's strings (NULL when absent). */
struct incident {
	int64_t time_us;
	int32_t off;
	char *client, *mac, *client_name, *host, *rule_file, *id, *action;
	unsigned rule_line;
};

/* One category: its titles, its incidents (the first `per_category` of them, in time
 * order) and its incidents per timeline bucket. */
struct rcat {
	char *name;                  /* NULL: incidents without a category */
	char *title_zh, *title_en;   /* from the config; NULL: the name */
	uint64_t total;
	struct incident *inc;
	size_t ninc;
	uint64_t *buckets;           /* nbuckets, made at the first incident */
};

enum { T_GROUP, T_ACTION, T_CLIENT, T_SITE, T_COUNT };

struct report {
	char *school;
	int64_t from_us, to_us;
	int32_t off;
	unsigned top, per_category;
	char *csv_hint;
	uint64_t total, incidents;
	int64_t first_us, last_us;
	struct counter tab[T_COUNT];
	struct rcat cat[REPORT_CATS_MAX];
	size_t ncat;
	int64_t bucket_us, base_us;   /* timeline: bucket width and the first bucket's start */
	size_t nbuckets;
	uint64_t *buckets;            /* every event */
	struct journal_digest *dg;
	size_t ndg;
	bool verified;
	struct journal_verify_result vr;
};

/* The entries of c, most frequent first (borrowed keys; the caller frees the array). */
struct count *report_counter_sorted(const struct counter *c, size_t *n);

/* The categories with incidents, most incidents first (pointers into rp->cat; the caller
 * frees the array). */
struct rcat **report_cats_sorted(struct report *rp, size_t *n);

/* The category's title in language l (the name when the config has none). */
const char *report_cat_title(const struct rcat *c, enum lang l);

/* The chart's series: the biggest categories, and the rest under one "other" (its
 * series[] entry NULL). Returns how many; sorted is from report_cats_sorted. */
size_t report_series(struct rcat **sorted, size_t n, struct rcat *series[REPORT_SERIES_MAX]);
/* Incidents of series s (of ns) in bucket b. */
uint64_t report_series_count(const struct report *rp, struct rcat **sorted, size_t n,
			     struct rcat *const series[], size_t ns, size_t s, size_t b);

/* Times: "+08:00", and a bucket's label
 * ("09:00", or "11-25 09:00" when the period spans days, "2025-11-25" for day buckets). */
void report_fmt_offset(int32_t off, char out[16]);
void report_bucket_label(const struct report *rp, size_t i, char out[20]);
/* The period's ends as shown. */
void report_period(const struct report *rp, char from[20], char to[20]);


/* The heading of a category's incidents, appended to b: its title, its name when that
 * differs, how many, and how many are listed when not all. */
void report_cat_heading(const struct rcat *c, enum lang l, struct sbuf *b);
/* The sentence before the incidents: how many, how many listed; appended to b. */
void report_listing_note(const struct report *rp, uint64_t listed, enum lang l, struct sbuf *b);

/* An action as staff read it ("blocked", "recorded only"); others as they are. */
const char *report_action(const char *action, enum lang l);

/* The journal's integrity in one plain sentence in language l, into b (unescaped). */
void report_integrity(const struct report *rp, enum lang l, struct sbuf *b);

#endif
