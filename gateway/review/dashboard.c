/* dashboard: the console's first page's numbers from the journal's rollup (dashboard.h). */
#include "dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "journal_index.h"
#include "journal_read.h"

static const int64_t HOUR_US = 3600LL * 1000000, DAY_US = 24 * 3600LL * 1000000;

/* A string -> count table for the top lists. */
struct tally {
	struct dash_top *slot;
	size_t cap, used;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void tally_add(struct tally *t, const char *key, uint64_t n)
{
	if (t->used * 2 >= t->cap) {
		struct tally bigger = { .cap = t->cap ? t->cap * 2 : 256 };
		bigger.slot = xcalloc(bigger.cap, sizeof *bigger.slot);
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->slot[i].key)
				continue;
			size_t h = str_hash(t->slot[i].key) & (bigger.cap - 1);
			while (bigger.slot[h].key)
				h = (h + 1) & (bigger.cap - 1);
			bigger.slot[h] = t->slot[i];
		}
		bigger.used = t->used;
		free(t->slot);
		*t = bigger;
	}
	size_t h = str_hash(key) & (t->cap - 1);
	for (; t->slot[h].key; h = (h + 1) & (t->cap - 1))
		if (strcmp(t->slot[h].key, key) == 0) {
			t->slot[h].n += n;
			return;
		}
	t->slot[h].key = xstrdup(key);
	t->slot[h].n = n;
	t->used++;
}

static int top_cmp(const void *a, const void *b)
{
	const struct dash_top *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* The first top entries of t, most first, moved into out; t is freed. */
static size_t tally_top(struct tally *t, struct dash_top *out, size_t top)
{
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].key)
			t->slot[n++] = t->slot[i];
	if (n)
		qsort(t->slot, n, sizeof *t->slot, top_cmp);
	size_t k = n < top ? n : top;
	for (size_t i = 0; i < n; i++) {
		if (i < k)
			out[i] = t->slot[i];
		else
			free(t->slot[i].key);
	}
	free(t->slot);
	memset(t, 0, sizeof *t);
	return k;
}

struct build {
	struct dashboard *d;
	const char *const *groups;
	int32_t first_day;           /* of the 7 days, in the school's zone */
	struct tally clients, sites;
};

static bool group_ok(const char *const *groups, const char *g)
{
	if (!groups)
		return true;
	for (; g && *groups; groups++)
		if (strcmp(*groups, g) == 0)
			return true;
	return false;
}

static bool is(const char *s, const char *want)
{
	return s && strcmp(s, want) == 0;
}

static void hour_row(struct build *b, int64_t hour_us, const char *const s[4], uint64_t n)
{
	struct dashboard *d = b->d;
	bool in24 = hour_us + HOUR_US > d->from_24h, in7 = hour_us + HOUR_US > d->from_7d;
	if (hour_us > d->now_us || !in7)
		return;
	if (is(s[2], "block")) {
		report_add_count(d->hours, s[1], hour_us, n);
		report_add_count(d->days, s[1], hour_us, n);
		d->blocks_24h += in24 ? n : 0;
		d->blocks_7d += n;
	}
	if (is(s[3], "bypass")) {
		d->bypass_24h += in24 ? n : 0;
		d->bypass_7d += n;
	}
	if (is(s[3], "tampered") || is(s[3], "recovered") || is(s[3], "low-space"))
		d->alarms_7d += n;
}

static void row_cb(unsigned kind, int64_t hour_us, int32_t file_day, const char *const s[4],
		   uint64_t n, void *ctx)
{
	struct build *b = ctx;
	if (!group_ok(b->groups, s[0]))
		return;
	if (kind == JIDX_HOUR)
		hour_row(b, hour_us, s, n);
	else if (file_day >= b->first_day && s[1])
		tally_add(kind == JIDX_CLIENT ? &b->clients : &b->sites, s[1], n);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int recent_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct build *b = ctx;
	struct dashboard *d = b->d;
	(void)line;
	(void)len;
	if (!is(r->event, "bypass") || !group_ok(b->groups, r->group))
		return 0;
	struct dash_event *e = &d->recent[d->nrecent++];
	e->time_us = r->time_us;
	e->off = r->utc_offset;
	e->client = dup_or_null(r->client);
	e->host = dup_or_null(r->host);
	e->category = dup_or_null(r->category);
	e->id = dup_or_null(r->id);
	return d->nrecent == DASH_RECENT;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int dashboard_build(struct dashboard *d, const char *jdir, int64_t now_us, int32_t utc_offset,
		    const char *const *groups, unsigned top, const char **err)
{
	int64_t off_us = (int64_t)utc_offset * 1000000;
	memset(d, 0, sizeof *d);
	d->now_us = now_us;
	d->from_24h = floor_div(now_us, HOUR_US) * HOUR_US - 23 * HOUR_US;
	d->from_7d = floor_div(now_us + off_us, DAY_US) * DAY_US - off_us - 6 * DAY_US;
	d->hours = report_new(NULL, d->from_24h, now_us, utc_offset, top);
	d->days = report_new(NULL, d->from_7d, now_us, utc_offset, top);
	report_set_buckets(d->hours, HOUR_US);
	report_set_buckets(d->days, DAY_US);
	struct build b = {
		.d = d, .groups = groups, .first_day = journal_day(d->from_7d, utc_offset),
	};
	if (top > DASH_TOP_MAX)
		top = DASH_TOP_MAX;
	int rc = journal_rollup(jdir, d->from_7d, now_us, row_cb, &b, err);
	d->nclients = tally_top(&b.clients, d->clients, top);
	d->nsites = tally_top(&b.sites, d->sites, top);
	if (rc < 0)
		return -1;
	static const char *const bypass[] = { "\"event\":\"bypass\"", NULL };
	return journal_scan_newest(jdir, d->from_7d, now_us, bypass, recent_cb, &b, NULL, err);
}

void dashboard_free(struct dashboard *d)
{
	if (d->hours)
		report_free(d->hours);
	if (d->days)
		report_free(d->days);
	for (size_t i = 0; i < d->nclients; i++)
		free(d->clients[i].key);
	for (size_t i = 0; i < d->nsites; i++)
		free(d->sites[i].key);
	for (size_t i = 0; i < d->nrecent; i++) {
		free(d->recent[i].client);
		free(d->recent[i].host);
		free(d->recent[i].category);
		free(d->recent[i].id);
	}
	memset(d, 0, sizeof *d);
}
