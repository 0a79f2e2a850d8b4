/* page_dashboard: the dashboard's HTML (page_dashboard.h). Every string from the journal
 * or the daemon is escaped; the charts are the HTML report's (report_html_chart). */
#include "page_dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The value of key in the daemon's "key value" lines, copied into buf; NULL when absent. */
static const char *st(const char *status, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	for (const char *p = status; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > klen && memcmp(p, key, klen) == 0 && p[klen] == ' ') {
			size_t v = n - klen - 1 < size - 1 ? n - klen - 1 : size - 1;
			memcpy(buf, p + klen + 1, v);
			buf[v] = '\0';
			return buf;
		}
		p += n + (nl != NULL);
	}
	return NULL;
}

static unsigned long long stu(const char *status, const char *key)
{
	char b[64];
	return st(status, key, b, sizeof b) ? strtoull(b, NULL, 10) : 0;
}

static void card(struct sbuf *out, enum lang l, const char *id, enum msg_id label, uint64_t n,
		 bool alert)
{
	sbuf_printf(out, "<div class=\"card%s\" id=\"%s\"><span class=\"n\">%llu</span>"
		    "<span class=\"t\">", alert && n ? " alert" : "", id, (unsigned long long)n);
	page_escape(out, msg(l, label));
	sbuf_adds(out, "</span></div>");
}

static void chart(struct sbuf *out, enum lang l, const char *id, enum msg_id title,
		  struct report *rp)
{
	sbuf_printf(out, "<section class=\"chart\" id=\"%s\"><h2>", id);
	page_escape(out, msg(l, title));
	sbuf_adds(out, "</h2>");
	report_html_chart(rp, out, l, msg(l, title));
	sbuf_adds(out, "</section>\n");
}

static void th(struct sbuf *out, enum lang l, enum msg_id m)
{
	sbuf_adds(out, "<th>");
	page_escape(out, msg(l, m));
	sbuf_adds(out, "</th>");
}

static void top_table(struct sbuf *out, enum lang l, const char *id, enum msg_id title,
		      enum msg_id col, const struct dash_top *t, size_t n, bool sites)
{
	sbuf_printf(out, "<section id=\"%s\"><h2>", id);
	page_escape(out, msg(l, title));
	sbuf_adds(out, "</h2>");
	if (n == 0) {
		sbuf_adds(out, "<p>");
		page_escape(out, msg(l, MSG_CONSOLE_DASH_NONE));
		sbuf_adds(out, "</p></section>");
		return;
	}
	sbuf_adds(out, "<table class=\"list\"><thead><tr>");
	th(out, l, col);
	th(out, l, MSG_CONSOLE_DASH_COL_COUNT);
	sbuf_adds(out, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		sbuf_adds(out, "<tr><td>");
		if (sites) {
			char *s = report_site(t[i].key);
			page_escape(out, s);
			free(s);
		} else {
			sbuf_adds(out, "<a href=\"/journal?client=");
			page_escape(out, t[i].key); /* an address: no character to encode */
			sbuf_adds(out, "\">");
			page_escape(out, t[i].key);
			sbuf_adds(out, "</a>");
		}
		sbuf_printf(out, "</td><td class=\"num\">%llu</td></tr>", (unsigned long long)t[i].n);
	}
	sbuf_adds(out, "</tbody></table></section>");
}

static const char *cat_title(const struct config *cfg, const char *name, enum lang l)
{
	for (size_t i = 0; cfg && name && i < cfg->n_categories; i++) {
		const struct cfg_category *c = &cfg->categories[i];
		if (strcmp(c->name, name) == 0) {
			const char *t = l == LANG_ZH ? c->title_zh : c->title_en;
			return t ? t : name;
		}
	}
	return name ? name : "-";
}

static void recent(struct sbuf *out, enum lang l, const struct dash_page *p)
{
	const struct dashboard *d = p->d;
	sbuf_adds(out, "<section id=\"bypass\"><h2>");
	page_escape(out, msg(l, MSG_CONSOLE_DASH_RECENT_BYPASS));
	sbuf_adds(out, "</h2>");
	if (d->nrecent == 0) {
		sbuf_adds(out, "<p>");
		page_escape(out, msg(l, MSG_CONSOLE_DASH_NONE));
		sbuf_adds(out, "</p></section>\n");
		return;
	}
	sbuf_adds(out, "<table class=\"list\"><thead><tr>");
	th(out, l, MSG_CONSOLE_DASH_COL_TIME);
	th(out, l, MSG_CONSOLE_DASH_COL_CLIENT);
	th(out, l, MSG_CONSOLE_DASH_COL_SITE);
	th(out, l, MSG_CONSOLE_DASH_COL_CATEGORY);
	th(out, l, MSG_CONSOLE_DASH_COL_ID);
	sbuf_adds(out, "</tr></thead><tbody>");
	for (size_t i = 0; i < d->nrecent; i++) {
		const struct dash_event *e = &d->recent[i];
		char t[20];
		char *site = report_site(e->host);
		report_fmt_time(e->time_us, e->off, t);
		sbuf_printf(out, "<tr><td class=\"t\">%s</td><td>", t);
		page_escape(out, e->client ? e->client : "-");
		sbuf_adds(out, "</td><td>");
		page_escape(out, site);
		sbuf_adds(out, "</td><td>");
		page_escape(out, cat_title(p->cfg, e->category, l));
		sbuf_adds(out, "</td><td><code>");
		page_escape(out, e->id ? e->id : "-");
		sbuf_adds(out, "</code></td></tr>");
		free(site);
	}
	sbuf_adds(out, "</tbody></table></section>\n");
}

static void journal_part(struct sbuf *out, enum lang l, const struct dash_page *p)
{
	const struct dashboard *d = p->d;
	if (!d) {
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_DASH_JOURNAL_ERR, p->jerr ? p->jerr : "?");
		sbuf_adds(out, "<p class=\"note\" role=\"alert\">");
		page_escape(out, t.data);
		sbuf_adds(out, "</p>");
		sbuf_free(&t);
		return;
	}
	sbuf_adds(out, "<section class=\"cards\" id=\"numbers\">");
	card(out, l, "blocks-24h", MSG_CONSOLE_DASH_BLOCKS_24H, d->blocks_24h, false);
	card(out, l, "blocks-7d", MSG_CONSOLE_DASH_BLOCKS_7D, d->blocks_7d, false);
	card(out, l, "bypass-24h", MSG_CONSOLE_DASH_BYPASS_24H, d->bypass_24h, true);
	card(out, l, "bypass-7d", MSG_CONSOLE_DASH_BYPASS_7D, d->bypass_7d, true);
	card(out, l, "alarms", MSG_CONSOLE_DASH_ALARMS, d->alarms_7d, true);
	sbuf_adds(out, "</section>\n");
	chart(out, l, "chart-24h", MSG_CONSOLE_DASH_CHART_24H, d->hours);
	chart(out, l, "chart-7d", MSG_CONSOLE_DASH_CHART_7D, d->days);
	sbuf_adds(out, "<div class=\"two\">");
	top_table(out, l, "top-clients", MSG_CONSOLE_DASH_TOP_CLIENTS, MSG_CONSOLE_DASH_COL_CLIENT,
		  d->clients, d->nclients, false);
	top_table(out, l, "top-sites", MSG_CONSOLE_DASH_TOP_SITES, MSG_CONSOLE_DASH_COL_SITE,
		  d->sites, d->nsites, true);
	sbuf_adds(out, "</div>\n");
	recent(out, l, p);
}

/* One row of the status table: a label, and a value made by the caller in v. */
static void row(struct sbuf *out, enum lang l, const char *id, enum msg_id label,
		const struct sbuf *v, bool alert)
{
	sbuf_printf(out, "<tr id=\"st-%s\"%s><th>", id, alert ? " class=\"alert\"" : "");
	page_escape(out, msg(l, label));
	sbuf_adds(out, "</th><td>");
	page_escape(out, v->data ? v->data : "");
	sbuf_adds(out, "</td></tr>");
}

static void status_rows(struct sbuf *out, enum lang l, const struct dash_page *p)
{
	const char *s = p->status;
	char a[64], b[64], c[64], d[64], e[64], f[64];
	struct sbuf v;
	sbuf_init(&v);
	sbuf_adds(&v, st(s, "version", a, sizeof a) ? a : "?");
	row(out, l, "version", MSG_CONSOLE_DASH_ST_VERSION, &v, false);
	long long up = (long long)stu(s, "uptime_s");
	sbuf_reset(&v);
	msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_UPTIME, up / 86400, up % 86400 / 3600, up % 3600 / 60);
	row(out, l, "uptime", MSG_CONSOLE_DASH_ST_UPTIME, &v, false);
	unsigned long long q = stu(s, "dns_queries"), hits = stu(s, "dns_cache_hits");
	if (st(s, "dns_queries", a, sizeof a)) {
		double avg = up > 0 ? (double)q / (double)up : 0.0;
		sbuf_reset(&v);
		if (st(s, "dns_qps_recent", b, sizeof b))
			msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_QPS, b, avg);
		else
			msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_QPS_AVG, avg);
		row(out, l, "qps", MSG_CONSOLE_DASH_ST_QPS, &v, false);
		sbuf_reset(&v);
		msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_CACHE, q ? 100.0 * (double)hits / (double)q : 0.0,
				q, stu(s, "dns_blocked"));
		row(out, l, "cache", MSG_CONSOLE_DASH_ST_CACHE, &v, false);
	}
	bool failed = st(s, "last_reload", a, sizeof a) && strncmp(a, "failed", 6) == 0;
	sbuf_reset(&v);
	msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_POLICY, (long long)stu(s, "policy_age_s") / 60,
			stu(s, "reloads"), stu(s, "reload_failures"),
			failed ? msg(l, MSG_CONSOLE_DASH_LAST_RELOAD_FAILED) : "");
	row(out, l, "policy", MSG_CONSOLE_DASH_ST_POLICY, &v, failed);
	sbuf_reset(&v);
	msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_LISTS,
			st(s, "policy_lists", a, sizeof a) ? a : "?",
			st(s, "policy_domains", b, sizeof b) ? b : "?",
			st(s, "policy_exact", c, sizeof c) ? c : "?",
			st(s, "policy_urls", d, sizeof d) ? d : "?",
			st(s, "policy_patterns", e, sizeof e) ? e : "?",
			st(s, "policy_allow_rules", f, sizeof f) ? f : "?");
	row(out, l, "lists", MSG_CONSOLE_DASH_ST_LISTS, &v, false);
	sbuf_reset(&v);
	msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_JOURNAL,
			st(s, "journal_written", a, sizeof a) ? a : "?",
			st(s, "journal_seq", b, sizeof b) ? b : "?",
			st(s, "journal_dropped", c, sizeof c) ? c : "?",
			st(s, "journal_write_errors", d, sizeof d) ? d : "?");
	bool low = stu(s, "journal_low_space") > 0;
	if (low) {
		sbuf_adds(&v, " — ");
		msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_LOW_SPACE,
				st(s, "journal_low_space_skipped", e, sizeof e) ? e : "?");
	}
	row(out, l, "journal", MSG_CONSOLE_DASH_ST_JOURNAL, &v,
	    low || stu(s, "journal_dropped") || stu(s, "journal_write_errors"));
	if (p->digest) {
		sbuf_reset(&v);
		msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_DIGEST, p->digest->day,
				(unsigned long long)p->digest->count,
				(unsigned long long)p->digest->last_seq);
		row(out, l, "digest", MSG_CONSOLE_DASH_ST_DIGEST, &v, false);
	}
	sbuf_reset(&v);
	sbuf_adds(&v, msg(l, MSG_CONSOLE_DASH_VERIFY));
	row(out, l, "verify", MSG_CONSOLE_DASH_ST_VERIFY, &v, false);
	unsigned long long fr = stu(s, "journal_free_mb"), all = stu(s, "journal_disk_mb");
	if (all) {
		sbuf_reset(&v);
		msg_sbuf_printf(&v, l, MSG_CONSOLE_DASH_DISK, fr, all, 100.0 * (double)fr / (double)all);
		row(out, l, "disk", MSG_CONSOLE_DASH_ST_DISK, &v, fr * 10 < all);
	}
	sbuf_free(&v);
}

/* Every key and value as the daemon sent them, under the summary. */
static void status_raw(struct sbuf *out, enum lang l, const char *status)
{
	sbuf_adds(out, "<h3>");
	page_escape(out, msg(l, MSG_CONSOLE_DASH_ST_RAW));
	sbuf_adds(out, "</h3><table class=\"status raw\" id=\"status-raw\">");
	for (const char *p = status; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		char *sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';
		sbuf_adds(out, "<tr><th>");
		page_escape(out, line);
		sbuf_adds(out, "</th><td>");
		page_escape(out, sp ? sp : "");
		sbuf_adds(out, "</td></tr>");
		free(line);
		p += n + (nl != NULL);
	}
	sbuf_adds(out, "</table>");
}

void page_dashboard(struct sbuf *out, const struct page_ctx *c, const struct dash_page *p)
{
	enum lang l = c->l;
	page_head(out, l, MSG_CONSOLE_DASHBOARD);
	page_bar(out, c);
	sbuf_adds(out, "<h1>");
	page_escape(out, msg(l, MSG_CONSOLE_DASHBOARD));
	sbuf_adds(out, "</h1>");
	if (p->scope) {
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_DASH_SCOPED, p->scope);
		sbuf_adds(out, "<p class=\"scope\" id=\"scope\">");
		page_escape(out, t.data);
		sbuf_adds(out, "</p>");
		sbuf_free(&t);
	}
	journal_part(out, l, p);
	sbuf_adds(out, "<section id=\"gateway\"><h2>");
	page_escape(out, msg(l, MSG_CONSOLE_STATUS_HEAD));
	sbuf_adds(out, "</h2>");
	if (!p->status) {
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_STATUS_DOWN, p->why ? p->why : "?");
		sbuf_adds(out, "<p class=\"note\" role=\"alert\">");
		page_escape(out, t.data);
		sbuf_adds(out, "</p>");
		sbuf_free(&t);
	} else {
		sbuf_adds(out, "<table class=\"status summary\" id=\"status\">");
		status_rows(out, l, p);
		sbuf_adds(out, "</table>");
		status_raw(out, l, p->status);
	}
	sbuf_adds(out, "</section>");
	page_tail(out);
}
