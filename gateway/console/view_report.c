/* view_report: the console's /report: the 12-hour incident report of `campusgate report`
 * (report_html.c's contents, its own style sheet /static/report.css, print rules
 * included; no inline style), for a period the reader picks, limited to the account's
 * groups when it is scoped. Printing leaves out the console's menu and this form. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal_verify.h"
#include "page_journal.h"
#include "report.h"
#include "review_page.h"
#include "tz.h"
#include "views.h"

#define REPORT_DEFAULT_US (12LL * 3600 * 1000000)

struct rq {
	const char *since, *from, *to, *group;
	struct review_filter f;
};

static const char *qarg(const struct hctx *h, const char *key)
{
	const char *v = srv_query(h, key);
	return v && *v && strlen(v) <= 64 ? v : NULL;
}

/* The period: from/to, or since (12 h by default), ending now. 0 or -1 (err says). */
static int rq_parse(const struct hctx *h, struct rq *q, const struct tz *tz, struct sbuf *err)
{
	enum lang l = h->pc.l;
	int64_t now = now_wall_us(), d = REPORT_DEFAULT_US;
	memset(q, 0, sizeof *q);
	review_filter_init(&q->f);
	q->since = qarg(h, "since");
	q->from = qarg(h, "from");
	q->to = qarg(h, "to");
	q->f.group = q->group = qarg(h, "group");
	if (h->scoped)
		review_filter_scope(&q->f, (const char *const *)h->acc->groups, h->acc->n_groups);
	if (q->from || q->to) {
		q->f.to_us = now;
		if (q->to && review_parse_time(q->to, tz, true, &q->f.to_us) < 0) {
			msg_sbuf_printf(err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, MSG_CONSOLE_J_TO), q->to);
			return -1;
		}
		q->f.from_us = q->f.to_us - REPORT_DEFAULT_US;
		if (q->from && review_parse_time(q->from, tz, false, &q->f.from_us) < 0) {
			msg_sbuf_printf(err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, MSG_CONSOLE_J_FROM),
					q->from);
			return -1;
		}
		if (q->f.from_us > q->f.to_us) {
			msg_sbuf_printf(err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, MSG_CONSOLE_J_FROM),
					q->from ? q->from : "");
			return -1;
		}
		return 0;
	}
	if (q->since && review_parse_duration(q->since, &d) < 0) {
		msg_sbuf_printf(err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, MSG_CONSOLE_J_SINCE), q->since);
		return -1;
	}
	q->f.from_us = now - d;
	q->f.to_us = now;
	return 0;
}

static void option(struct sbuf *out, const char *v, const char *text, bool sel)
{
	sbuf_printf(out, "<option value=\"%s\"%s>", v, sel ? " selected" : "");
	page_text(out, text);
	sbuf_adds(out, "</option>");
}

static void report_form(struct sbuf *out, const struct hctx *h, const struct rq *q)
{
	static const struct { const char *v; int n; bool days; } spans[] = {
		{ "12h", 12, false }, { "24h", 24, false }, { "3d", 3, true }, { "7d", 7, true },
		{ "30d", 30, true },
	};
	enum lang l = h->pc.l;
	const char *cur = q->since ? q->since : "12h";
	sbuf_adds(out, "<section class=\"noprint\"><form method=\"get\" action=\"/report\" "
		       "class=\"filters\"><label>");
	page_escape(out, msg(l, MSG_CONSOLE_J_SINCE));
	sbuf_adds(out, "<select name=\"since\">");
	for (size_t i = 0; i < CG_ARRAY_LEN(spans); i++) {
		struct sbuf t;
		sbuf_init(&t);
		if (spans[i].days)
			msg_sbuf_printf(&t, l, MSG_CONSOLE_J_LAST_DAYS, spans[i].n);
		else
			msg_sbuf_printf(&t, l, MSG_CONSOLE_J_LAST_HOURS, spans[i].n);
		option(out, spans[i].v, t.data, strcmp(cur, spans[i].v) == 0);
		sbuf_free(&t);
	}
	sbuf_adds(out, "</select></label>");
	const char *fields[][2] = { { "from", q->from }, { "to", q->to } };
	for (size_t i = 0; i < 2; i++) {
		sbuf_adds(out, "<label>");
		page_escape(out, msg(l, i ? MSG_CONSOLE_J_TO : MSG_CONSOLE_J_FROM));
		sbuf_printf(out, "<input type=\"datetime-local\" name=\"%s\" value=\"", fields[i][0]);
		page_text(out, fields[i][1] ? fields[i][1] : "");
		sbuf_adds(out, "\"></label>");
	}
	if (q->group) {
		sbuf_adds(out, "<input type=\"hidden\" name=\"group\" value=\"");
		page_text(out, q->group);
		sbuf_adds(out, "\">");
	}
	sbuf_adds(out, "<div class=\"actions\"><button type=\"submit\">");
	page_escape(out, msg(l, MSG_CONSOLE_R_SHOW));
	sbuf_adds(out, "</button></div></form><p>");
	page_escape(out, msg(l, MSG_CONSOLE_R_PRINT));
	sbuf_adds(out, "</p></section>");
}

static int add_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	CG_UNUSED(line);
	CG_UNUSED(len);
	report_add(ctx, r);
	return 0;
}

/* The report of q (as `campusgate report` builds it) into out; 0, or -1 (why). */
static int report_build(const struct hctx *h, const struct rq *q, const struct tz *tz,
			struct sbuf *out, const char **why)
{
	const struct config *cfg = h->s->cfg;
	int32_t off = (int32_t)tz_offset(tz, (time_t)(q->f.to_us / 1000000));
	struct report *rp = report_new(cfg->journal.school, q->f.from_us, q->f.to_us, off, 0);
	struct journal_verify_result vr;
	report_set_listing(rp, 0, NULL);
	for (size_t i = 0; i < cfg->n_categories; i++)
		report_set_category(rp, cfg->categories[i].name, cfg->categories[i].title_zh,
				    cfg->categories[i].title_en);
	if (review_scan(cfg->journal.dir, &q->f, add_cb, rp, NULL, why) < 0) {
		report_free(rp);
		return -1;
	}
	report_set_digests(rp, cfg->journal.dir);
	journal_verify(cfg->journal.dir, journal_day(q->f.from_us, off), &vr);
	report_set_verify(rp, &vr);
	report_html_body(rp, out, h->pc.l);
	report_free(rp);
	return 0;
}

/* Links to the period's events on /journal and as CSV (all of them, where the report
 * lists at most REPORT_PER_CATEGORY a category). */
static void period_links(struct sbuf *out, const struct hctx *h, const struct rq *q,
			 const struct tz *tz)
{
	enum lang l = h->pc.l;
	char a[20], z[20];
	int32_t off = (int32_t)tz_offset(tz, (time_t)(q->f.to_us / 1000000));
	struct jq j;
	memset(&j, 0, sizeof j);
	report_fmt_time(q->f.from_us, off, a);
	report_fmt_time(q->f.to_us, off, z);
	j.from = a;
	j.to = z;
	j.group = q->group;
	static const struct { const char *path; enum msg_id m; } links[] = {
		{ "/journal", MSG_CONSOLE_R_JOURNAL }, { "/journal/csv", MSG_CONSOLE_J_CSV },
	};
	sbuf_adds(out, "<section class=\"noprint\"><nav class=\"pager\">");
	for (size_t i = 0; i < CG_ARRAY_LEN(links); i++) {
		struct sbuf u;
		sbuf_init(&u);
		jq_url(&u, links[i].path, &j, NULL);
		sbuf_adds(&u, "");
		sbuf_adds(out, "<a href=\"");
		page_escape(out, u.data);
		sbuf_adds(out, "\">");
		page_escape(out, msg(l, links[i].m));
		sbuf_adds(out, "</a>");
		sbuf_free(&u);
	}
	sbuf_adds(out, "</nav></section>");
}

enum MHD_Result view_report(struct hctx *h)
{
	const char *zone = h->s->cfg->timezone ? h->s->cfg->timezone : "Asia/Shanghai";
	const char *why = NULL;
	struct rq q;
	struct sbuf err, page;
	unsigned status = 200;
	if (h->m != METHOD_GET || (strcmp(h->url, "/report") != 0 && strcmp(h->url, "/report/") != 0))
		return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT);
	struct tz *tz = tz_load(zone, &why);
	if (!tz) {
		log_err("console: time zone %s: %s", zone, why);
		return srv_message(h, 500, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	}
	sbuf_init(&err);
	sbuf_init(&page);
	page_head(&page, h->pc.l, MSG_CONSOLE_R_HEAD);
	page_bar(&page, &h->pc);
	/* body-ok: the report's own sheet, served by the console (CSP: 'self') */
	sbuf_adds(&page, "<link rel=\"stylesheet\" href=\"/static/report.css\">");
	int rc = rq_parse(h, &q, tz, &err);
	report_form(&page, h, &q);
	if (rc == 0) {
		sbuf_adds(&page, "<section class=\"report\" id=\"report\">");
		if (report_build(h, &q, tz, &page, &why) < 0) {
			msg_sbuf_printf(&err, h->pc.l, MSG_CONSOLE_J_READ_FAILED, why ? why : "?");
			status = 500;
		}
		sbuf_adds(&page, "</section>");
		period_links(&page, h, &q, tz);
	} else {
		status = 400;
	}
	if (err.len) {
		sbuf_adds(&err, "");
		sbuf_adds(&page, "<section><p class=\"note\" role=\"alert\">");
		page_text(&page, err.data);
		sbuf_adds(&page, "</p></section>");
	}
	page_tail(&page);
	sbuf_free(&err);
	tz_free(tz);
	return srv_page(h, status, &page);
}
