/* report: collects the incident report over a time range: the incidents per category
 * (titles from the config, the first of each listed), counters per group, action, client
 * and site, the timeline per category, the daily digests and the verify result; and the
 * wording both writers share (times, sites, the integrity sentence). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "journal_read.h"
#include "name.h"
#include "report_int.h"
#include "review.h"

#define KEYS_MAX 1000000   /* distinct keys counted per table; the rest go to "other" */
#define BUCKETS_MAX 744    /* timeline bars (31 days of hours) */

/* ---- a string -> count table ------------------------------------------------------ */

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void counter_grow(struct counter *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 64;
	struct count *ns = xcalloc(ncap, sizeof *ns);
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->slot[i].key)
			continue;
		size_t j = key_hash(c->slot[i].key) & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = c->slot[i];
	}
	free(c->slot);
	c->slot = ns;
	c->cap = ncap;
}

static size_t counter_find(const struct counter *c, const char *key)
{
	size_t j = key_hash(key) & (c->cap - 1);
	while (c->slot[j].key && strcmp(c->slot[j].key, key) != 0)
		j = (j + 1) & (c->cap - 1);
	return j;
}

static void counter_add(struct counter *c, const char *key)
{
	if (!key || !*key)
		key = "-";
	if (c->cap == 0)
		counter_grow(c);
	size_t j = counter_find(c, key);
	if (!c->slot[j].key) {
		if (c->used >= KEYS_MAX) {
			c->other++;
			return;
		}
		if ((c->used + 1) * 2 > c->cap) {
			counter_grow(c);
			j = counter_find(c, key);
		}
		c->slot[j].key = xstrdup(key);
		c->used++;
	}
	c->slot[j].n++;
}

static int count_cmp(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

struct count *report_counter_sorted(const struct counter *c, size_t *n)
{
	struct count *v = xcalloc(c->used ? c->used : 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slot[i].key)
			v[(*n)++] = c->slot[i];
	qsort(v, *n, sizeof *v, count_cmp);
	return v;
}

static void counter_free(struct counter *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->slot[i].key);
	free(c->slot);
}

/* ---- the report ----------------------------------------------------------------------- */

static int64_t floor_div64(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct report *report_new(const char *school, int64_t from_us, int64_t to_us,
			  int32_t utc_offset, unsigned top)
{
	struct report *rp = xcalloc(1, sizeof *rp);
	const int64_t hour = 3600LL * 1000000, day = 24 * hour;
	rp->school = school ? xstrdup(school) : NULL;
	rp->from_us = from_us;
	rp->to_us = to_us;
	rp->off = utc_offset;
	rp->top = top ? top : 10;
	rp->per_category = REPORT_PER_CATEGORY;
	/* Buckets start on a local hour (or day), so the labels read naturally. */
	int64_t span = to_us - from_us;
	if (from_us == INT64_MIN || to_us == INT64_MAX || span < 0)
		span = day;
	rp->bucket_us = hour;
	if (span / hour + 2 > BUCKETS_MAX) {
		int64_t days = span / day / (BUCKETS_MAX - 2) + 1;
		rp->bucket_us = days * day;
	}
	int64_t off_us = (int64_t)utc_offset * 1000000;
	int64_t start = from_us == INT64_MIN ? 0 : from_us;
	rp->base_us = floor_div64(start + off_us, rp->bucket_us) * rp->bucket_us - off_us;
	rp->nbuckets = (size_t)((start + span - rp->base_us) / rp->bucket_us + 1);
	if (rp->nbuckets > BUCKETS_MAX)
		rp->nbuckets = BUCKETS_MAX;
	rp->buckets = xcalloc(rp->nbuckets, sizeof *rp->buckets);
	return rp;
}

void report_set_listing(struct report *rp, unsigned per_category, const char *csv_hint)
{
	if (per_category)
		rp->per_category = per_category;
	free(rp->csv_hint);
	rp->csv_hint = csv_hint ? xstrdup(csv_hint) : NULL;
}

/* The category called name (NULL: none), made when new; the last one takes the rest. */
static struct rcat *cat_get(struct report *rp, const char *name)
{
	for (size_t i = 0; i < rp->ncat; i++)
		if ((!name && !rp->cat[i].name) ||
		    (name && rp->cat[i].name && strcmp(name, rp->cat[i].name) == 0))
			return &rp->cat[i];
	if (rp->ncat == REPORT_CATS_MAX)
		return &rp->cat[REPORT_CATS_MAX - 1];
	struct rcat *c = &rp->cat[rp->ncat++];
	c->name = name ? xstrdup(name) : NULL;
	return c;
}

void report_set_category(struct report *rp, const char *name, const char *title_zh,
			 const char *title_en)
{
	struct rcat *c = cat_get(rp, name);
	if (!c->name || strcmp(c->name, name) != 0)
		return; /* no room left */
	free(c->title_zh);
	free(c->title_en);
	c->title_zh = title_zh ? xstrdup(title_zh) : NULL;
	c->title_en = title_en ? xstrdup(title_en) : NULL;
}

void report_set_buckets(struct report *rp, int64_t bucket_us)
{
	if (bucket_us <= 0 || rp->total)
		return;
	int64_t off_us = (int64_t)rp->off * 1000000;
	int64_t start = rp->from_us == INT64_MIN ? 0 : rp->from_us;
	int64_t end = rp->to_us == INT64_MAX || rp->to_us < start ? start : rp->to_us;
	rp->bucket_us = bucket_us;
	rp->base_us = floor_div64(start + off_us, bucket_us) * bucket_us - off_us;
	rp->nbuckets = (size_t)((end - rp->base_us) / bucket_us + 1);
	if (rp->nbuckets > BUCKETS_MAX)
		rp->nbuckets = BUCKETS_MAX;
	free(rp->buckets);
	rp->buckets = xcalloc(rp->nbuckets, sizeof *rp->buckets);
}

void report_add_count(struct report *rp, const char *category, int64_t time_us, uint64_t n)
{
	if (n == 0 || time_us < rp->base_us)
		return;
	int64_t i = (time_us - rp->base_us) / rp->bucket_us;
	if (i >= (int64_t)rp->nbuckets)
		return;
	struct rcat *c = cat_get(rp, category && *category ? category : NULL);
	if (!c->buckets)
		c->buckets = xcalloc(rp->nbuckets, sizeof *c->buckets);
	c->buckets[i] += n;
	c->total += n;
	rp->buckets[i] += n;
	rp->total += n;
	rp->incidents += n;
}

/* Blocks, observations and bypasses are incidents; the journal's own events (a recovered
 * torn end, retention) are counted but not listed. */
bool report_is_incident(const struct journal_record *r)
{
	return !r->event || strcmp(r->event, "hit") == 0 || strcmp(r->event, "bypass") == 0;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static void incident_add(struct report *rp, const struct journal_record *r, size_t b)
{
	struct rcat *c = cat_get(rp, r->category && *r->category ? r->category : NULL);
	rp->incidents++;
	c->total++;
	if (b < rp->nbuckets) {
		if (!c->buckets)
			c->buckets = xcalloc(rp->nbuckets, sizeof *c->buckets);
		c->buckets[b]++;
	}
	if (c->ninc >= rp->per_category)
		return;
	if (c->ninc == 0)
		c->inc = xcalloc(rp->per_category < 64 ? rp->per_category : 64, sizeof *c->inc);
	else if (c->ninc >= 64 && (c->ninc & (c->ninc - 1)) == 0)
		c->inc = xrealloc(c->inc, c->ninc * 2 * sizeof *c->inc);
	struct incident *in = &c->inc[c->ninc++];
	in->time_us = r->time_us;
	in->off = r->utc_offset;
	in->client = dup_or_null(r->client);
	in->mac = dup_or_null(r->mac);
	in->client_name = dup_or_null(r->client_name);
	in->host = dup_or_null(r->host);
	in->rule_file = dup_or_null(r->rule_file);
	in->id = dup_or_null(r->id);
	in->action = dup_or_null(r->action);
	in->rule_line = r->rule_line;
}

void report_add(struct report *rp, const struct journal_record *r)
{
	size_t b = SIZE_MAX;
	if (rp->total == 0 || r->time_us < rp->first_us)
		rp->first_us = r->time_us;
	if (rp->total == 0 || r->time_us > rp->last_us)
		rp->last_us = r->time_us;
	rp->total++;
	counter_add(&rp->tab[T_GROUP], r->group);
	counter_add(&rp->tab[T_ACTION], r->action);
	counter_add(&rp->tab[T_CLIENT], r->client);
	counter_add(&rp->tab[T_SITE], r->host);
	if (r->time_us >= rp->base_us) {
		int64_t i = (r->time_us - rp->base_us) / rp->bucket_us;
		if (i < (int64_t)rp->nbuckets) {
			b = (size_t)i;
			rp->buckets[b]++;
		}
	}
	if (report_is_incident(r))
		incident_add(rp, r, b);
}

void report_set_digests(struct report *rp, const char *dir)
{
	struct journal_reader rd;
	struct sbuf path;
	const char *line;
	size_t len, cap = 0;
	bool complete;
	int got;
	int32_t from_day = rp->from_us == INT64_MIN ? INT32_MIN : journal_day(rp->from_us, rp->off);
	int32_t to_day = rp->to_us == INT64_MAX ? INT32_MAX : journal_day(rp->to_us, rp->off);
	sbuf_init(&path);
	sbuf_printf(&path, "%s/digest.log", dir);
	if (journal_reader_open(&rd, path.data) < 0) {
		sbuf_free(&path);
		return;
	}
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		struct journal_digest d;
		int32_t day;
		if (got < 0 || !complete || journal_digest_parse(line, len, &d) < 0 ||
		    journal_parse_day(d.day, 10, &day) < 0 || day < from_day || day > to_day)
			continue;
		if (rp->ndg == 1000)
			memmove(rp->dg, rp->dg + 1, --rp->ndg * sizeof *rp->dg); /* the newest */
		if (rp->ndg == cap) {
			cap = cap ? cap * 2 : 16;
			rp->dg = xrealloc(rp->dg, cap * sizeof *rp->dg);
		}
		d.line = rd.lineno;
		rp->dg[rp->ndg++] = d;
	}
	journal_reader_close(&rd);
	sbuf_free(&path);
}

void report_set_verify(struct report *rp, const struct journal_verify_result *v)
{
	rp->verified = v != NULL;
	if (v)
		rp->vr = *v;
}

static void cat_free(struct rcat *c)
{
	for (size_t i = 0; i < c->ninc; i++) {
		struct incident *in = &c->inc[i];
		free(in->client);
		free(in->mac);
		free(in->client_name);
		free(in->host);
		free(in->rule_file);
		free(in->id);
		free(in->action);
	}
	free(c->inc);
	free(c->buckets);
	free(c->name);
	free(c->title_zh);
	free(c->title_en);
}

void report_free(struct report *rp)
{
	if (!rp)
		return;
	for (int i = 0; i < T_COUNT; i++)
		counter_free(&rp->tab[i]);
	for (size_t i = 0; i < rp->ncat; i++)
		cat_free(&rp->cat[i]);
	free(rp->buckets);
	free(rp->dg);
	free(rp->school);
	free(rp->csv_hint);
	free(rp);
}

/* ---- shared by the writers -------------------------------------------------------------- */

static int cat_cmp(const void *a, const void *b)
{
	const struct rcat *x = *(const struct rcat *const *)a, *y = *(const struct rcat *const *)b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (!x->name || !y->name)
		return x->name ? -1 : y->name ? 1 : 0; /* the uncategorised last */
	return strcmp(x->name, y->name);
}

struct rcat **report_cats_sorted(struct report *rp, size_t *n)
{
	struct rcat **v = xcalloc(rp->ncat ? rp->ncat : 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < rp->ncat; i++)
		if (rp->cat[i].total)
			v[(*n)++] = &rp->cat[i];
	qsort(v, *n, sizeof *v, cat_cmp);
	return v;
}

const char *report_cat_title(const struct rcat *c, enum lang l)
{
	const char *t = l == LANG_ZH ? c->title_zh : c->title_en;
	if (t && *t)
		return t;
	return c->name ? c->name : msg(l, MSG_REPORT_UNCATEGORISED);
}

size_t report_series(struct rcat **sorted, size_t n, struct rcat *series[REPORT_SERIES_MAX])
{
	size_t ns = n <= REPORT_SERIES_MAX ? n : REPORT_SERIES_MAX;
	for (size_t i = 0; i < ns; i++)
		series[i] = sorted[i];
	if (n > REPORT_SERIES_MAX)
		series[REPORT_SERIES_MAX - 1] = NULL; /* "other": the rest */
	return ns;
}

uint64_t report_series_count(const struct report *rp, struct rcat **sorted, size_t n,
			     struct rcat *const series[], size_t ns, size_t s, size_t b)
{
	(void)rp;
	if (series[s])
		return series[s]->buckets ? series[s]->buckets[b] : 0;
	uint64_t sum = 0;
	for (size_t i = ns - 1; i < n; i++)
		sum += sorted[i]->buckets ? sorted[i]->buckets[b] : 0;
	return sum;
}

void report_fmt_time(int64_t us, int32_t off, char out[20])
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.time_us = us;
	r.utc_offset = off;
	review_local_time(&r, out);
}

void report_fmt_offset(int32_t off, char out[16])
{
	int32_t a = off < 0 ? -off : off;
	snprintf(out, 16, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600 % 100),
		 (int)(a / 60 % 60));
}

void report_bucket_label(const struct report *rp, size_t i, char out[20])
{
	char t[20], first[20], last[20];
	report_fmt_time(rp->base_us + (int64_t)i * rp->bucket_us, rp->off, t);
	if (rp->bucket_us != 3600LL * 1000000) {
		snprintf(out, 20, "%.10s", t);
		return;
	}
	report_fmt_time(rp->base_us, rp->off, first);
	report_fmt_time(rp->base_us + (int64_t)(rp->nbuckets - 1) * rp->bucket_us, rp->off, last);
	if (memcmp(first, last, 10) == 0)
		snprintf(out, 20, "%.5s", t + 11);
	else
		snprintf(out, 20, "%.5s %.5s", t + 5, t + 11);
}

void report_period(const struct report *rp, char from[20], char to[20])
{
	report_fmt_time(rp->from_us == INT64_MIN ? rp->first_us : rp->from_us, rp->off, from);
	report_fmt_time(rp->to_us == INT64_MAX ? rp->last_us : rp->to_us, rp->off, to);
}

char *report_site(const char *host)
{
	if (!host || !*host)
		return xstrdup("-");
	char *u = name_display(host);
	if (!u || strcmp(u, host) == 0)
		return u ? u : xstrdup(host);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s (%s)", u, host);
	free(u);
	return sbuf_take(&b);
}

const char *report_action(const char *action, enum lang l)
{
	if (!action)
		return "-";
	if (strcmp(action, "block") == 0)
		return msg(l, MSG_REPORT_ACTION_BLOCK);
	if (strcmp(action, "observe") == 0 || strcmp(action, "observed") == 0)
		return msg(l, MSG_REPORT_ACTION_OBSERVED);
	if (strcmp(action, "bypass") == 0)
		return msg(l, MSG_REPORT_ACTION_BYPASS);
	return action;
}

void report_cat_heading(const struct rcat *c, enum lang l, struct sbuf *b)
{
	const char *title = report_cat_title(c, l);
	bool named = c->name && strcmp(title, c->name) != 0;
	if (named && c->total == 1)
		msg_sbuf_printf(b, l, MSG_REPORT_CAT_HEADING_ONE, title, c->name);
	else if (named)
		msg_sbuf_printf(b, l, MSG_REPORT_CAT_HEADING, title, c->name,
				(unsigned long long)c->total);
	else if (c->total == 1)
		msg_sbuf_printf(b, l, MSG_REPORT_CAT_HEADING_PLAIN_ONE, title);
	else
		msg_sbuf_printf(b, l, MSG_REPORT_CAT_HEADING_PLAIN, title,
				(unsigned long long)c->total);
	if (c->ninc < c->total) {
		sbuf_adds(b, l == LANG_ZH ? "（" : " (");
		msg_sbuf_printf(b, l, MSG_REPORT_CAT_SHOWN, (unsigned long long)c->ninc);
		sbuf_adds(b, l == LANG_ZH ? "）" : ")");
	}
}

void report_listing_note(const struct report *rp, uint64_t listed, enum lang l, struct sbuf *b)
{
	if (rp->incidents == 0)
		sbuf_adds(b, msg(l, MSG_REPORT_NO_INCIDENTS));
	else if (rp->incidents == 1 && listed == 1)
		sbuf_adds(b, msg(l, MSG_REPORT_ONE_INCIDENT));
	else if (listed == rp->incidents)
		msg_sbuf_printf(b, l, MSG_REPORT_INCIDENTS_ALL, (unsigned long long)listed);
	else
		msg_sbuf_printf(b, l, MSG_REPORT_INCIDENTS_SOME, (unsigned long long)rp->incidents,
				(unsigned long long)listed, rp->per_category);
}

/* The kind of damage that verify names in English, in language l. */
static const char *damage_kind(const char *what, enum lang l)
{
	static const struct { const char *key; enum msg_id id; } kinds[] = {
		{ JV_EDITED, MSG_REPORT_DAMAGE_EDITED }, { JV_DELETED, MSG_REPORT_DAMAGE_DELETED },
		{ JV_REORDERED, MSG_REPORT_DAMAGE_REORDERED }, { JV_TORN, MSG_REPORT_DAMAGE_TORN },
		{ JV_MISSING, MSG_REPORT_DAMAGE_MISSING },
		{ JV_REWRITTEN, MSG_REPORT_DAMAGE_REWRITTEN },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(kinds); i++)
		if (strncmp(what, kinds[i].key, strlen(kinds[i].key)) == 0)
			return msg(l, kinds[i].id);
	return msg(l, MSG_REPORT_DAMAGE_OTHER);
}

void report_integrity(const struct report *rp, enum lang l, struct sbuf *b)
{
	const struct journal_verify_result *v = &rp->vr;
	char a[20], z[20];
	sbuf_reset(b);
	if (!rp->verified) {
		sbuf_adds(b, msg(l, MSG_REPORT_NOT_CHECKED));
	} else if (v->status == 0 && v->lines == 0) {
		sbuf_adds(b, msg(l, MSG_REPORT_NOTHING_TO_CHECK));
	} else if (v->status == 0) {
		report_fmt_time(v->first_time_us, v->first_offset, a);
		report_fmt_time(v->last_time_us, v->last_offset, z);
		msg_sbuf_printf(b, l, MSG_REPORT_INTACT, a, z, (unsigned long long)v->lines,
				(unsigned long long)v->first_seq, (unsigned long long)v->last_seq);
		if (v->digests)
			msg_sbuf_printf(b, l, MSG_REPORT_DIGESTS_MATCH,
					(unsigned long long)v->digests);
	} else if (v->status == 1) {
		msg_sbuf_printf(b, l, MSG_REPORT_TAMPERED, v->file, v->line,
				damage_kind(v->what, l), v->what);
	} else {
		msg_sbuf_printf(b, l, MSG_REPORT_NOT_CHECKABLE, v->what);
	}
}
