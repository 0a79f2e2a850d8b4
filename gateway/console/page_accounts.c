/* page_accounts: the HTML of /accounts, /accounts/edit and /password (page_accounts.h). */
#include <string.h>

#include "page_accounts.h"

/* The catalogue text id, escaped. */
static void text(struct sbuf *out, enum lang l, enum msg_id id)
{
	page_escape(out, msg(l, id));
}

/* The form's opening and its CSRF token; action is a fixed path, op the operation. */
static void form_open(struct sbuf *out, const struct page_ctx *c, const char *op,
		      const char *name)
{
	sbuf_adds(out, "<form method=\"post\" action=\"/accounts\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"");
	page_escape(out, c->csrf);
	sbuf_printf(out, "\"><input type=\"hidden\" name=\"op\" value=\"%s\">", op);
	if (name) {
		sbuf_adds(out, "<input type=\"hidden\" name=\"name\" value=\"");
		page_escape(out, name);
		sbuf_adds(out, "\">");
	}
}

static void notice(struct sbuf *out, enum lang l, const struct page_notice *n)
{
	if (!n || (!n->text && !n->onetime))
		return;
	if (n->text) {
		sbuf_printf(out, "<p class=\"%s\" role=\"%s\" id=\"notice\">",
			    n->error ? "note" : "done", n->error ? "alert" : "status");
		page_escape(out, n->text);
		sbuf_adds(out, "</p>");
	}
	if (n->onetime) {
		struct sbuf t;
		sbuf_init(&t);
		msg_sbuf_printf(&t, l, MSG_CONSOLE_ACC_ONETIME, n->onetime_for);
		sbuf_adds(out, "<div class=\"onetime\"><p>");
		page_escape(out, t.data);
		sbuf_adds(out, "</p><p class=\"secret\" id=\"onetime\">");
		page_escape(out, n->onetime);
		sbuf_adds(out, "</p><p>");
		text(out, l, MSG_CONSOLE_ACC_ONETIME_TEXT);
		sbuf_adds(out, "</p></div>");
		sbuf_free(&t);
	}
}

/* The role choice, sel selected. */
static void role_select(struct sbuf *out, enum lang l, enum role sel)
{
	sbuf_adds(out, "<label>");
	text(out, l, MSG_CONSOLE_ACC_COL_ROLE);
	sbuf_printf(out, "<select name=\"role\"><option value=\"staff\"%s>",
		    sel == ROLE_STAFF ? " selected" : "");
	text(out, l, MSG_CONSOLE_ACC_ROLE_STAFF);
	sbuf_printf(out, "</option><option value=\"admin\"%s>", sel == ROLE_ADMIN ? " selected" : "");
	text(out, l, MSG_CONSOLE_ACC_ROLE_ADMIN);
	sbuf_adds(out, "</option></select></label>");
}

/* The config's groups as check boxes, acc's ticked (acc NULL: none). */
static void group_boxes(struct sbuf *out, enum lang l, const struct config *cfg,
			const struct account *acc)
{
	sbuf_adds(out, "<fieldset class=\"groups\"><legend>");
	text(out, l, MSG_CONSOLE_ACC_COL_GROUPS);
	sbuf_adds(out, "</legend><p class=\"hint\">");
	text(out, l, cfg->n_groups ? MSG_CONSOLE_ACC_GROUPS_HINT : MSG_CONSOLE_ACC_NO_GROUPS);
	sbuf_adds(out, "</p>");
	for (size_t g = 0; g < cfg->n_groups; g++) {
		bool on = false;
		for (size_t i = 0; acc && i < acc->n_groups && !on; i++)
			on = strcmp(acc->groups[i], cfg->groups[g].name) == 0;
		sbuf_adds(out, "<label class=\"check\"><input type=\"checkbox\" name=\"group\" value=\"");
		page_escape(out, cfg->groups[g].name);
		sbuf_printf(out, "\"%s>", on ? " checked" : "");
		page_escape(out, cfg->groups[g].name);
		sbuf_adds(out, "</label>");
	}
	sbuf_adds(out, "</fieldset>");
}

/* The new password twice (both optional where empty means a one-time password). */
static void password_pair(struct sbuf *out, enum lang l, bool required)
{
	const char *req = required ? " required" : "";
	sbuf_adds(out, "<label>");
	text(out, l, MSG_CONSOLE_ACC_PW_NEW);
	sbuf_printf(out, "<input name=\"pw1\" type=\"password\" autocomplete=\"new-password\" "
			 "maxlength=\"256\"%s></label><label>", req);
	text(out, l, MSG_CONSOLE_ACC_PW_AGAIN);
	sbuf_printf(out, "<input name=\"pw2\" type=\"password\" autocomplete=\"new-password\" "
			 "maxlength=\"256\"%s></label>", req);
}

static void account_row(struct sbuf *out, const struct page_ctx *c, const struct account *acc)
{
	enum lang l = c->l;
	sbuf_adds(out, "<tr><td>");
	page_escape(out, acc->name);
	if (c->account && strcmp(c->account, acc->name) == 0)
		text(out, l, MSG_CONSOLE_ACC_YOU);
	sbuf_adds(out, "</td><td>");
	text(out, l, acc->role == ROLE_ADMIN ? MSG_CONSOLE_ACC_ROLE_ADMIN : MSG_CONSOLE_ACC_ROLE_STAFF);
	sbuf_adds(out, "</td><td>");
	if (!acc->n_groups)
		text(out, l, MSG_CONSOLE_ACC_ALL_GROUPS);
	for (size_t i = 0; i < acc->n_groups; i++) {
		sbuf_adds(out, i ? ", " : "");
		page_escape(out, acc->groups[i]);
	}
	sbuf_printf(out, "</td><td class=\"%s\">", acc->disabled ? "off" : "on");
	text(out, l, acc->disabled ? MSG_CONSOLE_ACC_DISABLED : MSG_CONSOLE_ACC_ACTIVE);
	if (acc->mustchange) {
		sbuf_adds(out, "<br><span class=\"hint\">");
		text(out, l, MSG_CONSOLE_ACC_MUSTCHANGE);
		sbuf_adds(out, "</span>");
	}
	sbuf_adds(out, "</td><td><a href=\"/accounts/edit?name=");
	page_escape(out, acc->name); /* names are [a-z0-9._-]: nothing to URL-encode */
	sbuf_adds(out, "\">");
	text(out, l, MSG_CONSOLE_ACC_EDIT);
	sbuf_adds(out, "</a></td></tr>");
}

void page_accounts(struct sbuf *out, const struct page_ctx *c, const struct accounts *a,
		   const struct config *cfg, const struct page_notice *n)
{
	enum lang l = c->l;
	const struct account *acc;
	page_head(out, l, MSG_CONSOLE_ACC_HEAD);
	page_bar(out, c);
	sbuf_adds(out, "<h1>");
	text(out, l, MSG_CONSOLE_ACC_HEAD);
	sbuf_adds(out, "</h1>");
	notice(out, l, n);
	sbuf_adds(out, "<section><table class=\"list\" id=\"accounts\"><thead><tr><th>");
	text(out, l, MSG_CONSOLE_ACC_COL_NAME);
	sbuf_adds(out, "</th><th>");
	text(out, l, MSG_CONSOLE_ACC_COL_ROLE);
	sbuf_adds(out, "</th><th>");
	text(out, l, MSG_CONSOLE_ACC_COL_GROUPS);
	sbuf_adds(out, "</th><th>");
	text(out, l, MSG_CONSOLE_ACC_COL_STATE);
	sbuf_adds(out, "</th><th></th></tr></thead><tbody>");
	TAILQ_FOREACH(acc, &a->list, entry)
		account_row(out, c, acc);
	sbuf_adds(out, "</tbody></table></section><section><h2>");
	text(out, l, MSG_CONSOLE_ACC_ADD_HEAD);
	sbuf_adds(out, "</h2>");
	form_open(out, c, "add", NULL);
	sbuf_adds(out, "<label>");
	text(out, l, MSG_CONSOLE_ACC_COL_NAME);
	sbuf_adds(out, "<input name=\"name\" maxlength=\"32\" required pattern=\"[a-z0-9][a-z0-9._\\-]*\" "
		       "autocomplete=\"off\"><span class=\"hint\">");
	text(out, l, MSG_CONSOLE_ACC_NAME_HINT);
	sbuf_adds(out, "</span></label>");
	role_select(out, l, ROLE_STAFF);
	group_boxes(out, l, cfg, NULL);
	sbuf_adds(out, "<p class=\"hint\">");
	text(out, l, MSG_CONSOLE_ACC_PW_HINT);
	sbuf_adds(out, "</p>");
	password_pair(out, l, false);
	sbuf_adds(out, "<button type=\"submit\">");
	text(out, l, MSG_CONSOLE_ACC_ADD_SUBMIT);
	sbuf_adds(out, "</button></form></section>");
	page_tail(out);
}

/* The disable/enable form; refused (a note, the button greyed) when the rules keep acc. */
static void state_form(struct sbuf *out, const struct page_ctx *c, const struct accounts *a,
		       const struct account *acc)
{
	enum lang l = c->l;
	const char *why = NULL;
	bool kept = !acc->disabled &&
		    account_change_allowed(a, acc, c->account, acc->role, true, &why) < 0;
	sbuf_adds(out, "<section><h2>");
	text(out, l, MSG_CONSOLE_ACC_STATE_HEAD);
	sbuf_adds(out, "</h2><p class=\"hint\">");
	text(out, l, MSG_CONSOLE_ACC_DISABLE_TEXT);
	sbuf_adds(out, "</p>");
	form_open(out, c, acc->disabled ? "enable" : "disable", acc->name);
	sbuf_printf(out, "<button type=\"submit\" class=\"%s\"%s>", acc->disabled ? "" : "danger",
		    kept ? " disabled" : "");
	text(out, l, acc->disabled ? MSG_CONSOLE_ACC_ENABLE : MSG_CONSOLE_ACC_DISABLE);
	sbuf_adds(out, "</button></form></section>");
}

void page_account_edit(struct sbuf *out, const struct page_ctx *c, const struct accounts *a,
		       const struct account *acc, const struct config *cfg,
		       const struct page_notice *n)
{
	enum lang l = c->l;
	struct sbuf t;
	sbuf_init(&t);
	msg_sbuf_printf(&t, l, MSG_CONSOLE_ACC_EDIT_HEAD, acc->name);
	page_head(out, l, MSG_CONSOLE_ACC_HEAD);
	page_bar(out, c);
	sbuf_adds(out, "<p><a href=\"/accounts\">");
	text(out, l, MSG_CONSOLE_ACC_BACK);
	sbuf_adds(out, "</a></p><h1>");
	page_escape(out, t.data);
	sbuf_adds(out, "</h1>");
	sbuf_free(&t);
	notice(out, l, n);
	/* what the rules keep (account_change_allowed), said before the forms */
	const char *why = NULL;
	if (!acc->disabled && account_change_allowed(a, acc, c->account, acc->role, true, &why) < 0) {
		bool self = c->account && strcmp(c->account, acc->name) == 0;
		sbuf_adds(out, "<p class=\"note\" id=\"kept\">");
		text(out, l, self ? MSG_CONSOLE_ACC_KEPT_SELF : MSG_CONSOLE_ACC_KEPT_LAST);
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "<section><h2>");
	text(out, l, MSG_CONSOLE_ACC_ROLE_HEAD);
	sbuf_adds(out, "</h2>");
	form_open(out, c, "edit", acc->name);
	role_select(out, l, acc->role);
	group_boxes(out, l, cfg, acc);
	sbuf_adds(out, "<button type=\"submit\">");
	text(out, l, MSG_CONSOLE_ACC_SAVE);
	sbuf_adds(out, "</button></form></section><section><h2>");
	text(out, l, MSG_CONSOLE_ACC_PW_HEAD);
	sbuf_adds(out, "</h2><p class=\"hint\">");
	text(out, l, MSG_CONSOLE_ACC_PW_HINT);
	sbuf_adds(out, "</p>");
	form_open(out, c, "passwd", acc->name);
	password_pair(out, l, false);
	sbuf_adds(out, "<button type=\"submit\">");
	text(out, l, MSG_CONSOLE_ACC_PW_RESET);
	sbuf_adds(out, "</button></form></section>");
	state_form(out, c, a, acc);
	page_tail(out);
}

void page_password(struct sbuf *out, const struct page_ctx *c, bool mustchange, bool done,
		   const struct page_notice *n)
{
	enum lang l = c->l;
	page_head(out, l, MSG_CONSOLE_PW_HEAD);
	page_bar(out, c);
	sbuf_adds(out, "<h1>");
	text(out, l, MSG_CONSOLE_PW_HEAD);
	sbuf_adds(out, "</h1>");
	if (mustchange && !done) {
		sbuf_adds(out, "<p class=\"note\" id=\"mustchange\">");
		text(out, l, MSG_CONSOLE_PW_MUST);
		sbuf_adds(out, "</p>");
	}
	notice(out, l, n);
	if (done) {
		sbuf_adds(out, "<p><a href=\"/\">");
		text(out, l, MSG_CONSOLE_PW_CONTINUE);
		sbuf_adds(out, "</a></p>");
		page_tail(out);
		return;
	}
	sbuf_adds(out, "<section class=\"narrow\"><form method=\"post\" action=\"/password\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"");
	page_escape(out, c->csrf);
	sbuf_adds(out, "\"><input type=\"text\" name=\"username\" autocomplete=\"username\" "
		       "class=\"hidden\" value=\"");
	page_escape(out, c->account ? c->account : "");
	sbuf_adds(out, "\" readonly><label>");
	text(out, l, MSG_CONSOLE_PW_CURRENT);
	sbuf_adds(out, "<input name=\"current\" type=\"password\" autocomplete=\"current-password\" "
		       "maxlength=\"256\" required></label>");
	password_pair(out, l, true);
	sbuf_adds(out, "<p class=\"hint\">");
	text(out, l, MSG_CONSOLE_PW_RULES);
	sbuf_adds(out, "</p><button type=\"submit\">");
	text(out, l, MSG_CONSOLE_PW_SUBMIT);
	sbuf_adds(out, "</button></form></section>");
	page_tail(out);
}
