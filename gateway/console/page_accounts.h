/* page_accounts: the HTML of the console's /accounts pages (the list with the add form,
 * one account's edit page) and of /password (one's own password). No script; every
 * form carries the session's CSRF token. */
#ifndef CG_PAGE_ACCOUNTS_H
#define CG_PAGE_ACCOUNTS_H

#include <stdbool.h>

#include "account.h"
#include "config.h"
#include "page.h"

/* What the last POST did, shown above the page: text (in the reader's language, or
 * NULL for nothing), an error or not, and a one-time password to show this once. */
struct page_notice {
	bool error;
	const char *text;
	const char *onetime;      /* NULL, or the password just made */
	const char *onetime_for;  /* its account */
};

/* /accounts: every account (name, role, groups, state) with a link to edit it, and the
 * form to add one (the config's groups as check boxes). */
void page_accounts(struct sbuf *out, const struct page_ctx *c, const struct accounts *a,
		   const struct config *cfg, const struct page_notice *n);
/* /accounts/edit?name=: acc's role and groups, its password reset, disable or enable.
 * The rules that keep an admin (account_change_allowed) are said on the page. */
void page_account_edit(struct sbuf *out, const struct page_ctx *c, const struct accounts *a,
		       const struct account *acc, const struct config *cfg,
		       const struct page_notice *n);
/* /password: the current password and the new one twice; mustchange says why the page
 * came first (a one-time password); done: changed, with a link on. */
void page_password(struct sbuf *out, const struct page_ctx *c, bool mustchange, bool done,
		   const struct page_notice *n);

#endif
