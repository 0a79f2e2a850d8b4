/* view_password: the console's /password, for every account: change one's own password
 * (the current one, the new one twice, the rules of `campusgate user`). A one-time
 * password (the mustchange flag) sends every other page here until it is changed
 * (server.c). The change is journaled (password_change) and the account's other
 * sessions end; failed tries of the current password count against the account's
 * sign-in limit. */
#include <sodium.h>
#include <string.h>

#include "page_accounts.h"
#include "views.h"

/* Answer with the page: a notice, the catalogue text id, or when why is set "Not
 * changed: why" (why a catalogue reason). */
static enum MHD_Result answer(struct hctx *h, unsigned status, bool mustchange, bool done,
			      enum msg_id id, const char *why)
{
	struct sbuf page, t;
	sbuf_init(&page);
	sbuf_init(&t);
	if (why)
		msg_sbuf_printf(&t, h->pc.l, MSG_CONSOLE_PW_BAD, lang_reason(h->pc.l, why));
	else if (id)
		sbuf_adds(&t, msg(h->pc.l, id));
	struct page_notice n = {status >= 400, t.len ? t.data : NULL, NULL, NULL};
	page_password(&page, &h->pc, mustchange, done, &n);
	sbuf_free(&t);
	return srv_page(h, status, &page);
}

/* POST /password. acc is the signed-in account; name a copy of its name. */
static enum MHD_Result change(struct hctx *h, struct account *acc, const char *name)
{
	const char *cur = req_field(h->r, "current"), *p1 = req_field(h->r, "pw1");
	const char *p2 = req_field(h->r, "pw2"), *why = NULL;
	bool must = acc->mustchange, rehash = false;
	cur = cur ? cur : "";
	p1 = p1 ? p1 : "";
	p2 = p2 ? p2 : "";
	uint64_t now_ms = now_mono_ns() / 1000000u;
	if (!throttle_allow(&h->s->by_account, name, now_ms)) {
		srv_journal_admin(h->s, "login_throttled", name, h->addr, "password change");
		return answer(h, 429, must, false, MSG_CONSOLE_LOGIN_THROTTLED, NULL);
	}
	if (!account_verify(acc, cur, strlen(cur), &h->s->kdf, &rehash)) {
		throttle_charge(&h->s->by_account, name, now_ms);
		srv_journal_admin(h->s, "login_failed", name, h->addr, "password change: wrong current password");
		return answer(h, 403, must, false, MSG_CONSOLE_PW_WRONG, NULL);
	}
	if (account_password_check(p1, strlen(p1), p2, strlen(p2), &why) < 0)
		return answer(h, 400, must, false, MSG_CONSOLE_PW_BAD, why);
	if (strlen(p1) == strlen(cur) && sodium_memcmp(p1, cur, strlen(cur)) == 0)
		return answer(h, 400, must, false, MSG_CONSOLE_PW_SAME, NULL);
	if (account_set_password(acc, p1, strlen(p1), &h->s->kdf) < 0)
		return answer(h, 500, must, false, MSG_CONSOLE_PW_BAD, msg(LANG_EN, MSG_R_CONSOLE_HASH));
	acc->mustchange = false;
	const char *err = NULL;
	if (srv_accounts_save(h->s, &err) < 0) /* the accounts are read again: acc is gone */
		return answer(h, 500, must, false, 0, err);
	size_t ended = sessions_end_others(&h->s->sessions, name, h->se);
	char detail[ACCOUNT_NAME_MAX + 96];
	snprintf(detail, sizeof detail, "%s changed own password%s; %zu other sessions ended", name,
		 must ? " (was one-time)" : "", ended);
	srv_journal_admin(h->s, "password_change", name, h->addr, detail);
	log_info("console: %s from %s: %s", name, h->addr, detail);
	return answer(h, 200, false, true, MSG_CONSOLE_PW_DONE, NULL);
}

enum MHD_Result view_password(struct hctx *h)
{
	char name[ACCOUNT_NAME_MAX + 1];
	snprintf(name, sizeof name, "%s", h->acc->name);
	h->pc.account = name;
	if (strcmp(h->url, "/password") != 0)
		return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT);
	if (h->m == METHOD_POST)
		return change(h, h->acc, name);
	return answer(h, 200, h->acc->mustchange, false, 0, NULL);
}
