/* srv: what the console's page handlers share with its server: replies with the
 * console's security headers, the form fields of a request, the control socket, the
 * accounts file (srv.h). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "admin_event.h"
#include "control.h"
#include "srv.h"

const char *req_field_nth(const struct req *r, const char *key, size_t i)
{
	for (size_t k = 0; k < r->n; k++)
		if (strcmp(r->f[k].key, key) == 0 && i-- == 0)
			return r->f[k].val.data ? r->f[k].val.data : "";
	return NULL;
}

const char *req_field(const struct req *r, const char *key)
{
	return req_field_nth(r, key, 0);
}

/* A piece of a field's value (libmicrohttpd gives a long value in pieces, off > 0). */
enum MHD_Result srv_reply(struct MHD_Connection *c, unsigned status, enum lang l,
			     const char *type, const char *body, size_t len,
			     const char *cookie, const char *cookie2, const char *location)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type ? type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'none'; object-src 'none'; "
				"base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Language", lang_tag(l));
	if (cookie)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	if (cookie2)
		MHD_add_response_header(resp, "Set-Cookie", cookie2);
	if (location)
		MHD_add_response_header(resp, "Location", location);
	enum MHD_Result rc = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

enum MHD_Result srv_reply_page(struct MHD_Connection *c, unsigned status, enum lang l,
				  struct sbuf *page, const char *cookie, const char *cookie2)
{
	enum MHD_Result rc = srv_reply(c, status, l, NULL, page->data, page->len, cookie, cookie2,
				   NULL);
	sbuf_free(page);
	return rc;
}

enum MHD_Result srv_redirect_to(struct MHD_Connection *c, enum lang l, const char *to,
				const char *cookie, const char *cookie2)
{
	return srv_reply(c, 303, l, "text/plain; charset=utf-8", "", 0, cookie, cookie2, to);
}

enum MHD_Result srv_message_to(struct MHD_Connection *c, unsigned status,
			       const struct page_ctx *pc, enum msg_id h, enum msg_id text,
			       const char *lang_cookie)
{
	struct sbuf page;
	sbuf_init(&page);
	page_message(&page, pc, h, text);
	return srv_reply_page(c, status, pc->l, &page, lang_cookie, NULL);
}

/* The reader's language: ?lang=, then the cg_lang cookie, then Accept-Language (zh-CN
 * when it says nothing). *set is the cookie to remember a ?lang= choice. */
enum lang srv_lang(struct MHD_Connection *c, const char **set)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
	*set = NULL;
	if (q && (strcmp(q, "en") == 0 || strcmp(q, "zh") == 0)) {
		*set = q[0] == 'e' ? "cg_lang=en" COOKIE_ATTRS : "cg_lang=zh" COOKIE_ATTRS;
		return q[0] == 'e' ? LANG_EN : LANG_ZH;
	}
	const char *k = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "cg_lang");
	if (k && (strcmp(k, "en") == 0 || strcmp(k, "zh") == 0))
		return k[0] == 'e' ? LANG_EN : LANG_ZH;
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
	return al ? lang_from_accept(al, strlen(al)) : LANG_ZH;
}

void srv_client_addr(struct MHD_Connection *c, char buf[CG_ADDR_STRLEN])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct cg_addr a = {0};
	if (ci && ci->client_addr)
		addr_from_sockaddr(ci->client_addr, &a);
	if (!a.family)
		snprintf(buf, CG_ADDR_STRLEN, "0.0.0.0");
	else
		addr_str(&a, buf);
}

int srv_control(struct server *s, const char *req, int timeout_ms, struct sbuf *rep,
		const char **why)
{
	sbuf_reset(rep);
	if (!s->cfg->control_socket) {
		*why = msg(LANG_EN, MSG_CONSOLE_NO_CONTROL);
		return -1;
	}
	if (control_request(s->cfg->control_socket, req, timeout_ms, rep, 1 << 20) < 0) {
		*why = strerror(errno);
		return -1;
	}
	sbuf_adds(rep, "");
	bool ok = strncmp(rep->data, "ok\n", 3) == 0;
	size_t skip = ok ? 3 : strncmp(rep->data, "error\n", 6) == 0 ? 6 : 0;
	memmove(rep->data, rep->data + skip, rep->len - skip + 1);
	rep->len -= skip;
	if (ok)
		return 0;
	*why = rep->data;
	return -1;
}

int srv_journal_admin(struct server *s, const char *action, const char *account,
		      const char *addr, const char *detail)
{
	struct sbuf req, rep;
	const char *why = NULL;
	int rc = -1;
	sbuf_init(&req);
	sbuf_init(&rep);
	if (admin_event_request(&req, action, account, addr, detail) < 0)
		log_err("console: %s from %s not journaled: bad event", action, addr);
	else if (srv_control(s, req.data, 3000, &rep, &why) < 0)
		log_err("console: %s %s from %s not journaled: campusgated: %s", action,
			account ? account : "-", addr, why);
	else
		rc = 0;
	sbuf_free(&req);
	sbuf_free(&rep);
	return rc;
}

/* Read the accounts file again when it changed on disk; a bad file keeps the last good
 * set (and is logged), as a bad config keeps the running policy. */
void srv_accounts_refresh(struct server *s)
{
	struct stat st;
	const char *path = s->cfg->console.accounts;
	if (stat(path, &st) < 0)
		memset(&st, 0, sizeof st);
	if (st.st_ino == s->acc_st.st_ino && st.st_mtim.tv_sec == s->acc_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == s->acc_st.st_mtim.tv_nsec && st.st_size == s->acc_st.st_size)
		return;
	struct accounts next;
	struct diag d;
	accounts_init(&next);
	diag_init(&d);
	if (accounts_load(path, &next, &d) < 0) {
		for (size_t i = 0; i < d.n; i++)
			log_err("%s", d.msgs[i]);
		log_err("console: %s has errors; the accounts read before are kept", path);
	} else {
		accounts_free(&s->accounts);
		s->accounts = next;
		TAILQ_INIT(&s->accounts.list);
		TAILQ_CONCAT(&s->accounts.list, &next.list, entry);
		log_info("console: %zu accounts read from %s", s->accounts.n, path);
	}
	s->acc_st = st;
	diag_free(&d);
}

void srv_accounts_reload(struct server *s)
{
	memset(&s->acc_st, 0, sizeof s->acc_st);
	s->acc_st.st_ino = (ino_t)-1; /* differs from any file, and from a missing one */
	srv_accounts_refresh(s);
}

int srv_accounts_save(struct server *s, const char **err)
{
	if (accounts_save(&s->accounts, s->cfg->console.accounts, (uid_t)-1, (gid_t)-1, err) == 0)
		return 0;
	log_err("console: cannot write %s: %s", s->cfg->console.accounts, *err);
	srv_accounts_reload(s);
	return -1;
}

/* GET /login: the form, with a fresh login token in a cookie and the form (a login
 * request must come from this form: double-submit, as there is no session yet). */
const char *srv_query(const struct hctx *h, const char *key)
{
	return MHD_lookup_connection_value(h->c, MHD_GET_ARGUMENT_KIND, key);
}

enum MHD_Result srv_page(struct hctx *h, unsigned status, struct sbuf *page)
{
	return srv_reply_page(h->c, status, h->pc.l, page, h->lang_cookie, NULL);
}

enum MHD_Result srv_redirect(struct hctx *h, const char *to)
{
	return srv_redirect_to(h->c, h->pc.l, to, h->lang_cookie, NULL);
}

enum MHD_Result srv_message(struct hctx *h, unsigned status, enum msg_id head, enum msg_id text)
{
	return srv_message_to(h->c, status, &h->pc, head, text, h->lang_cookie);
}

enum MHD_Result srv_download(struct hctx *h, const char *type, const char *filename,
			     const char *body, size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	char disp[160];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Content-Disposition", disp);
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result rc = MHD_queue_response(h->c, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

