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

#include "server.h"
#include "srv.h"
#include "report.h"
#include "views.h"

#define SESSIONS_MAX 256

static uint64_t now_s(void)
{
	return now_mono_ns() / 1000000000u;
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *type, const char *enc,
				  const char *data, uint64_t off, size_t size)
{
	struct req *r = cls;
	CG_UNUSED(kind), CG_UNUSED(filename), CG_UNUSED(type), CG_UNUSED(enc);
	if (strlen(key) > REQ_KEY_MAX) {
		r->too_big = true;
		return MHD_YES;
	}
	if (off == 0 || r->n == 0 || strcmp(r->f[r->n - 1].key, key) != 0) {
		if (r->n == REQ_FIELDS_MAX) {
			r->too_big = true;
			return MHD_YES;
		}
		strcpy(r->f[r->n].key, key);
		sbuf_init(&r->f[r->n].val);
		sbuf_adds(&r->f[r->n].val, "");
		r->n++;
	}
	struct sbuf *v = &r->f[r->n - 1].val;
	if (v->len + size > REQ_VALUE_MAX)
		r->too_big = true;
	else
		sbuf_add(v, data, size);
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
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].val.data)
			sodium_memzero(r->f[i].val.data, r->f[i].val.len);
		sbuf_free(&r->f[i].val);
	}
	free(r);
	*con_cls = NULL;
}

/* Queue body (HTML unless type says) with the console's security headers and, when
 * given, a Set-Cookie and a Location. */
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
	return srv_reply_page(c, status, l, &page, cookie, lang_cookie);
}

/* POST /login: rate limits, then the password, then a session. */
static enum MHD_Result login_post(struct server *s, struct MHD_Connection *c, struct req *r,
				  enum lang l)
{
	char addr[CG_ADDR_STRLEN];
	srv_client_addr(c, addr);
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "cg_login");
	const char *csrf = req_field(r, "csrf"), *name = req_field(r, "name");
	const char *password = req_field(r, "password");
	if (!name)
		name = "";
	if (!password)
		password = "";
	if (!tok || !csrf || strlen(tok) != 32 || strlen(csrf) != 32 ||
	    sodium_memcmp(tok, csrf, 32) != 0)
		return login_form(c, l, MSG_CONSOLE_LOGIN_RETRY, 403, NULL);
	uint64_t now_ms = now_mono_ns() / 1000000u;
	if (!throttle_allow(&s->by_addr, addr, now_ms) ||
	    !throttle_allow(&s->by_account, name, now_ms)) {
		srv_journal_admin(s, "login_throttled", name, addr, NULL);
		return login_form(c, l, MSG_CONSOLE_LOGIN_THROTTLED, 429, NULL);
	}
	srv_accounts_refresh(s);
	struct account *acc = account_name_ok(name, strlen(name))
				      ? accounts_find(&s->accounts, name) : NULL;
	bool rehash = false, ok = false;
	size_t pwlen = strlen(password);
	if (acc)
		ok = account_verify(acc, password, pwlen, &s->kdf, &rehash);
	else
		account_verify_dummy(password, pwlen, &s->kdf);
	if (!ok) {
		throttle_charge(&s->by_addr, addr, now_ms);
		throttle_charge(&s->by_account, name, now_ms);
		srv_journal_admin(s, "login_failed", name, addr, NULL);
		return login_form(c, l, MSG_CONSOLE_LOGIN_FAILED, 401, NULL);
	}
	if (rehash && account_set_password(acc, password, pwlen, &s->kdf) == 0) {
		const char *err = NULL;
		if (accounts_save(&s->accounts, s->cfg->console.accounts, (uid_t)-1, (gid_t)-1,
				  &err) < 0)
			log_warn("console: cannot store the new hash of %s: %s", name, err);
	}
	char id[SESSION_HEX_LEN + 1], cookie[160];
	sessions_create(&s->sessions, acc->name, now_s(), id);
	snprintf(cookie, sizeof cookie, "cg_session=%s" COOKIE_ATTRS, id);
	sodium_memzero(id, sizeof id);
	srv_journal_admin(s, "login", acc->name, addr, NULL);
	log_info("console: %s signed in from %s", acc->name, addr);
	return srv_redirect_to(c, l, acc->mustchange ? "/password" : "/", cookie,
			       "cg_login=; Max-Age=0" COOKIE_ATTRS);
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
	srv_accounts_refresh(s);
	*acc = accounts_find(&s->accounts, se->account);
	if (!*acc || (*acc)->disabled) {
		sessions_end_account(&s->sessions, se->account);
		*why = MSG_CONSOLE_LOGIN_ENDED;
		return NULL;
	}
	return se;
}

static enum MHD_Result logout(struct hctx *h)
{
	if (h->m != METHOD_POST)
		return srv_message(h, 405, MSG_CONSOLE_BAD_REQUEST, MSG_CONSOLE_BAD_REQUEST_TEXT);
	srv_journal_admin(h->s, "logout", h->acc->name, h->addr, NULL);
	log_info("console: %s signed out from %s", h->acc->name, h->addr);
	sessions_end(&h->s->sessions, h->se);
	return srv_redirect_to(h->c, h->pc.l, "/login", "cg_session=; Max-Age=0" COOKIE_ATTRS, NULL);
}

/* A request with a live session: role check first, then CSRF on POST, then the route. */
static enum MHD_Result serve_signed_in(struct hctx *h)
{
	struct account *acc = h->acc;
	struct role_subject subj = {acc->role, (const char *const *)acc->groups, acc->n_groups};
	const char *group = srv_query(h, "group");
	const char *csrf = req_field(h->r, "csrf");
	enum role_verdict rv = role_check(&subj, h->route, h->m, group);
	if (rv == ROLE_DENY)
		return srv_message(h, 403, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_FORBIDDEN_TEXT);
	if (h->m == METHOD_POST && (!csrf || !session_csrf_ok(h->se, csrf, strlen(csrf))))
		return srv_message(h, 403, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_CSRF_TEXT);
	h->scoped = rv == ROLE_ALLOW_SCOPED;
	/* a one-time password: nothing but its change (and signing out) until it is changed */
	if (acc->mustchange && h->route != ROUTE_PASSWORD && h->route != ROUTE_LOGOUT) {
		if (h->m == METHOD_GET)
			return srv_redirect(h, "/password");
		return srv_message(h, 403, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_PW_MUST_TEXT);
	}
	switch (h->route) {
	case ROUTE_DASHBOARD: return view_dashboard(h);
	case ROUTE_JOURNAL: return view_journal(h);
	case ROUTE_REPORT: return view_report(h);
	case ROUTE_CHECK: return view_check(h);
	case ROUTE_UNBLOCK: return view_unblock(h);
	case ROUTE_LISTS: return view_lists(h);
	case ROUTE_ACCOUNTS: return view_accounts(h);
	case ROUTE_PASSWORD: return view_password(h);
	case ROUTE_LOGOUT: return logout(h);
	case ROUTE_LOGIN: return srv_redirect(h, "/");
	default:
		return srv_message(h, 501, MSG_CONSOLE_NOT_YET, MSG_CONSOLE_NOT_YET_TEXT);
	}
}

static enum MHD_Result dispatch(struct server *s, struct MHD_Connection *c, struct req *r,
				const char *url, enum method m)
{
	const char *lang_cookie;
	enum lang l = srv_lang(c, &lang_cookie);
	enum route route = role_route(url, strlen(url));
	struct page_ctx anon = {l, NULL, NULL, NULL};
	if (route == ROUTE_NONE)
		return srv_message_to(c, 404, &anon, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT, lang_cookie);
	if (m == METHOD_OTHER || r->too_big)
		return srv_message_to(c, r->too_big ? 413 : 405, &anon, MSG_CONSOLE_BAD_REQUEST,
			       MSG_CONSOLE_BAD_REQUEST_TEXT, lang_cookie);
	if (route == ROUTE_STATIC) {
		/* the console's style sheet, and the incident report's (view_report.c) */
		const char *css = strcmp(url, "/static/console.css") == 0 ? page_css()
				  : strcmp(url, "/static/report.css") == 0 ? report_html_css() : NULL;
		if (!css || m != METHOD_GET)
			return srv_message_to(c, 404, &anon, MSG_CONSOLE_NOT_FOUND,
				       MSG_CONSOLE_NOT_FOUND_TEXT, lang_cookie);
		return srv_reply(c, 200, l, "text/css; charset=utf-8", css, strlen(css), NULL, NULL,
			     NULL);
	}
	/* a sign-in is checked on its own (its form's token), whether or not a session is
	 * there already */
	if (route == ROUTE_LOGIN && m == METHOD_POST)
		return login_post(s, c, r, l);
	struct account *acc = NULL;
	enum msg_id why;
	struct session *se = request_session(s, c, &acc, &why);
	if (se) {
		struct hctx h = {
			.s = s, .c = c, .r = r, .url = url, .route = route, .m = m, .se = se,
			.acc = acc, .pc = {l, acc->name, role_name(acc->role), se->csrf},
			.lang_cookie = lang_cookie,
		};
		srv_client_addr(c, h.addr);
		return serve_signed_in(&h);
	}
	const char *ended = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ended");
	if (route == ROUTE_LOGIN)
		return login_form(c, l, why ? why : ended ? MSG_CONSOLE_LOGIN_ENDED : 0, 200,
				  lang_cookie);
	/* not signed in: a GET goes to the login form (saying so when the session ended),
	 * anything else is refused */
	if (m == METHOD_GET)
		return srv_redirect_to(c, l, why ? "/login?ended=1" : "/login", lang_cookie, NULL);
	return srv_message_to(c, 403, &anon, MSG_CONSOLE_FORBIDDEN,
			      why ? MSG_CONSOLE_LOGIN_ENDED : MSG_CONSOLE_CSRF_TEXT, lang_cookie);
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
			r->pp = MHD_create_post_processor(c, 4096, post_field, r);
		return MHD_YES;
	}
	if (*upload_size) {
		r->body += *upload_size;
		if (r->body > REQ_BODY_MAX || !r->pp)
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
	s->sessions.idle_s = cfg->console.session_idle_s;
	s->sessions.absolute_s = cfg->console.session_max_s;
	/* 10 failed tries per address and 5 per account, one back a minute */
	throttle_init(&s->by_addr, 4096, 10, 60000);
	throttle_init(&s->by_account, 4096, 5, 60000);
	srv_accounts_refresh(s);
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
