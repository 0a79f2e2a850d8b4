/* Forwarding to upstream resolvers: every UDP try on a fresh connected socket whose
 * port the kernel picks at random (so no port is used twice in a row and an off-path
 * attacker must guess port and ID), random IDs from libsodium, replies checked for ID
 * and question, a cap on queries in flight, timeout -> next upstream, TC=1 -> TCP. */
#include "dns_forward.h"

#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event_struct.h>

#include "util.h"

#define FWD_RBUF 4096         /* we advertise 1232; anything larger is refused */
#define FWD_READS 4           /* datagrams read per readiness (noise before the reply) */
#define FWD_DEFAULT_MAX 4096  /* queries in flight per forwarder unless set */

struct fwd_tx {
	struct dns_forward *f;
	struct fwd_tx *prev, *next;   /* every live query (for cancel) */
	int fd;                       /* this try's UDP socket, or -1 */
	struct event rev;             /* its read event */
	uint16_t id;
	struct event timer;
	struct bufferevent *bev;      /* TCP retry */
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned up_idx, tries_left;
	uint16_t qtype, qclass, flags;
	bool do_bit;
	dns_forward_cb cb;
	void *arg;
	size_t name_len, qlen;
	char name[DNS_NAME_TEXT_MAX];
	uint8_t q[DNS_NAME_WIRE_MAX + 32];
};

struct dns_forward {
	struct event_base *base;
	struct cg_endpoint *ups;
	size_t n_ups;
	unsigned cur;                 /* the upstream tried first */
	unsigned timeout_ms;
	const struct timeval *tv;     /* libevent common timeout */
	size_t n_live, max_live;
	struct fwd_tx *live;
	struct dns_forward_stats st;
	uint8_t rnd[256];
	size_t rnd_pos;
	struct dns_reply_info ri;
	uint8_t rbuf[FWD_RBUF];
};

static uint16_t rnd16(struct dns_forward *f)
{
	if (f->rnd_pos + 2 > sizeof f->rnd) {
		randombytes_buf(f->rnd, sizeof f->rnd);
		f->rnd_pos = 0;
	}
	uint16_t v = (uint16_t)(f->rnd[f->rnd_pos] << 8 | f->rnd[f->rnd_pos + 1]);
	f->rnd_pos += 2;
	return v;
}

/* Close this try's socket: a late reply to it is dropped by the kernel. */
static void udp_close(struct fwd_tx *tx)
{
	if (tx->fd < 0)
		return;
	event_del(&tx->rev);
	close(tx->fd);
	tx->fd = -1;
	tx->f->st.pending--;
}

static void udp_read(evutil_socket_t fd, short what, void *arg);

/* A fresh socket connected to the upstream: connect() binds it to a port the kernel
 * picks at random from the ephemeral range, and from then on the kernel delivers only
 * datagrams from that address and port. */
static int udp_open(struct fwd_tx *tx)
{
	struct dns_forward *f = tx->f;
	int fd = socket(tx->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&tx->ss, tx->sslen) < 0) {
		close(fd);
		return -1;
	}
	event_assign(&tx->rev, f->base, fd, EV_READ | EV_PERSIST, udp_read, tx);
	if (event_add(&tx->rev, NULL) < 0) {
		close(fd);
		return -1;
	}
	tx->fd = fd;
	f->st.pending++;
	return 0;
}

static void tx_finish(struct fwd_tx *tx, enum dns_forward_status st, uint8_t *reply,
		      size_t len, struct dns_reply_info *ri)
{
	struct dns_forward *f = tx->f;
	udp_close(tx);
	evtimer_del(&tx->timer);
	if (tx->bev)
		bufferevent_free(tx->bev);
	if (tx->prev)
		tx->prev->next = tx->next;
	else
		f->live = tx->next;
	if (tx->next)
		tx->next->prev = tx->prev;
	f->n_live--;
	if (st == DNS_FWD_FAILED)
		f->st.failures++;
	tx->cb(tx->arg, st, reply, len, ri);
	free(tx);
}

static int try_udp(struct fwd_tx *tx)
{
	struct dns_forward *f = tx->f;
	if (f->n_ups == 0) /* a reload took every upstream away */
		return -1;
	const struct cg_endpoint *ep = &f->ups[tx->up_idx % f->n_ups];
	tx->sslen = endpoint_to_sockaddr(ep, &tx->ss);
	uint16_t id = rnd16(f);
	tx->qlen = dns_build_query(tx->q, sizeof tx->q, id, tx->flags, tx->name, tx->name_len,
				   tx->qtype, tx->qclass, tx->do_bit);
	if (!tx->qlen)
		return -1;
	if (udp_open(tx) < 0) {
		f->st.socket_errors++;
		return -1;
	}
	if (send(tx->fd, tx->q, tx->qlen, 0) < 0) {
		f->st.send_errors++;
		udp_close(tx);
		return -1;
	}
	f->st.udp_sent++;
	tx->id = id;
	evtimer_add(&tx->timer, f->tv);
	return 0;
}

/* This try failed: the next upstream, or give up. */
static void next_try(struct fwd_tx *tx)
{
	struct dns_forward *f = tx->f;
	udp_close(tx);
	evtimer_del(&tx->timer);
	if (tx->bev) {
		bufferevent_free(tx->bev);
		tx->bev = NULL;
	}
	while (tx->tries_left > 0) {
		tx->tries_left--;
		tx->up_idx++;
		if (f->n_ups > 1)
			f->cur = tx->up_idx % f->n_ups; /* stick to the one that works */
		if (try_udp(tx) == 0)
			return;
	}
	tx_finish(tx, DNS_FWD_FAILED, NULL, 0, NULL);
}

static void tx_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_tx *tx = arg;
	(void)fd;
	(void)what;
	tx->f->st.timeouts++;
	next_try(tx);
}

static void tcp_read(struct bufferevent *bev, void *arg)
{
	struct fwd_tx *tx = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t lb[2];
	if (evbuffer_copyout(in, lb, 2) < 2)
		return;
	size_t l = (size_t)lb[0] << 8 | lb[1];
	if (evbuffer_get_length(in) < 2 + l)
		return;
	uint8_t *m = evbuffer_pullup(in, (ev_ssize_t)(2 + l));
	struct dns_forward *f = tx->f;
	if (!m || dns_reply_scan(m + 2, l, tx->id, tx->name, tx->qtype, tx->qclass, &f->ri) < 0) {
		f->st.bad_replies++;
		next_try(tx);
		return;
	}
	f->st.replies++;
	tx_finish(tx, DNS_FWD_REPLY, m + 2, l, &f->ri);
}

static void tcp_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	next_try(arg);
}

static void start_tcp(struct fwd_tx *tx)
{
	struct dns_forward *f = tx->f;
	f->st.tcp_retries++;
	evtimer_del(&tx->timer);
	tx->bev = bufferevent_socket_new(f->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!tx->bev)
		goto fail;
	bufferevent_setcb(tx->bev, tcp_read, NULL, tcp_event, tx);
	struct timeval tv = {f->timeout_ms / 1000, (f->timeout_ms % 1000) * 1000};
	bufferevent_set_timeouts(tx->bev, &tv, &tv);
	uint8_t lb[2] = {(uint8_t)(tx->qlen >> 8), (uint8_t)tx->qlen};
	bufferevent_write(tx->bev, lb, 2);
	bufferevent_write(tx->bev, tx->q, tx->qlen);
	if (bufferevent_socket_connect(tx->bev, (struct sockaddr *)&tx->ss, (int)tx->sslen) < 0)
		goto fail;
	bufferevent_enable(tx->bev, EV_READ | EV_WRITE);
	return;
fail:
	next_try(tx);
}

/* One datagram on tx's socket (from the upstream: the socket is connected). True when
 * the try is over (tx may be gone), false to keep reading. */
static bool handle_datagram(struct fwd_tx *tx, uint8_t *m, size_t n, bool truncated)
{
	struct dns_forward *f = tx->f;
	if (n < DNS_HDR_LEN || truncated) {
		f->st.bad_replies++;
		return false;
	}
	if ((uint16_t)(m[0] << 8 | m[1]) != tx->id) {
		f->st.unmatched++;
		return false;
	}
	/* A stray or forged datagram is ignored; the real reply may still come. */
	if (dns_reply_scan(m, n, tx->id, tx->name, tx->qtype, tx->qclass, &f->ri) < 0) {
		f->st.bad_replies++;
		return false;
	}
	udp_close(tx);
	if (f->ri.flags & DNS_FLAG_TC) {
		start_tcp(tx);
		return true;
	}
	/* An extended RCODE (BADVERS, BADCOOKIE, TSIG errors) is about our query to that
	 * upstream, never news for the client: a failed try. */
	if (f->ri.ext_rcode) {
		f->st.upstream_errors++;
		if (tx->tries_left > 0)
			next_try(tx);
		else
			tx_finish(tx, DNS_FWD_FAILED, NULL, 0, NULL);
		return true;
	}
	uint8_t rc = f->ri.rcode;
	if ((rc == DNS_RCODE_SERVFAIL || rc == DNS_RCODE_REFUSED || rc == DNS_RCODE_NOTIMP ||
	     rc == DNS_RCODE_FORMERR) && tx->tries_left > 0) {
		f->st.upstream_errors++;
		next_try(tx);
		return true;
	}
	f->st.replies++;
	tx_finish(tx, DNS_FWD_REPLY, m, n, &f->ri);
	return true;
}

static void udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_tx *tx = arg;
	struct dns_forward *f = tx->f;
	(void)what;
	for (int i = 0; i < FWD_READS; i++) {
		ssize_t n = recv(fd, f->rbuf, sizeof f->rbuf, MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			/* ICMP port/host unreachable: nobody listens there; move on now. */
			f->st.unreachable++;
			next_try(tx);
			return;
		}
		bool trunc = (size_t)n > sizeof f->rbuf;
		if (handle_datagram(tx, f->rbuf, trunc ? sizeof f->rbuf : (size_t)n, trunc))
			return;
	}
}

struct dns_forward *dns_forward_new(struct event_base *base, const struct cg_endpoint *ups,
				    size_t n_ups, unsigned timeout_ms)
{
	struct dns_forward *f = xcalloc(1, sizeof *f);
	f->base = base;
	f->rnd_pos = sizeof f->rnd;
	f->max_live = FWD_DEFAULT_MAX;
	dns_forward_set_upstreams(f, ups, n_ups, timeout_ms);
	return f;
}

void dns_forward_set_upstreams(struct dns_forward *f, const struct cg_endpoint *ups,
			       size_t n_ups, unsigned timeout_ms)
{
	free(f->ups);
	f->ups = n_ups ? xmalloc(n_ups * sizeof *ups) : NULL;
	if (n_ups)
		memcpy(f->ups, ups, n_ups * sizeof *ups);
	f->n_ups = n_ups;
	f->cur = 0;
	f->timeout_ms = timeout_ms ? timeout_ms : 1000;
	struct timeval tv = {f->timeout_ms / 1000, (f->timeout_ms % 1000) * 1000};
	f->tv = event_base_init_common_timeout(f->base, &tv);
}

int dns_forward_query(struct dns_forward *f, const char *name, size_t len, uint16_t qtype,
		      uint16_t qclass, uint16_t flags, bool do_bit, dns_forward_cb cb,
		      void *arg)
{
	if (f->n_ups == 0 || len >= DNS_NAME_TEXT_MAX)
		return -1;
	if (f->n_live >= f->max_live) {
		f->st.overflows++;
		return -1;
	}
	struct fwd_tx *tx = xcalloc(1, sizeof *tx);
	tx->f = f;
	tx->fd = -1;
	memcpy(tx->name, name, len);
	tx->name[len] = '\0';
	tx->name_len = len;
	tx->qtype = qtype;
	tx->qclass = qclass;
	tx->flags = flags;
	tx->do_bit = do_bit;
	tx->cb = cb;
	tx->arg = arg;
	tx->up_idx = f->cur;
	tx->tries_left = f->n_ups > 1 ? (unsigned)f->n_ups - 1 : 1;
	evtimer_assign(&tx->timer, f->base, tx_timeout, tx);
	f->st.queries++;
	f->n_live++;
	tx->next = f->live;
	if (f->live)
		f->live->prev = tx;
	f->live = tx;
	if (try_udp(tx) < 0)
		next_try(tx); /* calls back with DNS_FWD_FAILED when nothing works */
	return 0;
}

void dns_forward_set_max_pending(struct dns_forward *f, size_t max)
{
	f->max_live = max ? max : FWD_DEFAULT_MAX;
}

void dns_forward_get_stats(const struct dns_forward *f, struct dns_forward_stats *st)
{
	*st = f->st;
}

void dns_forward_free(struct dns_forward *f)
{
	if (!f)
		return;
	while (f->live)
		tx_finish(f->live, DNS_FWD_CANCELLED, NULL, 0, NULL);
	free(f->ups);
	free(f);
}
