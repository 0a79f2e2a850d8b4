/* report: the incident report over a time range: counters per category, group, action,
 * client and site, an hourly timeline, the daily digests and the verify result; written
 * as aligned text or one self-contained HTML page (inline CSS and SVG, no scripts). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "journal_read.h"
#include "review.h"

#define KEYS_MAX 1000000   /* distinct keys counted per table; the rest go to "other" */
#define BUCKETS_MAX 744    /* timeline bars (31 days of hours) */

/* ---- a string -> count table ------------------------------------------------------ */

struct count {
	char *key;
	uint64_t n;
};

struct counter {
	struct count *slot;
	size_t cap, used;
	uint64_t other;     /* events whose key did not fit */
};

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

/* The entries, most frequent first (borrowed keys; the caller frees the array). */
static struct count *counter_sorted(const struct counter *c, size_t *n)
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

enum { T_CATEGORY, T_GROUP, T_ACTION, T_CLIENT, T_SITE, T_COUNT };

struct report {
	char *school;
	int64_t from_us, to_us;
	int32_t off;
	unsigned top;
	uint64_t total;
	int64_t first_us, last_us;
	struct counter tab[T_COUNT];
	int64_t bucket_us, base_us;   /* timeline: bucket width and the first bucket's start */
	size_t nbuckets;
	uint64_t *buckets;
	struct journal_digest *dg;
	size_t ndg;
	bool verified;
	struct journal_verify_result vr;
};

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

void report_add(struct report *rp, const struct journal_record *r)
{
	if (rp->total == 0 || r->time_us < rp->first_us)
		rp->first_us = r->time_us;
	if (rp->total == 0 || r->time_us > rp->last_us)
		rp->last_us = r->time_us;
	rp->total++;
	counter_add(&rp->tab[T_CATEGORY], r->category);
	counter_add(&rp->tab[T_GROUP], r->group);
	counter_add(&rp->tab[T_ACTION], r->action);
	counter_add(&rp->tab[T_CLIENT], r->client);
	counter_add(&rp->tab[T_SITE], r->host);
	if (r->time_us >= rp->base_us) {
		int64_t b = (r->time_us - rp->base_us) / rp->bucket_us;
		if (b < (int64_t)rp->nbuckets)
			rp->buckets[b]++;
	}
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

void report_free(struct report *rp)
{
	if (!rp)
		return;
	for (int i = 0; i < T_COUNT; i++)
		counter_free(&rp->tab[i]);
	free(rp->buckets);
	free(rp->dg);
	free(rp->school);
	free(rp);
}

/* ---- shared wording ------------------------------------------------------------------ */

static const struct {
	enum msg_id title, column;
} titles[T_COUNT] = {
	{ MSG_REPORT_TITLE_CATEGORY, MSG_REPORT_COLUMN_CATEGORY },
	{ MSG_REPORT_TITLE_GROUP, MSG_REPORT_COLUMN_GROUP },
	{ MSG_REPORT_TITLE_ACTION, MSG_REPORT_COLUMN_ACTION },
	{ MSG_REPORT_TITLE_CLIENT, MSG_REPORT_COLUMN_CLIENT },
	{ MSG_REPORT_TITLE_SITE, MSG_REPORT_COLUMN_SITE },
};

static void fmt_time(int64_t us, int32_t off, char out[20])
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.time_us = us;
	r.utc_offset = off;
	review_local_time(&r, out);
}

static void fmt_offset(int32_t off, char out[16])
{
	int32_t a = off < 0 ? -off : off;
	snprintf(out, 16, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600 % 100),
		 (int)(a / 60 % 60));
}

/* The bucket's label: "11-25 09:00" for hours, "2025-11-25" for days. */
static void bucket_label(const struct report *rp, size_t i, char out[20])
{
	char t[20];
	fmt_time(rp->base_us + (int64_t)i * rp->bucket_us, rp->off, t);
	if (rp->bucket_us == 3600LL * 1000000)
		snprintf(out, 20, "%.5s %.5s", t + 5, t + 11);
	else
		snprintf(out, 20, "%.10s", t);
}

static const char *verify_line(const struct report *rp, enum lang l, struct sbuf *b)
{
	sbuf_reset(b);
	if (!rp->verified)
		sbuf_adds(b, msg(l, MSG_REPORT_NOT_CHECKED));
	else if (rp->vr.status == 0)
		msg_sbuf_printf(b, l, MSG_REPORT_INTACT,
				(unsigned long long)(l == LANG_ZH ? rp->vr.files : rp->vr.lines),
				(unsigned long long)(l == LANG_ZH ? rp->vr.lines : rp->vr.files),
				(unsigned long long)rp->vr.first_seq,
				(unsigned long long)rp->vr.last_seq,
				(unsigned long long)rp->vr.digests);
	else if (rp->vr.status == 1)
		sbuf_printf(b, "%s %s:%lu: %s", msg(l, MSG_REPORT_TAMPERED), rp->vr.file,
			    rp->vr.line, rp->vr.what);
	else
		sbuf_printf(b, "%s %s", msg(l, MSG_REPORT_NOT_CHECKABLE), rp->vr.what);
	return b->data;
}

/* ---- text ------------------------------------------------------------------------------ */

static void text_pad(FILE *f, const char *s, size_t width)
{
	struct sbuf b;
	sbuf_init(&b);
	size_t w = review_text_clean(&b, s, width);
	fputs(b.data ? b.data : "", f);
	while (w++ < width)
		fputc(' ', f);
	sbuf_free(&b);
}

static void text_table(struct report *rp, FILE *f, enum lang l, int t)
{
	size_t n, shown;
	struct count *v = counter_sorted(&rp->tab[t], &n);
	shown = (t == T_CLIENT || t == T_SITE) && n > rp->top ? rp->top : n;
	fprintf(f, "\n%s\n", msg(l, titles[t].title));
	size_t w = review_text_width(msg(l, titles[t].column));
	for (size_t i = 0; i < shown; i++) {
		size_t kw = review_text_width(v[i].key);
		if (kw > w)
			w = kw;
	}
	if (w > 60)
		w = 60;
	fputs("  ", f);
	text_pad(f, msg(l, titles[t].column), w);
	fprintf(f, "  %10s  %6s\n", msg(l, MSG_REPORT_EVENTS_HEAD), "%");
	for (size_t i = 0; i < shown; i++) {
		fputs("  ", f);
		text_pad(f, v[i].key, w);
		fprintf(f, "  %10llu  %5.1f%%\n", (unsigned long long)v[i].n,
			rp->total ? 100.0 * (double)v[i].n / (double)rp->total : 0.0);
	}
	if (n == 0)
		fprintf(f, "  %s\n", msg(l, MSG_REPORT_NONE));
	free(v);
}

void report_text(struct report *rp, FILE *f, enum lang l)
{
	char a[20], b[20], off[16];
	struct sbuf s;
	sbuf_init(&s);
	fmt_offset(rp->off, off);
	fprintf(f, "%s\n", msg(l, MSG_REPORT_HEADING));
	if (rp->school) {
		fputs(msg(l, MSG_REPORT_SCHOOL), f);
		text_pad(f, rp->school, review_text_width(rp->school) > 80 ? 80 :
			 review_text_width(rp->school));
		fputc('\n', f);
	}
	fmt_time(rp->from_us == INT64_MIN ? rp->first_us : rp->from_us, rp->off, a);
	fmt_time(rp->to_us == INT64_MAX ? rp->last_us : rp->to_us, rp->off, b);
	msg_fprintf(f, l, MSG_REPORT_PERIOD_TEXT, a, b, off, (unsigned long long)rp->total);
	for (int t = 0; t < T_COUNT; t++)
		text_table(rp, f, l, t);

	fprintf(f, "\n%s\n", msg(l, rp->bucket_us == 3600LL * 1000000 ? MSG_REPORT_TIMELINE_HOUR :
								   MSG_REPORT_TIMELINE_DAY));
	uint64_t max = 0;
	for (size_t i = 0; i < rp->nbuckets; i++)
		if (rp->buckets[i] > max)
			max = rp->buckets[i];
	for (size_t i = 0; i < rp->nbuckets; i++) {
		char label[20];
		bucket_label(rp, i, label);
		int bar = max ? (int)((rp->buckets[i] * 40 + max - 1) / max) : 0;
		fprintf(f, "  %-11s %8llu ", label, (unsigned long long)rp->buckets[i]);
		for (int k = 0; k < bar; k++)
			fputs("\xe2\x96\x87", f); /* ▇ */
		fputc('\n', f);
	}

	fprintf(f, "\n%s\n", msg(l, MSG_REPORT_JOURNAL_DIGESTS));
	for (size_t i = 0; i < rp->ndg; i++) {
		char hex[JOURNAL_HEX_LEN];
		journal_hex(rp->dg[i].last_hash, hex);
		msg_fprintf(f, l, MSG_REPORT_DIGEST_LINE,
			    rp->dg[i].day, (unsigned long long)rp->dg[i].count,
			(unsigned long long)rp->dg[i].first_seq,
			(unsigned long long)rp->dg[i].last_seq, hex);
	}
	if (rp->ndg == 0)
		fprintf(f, "  %s\n", msg(l, MSG_REPORT_NO_DIGEST));
	if (rp->verified && rp->vr.status == 0 && rp->vr.last_seq)
		msg_fprintf(f, l, MSG_REPORT_CHAIN_HEAD_TEXT,
			    (unsigned long long)rp->vr.last_seq, rp->vr.last_hash);
	fputs(msg(l, MSG_REPORT_INTEGRITY), f);
	struct sbuf clean;
	sbuf_init(&clean);
	review_text_clean(&clean, verify_line(rp, l, &s), 400);
	fprintf(f, "%s\n", clean.data ? clean.data : "");
	sbuf_free(&clean);
	sbuf_free(&s);
}

/* ---- HTML ------------------------------------------------------------------------------ */

void report_html_escape(struct sbuf *out, const char *s)
{
	while (s && *s) {
		size_t u = review_unsafe_len(s);
		if (u && *s != '\t') {
			sbuf_adds(out, "&#xfffd;"); /* controls, C1, bidi overrides */
			s += u;
			continue;
		}
		switch (*s) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '\'': sbuf_adds(out, "&#39;"); break;
		default: sbuf_addc(out, *s); break;
		}
		s++;
	}
}

static void html_table(struct report *rp, struct sbuf *o, enum lang l, int t)
{
	size_t n, shown;
	struct count *v = counter_sorted(&rp->tab[t], &n);
	shown = (t == T_CLIENT || t == T_SITE) && n > rp->top ? rp->top : n;
	sbuf_printf(o, "<h2>%s</h2>\n<table><tr><th>%s</th><th>%s</th><th>%%</th></tr>\n",
		    msg(l, titles[t].title), msg(l, titles[t].column),
		    msg(l, MSG_REPORT_EVENTS));
	for (size_t i = 0; i < shown; i++) {
		sbuf_adds(o, "<tr><td>");
		report_html_escape(o, v[i].key);
		sbuf_printf(o, "</td><td class=n>%llu</td><td class=n>%.1f</td></tr>\n",
			    (unsigned long long)v[i].n,
			    rp->total ? 100.0 * (double)v[i].n / (double)rp->total : 0.0);
	}
	if (n == 0)
		sbuf_printf(o, "<tr><td colspan=3>%s</td></tr>\n", msg(l, MSG_REPORT_NONE));
	sbuf_adds(o, "</table>\n");
	free(v);
}

static void html_chart(struct report *rp, struct sbuf *o, enum lang l)
{
	const int bw = 14, gap = 2, h = 160, top = 10, bottom = 75, left = 50;
	uint64_t max = 0;
	for (size_t i = 0; i < rp->nbuckets; i++)
		if (rp->buckets[i] > max)
			max = rp->buckets[i];
	int width = left + (int)rp->nbuckets * (bw + gap) + 60;
	sbuf_printf(o, "<h2>%s</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		    "height=\"%d\" role=\"img\" aria-label=\"%s\">\n",
		    msg(l, rp->bucket_us == 3600LL * 1000000 ? MSG_REPORT_TIMELINE_HOUR :
							     MSG_REPORT_TIMELINE_DAY),
		    width, top + h + bottom, msg(l, MSG_REPORT_EVENTS_OVER_TIME));
	sbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=ax />\n", left,
		    top + h, width - 5, top + h);
	sbuf_printf(o, "<text x=\"%d\" y=\"%d\" class=yl>%llu</text>\n", left - 4, top + 10,
		    (unsigned long long)max);
	sbuf_printf(o, "<text x=\"%d\" y=\"%d\" class=yl>0</text>\n", left - 4, top + h);
	for (size_t i = 0; i < rp->nbuckets; i++) {
		char label[20];
		int x = left + (int)i * (bw + gap);
		int bh = max ? (int)((double)rp->buckets[i] * h / (double)max + 0.5) : 0;
		if (rp->buckets[i] && bh == 0)
			bh = 1;
		bucket_label(rp, i, label);
		sbuf_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%s: "
			    "%llu</title></rect>\n", x, top + h - bh, bw, bh, label,
			    (unsigned long long)rp->buckets[i]);
		size_t every = rp->nbuckets > 48 ? 12 : rp->nbuckets > 12 ? 3 : 1;
		if (i % every == 0)
			sbuf_printf(o, "<text x=\"%d\" y=\"%d\" class=xl transform=\"rotate(60 %d "
				    "%d)\">%s</text>\n", x + 2, top + h + 12, x + 2, top + h + 12,
				    label);
	}
	sbuf_adds(o, "</svg>\n");
}

void report_html(struct report *rp, FILE *f, enum lang l)
{
	char a[20], b[20], off[16];
	struct sbuf o, s;
	sbuf_init(&o);
	sbuf_init(&s);
	fmt_offset(rp->off, off);
	fmt_time(rp->from_us == INT64_MIN ? rp->first_us : rp->from_us, rp->off, a);
	fmt_time(rp->to_us == INT64_MAX ? rp->last_us : rp->to_us, rp->off, b);
	sbuf_printf(&o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>", l == LANG_ZH ? "zh-CN" : "en");
	sbuf_adds(&o, msg(l, MSG_REPORT_HEADING));
	if (rp->school) {
		sbuf_adds(&o, " — ");
		report_html_escape(&o, rp->school);
	}
	sbuf_adds(&o, "</title>\n<style>\n"
		  "body{font-family:sans-serif;margin:2em;color:#222}\n"
		  "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
		  "th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left;"
		  "word-break:break-all;max-width:40em}\n"
		  "th{background:#eee}td.n{text-align:right}\n"
		  "svg rect{fill:#c0392b}svg .ax{stroke:#555}\n"
		  "svg text{font-size:10px;fill:#333}svg .yl{text-anchor:end}\n"
		  ".ok{color:#1e7b34}.bad{color:#b00;font-weight:bold}\n"
		  "code{word-break:break-all}\n"
		  "</style>\n</head>\n<body>\n<h1>");
	sbuf_adds(&o, msg(l, MSG_REPORT_HEADING));
	sbuf_adds(&o, "</h1>\n");
	if (rp->school) {
		sbuf_printf(&o, "<p>%s", msg(l, MSG_REPORT_SCHOOL));
		report_html_escape(&o, rp->school);
		sbuf_adds(&o, "</p>\n");
	}
	msg_sbuf_printf(&o, l, MSG_REPORT_PERIOD_HTML,
			a, b, off, (unsigned long long)rp->total);
	html_chart(rp, &o, l);
	for (int t = 0; t < T_COUNT; t++)
		html_table(rp, &o, l, t);
	sbuf_printf(&o, "<h2>%s</h2>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "</tr>\n", msg(l, MSG_REPORT_JOURNAL_DIGESTS), msg(l, MSG_REPORT_DAY),
		    msg(l, MSG_REPORT_EVENTS), msg(l, MSG_REPORT_SEQUENCE),
		    msg(l, MSG_REPORT_LAST_HASH));
	for (size_t i = 0; i < rp->ndg; i++) {
		char hex[JOURNAL_HEX_LEN];
		journal_hex(rp->dg[i].last_hash, hex);
		sbuf_printf(&o, "<tr><td>%s</td><td class=n>%llu</td><td>%llu..%llu</td>"
			    "<td><code>%s</code></td></tr>\n", rp->dg[i].day,
			    (unsigned long long)rp->dg[i].count,
			    (unsigned long long)rp->dg[i].first_seq,
			    (unsigned long long)rp->dg[i].last_seq, hex);
	}
	if (rp->ndg == 0)
		sbuf_printf(&o, "<tr><td colspan=4>%s</td></tr>\n",
			    msg(l, MSG_REPORT_NO_DIGEST));
	sbuf_adds(&o, "</table>\n");
	if (rp->verified && rp->vr.status == 0 && rp->vr.last_seq)
		msg_sbuf_printf(&o, l, MSG_REPORT_CHAIN_HEAD_HTML,
				(unsigned long long)rp->vr.last_seq, rp->vr.last_hash);
	sbuf_printf(&o, "<p class=%s>%s", rp->verified && rp->vr.status == 0 ? "ok" : "bad",
		    msg(l, MSG_REPORT_INTEGRITY));
	report_html_escape(&o, verify_line(rp, l, &s));
	sbuf_adds(&o, "</p>\n</body>\n</html>\n");
	fwrite(o.data, 1, o.len, f);
	sbuf_free(&o);
	sbuf_free(&s);
}
