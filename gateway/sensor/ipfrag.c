/* IP fragment reassembly: a small fixed table of datagrams, each with a byte buffer and
 * the list of ranges received so far. */
#include "ipfrag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct frag_range {
	uint32_t start, end;    /* [start, end) */
};

struct frag_slot {
	bool used;
	uint8_t ip_version, proto;
	uint32_t id;
	struct cg_addr src, dst;
	int64_t first_us;
	uint8_t *buf;
	uint32_t total;         /* known once the last piece came; 0 = not yet */
	struct frag_range *ranges;
	unsigned n_ranges;
};

struct ipfrag {
	struct ipfrag_limits lim;
	struct frag_slot *slots;
	uint8_t *out;           /* the last completed datagram */
	struct ipfrag_stats st;
};

struct ipfrag *ipfrag_new(const struct ipfrag_limits *lim)
{
	struct ipfrag *f = xcalloc(1, sizeof(*f));
	if (lim)
		f->lim = *lim;
	if (f->lim.max_datagrams == 0)
		f->lim.max_datagrams = 64;
	if (f->lim.max_bytes == 0 || f->lim.max_bytes > 65535)
		f->lim.max_bytes = 65535;
	if (f->lim.max_frags == 0)
		f->lim.max_frags = 64;
	if (f->lim.timeout_s == 0)
		f->lim.timeout_s = 30;
	f->slots = xcalloc(f->lim.max_datagrams, sizeof(*f->slots));
	return f;
}

static void slot_clear(struct frag_slot *s)
{
	free(s->buf);
	free(s->ranges);
	memset(s, 0, sizeof(*s));
}

void ipfrag_free(struct ipfrag *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->lim.max_datagrams; i++)
		slot_clear(&f->slots[i]);
	free(f->slots);
	free(f->out);
	free(f);
}

void ipfrag_get_stats(const struct ipfrag *f, struct ipfrag_stats *st)
{
	*st = f->st;
}

static bool slot_matches(const struct frag_slot *s, const struct decoded *d)
{
	return s->used && s->id == d->frag_id && s->ip_version == d->ip_version &&
	       s->proto == d->l4proto && memcmp(&s->src, &d->src, sizeof(s->src)) == 0 &&
	       memcmp(&s->dst, &d->dst, sizeof(s->dst)) == 0;
}

/* Find the datagram's slot, or take a free one (the oldest when none is free). */
static struct frag_slot *slot_get(struct ipfrag *f, const struct decoded *d, int64_t now_us)
{
	struct frag_slot *free_slot = NULL, *oldest = NULL;
	int64_t max_age = (int64_t)f->lim.timeout_s * 1000000;
	for (size_t i = 0; i < f->lim.max_datagrams; i++) {
		struct frag_slot *s = &f->slots[i];
		if (s->used && now_us - s->first_us > max_age) {
			slot_clear(s);
			f->st.timeouts++;
		}
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (slot_matches(s, d))
			return s;
		if (!oldest || s->first_us < oldest->first_us)
			oldest = s;
	}
	if (!free_slot) {
		slot_clear(oldest);
		f->st.evicted++;
		free_slot = oldest;
	}
	struct frag_slot *s = free_slot;
	s->used = true;
	s->ip_version = d->ip_version;
	s->proto = d->l4proto;
	s->id = d->frag_id;
	s->src = d->src;
	s->dst = d->dst;
	s->first_us = now_us;
	s->buf = xmalloc(f->lim.max_bytes);
	s->ranges = xcalloc(f->lim.max_frags, sizeof(*s->ranges));
	return s;
}

/* Insert [start, end) into the sorted, disjoint range list, merging neighbours. */
static int range_add(struct frag_slot *s, unsigned max, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < s->n_ranges && s->ranges[i].end < start)
		i++;
	unsigned j = i;
	while (j < s->n_ranges && s->ranges[j].start <= end) {
		if (s->ranges[j].start < start)
			start = s->ranges[j].start;
		if (s->ranges[j].end > end)
			end = s->ranges[j].end;
		j++;
	}
	if (j == i) {           /* no overlap: insert at i */
		if (s->n_ranges >= max)
			return -1;
		memmove(&s->ranges[i + 1], &s->ranges[i], (s->n_ranges - i) * sizeof(*s->ranges));
		s->n_ranges++;
	} else if (j > i + 1) { /* merged several into one */
		memmove(&s->ranges[i + 1], &s->ranges[j], (s->n_ranges - j) * sizeof(*s->ranges));
		s->n_ranges -= j - i - 1;
	}
	s->ranges[i].start = start;
	s->ranges[i].end = end;
	return 0;
}

int ipfrag_add(struct ipfrag *f, const struct decoded *d, int64_t now_us,
	       const uint8_t **out, size_t *out_len)
{
	f->st.fragments++;
	uint64_t end = (uint64_t)d->frag_offset + d->payload_len;
	if (end > f->lim.max_bytes || (d->frag_more && d->payload_len == 0)) {
		f->st.rejected++;
		return -1;
	}
	struct frag_slot *s = slot_get(f, d, now_us);
	if (!d->frag_more) {
		if ((s->total && s->total != end) || end == 0)
			goto reject;
		s->total = (uint32_t)end;
	}
	if (s->total && end > s->total)
		goto reject;
	if (d->payload_len) {
		memcpy(s->buf + d->frag_offset, d->payload, d->payload_len);
		if (range_add(s, f->lim.max_frags, d->frag_offset, (uint32_t)end) < 0)
			goto reject;
	}
	if (!s->total || s->n_ranges != 1 || s->ranges[0].start != 0 ||
	    s->ranges[0].end != s->total)
		return 0;
	/* complete: hand the buffer out, free the slot */
	free(f->out);
	f->out = s->buf;
	s->buf = NULL;
	*out = f->out;
	*out_len = s->total;
	slot_clear(s);
	f->st.reassembled++;
	return 1;
reject:
	slot_clear(s);
	f->st.rejected++;
	return -1;
}
