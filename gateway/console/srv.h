/* srv: what the console's page handlers (view_*.c) share with the server
 * (server.c): the server's state, one request's form fields, and the replies. Only
 * campusgate-console's own files include it. */
#ifndef CG_SRV_H
#define CG_SRV_H

#include <microhttpd.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "account.h"
#include "config.h"
#include "page.h"
#include "role.h"
#include "session.h"
#include "throttle.h"

#define COOKIE_ATTRS "; Path=/; HttpOnly; Secure; SameSite=Strict"
#define REQ_FIELDS_MAX 32       /* form fields of one POST */
#define REQ_KEY_MAX 32          /* bytes of a field's name */
#define REQ_BODY_MAX 65536      /* bytes of a form */
#define REQ_VALUE_MAX 49152     /* bytes of one field (a list edit's text area) */

struct server {
	struct MHD_Daemon *mhd;
	const struct config *cfg;
	char *cert, *key;
	struct accounts accounts;
	struct stat acc_st;          /* of the accounts file when it was read */
	struct sessions sessions;
	struct throttle by_addr, by_account;
	struct account_kdf kdf;
};

/* One request: the form fields of a POST, gathered by the post processor. Fields of
 * the same name are kept each (a list of check boxes). */
struct req {
	struct MHD_PostProcessor *pp;
	size_t body;
	bool too_big;
	size_t n;
	struct {
		char key[REQ_KEY_MAX + 1];
		struct sbuf val;
	} f[REQ_FIELDS_MAX];
};

/* The first value of the form field key, or NULL. */
const char *req_field(const struct req *r, const char *key);
/* The i-th value (0-based) of the form field key, or NULL when there are fewer. */
const char *req_field_nth(const struct req *r, const char *key, size_t i);

/* A signed-in request, as a handler gets it: the role check and (for a POST) the CSRF
 * check have passed. scoped: the account is limited to acc->groups, and every journal
 * query, export and report must be filtered to them. */
struct hctx {
	struct server *s;
	struct MHD_Connection *c;
	struct req *r;
	const char *url;            /* the path, without the query */
	enum route route;
	enum method m;
	struct session *se;
	struct account *acc;
	struct page_ctx pc;
	const char *lang_cookie;    /* to set with the reply, or NULL */
	bool scoped;
	char addr[CG_ADDR_STRLEN];  /* the browser's address */
};

/* Reply on c with body (HTML unless type says; copied) and the console's security
 * headers; cookie, cookie2 (Set-Cookie) and location when not NULL. */
enum MHD_Result srv_reply(struct MHD_Connection *c, unsigned status, enum lang l,
			  const char *type, const char *body, size_t len, const char *cookie,
			  const char *cookie2, const char *location);
/* The same with page (HTML; freed). */
enum MHD_Result srv_reply_page(struct MHD_Connection *c, unsigned status, enum lang l,
			       struct sbuf *page, const char *cookie, const char *cookie2);
enum MHD_Result srv_redirect_to(struct MHD_Connection *c, enum lang l, const char *to,
				const char *cookie, const char *cookie2);
enum MHD_Result srv_message_to(struct MHD_Connection *c, unsigned status,
			       const struct page_ctx *pc, enum msg_id h, enum msg_id text,
			       const char *lang_cookie);
/* The reader's language: ?lang=, then the cg_lang cookie, then Accept-Language (zh-CN
 * when it says nothing). *set is the cookie to remember a ?lang= choice, or NULL. */
enum lang srv_lang(struct MHD_Connection *c, const char **set);
/* The browser's address as text. */
void srv_client_addr(struct MHD_Connection *c, char buf[CG_ADDR_STRLEN]);

/* The query-string argument key, or NULL. */
const char *srv_query(const struct hctx *h, const char *key);

/* Reply with page (HTML; freed). */
enum MHD_Result srv_page(struct hctx *h, unsigned status, struct sbuf *page);
/* 303 to the path to (same origin). */
enum MHD_Result srv_redirect(struct hctx *h, const char *to);
/* A page that says one thing (403, 404, 400 ...). */
enum MHD_Result srv_message(struct hctx *h, unsigned status, enum msg_id head, enum msg_id text);
/* A download: body (len bytes, copied) of type, offered as filename (ASCII). */
enum MHD_Result srv_download(struct hctx *h, const char *type, const char *filename,
			     const char *body, size_t len);

/* Have campusgated journal an account's action (it owns the journal's hash chain):
 * action from admin_event.h, detail NULL or the text (a list edit's diff ...). 0, or -1
 * (logged) when the daemon did not take it. */
int srv_journal_admin(struct server *s, const char *action, const char *account,
		      const char *addr, const char *detail);

/* Ask campusgated req ("status", "reload" ...) on the control socket. 0 with the body of
 * an "ok" answer in rep (after "ok\n"); -1 with *why: the "error" answer's text (in rep),
 * or why it could not be asked (static or strerror text). */
int srv_control(struct server *s, const char *req, int timeout_ms, struct sbuf *rep,
		const char **why);

/* Read the accounts file again when it changed on disk (a bad file keeps the last
 * good set, logged). */
void srv_accounts_refresh(struct server *s);
/* Write s->accounts (changed by a page) to the accounts file, atomically. 0, or -1 with
 * *err: then the changes are dropped and the file is read again. */
int srv_accounts_save(struct server *s, const char **err);
/* Drop unsaved changes: read the accounts file again. */
void srv_accounts_reload(struct server *s);

#endif
