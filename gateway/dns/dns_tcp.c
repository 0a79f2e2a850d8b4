/* DNS over TCP (RFC 7766): 2-byte length framing, several queries per connection
 * answered as they complete (possibly out of order), bounded in-flight queries and
 * unsent output per connection, a cap on connections per client, an idle timeout and a
 * per-message deadline, half-close honoured.
 *
 * Timing: one timer per connection. Between messages it is the idle timeout; the first
 * byte of a message replaces it with the message deadline (tcp_msg_timeout_ms), which
 * later bytes never move: a client that sends a byte at a time cannot hold the
 * connection longer than that per message. Reading a byte never re-arms anything. */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_struct.h>

#include "dns_resolve.h"
#include "dns_tcp.h"
#include "util.h"

struct dns_tconn {
	struct dns_worker *w;
	LIST_ENTRY(dns_tconn) link; /* in w->conns while open */
	struct bufferevent *bev;   /* NULL once closed */
	struct cg_addr client;
	unsigned refs;             /* 1 while open + 1 per query in flight */
	bool eof;                  /* the client shut its side: answer, then close */
	bool paused;               /* reading stopped by a limit */
	bool in_msg;               /* part of a message is here: the timer is its deadline */
	struct event timer;        /* idle timeout or message deadline */
};

static void conn_unref(struct dns_tconn *c);

static unsigned in_flight(const struct dns_tconn *c)
{
	return c->refs - (c->bev ? 1 : 0);
}

static void conn_close(struct dns_tconn *c)
{
	struct dns_worker *w = c->w;
	if (!c->bev)
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	event_del(&c->timer);
	LIST_REMOVE(c, link);
	w->n_conns--;
	connlimit_release(w->srv->tcp_clients, &c->client);
	conn_unref(c);
}

static bool over_limits(const struct dns_tconn *c)
{
	return in_flight(c) >= DNS_TCP_MAX_PENDING ||
	       evbuffer_get_length(bufferevent_get_output(c->bev)) >= DNS_TCP_MAX_OUT;
}

/* ---- the way back for the query path (struct dns_reply_ops) ---- */

/* An answer, framed; dropped when the connection has closed meanwhile. */
static void tcp_send(struct dns_worker *w, const struct dns_reply_to *to, const uint8_t *msg,
		     size_t len)
{
	struct dns_tconn *c = to->conn;
	(void)w;
	if (!c->bev || len > 65535)
		return;
	uint8_t lb[2] = {(uint8_t)(len >> 8), (uint8_t)len};
	struct evbuffer *out = bufferevent_get_output(c->bev);
	evbuffer_add(out, lb, 2);
	evbuffer_add(out, msg, len);
}

/* A query in flight keeps its connection (and counts against DNS_TCP_MAX_PENDING). */
static void tcp_hold(const struct dns_reply_to *to)
{
	to->conn->refs++;
}

static void tcp_release(const struct dns_reply_to *to)
{
	conn_unref(to->conn);
}

static const struct dns_reply_ops tcp_reply = {
	.send = tcp_send, .hold = tcp_hold, .release = tcp_release,
};

/* ---- the connection ---- */

static void timer_arm(struct dns_tconn *c, unsigned ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_add(&c->timer, &tv);
}

/* After reading (msg_done: a message was just taken off the input): a message has
 * begun (its first byte is here and no deadline runs for it yet): start its deadline;
 * nothing is buffered: back to the idle timeout. */
static void timer_update(struct dns_tconn *c, size_t buffered, bool msg_done)
{
	const struct dns_settings *s = &c->w->set;
	if (msg_done)
		c->in_msg = false;
	if (buffered && !c->in_msg) {
		c->in_msg = true;
		timer_arm(c, s->tcp_msg_timeout_ms ? s->tcp_msg_timeout_ms : 3000);
	} else if (!buffered && (c->in_msg || msg_done)) {
		c->in_msg = false;
		timer_arm(c, s->tcp_idle_ms ? s->tcp_idle_ms : 10000);
	}
}

/* The buffered input holds a whole message (it waits for our limits, not the client). */
static bool whole_msg_buffered(struct dns_tconn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	uint8_t lb[2];
	if (evbuffer_copyout(in, lb, 2) < 2)
		return false;
	return evbuffer_get_length(in) >= 2 + ((size_t)lb[0] << 8 | lb[1]);
}

static void conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct dns_tconn *c = arg;
	struct dns_worker *w = c->w;
	(void)fd;
	(void)what;
	if (!c->bev)
		return;
	if (c->in_msg && !whole_msg_buffered(c)) {
		w->st.tcp_slow_closed++; /* the message did not complete in time */
		conn_close(c);
		return;
	}
	if (c->in_msg || in_flight(c) > 0) { /* not idle: we owe it answers */
		timer_arm(c, c->in_msg ? w->set.tcp_msg_timeout_ms : w->set.tcp_idle_ms);
		return;
	}
	w->st.tcp_idle_closed++;
	conn_close(c);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct dns_tconn *c = arg;
	struct dns_worker *w = c->w;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct policy *p = dns_worker_policy(w);
	bool bad = false;
	struct dns_reply_to to = {.ops = &tcp_reply, .conn = c, .fd = -1, .max_len = 65535};

	while (c->bev && !over_limits(c)) {
		uint8_t lb[2];
		if (evbuffer_copyout(in, lb, 2) < 2)
			break;
		size_t l = (size_t)lb[0] << 8 | lb[1];
		if (l < DNS_HDR_LEN) { /* not even a header: nothing sensible follows */
			w->st.tcp_bad_frames++;
			bad = true;
			break;
		}
		if (evbuffer_get_length(in) < 2 + l)
			break;
		uint8_t *m = evbuffer_pullup(in, (ev_ssize_t)(2 + l));
		if (!m) {
			bad = true;
			break;
		}
		w->st.tcp_queries++;
		dns_resolve(w, p, m + 2, l, &c->client, &to);
		evbuffer_drain(in, 2 + l);
		if (c->bev) /* that message is done; the next has its own time */
			timer_update(c, evbuffer_get_length(in), true);
	}
	if (bad) {
		conn_close(c);
		return;
	}
	if (c->bev)
		timer_update(c, evbuffer_get_length(in), false);
	if (c->bev && over_limits(c) && !c->paused) {
		c->paused = true;
		bufferevent_disable(c->bev, EV_READ);
	}
}

/* A limit may have cleared: read again, and process what is buffered already. */
static void conn_resume(struct dns_tconn *c)
{
	if (!c->bev || !c->paused || over_limits(c))
		return;
	c->paused = false;
	if (!c->eof)
		bufferevent_enable(c->bev, EV_READ);
	bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

static void conn_maybe_finish(struct dns_tconn *c)
{
	/* Not paused: every whole frame buffered has been read (a partial one never
	 * completes after EOF). */
	if (c->bev && c->eof && !c->paused && in_flight(c) == 0 &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct dns_tconn *c = arg;
	(void)bev;
	conn_resume(c);
	conn_maybe_finish(c);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct dns_tconn *c = arg;
	if (what & BEV_EVENT_EOF) {
		c->eof = true;
		bufferevent_disable(bev, EV_READ);
		conn_maybe_finish(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) /* writing: the client does not read its answers */
		c->w->st.tcp_idle_closed++;
	conn_close(c);
}

void dns_tcp_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		    int salen, void *arg)
{
	struct dns_worker *w = arg;
	(void)l;
	(void)salen;
	struct cg_addr client;
	if (w->n_conns >= DNS_TCP_MAX_CONNS) {
		w->st.tcp_refused++;
		close(fd);
		return;
	}
	addr_from_sockaddr(sa, &client);
	/* Shared by the workers: the kernel spreads one client's connections over them. */
	if (!connlimit_acquire(w->srv->tcp_clients, &client, 0, w->set.tcp_max_per_client)) {
		w->st.tcp_refused++;
		w->st.tcp_client_refused++;
		close(fd);
		return;
	}
	struct bufferevent *bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		connlimit_release(w->srv->tcp_clients, &client);
		close(fd);
		return;
	}
	struct dns_tconn *c = xcalloc(1, sizeof *c);
	c->w = w;
	c->bev = bev;
	c->refs = 1;
	c->client = client;
	LIST_INSERT_HEAD(&w->conns, c, link);
	w->n_conns++;
	w->st.tcp_conns++;
	evtimer_assign(&c->timer, w->base, conn_timer, c);
	timer_arm(c, w->set.tcp_idle_ms ? w->set.tcp_idle_ms : 10000);
	/* Reads have no bufferevent timeout (it would be re-armed by every byte); a write
	 * that makes no progress for the idle time closes the connection. */
	unsigned ms = w->set.tcp_idle_ms ? w->set.tcp_idle_ms : 10000;
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	bufferevent_set_timeouts(bev, NULL, &tv);
	bufferevent_setwatermark(bev, EV_READ, 0, 2 + 65535);
	bufferevent_setcb(bev, conn_read, conn_write, conn_event, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void conn_unref(struct dns_tconn *c)
{
	if (--c->refs == 0) {
		free(c);
		return;
	}
	conn_resume(c);
	conn_maybe_finish(c);
}

void dns_tcp_close_all(struct dns_worker *w)
{
	while (!LIST_EMPTY(&w->conns))
		conn_close(LIST_FIRST(&w->conns));
}
