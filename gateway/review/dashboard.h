/* dashboard: the numbers of the console's first page, from the journal's hourly rollup
 * (journal_index.h) rather than from the events: blocks per hour by category over the
 * last 24 hours and per day over the last 7, bypass attempts, the journal's own alarms,
 * the top clients and sites, and the newest bypass attempts; optionally only for some
 * groups (a staff account limited to its classes). */
#ifndef CG_DASHBOARD_H
#define CG_DASHBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

#define DASH_TOP_MAX 20
#define DASH_RECENT 8

struct dash_top {
	char *key;
	uint64_t n;
};

/* One bypass attempt as listed (copies). */
struct dash_event {
	int64_t time_us;
	int32_t off;
	char *client, *host, *category, *id;
};

struct dashboard {
	struct report *hours;        /* blocks per hour by category, the last 24 h */
	struct report *days;         /* blocks per day by category, today and 6 days before */
	uint64_t blocks_24h, blocks_7d, bypass_24h, bypass_7d;
	uint64_t alarms_7d;          /* the journal's own: tampered, recovered, low-space */
	struct dash_top clients[DASH_TOP_MAX], sites[DASH_TOP_MAX];  /* incidents, 7 days */
	size_t nclients, nsites;
	struct dash_event recent[DASH_RECENT];  /* the newest bypass attempts, 7 days */
	size_t nrecent;
	int64_t from_24h, from_7d, now_us;
};

/* Fill d for the journal in jdir at now_us, days in the zone at utc_offset; groups: a
 * NULL-terminated list the numbers are limited to (NULL: every group). top: how many
 * clients and sites (at most DASH_TOP_MAX). 0, or -1 with *err. Free with
 * dashboard_free (also after -1). */
int dashboard_build(struct dashboard *d, const char *jdir, int64_t now_us, int32_t utc_offset,
		    const char *const *groups, unsigned top, const char **err);
void dashboard_free(struct dashboard *d);

#endif
