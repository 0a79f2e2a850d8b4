/* ipmac: lease records -> (MAC, IPv4) pairs, the nft script that replaces the set, the
 * set as nft lists it, and the difference of two sets. */
#include "ipmac.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leases_parse.h"

#define MAX_RECORDS 262144 /* lease records read from one file, as the journal's cache */
#define CHUNK 256	   /* elements per "add element" statement */

void ipmac_set_init(struct ipmac_set *s)
{
	memset(s, 0, sizeof *s);
}

void ipmac_set_free(struct ipmac_set *s)
{
	free(s->p);
	memset(s, 0, sizeof *s);
}

void ipmac_set_add(struct ipmac_set *s, const uint8_t mac[6], const struct cg_addr *a)
{
	if (a->family != AF_INET)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->p = xrealloc(s->p, s->cap * sizeof *s->p);
	}
	memcpy(s->p[s->n].mac, mac, 6);
	memcpy(s->p[s->n].ip, a->a, 4);
	s->n++;
}

static int pair_cmp(const void *x, const void *y)
{
	const struct ipmac_pair *a = x, *b = y;
	int c = memcmp(a->ip, b->ip, 4);
	return c ? c : memcmp(a->mac, b->mac, 6);
}

void ipmac_set_settle(struct ipmac_set *s)
{
	if (s->n == 0)
		return;
	qsort(s->p, s->n, sizeof *s->p, pair_cmp);
	size_t o = 1;
	for (size_t i = 1; i < s->n; i++)
		if (pair_cmp(&s->p[i], &s->p[o - 1]) != 0)
			s->p[o++] = s->p[i];
	s->n = o;
}

/* ---- lease files -------------------------------------------------------------- */

struct rec {
	struct cg_addr addr;
	bool live, has_mac;
	uint8_t mac[6];
	int64_t expires;
	size_t seq;
};

struct recs {
	struct rec *r;
	size_t n, cap;
};

static void rec_add(void *arg, const struct leases_entry *e)
{
	struct recs *t = arg;
	if (t->n >= MAX_RECORDS)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->r = xrealloc(t->r, t->cap * sizeof *t->r);
	}
	struct rec *x = &t->r[t->n];
	memset(x, 0, sizeof *x);
	x->addr = e->addr;
	x->live = e->live;
	x->has_mac = e->has_mac;
	memcpy(x->mac, e->mac, 6);
	x->expires = e->expires;
	x->seq = t->n++;
}

static int rec_addr_cmp(const struct rec *a, const struct rec *b)
{
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	return memcmp(a->addr.a, b->addr.a, a->addr.family == AF_INET ? 4 : 16);
}

/* By address, then by the order in the file. */
static int rec_cmp(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int c = rec_addr_cmp(a, b);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void ipmac_add_leases(struct ipmac_set *s, const char *buf, size_t len, int64_t now,
		      struct ipmac_stats *st)
{
	struct recs t = {NULL, 0, 0};
	memset(st, 0, sizeof *st);
	st->bad = leases_parse_entries(buf, len, leases_detect(buf, len), rec_add, &t);
	if (t.n)
		qsort(t.r, t.n, sizeof *t.r, rec_cmp);
	for (size_t i = 0; i < t.n; i++) {
		if (i + 1 < t.n && rec_addr_cmp(&t.r[i], &t.r[i + 1]) == 0)
			continue; /* a later record of this address holds */
		const struct rec *r = &t.r[i];
		if (r->addr.family != AF_INET)
			st->ipv6++;
		else if (!r->live)
			st->inactive++;
		else if (r->expires && r->expires <= now)
			st->expired++;
		else if (!r->has_mac)
			st->no_mac++;
		else {
			ipmac_set_add(s, r->mac, &r->addr);
			st->bound++;
		}
	}
	free(t.r);
}

/* ---- the nft script ----------------------------------------------------------- */

const char *ipmac_pair_str(const struct ipmac_pair *p, char buf[IPMAC_PAIR_STRLEN])
{
	char m[CG_MAC_STRLEN];
	snprintf(buf, IPMAC_PAIR_STRLEN, "%s . %u.%u.%u.%u", mac_str(p->mac, m), p->ip[0],
		 p->ip[1], p->ip[2], p->ip[3]);
	return buf;
}

void ipmac_script(const struct ipmac_set *s, const char *iface, struct sbuf *out)
{
	char b[IPMAC_PAIR_STRLEN];
	sbuf_adds(out, "flush set " IPMAC_TABLE " " IPMAC_IFSET "\n");
	sbuf_adds(out, "flush set " IPMAC_TABLE " " IPMAC_SET "\n");
	if (!iface)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (i % CHUNK == 0)
			sbuf_adds(out, "add element " IPMAC_TABLE " " IPMAC_SET " {\n");
		sbuf_printf(out, "\t%s%s\n", ipmac_pair_str(&s->p[i], b),
			    (i + 1) % CHUNK && i + 1 < s->n ? "," : "");
		if ((i + 1) % CHUNK == 0 || i + 1 == s->n)
			sbuf_adds(out, "}\n");
	}
	sbuf_printf(out, "add element " IPMAC_TABLE " " IPMAC_IFSET " { \"%s\" }\n", iface);
}

/* ---- the listing -------------------------------------------------------------- */

static const char *find(const char *buf, size_t len, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, w, n) == 0)
			return buf + i;
	return NULL;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The word at buf[*i..len) (up to a blank, ',' or '}') as s[0..n); false when none. */
static bool word(const char *buf, size_t len, size_t *i, const char **s, size_t *n)
{
	while (*i < len && blank(buf[*i]))
		(*i)++;
	size_t b = *i;
	while (*i < len && !blank(buf[*i]) && buf[*i] != ',' && buf[*i] != '}')
		(*i)++;
	*s = buf + b;
	*n = *i - b;
	return *n > 0;
}

int ipmac_parse_listing(const char *buf, size_t len, struct ipmac_set *s)
{
	if (!find(buf, len, "type ether_addr . ipv4_addr"))
		return -1;
	const char *el = find(buf, len, "elements = {");
	if (!el)
		return 0; /* an empty set */
	size_t i = (size_t)(el - buf) + strlen("elements = {");
	for (;;) {
		const char *w;
		size_t n;
		struct ipmac_pair p;
		char ip[CG_ADDR_STRLEN];
		struct cg_addr a;
		if (!word(buf, len, &i, &w, &n) || mac_parse(w, n, p.mac) < 0)
			return -1;
		if (!word(buf, len, &i, &w, &n) || n != 1 || *w != '.')
			return -1;
		if (!word(buf, len, &i, &w, &n) || n >= sizeof ip || memchr(w, '\0', n))
			return -1;
		memcpy(ip, w, n);
		ip[n] = '\0';
		if (addr_parse(ip, &a) < 0 || a.family != AF_INET)
			return -1;
		ipmac_set_add(s, p.mac, &a);
		while (i < len && blank(buf[i]))
			i++;
		if (i >= len)
			return -1;
		if (buf[i] == '}')
			return 0;
		if (buf[i] != ',')
			return -1;
		i++;
	}
}

/* ---- the difference ----------------------------------------------------------- */

size_t ipmac_diff(const struct ipmac_set *old, const struct ipmac_set *new, ipmac_diff_fn fn,
		  void *arg)
{
	size_t i = 0, k = 0, d = 0;
	while (i < old->n || k < new->n) {
		int c = i == old->n   ? 1
			: k == new->n ? -1
				      : pair_cmp(&old->p[i], &new->p[k]);
		if (c == 0) {
			i++;
			k++;
			continue;
		}
		if (c < 0)
			fn(arg, &old->p[i++], 0);
		else
			fn(arg, &new->p[k++], 1);
		d++;
	}
	return d;
}
