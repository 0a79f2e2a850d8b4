/* leases_parse: the DHCP lease file formats (dnsmasq, ISC dhcpd, Kea CSV) read from a
 * buffer into address -> host name pairs, in file order. See leases.h for the formats. */
#ifndef CG_LEASES_PARSE_H
#define CG_LEASES_PARSE_H

#include <stddef.h>

#include "addr.h"

#define LEASES_NAME_MAX 64 /* a host name of at most 63 bytes and its NUL */

enum leases_format { LEASES_DNSMASQ, LEASES_ISC, LEASES_KEA };

/* Called for each lease in file order: name is a valid host name (NUL-terminated, at
 * most LEASES_NAME_MAX - 1 bytes), or NULL when the lease at a gives no name (free,
 * released, abandoned, nameless); a later call for the same address replaces an
 * earlier one. */
typedef void (*leases_entry_fn)(void *arg, const struct cg_addr *a, const char *name);

/* The format of buf[0..len): LEASES_KEA when the first line starts "address,",
 * LEASES_ISC when a line starts (after blanks) with "lease ", "ia-na ", "ia-ta " or
 * "ia-pd " and opens a block on that line, else LEASES_DNSMASQ. */
enum leases_format leases_detect(const char *buf, size_t len);

/* A printable name of a format ("dnsmasq", "ISC dhcpd", "Kea CSV"). */
const char *leases_format_name(enum leases_format f);

/* Parse buf[0..len) as format f, calling fn for each lease; reads at most len bytes
 * and copies nothing it keeps. Returns the number of malformed lines or blocks skipped
 * (the rest of the file is still used). */
size_t leases_parse(const char *buf, size_t len, enum leases_format f, leases_entry_fn fn,
		    void *arg);

/* Parse one line of a dnsmasq lease file ("EXPIRY MAC IP NAME CLIENT-ID" for IPv4,
 * "EXPIRY IAID IPV6 NAME DUID" for IPv6; the "duid ..." line and a NAME of "*" carry no
 * host name). Reads at most len bytes. Returns 1 with addr and name filled, 0 for a
 * line without a usable name, -1 for a malformed line. */
int leases_parse_line(const char *line, size_t len, struct cg_addr *addr,
		      char name[LEASES_NAME_MAX]);

#endif
