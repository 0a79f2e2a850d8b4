/* neigh: the kernel's neighbour table (ARP and NDP) as a small cache, so that the journal
 * can name the MAC of a LAN client the front ends only know by address. */
#ifndef CG_NEIGH_H
#define CG_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define NEIGH_MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" and its NUL */

/* Called by neigh_parse for each usable entry: a reachable-or-stale neighbour with an
 * IPv4 or IPv6 destination and a 6-byte link-layer address. */
typedef void (*neigh_entry_cb)(void *arg, const struct cg_addr *a, const uint8_t mac[6]);

/* Parse one buffer of netlink messages (a datagram of an RTM_GETNEIGH dump): calls cb
 * for each usable RTM_NEWNEIGH entry and never reads past len; no length field in the
 * buffer is trusted. Entries that are failed, incomplete or NOARP, or lack a destination
 * or a 6-byte address are skipped. Returns 1 when NLMSG_DONE was seen, 0 when the
 * buffer ended without it (more datagrams follow), -1 when a header or attribute is
 * malformed or the kernel sent NLMSG_ERROR. */
int neigh_parse(const uint8_t *buf, size_t len, neigh_entry_cb cb, void *arg);

struct neigh;

/* A new, empty cache; nothing is read until the first lookup. The caller frees it
 * with neigh_free. Not thread-safe: use one cache from one thread. */
struct neigh *neigh_new(void);
void neigh_free(struct neigh *n);

/* Replace the cache with a fresh dump of the kernel's table. 0, or -1 (the old entries
 * are kept) when netlink fails or answers something malformed. */
int neigh_refresh(struct neigh *n);

/* The MAC of address a as "aa:bb:cc:dd:ee:ff" in out: 0, or -1 when it is not known.
 * A miss re-reads the table at most once a second, and entries older than a minute are
 * re-read on the next lookup, so that a client's new address shows soon. */
int neigh_lookup(struct neigh *n, const struct cg_addr *a, char out[NEIGH_MAC_STRLEN]);

#endif
