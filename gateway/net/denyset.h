/* denyset: the destinations a tunnel (the explicit proxy's CONNECT) never goes to:
 * loopback, link-local, the LAN's subnets, the box's own addresses, and subnets the
 * admin names. Immutable once built, shared by reference between worker threads. */
#ifndef CG_DENYSET_H
#define CG_DENYSET_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

/* Why an address is denied (DENYSET_NONE: it is not). */
enum denyset_kind {
	DENYSET_NONE,
	DENYSET_LOOPBACK,   /* 127.0.0.0/8, ::1, 0.0.0.0/8, :: (which reach the box too) */
	DENYSET_LINK_LOCAL, /* 169.254.0.0/16, fe80::/10 */
	DENYSET_SELF,       /* an address of one of the box's interfaces */
	DENYSET_LISTED,     /* a subnet added with denyset_add (the LAN, the admin's) */
};

struct denyset;

/* An empty set that denies loopback and/or link-local addresses as asked. The caller
 * owns one reference. */
struct denyset *denyset_new(bool loopback, bool link_local);

/* Add a subnet (a group's subnet, or one the admin named). A /0 is ignored: it would
 * deny everything (the default group's implied 0.0.0.0/0). While building only. */
void denyset_add(struct denyset *d, const struct cg_subnet *net);

/* Add one of the box's own addresses. While building only. */
void denyset_add_self(struct denyset *d, const struct cg_addr *a);

/* Add every address of the box's interfaces (getifaddrs). 0, or -1 (errno set) when
 * they cannot be read. While building only. */
int denyset_add_interfaces(struct denyset *d);

/* Why a is denied, or DENYSET_NONE. An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is
 * judged as the IPv4 address it reaches. Any thread. */
enum denyset_kind denyset_match(const struct denyset *d, const struct cg_addr *a);

/* "loopback", "link-local", "the gateway's own address", "a denied subnet". */
const char *denyset_kind_name(enum denyset_kind k);

/* Reference counting (atomic); the last unref frees. NULL is ignored. */
void denyset_ref(struct denyset *d);
void denyset_unref(struct denyset *d);

#endif
