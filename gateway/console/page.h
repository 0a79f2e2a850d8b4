/* page: the console's HTML pages (server-rendered, no script, no inline style: the CSP
 * is default-src 'self'), in zh-CN or English, and its one style sheet. */
#ifndef CG_PAGE_H
#define CG_PAGE_H

#include "i18n.h"
#include "util.h"

/* Who is looking, for the page frame (account NULL: not signed in). */
struct page_ctx {
	enum lang l;
	const char *account;
	const char *role;
	const char *csrf;  /* the session's token, put in every form */
};

/* The frame every page shares: page_head (doctype, title, style sheet), page_bar (the
 * top bar and, when signed in, the menu; opens <main>), then the page's own sections,
 * then page_tail (closes <main>, the body and the page). */
void page_head(struct sbuf *out, enum lang l, enum msg_id title);
void page_bar(struct sbuf *out, const struct page_ctx *c);
void page_tail(struct sbuf *out);

/* The login form. token is the login form's own token (double-submit cookie); note is a
 * message to show above the form, or 0 for none. */
void page_login(struct sbuf *out, enum lang l, const char *token, enum msg_id note);
/* The dashboard: page_dashboard.h. */
/* A page that says one thing: head and text (403, 404, not yet built). */
void page_message(struct sbuf *out, const struct page_ctx *c, enum msg_id head,
		  enum msg_id text);
/* The style sheet (/static/console.css). */
const char *page_css(void);

/* s with & < > " ' escaped for HTML text and attribute values. */
void page_escape(struct sbuf *out, const char *s);

#endif
