/* denyset: where a tunnel must not go, as fixed ranges plus a list of subnets. */
#include "denyset.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct denyset {
	atomic_uint refs;
	bool loopback, link_local;
	struct cg_subnet *nets; /* DENYSET_LISTED */
	size_t n_nets;
	struct cg_addr *self;   /* DENYSET_SELF */
	size_t n_self;
};

struct denyset *denyset_new(bool loopback, bool link_local)
{
	struct denyset *d = xcalloc(1, sizeof(*d));
	atomic_init(&d->refs, 1);
	d->loopback = loopback;
	d->link_local = link_local;
	return d;
}

void denyset_add(struct denyset *d, const struct cg_subnet *net)
{
	if (net->prefix == 0)
		return;
	d->nets = xrealloc(d->nets, (d->n_nets + 1) * sizeof(*d->nets));
	d->nets[d->n_nets++] = *net;
}

void denyset_add_self(struct denyset *d, const struct cg_addr *a)
{
	for (size_t i = 0; i < d->n_self; i++)
		if (memcmp(&d->self[i], a, sizeof(*a)) == 0)
			return;
	d->self = xrealloc(d->self, (d->n_self + 1) * sizeof(*d->self));
	d->self[d->n_self++] = *a;
}

int denyset_add_interfaces(struct denyset *d)
{
	struct ifaddrs *list, *i;
	if (getifaddrs(&list) < 0)
		return -1;
	for (i = list; i; i = i->ifa_next) {
		struct cg_addr a;
		if (!i->ifa_addr ||
		    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		addr_from_sockaddr(i->ifa_addr, &a);
		denyset_add_self(d, &a);
	}
	freeifaddrs(list);
	return 0;
}

/* ::ffff:a.b.c.d -> a.b.c.d; anything else as it is. */
static void unmap(const struct cg_addr *in, struct cg_addr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	*out = *in;
	if (in->family == AF_INET6 && memcmp(in->a, mapped, 12) == 0) {
		memset(out, 0, sizeof(*out));
		out->family = AF_INET;
		memcpy(out->a, in->a + 12, 4);
	}
}

static bool is_loopback(const struct cg_addr *a)
{
	static const uint8_t zero[16];
	if (a->family == AF_INET)
		return a->a[0] == 127 || a->a[0] == 0;
	/* ::1 and :: */
	return memcmp(a->a, zero, 15) == 0 && (a->a[15] == 1 || a->a[15] == 0);
}

static bool is_link_local(const struct cg_addr *a)
{
	if (a->family == AF_INET)
		return a->a[0] == 169 && a->a[1] == 254;
	return a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}

enum denyset_kind denyset_match(const struct denyset *d, const struct cg_addr *in)
{
	struct cg_addr a;
	unmap(in, &a);
	if (a.family != AF_INET && a.family != AF_INET6)
		return DENYSET_LISTED; /* not an address we can judge: never */
	if (d->loopback && is_loopback(&a))
		return DENYSET_LOOPBACK;
	if (d->link_local && is_link_local(&a))
		return DENYSET_LINK_LOCAL;
	for (size_t i = 0; i < d->n_self; i++) {
		struct cg_addr s;
		unmap(&d->self[i], &s);
		if (s.family == a.family && memcmp(s.a, a.a, a.family == AF_INET ? 4 : 16) == 0)
			return DENYSET_SELF;
	}
	for (size_t i = 0; i < d->n_nets; i++)
		if (subnet_contains(&d->nets[i], &a))
			return DENYSET_LISTED;
	return DENYSET_NONE;
}

const char *denyset_kind_name(enum denyset_kind k)
{
	switch (k) {
	case DENYSET_NONE: return "allowed";
	case DENYSET_LOOPBACK: return "loopback";
	case DENYSET_LINK_LOCAL: return "link-local";
	case DENYSET_SELF: return "the gateway's own address";
	case DENYSET_LISTED: return "a denied subnet";
	}
	return "?";
}

void denyset_ref(struct denyset *d)
{
	if (d)
		atomic_fetch_add_explicit(&d->refs, 1, memory_order_relaxed);
}

void denyset_unref(struct denyset *d)
{
	if (!d || atomic_fetch_sub_explicit(&d->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(d->nets);
	free(d->self);
	free(d);
}
