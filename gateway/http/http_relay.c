/* http_relay: an allowed request relayed to the next hop and its response back, bodies
 * framed both ways (so that keep-alive and pipelined requests are each decided), with
 * backpressure on both sides; a WebSocket 101 is handed to http_tunnel.c. */
#include "http_relay.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

#include "http_head.h"
#include "http_tunnel.h"
#include "policy.h"
#include "util.h"

/* Relay backpressure: stop reading src while dst's output is above the mark; the write
 * callback of dst turns reading back on (le-proxy.c). */
static void relay_move(struct bufferevent *src, struct bufferevent *dst, size_t n)
{
	struct evbuffer *in = bufferevent_get_input(src), *out = bufferevent_get_output(dst);
	if (n)
		evbuffer_remove_buffer(in, out, n);
	if (evbuffer_get_length(out) >= HTTP_CONN_HIGH) {
		bufferevent_disable(src, EV_READ);
		bufferevent_setwatermark(dst, EV_WRITE, HTTP_CONN_HIGH / 2, HTTP_CONN_HIGH);
	}
}

/* A connection to the next hop for key (at sa; addr: NULL for the parent proxy),
 * reusing the open one when it goes there. A new one connects in http_relay_start(),
 * once the caller has set its callbacks. */
static int up_open(struct http_conn *c, const char *key, const struct sockaddr *sa, socklen_t sl,
		   const struct cg_addr *addr)
{
	if (c->up && strcmp(c->up_key, key) == 0)
		return 0;
	if (c->up)
		bufferevent_free(c->up);
	c->up_connected = false;
	memset(&c->up_addr, 0, sizeof(c->up_addr));
	if (addr)
		c->up_addr = *addr;
	/* Deferred callbacks: a connect that fails at once reports later, not from
	 * inside this call. */
	c->up = bufferevent_socket_new(c->w->base, -1,
				       BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!c->up)
		return -1;
	snprintf(c->up_key, sizeof(c->up_key), "%s", key);
	c->up_gen = policy_generation();
	bufferevent_set_max_single_read(c->up, HTTP_CONN_IO);
	bufferevent_set_max_single_write(c->up, HTTP_CONN_IO);
	struct timeval tv = { c->set.idle_timeout_ms / 1000, (c->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(c->up, &tv, &tv);
	bufferevent_enable(c->up, EV_READ | EV_WRITE);
	memcpy(&c->up_sa, sa, sl);
	c->up_sa_len = sl;
	return 0;
}

/* The key of an explicit request's connection to the next hop: its name and port. */
static void route_key(const struct http_request *req, char key[NAME_MAX_LEN + 16])
{
	snprintf(key, NAME_MAX_LEN + 16, "%s:%u", req->host, (unsigned)(req->port ? req->port : 80));
}

const struct cg_addr *http_relay_reused_dest(const struct http_conn *c,
					     const struct http_request *req)
{
	char key[NAME_MAX_LEN + 16];
	if (c->set.parent.port || c->mode != HTTP_MODE_EXPLICIT || req->is_connect || !c->up ||
	    !c->up_addr.family || c->up_gen != policy_generation())
		return NULL;
	route_key(req, key);
	return strcmp(c->up_key, key) == 0 ? &c->up_addr : NULL;
}

int http_relay_route(struct http_conn *c, const struct http_request *req,
		     const struct cg_addr *dest)
{
	char key[NAME_MAX_LEN + 16];
	struct sockaddr_storage ss;
	if (c->set.parent.port) {
		socklen_t sl = endpoint_to_sockaddr(&c->set.parent, &ss);
		snprintf(key, sizeof(key), "parent");
		return up_open(c, key, (struct sockaddr *)&ss, sl, NULL) < 0 ? 502 : 0;
	}
	if (c->mode == HTTP_MODE_TRANSPARENT) {
		struct cg_addr orig;
		if (!c->orig_len)
			return 502; /* not redirected: no idea where it was going */
		addr_from_sockaddr((struct sockaddr *)&c->orig, &orig);
		snprintf(key, sizeof(key), "orig");
		if (up_open(c, key, (struct sockaddr *)&c->orig, c->orig_len, &orig) < 0)
			return 502;
		return 0;
	}
	struct cg_endpoint ep = {.port = req->port ? req->port : 80};
	route_key(req, key);
	if (c->up && strcmp(c->up_key, key) == 0) {
		if (c->up_gen == policy_generation())
			return 0; /* the open connection to that name (its name looked up and
				     decided before, its address decided with this request:
				     http_relay_reused_dest) */
		/* The policy was reloaded since: the name is looked up and its chain and address
		 * decided again, on a new connection, so that a kept-alive one does not outlive
		 * a list that now holds its address. */
		bufferevent_free(c->up);
		c->up = NULL;
		c->up_connected = false;
	}
	if (dest)
		ep.addr = *dest;
	else if (!req->host_is_ip)
		return HTTP_RELAY_LOOKUP;
	else if (addr_parse(req->host, &ep.addr) < 0)
		return 400;
	/* never the box itself, the LAN or loopback, as for CONNECT */
	enum denyset_kind k = http_deny_match(c->w, &ep.addr);
	if (k != DENYSET_NONE) {
		http_tunnel_refuse_denied(c->w, bufferevent_get_output(c->cli), &c->client, req,
					  &c->set, &ep.addr, k);
		http_conn_close_after_write(c);
		return HTTP_RELAY_DENIED;
	}
	socklen_t sl = endpoint_to_sockaddr(&ep, &ss);
	return up_open(c, key, (struct sockaddr *)&ss, sl, &ep.addr) < 0 ? 502 : 0;
}

int http_relay_start(struct http_conn *c, struct http_request *req, int n)
{
	struct evbuffer *in = bufferevent_get_input(c->cli);
	/* Deferred callbacks (up_open): a connect that fails at once reports later, to the
	 * callbacks set by now. */
	if (c->up_sa_len) {
		socklen_t sl = c->up_sa_len;
		c->up_sa_len = 0;
		if (bufferevent_socket_connect(c->up, (struct sockaddr *)&c->up_sa, (int)sl) < 0) {
			bufferevent_free(c->up);
			c->up = NULL;
			return 502;
		}
	}
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
		http_relay_client_read(c);
	return 0;
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
			http_conn_send_error(c, 400);
			return;
		}
		relay_move(c->cli, c->up, used);
		if (r == 1)
			c->req_body_done = true;
		if (used == 0)
			break;
	}
}

void http_relay_client_read(struct http_conn *c)
{
	if (!c->req_body_done && c->up) {
		forward_req_body(c);
		if (c->state != ST_RELAY)
			return;
	}
	/* Pipelined requests wait; do not buffer more than one head's worth. */
	if (c->req_body_done &&
	    evbuffer_get_length(bufferevent_get_input(c->cli)) > c->set.max_head_bytes)
		bufferevent_disable(c->cli, EV_READ);
}

/* The response is complete: close, or HTTP_RELAY_NEXT (the next head is the caller's). */
static enum http_relay_step response_done(struct http_conn *c)
{
	if (!c->up_keep && c->up) {
		bufferevent_free(c->up);
		c->up = NULL;
	} else if (c->up && evbuffer_get_length(bufferevent_get_input(c->up)) > 0) {
		bufferevent_free(c->up); /* bytes after the response: not reusable */
		c->up = NULL;
	}
	if (!c->client_keep || c->cli_eof || !c->req_body_done) {
		http_conn_close_after_write(c);
		return HTTP_RELAY_WAIT;
	}
	http_conn_head_wait(c);
	bufferevent_enable(c->cli, EV_READ);
	return HTTP_RELAY_NEXT;
}

/* Move response body bytes to the client as far as the framing goes; HTTP_RELAY_NEXT
 * when that completed the response and c stays. */
static enum http_relay_step forward_resp_body(struct http_conn *c)
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
				return HTTP_RELAY_WAIT;
			r = http_body_feed(&c->resp_body, v.iov_base, v.iov_len, &used);
		}
		if (r < 0) {
			http_conn_close_after_write(c); /* the client sees a cut response */
			return HTTP_RELAY_WAIT;
		}
		relay_move(c->up, c->cli, used);
		if (r == 1)
			return response_done(c);
		if (used == 0 || evbuffer_get_length(in) == 0)
			return HTTP_RELAY_WAIT;
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
		http_conn_send_error(c, 502); /* nothing of the 101 was passed on */
		return;
	}
	http_head_response(bufferevent_get_output(cli), resp, false, c->req_minor, true);
	evbuffer_drain(bufferevent_get_input(up), (size_t)n);
	evtimer_del(c->head_timer);
	unsigned idle_ms = c->set.tunnel_idle_ms;
	struct cg_addr dest = c->up_addr;
	char host[NAME_MAX_LEN + 1];
	snprintf(host, sizeof(host), "%s", c->req->host);
	http_conn_detach(c);
	http_tunnel_relay(w, cli, up, &client, host, dest.family ? &dest : NULL, idle_ms);
}

enum http_relay_step http_relay_up_read(struct http_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->up);
	static __thread struct http_response resp;

	if (c->state != ST_RELAY) {
		/* Nothing asked for: an origin talking out of turn is not reused. */
		evbuffer_drain(in, evbuffer_get_length(in));
		return HTTP_RELAY_WAIT;
	}
	while (!c->resp_head_done) {
		struct http_limits lim = { c->set.max_head_bytes, c->set.max_line_bytes,
					   HTTP_MAX_HEADERS };
		size_t len = evbuffer_get_length(in);
		if (len == 0)
			return HTTP_RELAY_WAIT;
		size_t look = len < c->set.max_head_bytes + 8 ? len : c->set.max_head_bytes + 8;
		const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)look);
		int n = http_parse_response(buf, look, &lim, &resp);
		if (n == 0)
			return HTTP_RELAY_WAIT;
		if (n < 0) {
			log_debug("http: bad response for %s: %s", c->client_str, resp.error);
			if (c->resp_started)
				http_conn_close_after_write(c);
			else
				http_conn_send_error(c, 502);
			return HTTP_RELAY_WAIT;
		}
		if (resp.status == 101) {
			upgrade_done(c, &resp, n); /* c is gone (a tunnel, or closing) */
			return HTTP_RELAY_WAIT;
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
		if (m == HTTP_BODY_NONE)
			return response_done(c);
	}
	return forward_resp_body(c);
}

void http_relay_up_write(struct http_conn *c)
{
	/* Below the low mark again: read from the client again. */
	bufferevent_setwatermark(c->up, EV_WRITE, 0, 0);
	if (c->state == ST_RELAY && !c->req_body_done)
		bufferevent_enable(c->cli, EV_READ);
}

void http_relay_up_event(struct http_conn *c, short what)
{
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
		http_conn_close_after_write(c);
		return;
	}
	if (c->state == ST_RELAY) {
		if (c->resp_started) {
			http_conn_close_after_write(c);
		} else {
			bool timeout = (what & BEV_EVENT_TIMEOUT) != 0;
			http_conn_send_error(c, timeout ? 504 : 502);
		}
		return;
	}
	/* Idle keep-alive connection to the origin went away. */
	bufferevent_free(c->up);
	c->up = NULL;
}
