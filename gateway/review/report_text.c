/* report_text: the incident report as plain text (aligned for a terminal, CJK-wide
 * characters counted as two columns, journal strings cleaned of control characters). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "review.h"

/* s cleaned, cut to width and padded to it (unless last). */
static void text_pad(FILE *f, const char *s, size_t width, bool last)
{
	struct sbuf b;
	sbuf_init(&b);
	size_t w = review_text_clean(&b, s ? s : "-", width);
	fputs(b.data ? b.data : "", f);
	while (!last && w++ < width)
		fputc(' ', f);
	sbuf_free(&b);
}

/* A line of text cleaned for a terminal (at most 400 columns). */
static void text_line(FILE *f, const char *indent, const char *s)
{
	fputs(indent, f);
	text_pad(f, s, 400, true);
	fputc('\n', f);
}

static void text_heading(FILE *f, const char *s)
{
	size_t w = review_text_width(s);
	fprintf(f, "\n%s\n", s);
	while (w--)
		fputc('-', f);
	fputc('\n', f);
}

/* A table of n rows of ncol cells, the first row the header; columns as wide as their
 * widest cell, at most cap[i]. */
static void text_table(FILE *f, const char *const *cells, size_t n, size_t ncol,
		       const size_t *cap)
{
	size_t w[16] = { 0 };
	for (size_t r = 0; r < n; r++)
		for (size_t c = 0; c < ncol && c < 16; c++) {
			size_t cw = review_text_width(cells[r * ncol + c] ? cells[r * ncol + c] : "-");
			if (cw > w[c])
				w[c] = cw > cap[c] ? cap[c] : cw;
		}
	struct sbuf line;
	sbuf_init(&line);
	for (size_t r = 0; r < n; r++) {
		sbuf_reset(&line);
		sbuf_adds(&line, "  ");
		for (size_t c = 0; c < ncol && c < 16; c++) {
			const char *v = cells[r * ncol + c] ? cells[r * ncol + c] : "-";
			size_t used = review_text_clean(&line, v, w[c]);
			while (c + 1 < ncol && used++ < w[c] + 2)
				sbuf_addc(&line, ' ');
		}
		while (line.len && line.data[line.len - 1] == ' ')
			line.len--;
		fprintf(f, "%.*s\n", (int)line.len, line.data);
	}
	sbuf_free(&line);
}

static void text_counts(struct report *rp, FILE *f, enum lang l, int t, enum msg_id title,
			enum msg_id column)
{
	size_t n, shown;
	struct count *v = report_counter_sorted(&rp->tab[t], &n);
	shown = (t == T_CLIENT || t == T_SITE) && n > rp->top ? rp->top : n;
	fprintf(f, "\n%s\n", msg(l, title));
	const char **cells = xcalloc((shown + 1) * 3, sizeof *cells);
	char (*num)[48] = xcalloc(shown + 1, sizeof *num);
	char **site = xcalloc(shown + 1, sizeof *site);
	cells[0] = msg(l, column);
	cells[1] = msg(l, MSG_REPORT_EVENTS_HEAD);
	cells[2] = "%";
	for (size_t i = 0; i < shown; i++) {
		site[i] = t == T_SITE ? report_site(v[i].key) : NULL;
		cells[(i + 1) * 3] = site[i] ? site[i] :
			t == T_ACTION ? report_action(v[i].key, l) : v[i].key;
		snprintf(num[i], 24, "%llu", (unsigned long long)v[i].n);
		snprintf(num[i] + 24, 24, "%.1f%%",
			 rp->total ? 100.0 * (double)v[i].n / (double)rp->total : 0.0);
		cells[(i + 1) * 3 + 1] = num[i];
		cells[(i + 1) * 3 + 2] = num[i] + 24;
	}
	static const size_t cap[] = { 60, 10, 7 };
	if (n == 0)
		fprintf(f, "  %s\n", msg(l, MSG_REPORT_NONE));
	else
		text_table(f, cells, shown + 1, 3, cap);
	for (size_t i = 0; i < shown; i++)
		free(site[i]);
	free(site);
	free(num);
	free(cells);
	free(v);
}

static void text_categories(struct report *rp, FILE *f, enum lang l, struct rcat **cats,
			    size_t ncats)
{
	fprintf(f, "\n%s\n", msg(l, MSG_REPORT_TITLE_CATEGORY));
	if (ncats == 0) {
		fprintf(f, "  %s\n", msg(l, MSG_REPORT_NONE));
		return;
	}
	const char **cells = xcalloc((ncats + 1) * 4, sizeof *cells);
	char (*num)[48] = xcalloc(ncats, sizeof *num);
	cells[0] = msg(l, MSG_REPORT_COLUMN_CATEGORY);
	cells[1] = "";
	cells[2] = msg(l, MSG_REPORT_EVENTS_HEAD);
	cells[3] = "%";
	for (size_t i = 0; i < ncats; i++) {
		const char **row = cells + (i + 1) * 4;
		row[0] = report_cat_title(cats[i], l);
		row[1] = cats[i]->name && strcmp(cats[i]->name, row[0]) != 0 ? cats[i]->name : "";
		snprintf(num[i], 24, "%llu", (unsigned long long)cats[i]->total);
		snprintf(num[i] + 24, 24, "%.1f%%", rp->incidents ?
			 100.0 * (double)cats[i]->total / (double)rp->incidents : 0.0);
		row[2] = num[i];
		row[3] = num[i] + 24;
	}
	static const size_t cap[] = { 40, 30, 10, 7 };
	text_table(f, cells, ncats + 1, 4, cap);
	free(num);
	free(cells);
}

/* The chart as a table: a row per bucket with the total, each series and a bar. */
static void text_chart(struct report *rp, FILE *f, enum lang l, struct rcat **cats,
		       size_t ncats)
{
	struct rcat *series[REPORT_SERIES_MAX];
	size_t ns = report_series(cats, ncats, series);
	char off[16];
	struct sbuf axis;
	report_fmt_offset(rp->off, off);
	text_heading(f, msg(l, rp->bucket_us == 3600LL * 1000000 ? MSG_REPORT_CHART_HOUR :
								  MSG_REPORT_CHART_DAY));
	size_t ncol = ns + 3, nrow = rp->nbuckets + 1;
	const char **cells = xcalloc(nrow * ncol, sizeof *cells);
	char **own = xcalloc(nrow * ncol, sizeof *own);
	size_t *cap = xcalloc(ncol, sizeof *cap);
	sbuf_init(&axis);
	msg_sbuf_printf(&axis, l, MSG_REPORT_AXIS_TIME, off);
	cells[0] = axis.data;
	cells[1] = msg(l, MSG_REPORT_COL_TOTAL);
	for (size_t s = 0; s < ns; s++)
		cells[2 + s] = series[s] ? report_cat_title(series[s], l) : msg(l, MSG_REPORT_OTHER);
	cells[ncol - 1] = "";
	uint64_t max = 0, inc;
	for (size_t b = 0; b < rp->nbuckets; b++) {
		inc = 0;
		for (size_t s = 0; s < ns; s++)
			inc += report_series_count(rp, cats, ncats, series, ns, s, b);
		if (inc > max)
			max = inc;
	}
	for (size_t b = 0; b < rp->nbuckets; b++) {
		size_t r = (b + 1) * ncol;
		char label[20];
		struct sbuf bar;
		report_bucket_label(rp, b, label);
		own[r] = xstrdup(label);
		inc = 0;
		for (size_t s = 0; s < ns; s++) {
			uint64_t c = report_series_count(rp, cats, ncats, series, ns, s, b);
			inc += c;
			sbuf_init(&bar);
			sbuf_printf(&bar, "%llu", (unsigned long long)c);
			own[r + 2 + s] = sbuf_take(&bar);
		}
		sbuf_init(&bar);
		sbuf_printf(&bar, "%llu", (unsigned long long)inc);
		own[r + 1] = sbuf_take(&bar);
		sbuf_init(&bar);
		for (uint64_t k = max ? (inc * 30 + max - 1) / max : 0; k > 0; k--)
			sbuf_adds(&bar, "#");
		own[r + ncol - 1] = sbuf_take(&bar);
		for (size_t c = 0; c < ncol; c++)
			cells[r + c] = own[r + c] ? own[r + c] : "";
	}
	for (size_t c = 0; c < ncol; c++)
		cap[c] = c == 0 || c == ncol - 1 ? 30 : 16;
	text_table(f, cells, nrow, ncol, cap);
	for (size_t i = 0; i < nrow * ncol; i++)
		free(own[i]);
	free(own);
	free(cells);
	free(cap);
	sbuf_free(&axis);
}

/* One category's incidents as a table. */
static void text_incidents_of(FILE *f, enum lang l, const struct rcat *c)
{
	enum { NCOL = 8 };
	static const enum msg_id head[NCOL] = {
		MSG_REPORT_COL_TIME, MSG_REPORT_COL_CLIENT, MSG_REPORT_COL_MAC,
		MSG_REPORT_COL_HOST_NAME, MSG_REPORT_COL_SITE, MSG_REPORT_COL_ACTION,
		MSG_REPORT_COL_RULE, MSG_REPORT_COL_ID,
	};
	static const size_t cap[NCOL] = { 19, 39, 17, 24, 70, 16, 60, 24 };
	struct sbuf h;
	sbuf_init(&h);
	report_cat_heading(c, l, &h);
	fputc('\n', f);
	text_line(f, "", h.data);
	const char **cells = xcalloc((c->ninc + 1) * NCOL, sizeof *cells);
	char **own = xcalloc((c->ninc + 1) * 3, sizeof *own);
	for (size_t i = 0; i < NCOL; i++)
		cells[i] = msg(l, head[i]);
	for (size_t i = 0; i < c->ninc; i++) {
		const struct incident *in = &c->inc[i];
		const char **row = cells + (i + 1) * NCOL;
		char **o = own + i * 3;
		struct sbuf rule;
		o[0] = xcalloc(1, 20);
		report_fmt_time(in->time_us, in->off, o[0]);
		o[1] = report_site(in->host);
		sbuf_init(&rule);
		if (in->rule_file)
			sbuf_printf(&rule, in->rule_line ? "%s:%u" : "%s", in->rule_file, in->rule_line);
		o[2] = sbuf_take(&rule);
		const char *v[NCOL] = { o[0], in->client, in->mac, in->client_name, o[1],
					report_action(in->action, l), o[2], in->id };
		for (size_t k = 0; k < NCOL; k++)
			row[k] = v[k] ? v[k] : "-";
	}
	text_table(f, cells, c->ninc + 1, NCOL, cap);
	for (size_t i = 0; i < c->ninc * 3; i++)
		free(own[i]);
	free(own);
	free(cells);
	sbuf_free(&h);
}

static void text_incidents(struct report *rp, FILE *f, enum lang l, struct rcat **cats,
			   size_t ncats)
{
	struct sbuf b;
	uint64_t listed = 0;
	sbuf_init(&b);
	text_heading(f, msg(l, MSG_REPORT_SECTION_INCIDENTS));
	for (size_t i = 0; i < ncats; i++)
		listed += cats[i]->ninc;
	report_listing_note(rp, listed, l, &b);
	text_line(f, "", b.data);
	if (listed < rp->incidents && rp->csv_hint) {
		sbuf_reset(&b);
		msg_sbuf_printf(&b, l, MSG_REPORT_INCIDENTS_CSV, rp->csv_hint);
		text_line(f, "", b.data);
	}
	for (size_t i = 0; i < ncats; i++)
		text_incidents_of(f, l, cats[i]);
	sbuf_free(&b);
}

static void text_digests(struct report *rp, FILE *f, enum lang l)
{
	text_heading(f, msg(l, MSG_REPORT_JOURNAL_DIGESTS));
	for (size_t i = 0; i < rp->ndg; i++) {
		char hex[JOURNAL_HEX_LEN];
		journal_hex(rp->dg[i].last_hash, hex);
		msg_fprintf(f, l, MSG_REPORT_DIGEST_LINE, rp->dg[i].day,
			    (unsigned long long)rp->dg[i].count,
			    (unsigned long long)rp->dg[i].first_seq,
			    (unsigned long long)rp->dg[i].last_seq, hex);
	}
	if (rp->ndg == 0)
		fprintf(f, "  %s\n", msg(l, MSG_REPORT_NO_DIGEST));
	if (rp->verified && rp->vr.status == 0 && rp->vr.last_seq)
		msg_fprintf(f, l, MSG_REPORT_CHAIN_HEAD_TEXT, (unsigned long long)rp->vr.last_seq,
			    rp->vr.last_hash);
}

static void text_signoff(FILE *f, enum lang l)
{
	static const enum msg_id lines[] = {
		MSG_REPORT_SIGN_REVIEWED_BY, MSG_REPORT_SIGN_POSITION, MSG_REPORT_SIGN_DATE,
		MSG_REPORT_SIGN_ACTION, MSG_REPORT_SIGN_SIGNATURE,
	};
	size_t w = 0;
	text_heading(f, msg(l, MSG_REPORT_SECTION_SIGNOFF));
	fprintf(f, "%s\n\n", msg(l, MSG_REPORT_SIGN_STATEMENT));
	for (size_t i = 0; i < CG_ARRAY_LEN(lines); i++)
		if (review_text_width(msg(l, lines[i])) > w)
			w = review_text_width(msg(l, lines[i]));
	for (size_t i = 0; i < CG_ARRAY_LEN(lines); i++) {
		size_t used = review_text_width(msg(l, lines[i]));
		fprintf(f, "  %s%s", msg(l, lines[i]), l == LANG_ZH ? "：" : ": ");
		while (used++ < w)
			fputc(' ', f);
		fputs("________________________________________\n\n", f);
	}
}

void report_text(struct report *rp, FILE *f, enum lang l)
{
	char a[20], z[20], off[16], now[20];
	struct sbuf s;
	size_t ncats;
	struct rcat **cats = report_cats_sorted(rp, &ncats);
	sbuf_init(&s);
	report_fmt_offset(rp->off, off);
	report_period(rp, a, z);
	if (rp->school)
		msg_sbuf_printf(&s, l, MSG_REPORT_TITLE_SCHOOL, rp->school);
	else
		sbuf_adds(&s, msg(l, MSG_REPORT_HEADING));
	text_line(f, "", s.data);
	for (size_t w = review_text_width(s.data); w > 0; w--)
		fputc('=', f);
	fputc('\n', f);
	msg_fprintf(f, l, MSG_REPORT_PERIOD, a, z, off);
	fputc('\n', f);
	msg_fprintf(f, l, MSG_REPORT_TOTALS, (unsigned long long)rp->total,
		    (unsigned long long)rp->incidents);
	fputc('\n', f);
	report_fmt_time(now_wall_us(), rp->off, now);
	msg_fprintf(f, l, MSG_REPORT_MADE, now);
	fputc('\n', f);

	text_heading(f, msg(l, MSG_REPORT_SECTION_INTEGRITY));
	report_integrity(rp, l, &s);
	text_line(f, "", s.data);

	text_heading(f, msg(l, MSG_REPORT_SECTION_SUMMARY));
	text_categories(rp, f, l, cats, ncats);
	text_counts(rp, f, l, T_GROUP, MSG_REPORT_TITLE_GROUP, MSG_REPORT_COLUMN_GROUP);
	text_counts(rp, f, l, T_ACTION, MSG_REPORT_TITLE_ACTION, MSG_REPORT_COLUMN_ACTION);
	text_counts(rp, f, l, T_CLIENT, MSG_REPORT_TITLE_CLIENT, MSG_REPORT_COLUMN_CLIENT);
	text_counts(rp, f, l, T_SITE, MSG_REPORT_TITLE_SITE, MSG_REPORT_COLUMN_SITE);
	text_chart(rp, f, l, cats, ncats);
	text_incidents(rp, f, l, cats, ncats);
	text_digests(rp, f, l);
	text_signoff(f, l);
	free(cats);
	sbuf_free(&s);
}
