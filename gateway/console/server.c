/* server: the console's requests, from libmicrohttpd's callback to a page: route, session,
 * role check (before anything else), CSRF check on every POST, then the handler. */
#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "account.h"
#include "admin_event.h"
#include "control.h"
#include "page.h"
#include "role.h"
#include "server.h"
#include "session.h"
#include "throttle.h"

#define POST_MAX 4096           /* bytes of a form */
#define FIELD_MAX 300           /* bytes of one field */
#define SESSIONS_MAX 256
#define COOKIE_ATTRS "; Path=/; HttpOnly; Secure; SameSite=Strict"

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

/* One request: the form fields of a POST, gathered by the post processor. */
struct req {
	struct MHD_PostProcessor *pp;
	size_t body;
	bool too_big;
	char name[FIELD_MAX], password[FIELD_MAX], csrf[FIELD_MAX];
};

static uint64_t now_s(void)
{
	return now_mono_ns() / 1000000000u;
}

static void field_add(char *f, const char *data, size_t size, bool *too_big)
{
	size_t have = strlen(f);
	if (have + size >= FIELD_MAX) {
		*too_big = true;
		return;
	}
	memcpy(f + have, data, size);
	f[have + size] = '\0';
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *type, const char *enc,
				  const char *data, uint64_t off, size_t size)
{
	struct req *r = cls;
	CG_UNUSED(kind), CG_UNUSED(filename), CG_UNUSED(type), CG_UNUSED(enc), CG_UNUSED(off);
	if (strcmp(key, "name") == 0)
		field_add(r->name, data, size, &r->too_big);
	else if (strcmp(key, "password") == 0)
		field_add(r->password, data, size, &r->too_big);
	else if (strcmp(key, "csrf") == 0)
		field_add(r->csrf, data, size, &r->too_big);
	return MHD_YES;
}

static void req_done(void *cls, struct MHD_Connection *c, void **con_cls,
		     enum MHD_RequestTerminationCode code)
{
	CG_UNUSED(cls), CG_UNUSED(c), CG_UNUSED(code);
	struct req *r = *con_cls;
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	sodium_memzero(r->password, sizeof r->password);
	free(r);
	*con_cls = NULL;
}

/* Queue body (HTML unless type says) with the console's security headers and, when
 * given, a Set-Cookie and a Location. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, enum lang l,
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

static enum MHD_Result reply_page(struct MHD_Connection *c, unsigned status, enum lang l,
				  struct sbuf *page, const char *cookie, const char *cookie2)
{
	enum MHD_Result rc = reply(c, status, l, NULL, page->data, page->len, cookie, cookie2,
				   NULL);
	sbuf_free(page);
	return rc;
}

static enum MHD_Result redirect(struct MHD_Connection *c, enum lang l, const char *to,
				const char *cookie, const char *cookie2)
{
	return reply(c, 303, l, "text/plain; charset=utf-8", "", 0, cookie, cookie2, to);
}

static enum MHD_Result message(struct MHD_Connection *c, unsigned status,
			       const struct page_ctx *pc, enum msg_id h, enum msg_id text,
			       const char *lang_cookie)
{
	struct sbuf page;
	sbuf_init(&page);
	page_message(&page, pc, h, text);
	return reply_page(c, status, pc->l, &page, lang_cookie, NULL);
}

/* The reader's language: ?lang=, then the cg_lang cookie, then Accept-Language (zh-CN
 * when it says nothing). *set is the cookie to remember a ?lang= choice. */
static enum lang request_lang(struct MHD_Connection *c, const char **set)
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

static void client_addr(struct MHD_Connection *c, char buf[CG_ADDR_STRLEN])
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

/* Have campusgated journal an account's action (it owns the journal's hash chain). */
static void journal_admin(struct server *s, const char *action, const char *account,
			  const char *addr)
{
	struct sbuf req, rep;
	sbuf_init(&req);
	sbuf_init(&rep);
	if (!s->cfg->control_socket) {
		log_err("console: %s %s from %s not journaled: no control socket configured", action,
			account, addr);
	} else if (admin_event_request(&req, action, account, addr) < 0) {
		log_err("console: %s from %s not journaled: bad event", action, addr);
	} else if (control_request(s->cfg->control_socket, req.data, 3000, &rep, 4096) < 0 ||
		   strncmp(rep.data, "ok\n", 3) != 0) {
		log_err("console: %s %s from %s not journaled: campusgated: %s", action, account,
			addr, rep.len ? rep.data : strerror(errno));
	}
	sbuf_free(&req);
	sbuf_free(&rep);
}

/* Read the accounts file again when it changed on disk; a bad file keeps the last good
 * set (and is logged), as a bad config keeps the running policy. */
static void accounts_refresh(struct server *s)
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

/* GET /login: the form, with a fresh login token in a cookie and the form (a login
 * request must come from this form: double-submit, as there is no session yet). */
static enum MHD_Result login_form(struct MHD_Connection *c, enum lang l, enum msg_id note,
				  unsigned status, const char *lang_cookie)
{
	unsigned char raw[16];
	char token[33], cookie[96];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, sizeof token, raw, sizeof raw);
	snprintf(cookie, sizeof cookie, "cg_login=%s" COOKIE_ATTRS, token);
	struct sbuf page;
	sbuf_init(&page);
	page_login(&page, l, token, note);
	return reply_page(c, status, l, &page, cookie, lang_cookie);
}

/* POST /login: rate limits, then the password, then a session. */
static enum MHD_Result login_post(struct server *s, struct MHD_Connection *c, struct req *r,
				  enum lang l)
{
	char addr[CG_ADDR_STRLEN];
	client_addr(c, addr);
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "cg_login");
	if (!tok || strlen(tok) != 32 || strlen(r->csrf) != 32 ||
	    sodium_memcmp(tok, r->csrf, 32) != 0)
		return login_form(c, l, MSG_CONSOLE_LOGIN_RETRY, 403, NULL);
	uint64_t now_ms = now_mono_ns() / 1000000u;
	const char *name = r->name;
	if (!throttle_allow(&s->by_addr, addr, now_ms) ||
	    !throttle_allow(&s->by_account, name, now_ms)) {
		journal_admin(s, "login_throttled", name, addr);
		return login_form(c, l, MSG_CONSOLE_LOGIN_THROTTLED, 429, NULL);
	}
	accounts_refresh(s);
	struct account *acc = account_name_ok(name, strlen(name))
				      ? accounts_find(&s->accounts, name) : NULL;
	bool rehash = false, ok = false;
	size_t pwlen = strlen(r->password);
	if (acc)
		ok = account_verify(acc, r->password, pwlen, &s->kdf, &rehash);
	else
		account_verify_dummy(r->password, pwlen, &s->kdf);
	if (!ok) {
		throttle_charge(&s->by_addr, addr, now_ms);
		throttle_charge(&s->by_account, name, now_ms);
		journal_admin(s, "login_failed", name, addr);
		return login_form(c, l, MSG_CONSOLE_LOGIN_FAILED, 401, NULL);
	}
	if (rehash && account_set_password(acc, r->password, pwlen, &s->kdf) == 0) {
		const char *err = NULL;
		if (accounts_save(&s->accounts, s->cfg->console.accounts, (uid_t)-1, (gid_t)-1,
				  &err) < 0)
			log_warn("console: cannot store the new hash of %s: %s", name, err);
	}
	char id[SESSION_HEX_LEN + 1], cookie[160];
	sessions_create(&s->sessions, acc->name, now_s(), id);
	snprintf(cookie, sizeof cookie, "cg_session=%s" COOKIE_ATTRS, id);
	sodium_memzero(id, sizeof id);
	journal_admin(s, "login", acc->name, addr);
	log_info("console: %s signed in from %s", acc->name, addr);
	return redirect(c, l, "/", cookie, "cg_login=; Max-Age=0" COOKIE_ATTRS);
}

/* The session of the request and its account, or NULL (no, ended, or its account gone
 * or disabled: then the session is ended too). */
static struct session *request_session(struct server *s, struct MHD_Connection *c,
				       struct account **acc, enum msg_id *why)
{
	const char *id = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "cg_session");
	struct session *se = NULL;
	*why = 0;
	if (!id)
		return NULL;
	enum session_result sr = sessions_find(&s->sessions, id, strlen(id), now_s(), &se);
	if (sr == SESSION_IDLE || sr == SESSION_EXPIRED)
		*why = MSG_CONSOLE_LOGIN_ENDED;
	if (sr != SESSION_OK)
		return NULL;
	accounts_refresh(s);
	*acc = accounts_find(&s->accounts, se->account);
	if (!*acc || (*acc)->disabled) {
		sessions_end_account(&s->sessions, se->account);
		*why = MSG_CONSOLE_LOGIN_ENDED;
		return NULL;
	}
	return se;
}

static enum MHD_Result dashboard(struct server *s, struct MHD_Connection *c,
				 const struct page_ctx *pc, const char *lang_cookie)
{
	struct sbuf rep, page;
	sbuf_init(&rep);
	sbuf_init(&page);
	const char *why = NULL;
	char *status = NULL;
	if (!s->cfg->control_socket)
		why = msg(pc->l, MSG_CONSOLE_NO_CONTROL);
	else if (control_request(s->cfg->control_socket, "status", 3000, &rep, 65536) < 0)
		why = strerror(errno);
	else if (strncmp(rep.data, "ok\n", 3) != 0)
		why = rep.data;
	else
		status = rep.data + 3;
	page_dashboard(&page, pc, status, why);
	sbuf_free(&rep);
	return reply_page(c, 200, pc->l, &page, lang_cookie, NULL);
}

/* A request with a live session: role check first, then CSRF on POST, then the route. */
static enum MHD_Result serve_signed_in(struct server *s, struct MHD_Connection *c,
				       struct req *r, enum route route, enum method m,
				       struct session *se, struct account *acc, enum lang l,
				       const char *lang_cookie)
{
	struct role_subject subj = {acc->role, (const char *const *)acc->groups, acc->n_groups};
	const char *group = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "group");
	struct page_ctx pc = {l, acc->name, role_name(acc->role), se->csrf};
	if (role_check(&subj, route, m, group) == ROLE_DENY)
		return message(c, 403, &pc, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_FORBIDDEN_TEXT, lang_cookie);
	if (m == METHOD_POST && !session_csrf_ok(se, r->csrf, strlen(r->csrf)))
		return message(c, 403, &pc, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_CSRF_TEXT, lang_cookie);
	switch (route) {
	case ROUTE_DASHBOARD:
		return dashboard(s, c, &pc, lang_cookie);
	case ROUTE_LOGIN:
		return redirect(c, l, "/", lang_cookie, NULL);
	case ROUTE_LOGOUT: {
		if (m != METHOD_POST)
			return message(c, 405, &pc, MSG_CONSOLE_BAD_REQUEST,
				       MSG_CONSOLE_BAD_REQUEST_TEXT, lang_cookie);
		char addr[CG_ADDR_STRLEN];
		client_addr(c, addr);
		journal_admin(s, "logout", acc->name, addr);
		log_info("console: %s signed out from %s", acc->name, addr);
		sessions_end(&s->sessions, se);
		return redirect(c, l, "/login", "cg_session=; Max-Age=0" COOKIE_ATTRS, NULL);
	}
	default:
		return message(c, 501, &pc, MSG_CONSOLE_NOT_YET, MSG_CONSOLE_NOT_YET_TEXT, lang_cookie);
	}
}

static enum MHD_Result dispatch(struct server *s, struct MHD_Connection *c, struct req *r,
				const char *url, enum method m)
{
	const char *lang_cookie;
	enum lang l = request_lang(c, &lang_cookie);
	enum route route = role_route(url, strlen(url));
	struct page_ctx anon = {l, NULL, NULL, NULL};
	if (route == ROUTE_NONE)
		return message(c, 404, &anon, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT, lang_cookie);
	if (m == METHOD_OTHER || r->too_big)
		return message(c, r->too_big ? 413 : 405, &anon, MSG_CONSOLE_BAD_REQUEST,
			       MSG_CONSOLE_BAD_REQUEST_TEXT, lang_cookie);
	if (route == ROUTE_STATIC) {
		if (strcmp(url, "/static/console.css") != 0 || m != METHOD_GET)
			return message(c, 404, &anon, MSG_CONSOLE_NOT_FOUND,
				       MSG_CONSOLE_NOT_FOUND_TEXT, lang_cookie);
		const char *css = page_css();
		return reply(c, 200, l, "text/css; charset=utf-8", css, strlen(css), NULL, NULL,
			     NULL);
	}
	/* a sign-in is checked on its own (its form's token), whether or not a session is
	 * there already */
	if (route == ROUTE_LOGIN && m == METHOD_POST)
		return login_post(s, c, r, l);
	struct account *acc = NULL;
	enum msg_id why;
	struct session *se = request_session(s, c, &acc, &why);
	if (se)
		return serve_signed_in(s, c, r, route, m, se, acc, l, lang_cookie);
	if (route == ROUTE_LOGIN)
		return login_form(c, l, why, 200, lang_cookie);
	/* not signed in: a GET goes to the login form, anything else is refused */
	if (m == METHOD_GET)
		return redirect(c, l, "/login", lang_cookie, NULL);
	return message(c, 403, &anon, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_CSRF_TEXT, lang_cookie);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	CG_UNUSED(version);
	enum method m = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ? METHOD_GET
			: strcmp(method, "POST") == 0 ? METHOD_POST : METHOD_OTHER;
	struct req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		*con_cls = r;
		if (m == METHOD_POST)
			r->pp = MHD_create_post_processor(c, 1024, post_field, r);
		return MHD_YES;
	}
	if (*upload_size) {
		r->body += *upload_size;
		if (r->body > POST_MAX || !r->pp)
			r->too_big = true;
		else
			MHD_post_process(r->pp, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(s, c, r, url, m);
}

struct server *server_start(const struct config *cfg, const char *cert, const char *key,
			    const char **err)
{
	struct server *s = xcalloc(1, sizeof *s);
	s->cfg = cfg;
	s->cert = xstrdup(cert);
	s->key = xstrdup(key);
	s->kdf = account_kdf_default();
	accounts_init(&s->accounts);
	sessions_init(&s->sessions, SESSIONS_MAX);
	/* 10 failed tries per address and 5 per account, one back a minute */
	throttle_init(&s->by_addr, 4096, 10, 60000);
	throttle_init(&s->by_account, 4096, 5, 60000);
	accounts_refresh(s);
	struct sockaddr_storage ss;
	endpoint_to_sockaddr(&cfg->console.listen, &ss);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG;
	if (cfg->console.listen.addr.family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->mhd = MHD_start_daemon(flags, cfg->console.listen.port, NULL, NULL, handle, s,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_HTTPS_MEM_CERT, s->cert,
				  MHD_OPTION_HTTPS_MEM_KEY, s->key,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)16,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
				  MHD_OPTION_NOTIFY_COMPLETED, req_done, (void *)NULL,
				  MHD_OPTION_END);
	if (!s->mhd) {
		*err = "libmicrohttpd could not start (address in use, or a bad certificate/key)";
		server_stop(s);
		return NULL;
	}
	return s;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	accounts_free(&s->accounts);
	sessions_free(&s->sessions);
	throttle_free(&s->by_addr);
	throttle_free(&s->by_account);
	free(s->cert);
	if (s->key) {
		sodium_memzero(s->key, strlen(s->key));
		free(s->key);
	}
	free(s);
}
