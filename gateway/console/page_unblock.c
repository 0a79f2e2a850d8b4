/* page_unblock: the review requests' queue and a decision's result, as HTML. */
#include "page_unblock.h"

#include <stdlib.h>
#include <string.h>

void ub_queue_free(struct ub_queue *q)
{
	for (size_t i = 0; i < q->n; i++) {
		struct ub_request *r = &q->v[i];
		char **s[] = { &r->id, &r->client, &r->mac, &r->client_name, &r->group, &r->host,
			       &r->path, &r->category, &r->reason, &r->teacher, &r->by,
			       &r->until, &r->note };
		for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
			free(*s[k]);
	}
	free(q->v);
	q->v = NULL;
	q->n = 0;
}

static void esc(struct sbuf *out, const char *s)
{
	page_escape(out, s ? s : "-");
}

static void row(struct sbuf *out, enum lang l, enum msg_id key, const char *val)
{
	sbuf_adds(out, "<tr><th>");
	page_escape(out, msg(l, key));
	sbuf_adds(out, "</th><td>");
	esc(out, val);
	sbuf_adds(out, "</td></tr>");
}

static void state_text(struct sbuf *out, enum lang l, const struct ub_request *r)
{
	struct sbuf t;
	sbuf_init(&t);
	if (r->state == UB_PENDING)
		sbuf_adds(&t, msg(l, MSG_CONSOLE_UB_PENDING));
	else if (r->state == UB_DECLINED)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_UB_DECLINED, r->by ? r->by : "-",
				r->note ? r->note : "-");
	else if (r->until && strcmp(r->until, "permanent") == 0)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_UB_APPROVED_PERM, r->by ? r->by : "-");
	else
		msg_sbuf_printf(&t, l, MSG_CONSOLE_UB_APPROVED, r->by ? r->by : "-",
				r->until ? r->until : "-");
	page_escape(out, t.data ? t.data : "");
	sbuf_free(&t);
}

static void option(struct sbuf *out, enum lang l, const char *value, enum msg_id text, bool sel)
{
	sbuf_printf(out, "<option value=\"%s\"%s>", value, sel ? " selected" : "");
	page_escape(out, msg(l, text));
	sbuf_adds(out, "</option>");
}

/* The admin's two forms for a pending request. */
static void decide_forms(struct sbuf *out, const struct page_ctx *c, const struct ub_request *r)
{
	enum lang l = c->l;
	struct sbuf t;
	sbuf_init(&t);
	msg_sbuf_printf(&t, l, MSG_CONSOLE_UB_SCOPE, r->group ? r->group : "default");
	sbuf_adds(out, "<div class=\"ub-decide\"><form method=\"post\" action=\"/unblock/approve\" "
		       "class=\"ub-approve\"><input type=\"hidden\" name=\"csrf\" value=\"");
	page_escape(out, c->csrf);
	sbuf_adds(out, "\"><input type=\"hidden\" name=\"id\" value=\"");
	page_escape(out, r->id);
	sbuf_adds(out, "\"><p class=\"hint\">");
	page_escape(out, t.data ? t.data : "");
	sbuf_printf(out, "</p><label>");
	page_escape(out, msg(l, MSG_CONSOLE_UB_DURATION));
	sbuf_printf(out, "<select name=\"duration\" id=\"duration-%s\">", r->id);
	option(out, l, "lesson", MSG_CONSOLE_UB_LESSON, false);
	option(out, l, "today", MSG_CONSOLE_UB_TODAY, true);
	option(out, l, "date", MSG_CONSOLE_UB_UNTIL_DATE, false);
	option(out, l, "permanent", MSG_CONSOLE_UB_PERMANENT, false);
	sbuf_adds(out, "</select></label><label>");
	page_escape(out, msg(l, MSG_CONSOLE_UB_DATE));
	sbuf_adds(out, "<input type=\"date\" name=\"date\"></label>");
	sbuf_printf(out, "<button type=\"submit\" id=\"approve-%s\">", r->id);
	page_escape(out, msg(l, MSG_CONSOLE_UB_APPROVE));
	sbuf_adds(out, "</button></form><form method=\"post\" action=\"/unblock/decline\" "
		       "class=\"ub-decline\"><input type=\"hidden\" name=\"csrf\" value=\"");
	page_escape(out, c->csrf);
	sbuf_adds(out, "\"><input type=\"hidden\" name=\"id\" value=\"");
	page_escape(out, r->id);
	sbuf_adds(out, "\"><label>");
	page_escape(out, msg(l, MSG_CONSOLE_UB_NOTE));
	sbuf_printf(out, "<input name=\"note\" maxlength=\"200\" required id=\"note-%s\"></label>"
			 "<button type=\"submit\" class=\"danger\" id=\"decline-%s\">", r->id, r->id);
	page_escape(out, msg(l, MSG_CONSOLE_UB_DECLINE));
	sbuf_adds(out, "</button></form></div>");
	sbuf_free(&t);
}

static void request_card(struct sbuf *out, const struct page_ctx *c, const struct ub_request *r,
			 bool admin)
{
	enum lang l = c->l;
	static const char *const cls[] = { "pending", "approved", "declined" };
	sbuf_printf(out, "<section class=\"ub %s\" id=\"req-", cls[r->state]);
	page_escape(out, r->id);
	sbuf_adds(out, "\"><h2><code>");
	page_escape(out, r->id);
	sbuf_adds(out, "</code> ");
	esc(out, r->host);
	sbuf_adds(out, " <span class=\"state\">");
	state_text(out, l, r);
	sbuf_adds(out, "</span></h2><table class=\"status\">");
	row(out, l, MSG_CONSOLE_UB_TIME, r->when);
	struct sbuf dev;
	sbuf_init(&dev);
	sbuf_adds(&dev, r->client ? r->client : "-");
	if (r->client_name)
		sbuf_printf(&dev, " (%s)", r->client_name);
	if (r->mac)
		sbuf_printf(&dev, " %s", r->mac);
	row(out, l, MSG_CONSOLE_UB_CLIENT, dev.data);
	sbuf_free(&dev);
	row(out, l, MSG_CONSOLE_UB_GROUP, r->group);
	struct sbuf site;
	sbuf_init(&site);
	sbuf_adds(&site, r->host ? r->host : "-");
	if (r->path)
		sbuf_adds(&site, r->path);
	row(out, l, MSG_CONSOLE_UB_SITE, site.data);
	sbuf_free(&site);
	row(out, l, MSG_CONSOLE_UB_CATEGORY, r->category);
	row(out, l, MSG_CONSOLE_UB_REASON, r->reason);
	row(out, l, MSG_CONSOLE_UB_TEACHER, r->teacher);
	sbuf_adds(out, "</table>");
	if (admin && r->state == UB_PENDING)
		decide_forms(out, c, r);
	sbuf_adds(out, "</section>\n");
}

void page_unblock(struct sbuf *out, const struct page_ctx *c, const struct ub_queue *q,
		  bool admin, const char *err)
{
	enum lang l = c->l;
	page_head(out, l, MSG_CONSOLE_NAV_UNBLOCK);
	page_bar(out, c);
	sbuf_adds(out, "<section><h1>");
	page_escape(out, msg(l, MSG_CONSOLE_NAV_UNBLOCK));
	sbuf_adds(out, "</h1><p>");
	page_escape(out, msg(l, MSG_CONSOLE_UB_INTRO));
	if (!admin) {
		sbuf_adds(out, " ");
		page_escape(out, msg(l, MSG_CONSOLE_UB_READ_ONLY));
	}
	sbuf_adds(out, "</p>");
	if (err) {
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_UB_JOURNAL_FAILED, err);
		sbuf_adds(out, "<p class=\"note\" role=\"alert\">");
		page_escape(out, t.data ? t.data : "");
		sbuf_adds(out, "</p>");
		sbuf_free(&t);
	} else if (q->n == 0) {
		sbuf_adds(out, "<p id=\"ub-none\">");
		page_escape(out, msg(l, MSG_CONSOLE_UB_NONE));
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "</section>\n");
	for (size_t i = q->n; i-- > 0;)
		request_card(out, c, &q->v[i], admin);
	page_tail(out);
}

void page_unblock_result(struct sbuf *out, const struct page_ctx *c, bool bad,
			 const char *const *lines, size_t n)
{
	enum lang l = c->l;
	page_head(out, l, MSG_CONSOLE_UB_RESULT);
	page_bar(out, c);
	sbuf_printf(out, "<section class=\"message%s\" id=\"ub-result\"><h1>", bad ? " bad" : "");
	page_escape(out, msg(l, bad ? MSG_CONSOLE_BAD_REQUEST : MSG_CONSOLE_UB_RESULT));
	sbuf_adds(out, "</h1>");
	for (size_t i = 0; i < n; i++) {
		sbuf_adds(out, "<p>");
		page_escape(out, lines[i]);
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "<p><a href=\"/unblock\">");
	page_escape(out, msg(l, MSG_CONSOLE_UB_BACK));
	sbuf_adds(out, "</a></p></section>");
	page_tail(out);
}
