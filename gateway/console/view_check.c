/* view_check: the console's /check: explain a name or URL for a client address, a
 * destination address and a time, as `campusgate check [--dest]` does, but from the
 * running policy: the console asks campusgated "check TARGET [client A] [dest A] [time T]"
 * on the control socket (console/check_form.h, control/check_request.h,
 * daemon/daemon_explain.c) and never loads the lists itself. A staff account limited to
 * groups is not shown the decision for a client of another group. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_form.h"
#include "check_request.h"
#include "name.h"
#include "page_journal.h"
#include "review.h"
#include "tz.h"
#include "views.h"

#define CHECK_KEYS_MAX 32

/* The daemon's reply as key/value pairs (pointers into its text, lines cut). */
struct answer {
	size_t n;
	const char *k[CHECK_KEYS_MAX], *v[CHECK_KEYS_MAX];
};

static void answer_parse(char *text, struct answer *a)
{
	a->n = 0;
	for (char *p = text; p && *p && a->n < CHECK_KEYS_MAX;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		char *sp = strchr(p, ' ');
		if (sp) {
			*sp = '\0';
			a->k[a->n] = p;
			a->v[a->n++] = sp + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
}

static const char *get(const struct answer *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->k[i], key) == 0)
			return a->v[i];
	return NULL;
}

/* A form field with its length (a %00 inside is kept, for check_form to refuse); NULL
 * when absent or empty. */
static const char *qarg(const struct hctx *h, const char *key, size_t *len)
{
	const char *v = NULL;
	size_t n = 0;
	if (MHD_lookup_connection_value_n(h->c, MHD_GET_ARGUMENT_KIND, key, strlen(key), &v,
					  &n) != MHD_YES || !v || n == 0) {
		*len = 0;
		return NULL;
	}
	*len = n;
	return v;
}

/* The fields of the form (as given, for the form and the messages). */
struct fields {
	const char *target, *client, *dest, *when;
	size_t target_len, client_len, dest_len, when_len;
};

/* A message without the padding the CLI's columns use. */
static const char *trimmed(enum lang l, enum msg_id m)
{
	const char *s = msg(l, m);
	while (*s == ' ')
		s++;
	return s;
}

static void form(struct sbuf *out, const struct hctx *h, const struct fields *in)
{
	enum lang l = h->pc.l;
	const struct { enum msg_id m; const char *name, *v, *type, *extra; } f[] = {
		{ MSG_CONSOLE_C_TARGET, "target", in->target, "text", " required maxlength=\"2048\"" },
		{ MSG_CONSOLE_C_CLIENT, "client", in->client, "text", " maxlength=\"64\"" },
		{ MSG_CONSOLE_C_DEST, "dest", in->dest, "text", " maxlength=\"64\"" },
		{ MSG_CONSOLE_C_TIME, "time", in->when, "datetime-local", "" },
	};
	sbuf_adds(out, "<h1>");
	page_escape(out, msg(l, MSG_CONSOLE_C_HEAD));
	sbuf_adds(out, "</h1><section><p>");
	page_escape(out, msg(l, MSG_CONSOLE_C_TEXT));
	sbuf_adds(out, "</p><form method=\"get\" action=\"/check\" class=\"check\">");
	for (size_t i = 0; i < CG_ARRAY_LEN(f); i++) {
		sbuf_adds(out, "<label>");
		page_escape(out, msg(l, f[i].m));
		sbuf_printf(out, "<input type=\"%s\" name=\"%s\"%s value=\"", f[i].type, f[i].name,
			    f[i].extra);
		page_text(out, f[i].v ? f[i].v : "");
		sbuf_adds(out, "\"></label>");
	}
	sbuf_adds(out, "<div><button type=\"submit\">");
	page_escape(out, msg(l, MSG_CONSOLE_C_SUBMIT));
	sbuf_adds(out, "</button></div></form></section>");
}

static void row_open(struct sbuf *out, enum lang l, enum msg_id head)
{
	sbuf_adds(out, "<tr><th>");
	page_escape(out, msg(l, head));
	sbuf_adds(out, "</th><td>");
}

static void note(struct sbuf *out, const char *text)
{
	sbuf_adds(out, "<br><span class=\"sub\">");
	page_text(out, text);
	sbuf_adds(out, "</span>");
}

static void group_row(struct sbuf *out, enum lang l, const struct answer *a)
{
	const char *by = get(a, "group_by"), *client = get(a, "client");
	struct sbuf t;
	sbuf_init(&t);
	row_open(out, l, MSG_CONSOLE_C_GROUP);
	page_text(out, get(a, "group"));
	if (by && strcmp(by, "subnet") == 0 && client)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_C_BY_SUBNET, client, get(a, "group_subnet") ? get(a, "group_subnet") : "?");
	else if (by && strcmp(by, "no_subnet") == 0 && client)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_C_NO_SUBNET, client);
	else
		sbuf_adds(&t, msg(l, MSG_CONSOLE_C_DEFAULT_GROUP));
	note(out, t.data);
	sbuf_adds(out, "</td></tr>");
	sbuf_free(&t);
}

static void rule_row(struct sbuf *out, enum lang l, const struct answer *a)
{
	static const struct { const char *k; enum msg_id m; } kinds[] = {
		{ "domain", MSG_CHECK_KIND_DOMAIN }, { "exact", MSG_CHECK_KIND_EXACT },
		{ "url", MSG_CHECK_KIND_URL }, { "pattern", MSG_CHECK_KIND_PATTERN },
	};
	const char *file = get(a, "rule_file"), *kind = get(a, "rule_kind");
	row_open(out, l, MSG_CONSOLE_C_RULE);
	if (!file) {
		page_escape(out, msg(l, MSG_CHECK_NONE_MATCHED));
	} else {
		sbuf_adds(out, "<code>");
		page_text(out, get(a, "rule_text"));
		sbuf_adds(out, "</code>");
		for (size_t i = 0; kind && i < CG_ARRAY_LEN(kinds); i++)
			if (strcmp(kind, kinds[i].k) == 0) {
				sbuf_adds(out, l == LANG_ZH ? "（" : " (");
				page_escape(out, msg(l, kinds[i].m));
				sbuf_adds(out, l == LANG_ZH ? "）" : ")");
			}
		sbuf_adds(out, "<br><span class=\"sub\">");
		page_text(out, file);
		sbuf_addc(out, ':');
		page_text(out, get(a, "rule_line"));
		sbuf_adds(out, "</span>");
	}
	sbuf_adds(out, "</td></tr>");
}

static void category_row(struct sbuf *out, enum lang l, const struct answer *a)
{
	const char *cat = get(a, "category");
	const char *title = get(a, l == LANG_ZH ? "category_title_zh" : "category_title_en");
	if (!cat)
		return;
	row_open(out, l, MSG_CONSOLE_C_CATEGORY);
	page_text(out, cat);
	if (title) {
		sbuf_adds(out, l == LANG_ZH ? "（" : " (");
		page_text(out, title);
		sbuf_adds(out, l == LANG_ZH ? "）" : ")");
	}
	if (get(a, "bypass")) {
		sbuf_addc(out, ' ');
		page_escape(out, trimmed(l, MSG_CHECK_BYPASS_CATEGORY));
	}
	sbuf_adds(out, "</td></tr>");
}

/* Why, the timetable and the notes. */
static void reason_rows(struct sbuf *out, enum lang l, const struct answer *a)
{
	const char *tt = get(a, "timetable"), *active = get(a, "timetable_active");
	if (get(a, "allowlisted") || get(a, "category_listed")) {
		row_open(out, l, MSG_CONSOLE_C_WHY);
		page_escape(out, msg(l, get(a, "allowlisted") ? MSG_CHECK_WHY_ALLOWLIST
							      : MSG_CHECK_WHY_NOT_BLOCKED));
		sbuf_adds(out, "</td></tr>");
	}
	if (tt || get(a, "timetable_unused")) {
		row_open(out, l, MSG_CONSOLE_C_TIMETABLE);
		if (tt) {
			page_text(out, tt);
			sbuf_adds(out, l == LANG_ZH ? "：" : ": ");
			page_escape(out, msg(l, active && strcmp(active, "1") == 0
						   ? MSG_CHECK_TIMETABLE_IN_FORCE
						   : MSG_CHECK_TIMETABLE_NOT_IN_FORCE));
		} else {
			page_escape(out, msg(l, MSG_CHECK_TIMETABLE_NOT_USED));
		}
		sbuf_adds(out, "</td></tr>");
	}
	/* notes: a pattern that hit its limit; an address; for a name let through, that the
	 * answers' CNAME chain is checked too */
	const char *verdict = get(a, "verdict");
	bool allowed = verdict && strcmp(verdict, "block") != 0;
	if (!get(a, "pattern_limit") && !get(a, "ip_literal") && !allowed)
		return;
	row_open(out, l, MSG_CONSOLE_C_NOTES);
	if (get(a, "pattern_limit"))
		page_escape(out, msg(l, MSG_CONSOLE_C_NOTE_PATTERN));
	else if (get(a, "ip_literal"))
		page_escape(out, msg(l, MSG_CONSOLE_C_NOTE_IP));
	else
		page_escape(out, msg(l, MSG_CONSOLE_C_NOTE_CNAME));
	sbuf_adds(out, "</td></tr>");
}

/* A verdict's word, in its colour. */
static void verdict_word(struct sbuf *out, enum lang l, const char *verdict)
{
	bool block = verdict && strcmp(verdict, "block") == 0;
	sbuf_printf(out, "<span class=\"%s\">", block ? "verdict-block" : "verdict-allow");
	if (block || (verdict && strcmp(verdict, "allow") == 0))
		page_escape(out, msg(l, block ? MSG_CHECK_BLOCK : MSG_CHECK_ALLOW));
	else
		page_text(out, verdict);
	sbuf_adds(out, "</span>");
}

/* With a destination address: which of the name and the address decided. */
static void result_note(struct sbuf *out, enum lang l, const struct answer *a)
{
	const char *by = get(a, "result_by"), *dest = get(a, "dest");
	const char *file = get(a, "dest_rule_file"), *line = get(a, "dest_rule_line");
	struct sbuf t;
	sbuf_init(&t);
	if (by && strcmp(by, "dest") == 0)
		msg_sbuf_printf(&t, l, MSG_CONSOLE_C_BY_DEST, dest, file ? file : "?",
				line ? line : "?");
	else if (by)
		sbuf_adds(&t, msg(l, MSG_CONSOLE_C_BY_NAME));
	else
		msg_sbuf_printf(&t, l, MSG_CONSOLE_C_BOTH_ALLOWED, dest);
	sbuf_adds(out, "<br><span class=\"sub\" id=\"decided-by\">");
	page_text(out, t.data);
	sbuf_adds(out, "</span>");
	sbuf_free(&t);
}

/* The destination address's own decision: its verdict, category, rule and why. */
static void dest_row(struct sbuf *out, enum lang l, const struct answer *a)
{
	const char *cat = get(a, "dest_category"), *file = get(a, "dest_rule_file");
	const char *title = get(a, l == LANG_ZH ? "dest_category_title_zh" : "dest_category_title_en");
	const char *tt = get(a, "dest_timetable"), *active = get(a, "dest_timetable_active");
	row_open(out, l, MSG_CONSOLE_C_DEST_ROW);
	page_text(out, get(a, "dest"));
	sbuf_adds(out, l == LANG_ZH ? "：" : ": ");
	verdict_word(out, l, get(a, "dest_verdict"));
	if (cat) {
		sbuf_adds(out, "<br>");
		page_escape(out, msg(l, MSG_CONSOLE_C_CATEGORY));
		sbuf_adds(out, l == LANG_ZH ? "：" : ": ");
		page_text(out, cat);
		if (title) {
			sbuf_adds(out, l == LANG_ZH ? "（" : " (");
			page_text(out, title);
			sbuf_adds(out, l == LANG_ZH ? "）" : ")");
		}
	}
	sbuf_adds(out, "<br>");
	page_escape(out, msg(l, MSG_CONSOLE_C_RULE));
	sbuf_adds(out, l == LANG_ZH ? "：" : ": ");
	if (file) {
		sbuf_adds(out, "<code>");
		page_text(out, get(a, "dest_rule_text"));
		sbuf_adds(out, "</code> <span class=\"sub\">");
		page_text(out, file);
		sbuf_addc(out, ':');
		page_text(out, get(a, "dest_rule_line"));
		sbuf_adds(out, "</span>");
	} else {
		page_escape(out, msg(l, MSG_CHECK_NONE_MATCHED));
	}
	if (get(a, "dest_allowlisted") || get(a, "dest_category_listed"))
		note(out, msg(l, get(a, "dest_allowlisted") ? MSG_CHECK_WHY_ALLOWLIST
							  : MSG_CHECK_WHY_NOT_BLOCKED));
	if (tt) {
		struct sbuf t;
		sbuf_init(&t);
		sbuf_printf(&t, "%s%s%s", tt, l == LANG_ZH ? "：" : ": ",
			    msg(l, active && strcmp(active, "1") == 0 ? MSG_CHECK_TIMETABLE_IN_FORCE
								 : MSG_CHECK_TIMETABLE_NOT_IN_FORCE));
		note(out, t.data);
		sbuf_free(&t);
	}
	sbuf_adds(out, "</td></tr>");
}

static void answer_table(struct sbuf *out, enum lang l, const struct answer *a,
			 const struct tz *tz)
{
	const char *host = get(a, "host"), *path = get(a, "path");
	const char *t = get(a, "time");
	bool dest = get(a, "dest") != NULL;
	sbuf_adds(out, "<section><table class=\"detail\" id=\"answer\">");
	row_open(out, l, MSG_CONSOLE_C_VERDICT);
	verdict_word(out, l, get(a, dest ? "result" : "verdict"));
	if (dest)
		result_note(out, l, a);
	sbuf_adds(out, "</td></tr>");
	row_open(out, l, MSG_CONSOLE_C_HOST);
	page_text(out, host);
	if (path) {
		sbuf_adds(out, "<span class=\"path\">");
		page_text(out, path);
		sbuf_adds(out, "</span>");
	}
	char *u = host ? name_to_unicode(host) : NULL;
	if (u) {
		struct sbuf s;
		sbuf_init(&s);
		msg_sbuf_printf(&s, l, MSG_CONSOLE_C_IDN, u);
		note(out, s.data);
		sbuf_free(&s);
		free(u);
	}
	sbuf_adds(out, "</td></tr>");
	if (t && tz) {
		struct tm lt;
		char buf[64];
		tz_localtime(tz, (time_t)strtoll(t, NULL, 10), &lt);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &lt);
		row_open(out, l, MSG_CONSOLE_C_TIME_SHOWN);
		page_text(out, buf);
		sbuf_printf(out, " (%s)</td></tr>", tz_name(tz));
	}
	group_row(out, l, a);
	if (dest) {
		row_open(out, l, MSG_CONSOLE_C_NAME_ALONE);
		verdict_word(out, l, get(a, "verdict"));
		sbuf_adds(out, "</td></tr>");
	}
	category_row(out, l, a);
	rule_row(out, l, a);
	reason_rows(out, l, a);
	if (dest)
		dest_row(out, l, a);
	sbuf_adds(out, "</table></section>");
}

static void alert(struct sbuf *out, const char *text)
{
	sbuf_adds(out, "<section><p class=\"note\" role=\"alert\">");
	page_text(out, text);
	sbuf_adds(out, "</p></section>");
}

/* The field check_form names, and its value, as the page's error into err. */
static void bad_field(struct sbuf *err, enum lang l, enum check_form_field bad,
		      const struct fields *in)
{
	enum msg_id m = MSG_CONSOLE_C_TARGET;
	const char *v = in->target;
	switch (bad) {
	case CHECK_FORM_CLIENT: m = MSG_CONSOLE_C_CLIENT; v = in->client; break;
	case CHECK_FORM_DEST: m = MSG_CONSOLE_C_DEST; v = in->dest; break;
	case CHECK_FORM_TIME: m = MSG_CONSOLE_C_TIME; v = in->when; break;
	case CHECK_FORM_TARGET:
	case CHECK_FORM_OK: break;
	}
	/* at most 200 bytes of what was sent (it is shown, escaped, in the page) */
	msg_sbuf_printf(err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, m),
			v && strlen(v) <= 200 ? v : "…");
	if (bad == CHECK_FORM_CLIENT || bad == CHECK_FORM_DEST) {
		sbuf_adds(err, l == LANG_ZH ? "" : " ");
		sbuf_adds(err, msg(l, MSG_CONSOLE_C_ADDR_HINT));
	}
}

/* Ask the daemon; the answer's table, or why not, into page. Returns the status. */
static unsigned ask(struct hctx *h, const struct fields *in, const struct tz *tz,
		    struct sbuf *page)
{
	enum lang l = h->pc.l;
	int64_t us = -1;
	struct sbuf req, rep, err;
	unsigned status = 200;
	const char *why = NULL;
	enum check_form_field bad = CHECK_FORM_OK;
	struct check_form f = {
		.target = in->target, .target_len = in->target_len,
		.client = in->client, .client_len = in->client_len,
		.dest = in->dest, .dest_len = in->dest_len, .when = -1,
	};
	sbuf_init(&req);
	sbuf_init(&rep);
	sbuf_init(&err);
	if (in->when && (in->when_len > 32 || memchr(in->when, '\0', in->when_len) || !tz ||
			 review_parse_time(in->when, tz, false, &us) < 0 || us < 0))
		bad = CHECK_FORM_TIME;
	else if (in->when)
		f.when = us / 1000000;
	if (bad != CHECK_FORM_OK || check_form_request(&f, &req, &bad) < 0) {
		bad_field(&err, l, bad, in);
	} else {
		sbuf_adds(&req, "");
		if (srv_control(h->s, req.data, 3000, &rep, &why) < 0 && why == rep.data) {
			/* the daemon's "error": the name (or a field) is not valid */
			msg_sbuf_printf(&err, l, MSG_CONSOLE_J_BAD_FILTER, msg(l, MSG_CONSOLE_C_TARGET),
					in->target);
			sbuf_printf(&err, " (%.200s)", why);
		} else if (why) {
			msg_sbuf_printf(&err, l, MSG_CONSOLE_C_FAILED, why);
			status = 502;
		}
	}
	if (err.len) {
		sbuf_adds(&err, "");
		alert(page, err.data);
		status = status == 200 ? 400 : status;
	} else {
		struct answer ans;
		struct review_filter scope;
		answer_parse(rep.data, &ans);
		review_filter_init(&scope);
		if (h->scoped)
			review_filter_scope(&scope, (const char *const *)h->acc->groups,
					    h->acc->n_groups);
		if (in->client && !review_group_allowed(&scope, get(&ans, "group"))) {
			alert(page, msg(l, MSG_CONSOLE_C_NOT_YOURS));
			status = 403;
		} else {
			answer_table(page, l, &ans, tz);
		}
	}
	sbuf_free(&req);
	sbuf_free(&rep);
	sbuf_free(&err);
	return status;
}

enum MHD_Result view_check(struct hctx *h)
{
	const char *zone = h->s->cfg->timezone ? h->s->cfg->timezone : "Asia/Shanghai";
	const char *why = NULL;
	struct fields in;
	struct sbuf page;
	unsigned status = 200;
	if (h->m != METHOD_GET || (strcmp(h->url, "/check") != 0 && strcmp(h->url, "/check/") != 0))
		return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT);
	in.target = qarg(h, "target", &in.target_len);
	in.client = qarg(h, "client", &in.client_len);
	in.dest = qarg(h, "dest", &in.dest_len);
	in.when = qarg(h, "time", &in.when_len);
	struct tz *tz = tz_load(zone, &why);
	sbuf_init(&page);
	page_head(&page, h->pc.l, MSG_CONSOLE_C_HEAD);
	page_bar(&page, &h->pc);
	form(&page, h, &in);
	if (in.target || in.client || in.dest)
		status = ask(h, &in, tz, &page);
	page_tail(&page);
	if (tz)
		tz_free(tz);
	return srv_page(h, status, &page);
}
