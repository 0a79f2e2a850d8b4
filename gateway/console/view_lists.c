/* view_lists: the console's /lists pages (admin; role.c refuses staff): the categories
 * and the allowlist with their counts, a search within one category's lists, and edits
 * of the console's own list of each ([console] lists_dir/NAME.list, allow.list for the
 * allowlist), checked and saved atomically by listedit, applied by a reload over the
 * control socket, both journaled. The other lists are read-only here. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "listedit.h"
#include "name.h"
#include "page_lists.h"
#include "views.h"

#define LISTS_QUERY_MAX 253
#define LISTS_RO_CHECK_MAX 20 /* removals looked up in the read-only lists */
#define LISTS_DIFF_MAX 1200 /* bytes of entries in a list_edit event (admin_event: 1536) */

/* The folder part of path resolved, and its last name: two spellings of a path to the
 * same file compare equal even when the file does not exist yet. */
static bool lists_same_file(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	char ra[PATH_MAX], rb[PATH_MAX];

	if (strcmp(a, b) == 0)
		return true;
	if (!sa || !sb || strcmp(sa, sb) != 0)
		return false;
	char *da = xstrndup(a, (size_t)(sa - a)), *db = xstrndup(b, (size_t)(sb - b));
	bool same = realpath(da, ra) && realpath(db, rb) && strcmp(ra, rb) == 0;
	free(da);
	free(db);
	return same;
}

static int lists_count_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	CG_UNUSED(r), CG_UNUSED(arg), CG_UNUSED(err), CG_UNUSED(errlen);
	return 0;
}

/* The category (or, cat NULL, the allowlist) with its files counted. */
static void lists_cat_fill(const struct config *cfg, const struct cfg_category *cat,
			   struct lcat *c)
{
	const struct cfg_list *ls = cat ? cat->lists : cfg->allow;
	size_t n = cat ? cat->n_lists : cfg->n_allow;

	memset(c, 0, sizeof *c);
	c->name = cat ? cat->name : "allow";
	c->cat = cat;
	/* the allowlist owns allow.list: a category named "allow" is not edited here */
	if (cfg->console.lists_dir && (!cat || strcmp(cat->name, "allow") != 0)) {
		struct sbuf p;
		sbuf_init(&p);
		sbuf_printf(&p, "%s/%s.list", cfg->console.lists_dir, c->name);
		c->local_path = sbuf_take(&p);
	}
	c->files = xcalloc(n ? n : 1, sizeof *c->files);
	c->n_files = n;
	for (size_t i = 0; i < n; i++) {
		struct lfile *f = &c->files[i];
		struct diag d;
		diag_init(&d);
		d.max_kept = 1;
		f->l = &ls[i];
		f->unreadable = lists_read(ls[i].format, ls[i].path, ls[i].name, lists_count_rule,
					   NULL, &d, &f->c) < 0;
		diag_free(&d);
		f->local = c->local_path && !c->local && ls[i].format == LIST_NATIVE &&
			   lists_same_file(ls[i].path, c->local_path);
		if (f->local)
			c->local = f;
		c->entries += f->c.rules;
	}
}

static void lists_cat_free(struct lcat *c)
{
	free(c->files);
	free(c->local_path);
}

/* ---- search ---- */

struct lsearch_ctx {
	struct lsearch *s;
	char q[LISTS_QUERY_MAX * 4 + 1];  /* lowercase */
	char puny[LISTS_QUERY_MAX + 1];   /* the query as an IDN name, or "" */
	bool local;
	struct sbuf t;
};

/* The rule as the line of a native list that holds it. */
static void lists_rule_text(const struct list_rule *r, struct sbuf *t)
{
	sbuf_reset(t);
	switch (r->kind) {
	case LIST_RULE_DOMAIN: sbuf_printf(t, "%.*s", (int)r->host_len, r->host); break;
	case LIST_RULE_EXACT: sbuf_printf(t, "=%.*s", (int)r->host_len, r->host); break;
	case LIST_RULE_URL:
		sbuf_printf(t, "%.*s%.*s", (int)r->host_len, r->host, (int)r->path_len, r->path);
		break;
	case LIST_RULE_PATTERN:
		sbuf_printf(t, "/%.*s/", (int)r->pattern_len, r->pattern);
		break;
	}
}

static int lists_search_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct lsearch_ctx *x = arg;
	CG_UNUSED(err), CG_UNUSED(errlen);

	lists_rule_text(r, &x->t);
	if (!strcasestr(x->t.data, x->q) && !(x->puny[0] && strstr(x->t.data, x->puny)))
		return 0;
	if (x->s->n < LISTS_SEARCH_MAX) {
		struct lhit *h = &x->s->hits[x->s->n++];
		h->file = xstrdup(r->file);
		h->line = r->line;
		h->text = xstrdup(x->t.data);
		h->local = x->local;
	}
	x->s->total++;
	return 0;
}

static void lists_search(const struct lcat *c, const char *q, struct lsearch *s)
{
	struct lsearch_ctx x = {.s = s};
	const char *why = NULL;
	size_t n = strlen(q);

	memset(s, 0, sizeof *s);
	s->q = q;
	for (size_t i = 0; i < n && i < sizeof x.q - 1; i++)
		x.q[i] = (char)tolower((unsigned char)q[i]);
	if (name_normalise(q, n, x.puny, &why) < 0 || strcmp(x.puny, x.q) == 0)
		x.puny[0] = '\0';
	sbuf_init(&x.t);
	for (size_t i = 0; i < c->n_files; i++) {
		struct diag d;
		struct list_counts cnt = {0};
		diag_init(&d);
		d.max_kept = 1;
		x.local = c->files[i].local;
		lists_read(c->files[i].l->format, c->files[i].l->path, c->files[i].l->name,
			   lists_search_rule, &x, &d, &cnt);
		diag_free(&d);
	}
	sbuf_free(&x.t);
}

static void lists_search_free(struct lsearch *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->hits[i].file);
		free(s->hits[i].text);
	}
}

/* ---- the edit ---- */

/* Every value of the form field key, one a line. */
static void lists_field_lines(const struct req *r, const char *key, struct sbuf *out)
{
	const char *v;

	for (size_t i = 0; (v = req_field_nth(r, key, i)); i++) {
		sbuf_adds(out, v);
		sbuf_addc(out, '\n');
	}
}

/* Entries asked to be removed that are not in the console's list but in a read-only
 * list of the category: each a line of refusal in l. Each entry costs a read of the
 * category's lists: the first LISTS_RO_CHECK_MAX are looked up. */
static void lists_readonly_entries(const struct lcat *c, const struct listedit_change *ch,
				   enum lang l, struct sbuf *out)
{
	struct sbuf key;

	sbuf_init(&key);
	for (size_t i = 0; i < ch->n_missing && i < LISTS_RO_CHECK_MAX; i++) {
		if (listedit_key(ch->missing[i], strlen(ch->missing[i]), &key) < 0)
			continue;
		for (size_t j = 0; j < c->n_files; j++) {
			const struct cfg_list *fl = c->files[j].l;
			long line;
			if (c->files[j].local ||
			    (line = listedit_find(fl->format, fl->path, fl->name, key.data)) <= 0)
				continue;
			msg_sbuf_printf(out, l, MSG_CONSOLE_LISTS_READONLY_ENTRY, ch->missing[i],
					fl->name, line);
			sbuf_addc(out, '\n');
			break;
		}
	}
	sbuf_free(&key);
}

/* The reload's result as one journal line: "ok", or "failed: " and its first lines. */
static void lists_reload_detail(int rc, const char *text, struct sbuf *out)
{
	sbuf_adds(out, rc == 0 ? "ok" : "failed:");
	if (rc == 0)
		return;
	for (const char *p = text; *p && out->len < 1400; p++)
		sbuf_addc(out, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

/* POST: apply the form's edit to e (loaded), save, reload, journal; what happened in
 * *r (and the HTTP status to answer with). */
static unsigned lists_edit(struct hctx *h, const struct lcat *c, struct listedit *e,
			   struct listedit_change *ch, struct diag *d, struct sbuf *rep,
			   struct lresult *r)
{
	const char *token = req_field(h->r, "token");
	const char *add = req_field(h->r, "add");
	struct sbuf del;
	unsigned status = 200;

	sbuf_init(&del);
	lists_field_lines(h->r, "del", &del);
	if (!token || strcmp(token, e->token) != 0) {
		r->state = LR_STALE;
		status = 409;
		goto out;
	}
	if (listedit_apply(e, add ? add : "", add ? strlen(add) : 0, del.data ? del.data : "",
			   del.len, ch, d) < 0) {
		r->state = LR_REFUSED;
		r->d = d;
		status = 400;
		goto out;
	}
	r->ch = ch;
	lists_readonly_entries(c, ch, h->pc.l, &r->refusals);
	if (r->refusals.len) {
		r->state = LR_REFUSED;
		status = 400;
		goto out;
	}
	if (!ch->n_added && !ch->n_removed) {
		r->state = LR_UNCHANGED;
		goto out;
	}
	int rc = listedit_save(e, d);
	if (rc == LISTEDIT_STALE) {
		r->state = LR_STALE;
		status = 409;
		goto out;
	}
	if (rc < 0) {
		r->state = LR_FAILED;
		r->d = d;
		status = 500;
		goto out;
	}
	r->state = LR_SAVED;
	struct sbuf detail;
	sbuf_init(&detail);
	listedit_diff(ch, c->name, c->local->l->name, LISTS_DIFF_MAX, &detail);
	srv_journal_admin(h->s, "list_edit", h->acc->name, h->addr, detail.data);
	const char *why = NULL;
	r->reload = srv_control(h->s, "reload", 60000, rep, &why) == 0 ? 0
		    : why == rep->data ? -1 : -2;
	r->reload_text = r->reload == -2 ? why : rep->data;
	sbuf_reset(&detail);
	lists_reload_detail(r->reload, r->reload_text ? r->reload_text : "", &detail);
	srv_journal_admin(h->s, "reload", h->acc->name, h->addr, detail.data);
	sbuf_free(&detail);
out:
	sbuf_free(&del);
	return status;
}

/* The category the path names: "/lists/allow" (the allowlist, *cat NULL) or
 * "/lists/category/NAME". 0, or -1 when it names none. */
static int lists_route(const struct config *cfg, const char *url,
		       const struct cfg_category **cat)
{
	*cat = NULL;
	if (strcmp(url, "/lists/allow") == 0)
		return 0;
	if (strncmp(url, "/lists/category/", 16) != 0)
		return -1;
	int i = config_category_index(cfg, url + 16);
	if (i < 0)
		return -1;
	*cat = &cfg->categories[i];
	return 0;
}

static enum MHD_Result lists_overview(struct hctx *h)
{
	const struct config *cfg = h->s->cfg;
	size_t n = cfg->n_categories + 1;
	struct lcat *cats = xcalloc(n, sizeof *cats);
	struct sbuf page;

	for (size_t i = 0; i < cfg->n_categories; i++)
		lists_cat_fill(cfg, &cfg->categories[i], &cats[i]);
	lists_cat_fill(cfg, NULL, &cats[n - 1]);
	sbuf_init(&page);
	page_lists_overview(&page, &h->pc, cats, n, cfg->console.lists_dir != NULL);
	for (size_t i = 0; i < n; i++)
		lists_cat_free(&cats[i]);
	free(cats);
	return srv_page(h, 200, &page);
}

static enum MHD_Result lists_category(struct hctx *h, const struct cfg_category *cat)
{
	const struct config *cfg = h->s->cfg;
	struct lcat c;
	struct listedit e = {0};
	struct listedit_change ch = {0};
	struct lresult r = {.state = LR_NONE};
	struct lsearch *s = NULL;
	struct diag d;
	struct sbuf page, rep;
	bool have_local;
	unsigned status = 200;

	diag_init(&d);
	sbuf_init(&page);
	sbuf_init(&rep);
	sbuf_init(&r.refusals);
	lists_cat_fill(cfg, cat, &c);
	have_local = c.local && listedit_load(&e, c.local->l->path, c.local->l->name, &d) == 0;
	if (h->m == METHOD_POST) {
		if (!have_local) {
			lists_cat_free(&c);
			listedit_free(&e);
			diag_free(&d);
			sbuf_free(&r.refusals);
			return srv_message(h, 403, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_LISTS_NO_DIR);
		}
		status = lists_edit(h, &c, &e, &ch, &d, &rep, &r);
		if (r.state == LR_REFUSED) { /* the admin's text again, to correct it */
			r.add = req_field(h->r, "add");
			r.del = req_field(h->r, "del");
		}
		{ /* show the list as it is now (an edit refused changed e only in memory) */
			lists_cat_free(&c);
			lists_cat_fill(cfg, cat, &c);
			struct diag d2;
			diag_init(&d2);
			listedit_free(&e);
			have_local = c.local && listedit_load(&e, c.local->l->path, c.local->l->name,
							      &d2) == 0;
			diag_free(&d2);
		}
	}
	const char *q = srv_query(h, "q");
	if (q && *q && strlen(q) <= LISTS_QUERY_MAX) {
		s = xcalloc(1, sizeof *s);
		lists_search(&c, q, s);
	}
	page_lists_category(&page, &h->pc, &c, h->url, s, r.state == LR_NONE ? NULL : &r,
			    have_local ? &e : NULL, cfg->console.lists_dir != NULL);
	if (s) {
		lists_search_free(s);
		free(s);
	}
	lists_cat_free(&c);
	listedit_free(&e);
	listedit_change_free(&ch);
	diag_free(&d);
	sbuf_free(&rep);
	sbuf_free(&r.refusals);
	return srv_page(h, status, &page);
}

enum MHD_Result view_lists(struct hctx *h)
{
	const struct cfg_category *cat;

	if (strcmp(h->url, "/lists") == 0 || strcmp(h->url, "/lists/") == 0) {
		if (h->m != METHOD_GET)
			return srv_message(h, 405, MSG_CONSOLE_BAD_REQUEST,
					   MSG_CONSOLE_BAD_REQUEST_TEXT);
		return lists_overview(h);
	}
	if (lists_route(h->s->cfg, h->url, &cat) < 0)
		return srv_message(h, 404, MSG_CONSOLE_LISTS_NO_SUCH, MSG_CONSOLE_LISTS_NO_SUCH_TEXT);
	return lists_category(h, cat);
}
