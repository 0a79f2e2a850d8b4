/* review_page: the staff's reading API over the journal: a filtered scan, a page of the
 * newest matches before a cursor (read newest first through the journal's index, n + 1
 * lines kept at most), and
 * the export in the formats of `campusgate journal`. */
#include "review_page.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "journal_read.h"
#include "util.h"

struct scan_ctx {
	const struct review_filter *f;
	review_scan_fn fn;
	void *ctx;
	uint64_t n;
};

static int scan_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct scan_ctx *s = ctx;
	if (!review_match(s->f, r))
		return 0;
	s->n++;
	if (s->fn(r, line, len, s->ctx))
		return 1;
	return s->f->limit && s->n >= s->f->limit;
}

/* The lines that pass f, oldest first (journal_scan) or newest first. */
static int scan_dir(const char *dir, const struct review_filter *f, review_scan_fn fn,
		    void *ctx, bool newest, uint64_t *bad, const char **err)
{
	struct scan_ctx s = { f, fn, ctx, 0 };
	char *must[10];
	if (f->scoped && f->n_groups == 0)
		return 0; /* a scope of no group sees nothing */
	review_needles(f, must, CG_ARRAY_LEN(must));
	int rc = (newest ? journal_scan_newest : journal_scan)(
		dir, f->from_us, f->to_us, (const char *const *)must, scan_cb, &s, bad, err);
	review_needles_free(must);
	return rc;
}

int review_scan(const char *dir, const struct review_filter *f, review_scan_fn fn, void *ctx,
		uint64_t *bad, const char **err)
{
	return scan_dir(dir, f, fn, ctx, false, bad, err);
}

/* The page in the making: the first cap lines before the cursor, newest first. */
struct collect {
	const struct review_cursor *before;
	size_t cap, n;
	struct { char *line; size_t len; } *e;
};

static bool before_cursor(const struct review_cursor *c, const struct journal_record *r)
{
	return r->time_us < c->time_us || (r->time_us == c->time_us && r->seq < c->seq);
}

static int collect_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct collect *g = ctx;
	if (g->before && g->before->time_us != INT64_MAX && !before_cursor(g->before, r))
		return 0;
	g->e[g->n].line = xstrndup(line, len);
	g->e[g->n].len = len;
	return ++g->n == g->cap; /* enough: stop reading */
}

int review_page_read(const char *dir, const struct review_filter *f,
		     const struct review_cursor *before, size_t n, struct review_page *out,
		     uint64_t *bad, const char **err)
{
	struct review_filter w = *f;
	struct collect g = { before, n + 1, 0, NULL };
	memset(out, 0, sizeof *out);
	if (n == 0 || n > REVIEW_PAGE_MAX) {
		*err = "bad page size";
		return -1;
	}
	if (before && before->time_us != INT64_MAX && before->time_us < w.to_us)
		w.to_us = before->time_us;
	w.limit = 0;
	g.e = xcalloc(g.cap, sizeof *g.e);
	/* newest first, through the journal's index: "the newest 50" reads a few blocks
	 * instead of the whole period; the (n+1)-th match only tells that there is more */
	int rc = scan_dir(dir, &w, collect_cb, &g, true, bad, err);
	size_t take = g.n > n ? n : g.n;
	out->more = rc == 0 && g.n > n;
	out->hits = xcalloc(take ? take : 1, sizeof *out->hits);
	for (size_t k = 0; rc == 0 && k < take; k++) {
		struct review_hit *h = &out->hits[out->n];
		const char *perr;
		h->line = g.e[k].line;
		h->len = g.e[k].len;
		g.e[k].line = NULL;
		h->arena = xmalloc(h->len + 1);
		if (journal_parse_line(h->line, h->len, &h->r, h->arena, h->len + 1, &perr) < 0) {
			free(h->line);
			free(h->arena);
			continue; /* it parsed a moment ago: cannot happen */
		}
		out->n++;
	}
	if (out->more && out->n) {
		out->next.time_us = out->hits[out->n - 1].r.time_us;
		out->next.seq = out->hits[out->n - 1].r.seq;
	}
	for (size_t i = 0; i < g.cap; i++)
		free(g.e[i].line);
	free(g.e);
	if (rc < 0)
		review_page_free(out);
	return rc;
}

void review_page_free(struct review_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->hits[i].line);
		free(p->hits[i].arena);
	}
	free(p->hits);
	memset(p, 0, sizeof *p);
}

static int export_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	review_out_row(ctx, r, line, len);
	return 0;
}

int review_export(const char *dir, const struct review_filter *f, FILE *out,
		  enum review_format fmt, enum lang lang, uint64_t *rows, uint64_t *bad,
		  const char **err)
{
	struct review_out *o = review_out_new(out, fmt, lang);
	int rc = review_scan(dir, f, export_cb, o, bad, err);
	*rows = review_out_end(o);
	return rc;
}
