/* leases: client host names from the DHCP server's lease file (dnsmasq format), so that
 * the journal can name a LAN client the front ends only know by address. */
#ifndef CG_LEASES_H
#define CG_LEASES_H

#include <stddef.h>

#include "addr.h"

#define LEASES_NAME_MAX 64 /* a host name of at most 63 bytes and its NUL */

/* Parse one line of a dnsmasq lease file ("EXPIRY MAC IP NAME CLIENT-ID" for IPv4,
 * "EXPIRY IAID IPV6 NAME DUID" for IPv6; the "duid ..." line and a NAME of "*" carry no
 * host name). Reads at most len bytes. Returns 1 with addr and name filled, 0 for a
 * line without a usable name, -1 for a malformed line. */
int leases_parse_line(const char *line, size_t len, struct cg_addr *addr,
		      char name[LEASES_NAME_MAX]);

struct leases;

/* A cache of the lease file at path (copied); nothing is read until the first lookup.
 * Not thread-safe: use one from one thread. Free with leases_free. */
struct leases *leases_new(const char *path);
void leases_free(struct leases *l);

/* The host name of address a in out: 0, or -1 when it is not known. The file is looked
 * at again at most once a second and re-read when its size or time changed; a missing
 * or unreadable file means no names (logged once). */
int leases_lookup(struct leases *l, const struct cg_addr *a, char out[LEASES_NAME_MAX]);

#endif
