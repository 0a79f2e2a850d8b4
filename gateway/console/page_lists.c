/* page_lists: the HTML of the console's /lists pages (page_lists.h). */
#include <stdlib.h>
#include <string.h>

#include "page_lists.h"

const char *page_lists_title(enum lang l, const struct lcat *c)
{
	if (!c->cat)
		return msg(l, MSG_CONSOLE_LISTS_ALLOW_TITLE);
	const char *t = l == LANG_ZH ? c->cat->title_zh : c->cat->title_en;
	return t && *t ? t : c->name;
}

/* text of message id in l, escaped. */
static void put(struct sbuf *out, enum lang l, enum msg_id id)
{
	page_escape(out, msg(l, id));
}

static void lists_href(struct sbuf *out, const struct lcat *c)
{
	if (!c->cat) {
		sbuf_adds(out, "/lists/allow");
		return;
	}
	sbuf_adds(out, "/lists/category/");
	page_escape(out, c->name);
}

static const char *lists_access(enum lang l, const struct lfile *f)
{
	return msg(l, f->unreadable ? MSG_CONSOLE_LISTS_UNREADABLE
			  : f->local ? MSG_CONSOLE_LISTS_EDITABLE
				     : MSG_CONSOLE_LISTS_READONLY);
}

void page_lists_overview(struct sbuf *out, const struct page_ctx *pc, const struct lcat *cats,
			 size_t n, bool have_dir)
{
	enum lang l = pc->l;

	page_head(out, l, MSG_CONSOLE_LISTS_HEAD);
	page_bar(out, pc);
	sbuf_adds(out, "<h1>");
	put(out, l, MSG_CONSOLE_LISTS_HEAD);
	sbuf_adds(out, "</h1><section><p>");
	put(out, l, MSG_CONSOLE_LISTS_INTRO);
	sbuf_adds(out, "</p>");
	if (!have_dir) {
		sbuf_adds(out, "<p class=\"note\">");
		put(out, l, MSG_CONSOLE_LISTS_NO_DIR);
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "<table class=\"lists\" id=\"categories\"><tr><th>");
	put(out, l, MSG_CONSOLE_LISTS_CATEGORY);
	sbuf_adds(out, "</th><th>");
	put(out, l, MSG_CONSOLE_LISTS_KIND);
	sbuf_adds(out, "</th><th class=\"num\">");
	put(out, l, MSG_CONSOLE_LISTS_FILES);
	sbuf_adds(out, "</th><th class=\"num\">");
	put(out, l, MSG_CONSOLE_LISTS_ENTRIES);
	sbuf_adds(out, "</th><th class=\"num\">");
	put(out, l, MSG_CONSOLE_LISTS_LOCAL);
	sbuf_adds(out, "</th><th>");
	put(out, l, MSG_CONSOLE_LISTS_ACCESS);
	sbuf_adds(out, "</th></tr>");
	for (size_t i = 0; i < n; i++) {
		const struct lcat *c = &cats[i];
		sbuf_adds(out, "<tr><td><a href=\"");
		lists_href(out, c);
		sbuf_adds(out, "\">");
		page_escape(out, page_lists_title(l, c));
		sbuf_adds(out, "</a> <span class=\"muted\">");
		page_escape(out, c->name);
		sbuf_adds(out, "</span></td><td>");
		put(out, l, !c->cat ? MSG_CONSOLE_LISTS_KIND_ALLOW
			    : c->cat->kind == CATEGORY_BYPASS ? MSG_CONSOLE_LISTS_KIND_BYPASS
							      : MSG_CONSOLE_LISTS_KIND_BLOCK);
		sbuf_printf(out, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
				 "<td class=\"num\">", c->n_files, c->entries);
		if (c->local)
			sbuf_printf(out, "%zu", c->local->c.rules);
		else
			sbuf_adds(out, "–");
		sbuf_adds(out, "</td><td>");
		put(out, l, c->local ? MSG_CONSOLE_LISTS_EDITABLE : MSG_CONSOLE_LISTS_READONLY);
		sbuf_adds(out, "</td></tr>");
	}
	sbuf_adds(out, "</table></section>");
	page_tail(out);
}

/* A hidden field. */
static void hidden(struct sbuf *out, const char *name, const char *value)
{
	sbuf_printf(out, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	page_escape(out, value);
	sbuf_adds(out, "\">");
}

/* A one-button form that removes entry from the console's list. */
static void remove_button(struct sbuf *out, const struct page_ctx *pc, const char *url,
			  const struct listedit *e, const char *entry)
{
	sbuf_adds(out, "<form class=\"inline\" method=\"post\" action=\"");
	page_escape(out, url);
	sbuf_adds(out, "\">");
	hidden(out, "csrf", pc->csrf);
	hidden(out, "token", e->token);
	hidden(out, "del", entry);
	sbuf_adds(out, "<button type=\"submit\" class=\"small\">");
	put(out, pc->l, MSG_CONSOLE_LISTS_REMOVE);
	sbuf_adds(out, "</button></form>");
}

/* "message: a, b, c" for a list of entries (the first 20). */
static void entries_note(struct sbuf *out, enum lang l, bool dup, char **v, size_t n)
{
	struct sbuf list, t;

	if (!n)
		return;
	sbuf_init(&list);
	sbuf_init(&t);
	for (size_t i = 0; i < n && i < 20; i++)
		sbuf_printf(&list, "%s%s", i ? ", " : "", v[i]);
	if (n > 20)
		sbuf_printf(&list, " … (%zu)", n);
	if (dup)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_DUP, list.data);
	else
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_MISSING, list.data);
	sbuf_adds(out, "<p class=\"info\">");
	page_escape(out, t.data);
	sbuf_adds(out, "</p>");
	sbuf_free(&list);
	sbuf_free(&t);
}

/* "Changes: +a -b" (the first 20). */
static void changes(struct sbuf *out, enum lang l, const struct listedit_change *ch)
{
	struct sbuf list, t;

	sbuf_init(&list);
	sbuf_init(&t);
	for (size_t i = 0; i < ch->n_added && i < 20; i++)
		sbuf_printf(&list, "%s+%s", list.len ? "  " : "", ch->added[i]);
	for (size_t i = 0; i < ch->n_removed && i < 20; i++)
		sbuf_printf(&list, "%s-%s", list.len ? "  " : "", ch->removed[i]);
	if (ch->n_added > 20 || ch->n_removed > 20)
		sbuf_adds(&list, "  …");
	msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_CHANGES, list.data ? list.data : "");
	sbuf_adds(out, "<p class=\"info\" id=\"changes\">");
	page_escape(out, t.data);
	sbuf_adds(out, "</p>");
	sbuf_free(&list);
	sbuf_free(&t);
}

static void diag_items(struct sbuf *out, enum lang l, const struct diag *d)
{
	char buf[1024];

	sbuf_adds(out, "<ul class=\"errors\">");
	for (size_t i = 0; d && i < d->n; i++) {
		sbuf_adds(out, "<li><code>");
		page_escape(out, diag_text(d, i, l, buf, sizeof buf, NULL));
		sbuf_adds(out, "</code></li>");
	}
	sbuf_adds(out, "</ul>");
}

/* The lines of text, each a list item. */
static void text_items(struct sbuf *out, const char *text)
{
	sbuf_adds(out, "<ul class=\"errors\">");
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		if (n) {
			sbuf_adds(out, "<li>");
			page_escape(out, line);
			sbuf_adds(out, "</li>");
		}
		free(line);
		p += n + (nl != NULL);
	}
	sbuf_adds(out, "</ul>");
}

static void result(struct sbuf *out, const struct page_ctx *pc, const struct lcat *c,
		   const struct lresult *r)
{
	enum lang l = pc->l;
	struct sbuf t;

	sbuf_init(&t);
	sbuf_adds(out, "<section class=\"result\" id=\"result\">");
	switch (r->state) {
	case LR_SAVED:
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_SAVED,
				c->local ? c->local->l->name : c->name, r->ch->n_added,
				r->ch->n_removed);
		sbuf_adds(out, "<p class=\"ok\">");
		page_escape(out, t.data);
		sbuf_adds(out, "</p>");
		changes(out, l, r->ch);
		entries_note(out, l, true, r->ch->dup, r->ch->n_dup);
		entries_note(out, l, false, r->ch->missing, r->ch->n_missing);
		if (r->reload == 0) {
			sbuf_adds(out, "<p class=\"ok\" id=\"reload-ok\">");
			put(out, l, MSG_CONSOLE_LISTS_RELOAD_OK);
			sbuf_adds(out, "</p>");
		} else if (r->reload == -1) {
			sbuf_adds(out, "<p class=\"note\" id=\"reload-failed\">");
			put(out, l, MSG_CONSOLE_LISTS_RELOAD_FAILED);
			sbuf_adds(out, "</p>");
			text_items(out, r->reload_text ? r->reload_text : "");
		} else {
			sbuf_reset(&t);
			msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_RELOAD_DOWN,
					r->reload_text ? r->reload_text : "?");
			sbuf_adds(out, "<p class=\"note\" id=\"reload-failed\">");
			page_escape(out, t.data);
			sbuf_adds(out, "</p>");
		}
		break;
	case LR_UNCHANGED:
		sbuf_adds(out, "<p class=\"info\">");
		put(out, l, MSG_CONSOLE_LISTS_UNCHANGED);
		sbuf_adds(out, "</p>");
		entries_note(out, l, true, r->ch->dup, r->ch->n_dup);
		entries_note(out, l, false, r->ch->missing, r->ch->n_missing);
		break;
	case LR_REFUSED:
		sbuf_adds(out, "<p class=\"note\" id=\"refused\">");
		put(out, l, r->d && r->d->n ? MSG_CONSOLE_LISTS_REFUSED : MSG_CONSOLE_LISTS_NOT_SAVED);
		sbuf_adds(out, "</p>");
		if (r->d && r->d->n)
			diag_items(out, l, r->d);
		if (r->refusals.len)
			text_items(out, r->refusals.data);
		break;
	case LR_STALE:
		sbuf_adds(out, "<p class=\"note\" id=\"stale\">");
		put(out, l, MSG_CONSOLE_LISTS_STALE);
		sbuf_adds(out, "</p>");
		break;
	case LR_FAILED:
		sbuf_adds(out, "<p class=\"note\" id=\"failed\">");
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_SAVE_FAILED, "");
		page_escape(out, t.data);
		sbuf_adds(out, "</p>");
		diag_items(out, l, r->d);
		break;
	case LR_NONE:
		break;
	}
	sbuf_adds(out, "</section>");
	sbuf_free(&t);
}

static void search(struct sbuf *out, const struct page_ctx *pc, const char *url,
		   const struct lsearch *s, const struct listedit *e)
{
	enum lang l = pc->l;
	struct sbuf t;

	sbuf_init(&t);
	sbuf_adds(out, "<section id=\"search\"><h2>");
	put(out, l, MSG_CONSOLE_LISTS_SEARCH);
	sbuf_adds(out, "</h2><form class=\"row\" method=\"get\" action=\"");
	page_escape(out, url);
	sbuf_adds(out, "\"><input name=\"q\" maxlength=\"253\" placeholder=\"");
	put(out, l, MSG_CONSOLE_LISTS_SEARCH_HINT);
	sbuf_adds(out, "\" value=\"");
	page_escape(out, s ? s->q : "");
	sbuf_adds(out, "\"><button type=\"submit\">");
	put(out, l, MSG_CONSOLE_LISTS_SEARCH);
	sbuf_adds(out, "</button></form>");
	if (!s)
		goto out;
	if (s->total == 0)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_SEARCH_NONE, s->q);
	else if (s->total > s->n)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_SEARCH_MORE, s->total, s->q,
				LISTS_SEARCH_MAX);
	else
		msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_SEARCH_COUNT, s->total, s->q);
	sbuf_adds(out, "<p class=\"info\" id=\"search-count\">");
	page_escape(out, t.data);
	sbuf_adds(out, "</p>");
	if (!s->n)
		goto out;
	sbuf_adds(out, "<table class=\"lists\" id=\"hits\"><tr><th>");
	put(out, l, MSG_CONSOLE_LISTS_WHERE);
	sbuf_adds(out, "</th><th>");
	put(out, l, MSG_CONSOLE_LISTS_ENTRY);
	sbuf_adds(out, "</th><th></th></tr>");
	for (size_t i = 0; i < s->n; i++) {
		const struct lhit *h = &s->hits[i];
		sbuf_adds(out, "<tr><td class=\"where\">");
		page_escape(out, h->file);
		sbuf_printf(out, ":%u</td><td><code>", h->line);
		page_escape(out, h->text);
		sbuf_adds(out, "</code></td><td class=\"act\">");
		if (h->local && e)
			remove_button(out, pc, url, e, h->text);
		else
			put(out, l, MSG_CONSOLE_LISTS_READONLY);
		sbuf_adds(out, "</td></tr>");
	}
	sbuf_adds(out, "</table>");
out:
	sbuf_adds(out, "</section>");
	sbuf_free(&t);
}

static void textarea(struct sbuf *out, enum lang l, const char *name, enum msg_id label,
		     const char *value)
{
	sbuf_adds(out, "<label>");
	put(out, l, label);
	sbuf_printf(out, "<textarea name=\"%s\" rows=\"5\" maxlength=\"%d\" spellcheck=\"false\">",
		    name, LISTEDIT_INPUT_MAX);
	page_escape(out, value ? value : "");
	sbuf_adds(out, "</textarea></label>");
}

static void edit_form(struct sbuf *out, const struct page_ctx *pc, const struct lcat *c,
		      const char *url, const struct lresult *r, const struct listedit *e,
		      bool have_dir)
{
	enum lang l = pc->l;

	sbuf_adds(out, "<section id=\"edit\"><h2>");
	put(out, l, MSG_CONSOLE_LISTS_EDIT_HEAD);
	sbuf_adds(out, "</h2>");
	if (!e) {
		struct sbuf t;
		sbuf_init(&t);
		if (have_dir && c->local_path)
			msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_NOT_EDITABLE, c->local_path);
		else
			sbuf_adds(&t, msg(l, MSG_CONSOLE_LISTS_NO_DIR));
		sbuf_adds(out, "<p class=\"info\">");
		page_escape(out, t.data);
		sbuf_adds(out, "</p></section>");
		sbuf_free(&t);
		return;
	}
	sbuf_adds(out, "<form method=\"post\" action=\"");
	page_escape(out, url);
	sbuf_adds(out, "\">");
	hidden(out, "csrf", pc->csrf);
	hidden(out, "token", e->token);
	textarea(out, l, "add", MSG_CONSOLE_LISTS_ADD_LABEL, r ? r->add : NULL);
	textarea(out, l, "del", MSG_CONSOLE_LISTS_DEL_LABEL, r ? r->del : NULL);
	sbuf_adds(out, "<button type=\"submit\">");
	put(out, l, MSG_CONSOLE_LISTS_SAVE);
	sbuf_adds(out, "</button></form></section>");
}

/* The console's own list, each entry with a remove button (when not too many). */
static void local_list(struct sbuf *out, const struct page_ctx *pc, const struct lcat *c,
		       const char *url, const struct listedit *e)
{
	enum lang l = pc->l;
	struct sbuf t;
	size_t n = c->local->c.rules;

	sbuf_init(&t);
	msg_sbuf_printf(&t, l, MSG_CONSOLE_LISTS_LOCAL_HEAD, c->local->l->name, n);
	sbuf_adds(out, "<section id=\"local\"><h2>");
	page_escape(out, t.data);
	sbuf_adds(out, "</h2>");
	if (n == 0 || n > LISTS_SHOW_LOCAL) {
		sbuf_adds(out, "<p class=\"info\">");
		put(out, l, n ? MSG_CONSOLE_LISTS_LOCAL_MANY : MSG_CONSOLE_LISTS_LOCAL_EMPTY);
		sbuf_adds(out, "</p></section>");
		sbuf_free(&t);
		return;
	}
	sbuf_adds(out, "<table class=\"lists\" id=\"entries\">");
	const char *p = e->text.data ? e->text.data : "";
	for (unsigned line = 1; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *s = p;
		p += len + (nl != NULL);
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			len--;
		if (!len || *s == '#')
			continue;
		char *entry = xstrndup(s, len);
		sbuf_printf(out, "<tr><td class=\"line\">%u</td><td><code>", line);
		page_escape(out, entry);
		sbuf_adds(out, "</code></td><td class=\"act\">");
		remove_button(out, pc, url, e, entry);
		sbuf_adds(out, "</td></tr>");
		free(entry);
	}
	sbuf_adds(out, "</table></section>");
	sbuf_free(&t);
}

static void files(struct sbuf *out, enum lang l, const struct lcat *c)
{
	sbuf_adds(out, "<section id=\"files\"><h2>");
	put(out, l, MSG_CONSOLE_LISTS_FILES);
	sbuf_adds(out, "</h2><table class=\"lists\"><tr><th>");
	put(out, l, MSG_CONSOLE_LISTS_FILE);
	sbuf_adds(out, "</th><th>");
	put(out, l, MSG_CONSOLE_LISTS_FORMAT);
	sbuf_adds(out, "</th><th class=\"num\">");
	put(out, l, MSG_CONSOLE_LISTS_ENTRIES);
	sbuf_adds(out, "</th><th>");
	put(out, l, MSG_CONSOLE_LISTS_ACCESS);
	sbuf_adds(out, "</th></tr>");
	for (size_t i = 0; i < c->n_files; i++) {
		const struct lfile *f = &c->files[i];
		sbuf_adds(out, "<tr><td class=\"where\">");
		page_escape(out, f->l->name);
		sbuf_printf(out, "</td><td>%s</td><td class=\"num\">%zu</td><td>",
			    lists_format_name(f->l->format), f->c.rules);
		page_escape(out, lists_access(l, f));
		sbuf_adds(out, "</td></tr>");
	}
	sbuf_adds(out, "</table></section>");
}

void page_lists_category(struct sbuf *out, const struct page_ctx *pc, const struct lcat *c,
			 const char *url, const struct lsearch *s, const struct lresult *r,
			 const struct listedit *local, bool have_dir)
{
	enum lang l = pc->l;

	page_head(out, l, MSG_CONSOLE_LISTS_HEAD);
	page_bar(out, pc);
	sbuf_adds(out, "<p class=\"crumb\"><a href=\"/lists\">");
	put(out, l, MSG_CONSOLE_LISTS_BACK);
	sbuf_adds(out, "</a></p><h1>");
	page_escape(out, page_lists_title(l, c));
	sbuf_adds(out, " <span class=\"muted\">");
	page_escape(out, c->name);
	sbuf_adds(out, "</span></h1>");
	if (r)
		result(out, pc, c, r);
	search(out, pc, url, s, local);
	edit_form(out, pc, c, url, r && r->state == LR_REFUSED ? r : NULL, local, have_dir);
	if (local && c->local)
		local_list(out, pc, c, url, local);
	files(out, l, c);
	page_tail(out);
}
