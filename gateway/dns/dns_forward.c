/* Forwarding to upstream resolvers: a wide pool of UDP sockets with kernel-chosen
 * random ports, one picked at random per query and each retired after a few queries (a
 * fresh random port), random IDs from libsodium, replies checked for source, ID and
 * question, a cap on queries in flight, timeout -> next upstream, TC=1 -> TCP. */
#include "dns_forward.h"

#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event_struct.h>

#include "dns_health.h"
#include "dns_write.h"
#include "util.h"

/* Source ports. An off-path attacker must hit the port of one query in flight: with
 * up to FWD_SOCKS sockets per family open at a time, each on its own random port, and
 * a slot picked at random per query, that is one port among up to 1024 (10 bits, with
 * the 16-bit ID 26), and a port learnt from one query serves at most FWD_SOCK_USES - 1
 * more. A fresh socket per query (~15 bits) would cost socket, connect, two epoll_ctl
 * and close per query: about 40 % of a worker's CPU on a unique-name load. Slots open
 * lazily, so a quiet worker holds few sockets. */
#define FWD_SOCKS 1024        /* UDP socket slots per address family and worker */
#define FWD_SOCK_USES 8       /* queries before a socket is replaced (new random port) */
#define FWD_DEFAULT_MAX 4096  /* queries in flight per forwarder unless set */
#define FWD_BUCKETS 8192      /* pending-query hash buckets (power of two) */
#define FWD_RBUF 4096         /* we advertise 1232; anything larger is refused */

struct fwd_sock {
	struct dns_forward *f;
	int fd;
	int family;
	unsigned idx;
	unsigned uses, pending;
	bool busy;                /* its read callback is running */
	struct event *ev;
};

struct fwd_tx {
	struct dns_forward *f;
	struct fwd_tx *hnext;         /* pending table */
	LIST_ENTRY(fwd_tx) live;      /* every live query (for cancel) */
	struct fwd_sock *sock;        /* while waiting for a UDP reply */
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
	size_t n_live, max_live;      /* queries in flight, and the cap */
	unsigned n_socks;             /* slots in use per family (<= FWD_SOCKS) */
	struct fwd_sock socks[2][FWD_SOCKS];
	struct fwd_tx *buckets[FWD_BUCKETS];
	LIST_HEAD(fwd_tx_list, fwd_tx) live;
	struct dns_forward_stats st;
	struct dns_health *health;        /* shared with the other workers; NULL = none */
	struct dns_upstream_health **hs;  /* the slot of each of ups */
	uint8_t rnd[256];
	size_t rnd_pos;
	struct dns_reply_info ri;
	uint8_t rbuf[FWD_RBUF];
};

/* The health slot of the upstream a try of tx goes to, or NULL. */
static struct dns_upstream_health *tx_health(const struct fwd_tx *tx)
{
	const struct dns_forward *f = tx->f;
	return f->hs && f->n_ups ? f->hs[tx->up_idx % f->n_ups] : NULL;
}

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

static size_t bucket(const struct fwd_sock *s, uint16_t id)
{
	uint32_t k = (uint32_t)s->family << 24 ^ s->idx << 16 ^ id;
	return (k * 2654435761u) >> 19 & (FWD_BUCKETS - 1);
}

static struct fwd_tx *table_find(struct dns_forward *f, const struct fwd_sock *s, uint16_t id)
{
	for (struct fwd_tx *t = f->buckets[bucket(s, id)]; t; t = t->hnext)
		if (t->sock == s && t->id == id)
			return t;
	return NULL;
}

static void table_remove(struct fwd_tx *tx)
{
	if (!tx->sock)
		return;
	struct fwd_tx **pp = &tx->f->buckets[bucket(tx->sock, tx->id)];
	while (*pp && *pp != tx)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = tx->hnext;
	tx->sock->pending--;
	tx->sock = NULL;
	tx->f->st.pending--;
}

static void sock_read(evutil_socket_t fd, short what, void *arg);

static int sock_open(struct dns_forward *f, struct fwd_sock *s, int family, unsigned idx)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	ss.ss_family = (sa_family_t)family;
	/* Port 0: the kernel picks a random ephemeral port (net.ipv4.ip_local_port_range). */
	if (bind(fd, (struct sockaddr *)&ss,
		 family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0) {
		close(fd);
		return -1;
	}
	s->f = f;
	s->fd = fd;
	s->family = family;
	s->idx = idx;
	s->uses = s->pending = 0;
	s->ev = event_new(f->base, fd, EV_READ | EV_PERSIST, sock_read, s);
	if (!s->ev || event_add(s->ev, NULL) < 0) {
		if (s->ev)
			event_free(s->ev);
		s->ev = NULL;
		close(fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

static void sock_close(struct fwd_sock *s)
{
	if (s->ev)
		event_free(s->ev);
	if (s->fd >= 0)
		close(s->fd);
	s->ev = NULL;
	s->fd = -1;
}

static struct fwd_sock *sock_pick(struct dns_forward *f, int family)
{
	int fi = family == AF_INET ? 0 : 1;
	unsigned idx = rnd16(f) % f->n_socks;
	struct fwd_sock *s = &f->socks[fi][idx];
	if (s->fd >= 0 && s->uses >= FWD_SOCK_USES && s->pending == 0 && !s->busy)
		sock_close(s);
	if (s->fd < 0 && sock_open(f, s, family, idx) < 0) {
		f->st.socket_errors++;
		return NULL;
	}
	return s;
}

static void tx_finish(struct fwd_tx *tx, enum dns_forward_status st, uint8_t *reply,
		      size_t len, struct dns_reply_info *ri)
{
	struct dns_forward *f = tx->f;
	table_remove(tx);
	evtimer_del(&tx->timer);
	if (tx->bev)
		bufferevent_free(tx->bev);
	LIST_REMOVE(tx, live);
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
	struct fwd_sock *s = sock_pick(f, tx->ss.ss_family);
	if (!s)
		return -1;
	uint16_t id = rnd16(f);
	for (int i = 0; i < 8 && table_find(f, s, id); i++)
		id = rnd16(f);
	if (table_find(f, s, id))
		return -1;
	tx->qlen = dns_build_query(tx->q, sizeof tx->q, id, tx->flags, tx->name, tx->name_len,
				   tx->qtype, tx->qclass, tx->do_bit);
	if (!tx->qlen)
		return -1;
	if (sendto(s->fd, tx->q, tx->qlen, 0, (struct sockaddr *)&tx->ss, tx->sslen) < 0) {
		f->st.send_errors++;
		dns_health_failed(tx_health(tx), DNS_HEALTH_SEND, f->timeout_ms, time(NULL));
		return -1;
	}
	f->st.udp_sent++;
	tx->id = id;
	tx->sock = s;
	s->pending++;
	s->uses++;
	size_t b = bucket(s, id);
	tx->hnext = f->buckets[b];
	f->buckets[b] = tx;
	f->st.pending++;
	evtimer_add(&tx->timer, f->tv);
	return 0;
}

/* This try failed: the next upstream, or give up. */
static void next_try(struct fwd_tx *tx)
{
	struct dns_forward *f = tx->f;
	table_remove(tx);
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
	dns_health_failed(tx_health(tx), DNS_HEALTH_TIMEOUT, tx->f->timeout_ms, time(NULL));
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
		dns_health_failed(tx_health(tx), DNS_HEALTH_ERROR, f->timeout_ms, time(NULL));
		next_try(tx);
		return;
	}
	f->st.replies++;
	dns_health_answered(tx_health(tx), time(NULL));
	tx_finish(tx, DNS_FWD_REPLY, m + 2, l, &f->ri);
}

static void tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct fwd_tx *tx = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	dns_health_failed(tx_health(tx), what & BEV_EVENT_TIMEOUT ? DNS_HEALTH_TIMEOUT
							: DNS_HEALTH_ERROR,
			  tx->f->timeout_ms, time(NULL));
	next_try(tx);
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

static bool same_source(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

static void handle_datagram(struct dns_forward *f, struct fwd_sock *s, uint8_t *m, size_t n,
			    const struct sockaddr_storage *from, bool truncated)
{
	if (n < DNS_HDR_LEN || truncated) {
		f->st.bad_replies++;
		return;
	}
	struct fwd_tx *tx = table_find(f, s, (uint16_t)(m[0] << 8 | m[1]));
	if (!tx) {
		f->st.unmatched++;
		return;
	}
	/* A spoofed or stray datagram is ignored; the real reply may still come. */
	if (!same_source(from, &tx->ss) ||
	    dns_reply_scan(m, n, tx->id, tx->name, tx->qtype, tx->qclass, &f->ri) < 0) {
		f->st.bad_replies++;
		return;
	}
	table_remove(tx);
	if (f->ri.flags & DNS_FLAG_TC) {
		start_tcp(tx);
		return;
	}
	/* An extended RCODE (BADVERS, BADCOOKIE, TSIG errors) is about our query to that
	 * upstream, never news for the client: a failed try. */
	if (f->ri.ext_rcode) {
		f->st.upstream_errors++;
		dns_health_failed(tx_health(tx), DNS_HEALTH_ERROR, f->timeout_ms, time(NULL));
		if (tx->tries_left > 0)
			next_try(tx);
		else
			tx_finish(tx, DNS_FWD_FAILED, NULL, 0, NULL);
		return;
	}
	uint8_t rc = f->ri.rcode;
	bool failed = rc == DNS_RCODE_SERVFAIL || rc == DNS_RCODE_REFUSED ||
		      rc == DNS_RCODE_NOTIMP || rc == DNS_RCODE_FORMERR;
	if (failed)
		dns_health_failed(tx_health(tx), DNS_HEALTH_ERROR, f->timeout_ms, time(NULL));
	else
		dns_health_answered(tx_health(tx), time(NULL));
	if (failed && tx->tries_left > 0) {
		f->st.upstream_errors++;
		next_try(tx);
		return;
	}
	f->st.replies++;
	tx_finish(tx, DNS_FWD_REPLY, m, n, &f->ri);
}

/* One datagram per readiness: with queries spread over many sockets a second one is
 * rarely waiting, and trying for it would cost a failing syscall per reply (epoll is
 * level-triggered: if one is there, we are called again). */
static void sock_read(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_sock *s = arg;
	struct dns_forward *f = s->f;
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	(void)what;
	ssize_t n = recvfrom(fd, f->rbuf, sizeof f->rbuf, MSG_TRUNC | MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
	if (n < 0)
		return;
	s->busy = true;
	bool trunc = (size_t)n > sizeof f->rbuf;
	handle_datagram(f, s, f->rbuf, trunc ? sizeof f->rbuf : (size_t)n, &from, trunc);
	s->busy = false;
}

struct dns_forward *dns_forward_new(struct event_base *base, const struct cg_endpoint *ups,
				    size_t n_ups, unsigned timeout_ms)
{
	struct dns_forward *f = xcalloc(1, sizeof *f);
	f->base = base;
	LIST_INIT(&f->live);
	f->rnd_pos = sizeof f->rnd;
	f->max_live = FWD_DEFAULT_MAX;
	f->n_socks = FWD_SOCKS;
	for (int fi = 0; fi < 2; fi++)
		for (int i = 0; i < FWD_SOCKS; i++)
			f->socks[fi][i].fd = -1;
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
	free(f->hs);
	f->hs = NULL;
	if (f->health && n_ups) {
		f->hs = xcalloc(n_ups, sizeof *f->hs);
		for (size_t i = 0; i < n_ups; i++)
			f->hs[i] = dns_health_slot(f->health, &ups[i]);
	}
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
	LIST_INSERT_HEAD(&f->live, tx, live);
	if (try_udp(tx) < 0)
		next_try(tx); /* calls back with DNS_FWD_FAILED when nothing works */
	return 0;
}

void dns_forward_set_limits(struct dns_forward *f, size_t max_pending, unsigned socks)
{
	f->max_live = max_pending ? max_pending : FWD_DEFAULT_MAX;
	/* Fewer slots only for slots not yet opened (a reload may lower it: the sockets of
	 * the slots above stay until the forwarder goes). */
	f->n_socks = socks == 0 || socks > FWD_SOCKS ? FWD_SOCKS : socks;
}

void dns_forward_set_health(struct dns_forward *f, struct dns_health *h)
{
	f->health = h;
	struct cg_endpoint *ups = f->ups;
	f->ups = NULL; /* set_upstreams frees the old copy */
	dns_forward_set_upstreams(f, ups, f->n_ups, f->timeout_ms);
	free(ups);
}

void dns_forward_get_stats(const struct dns_forward *f, struct dns_forward_stats *st)
{
	*st = f->st;
}

void dns_forward_free(struct dns_forward *f)
{
	if (!f)
		return;
	while (!LIST_EMPTY(&f->live))
		tx_finish(LIST_FIRST(&f->live), DNS_FWD_CANCELLED, NULL, 0, NULL);
	for (int fi = 0; fi < 2; fi++)
		for (int i = 0; i < FWD_SOCKS; i++)
			sock_close(&f->socks[fi][i]);
	free(f->ups);
	free(f->hs);
	free(f);
}
