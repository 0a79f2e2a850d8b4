/* The explicit HTTP proxy's lookups: A and AAAA asked of the upstreams in parallel on the
 * caller's loop, each answer's chain decided for the client (dns_chain), the result handed
 * back from an event of its own. */
#include "dns_lookup.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "dns_chain.h"
#include "dns_forward.h"
#include "dns_msg.h"
#include "util.h"

#define LOOKUP_SOCKS 64 /* upstream source sockets per family and loop */

struct dns_lookup_base {
	struct event_base *base;
	struct dns_forward *fwd;
	LIST_HEAD(dns_lookup_list, dns_lookup) live;
};

/* One of the two questions of a lookup. */
struct lookup_q {
	struct dns_lookup *l;
	uint16_t qtype;
};

struct dns_lookup {
	struct dns_lookup_base *b;
	LIST_ENTRY(dns_lookup) link;  /* in b->live */
	struct lookup_q q[2];         /* A, AAAA */
	unsigned pending;             /* forwarder callbacks still to come */
	bool delivering, cancelled;   /* the result is queued on ev; no callback wanted */
	bool failed;                  /* a question got no usable answer */
	dns_lookup_cb cb;
	void *arg;
	struct event *ev;
	struct request req;           /* the template; host = name, path = path */
	char name[DNS_NAME_TEXT_MAX];
	char *path;
	struct dns_lookup_result res;
	struct dns_chain chain;
	struct cg_addr v6[DNS_LOOKUP_MAX_ADDRS]; /* AAAA ones, after the A ones at the end */
	size_t n_v6;
};

static void lookup_free(struct dns_lookup *l)
{
	LIST_REMOVE(l, link);
	if (l->ev)
		event_free(l->ev);
	policy_unref(l->res.p);
	free(l->path);
	free(l);
}

/* The A or AAAA records of the answer section (any owner: the end of the chain). */
static void collect(struct dns_lookup *l, uint16_t qtype, const uint8_t *m, size_t len,
		    const struct dns_reply_info *ri)
{
	size_t p = ri->q_end, want = qtype == DNS_TYPE_A ? 4 : 16;
	for (size_t i = 0; i < ri->ancount; i++) {
		struct dns_rr rr;
		if (dns_rr_read(m, len, p, &rr) < 0)
			return;
		p = rr.end;
		if (rr.type != qtype || rr.rclass != DNS_CLASS_IN || rr.rdlen != want)
			continue;
		struct cg_addr *a = qtype == DNS_TYPE_A
			? (l->res.n_addrs < DNS_LOOKUP_MAX_ADDRS ? &l->res.addrs[l->res.n_addrs++] : NULL)
			: (l->n_v6 < DNS_LOOKUP_MAX_ADDRS ? &l->v6[l->n_v6++] : NULL);
		if (!a)
			continue;
		memset(a, 0, sizeof *a);
		a->family = qtype == DNS_TYPE_A ? AF_INET : AF_INET6;
		memcpy(a->a, m + rr.rdata_off, want);
	}
}

/* An answer's chain: 1 blocked (the verdict and text kept, with the snapshot), 0 not,
 * -1 not inspectable (or no policy to decide with). */
static int decide_chain(struct dns_lookup *l, const uint8_t *m, size_t len)
{
	if (dns_chain_check(m, len) < 0)
		return -1;
	struct policy *p = policy_acquire();
	if (!p)
		return -1;
	int r = dns_chain_decide(&l->chain, p, &l->req, l->req.host, l->req.host_len, m, len);
	if (r == 1) {
		l->res.p = p; /* held until the result is handed back */
		return 1;
	}
	policy_unref(p);
	return r;
}

static void deliver(evutil_socket_t fd, short what, void *arg)
{
	struct dns_lookup *l = arg;
	struct dns_lookup_result *res = &l->res;
	(void)fd;
	(void)what;
	l->delivering = false;
	for (size_t i = 0; i < l->n_v6 && res->n_addrs < DNS_LOOKUP_MAX_ADDRS; i++)
		res->addrs[res->n_addrs++] = l->v6[i];
	if (res->p) {
		res->status = DNS_LOOKUP_BLOCKED;
		res->v = l->chain.v;
		res->chain = l->chain.text;
	} else if (res->n_addrs) {
		res->status = DNS_LOOKUP_OK;
	} else if (l->failed) {
		res->status = DNS_LOOKUP_FAILED;
		if (!res->error)
			res->error = "no upstream resolver answered";
	} else {
		res->status = DNS_LOOKUP_NONAME;
		res->error = "no address for the name";
	}
	if (!l->cancelled)
		l->cb(l->arg, res);
	l->cancelled = true; /* done: the rest of the forwarder's callbacks only count down */
	if (l->pending == 0)
		lookup_free(l);
}

static void answered(void *arg, enum dns_forward_status st, uint8_t *reply, size_t len,
		     struct dns_reply_info *ri)
{
	struct lookup_q *q = arg;
	struct dns_lookup *l = q->l;
	l->pending--;
	if (l->cancelled || l->delivering) {
		if (l->pending == 0 && !l->delivering)
			lookup_free(l);
		return;
	}
	if (st != DNS_FWD_REPLY) {
		l->failed = true;
	} else if (ri->chain && decide_chain(l, reply, len) != 0) {
		if (!l->res.p) {
			l->failed = true;
			l->res.error = "the upstream's answer could not be inspected";
		}
	} else if (ri->rcode == DNS_RCODE_NOERROR) {
		collect(l, q->qtype, reply, len, ri);
	} else if (ri->rcode != DNS_RCODE_NXDOMAIN) {
		l->failed = true;
		l->res.error = "the upstream answered with an error";
	}
	if (l->res.p || l->pending == 0) {
		l->delivering = true;
		event_active(l->ev, EV_TIMEOUT, 0);
	}
}

struct dns_lookup *dns_lookup_start(struct dns_lookup_base *b, const struct request *req,
				    dns_lookup_cb cb, void *arg)
{
	static const uint16_t types[2] = {DNS_TYPE_A, DNS_TYPE_AAAA};
	if (req->host_len == 0 || req->host_len >= DNS_NAME_TEXT_MAX)
		return NULL;
	struct dns_lookup *l = xcalloc(1, sizeof *l);
	l->b = b;
	l->cb = cb;
	l->arg = arg;
	l->req = *req;
	memcpy(l->name, req->host, req->host_len);
	l->req.host = l->name;
	if (req->path && req->path_len) {
		l->path = xmalloc(req->path_len);
		memcpy(l->path, req->path, req->path_len);
		l->req.path = l->path;
	}
	l->ev = event_new(b->base, -1, 0, deliver, l);
	LIST_INSERT_HEAD(&b->live, l, link);
	if (!l->ev) {
		l->failed = true;
		l->cancelled = true;
		lookup_free(l);
		return NULL;
	}
	l->pending = 2; /* before either starts: a try that fails at once calls back inside */
	for (int i = 0; i < 2; i++) {
		l->q[i].l = l;
		l->q[i].qtype = types[i];
		if (dns_forward_query(b->fwd, l->name, req->host_len, types[i], DNS_CLASS_IN,
				      DNS_FLAG_RD, false, answered, &l->q[i]) < 0) {
			l->pending--; /* not started: no callback comes */
			l->failed = true;
			l->res.error = "no upstream resolver, or too many lookups in flight";
		}
	}
	if (l->pending == 0 && !l->delivering) {
		l->delivering = true;
		event_active(l->ev, EV_TIMEOUT, 0);
	}
	return l;
}

void dns_lookup_cancel(struct dns_lookup *l)
{
	l->cancelled = true;
	if (l->delivering) {
		event_del(l->ev); /* a queued result is not handed back */
		l->delivering = false;
	}
	if (l->pending == 0)
		lookup_free(l);
}

struct dns_lookup_base *dns_lookup_base_new(struct event_base *base,
					    const struct cg_endpoint *ups, size_t n_ups,
					    unsigned timeout_ms)
{
	struct dns_lookup_base *b = xcalloc(1, sizeof *b);
	b->base = base;
	LIST_INIT(&b->live);
	b->fwd = dns_forward_new(base, ups, n_ups, timeout_ms);
	dns_forward_set_limits(b->fwd, DNS_LOOKUP_MAX_PENDING, LOOKUP_SOCKS);
	return b;
}

void dns_lookup_base_free(struct dns_lookup_base *b)
{
	if (!b)
		return;
	struct dns_lookup *l, *next;
	/* No more callbacks; those waiting for the forwarder go when it cancels them. */
	for (l = LIST_FIRST(&b->live); l; l = next) {
		next = LIST_NEXT(l, link);
		dns_lookup_cancel(l);
	}
	dns_forward_free(b->fwd);
	free(b);
}
