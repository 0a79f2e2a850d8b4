/* One client connection through the HTTP proxy: read a head under a deadline, decide,
 * answer with the block page or relay to the origin (bodies framed both ways, so that
 * keep-alive and pipelined requests are each checked); a CONNECT or a WebSocket 101 is
 * handed to http_tunnel.c. */
#include "http_conn.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blockpage.h"
#include "dns_lookup.h"
#include "http_head.h"
#include "http_parse.h"
#include "http_review.h"
#include "http_tunnel.h"
#include "review_form.h"
#include "name.h"
#include "policy.h"
#include "origdst.h"
#include "util.h"

#define RELAY_HIGH (256 * 1024) /* stop reading a side while the other holds this much */
#define RELAY_IO (128 * 1024)   /* bytes per read/write on a relay (libevent: 16 KiB) */
/* Answers queued for a client (block pages for pipelined requests, a relayed response)
 * above which no further head is read until it has taken half of them. */
#define ANSWER_HIGH RELAY_HIGH

enum conn_state {
	ST_HEAD,    /* waiting for a request head */
	ST_RESOLVE, /* explicit mode: an allowed request's name being looked up (the head
		       stays in the client input, reading stops) */
	ST_RELAY,   /* request forwarded (body may still flow), response coming back */
	ST_CLOSING, /* flushing our last answer, then free */
};

struct http_conn {
	struct http_worker *w;
	LIST_ENTRY(http_conn) link; /* in w->conns */
	enum http_mode mode;
	struct http_settings set;
	struct cg_addr client;
	char client_str[CG_ADDR_STRLEN];
	struct sockaddr_storage orig;
	socklen_t orig_len; /* 0: not redirected */
	struct bufferevent *cli, *up;
	char up_key[NAME_MAX_LEN + 16]; /* where up goes ("h:port" or "a:port") */
	bool up_connected;
	struct event *head_timer;
	enum conn_state state;
	struct http_request *req;
	struct dns_lookup *lookup; /* ST_RESOLVE */
	int head_n;                /* ST_RESOLVE: the length of the head waiting */
	struct http_scan scan; /* how far the next head has been read (linear reading) */
	/* the request in flight */
	struct http_body req_body;
	bool req_body_done, upgrade, head_req, client_keep;
	int req_minor;
	/* its response */
	bool resp_head_done, resp_started;
	struct http_body resp_body;
	bool up_keep;
	bool cli_eof;
	bool out_paused; /* ST_HEAD: not reading heads until the client takes its answers */
};

static void conn_free(struct http_conn *c);
static void conn_detach(struct http_conn *c);
static void try_head(struct http_conn *c);
static void cli_read(struct bufferevent *bev, void *arg);
static void up_read(struct bufferevent *bev, void *arg);

void http_shared_settings(struct http_shared *sh, struct http_settings *out)
{
	pthread_mutex_lock(&sh->lock);
	*out = sh->set;
	pthread_mutex_unlock(&sh->lock);
}

void http_refuse(int fd, enum lang lang)
{
	struct sbuf b;
	sbuf_init(&b);
	blockpage_error(&b, 503, lang);
	ssize_t n = send(fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)n;
	sbuf_free(&b);
	close(fd);
}

/* Stop everything and flush what we queued for the client, then free. */
static void conn_close_after_write(struct http_conn *c)
{
	c->state = ST_CLOSING;
	if (c->up) {
		bufferevent_free(c->up);
		c->up = NULL;
	}
	evtimer_del(c->head_timer);
	bufferevent_disable(c->cli, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->cli)) == 0) {
		conn_free(c);
		return;
	}
	/* A client that does not take its last answer is dropped after the idle time. */
	struct timeval tv = { c->set.idle_timeout_ms / 1000, (c->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(c->cli, NULL, &tv);
	bufferevent_enable(c->cli, EV_WRITE);
}

static void send_error(struct http_conn *c, int status)
{
	struct sbuf b;
	sbuf_init(&b);
	blockpage_error(&b, status, c->set.lang);
	bufferevent_write(c->cli, b.data, b.len);
	sbuf_free(&b);
	conn_close_after_write(c);
}

static void head_wait(struct http_conn *c)
{
	struct timeval tv = { c->set.head_timeout_ms / 1000, (c->set.head_timeout_ms % 1000) * 1000 };
	c->state = ST_HEAD;
	bufferevent_set_timeouts(c->cli, NULL, NULL);
	evtimer_add(c->head_timer, &tv);
}

static void head_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;
	(void)fd;
	(void)what;
	if (c->state != ST_HEAD || c->out_paused)
		return; /* paused: the write timeout runs instead, head_wait again on resume */
	if (evbuffer_get_length(bufferevent_get_input(c->cli)) > 0)
		send_error(c, 408); /* slow or incomplete head */
	else
		conn_free(c);       /* idle keep-alive connection */
}

/* Relay backpressure: stop reading src while dst's output is above the mark; the write
 * callback of dst turns reading back on (le-proxy.c). */
static void relay_move(struct bufferevent *src, struct bufferevent *dst, size_t n)
{
	struct evbuffer *in = bufferevent_get_input(src), *out = bufferevent_get_output(dst);
	if (n)
		evbuffer_remove_buffer(in, out, n);
	if (evbuffer_get_length(out) >= RELAY_HIGH) {
		bufferevent_disable(src, EV_READ);
		bufferevent_setwatermark(dst, EV_WRITE, RELAY_HIGH / 2, RELAY_HIGH);
	}
}

static void journal_block(struct http_conn *c, const struct request *r, const struct verdict *v,
			  const char *reason, char id[JOURNAL_ID_LEN])
{
	struct journal_event ev;
	id[0] = '\0';
	if (!c->w->sh->journal)
		return;
	journal_event_from(&ev, r, v);
	if (reason)
		ev.reason = reason;
	if (journal_append(c->w->sh->journal, &ev, id) < 0)
		id[0] = '\0';
}

/* Queue the block page for this request; the policy is held by the caller. form: offer
 * the review form (the name is blocked for this client). */
static void send_blockpage(struct http_conn *c, const struct policy *p, const struct request *r,
			   const struct verdict *v, const char *id, bool keep, bool form)
{
	char tbuf[48];
	struct blockpage_info bi;
	struct sbuf b;
	const struct cfg_category *cat = v->category ? policy_category(p, v->category) : NULL;

	memset(&bi, 0, sizeof(bi));
	bi.lang = c->set.lang;
	for (unsigned i = 0; i < c->req->n_headers; i++)
		if (http_span_eq(&c->req->headers[i].name, "accept-language"))
			bi.lang = lang_from_accept(c->req->headers[i].value.p,
						   c->req->headers[i].value.len);
	bi.host = r->host;
	bi.category_title = bi.category_title_alt = v->category;
	const char *zh = cat && cat->title_zh ? cat->title_zh : v->category;
	const char *en = cat && cat->title_en ? cat->title_en : v->category;
	bi.category_title = bi.lang == LANG_ZH ? zh : en;
	bi.category_title_alt = bi.lang == LANG_ZH ? en : zh;
	bi.school = c->set.school;
	bi.contact = c->set.contact;
	bi.time_text = blockpage_time(r->when, c->w->sh->tz, tbuf, sizeof(tbuf));
	bi.client = c->client_str;
	bi.request_id = id[0] ? id : NULL;
	bi.bypass = v->bypass;
	char tok[HTTP_REVIEW_TOKEN_LEN], path[REVIEW_URL_MAX + 1];
	if (form) /* the review form, for a blocked name */
		http_review_offer(c->w->sh, &c->set, &c->client, r, &bi, tok, path, sizeof(path));
	sbuf_init(&b);
	blockpage_response(&b, &bi, keep, c->req->is_head);
	bufferevent_write(c->cli, b.data, b.len);
	sbuf_free(&b);
}

static void up_event(struct bufferevent *bev, short what, void *arg);
static void up_write(struct bufferevent *bev, void *arg);

/* A connection to the next hop for key, reusing the open one when it goes there. */
static int up_open(struct http_conn *c, const char *key, const struct sockaddr *sa, socklen_t sl)
{
	if (c->up && strcmp(c->up_key, key) == 0)
		return 0;
	if (c->up)
		bufferevent_free(c->up);
	c->up_connected = false;
	/* Deferred callbacks: a connect that fails at once reports later, not from
	 * inside this call. */
	c->up = bufferevent_socket_new(c->w->base, -1,
				       BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!c->up)
		return -1;
	snprintf(c->up_key, sizeof(c->up_key), "%s", key);
	bufferevent_setcb(c->up, up_read, up_write, up_event, c);
	bufferevent_set_max_single_read(c->up, RELAY_IO);
	bufferevent_set_max_single_write(c->up, RELAY_IO);
	struct timeval tv = { c->set.idle_timeout_ms / 1000, (c->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(c->up, &tv, &tv);
	bufferevent_enable(c->up, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->up, sa, (int)sl) < 0) {
		bufferevent_free(c->up);
		c->up = NULL;
		return -1;
	}
	return 0;
}

#define ROUTE_LOOKUP 1 /* route(): the name must be looked up first */
#define ROUTE_DENIED 2 /* route(): the address is a connect_deny place (refused, journaled) */

/* Where an allowed request goes. Returns 0 with the connection opened, ROUTE_LOOKUP when
 * an explicit request's name is to be looked up (and its chain decided) first, ROUTE_DENIED
 * when its address is a connect_deny place (answered, journaled, closing), or an
 * HTTP status to answer with. dest: the looked-up address (explicit mode), or NULL. */
static int route(struct http_conn *c, const struct http_request *req,
		 const struct cg_addr *dest)
{
	char key[NAME_MAX_LEN + 16];
	struct sockaddr_storage ss;
	if (c->set.parent.port) {
		socklen_t sl = endpoint_to_sockaddr(&c->set.parent, &ss);
		snprintf(key, sizeof(key), "parent");
		return up_open(c, key, (struct sockaddr *)&ss, sl) < 0 ? 502 : 0;
	}
	if (c->mode == HTTP_MODE_TRANSPARENT) {
		if (!c->orig_len)
			return 502; /* not redirected: no idea where it was going */
		snprintf(key, sizeof(key), "orig");
		return up_open(c, key, (struct sockaddr *)&c->orig, c->orig_len) < 0 ? 502 : 0;
	}
	struct cg_endpoint ep = {.port = req->port ? req->port : 80};
	snprintf(key, sizeof(key), "%s:%u", req->host, (unsigned)ep.port);
	if (c->up && strcmp(c->up_key, key) == 0)
		return 0; /* the open connection to that name (looked up before) */
	if (dest)
		ep.addr = *dest;
	else if (!req->host_is_ip)
		return ROUTE_LOOKUP;
	else if (addr_parse(req->host, &ep.addr) < 0)
		return 400;
	/* never the box itself, the LAN or loopback, as for CONNECT */
	enum denyset_kind k = http_deny_match(c->w, &ep.addr);
	if (k != DENYSET_NONE) {
		http_tunnel_refuse_denied(c->w, bufferevent_get_output(c->cli), &c->client, req,
					  &c->set, &ep.addr, k);
		conn_close_after_write(c);
		return ROUTE_DENIED;
	}
	socklen_t sl = endpoint_to_sockaddr(&ep, &ss);
	return up_open(c, key, (struct sockaddr *)&ss, sl) < 0 ? 502 : 0;
}

/* The request head is complete (n bytes at the start of the client input). */
/* The policy's request for a parsed head (host, path, client, time); a request without
 * Host is decided on its original destination (written into ipbuf), and *reason says
 * so. -1 when the head cannot be decided (an error has been sent). */
static int request_of_head(struct http_conn *c, const struct http_request *req,
			   struct request *r, char ipbuf[CG_ADDR_STRLEN], const char **reason)
{
	memset(r, 0, sizeof(*r));
	r->proto = PROTO_HTTP;
	r->client = c->client;
	r->host = req->host;
	r->host_len = req->host_len;
	r->path = req->path.len ? req->path.p : NULL;
	r->path_len = req->path.len;
	r->when = time(NULL);
	if (c->mode == HTTP_MODE_EXPLICIT && req->form != HTTP_FORM_ABSOLUTE && !req->is_connect) {
		send_error(c, 400); /* a request for the proxy itself */
		return -1;
	}
	if (req->host_len == 0) {
		/* HTTP/1.0 without Host: the address it was going to is all we know. */
		struct cg_addr a;
		if (!c->orig_len) {
			send_error(c, 400);
			return -1;
		}
		addr_from_sockaddr((struct sockaddr *)&c->orig, &a);
		r->host = addr_str(&a, ipbuf);
		r->host_len = strlen(r->host);
		*reason = "no Host: decided on the original destination";
	}
	return 0;
}

/* Answer a blocked request (or any, on the block-page server) with the block page,
 * journaled, and drop the caller's reference to p; the head (n bytes) is consumed, and
 * the connection waits for the next head or closes after the answer (it does when a
 * body would have to be skipped). */
static void answer_blocked(struct http_conn *c, struct policy *p,
			   const struct http_request *req, const struct request *r,
			   struct verdict *v, const char *reason, int n)
{
	char id[JOURNAL_ID_LEN] = "";
	bool body = req->chunked || req->content_length > 0;
	if (c->mode == HTTP_MODE_BLOCKPAGE)
		reason = "block page server (DNS block-page answer)";
	/* The block-page server visited by its own address (Host is an address: DNS sends
	 * browsers here under blocked names only) or under a name the policy allows (a
	 * bookmark, a favicon): the page, but no block in the journal, which is for
	 * blocked accesses. */
	bool self = c->mode == HTTP_MODE_BLOCKPAGE &&
		    (v->action != ACTION_BLOCK || name_is_ip_literal(r->host));
	bool form = v->action == ACTION_BLOCK;
	if (!self)
		journal_block(c, r, v, reason, id);
	v->action = ACTION_BLOCK;
	/* A body we would have to skip: answer and close instead. */
	bool keep = req->keep_alive && !body && !c->cli_eof;
	send_blockpage(c, p, r, v, id, keep, form);
	policy_unref(p);
	evbuffer_drain(bufferevent_get_input(c->cli), (size_t)n);
	if (keep)
		head_wait(c);
	else
		conn_close_after_write(c);
}

/* Relay an allowed request upstream (route() chose the upstream): the head rewritten,
 * then its body. */
static void relay_start(struct http_conn *c, struct http_request *req, int n)
{
	struct evbuffer *in = bufferevent_get_input(c->cli);
	c->state = ST_RELAY;
	c->req_minor = req->minor;
	c->head_req = req->is_head;
	c->client_keep = req->keep_alive;
	c->resp_head_done = c->resp_started = false;
	c->upgrade = false;
	/* The client may say nothing while it waits; the origin's silence is timed on up. */
	struct timeval tv = { c->set.idle_timeout_ms / 1000, (c->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(c->cli, NULL, &tv);
	c->upgrade = http_head_wants_upgrade(req);
	http_head_request(bufferevent_get_output(c->up), req,
			  !(c->set.parent.port && c->mode == HTTP_MODE_EXPLICIT), c->upgrade);
	evbuffer_drain(in, (size_t)n);
	http_body_init(&c->req_body, http_request_body_mode(req),
		       req->content_length > 0 ? (uint64_t)req->content_length : 0);
	c->req_body_done = c->req_body.mode == HTTP_BODY_NONE;
	if (!c->req_body_done)
		cli_read(c->cli, c);
}

/* A CONNECT on a transparent or block-page port: 405, journaled as a bypass attempt. */
static void connect_refuse(struct http_conn *c, const struct http_request *req)
{
	http_tunnel_refuse_transparent(c->w, bufferevent_get_output(c->cli), &c->client, req,
				       &c->set);
	conn_close_after_write(c);
}

/* An allowed CONNECT: the socket, its limit slot and what follows the head go to
 * http_tunnel.c; this connection ends without closing them. */
static void connect_hand_over(struct http_conn *c, const struct http_request *req, int n)
{
	struct http_worker *w = c->w;
	struct bufferevent *cli = c->cli;
	struct cg_addr client = c->client;
	struct http_settings set = c->set;
	evbuffer_drain(bufferevent_get_input(cli), (size_t)n);
	http_tunnel_connect(w, cli, &client, req, &set);
	conn_detach(c);
}

static void conn_resolved(void *arg, const struct dns_lookup_result *res);

/* Look the explicit request's name up (its head, n bytes, waits in the client input,
 * which is not read meanwhile); conn_resolved goes on. */
static void lookup_start(struct http_conn *c, const struct request *r, int n)
{
	c->state = ST_RESOLVE;
	c->head_n = n;
	bufferevent_disable(c->cli, EV_READ);
	c->lookup = c->w->dns ? dns_lookup_start(c->w->dns, r, conn_resolved, c) : NULL;
	if (!c->lookup)
		send_error(c, 502);
}

/* Answer the request waiting in ST_RESOLVE as blocked on v (p: a reference of the
 * caller's, dropped), then on to the next head if the connection stays. */
static void resolved_block(struct http_conn *c, struct policy *p, struct verdict *v,
			   const char *reason)
{
	char ipbuf[CG_ADDR_STRLEN];
	const char *why = NULL;
	struct request r;
	request_of_head(c, c->req, &r, ipbuf, &why); /* it passed before: cannot fail */
	c->state = ST_HEAD;
	answer_blocked(c, p, c->req, &r, v, reason, c->head_n);
	if (c->state == ST_HEAD) { /* keep-alive: on to the next head */
		if (!c->cli_eof)
			bufferevent_enable(c->cli, EV_READ);
		try_head(c);
	}
}

/* The name of the request waiting in ST_RESOLVE is looked up: a name of the answer's
 * chain blocked (the block page, journaled with the chain), no address (502), or the
 * first address decided with the name (a listed address blocks, as for CONNECT) and the
 * request relayed there. */
static void conn_resolved(void *arg, const struct dns_lookup_result *res)
{
	struct http_conn *c = arg;
	struct http_request *req = c->req;
	c->lookup = NULL;
	if (res->status == DNS_LOOKUP_BLOCKED) {
		struct verdict v = res->v;
		policy_ref(res->p); /* answer_blocked drops one */
		resolved_block(c, res->p, &v, res->chain);
		return;
	}
	if (res->status != DNS_LOOKUP_OK) {
		log_debug("http: %s: %s: %s", c->client_str, req->host, res->error);
		send_error(c, 502);
		return;
	}
	struct policy *p = policy_acquire();
	if (!p) {
		send_error(c, 503);
		return;
	}
	char ipbuf[CG_ADDR_STRLEN];
	const char *why = NULL;
	struct request r;
	struct verdict v;
	request_of_head(c, req, &r, ipbuf, &why);
	if (policy_decide_dest(p, &r, &res->addrs[0], NULL, &v, NULL) == ACTION_BLOCK) {
		resolved_block(c, p, &v, v.by_dest ? policy_dest_reason(&v) : NULL);
		return;
	}
	policy_unref(p);
	int st = route(c, req, &res->addrs[0]);
	if (st == ROUTE_DENIED)
		return;
	if (st) {
		send_error(c, st);
		return;
	}
	bufferevent_enable(c->cli, EV_READ);
	relay_start(c, req, c->head_n);
}

/* The block page's review form, posted to the blocked host: answered here, never
 * relayed (http_review.c); the connection closes after the answer. false while its body
 * is not all in (the head is read again with it, under the head timeout). */
static bool review_post(struct http_conn *c, struct policy *p, const struct http_request *req,
			const struct request *r, const struct verdict *v, int n)
{
	struct sbuf b;
	sbuf_init(&b);
	int done = http_review_take(c->w->sh, &c->set, req, r, v, bufferevent_get_input(c->cli),
				    (size_t)n, &b);
	policy_unref(p);
	if (!done) {
		head_wait(c);
		return false;
	}
	bufferevent_write(c->cli, b.data, b.len);
	sbuf_free(&b);
	conn_close_after_write(c);
	return true;
}

/* false when c is gone (handed to http_tunnel.c) or waits for more input (a review
 * form's body). */
static bool handle_request(struct http_conn *c, int n)
{
	struct http_request *req = c->req;
	char ipbuf[CG_ADDR_STRLEN];
	struct request r;
	struct verdict v;
	const char *reason = NULL;

	evtimer_del(c->head_timer);
	if (req->is_connect && c->mode != HTTP_MODE_EXPLICIT) {
		connect_refuse(c, req); /* a tunnel out of port 80 */
		return true;
	}
	if (request_of_head(c, req, &r, ipbuf, &reason) < 0)
		return true;
	struct policy *p = policy_acquire();
	if (!p) {
		send_error(c, 503);
		return true;
	}
	/* The Host and the address the connection was going to both decide. */
	struct cg_addr dest;
	if (c->orig_len)
		addr_from_sockaddr((struct sockaddr *)&c->orig, &dest);
	policy_decide_dest(p, &r, c->orig_len ? &dest : NULL, NULL, &v, NULL);
	if (v.by_dest)
		reason = policy_dest_reason(&v);
	if (http_review_is_form(req))
		return review_post(c, p, req, &r, &v, n);
	if (c->mode == HTTP_MODE_BLOCKPAGE || v.action == ACTION_BLOCK) {
		answer_blocked(c, p, req, &r, &v, reason, n);
		return true;
	}
	if (v.action == ACTION_OBSERVE || reason) {
		char id[JOURNAL_ID_LEN];
		journal_block(c, &r, &v, reason, id);
	}
	policy_unref(p);
	if (req->is_connect) {
		connect_hand_over(c, req, n);
		return false;
	}

	int st = route(c, req, NULL);
	if (st == ROUTE_LOOKUP) {
		lookup_start(c, &r, n);
		return true;
	}
	if (st == ROUTE_DENIED)
		return true;
	if (st) {
		send_error(c, st);
		return true;
	}
	relay_start(c, req, n);
	return true;
}

/* Backpressure on answers: while the client holds ANSWER_HIGH bytes of them unread, stop
 * reading (and parsing) its requests; cli_write resumes at half. The client must take
 * some within the idle time or it is dropped. true when paused. */
static bool answers_pause(struct http_conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->cli)) < ANSWER_HIGH)
		return false;
	struct timeval tv = { c->set.idle_timeout_ms / 1000, (c->set.idle_timeout_ms % 1000) * 1000 };
	c->out_paused = true;
	bufferevent_disable(c->cli, EV_READ);
	bufferevent_setwatermark(c->cli, EV_WRITE, ANSWER_HIGH / 2, 0);
	bufferevent_set_timeouts(c->cli, NULL, &tv);
	return true;
}

/* Parse and handle the heads in the client input, one after another while each is
 * answered here (block pages on a keep-alive connection); stop at one that is relayed,
 * or while the client has too many answers unread. */
static void try_head(struct http_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->cli);
	struct http_limits lim = { c->set.max_head_bytes, c->set.max_line_bytes,
				   c->set.max_headers };
	while (c->state == ST_HEAD) {
		if (c->out_paused || answers_pause(c))
			return;
		size_t len = evbuffer_get_length(in);
		if (len == 0) {
			if (c->cli_eof)
				conn_close_after_write(c);
			return;
		}
		size_t look = len < c->set.max_head_bytes + 8 ? len : c->set.max_head_bytes + 8;
		const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)look);
		int n = http_scan_request(&c->scan, buf, look, &lim, c->req);
		if (n == 0) {
			if (c->cli_eof)
				conn_close_after_write(c); /* a cut request: nothing to answer */
			return;
		}
		if (n < 0) {
			log_debug("http: %s: %d %s", c->client_str, -n, c->req->error);
			send_error(c, -n);
			return;
		}
		http_scan_reset(&c->scan); /* the next head starts after this one */
		if (!handle_request(c, n))
			return;
	}
}

/* Forward request body bytes that are in the client input, as far as the framing goes. */
static void forward_req_body(struct http_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->cli);
	while (!c->req_body_done && evbuffer_get_length(in) > 0) {
		size_t used = 0, len = evbuffer_get_length(in);
		int r;
		if (c->req_body.mode == HTTP_BODY_LENGTH) {
			r = http_body_feed(&c->req_body, NULL, len, &used);
		} else {
			struct evbuffer_iovec v;
			if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
				break;
			r = http_body_feed(&c->req_body, v.iov_base, v.iov_len, &used);
		}
		if (r < 0) {
			send_error(c, 400);
			return;
		}
		relay_move(c->cli, c->up, used);
		if (r == 1)
			c->req_body_done = true;
		if (used == 0)
			break;
	}
}

static void cli_read(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;
	(void)bev;
	switch (c->state) {
	case ST_HEAD:
		try_head(c);
		break;
	case ST_RELAY:
		if (!c->req_body_done && c->up) {
			forward_req_body(c);
			if (c->state != ST_RELAY)
				break;
		}
		/* Pipelined requests wait; do not buffer more than one head's worth. */
		if (c->req_body_done &&
		    evbuffer_get_length(bufferevent_get_input(c->cli)) > c->set.max_head_bytes)
			bufferevent_disable(c->cli, EV_READ);
		break;
	case ST_RESOLVE:
		break; /* the head waits for its lookup */
	case ST_CLOSING:
		evbuffer_drain(bufferevent_get_input(c->cli),
			       evbuffer_get_length(bufferevent_get_input(c->cli)));
		break;
	}
}

/* The response is complete: next request, or close. */
static void response_done(struct http_conn *c)
{
	if (!c->up_keep && c->up) {
		bufferevent_free(c->up);
		c->up = NULL;
	} else if (c->up && evbuffer_get_length(bufferevent_get_input(c->up)) > 0) {
		bufferevent_free(c->up); /* bytes after the response: not reusable */
		c->up = NULL;
	}
	if (!c->client_keep || c->cli_eof || !c->req_body_done) {
		conn_close_after_write(c);
		return;
	}
	head_wait(c);
	bufferevent_enable(c->cli, EV_READ);
	try_head(c);
}

/* Move response body bytes to the client as far as the framing goes. */
static void forward_resp_body(struct http_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->up);
	for (;;) {
		size_t used = 0, len = evbuffer_get_length(in);
		int r;
		if (c->resp_body.mode == HTTP_BODY_LENGTH || c->resp_body.mode == HTTP_BODY_CLOSE ||
		    c->resp_body.mode == HTTP_BODY_NONE) {
			r = http_body_feed(&c->resp_body, NULL, len, &used);
		} else {
			struct evbuffer_iovec v;
			if (len == 0 || evbuffer_peek(in, -1, NULL, &v, 1) < 1)
				return;
			r = http_body_feed(&c->resp_body, v.iov_base, v.iov_len, &used);
		}
		if (r < 0) {
			conn_close_after_write(c); /* the client sees a cut response */
			return;
		}
		relay_move(c->up, c->cli, used);
		if (r == 1) {
			response_done(c);
			return;
		}
		if (used == 0 || evbuffer_get_length(in) == 0)
			return;
	}
}

/* A 101 from the origin. Only an allowed WebSocket request's 101 that names websocket
 * is tunnelled (spliced by http_tunnel.c); any other closes the connection, so that no
 * other protocol (h2c, ...) runs through unfiltered. */
static void upgrade_done(struct http_conn *c, const struct http_response *resp, int n)
{
	struct http_worker *w = c->w;
	struct bufferevent *cli = c->cli, *up = c->up;
	struct cg_addr client = c->client;
	if (!c->upgrade || !http_head_upgrade_is_websocket(resp->headers, resp->n_headers)) {
		log_debug("http: %s: 101 without a WebSocket request: closed", c->client_str);
		send_error(c, 502); /* nothing of the 101 was passed on */
		return;
	}
	http_head_response(bufferevent_get_output(cli), resp, false, c->req_minor, true);
	evbuffer_drain(bufferevent_get_input(up), (size_t)n);
	evtimer_del(c->head_timer);
	unsigned idle_ms = c->set.tunnel_idle_ms;
	conn_detach(c);
	http_tunnel_relay(w, cli, up, &client, idle_ms);
}

static void up_read(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	static __thread struct http_response resp;

	if (c->state != ST_RELAY) {
		/* Nothing asked for: an origin talking out of turn is not reused. */
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while (!c->resp_head_done) {
		struct http_limits lim = { c->set.max_head_bytes, c->set.max_line_bytes,
					   HTTP_MAX_HEADERS };
		size_t len = evbuffer_get_length(in);
		if (len == 0)
			return;
		size_t look = len < c->set.max_head_bytes + 8 ? len : c->set.max_head_bytes + 8;
		const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)look);
		int n = http_parse_response(buf, look, &lim, &resp);
		if (n == 0)
			return;
		if (n < 0) {
			log_debug("http: bad response for %s: %s", c->client_str, resp.error);
			if (c->resp_started)
				conn_close_after_write(c);
			else
				send_error(c, 502);
			return;
		}
		if (resp.status == 101) {
			upgrade_done(c, &resp, n);
			return;
		}
		c->resp_started = true;
		if (resp.status < 200) { /* 100 Continue and friends pass, then the final one */
			http_head_response(bufferevent_get_output(c->cli), &resp, false, 1, false);
			evbuffer_drain(in, (size_t)n);
			continue;
		}
		enum http_body_mode m = http_response_body_mode(&resp, c->head_req);
		c->up_keep = resp.keep_alive && m != HTTP_BODY_CLOSE;
		if (m == HTTP_BODY_CLOSE)
			c->client_keep = false;
		http_head_response(bufferevent_get_output(c->cli), &resp, !c->client_keep,
				   c->req_minor, false);
		evbuffer_drain(in, (size_t)n);
		http_body_init(&c->resp_body, m,
			       resp.content_length > 0 ? (uint64_t)resp.content_length : 0);
		c->resp_head_done = true;
		if (m == HTTP_BODY_NONE) {
			response_done(c);
			return;
		}
	}
	forward_resp_body(c);
}

static void up_write(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;
	/* Below the low mark again: read from the client again. */
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	if (c->state == ST_RELAY && !c->req_body_done)
		bufferevent_enable(c->cli, EV_READ);
}

static void cli_write(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;
	if (c->state == ST_CLOSING) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_free(c);
		return;
	}
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	if (c->state == ST_HEAD && c->out_paused) {
		/* The client took half of its answers: read and answer heads again. */
		c->out_paused = false;
		head_wait(c);
		if (!c->cli_eof)
			bufferevent_enable(c->cli, EV_READ);
		try_head(c);
		return;
	}
	if (c->up && c->state == ST_RELAY)
		bufferevent_enable(c->up, EV_READ);
}

static void up_event(struct bufferevent *bev, short what, void *arg)
{
	struct http_conn *c = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;
		c->up_connected = true;
		setsockopt(bufferevent_getfd(c->up), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return;
	}
	/* EOF, error or timeout from the next hop. */
	if (c->state == ST_RELAY && c->resp_head_done && c->resp_body.mode == HTTP_BODY_CLOSE &&
	    (what & BEV_EVENT_EOF)) {
		relay_move(c->up, c->cli, evbuffer_get_length(bufferevent_get_input(c->up)));
		conn_close_after_write(c);
		return;
	}
	if (c->state == ST_RELAY) {
		if (c->resp_started) {
			conn_close_after_write(c);
		} else {
			bool timeout = (what & BEV_EVENT_TIMEOUT) != 0;
			send_error(c, timeout ? 504 : 502);
		}
		return;
	}
	/* Idle keep-alive connection to the origin went away. */
	bufferevent_free(c->up);
	c->up = NULL;
}

static void cli_event(struct bufferevent *bev, short what, void *arg)
{
	struct http_conn *c = arg;
	(void)bev;
	if ((what & BEV_EVENT_EOF) && c->state == ST_RELAY && !(what & BEV_EVENT_ERROR)) {
		/* Half-close after a request: finish the response, then close. */
		c->cli_eof = true;
		bufferevent_disable(c->cli, EV_READ);
		if (!c->req_body_done)
			conn_free(c);
		return;
	}
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) && c->state == ST_HEAD) {
		c->cli_eof = true; /* a last request may still be complete; answers flush */
		try_head(c);
		return;
	}
	conn_free(c);
}

void http_conn_start(struct http_worker *w, enum http_mode mode, int fd,
		     const struct sockaddr *peer, socklen_t peer_len)
{
	struct http_conn *c = xcalloc(1, sizeof(*c));
	int one = 1;
	(void)peer_len;
	c->w = w;
	c->mode = mode;
	http_shared_settings(w->sh, &c->set);
	addr_from_sockaddr(peer, &c->client);
	addr_str(&c->client, c->client_str);
	if (mode == HTTP_MODE_TRANSPARENT && origdst_get(fd, &c->orig, &c->orig_len) < 0)
		c->orig_len = 0;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->req = xmalloc(sizeof(*c->req));
	c->cli = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->head_timer = evtimer_new(w->base, head_timeout, c);
	if (!c->cli || !c->head_timer) {
		if (!c->cli)
			close(fd);
		goto fail;
	}
	LIST_INSERT_HEAD(&w->conns, c, link);
	bufferevent_setcb(c->cli, cli_read, cli_write, cli_event, c);
	bufferevent_set_max_single_write(c->cli, RELAY_IO);
	bufferevent_enable(c->cli, EV_READ | EV_WRITE);
	head_wait(c);
	return;
fail:
	connlimit_release(w->sh->limits, &c->client);
	if (c->cli)
		bufferevent_free(c->cli);
	if (c->head_timer)
		event_free(c->head_timer);
	free(c->req);
	free(c);
}

static void conn_free(struct http_conn *c)
{
	struct http_worker *w = c->w;
	connlimit_release(w->sh->limits, &c->client);
	if (c->up)
		bufferevent_free(c->up);
	bufferevent_free(c->cli);
	c->up = c->cli = NULL;
	conn_detach(c);
}

/* End the connection but leave its sockets (c->cli, c->up unless freed or NULL) and its
 * limit slot to whoever took them over. */
static void conn_detach(struct http_conn *c)
{
	if (c->lookup)
		dns_lookup_cancel(c->lookup);
	LIST_REMOVE(c, link);
	event_free(c->head_timer);
	free(c->req);
	free(c);
}

void http_conn_free_all(struct http_worker *w)
{
	while (!LIST_EMPTY(&w->conns))
		conn_free(LIST_FIRST(&w->conns));
}
