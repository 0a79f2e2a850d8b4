/* page_journal: the console's journal pages as HTML (page_journal.h). No script and no
 * inline style: the layout is in page_css's rules for .filters, table.events, .pager,
 * table.detail. */
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "page_journal.h"
#include "report.h"

void page_text(struct sbuf *out, const char *s)
{
	report_html_escape(out, s ? s : "");
}

void page_url_encode(struct sbuf *out, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			sbuf_addc(out, (char)*p);
		else
			sbuf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

static void arg(struct sbuf *out, bool *first, const char *key, const char *v)
{
	if (!v || !*v)
		return;
	sbuf_addc(out, *first ? '?' : '&');
	*first = false;
	sbuf_adds(out, key);
	sbuf_addc(out, '=');
	page_url_encode(out, v);
}

void jq_url(struct sbuf *out, const char *path, const struct jq *q,
	    const struct review_cursor *before)
{
	bool first = true;
	sbuf_adds(out, path);
	arg(out, &first, "since", q->since);
	arg(out, &first, "from", q->from);
	arg(out, &first, "to", q->to);
	arg(out, &first, "client", q->client);
	arg(out, &first, "group", q->group);
	arg(out, &first, "category", q->category);
	arg(out, &first, "event", q->event);
	arg(out, &first, "action", q->action);
	arg(out, &first, "proto", q->proto);
	arg(out, &first, "host", q->host);
	if (before) {
		char b[48];
		snprintf(b, sizeof b, "%lld.%llu", (long long)before->time_us,
			 (unsigned long long)before->seq);
		arg(out, &first, "before", b);
	}
}

/* A URL in an attribute: & escaped. */
static void attr_url(struct sbuf *out, const char *path, const struct jq *q,
		     const struct review_cursor *before)
{
	struct sbuf u;
	sbuf_init(&u);
	jq_url(&u, path, q, before);
	sbuf_adds(&u, "");
	page_escape(out, u.data);
	sbuf_free(&u);
}

static void label_open(struct sbuf *out, enum lang l, enum msg_id text)
{
	sbuf_adds(out, "<label>");
	page_escape(out, msg(l, text));
}

static void text_input(struct sbuf *out, enum lang l, enum msg_id text, const char *name,
		       const char *v, const char *type, unsigned max)
{
	label_open(out, l, text);
	sbuf_printf(out, "<input type=\"%s\" name=\"%s\" maxlength=\"%u\" value=\"", type, name,
		    max);
	page_text(out, v ? v : "");
	sbuf_adds(out, "\"></label>");
}

static void option(struct sbuf *out, const char *value, const char *text, const char *cur);

/* A select of values shown as words (page_value), "any" first. */
static void select_words(struct sbuf *out, enum lang l, enum msg_id text, const char *name,
			 const char *const *values, size_t n, const char *cur)
{
	label_open(out, l, text);
	sbuf_printf(out, "<select name=\"%s\">", name);
	option(out, "", msg(l, MSG_CONSOLE_J_ANY), cur);
	bool found = !cur;
	for (size_t i = 0; i < n; i++) {
		option(out, values[i], page_value(l, values[i]), cur);
		found = found || strcmp(values[i], cur) == 0;
	}
	if (!found)
		option(out, cur, cur, cur);
	sbuf_adds(out, "</select></label>");
}

static void option(struct sbuf *out, const char *value, const char *text, const char *cur)
{
	sbuf_adds(out, "<option value=\"");
	page_text(out, value);
	sbuf_addc(out, '"');
	if ((cur && strcmp(cur, value) == 0) || (!cur && !*value))
		sbuf_adds(out, " selected");
	sbuf_addc(out, '>');
	page_text(out, text);
	sbuf_adds(out, "</option>");
}

/* A select of values (text: the value itself), "any" first. */
static void select_of(struct sbuf *out, enum lang l, enum msg_id text, const char *name,
		      const char *const *values, size_t n, const char *cur)
{
	label_open(out, l, text);
	sbuf_printf(out, "<select name=\"%s\">", name);
	option(out, "", msg(l, MSG_CONSOLE_J_ANY), cur);
	bool found = !cur;
	for (size_t i = 0; i < n; i++) {
		option(out, values[i], values[i], cur);
		found = found || strcmp(values[i], cur) == 0;
	}
	if (!found)
		option(out, cur, cur, cur); /* a value from a link, kept */
	sbuf_adds(out, "</select></label>");
}

static void since_select(struct sbuf *out, enum lang l, const char *cur)
{
	static const struct { const char *v; int n; bool days; } spans[] = {
		{ "1h", 1, false }, { "3h", 3, false }, { "12h", 12, false }, { "24h", 24, false },
		{ "7d", 7, true }, { "30d", 30, true },
	};
	label_open(out, l, MSG_CONSOLE_J_SINCE);
	sbuf_adds(out, "<select name=\"since\">");
	for (size_t i = 0; i < CG_ARRAY_LEN(spans); i++) {
		struct sbuf t;
		sbuf_init(&t);
		if (spans[i].days)
			msg_sbuf_printf(&t, l, MSG_CONSOLE_J_LAST_DAYS, spans[i].n);
		else
			msg_sbuf_printf(&t, l, MSG_CONSOLE_J_LAST_HOURS, spans[i].n);
		option(out, spans[i].v, t.data, cur ? cur : "24h");
		sbuf_free(&t);
	}
	option(out, "all", msg(l, MSG_CONSOLE_J_ALL), cur);
	sbuf_adds(out, "</select></label>");
}

static void journal_form(struct sbuf *out, const struct jpage *jp, const struct jq *q)
{
	enum lang l = jp->c->l;
	static const char *const events[] = { "hit", "bypass", "admin", "suppressed" };
	static const char *const actions[] = { "block", "observe", "allow" };
	static const char *const protos[] = { "dns", "http", "tls", "sensor" };
	const char *cats[CFG_MAX_CATEGORIES], *groups[64];
	size_t nc = 0, ng = 0;
	for (size_t i = 0; i < jp->cfg->n_categories && nc < CFG_MAX_CATEGORIES; i++)
		cats[nc++] = jp->cfg->categories[i].name;
	if (jp->scoped)
		for (size_t i = 0; i < jp->n_scope && ng < CG_ARRAY_LEN(groups); i++)
			groups[ng++] = jp->scope[i];
	else
		for (size_t i = 0; i < jp->cfg->n_groups && ng < CG_ARRAY_LEN(groups); i++)
			groups[ng++] = jp->cfg->groups[i].name;
	sbuf_adds(out, "<section class=\"noprint\"><h2>");
	page_escape(out, msg(l, MSG_CONSOLE_J_FILTERS));
	sbuf_adds(out, "</h2><form method=\"get\" action=\"/journal\" class=\"filters\">");
	since_select(out, l, q->since);
	text_input(out, l, MSG_CONSOLE_J_FROM, "from", q->from, "datetime-local", 25);
	text_input(out, l, MSG_CONSOLE_J_TO, "to", q->to, "datetime-local", 25);
	text_input(out, l, MSG_CONSOLE_J_CLIENT, "client", q->client, "text", 50);
	select_of(out, l, MSG_CONSOLE_J_GROUP, "group", groups, ng, q->group);
	select_of(out, l, MSG_CONSOLE_J_CATEGORY, "category", cats, nc, q->category);
	select_words(out, l, MSG_CONSOLE_J_EVENT, "event", events, CG_ARRAY_LEN(events), q->event);
	select_words(out, l, MSG_CONSOLE_J_ACTION, "action", actions, CG_ARRAY_LEN(actions),
		     q->action);
	select_of(out, l, MSG_CONSOLE_J_PROTO, "proto", protos, CG_ARRAY_LEN(protos), q->proto);
	text_input(out, l, MSG_CONSOLE_J_HOST, "host", q->host, "search", 253);
	sbuf_adds(out, "<div class=\"actions\"><button type=\"submit\">");
	page_escape(out, msg(l, MSG_CONSOLE_J_APPLY));
	sbuf_adds(out, "</button><a href=\"/journal\">");
	page_escape(out, msg(l, MSG_CONSOLE_J_RESET));
	sbuf_adds(out, "</a><a class=\"csv\" href=\"");
	attr_url(out, "/journal/csv", q, NULL);
	sbuf_adds(out, "\">");
	page_escape(out, msg(l, MSG_CONSOLE_J_CSV));
	sbuf_adds(out, "</a></div></form>");
	if (jp->scoped) {
		struct sbuf g, t;
		sbuf_init(&g);
		sbuf_init(&t);
		for (size_t i = 0; i < jp->n_scope; i++)
			sbuf_printf(&g, "%s%s", i ? ", " : "", jp->scope[i]);
		sbuf_adds(&g, "");
		msg_sbuf_printf(&t, l, MSG_CONSOLE_J_SCOPED, g.data);
		sbuf_adds(out, "<p class=\"scope\">");
		page_text(out, t.data);
		sbuf_adds(out, "</p>");
		sbuf_free(&g);
		sbuf_free(&t);
	}
	sbuf_adds(out, "</section>");
}

/* The error or the unreadable-lines note, when there is one. */
static void notes(struct sbuf *out, const struct jpage *jp)
{
	enum lang l = jp->c->l;
	if (jp->error) {
		sbuf_adds(out, "<p class=\"note\" role=\"alert\">");
		page_text(out, jp->error);
		sbuf_adds(out, "</p>");
	}
	if (jp->bad) {
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_J_UNREADABLE, (unsigned long long)jp->bad);
		sbuf_adds(out, "<p class=\"note\">");
		page_text(out, t.data);
		sbuf_adds(out, "</p>");
		sbuf_free(&t);
	}
}

/* The reader's word for an event or action value (the value itself when unknown). */
const char *page_value(enum lang l, const char *v)
{
	static const struct { const char *v; enum msg_id m; } words[] = {
		{ "hit", MSG_CONSOLE_V_HIT }, { "bypass", MSG_CONSOLE_V_BYPASS },
		{ "admin", MSG_CONSOLE_V_ADMIN }, { "suppressed", MSG_CONSOLE_V_SUPPRESSED },
		{ "recovered", MSG_CONSOLE_V_RECOVERED }, { "retention", MSG_CONSOLE_V_RETENTION },
		{ "block", MSG_CONSOLE_V_BLOCK }, { "observe", MSG_CONSOLE_V_OBSERVE },
		{ "observed", MSG_CONSOLE_V_OBSERVE }, { "allow", MSG_CONSOLE_V_ALLOW },
		{ "login", MSG_CONSOLE_V_LOGIN }, { "login_failed", MSG_CONSOLE_V_LOGIN_FAILED },
		{ "login_throttled", MSG_CONSOLE_V_LOGIN_THROTTLED }, { "logout", MSG_CONSOLE_V_LOGOUT },
	};
	for (size_t i = 0; v && i < CG_ARRAY_LEN(words); i++)
		if (strcmp(v, words[i].v) == 0)
			return msg(l, words[i].m);
	return v;
}

/* A category's title in the reader's language from the config, else its name. */
static const char *category_title(const struct config *cfg, enum lang l, const char *name)
{
	for (size_t i = 0; name && i < cfg->n_categories; i++)
		if (strcmp(cfg->categories[i].name, name) == 0) {
			const char *t = l == LANG_ZH ? cfg->categories[i].title_zh
						     : cfg->categories[i].title_en;
			return t ? t : name;
		}
	return name;
}

static void th(struct sbuf *out, enum lang l, enum msg_id m)
{
	sbuf_adds(out, "<th>");
	page_escape(out, msg(l, m));
	sbuf_adds(out, "</th>");
}

static void td(struct sbuf *out, const char *cls, const char *v)
{
	if (cls)
		sbuf_printf(out, "<td class=\"%s\">", cls);
	else
		sbuf_adds(out, "<td>");
	page_text(out, v ? v : "");
	sbuf_adds(out, "</td>");
}

/* The site as people read it (Unicode), the path after it; the punycode as a title. */
static void site_cell(struct sbuf *out, const struct journal_record *r)
{
	char *u = name_display(r->host);
	sbuf_adds(out, "<td class=\"site\"");
	if (u && r->host && strcmp(u, r->host) != 0) {
		sbuf_adds(out, " title=\"");
		page_text(out, r->host);
		sbuf_addc(out, '"');
	}
	sbuf_addc(out, '>');
	page_text(out, u ? u : "");
	if (r->path) {
		sbuf_adds(out, "<span class=\"path\">");
		page_text(out, r->path);
		sbuf_adds(out, "</span>");
	}
	sbuf_adds(out, "</td>");
	free(u);
}

static void events_table(struct sbuf *out, const struct jpage *jp, const struct review_page *p)
{
	enum lang l = jp->c->l;
	char t[20];
	sbuf_adds(out, "<div class=\"scroll\"><table class=\"events\" id=\"events\"><thead><tr>");
	th(out, l, MSG_CONSOLE_J_COL_TIME);
	th(out, l, MSG_CONSOLE_J_COL_CLIENT);
	th(out, l, MSG_CONSOLE_J_GROUP);
	th(out, l, MSG_CONSOLE_J_EVENT);
	th(out, l, MSG_CONSOLE_J_ACTION);
	th(out, l, MSG_CONSOLE_J_CATEGORY);
	th(out, l, MSG_CONSOLE_J_COL_SITE);
	th(out, l, MSG_CONSOLE_J_COL_DETAIL);
	sbuf_adds(out, "</tr></thead><tbody>");
	for (size_t i = 0; i < p->n; i++) {
		const struct journal_record *r = &p->hits[i].r;
		review_local_time(r, t);
		sbuf_adds(out, "<tr>");
		td(out, "t", t);
		if (r->client) {
			sbuf_adds(out, "<td><a href=\"/journal/client?addr=");
			page_url_encode(out, r->client);
			sbuf_adds(out, "\">");
			page_text(out, r->client);
			sbuf_adds(out, "</a></td>");
		} else {
			td(out, NULL, "");
		}
		td(out, NULL, r->group);
		td(out, NULL, page_value(l, r->event));
		td(out, r->action && strcmp(r->action, "block") == 0 ? "block" : NULL,
		   page_value(l, r->action));
		td(out, NULL, category_title(jp->cfg, l, r->category));
		if (r->account) {
			struct sbuf who;
			sbuf_init(&who);
			msg_sbuf_printf(&who, l, MSG_CONSOLE_V_ACCOUNT, r->account);
			td(out, "site", who.data);
			sbuf_free(&who);
		} else {
			site_cell(out, r);
		}
		if (r->id) {
			sbuf_adds(out, "<td class=\"id\"><a href=\"/journal/event?id=");
			page_url_encode(out, r->id);
			sbuf_adds(out, "\">");
			page_text(out, r->id);
			sbuf_adds(out, "</a></td>");
		} else {
			td(out, NULL, "");
		}
		sbuf_adds(out, "</tr>");
	}
	sbuf_adds(out, "</tbody></table></div>");
}

/* How many are shown, the rows, and the links to the newest and the older page. */
static void rows_and_pager(struct sbuf *out, const struct jpage *jp, const char *path,
			   const struct jq *q, const struct review_page *p)
{
	enum lang l = jp->c->l;
	struct sbuf t;
	sbuf_init(&t);
	if (!p->n) {
		sbuf_adds(out, "<p class=\"empty\">");
		page_escape(out, msg(l, MSG_CONSOLE_J_NONE));
		sbuf_adds(out, "</p>");
	} else {
		if (p->more)
			msg_sbuf_printf(&t, l, MSG_CONSOLE_J_SHOWN_MORE, p->n);
		else
			msg_sbuf_printf(&t, l, MSG_CONSOLE_J_SHOWN, p->n);
		sbuf_adds(out, "<p class=\"count\">");
		page_text(out, t.data);
		sbuf_adds(out, "</p>");
		events_table(out, jp, p);
	}
	sbuf_free(&t);
	if (q->before.time_us == INT64_MAX && !p->more)
		return;
	sbuf_adds(out, "<nav class=\"pager noprint\">");
	if (q->before.time_us != INT64_MAX) {
		sbuf_adds(out, "<a href=\"");
		attr_url(out, path, q, NULL);
		sbuf_adds(out, "\">");
		page_escape(out, msg(l, MSG_CONSOLE_J_NEWEST));
		sbuf_adds(out, "</a>");
	}
	if (p->more) {
		sbuf_adds(out, "<a rel=\"next\" href=\"");
		attr_url(out, path, q, &p->next);
		sbuf_adds(out, "\">");
		page_escape(out, msg(l, MSG_CONSOLE_J_OLDER));
		sbuf_adds(out, " →</a>");
	}
	sbuf_adds(out, "</nav>");
}

void page_journal(struct sbuf *out, const struct jpage *jp, const struct jq *q,
		  const struct review_page *p)
{
	enum lang l = jp->c->l;
	page_head(out, l, MSG_CONSOLE_J_HEAD);
	page_bar(out, jp->c);
	sbuf_adds(out, "<h1>");
	page_escape(out, msg(l, MSG_CONSOLE_J_HEAD));
	sbuf_adds(out, "</h1>");
	journal_form(out, jp, q);
	sbuf_adds(out, "<section>");
	notes(out, jp);
	if (p)
		rows_and_pager(out, jp, "/journal", q, p);
	sbuf_adds(out, "</section>");
	page_tail(out);
}

static void row(struct sbuf *out, enum lang l, enum msg_id m, const char *v)
{
	if (!v || !*v)
		return;
	sbuf_adds(out, "<tr>");
	th(out, l, m);
	td(out, NULL, v);
	sbuf_adds(out, "</tr>");
}

void page_event(struct sbuf *out, const struct jpage *jp, const struct journal_record *r)
{
	enum lang l = jp->c->l;
	struct sbuf t;
	char tm[20], num[32];
	sbuf_init(&t);
	msg_sbuf_printf(&t, l, MSG_CONSOLE_EV_HEAD, r->id ? r->id : "");
	page_head(out, l, MSG_CONSOLE_J_HEAD);
	page_bar(out, jp->c);
	sbuf_adds(out, "<h1>");
	page_text(out, t.data);
	sbuf_adds(out, "</h1><section><table class=\"detail\" id=\"event\">");
	review_local_time(r, tm);
	row(out, l, MSG_CONSOLE_J_COL_TIME, tm);
	row(out, l, MSG_CONSOLE_EV_ID, r->id);
	snprintf(num, sizeof num, "%llu", (unsigned long long)r->seq);
	row(out, l, MSG_CONSOLE_EV_SEQ, num);
	row(out, l, MSG_CONSOLE_J_EVENT, page_value(l, r->event));
	row(out, l, MSG_CONSOLE_J_PROTO, r->proto);
	row(out, l, MSG_CONSOLE_J_ACTION, page_value(l, r->action));
	row(out, l, MSG_CONSOLE_J_COL_CLIENT, r->client);
	row(out, l, MSG_CONSOLE_EV_MAC, r->mac);
	row(out, l, MSG_CONSOLE_EV_CLIENT_NAME, r->client_name);
	row(out, l, MSG_CONSOLE_J_GROUP, r->group);
	char *u = name_display(r->host);
	row(out, l, MSG_CONSOLE_J_COL_SITE, u);
	if (u && r->host && strcmp(u, r->host) != 0)
		row(out, l, MSG_CONSOLE_EV_SITE_ASCII, r->host);
	free(u);
	row(out, l, MSG_CONSOLE_EV_PATH, r->path);
	row(out, l, MSG_CONSOLE_EV_QTYPE, r->qtype);
	if (r->category) {
		const char *title = category_title(jp->cfg, l, r->category);
		sbuf_reset(&t);
		sbuf_adds(&t, r->category);
		if (strcmp(title, r->category) != 0)
			sbuf_printf(&t, l == LANG_ZH ? "（%s）" : " (%s)", title);
		row(out, l, MSG_CONSOLE_J_CATEGORY, t.data);
	}
	row(out, l, MSG_CONSOLE_EV_RULE, r->rule_text);
	if (r->rule_file) {
		sbuf_reset(&t);
		if (r->rule_line)
			sbuf_printf(&t, "%s:%u", r->rule_file, r->rule_line);
		else
			sbuf_adds(&t, r->rule_file);
		row(out, l, MSG_CONSOLE_EV_LIST, t.data);
	}
	row(out, l, MSG_CONSOLE_EV_MODE, r->block_mode);
	row(out, l, MSG_CONSOLE_EV_REASON, r->reason);
	row(out, l, MSG_CONSOLE_EV_ACCOUNT, r->account);
	sbuf_adds(out, "</table>");
	if (r->client) {
		sbuf_adds(out, "<p class=\"noprint\"><a href=\"/journal/client?addr=");
		page_url_encode(out, r->client);
		sbuf_adds(out, "\">");
		page_escape(out, msg(l, MSG_CONSOLE_EV_DEVICE_LINK));
		sbuf_adds(out, "</a></p>");
	}
	sbuf_adds(out, "</section>");
	page_tail(out);
	sbuf_free(&t);
}

void page_client(struct sbuf *out, const struct jpage *jp, const char *addr, const struct jq *q,
		 const struct review_page *p)
{
	enum lang l = jp->c->l;
	struct sbuf t;
	sbuf_init(&t);
	msg_sbuf_printf(&t, l, MSG_CONSOLE_CL_HEAD, addr);
	page_head(out, l, MSG_CONSOLE_J_HEAD);
	page_bar(out, jp->c);
	sbuf_adds(out, "<h1>");
	page_text(out, t.data);
	sbuf_adds(out, "</h1><section><p>");
	page_escape(out, msg(l, MSG_CONSOLE_CL_TEXT));
	/* who the device is, from its newest event that says */
	for (size_t i = 0; p && i < p->n; i++) {
		const struct journal_record *r = &p->hits[i].r;
		if (!r->mac && !r->client_name)
			continue;
		sbuf_adds(out, "</p><table class=\"detail\">");
		row(out, l, MSG_CONSOLE_EV_MAC, r->mac);
		row(out, l, MSG_CONSOLE_EV_CLIENT_NAME, r->client_name);
		sbuf_adds(out, "</table><p>");
		break;
	}
	sbuf_adds(out, " <a class=\"noprint\" href=\"/journal?since=all&amp;client=");
	page_url_encode(out, addr);
	sbuf_adds(out, "\">");
	page_escape(out, msg(l, MSG_CONSOLE_CL_ALL));
	sbuf_adds(out, "</a></p>");
	notes(out, jp);
	if (p)
		rows_and_pager(out, jp, "/journal/client", q, p);
	sbuf_adds(out, "</section>");
	page_tail(out);
	sbuf_free(&t);
}
