/* view_accounts: the console's /accounts (admin only; role.c refuses staff before this
 * runs): the accounts, adding one, changing its role and groups, resetting its password,
 * disabling and enabling it. The rules (the last active admin stays, an admin does not
 * demote or disable themselves, password lengths, known groups) are account.c's, shared
 * with `campusgate user`. Every change is saved atomically and journaled by campusgated
 * (account_add, account_edit, account_disable, account_enable, account_passwd) with the
 * account that acted; a detail names the account changed and what, never a password. */
#include <sodium.h>
#include <string.h>

#include "page_accounts.h"
#include "views.h"

/* What a POST did, for the page that answers it. */
struct outcome {
	unsigned status;
	struct sbuf text;                      /* the notice, in the reader's language */
	char onetime[ACCOUNT_ONETIME_LEN + 1]; /* "" or a password made now */
	char name[ACCOUNT_NAME_MAX + 1];       /* the account to show ("" = the list) */
	char actor[ACCOUNT_NAME_MAX + 1];      /* who acts (h->acc may be read again) */
};

/* The outcome is a refusal: status, and "Not changed: why" (why a catalogue reason). */
static void refuse(struct hctx *h, struct outcome *o, unsigned status, const char *why)
{
	o->status = status;
	sbuf_reset(&o->text);
	msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_REFUSED, lang_reason(h->pc.l, why));
}

/* The ticked groups of the form as "7a,7b" in out. */
static void form_groups(struct hctx *h, struct sbuf *out)
{
	const char *g;
	sbuf_adds(out, "");
	for (size_t i = 0; (g = req_field_nth(h->r, "group", i)); i++)
		sbuf_printf(out, "%s%s", i ? "," : "", g);
}

/* Set acc's groups from the form: known groups only, none for an admin. 0, or -1 (o). */
static int apply_groups(struct hctx *h, struct account *acc, struct outcome *o)
{
	struct sbuf list, t;
	const char *why = NULL, *bad = NULL;
	int rc = -1;
	sbuf_init(&list);
	sbuf_init(&t);
	form_groups(h, &list);
	if (acc->role == ROLE_ADMIN && list.len) {
		refuse(h, o, 400, msg(LANG_EN, MSG_R_CONSOLE_ADMIN_GROUPS));
	} else if (account_set_groups(acc, list.data, &why) < 0) {
		refuse(h, o, 400, why);
	} else if (account_groups_known(acc, h->s->cfg, &bad) < 0) {
		msg_sbuf_printf(&t, h->pc.l, MSG_CONSOLE_ACC_UNKNOWN_GROUP, bad);
		o->status = 400;
		sbuf_reset(&o->text);
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_REFUSED, t.data);
	} else {
		rc = 0;
	}
	sbuf_free(&list);
	sbuf_free(&t);
	return rc;
}

/* A new password for acc from pw1/pw2, or a one-time one when both are empty (written to
 * o->onetime). Either way acc must change it at its next sign-in. 0, or -1 (o). */
static int apply_password(struct hctx *h, struct account *acc, struct outcome *o)
{
	const char *p1 = req_field(h->r, "pw1"), *p2 = req_field(h->r, "pw2"), *why = NULL;
	p1 = p1 ? p1 : "";
	p2 = p2 ? p2 : "";
	const char *pw = p1;
	if (!*p1 && !*p2) {
		account_onetime_password(o->onetime);
		pw = o->onetime;
	} else if (account_password_check(p1, strlen(p1), p2, strlen(p2), &why) < 0) {
		refuse(h, o, 400, why);
		return -1;
	}
	if (account_set_password(acc, pw, strlen(pw), &h->s->kdf) < 0) {
		refuse(h, o, 500, msg(LANG_EN, MSG_R_CONSOLE_HASH));
		sodium_memzero(o->onetime, sizeof o->onetime);
		return -1;
	}
	acc->mustchange = true;
	return 0;
}

/* Save, then journal action with detail. 0, or -1 (o says why; nothing changed). */
static int commit(struct hctx *h, const char *action, const char *detail, struct outcome *o)
{
	const char *err = NULL;
	if (srv_accounts_save(h->s, &err) < 0) {
		o->status = 500;
		sbuf_reset(&o->text);
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_SAVE_FAILED,
				lang_reason(h->pc.l, err));
		sodium_memzero(o->onetime, sizeof o->onetime);
		return -1;
	}
	srv_journal_admin(h->s, action, o->actor, h->addr, detail);
	log_info("console: %s from %s: %s %s", o->actor, h->addr, action, detail);
	return 0;
}

static void op_add(struct hctx *h, const char *name, struct outcome *o)
{
	const char *rs = req_field(h->r, "role"), *why = NULL;
	enum role role;
	if (!rs || role_parse(rs, strlen(rs), &role) < 0) {
		refuse(h, o, 400, msg(LANG_EN, MSG_R_CONSOLE_UNKNOWN_ROLE));
		return;
	}
	struct account *acc = accounts_add(&h->s->accounts, name, role, &why);
	if (!acc) {
		refuse(h, o, 400, why);
		return;
	}
	if (apply_groups(h, acc, o) < 0 || apply_password(h, acc, o) < 0) {
		srv_accounts_reload(h->s);
		return;
	}
	struct sbuf d;
	sbuf_init(&d);
	sbuf_printf(&d, "%s role=%s groups=", name, role_name(role));
	account_groups_text(acc, &d);
	sbuf_printf(&d, " password=%s", o->onetime[0] ? "one-time" : "typed");
	if (commit(h, "account_add", d.data, o) == 0)
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_ADDED, name,
				msg(h->pc.l, role == ROLE_ADMIN ? MSG_CONSOLE_ACC_ROLE_ADMIN
								: MSG_CONSOLE_ACC_ROLE_STAFF));
	sbuf_free(&d);
}

static void op_edit(struct hctx *h, struct account *acc, struct outcome *o)
{
	const char *rs = req_field(h->r, "role"), *why = NULL;
	enum role role;
	if (!rs || role_parse(rs, strlen(rs), &role) < 0) {
		refuse(h, o, 400, msg(LANG_EN, MSG_R_CONSOLE_UNKNOWN_ROLE));
		return;
	}
	if (account_change_allowed(&h->s->accounts, acc, o->actor, role, acc->disabled,
				   &why) < 0) {
		refuse(h, o, 409, why);
		return;
	}
	struct sbuf before, after, d;
	sbuf_init(&before);
	sbuf_init(&after);
	sbuf_init(&d);
	enum role was = acc->role;
	account_groups_text(acc, &before);
	acc->role = role;
	if (apply_groups(h, acc, o) < 0) {
		srv_accounts_reload(h->s);
		goto out;
	}
	account_groups_text(acc, &after);
	sbuf_printf(&d, "%s", acc->name);
	if (was != role)
		sbuf_printf(&d, " role %s->%s", role_name(was), role_name(role));
	if (strcmp(before.data, after.data) != 0)
		sbuf_printf(&d, " groups %s->%s", before.data, after.data);
	if (was == role && strcmp(before.data, after.data) == 0) {
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_UNCHANGED, acc->name);
		goto out;
	}
	if (commit(h, "account_edit", d.data, o) == 0)
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_EDITED, acc->name,
				d.data + strlen(acc->name) + 1);
out:
	sbuf_free(&before);
	sbuf_free(&after);
	sbuf_free(&d);
}

static void op_state(struct hctx *h, struct account *acc, bool disable, struct outcome *o)
{
	const char *why = NULL;
	char name[ACCOUNT_NAME_MAX + 1];
	snprintf(name, sizeof name, "%s", acc->name);
	if (acc->disabled == disable) {
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_UNCHANGED, name);
		return;
	}
	if (disable && account_change_allowed(&h->s->accounts, acc, o->actor, acc->role, true,
					      &why) < 0) {
		refuse(h, o, 409, why);
		return;
	}
	acc->disabled = disable;
	if (commit(h, disable ? "account_disable" : "account_enable", name, o) < 0)
		return;
	if (disable)
		sessions_end_account(&h->s->sessions, name);
	if (disable)
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_DISABLED_DONE, name);
	else
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_ENABLED_DONE, name);
}

static void op_passwd(struct hctx *h, struct account *acc, struct outcome *o)
{
	char name[ACCOUNT_NAME_MAX + 1], detail[ACCOUNT_NAME_MAX + 32];
	snprintf(name, sizeof name, "%s", acc->name);
	if (apply_password(h, acc, o) < 0) {
		srv_accounts_reload(h->s);
		return;
	}
	snprintf(detail, sizeof detail, "%s password reset (%s)", name,
		 o->onetime[0] ? "one-time" : "typed");
	if (commit(h, "account_passwd", detail, o) < 0)
		return;
	/* its sessions end; an admin resetting their own keeps the one they are using */
	sessions_end_others(&h->s->sessions, name, strcmp(name, o->actor) == 0 ? h->se : NULL);
	msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_PASSWD_DONE, name);
}

/* POST /accounts: op and name from the form. */
static void post(struct hctx *h, struct outcome *o)
{
	const char *op = req_field(h->r, "op"), *name = req_field(h->r, "name");
	if (!op || !name) {
		refuse(h, o, 400, msg(LANG_EN, MSG_R_CONSOLE_FORM));
		return;
	}
	if (strcmp(op, "add") == 0) {
		op_add(h, name, o);
		return;
	}
	struct account *acc = account_name_ok(name, strlen(name))
				      ? accounts_find(&h->s->accounts, name) : NULL;
	if (!acc) {
		o->status = 404;
		msg_sbuf_printf(&o->text, h->pc.l, MSG_CONSOLE_ACC_NO_SUCH);
		return;
	}
	snprintf(o->name, sizeof o->name, "%s", acc->name);
	if (strcmp(op, "edit") == 0)
		op_edit(h, acc, o);
	else if (strcmp(op, "disable") == 0 || strcmp(op, "enable") == 0)
		op_state(h, acc, op[0] == 'd', o);
	else if (strcmp(op, "passwd") == 0)
		op_passwd(h, acc, o);
	else
		refuse(h, o, 400, msg(LANG_EN, MSG_R_CONSOLE_UNKNOWN_OP));
}

/* The page that answers: the account's edit page when o names one that exists, else the
 * list. The accounts (h->acc too) may have been read again: look the names up now. */
static enum MHD_Result answer(struct hctx *h, struct outcome *o)
{
	struct page_notice n = {o->status >= 400, o->text.len ? o->text.data : NULL,
				o->onetime[0] ? o->onetime : NULL, NULL};
	struct account *acc = o->name[0] ? accounts_find(&h->s->accounts, o->name) : NULL;
	struct sbuf page;
	sbuf_init(&page);
	n.onetime_for = acc ? acc->name : req_field(h->r, "name");
	if (acc)
		page_account_edit(&page, &h->pc, &h->s->accounts, acc, h->s->cfg, &n);
	else
		page_accounts(&page, &h->pc, &h->s->accounts, h->s->cfg, &n);
	sodium_memzero(o->onetime, sizeof o->onetime);
	sbuf_free(&o->text);
	return srv_page(h, o->status, &page);
}

enum MHD_Result view_accounts(struct hctx *h)
{
	struct outcome o = {.status = 200};
	sbuf_init(&o.text);
	/* the accounts were read at the session check; a failed save reads them again, so
	 * the page keeps its own copy of who is signed in */
	snprintf(o.actor, sizeof o.actor, "%s", h->acc->name);
	h->pc.account = o.actor;
	h->acc = NULL;
	bool edit = strcmp(h->url, "/accounts/edit") == 0;
	if (h->m == METHOD_POST && strcmp(h->url, "/accounts") == 0) {
		post(h, &o);
		return answer(h, &o);
	}
	if (h->m != METHOD_GET || (!edit && strcmp(h->url, "/accounts") != 0)) {
		sbuf_free(&o.text);
		return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT);
	}
	if (edit) {
		const char *name = srv_query(h, "name");
		if (!name || !account_name_ok(name, strlen(name)) ||
		    !accounts_find(&h->s->accounts, name)) {
			sbuf_free(&o.text);
			return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_ACC_NO_SUCH);
		}
		snprintf(o.name, sizeof o.name, "%s", name);
	}
	return answer(h, &o);
}
