/* ipmac: the IP-MAC binding set that `campusgate ipmac sync` keeps in nftables: each
 * leased IPv4 address with its client's MAC (from the DHCP lease files, read by
 * leases_parse_entries) and the static bindings, the nft script that replaces the set
 * in one transaction, the reading of the set nft lists back, and the difference of two
 * sets. IPv4 only: DHCPv6 leases carry no MAC (a DUID) and SLAAC addresses are in no
 * lease file. */
#ifndef CG_IPMAC_H
#define CG_IPMAC_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "util.h"

#define IPMAC_TABLE "inet campusgate" /* the table of config/nftables-campusgate.nft */
#define IPMAC_SET "ipmac4"	      /* type ether_addr . ipv4_addr */
#define IPMAC_IFSET "ipmac_ifaces"    /* type ifname: the interfaces the rule checks */
#define IPMAC_PAIR_STRLEN (CG_MAC_STRLEN + 16)

struct ipmac_pair {
	uint8_t mac[6];
	uint8_t ip[4];
};

/* A set of pairs; settled (ipmac_set_settle): sorted by address then MAC, no
 * duplicates. */
struct ipmac_set {
	struct ipmac_pair *p;
	size_t n, cap;
};

/* What one lease file gave. */
struct ipmac_stats {
	size_t bound;	 /* addresses whose last record is live, unexpired, with a MAC */
	size_t expired;	 /* last record live but its end is past */
	size_t inactive; /* last record free, released, abandoned, deleted, ... */
	size_t no_mac;	 /* IPv4 and live but no Ethernet address */
	size_t ipv6;	 /* IPv6 addresses (not bound: see above) */
	size_t bad;	 /* malformed lines or blocks skipped */
};

void ipmac_set_init(struct ipmac_set *s);
void ipmac_set_free(struct ipmac_set *s);
/* Add one pair (an IPv4 address; anything else is ignored). */
void ipmac_set_add(struct ipmac_set *s, const uint8_t mac[6], const struct cg_addr *a);
/* Sort and drop repeated pairs. */
void ipmac_set_settle(struct ipmac_set *s);

/* Add the bindings of lease file buf[0..len) at Unix time now: for each IPv4 address the
 * file's last record, when it is live, has a MAC and has not ended (an end of 0 is
 * never). Counts into *st (zeroed first). */
void ipmac_add_leases(struct ipmac_set *s, const char *buf, size_t len, int64_t now,
		      struct ipmac_stats *st);

/* Append to out the nft script (for `nft -f -`, one transaction) that replaces the set
 * with the settled set s and the checked interfaces with iface; iface NULL empties both
 * (the binding is off: the drop rule matches no interface). */
void ipmac_script(const struct ipmac_set *s, const char *iface, struct sbuf *out);

/* The elements of `nft list set inet campusgate ipmac4` output buf[0..len) into s (not
 * settled). 0, or -1 when it is no listing of such a set (no "type ether_addr .
 * ipv4_addr", an element that does not read, no closing brace). */
int ipmac_parse_listing(const char *buf, size_t len, struct ipmac_set *s);

/* Called for each pair in one settled set and not the other: added 1 when it is only in
 * the new set, 0 when only in the old. */
typedef void (*ipmac_diff_fn)(void *arg, const struct ipmac_pair *p, int added);

/* Walk the difference of settled sets old and new in address order; the number of
 * pairs that differ. */
size_t ipmac_diff(const struct ipmac_set *old, const struct ipmac_set *new, ipmac_diff_fn fn,
		  void *arg);

/* "52:54:00:aa:bb:cc . 10.1.2.3" (nft's element form) into buf; returns buf. */
const char *ipmac_pair_str(const struct ipmac_pair *p, char buf[IPMAC_PAIR_STRLEN]);

#endif
