/* http_client: the client side of a connection through the HTTP proxy: read a head
 * under a deadline, decide it, and answer it (http_answer.c), relay it (http_relay.c) or
 * hand a CONNECT over (http_tunnel.c); heads are read one after another on keep-alive.
 * The events of both sockets come here: those of the next hop's go to http_relay.c,
 * which says when its response is complete, and the next head is read here. */
#include "http_client.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connlimit.h"
#include "dns_lookup.h"
#include "http_answer.h"
#include "http_conn.h"
#include "http_relay.h"
#include "http_review.h"
#include "http_tunnel.h"
#include "origdst.h"
#include "policy.h"
#include "util.h"

/* Answers queued for a client (block pages for pipelined requests, a relayed response)
 * above which no further head is read until it has taken half of them. */
#define ANSWER_HIGH HTTP_CONN_HIGH

static void try_head(struct http_conn *c);

static void head_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;
	(void)fd;
	(void)what;
	if (c->state != ST_HEAD || c->out_paused)
		return; /* paused: the write timeout runs instead, head wait again on resume */
	if (evbuffer_get_length(bufferevent_get_input(c->cli)) > 0)
		http_conn_send_error(c, 408); /* slow or incomplete head */
	else
		http_conn_free(c);            /* idle keep-alive connection */
}

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
		http_conn_send_error(c, 400); /* a request for the proxy itself */
		return -1;
	}
	if (req->host_len == 0) {
		/* HTTP/1.0 without Host: the address it was going to is all we know. */
		struct cg_addr a;
		if (!c->orig_len) {
			http_conn_send_error(c, 400);
			return -1;
		}
		addr_from_sockaddr((struct sockaddr *)&c->orig, &a);
		r->host = addr_str(&a, ipbuf);
		r->host_len = strlen(r->host);
		*reason = "no Host: decided on the original destination";
	}
	return 0;
}

/* A CONNECT on a transparent or block-page port: 405, journaled as a bypass attempt. */
static void connect_refuse(struct http_conn *c, const struct http_request *req)
{
	http_tunnel_refuse_transparent(c->w, bufferevent_get_output(c->cli), &c->client, req,
				       &c->set);
	http_conn_close_after_write(c);
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
	http_conn_detach(c);
}

/* The next hop's socket: its events go to http_relay.c; when the response is complete
 * and the connection stays, on to the heads waiting (pipelined) or the next one. */
static void up_read(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;
	(void)bev;
	if (http_relay_up_read(c) == HTTP_RELAY_NEXT)
		try_head(c);
}

static void up_write(struct bufferevent *bev, void *arg)
{
	(void)bev;
	http_relay_up_write(arg);
}

static void up_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	http_relay_up_event(arg, what);
}

/* Relay the request (its head: n bytes) on the connection http_relay_route() opened or
 * kept, whose events come here (set before it connects). */
static void relay_start(struct http_conn *c, struct http_request *req, int n)
{
	bufferevent_setcb(c->up, up_read, up_write, up_event, c);
	int st = http_relay_start(c, req, n);
	if (st)
		http_conn_send_error(c, st);
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
		http_conn_send_error(c, 502);
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
	http_answer_blocked(c, p, c->req, &r, v, reason, c->head_n);
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
		policy_ref(res->p); /* http_answer_blocked drops one */
		resolved_block(c, res->p, &v, res->chain);
		return;
	}
	if (res->status != DNS_LOOKUP_OK) {
		log_debug("http: %s: %s: %s", c->client_str, req->host, res->error);
		http_conn_send_error(c, 502);
		return;
	}
	struct policy *p = policy_acquire();
	if (!p) {
		http_conn_send_error(c, 503);
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
	int st = http_relay_route(c, req, &res->addrs[0]);
	if (st == HTTP_RELAY_DENIED)
		return;
	if (st) {
		http_conn_send_error(c, st);
		return;
	}
	bufferevent_enable(c->cli, EV_READ);
	relay_start(c, req, c->head_n);
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
		http_conn_send_error(c, 503);
		return true;
	}
	/* The Host and the address the connection goes to both decide, on every request: the
	 * original destination (transparent), or the address of the open connection to the
	 * next hop that the request would reuse (explicit; a new one's address is decided
	 * after its lookup), so that a timetable that blocks the address now blocks it on a
	 * kept-alive connection too. */
	struct cg_addr orig;
	const struct cg_addr *dest = NULL;
	if (c->orig_len) {
		addr_from_sockaddr((struct sockaddr *)&c->orig, &orig);
		dest = &orig;
	} else {
		dest = http_relay_reused_dest(c, req);
	}
	policy_decide_dest(p, &r, dest, NULL, &v, NULL);
	if (v.by_dest)
		reason = policy_dest_reason(&v);
	if (http_review_is_form(req))
		return http_answer_review(c, p, req, &r, &v, n);
	if (c->mode == HTTP_MODE_BLOCKPAGE || v.action == ACTION_BLOCK) {
		http_answer_blocked(c, p, req, &r, &v, reason, n);
		return true;
	}
	if (v.action == ACTION_OBSERVE || reason) {
		char id[JOURNAL_ID_LEN];
		http_answer_journal(c, &r, &v, reason, id);
	}
	policy_unref(p);
	if (req->is_connect) {
		connect_hand_over(c, req, n);
		return false;
	}

	int st = http_relay_route(c, req, NULL);
	if (st == HTTP_RELAY_LOOKUP) {
		lookup_start(c, &r, n);
		return true;
	}
	if (st == HTTP_RELAY_DENIED)
		return true;
	if (st) {
		http_conn_send_error(c, st);
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
				http_conn_close_after_write(c);
			return;
		}
		size_t look = len < c->set.max_head_bytes + 8 ? len : c->set.max_head_bytes + 8;
		const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)look);
		int n = http_scan_request(&c->scan, buf, look, &lim, c->req);
		if (n == 0) {
			if (c->cli_eof)
				http_conn_close_after_write(c); /* a cut request: nothing to answer */
			return;
		}
		if (n < 0) {
			log_debug("http: %s: %d %s", c->client_str, -n, c->req->error);
			http_conn_send_error(c, -n);
			return;
		}
		http_scan_reset(&c->scan); /* the next head starts after this one */
		if (!handle_request(c, n))
			return;
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
		http_relay_client_read(c);
		break;
	case ST_RESOLVE:
		break; /* the head waits for its lookup */
	case ST_CLOSING:
		evbuffer_drain(bufferevent_get_input(c->cli),
			       evbuffer_get_length(bufferevent_get_input(c->cli)));
		break;
	}
}

static void cli_write(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;
	if (c->state == ST_CLOSING) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			http_conn_free(c);
		return;
	}
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	if (c->state == ST_HEAD && c->out_paused) {
		/* The client took half of its answers: read and answer heads again. */
		c->out_paused = false;
		http_conn_head_wait(c);
		if (!c->cli_eof)
			bufferevent_enable(c->cli, EV_READ);
		try_head(c);
		return;
	}
	if (c->up && c->state == ST_RELAY)
		bufferevent_enable(c->up, EV_READ);
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
			http_conn_free(c);
		return;
	}
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) && c->state == ST_HEAD) {
		c->cli_eof = true; /* a last request may still be complete; answers flush */
		try_head(c);
		return;
	}
	http_conn_free(c);
}

void http_client_start(struct http_worker *w, enum http_mode mode, int fd,
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
	bufferevent_set_max_single_write(c->cli, HTTP_CONN_IO);
	bufferevent_enable(c->cli, EV_READ | EV_WRITE);
	http_conn_head_wait(c);
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
