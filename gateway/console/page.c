/* page: the console's pages as HTML (no script; styles only from /static/console.css). */
#include <stdlib.h>
#include <string.h>

#include "page.h"

void page_escape(struct sbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '\'': sbuf_adds(out, "&#39;"); break;
		default: sbuf_addc(out, *s);
		}
	}
}

void page_head(struct sbuf *out, enum lang l, enum msg_id title)
{
	sbuf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>", lang_tag(l));
	page_escape(out, msg(l, title));
	sbuf_adds(out, " - ");
	page_escape(out, msg(l, MSG_CONSOLE_TITLE));
	sbuf_adds(out, "</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head>\n"
		       "<body>");
}

/* The menu of the pages this account may open (the server checks again). */
static void menu(struct sbuf *out, const struct page_ctx *c)
{
	static const struct {
		const char *href;
		enum msg_id text;
		bool admin;
	} items[] = {
		{"/", MSG_CONSOLE_DASHBOARD, false},
		{"/journal", MSG_CONSOLE_NAV_JOURNAL, false},
		{"/report", MSG_CONSOLE_NAV_REPORT, false},
		{"/check", MSG_CONSOLE_NAV_CHECK, false},
		{"/unblock", MSG_CONSOLE_NAV_UNBLOCK, false},
		{"/lists", MSG_CONSOLE_NAV_LISTS, true},
		{"/accounts", MSG_CONSOLE_NAV_ACCOUNTS, true},
		{"/password", MSG_CONSOLE_NAV_PASSWORD, false},
	};
	bool admin = c->role && strcmp(c->role, "admin") == 0;
	sbuf_adds(out, "<nav class=\"menu\">");
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (items[i].admin && !admin)
			continue;
		sbuf_printf(out, "<a href=\"%s\">", items[i].href);
		page_escape(out, msg(c->l, items[i].text));
		sbuf_adds(out, "</a>");
	}
	sbuf_adds(out, "</nav>\n");
}

/* The top bar: title, who is signed in, sign out, the other language; the menu. */
void page_bar(struct sbuf *out, const struct page_ctx *c)
{
	enum lang l = c->l;
	sbuf_adds(out, "<header><a class=\"brand\" href=\"/\">");
	page_escape(out, msg(l, MSG_CONSOLE_TITLE));
	sbuf_adds(out, "</a><nav>");
	if (c->account) {
		sbuf_adds(out, "<span class=\"who\">");
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_SIGNED_IN_AS, c->account, c->role);
		page_escape(out, t.data);
		sbuf_free(&t);
		sbuf_adds(out, "</span><form method=\"post\" action=\"/logout\">"
			       "<input type=\"hidden\" name=\"csrf\" value=\"");
		page_escape(out, c->csrf);
		sbuf_adds(out, "\"><button type=\"submit\">");
		page_escape(out, msg(l, MSG_CONSOLE_LOGOUT));
		sbuf_adds(out, "</button></form>");
	}
	sbuf_printf(out, "<a class=\"lang\" href=\"?lang=%s\">%s</a></nav></header>\n",
		    l == LANG_ZH ? "en" : "zh", l == LANG_ZH ? "English" : "中文");
	if (c->account)
		menu(out, c);
	sbuf_adds(out, "<main>");
}

void page_tail(struct sbuf *out)
{
	sbuf_adds(out, "</main></body></html>\n");
}

void page_login(struct sbuf *out, enum lang l, const char *token, enum msg_id note)
{
	struct page_ctx c = {l, NULL, NULL, NULL};
	page_head(out, l, MSG_CONSOLE_LOGIN_HEAD);
	page_bar(out, &c);
	sbuf_adds(out, "<section class=\"login\"><h1>");
	page_escape(out, msg(l, MSG_CONSOLE_LOGIN_HEAD));
	sbuf_adds(out, "</h1>");
	if (note) {
		sbuf_adds(out, "<p class=\"note\" role=\"alert\">");
		page_escape(out, msg(l, note));
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "<form method=\"post\" action=\"/login\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"");
	page_escape(out, token);
	sbuf_adds(out, "\"><label>");
	page_escape(out, msg(l, MSG_CONSOLE_LOGIN_NAME));
	sbuf_adds(out, "<input name=\"name\" autocomplete=\"username\" maxlength=\"32\" required "
		       "autofocus></label><label>");
	page_escape(out, msg(l, MSG_CONSOLE_LOGIN_PASSWORD));
	sbuf_adds(out, "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
		       "maxlength=\"256\" required></label><button type=\"submit\">");
	page_escape(out, msg(l, MSG_CONSOLE_LOGIN_SUBMIT));
	sbuf_adds(out, "</button></form></section>");
	page_tail(out);
}

void page_message(struct sbuf *out, const struct page_ctx *c, enum msg_id h, enum msg_id text)
{
	page_head(out, c->l, h);
	page_bar(out, c);
	sbuf_adds(out, "<section class=\"message\"><h1>");
	page_escape(out, msg(c->l, h));
	sbuf_adds(out, "</h1><p>");
	page_escape(out, msg(c->l, text));
	sbuf_adds(out, "</p><p><a href=\"/\">");
	page_escape(out, msg(c->l, MSG_CONSOLE_BACK));
	sbuf_adds(out, "</a></p></section>");
	page_tail(out);
}

const char *page_css(void)
{
	return "body{margin:0;font:16px/1.5 \"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\","
	       "\"Microsoft YaHei\",sans-serif;color:#1d2733;background:#f4f6f8}\n"
	       "header{display:flex;justify-content:space-between;align-items:center;"
	       "padding:.6em 1.2em;background:#1f4e79;color:#fff}\n"
	       "header a{color:#fff;text-decoration:none}\n"
	       ".brand{font-weight:bold;font-size:1.1em}\n"
	       "nav{display:flex;gap:1em;align-items:center}\n"
	       "nav form{margin:0}\n"
	       "main{max-width:60em;margin:1.5em auto;padding:0 1em}\n"
	       "section{background:#fff;border:1px solid #d5dbe1;border-radius:6px;"
	       "padding:1em 1.5em;margin-bottom:1em}\n"
	       ".login{max-width:22em;margin:3em auto}\n"
	       "label{display:block;margin:.8em 0}\n"
	       "input{display:block;width:100%;box-sizing:border-box;padding:.5em;"
	       "font:inherit;border:1px solid #9aa5b1;border-radius:4px}\n"
	       "button{padding:.5em 1.2em;font:inherit;border:0;border-radius:4px;"
	       "background:#2e75b6;color:#fff;cursor:pointer}\n"
	       "header button{background:#fff;color:#1f4e79;padding:.2em .8em}\n"
	       ".note{background:#fdecea;border-left:4px solid #c0392b;padding:.5em .8em}\n"
	       "table.status{border-collapse:collapse;width:100%}\n"
	       "table.status th,table.status td{text-align:left;padding:.25em .6em;"
	       "border-bottom:1px solid #e4e8ec;font-family:monospace}\n"
	       "nav.menu{display:flex;flex-wrap:wrap;gap:.2em 1.2em;padding:.4em 1.2em;"
	       "background:#dce6f0}\n"
	       "nav.menu a{color:#1f4e79;text-decoration:none}\n"
	       "nav.menu a:hover{text-decoration:underline}\n"
	       /* the dashboard: number cards, the report's chart, two tables side by side */
	       ".cards{display:flex;flex-wrap:wrap;gap:.8em;background:none;border:0;padding:0}\n"
	       ".card{flex:1 1 9em;background:#fff;border:1px solid #d5dbe1;border-radius:6px;"
	       "padding:.6em 1em}\n"
	       ".card .n{display:block;font-size:1.9em;font-weight:bold;line-height:1.2}\n"
	       ".card .t{display:block;font-size:.9em;color:#46525e}\n"
	       ".card.alert{border:2px solid #c0392b}.card.alert .n{color:#a02c20}\n"
	       ".scope{background:#fff7e0;border-left:4px solid #b9770e;padding:.4em .8em}\n"
	       "svg{max-width:100%;height:auto}svg text{font-size:12px;fill:#111}\n"
	       "svg .ax{stroke:#111}svg .grid{stroke:#bbb;stroke-dasharray:2 3}\n"
	       "svg .yl{text-anchor:end}svg .xl{text-anchor:middle}\n"
	       "svg rect.bar{stroke:#111;stroke-width:.5}\n"
	       ".two{display:flex;flex-wrap:wrap;gap:0 1em}.two>section{flex:1 1 20em}\n"
	       "table.list{border-collapse:collapse;width:100%}\n"
	       "table.list th,table.list td{text-align:left;padding:.25em .5em;"
	       "border-bottom:1px solid #e4e8ec;overflow-wrap:break-word}\n"
	       "table.list td code{white-space:nowrap}\n"
	       "table.list td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	       "table.list td.t{white-space:nowrap}\n"
	       "table.status.summary th{width:12em;font-family:inherit}\n"
	       "table.status.summary td{font-family:inherit}\n"
	       "table.status tr.alert td,table.status tr.alert th{color:#a02c20;font-weight:bold}\n"
	       "table.status.raw{font-size:.85em}\n"
	       /* the lists pages (page_lists.c) */
	       "table.lists{border-collapse:collapse;width:100%}\n"
	       "table.lists th,table.lists td{text-align:left;padding:.3em .6em;"
	       "border-bottom:1px solid #e4e8ec;vertical-align:middle}\n"
	       "table.lists th.num,table.lists td.num{text-align:right}\n"
	       "td.where{font-family:monospace;color:#52606d;word-break:break-all}\n"
	       "td code{word-break:break-all}\n"
	       "td.line{width:3em;color:#52606d;font-family:monospace}\n"
	       "td.act{width:1%;white-space:nowrap;text-align:right}\n"
	       ".muted{color:#7b8794;font-size:.9em}\n"
	       ".crumb{margin:0 0 .5em}\n"
	       ".ok{background:#e3f4e8;border-left:4px solid #2e8b57;padding:.5em .8em}\n"
	       ".info{background:#eef3f8;border-left:4px solid #2e75b6;padding:.5em .8em}\n"
	       "ul.errors{margin:.5em 0;padding-left:1.4em}\n"
	       "ul.errors li{margin:.2em 0;word-break:break-all}\n"
	       "textarea{display:block;width:100%;box-sizing:border-box;padding:.5em;margin-top:.3em;"
	       "font:14px/1.4 monospace;border:1px solid #9aa5b1;border-radius:4px}\n"
	       "form.row{display:flex;gap:.6em}\n"
	       "form.row input{flex:1}\n"
	       "form.inline{display:inline;margin:0}\n"
	       "button.small{padding:.15em .7em;font-size:.9em;background:#c0392b}\n"
	       /* accounts and password (page_accounts.c) */
	       "#accounts td{vertical-align:top;padding:.4em .6em}\n"
	       "td.off{color:#c0392b}\n"
	       ".hint{color:#52606d;font-size:.9em;display:block;margin:.2em 0}\n"
	       ".done{background:#e8f6ec;border-left:4px solid #27ae60;padding:.5em .8em}\n"
	       ".onetime{background:#fff8e1;border:2px solid #f0b429;border-radius:6px;"
	       "padding:.5em 1.2em;margin-bottom:1em}\n"
	       ".onetime .secret{font:bold 1.6em/1.4 monospace;letter-spacing:.08em;"
	       "user-select:all;margin:.2em 0}\n"
	       "select{display:block;padding:.45em;font:inherit;border:1px solid #9aa5b1;"
	       "border-radius:4px;min-width:14em}\n"
	       "fieldset.groups{border:1px solid #d5dbe1;border-radius:4px;margin:.8em 0}\n"
	       "label.check{display:inline-block;margin:.2em 1.2em .2em 0}\n"
	       "label.check input{display:inline;width:auto;margin-right:.3em}\n"
	       "button.danger{background:#c0392b}\n"
	       "button[disabled]{background:#9aa5b1;cursor:not-allowed}\n"
	       ".narrow{max-width:28em}\n"
	       ".hidden{display:none}\n"
	       /* journal, event, client, report and check pages (page_journal.c, view_report.c,
		* view_check.c) */
	       "select{display:block;width:100%;box-sizing:border-box;padding:.45em;font:inherit;"
	       "border:1px solid #9aa5b1;border-radius:4px;background:#fff}\n"
	       ".filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(13em,1fr));"
	       "gap:0 1em}\n"
	       ".filters label{margin:.3em 0}\n"
	       ".filters .actions{grid-column:1/-1;display:flex;flex-wrap:wrap;gap:.5em 1.5em;"
	       "align-items:center;margin-top:.5em}\n"
	       ".scroll{overflow-x:auto}\n"
	       "table.events{border-collapse:collapse;width:100%;font-size:.9em}\n"
	       "table.events th,table.events td{text-align:left;padding:.3em .5em;"
	       "border-bottom:1px solid #e4e8ec;vertical-align:top}\n"
	       "table.events th{background:#eef2f6;white-space:nowrap}\n"
	       "table.events td.t{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	       "table.events td.site{overflow-wrap:anywhere;min-width:10em}\n"
	       ".path,.sub{color:#555}\n"
	       ".sub{font-size:.9em}\n"
	       "td.block{color:#b03a2e;font-weight:bold}\n"
	       "td.id{font-family:monospace;font-size:.9em}\n"
	       "table.detail{border-collapse:collapse;margin:.5em 0}\n"
	       "table.detail th{text-align:left;padding:.3em 1.5em .3em 0;color:#445;"
	       "white-space:nowrap;vertical-align:top;font-weight:normal}\n"
	       "table.detail td{padding:.3em 0;overflow-wrap:anywhere}\n"
	       ".pager{display:flex;gap:2em;margin-top:.8em}\n"
	       ".verdict-block{color:#b03a2e;font-weight:bold}\n"
	       ".verdict-allow{color:#1e7b34;font-weight:bold}\n"
	       ".check{display:grid;grid-template-columns:repeat(auto-fill,minmax(16em,1fr));"
	       "gap:0 1em;align-items:end}\n"
	       ".check label{margin:.3em 0}\n"
	       "section.report{max-width:none}\n"
	       "section.report h1{font-size:1.5em}\n"
	       /* /unblock: one card per request, its state as a badge, the two forms */
	       "section.ub h2{font-size:1.05em;margin:0 0 .5em}\n"
	       "section.ub .state{font-weight:normal;font-size:.85em;padding:.1em .7em;"
	       "border-radius:1em;background:#fdf2d0;margin-left:.5em}\n"
	       "section.ub.approved .state{background:#d7f0dd}\n"
	       "section.ub.declined .state{background:#f3d6d3}\n"
	       ".ub-decide{display:flex;gap:1.5em;flex-wrap:wrap;margin-top:.8em}\n"
	       ".ub-decide form{flex:1;min-width:16em}\n"
	       ".ub-decide select{width:100%;box-sizing:border-box}\n"
	       ".ub-decide .hint{margin:0}\n"
	       "@media print{header,nav.menu,.noprint{display:none}body{background:#fff}"
	       "main{max-width:none;margin:0;padding:0}section{border:0;padding:0;margin:0}}\n";
}
