/* view_journal: the console's journal pages. /journal: the filters of `campusgate
 * journal` as a GET form and a page of the newest events (50, a cursor to older ones);
 * /journal/event?id=ID: one event (the id a block page shows); /journal/client?addr=IP:
 * that device's last 3 hours; /journal/csv: the CSV of `campusgate journal --csv` with
 * the same filters. All through review_page.h, and every query limited to the account's
 * groups when it is scoped (an event of another group is "not found"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_journal.h"
#include "review_page.h"
#include "tz.h"
#include "views.h"

#define JOURNAL_PAGE 50          /* events a page */
#define JOURNAL_CSV_MAX 100000   /* events of one export */
#define CLIENT_HOURS 3

/* A query argument, NULL when absent or empty. */
static const char *qarg(const struct hctx *h, const char *key)
{
	const char *v = srv_query(h, key);
	return v && *v ? v : NULL;
}

/* Say that field `what` has a bad value v. */
static void bad_field(struct sbuf *err, enum lang l, enum msg_id what, const char *v)
{
	msg_sbuf_printf(err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, what), v);
}

/* "TIME.SEQ": a cursor from a pager link. */
static int parse_cursor(const char *s, struct review_cursor *c)
{
	const char *dot = strchr(s, '.');
	unsigned long long t, q;
	char num[24];
	if (!dot || (size_t)(dot - s) >= sizeof num)
		return -1;
	memcpy(num, s, (size_t)(dot - s));
	num[dot - s] = '\0';
	if (parse_uint(num, 0, INT64_MAX - 1, &t) < 0 || parse_uint(dot + 1, 0, UINT64_MAX, &q) < 0)
		return -1;
	c->time_us = (int64_t)t;
	c->seq = q;
	return 0;
}

/* The account's scope on f. */
static void scope(const struct hctx *h, struct review_filter *f)
{
	if (h->scoped)
		review_filter_scope(f, (const char *const *)h->acc->groups, h->acc->n_groups);
}

/* A value of at most max bytes; else an error. */
static int short_value(const char *v, size_t max, struct sbuf *err, enum lang l, enum msg_id what)
{
	if (!v || strlen(v) <= max)
		return 0;
	bad_field(err, l, what, "…");
	return -1;
}

/* The time range: from/to (school time), else since (a duration or "all"; 24 h when
 * nothing is given). */
static int parse_range(struct jq *q, const struct tz *tz, struct sbuf *err, enum lang l)
{
	int64_t now = now_wall_us(), d;
	struct review_filter *f = &q->f;
	if (q->from || q->to) {
		if (q->from && review_parse_time(q->from, tz, false, &f->from_us) < 0) {
			bad_field(err, l, MSG_CONSOLE_J_FROM, q->from);
			return -1;
		}
		if (q->to && review_parse_time(q->to, tz, true, &f->to_us) < 0) {
			bad_field(err, l, MSG_CONSOLE_J_TO, q->to);
			return -1;
		}
		return 0;
	}
	if (q->since && strcmp(q->since, "all") == 0)
		return 0;
	if (review_parse_duration(q->since ? q->since : "24h", &d) < 0) {
		bad_field(err, l, MSG_CONSOLE_J_SINCE, q->since);
		return -1;
	}
	f->from_us = now - d;
	return 0;
}

/* Read the journal query of h into q; 0, or -1 with the reason in err. */
static int jq_parse(const struct hctx *h, struct jq *q, const struct tz *tz, struct sbuf *err)
{
	enum lang l = h->pc.l;
	memset(q, 0, sizeof *q);
	review_filter_init(&q->f);
	q->before.time_us = INT64_MAX;
	q->since = qarg(h, "since");
	q->from = qarg(h, "from");
	q->to = qarg(h, "to");
	q->client = qarg(h, "client");
	q->f.group = q->group = qarg(h, "group");
	q->f.category = q->category = qarg(h, "category");
	q->f.event = q->event = qarg(h, "event");
	q->f.action = q->action = qarg(h, "action");
	q->f.proto = q->proto = qarg(h, "proto");
	q->f.host = q->host = qarg(h, "host");
	scope(h, &q->f);
	const char *before = qarg(h, "before");
	if (short_value(q->host, 253, err, l, MSG_CONSOLE_J_HOST) < 0 ||
	    short_value(q->category, 64, err, l, MSG_CONSOLE_J_CATEGORY) < 0 ||
	    short_value(q->group, 64, err, l, MSG_CONSOLE_J_GROUP) < 0 ||
	    short_value(q->event, 32, err, l, MSG_CONSOLE_J_EVENT) < 0 ||
	    short_value(q->action, 32, err, l, MSG_CONSOLE_J_ACTION) < 0 ||
	    short_value(q->proto, 16, err, l, MSG_CONSOLE_J_PROTO) < 0 ||
	    short_value(q->since, 16, err, l, MSG_CONSOLE_J_SINCE) < 0 ||
	    short_value(q->from, 32, err, l, MSG_CONSOLE_J_FROM) < 0 ||
	    short_value(q->to, 32, err, l, MSG_CONSOLE_J_TO) < 0)
		return -1;
	if (q->client && (strlen(q->client) > 64 || review_filter_client(&q->f, q->client) < 0)) {
		bad_field(err, l, MSG_CONSOLE_J_CLIENT, q->client);
		return -1;
	}
	if (before && parse_cursor(before, &q->before) < 0) {
		bad_field(err, l, MSG_CONSOLE_J_OLDER, before);
		return -1;
	}
	if (parse_range(q, tz, err, l) < 0) {
		sbuf_adds(err, " ");
		sbuf_adds(err, msg(l, MSG_CONSOLE_J_BAD_TIME_HINT));
		return -1;
	}
	return 0;
}

static void jpage_init(struct jpage *jp, const struct hctx *h)
{
	memset(jp, 0, sizeof *jp);
	jp->c = &h->pc;
	jp->cfg = h->s->cfg;
	jp->scoped = h->scoped;
	if (h->scoped) {
		jp->scope = (const char *const *)h->acc->groups;
		jp->n_scope = h->acc->n_groups;
	}
}

static struct tz *school_tz(const struct hctx *h)
{
	const char *err = NULL;
	const char *zone = h->s->cfg->timezone ? h->s->cfg->timezone : "Asia/Shanghai";
	struct tz *tz = tz_load(zone, &err);
	if (!tz)
		log_err("console: time zone %s: %s", zone, err);
	return tz;
}

/* Read a page of q into p; on failure say why in err. */
static int read_page(const struct hctx *h, const struct jq *q, size_t n, struct review_page *p,
		     struct jpage *jp, struct sbuf *err)
{
	const char *why = NULL;
	if (review_page_read(h->s->cfg->journal.dir, &q->f, &q->before, n, p, &jp->bad,
			     &why) == 0)
		return 0;
	msg_sbuf_printf(err, h->pc.l, MSG_CONSOLE_J_READ_FAILED, why ? why : "?");
	return -1;
}

static enum MHD_Result journal_list(struct hctx *h)
{
	struct jq q;
	struct jpage jp;
	struct review_page p;
	struct sbuf err, page;
	unsigned status = 200;
	struct tz *tz = school_tz(h);
	sbuf_init(&err);
	sbuf_init(&page);
	jpage_init(&jp, h);
	memset(&p, 0, sizeof p);
	bool ok = jq_parse(h, &q, tz, &err) == 0;
	if (!ok)
		status = 400;
	else if (read_page(h, &q, JOURNAL_PAGE, &p, &jp, &err) < 0)
		status = 500, ok = false;
	sbuf_adds(&err, "");
	jp.error = err.len ? err.data : NULL;
	page_journal(&page, &jp, &q, ok ? &p : NULL);
	review_page_free(&p);
	sbuf_free(&err);
	if (tz)
		tz_free(tz);
	return srv_page(h, status, &page);
}

/* An event id as the journal writes them: letters and digits. */
static bool id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
		      (id[i] >= '0' && id[i] <= '9')))
			return false;
	return true;
}

static enum MHD_Result journal_event(struct hctx *h)
{
	const char *id = qarg(h, "id");
	struct review_filter f;
	struct review_cursor newest = { INT64_MAX, 0 };
	struct review_page p;
	struct jpage jp;
	const char *why = NULL;
	if (!id_ok(id))
		return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_EV_NOT_FOUND);
	review_filter_init(&f);
	f.id = id;
	scope(h, &f);
	if (review_page_read(h->s->cfg->journal.dir, &f, &newest, 1, &p, NULL, &why) < 0) {
		log_err("console: journal %s: %s", h->s->cfg->journal.dir, why);
		return srv_message(h, 500, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	}
	if (p.n == 0) {
		review_page_free(&p);
		return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_EV_NOT_FOUND);
	}
	struct sbuf page;
	sbuf_init(&page);
	jpage_init(&jp, h);
	page_event(&page, &jp, &p.hits[0].r);
	review_page_free(&p);
	return srv_page(h, 200, &page);
}

static enum MHD_Result journal_client(struct hctx *h)
{
	const char *addr = qarg(h, "addr");
	const char *before = qarg(h, "before");
	struct cg_addr a;
	struct jq q;
	struct jpage jp;
	struct review_page p;
	struct sbuf err, page;
	if (!addr)
		addr = qarg(h, "client"); /* the pager's links */
	if (!addr || strlen(addr) > 64 || addr_parse(addr, &a) < 0)
		return srv_message(h, 400, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	memset(&q, 0, sizeof q);
	review_filter_init(&q.f);
	q.before.time_us = INT64_MAX;
	q.client = addr;
	review_filter_client(&q.f, addr);
	q.f.from_us = now_wall_us() - (int64_t)CLIENT_HOURS * 3600 * 1000000;
	scope(h, &q.f);
	if (before && parse_cursor(before, &q.before) < 0)
		return srv_message(h, 400, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	sbuf_init(&err);
	sbuf_init(&page);
	jpage_init(&jp, h);
	bool ok = read_page(h, &q, JOURNAL_PAGE, &p, &jp, &err) == 0;
	sbuf_adds(&err, "");
	jp.error = err.len ? err.data : NULL;
	page_client(&page, &jp, addr, &q, ok ? &p : NULL);
	review_page_free(&p);
	sbuf_free(&err);
	return srv_page(h, ok ? 200 : 500, &page);
}

static enum MHD_Result journal_csv(struct hctx *h)
{
	struct jq q;
	struct sbuf err;
	char *buf = NULL;
	size_t len = 0;
	uint64_t rows = 0, bad = 0;
	const char *why = NULL;
	struct tz *tz = school_tz(h);
	sbuf_init(&err);
	int rc = jq_parse(h, &q, tz, &err);
	if (tz)
		tz_free(tz);
	sbuf_free(&err);
	if (rc < 0)
		return srv_message(h, 400, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	q.f.limit = JOURNAL_CSV_MAX;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return MHD_NO;
	rc = review_export(h->s->cfg->journal.dir, &q.f, m, REVIEW_CSV, h->pc.l, &rows, &bad, &why);
	fclose(m);
	if (rc < 0) {
		log_err("console: CSV export of %s: %s", h->s->cfg->journal.dir, why);
		free(buf);
		return srv_message(h, 500, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	}
	log_info("console: %s exported %llu events as CSV", h->acc->name, (unsigned long long)rows);
	enum MHD_Result r = srv_download(h, "text/csv; charset=utf-8", "journal.csv", buf, len);
	free(buf);
	return r;
}

enum MHD_Result view_journal(struct hctx *h)
{
	if (h->m != METHOD_GET)
		return srv_message(h, 405, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	if (strcmp(h->url, "/journal") == 0 || strcmp(h->url, "/journal/") == 0)
		return journal_list(h);
	if (strcmp(h->url, "/journal/event") == 0)
		return journal_event(h);
	if (strcmp(h->url, "/journal/client") == 0)
		return journal_client(h);
	if (strcmp(h->url, "/journal/csv") == 0)
		return journal_csv(h);
	return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT);
}
