/* report_html: the incident report as one self-contained HTML page to print and file:
 * inline CSS with a print stylesheet, an inline SVG chart (stacked bars per hour by
 * category, axes and a legend, each category a pattern as well as a colour so that it
 * reads in black and white), no scripts and no external resources. Every string from the
 * journal or the config is escaped. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "report_int.h"
#include "review.h"

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

/* The page's own body rule (the standalone file only: the console has its own). */
static const char body_style[] =
	"body{font-family:sans-serif;margin:2em;color:#111;max-width:60em}\n";

static const char style[] =
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
	"border-bottom:1px solid #888}h3{font-size:1em;margin:1.2em 0 .3em}\n"
	".meta{margin:.1em 0;color:#333}\n"
	"table{border-collapse:collapse;margin:.4em 0 1em}\n"
	"th,td{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top;"
	"overflow-wrap:anywhere;max-width:30em}\n"
	"td.t,td.a{white-space:nowrap}table.inc{width:100%}table.inc td{font-size:.92em}table.inc th{white-space:nowrap}\n"
	"table.inc td.s{min-width:12em}table.inc code{font-size:.9em}\n"
	"th{background:#eee}td.n{text-align:right}.sub{color:#444;font-size:.85em}\n"
	".summary{display:flex;flex-wrap:wrap;gap:0 2em}\n"
	".ok{border:2px solid #1e7b34;padding:.5em}.bad{border:3px double #b00;padding:.5em;"
	"font-weight:bold}\n"
	"svg{max-width:100%;height:auto}svg text{font-size:12px;fill:#111}\n"
	"svg .ax{stroke:#111}svg .grid{stroke:#bbb;stroke-dasharray:2 3}\n"
	"svg .yl{text-anchor:end}svg .xl{text-anchor:middle}svg rect.bar{stroke:#111;"
	"stroke-width:.5}\n"
	".signoff{border:1px solid #111;padding:.5em 1em;margin-top:1em}\n"
	".signoff p{margin:1.6em 0 0}.line{display:inline-block;min-width:18em;"
	"border-bottom:1px solid #111}\n"
	"code{word-break:break-all}\n"
	"@page{size:A4;margin:15mm}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"h2,h3{break-after:avoid;page-break-after:avoid}"
	"tr,svg,.signoff,.ok,.bad{break-inside:avoid;page-break-inside:avoid}"
	"thead{display:table-header-group}th{background:none}"
	".signoff{page-break-before:auto}}\n";

/* The fill patterns of the chart's series: a colour, and a shape for black and white. */
static const char patterns[] =
	"<defs>\n"
	"<pattern id=\"cgp0\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"6\" height=\"6\" fill=\"#1f3b63\"/></pattern>\n"
	"<pattern id=\"cgp1\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
	"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c0392b\" stroke-width=\"3\"/>"
	"</pattern>\n"
	"<pattern id=\"cgp2\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"5\" height=\"5\" fill=\"#fff\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.5\" "
	"fill=\"#1e7b34\"/></pattern>\n"
	"<pattern id=\"cgp3\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M0 0L6 6M6 0L0 6\" "
	"stroke=\"#7d3c98\" stroke-width=\"1.2\"/></pattern>\n"
	"<pattern id=\"cgp4\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"3\" x2=\"6\" y2=\"3\" "
	"stroke=\"#b9770e\" stroke-width=\"2\"/></pattern>\n"
	"<pattern id=\"cgp5\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"4\" height=\"4\" fill=\"#ddd\"/><line x1=\"2\" y1=\"0\" x2=\"2\" y2=\"4\" "
	"stroke=\"#555\" stroke-width=\"1\"/></pattern>\n"
	"</defs>\n";

/* A step of 1, 2 or 5 times a power of ten that cuts 0..max into at most 5 ticks. */
static uint64_t nice_step(uint64_t max)
{
	uint64_t p = 1;
	for (;;) {
		if (max <= p * 5)
			return p;
		if (max <= p * 10)
			return p * 2;
		if (max <= p * 25)
			return p * 5;
		p *= 10;
	}
}

struct chart {
	struct rcat *series[REPORT_SERIES_MAX];
	size_t ns;
	int left, top, plot_w, plot_h;
	double slot;
	uint64_t ymax;
};

static void chart_axes(struct report *rp, struct sbuf *o, enum lang l, const struct chart *c,
		       uint64_t step)
{
	char off[16];
	int bottom = c->top + c->plot_h;
	for (uint64_t v = 0; v <= c->ymax; v += step) {
		int y = bottom - (int)((double)v * c->plot_h / (double)c->ymax + 0.5);
		if (v)
			sbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>\n",
				    c->left, y, c->left + c->plot_w, y);
		sbuf_printf(o, "<text x=\"%d\" y=\"%d\" class=\"yl\">%llu</text>\n", c->left - 6,
			    y + 4, (unsigned long long)v);
	}
	sbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"ax\"/>\n", c->left,
		    c->top, c->left, bottom);
	sbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"ax\"/>\n", c->left,
		    bottom, c->left + c->plot_w, bottom);
	/* Labels as far apart as the longest is wide ("11-25 09:00" when the period spans
	 * days), so that they never overlap: about 6.6 px a character at 12 px. */
	char first[20];
	report_bucket_label(rp, 0, first);
	int every = (int)(((double)strlen(first) * 6.6 + 12) / c->slot) + 1;
	for (size_t b = 0; b < rp->nbuckets; b += (size_t)every) {
		char label[20];
		int x = c->left + (int)(((double)b + 0.5) * c->slot);
		report_bucket_label(rp, b, label);
		sbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"ax\"/>"
			    "<text x=\"%d\" y=\"%d\" class=\"xl\">%s</text>\n", x, bottom, x,
			    bottom + 4, x, bottom + 16, label);
	}
	report_fmt_offset(rp->off, off);
	sbuf_printf(o, "<text x=\"%d\" y=\"%d\" class=\"xl\">", c->left + c->plot_w / 2,
		    bottom + 34);
	msg_sbuf_printf(o, l, MSG_REPORT_AXIS_TIME, off);
	sbuf_printf(o, "</text>\n<text x=\"14\" y=\"%d\" class=\"xl\" transform=\"rotate(-90 14 "
		    "%d)\">%s</text>\n", c->top + c->plot_h / 2, c->top + c->plot_h / 2,
		    msg(l, MSG_REPORT_AXIS_COUNT));
}

static void chart_legend(struct sbuf *o, enum lang l, const struct chart *c, struct rcat **cats,
			 size_t ncats, int y0)
{
	for (size_t s = 0; s < c->ns; s++) {
		int x = c->left + (int)(s % 2) * 330, y = y0 + (int)(s / 2) * 20;
		uint64_t n = 0;
		if (c->series[s])
			n = c->series[s]->total;
		else
			for (size_t i = c->ns - 1; i < ncats; i++)
				n += cats[i]->total;
		sbuf_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" class=\"bar\" "
			    "fill=\"url(#cgp%zu)\"/><text x=\"%d\" y=\"%d\">", x, y, s, x + 20,
			    y + 11);
		report_html_escape(o, c->series[s] ? report_cat_title(c->series[s], l) :
						      msg(l, MSG_REPORT_OTHER));
		sbuf_printf(o, " (%llu)</text>\n", (unsigned long long)n);
	}
}

/* The chart as one <svg>: stacked bars per bucket by category, axes, a legend. */
static void chart_svg(struct report *rp, struct sbuf *o, enum lang l, struct rcat **cats,
		      size_t ncats, const char *label)
{
	struct chart c = { .left = 64, .top = 12, .plot_w = 660, .plot_h = 220 };
	uint64_t max = 0;
	c.ns = report_series(cats, ncats, c.series);
	for (size_t b = 0; b < rp->nbuckets; b++) {
		uint64_t n = 0;
		for (size_t s = 0; s < c.ns; s++)
			n += report_series_count(rp, cats, ncats, c.series, c.ns, s, b);
		if (n > max)
			max = n;
	}
	uint64_t step = nice_step(max ? max : 1);
	c.ymax = (max + step - 1) / step * step;
	if (c.ymax == 0)
		c.ymax = step;
	c.slot = (double)c.plot_w / (double)rp->nbuckets;
	int legend_y = c.top + c.plot_h + 50, height = legend_y + (int)(c.ns + 1) / 2 * 20 + 10;
	sbuf_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", c.left + c.plot_w + 16,
		    height, c.left + c.plot_w + 16, height);
	report_html_escape(o, label);
	sbuf_adds(o, "\">\n");
	sbuf_adds(o, patterns);
	chart_axes(rp, o, l, &c, step);
	double bw = c.slot * 0.7 < 1 ? 1 : c.slot * 0.7;
	for (size_t b = 0; b < rp->nbuckets; b++) {
		char blabel[20];
		double x = c.left + (double)b * c.slot + (c.slot - bw) / 2;
		uint64_t below = 0;
		report_bucket_label(rp, b, blabel);
		for (size_t s = 0; s < c.ns; s++) {
			uint64_t n = report_series_count(rp, cats, ncats, c.series, c.ns, s, b);
			if (!n)
				continue;
			double y1 = (double)(below + n) * c.plot_h / (double)c.ymax;
			double y0 = (double)below * c.plot_h / (double)c.ymax;
			below += n;
			sbuf_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				    "class=\"bar\" fill=\"url(#cgp%zu)\"><title>%s ", x,
				    c.top + c.plot_h - y1, bw, y1 - y0, s, blabel);
			report_html_escape(o, c.series[s] ? report_cat_title(c.series[s], l) :
							    msg(l, MSG_REPORT_OTHER));
			sbuf_printf(o, ": %llu</title></rect>\n", (unsigned long long)n);
		}
	}
	chart_legend(o, l, &c, cats, ncats, legend_y);
	sbuf_adds(o, "</svg>\n");
}

static void html_chart(struct report *rp, struct sbuf *o, enum lang l, struct rcat **cats,
		       size_t ncats)
{
	const char *title = msg(l, rp->bucket_us == 3600LL * 1000000 ? MSG_REPORT_CHART_HOUR :
									  MSG_REPORT_CHART_DAY);
	sbuf_printf(o, "<h2>%s</h2>\n", title);
	chart_svg(rp, o, l, cats, ncats, title);
}

void report_html_chart(struct report *rp, struct sbuf *o, enum lang l, const char *label)
{
	size_t ncats;
	struct rcat **cats = report_cats_sorted(rp, &ncats);
	chart_svg(rp, o, l, cats, ncats, label);
	free(cats);
}

static void html_counts(struct report *rp, struct sbuf *o, enum lang l, int t,
			enum msg_id title, enum msg_id column)
{
	size_t n, shown;
	struct count *v = report_counter_sorted(&rp->tab[t], &n);
	shown = (t == T_CLIENT || t == T_SITE) && n > rp->top ? rp->top : n;
	sbuf_printf(o, "<div><h3>%s</h3>\n<table><tr><th>%s</th><th>%s</th><th>%%</th></tr>\n",
		    msg(l, title), msg(l, column), msg(l, MSG_REPORT_EVENTS));
	for (size_t i = 0; i < shown; i++) {
		char *site = t == T_SITE ? report_site(v[i].key) : NULL;
		sbuf_adds(o, "<tr><td>");
		report_html_escape(o, site ? site : t == T_ACTION ? report_action(v[i].key, l) :
						       v[i].key);
		sbuf_printf(o, "</td><td class=n>%llu</td><td class=n>%.1f</td></tr>\n",
			    (unsigned long long)v[i].n,
			    rp->total ? 100.0 * (double)v[i].n / (double)rp->total : 0.0);
		free(site);
	}
	if (n == 0)
		sbuf_printf(o, "<tr><td colspan=3>%s</td></tr>\n", msg(l, MSG_REPORT_NONE));
	sbuf_adds(o, "</table></div>\n");
	free(v);
}

static void html_categories(struct report *rp, struct sbuf *o, enum lang l, struct rcat **cats,
			    size_t ncats)
{
	sbuf_printf(o, "<div><h3>%s</h3>\n<table><tr><th>%s</th><th>%s</th><th>%%</th></tr>\n",
		    msg(l, MSG_REPORT_TITLE_CATEGORY), msg(l, MSG_REPORT_COLUMN_CATEGORY),
		    msg(l, MSG_REPORT_EVENTS));
	for (size_t i = 0; i < ncats; i++) {
		sbuf_adds(o, "<tr><td>");
		report_html_escape(o, report_cat_title(cats[i], l));
		if (cats[i]->name && strcmp(cats[i]->name, report_cat_title(cats[i], l)) != 0) {
			sbuf_adds(o, " <span class=sub>");
			report_html_escape(o, cats[i]->name);
			sbuf_adds(o, "</span>");
		}
		sbuf_printf(o, "</td><td class=n>%llu</td><td class=n>%.1f</td></tr>\n",
			    (unsigned long long)cats[i]->total, rp->incidents ?
			    100.0 * (double)cats[i]->total / (double)rp->incidents : 0.0);
	}
	if (ncats == 0)
		sbuf_printf(o, "<tr><td colspan=3>%s</td></tr>\n", msg(l, MSG_REPORT_NONE));
	sbuf_adds(o, "</table></div>\n");
}

/* A cell (of class cls, or none): the value (escaped) and, under it, further values in small type. */
static void html_cell(struct sbuf *o, const char *cls, const char *v, const char *sub1,
		      const char *sub2)
{
	if (cls)
		sbuf_printf(o, "<td class=%s>", cls);
	else
		sbuf_adds(o, "<td>");
	report_html_escape(o, v ? v : "-");
	const char *subs[] = { sub1, sub2 };
	for (size_t i = 0; i < 2; i++) {
		if (!subs[i])
			continue;
		sbuf_adds(o, "<br><span class=sub>");
		report_html_escape(o, subs[i]);
		sbuf_adds(o, "</span>");
	}
	sbuf_adds(o, "</td>");
}

/* The heading of a category's incidents: its title, its name, how many (and listed). */
static void html_cat_heading(struct sbuf *o, enum lang l, const struct rcat *c)
{
	struct sbuf h;
	sbuf_init(&h);
	report_cat_heading(c, l, &h);
	sbuf_adds(o, "<h3>");
	report_html_escape(o, h.data);
	sbuf_adds(o, "</h3>\n");
	sbuf_free(&h);
}

static void html_incidents_of(struct sbuf *o, enum lang l, const struct rcat *c)
{
	html_cat_heading(o, l, c);
	sbuf_printf(o, "<table class=inc><thead><tr><th>%s</th><th>%s / %s / %s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
		    msg(l, MSG_REPORT_COL_TIME), msg(l, MSG_REPORT_COL_CLIENT),
		    msg(l, MSG_REPORT_COL_MAC), msg(l, MSG_REPORT_COL_HOST_NAME),
		    msg(l, MSG_REPORT_COL_SITE), msg(l, MSG_REPORT_COL_ACTION),
		    msg(l, MSG_REPORT_COL_RULE), msg(l, MSG_REPORT_COL_ID));
	for (size_t i = 0; i < c->ninc; i++) {
		const struct incident *in = &c->inc[i];
		char t[20];
		struct sbuf rule;
		char *u = name_display(in->host);
		bool differs = u && in->host && strcmp(u, in->host) != 0;
		report_fmt_time(in->time_us, in->off, t);
		sbuf_init(&rule);
		if (in->rule_file)
			sbuf_printf(&rule, in->rule_line ? "%s:%u" : "%s", in->rule_file, in->rule_line);
		sbuf_adds(o, "<tr>");
		sbuf_printf(o, "<td class=t>%s</td>", t);
		html_cell(o, NULL, in->client, in->mac, in->client_name);
		html_cell(o, "s", u, differs ? in->host : NULL, NULL);
		html_cell(o, "a", report_action(in->action, l), NULL, NULL);
		html_cell(o, NULL, rule.data, NULL, NULL);
		sbuf_adds(o, "<td><code>");
		report_html_escape(o, in->id ? in->id : "-");
		sbuf_adds(o, "</code></td></tr>\n");
		sbuf_free(&rule);
		free(u);
	}
	sbuf_adds(o, "</tbody></table>\n");
}

static void html_incidents(struct report *rp, struct sbuf *o, enum lang l, struct rcat **cats,
			   size_t ncats)
{
	uint64_t listed = 0;
	for (size_t i = 0; i < ncats; i++)
		listed += cats[i]->ninc;
	struct sbuf note;
	sbuf_init(&note);
	report_listing_note(rp, listed, l, &note);
	sbuf_printf(o, "<h2>%s</h2>\n<p>%s", msg(l, MSG_REPORT_SECTION_INCIDENTS), note.data);
	sbuf_free(&note);
	sbuf_adds(o, "</p>\n");
	if (listed < rp->incidents && rp->csv_hint) {
		struct sbuf h;
		sbuf_init(&h);
		msg_sbuf_printf(&h, l, MSG_REPORT_INCIDENTS_CSV, "");
		sbuf_adds(o, "<p>");
		report_html_escape(o, h.data);
		sbuf_adds(o, "<code>");
		report_html_escape(o, rp->csv_hint);
		sbuf_adds(o, "</code></p>\n");
		sbuf_free(&h);
	}
	for (size_t i = 0; i < ncats; i++)
		html_incidents_of(o, l, cats[i]);
}

static void html_digests(struct report *rp, struct sbuf *o, enum lang l)
{
	sbuf_printf(o, "<h2>%s</h2>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "</tr>\n", msg(l, MSG_REPORT_JOURNAL_DIGESTS), msg(l, MSG_REPORT_DAY),
		    msg(l, MSG_REPORT_EVENTS), msg(l, MSG_REPORT_SEQUENCE),
		    msg(l, MSG_REPORT_LAST_HASH));
	for (size_t i = 0; i < rp->ndg; i++) {
		char hex[JOURNAL_HEX_LEN];
		journal_hex(rp->dg[i].last_hash, hex);
		sbuf_printf(o, "<tr><td>%s</td><td class=n>%llu</td><td>%llu..%llu</td>"
			    "<td><code>%s</code></td></tr>\n", rp->dg[i].day,
			    (unsigned long long)rp->dg[i].count,
			    (unsigned long long)rp->dg[i].first_seq,
			    (unsigned long long)rp->dg[i].last_seq, hex);
	}
	if (rp->ndg == 0)
		sbuf_printf(o, "<tr><td colspan=4>%s</td></tr>\n", msg(l, MSG_REPORT_NO_DIGEST));
	sbuf_adds(o, "</table>\n");
	if (rp->verified && rp->vr.status == 0 && rp->vr.last_seq)
		msg_sbuf_printf(o, l, MSG_REPORT_CHAIN_HEAD_HTML,
				(unsigned long long)rp->vr.last_seq, rp->vr.last_hash);
}

static void html_signoff(struct sbuf *o, enum lang l)
{
	static const enum msg_id lines[] = {
		MSG_REPORT_SIGN_REVIEWED_BY, MSG_REPORT_SIGN_POSITION, MSG_REPORT_SIGN_DATE,
		MSG_REPORT_SIGN_ACTION, MSG_REPORT_SIGN_SIGNATURE,
	};
	sbuf_printf(o, "<div class=signoff>\n<h2>%s</h2>\n<p>%s</p>\n",
		    msg(l, MSG_REPORT_SECTION_SIGNOFF), msg(l, MSG_REPORT_SIGN_STATEMENT));
	for (size_t i = 0; i < CG_ARRAY_LEN(lines); i++)
		sbuf_printf(o, "<p>%s%s<span class=line>&nbsp;</span></p>\n", msg(l, lines[i]),
			    l == LANG_ZH ? "：" : ": ");
	sbuf_adds(o, "</div>\n");
}

/* The document's head and title: "<school> 安全日志事件报告", and the period. */
static void html_head(struct report *rp, struct sbuf *o, enum lang l)
{
	char a[20], z[20];
	struct sbuf t;
	sbuf_init(&t);
	report_period(rp, a, z);
	if (rp->school)
		msg_sbuf_printf(&t, l, MSG_REPORT_TITLE_SCHOOL, rp->school);
	else
		sbuf_adds(&t, msg(l, MSG_REPORT_HEADING));
	sbuf_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>", lang_tag(l));
	report_html_escape(o, t.data);
	sbuf_printf(o, " (%s – %s)</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", a, z,
		    body_style, style);
	sbuf_free(&t);
}

/* The report's heading: its title, the period, the totals, when it was made. */
static void html_title(struct report *rp, struct sbuf *o, enum lang l)
{
	char a[20], z[20], off[16], now[20];
	struct sbuf t;
	sbuf_init(&t);
	report_period(rp, a, z);
	report_fmt_offset(rp->off, off);
	if (rp->school)
		msg_sbuf_printf(&t, l, MSG_REPORT_TITLE_SCHOOL, rp->school);
	else
		sbuf_adds(&t, msg(l, MSG_REPORT_HEADING));
	sbuf_adds(o, "<h1>");
	report_html_escape(o, t.data);
	sbuf_adds(o, "</h1>\n<p class=meta>");
	msg_sbuf_printf(o, l, MSG_REPORT_PERIOD, a, z, off);
	sbuf_adds(o, "</p>\n<p class=meta>");
	msg_sbuf_printf(o, l, MSG_REPORT_TOTALS, (unsigned long long)rp->total,
			(unsigned long long)rp->incidents);
	sbuf_adds(o, "</p>\n<p class=meta>");
	report_fmt_time(now_wall_us(), rp->off, now);
	msg_sbuf_printf(o, l, MSG_REPORT_MADE, now);
	sbuf_adds(o, "</p>\n");
	sbuf_free(&t);
}

const char *report_html_css(void)
{
	return style;
}

/* Everything inside <body>. */
static void html_body(struct report *rp, struct sbuf *o, enum lang l)
{
	struct sbuf s;
	size_t ncats;
	struct rcat **cats = report_cats_sorted(rp, &ncats);
	sbuf_init(&s);
	html_title(rp, o, l);
	report_integrity(rp, l, &s);
	sbuf_printf(o, "<h2>%s</h2>\n<p class=%s>", msg(l, MSG_REPORT_SECTION_INTEGRITY),
		    rp->verified && rp->vr.status == 0 ? "ok" : "bad");
	report_html_escape(o, s.data);
	sbuf_adds(o, "</p>\n");
	sbuf_printf(o, "<h2>%s</h2>\n<div class=summary>\n", msg(l, MSG_REPORT_SECTION_SUMMARY));
	html_categories(rp, o, l, cats, ncats);
	html_counts(rp, o, l, T_GROUP, MSG_REPORT_TITLE_GROUP, MSG_REPORT_COLUMN_GROUP);
	html_counts(rp, o, l, T_ACTION, MSG_REPORT_TITLE_ACTION, MSG_REPORT_COLUMN_ACTION);
	html_counts(rp, o, l, T_CLIENT, MSG_REPORT_TITLE_CLIENT, MSG_REPORT_COLUMN_CLIENT);
	html_counts(rp, o, l, T_SITE, MSG_REPORT_TITLE_SITE, MSG_REPORT_COLUMN_SITE);
	sbuf_adds(o, "</div>\n");
	html_chart(rp, o, l, cats, ncats);
	html_incidents(rp, o, l, cats, ncats);
	html_digests(rp, o, l);
	html_signoff(o, l);
	free(cats);
	sbuf_free(&s);
}

void report_html_body(struct report *rp, struct sbuf *out, enum lang l)
{
	html_body(rp, out, l);
}

void report_html(struct report *rp, FILE *f, enum lang l)
{
	struct sbuf o;
	sbuf_init(&o);
	html_head(rp, &o, l);
	html_body(rp, &o, l);
	sbuf_adds(&o, "</body>\n</html>\n");
	fwrite(o.data, 1, o.len, f);
	sbuf_free(&o);
}
