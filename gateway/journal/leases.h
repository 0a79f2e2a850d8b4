/* leases: client host names from the DHCP server's lease file, so that the journal can
 * name a LAN client the front ends only know by address.
 *
 * The format is told from the content (leases_detect), so only the path is configured:
 * - Kea CSV (kea-leases4.csv, kea-leases6.csv): the first line is the header
 *   "address,..."; columns are found by name (address, hostname, state, valid_lifetime,
 *   lease_type). A row gives a name when state is 0 (default), valid_lifetime is not 0
 *   (a deleted lease) and hostname is a host name (one trailing dot dropped); IA_PD rows
 *   (lease_type 2) are passed over. The expire column is not looked at: the server
 *   rewrites the file, and a lease that ran out without a new record keeps its name.
 * - ISC dhcpd (dhcpd.leases, dhcpd6.leases): "lease ADDR { ... }" blocks and
 *   "ia-na ID { iaaddr ADDR { ... } }"; a block gives client-hostname "NAME" when its
 *   binding state is active or it has none (and no "abandoned;"); free, abandoned,
 *   backup, expired, released and any other state give no name.
 * - dnsmasq (dnsmasq.leases, OpenWrt): "EXPIRY MAC IP NAME CLIENT-ID" lines.
 * In every format the LAST record for an address holds (dhcpd and Kea append), and a
 * name must be 1..63 bytes of letters, digits, '-', '_' and '.'; anything else is no
 * name. A malformed line or block is skipped and the rest of the file used.
 * leases_parse_entries (leases_parse.h) gives the same records with the client's MAC,
 * the lease's end and its state, for the IP-MAC binding (campusgate ipmac sync). */
#ifndef CG_LEASES_H
#define CG_LEASES_H

#include <stddef.h>

#include "addr.h"
#include "leases_parse.h" /* LEASES_NAME_MAX */

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
