/* libFuzzer target: the DHCP lease parsers and the netlink neighbour parser, on
 * arbitrary bytes: the whole input as a lease file, its format told by leases_detect and
 * then parsed in each of the three formats (ISC dhcpd, Kea CSV, dnsmasq) whatever it
 * looks like; the dnsmasq line parser on each line; the neighbour parser on all of it;
 * the IP-MAC binding set from it as a lease file and as an nft set listing.
 * A name that comes out must be a plain host name of at most 63 bytes, an address an
 * IPv4 or IPv6 one. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ipmac.h"
#include "leases.h"
#include "leases_parse.h"
#include "neigh.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void entry(void *arg, const struct cg_addr *a, const uint8_t mac[6])
{
	(void)arg;
	if (a->family != AF_INET && a->family != AF_INET6)
		abort();
	(void)mac;
}

static bool name_ok(const char *name)
{
	size_t n = strnlen(name, LEASES_NAME_MAX);
	return n > 0 && n < LEASES_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_.") == n;
}

static void lease(void *arg, const struct cg_addr *a, const char *name)
{
	size_t *count = arg;
	if (a->family != AF_INET && a->family != AF_INET6)
		abort();
	if (name && !name_ok(name))
		abort();
	++*count;
}

static void record(void *arg, const struct leases_entry *e)
{
	size_t *count = arg;
	if (e->addr.family != AF_INET && e->addr.family != AF_INET6)
		abort();
	if ((e->name && !name_ok(e->name)) || e->expires < 0 ||
	    (e->has_mac && e->addr.family != AF_INET))
		abort();
	++*count;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *buf = (const char *)data;
	enum leases_format f = leases_detect(buf, size);
	if (f != LEASES_DNSMASQ && f != LEASES_ISC && f != LEASES_KEA)
		abort();
	static const enum leases_format all[] = {LEASES_ISC, LEASES_KEA, LEASES_DNSMASQ};
	for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
		size_t count = 0, bad = leases_parse(buf, size, all[k], lease, &count);
		/* each entry and each malformed one takes at least one byte */
		if (count > size || bad > size + 1)
			abort();
		size_t records = 0;
		leases_parse_entries(buf, size, all[k], record, &records);
		if (records < count || records > size)
			abort();
	}

	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		struct cg_addr a;
		char name[LEASES_NAME_MAX];
		if (leases_parse_line(p, len, &a, name) == 1 && !name_ok(name))
			abort();
		p += len;
	}
	neigh_parse(data, size, entry, NULL);
	/* the IP-MAC binding: the same bytes as a lease file and as an nft listing */
	struct ipmac_set set;
	ipmac_set_init(&set);
	struct ipmac_stats st;
	ipmac_add_leases(&set, buf, size, 1796637600, &st);
	if (set.n != st.bound || set.n > size)
		abort();
	ipmac_parse_listing(buf, size, &set);
	ipmac_set_settle(&set);
	struct sbuf script;
	sbuf_init(&script);
	ipmac_script(&set, "lan0", &script);
	sbuf_free(&script);
	ipmac_set_free(&set);
	return 0;
}
