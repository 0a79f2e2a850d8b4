/* The sensor's TCP flow table: a hash of flows with a least-recently-used list, and a
 * small bounded in-order reassembly of each flow's streams. */
#include "flow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util.h"

#define FLOW_MAX_OOO 8             /* out-of-order segments kept per flow */
#define FLOW_MAX_AHEAD (1u << 20)  /* a segment further ahead than this is not kept */

struct flow_seg {
	uint32_t seq;
	size_t len;
	uint8_t *data;
};

struct flow_table {
	struct flow_limits lim;
	struct flow **buckets;
	size_t mask;
	TAILQ_HEAD(flow_lru, flow) lru; /* first = most recently used */
	struct flow_stats st;
};

struct flow_table *flow_table_new(const struct flow_limits *lim)
{
	struct flow_table *t = xcalloc(1, sizeof(*t));
	if (lim)
		t->lim = *lim;
	if (t->lim.max_flows == 0)
		t->lim.max_flows = 65536;
	if (t->lim.timeout_s == 0)
		t->lim.timeout_s = 120;
	if (t->lim.max_flow_bytes == 0)
		t->lim.max_flow_bytes = 16384;
	if (t->lim.max_total_bytes == 0)
		t->lim.max_total_bytes = 64u << 20;
	size_t n = 64;
	while (n < t->lim.max_flows && n < ((size_t)1 << 30))
		n <<= 1;
	t->buckets = xcalloc(n, sizeof(*t->buckets));
	t->mask = n - 1;
	TAILQ_INIT(&t->lru);
	return t;
}

static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	h *= 0x846ca68b;
	h ^= h >> 16;
	return h;
}

static uint32_t endpoint_hash(const struct cg_addr *a, uint16_t port)
{
	uint32_t h = 2166136261u ^ port;
	size_t n = a->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ a->a[i]) * 16777619u;
	return mix32(h);
}

/* The same for both directions, so one bucket holds the flow either way. */
static uint32_t pair_hash(const struct cg_addr *a, uint16_t pa, const struct cg_addr *b,
			  uint16_t pb)
{
	return mix32(endpoint_hash(a, pa) + endpoint_hash(b, pb));
}

static bool addr_eq(const struct cg_addr *x, const struct cg_addr *y)
{
	if (x->family != y->family)
		return false;
	return memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16) == 0;
}

void flow_stream_release(struct flow_table *t, struct flow_stream *s)
{
	t->st.buffered -= s->cap + s->ooo_bytes;
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	for (unsigned i = 0; i < s->n_ooo; i++)
		free(s->ooo[i].data);
	free(s->ooo);
	s->ooo = NULL;
	s->n_ooo = 0;
	s->ooo_bytes = 0;
}

void flow_release_data(struct flow_table *t, struct flow *f)
{
	flow_stream_release(t, &f->cs);
	flow_stream_release(t, &f->ss);
}

static void flow_remove(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & t->mask];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	TAILQ_REMOVE(&t->lru, f, lru);
	flow_release_data(t, f);
	free(f);
	t->st.active--;
}

void flow_close(struct flow_table *t, struct flow *f)
{
	t->st.closed++;
	flow_remove(t, f);
}

void flow_expire(struct flow_table *t, int64_t now_us)
{
	int64_t max_idle = (int64_t)t->lim.timeout_s * 1000000;
	struct flow *f;
	while ((f = TAILQ_LAST(&t->lru, flow_lru)) && now_us - f->last_us > max_idle) {
		t->st.expired++;
		flow_remove(t, f);
	}
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	while (!TAILQ_EMPTY(&t->lru))
		flow_remove(t, TAILQ_FIRST(&t->lru));
	free(t->buckets);
	free(t);
}

void flow_get_stats(const struct flow_table *t, struct flow_stats *st)
{
	*st = t->st;
}

struct flow *flow_get(struct flow_table *t, const struct decoded *d, int64_t now_us,
		      bool create, bool src_is_client, bool *from_client)
{
	uint32_t h = pair_hash(&d->src, d->sport, &d->dst, d->dport);
	struct flow *f;
	for (f = t->buckets[h & t->mask]; f; f = f->hnext) {
		if (f->hash != h)
			continue;
		if (f->cport == d->sport && f->sport == d->dport && addr_eq(&f->cli, &d->src) &&
		    addr_eq(&f->srv, &d->dst)) {
			*from_client = true;
			break;
		}
		if (f->cport == d->dport && f->sport == d->sport && addr_eq(&f->cli, &d->dst) &&
		    addr_eq(&f->srv, &d->src)) {
			*from_client = false;
			break;
		}
	}
	if (!f) {
		if (!create)
			return NULL;
		flow_expire(t, now_us);
		if (t->st.active >= t->lim.max_flows && !TAILQ_EMPTY(&t->lru)) {
			t->st.evicted++;
			flow_remove(t, TAILQ_LAST(&t->lru, flow_lru));
		}
		f = xcalloc(1, sizeof(*f));
		f->hash = h;
		if (src_is_client) {
			f->cli = d->src;
			f->srv = d->dst;
			f->cport = d->sport;
			f->sport = d->dport;
		} else {
			f->cli = d->dst;
			f->srv = d->src;
			f->cport = d->dport;
			f->sport = d->sport;
		}
		f->hnext = t->buckets[h & t->mask];
		t->buckets[h & t->mask] = f;
		TAILQ_INSERT_HEAD(&t->lru, f, lru);
		t->st.created++;
		if (++t->st.active > t->st.peak_active)
			t->st.peak_active = t->st.active;
		*from_client = src_is_client;
	} else if (TAILQ_FIRST(&t->lru) != f) {
		TAILQ_REMOVE(&t->lru, f, lru);
		TAILQ_INSERT_HEAD(&t->lru, f, lru);
	}
	f->last_us = now_us;
	return f;
}

void flow_stream_syn(struct flow_stream *s, uint32_t seq)
{
	s->seq_known = true;
	s->next_seq = seq + 1;
}

static void account(struct flow_table *t, ssize_t delta)
{
	t->st.buffered += (size_t)delta;
	if (t->st.buffered > t->st.peak_buffered)
		t->st.peak_buffered = t->st.buffered;
}

/* Append in-order bytes (the sequence already checked): skip, then buffer. */
static size_t append(struct flow_table *t, struct flow_stream *s, const uint8_t *data,
		     size_t len)
{
	s->next_seq += (uint32_t)len;
	if (s->skip) {
		size_t n = s->skip < len ? (size_t)s->skip : len;
		s->skip -= n;
		data += n;
		len -= n;
	}
	if (len == 0)
		return 0;
	size_t room = t->lim.max_flow_bytes - s->len;
	size_t take = len < room ? len : room;
	if (s->len + take > s->cap) {
		size_t ncap = s->cap ? s->cap : 2048;
		while (ncap < s->len + take)
			ncap *= 2;
		if (ncap > t->lim.max_flow_bytes)
			ncap = t->lim.max_flow_bytes;
		if (t->st.buffered + (ncap - s->cap) > t->lim.max_total_bytes) {
			t->st.overflow += len;
			return 0;
		}
		s->buf = xrealloc(s->buf, ncap);
		account(t, (ssize_t)(ncap - s->cap));
		s->cap = ncap;
	}
	memcpy(s->buf + s->len, data, take);
	s->len += take;
	t->st.overflow += len - take;
	return take;
}

static void ooo_queue(struct flow_table *t, struct flow_stream *s, uint32_t seq,
		      const uint8_t *data, size_t len)
{
	if (s->n_ooo >= FLOW_MAX_OOO || s->ooo_bytes + len > t->lim.max_flow_bytes ||
	    t->st.buffered + len > t->lim.max_total_bytes) {
		t->st.ooo_dropped++;
		return;
	}
	for (unsigned i = 0; i < s->n_ooo; i++)
		if (s->ooo[i].seq == seq && s->ooo[i].len >= len)
			return; /* a retransmission of a queued segment */
	s->ooo = xrealloc(s->ooo, (s->n_ooo + 1) * sizeof(*s->ooo));
	unsigned i = s->n_ooo;
	while (i > 0 && (int32_t)(s->ooo[i - 1].seq - seq) > 0) {
		s->ooo[i] = s->ooo[i - 1];
		i--;
	}
	s->ooo[i].seq = seq;
	s->ooo[i].len = len;
	s->ooo[i].data = xmalloc(len);
	memcpy(s->ooo[i].data, data, len);
	s->n_ooo++;
	s->ooo_bytes += len;
	account(t, (ssize_t)len);
	t->st.ooo_queued++;
}

size_t flow_stream_data(struct flow_table *t, struct flow_stream *s, uint32_t seq,
			const uint8_t *data, size_t len)
{
	if (len == 0)
		return 0;
	if (!s->seq_known) {
		s->seq_known = true;
		s->next_seq = seq;
	}
	int32_t rel = (int32_t)(seq - s->next_seq);
	if (rel > 0) {
		if ((uint32_t)rel < FLOW_MAX_AHEAD)
			ooo_queue(t, s, seq, data, len);
		else
			t->st.ooo_dropped++;
		return 0;
	}
	if ((size_t)-(int64_t)rel >= len)
		return 0;       /* all seen before */
	data += -(int64_t)rel;
	len -= (size_t)-(int64_t)rel;
	size_t added = append(t, s, data, len);
	/* the gap may now be filled */
	while (s->n_ooo) {
		struct flow_seg *sg = &s->ooo[0];
		int32_t r = (int32_t)(sg->seq - s->next_seq);
		if (r > 0)
			break;
		if ((size_t)-(int64_t)r < sg->len)
			added += append(t, s, sg->data + -(int64_t)r, sg->len - (size_t)-(int64_t)r);
		s->ooo_bytes -= sg->len;
		account(t, -(ssize_t)sg->len);
		free(sg->data);
		memmove(&s->ooo[0], &s->ooo[1], (s->n_ooo - 1) * sizeof(*s->ooo));
		s->n_ooo--;
	}
	return added;
}

void flow_stream_consume(struct flow_table *t, struct flow_stream *s, uint64_t n)
{
	(void)t;
	if (n >= s->len) {
		s->skip += n - s->len;
		s->len = 0;
		return;
	}
	memmove(s->buf, s->buf + n, s->len - (size_t)n);
	s->len -= (size_t)n;
}
