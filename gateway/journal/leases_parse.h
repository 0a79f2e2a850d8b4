/* leases_parse: the DHCP lease file formats (dnsmasq, ISC dhcpd, Kea CSV) read from a
 * buffer into address -> host name pairs, in file order. See leases.h for the formats. */
#ifndef CG_LEASES_PARSE_H
#define CG_LEASES_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define LEASES_NAME_MAX 64 /* a host name of at most 63 bytes and its NUL */

enum leases_format { LEASES_DNSMASQ, LEASES_ISC, LEASES_KEA };

/* Called for each lease in file order: name is a valid host name (NUL-terminated, at
 * most LEASES_NAME_MAX - 1 bytes), or NULL when the lease at a gives no name (free,
 * released, abandoned, nameless); a later call for the same address replaces an
 * earlier one. */
typedef void (*leases_entry_fn)(void *arg, const struct cg_addr *a, const char *name);

/* One lease record as the file gives it, for the address -> MAC binding (campusgate
 * ipmac) as well as the names. The file is a log: a later record for the same address
 * replaces an earlier one. */
struct leases_entry {
	struct cg_addr addr;
	const char *name; /* what leases_entry_fn is given: a live lease's valid name, or NULL */
	bool name_bad;	  /* dnsmasq: the NAME field is not a host name (the line counts as
			   * malformed and gives the journal nothing; the lease still holds) */
	bool has_mac;	  /* mac is the client's Ethernet address */
	uint8_t mac[6];
	int64_t expires; /* when the lease ends, Unix seconds; 0: never, or not in the file */
	bool live;	 /* bound: not free, released, expired, abandoned, declined or deleted */
};

typedef void (*leases_record_fn)(void *arg, const struct leases_entry *e);

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

/* The same pass as leases_parse, giving every lease record with its MAC address, end
 * time and state (dnsmasq: the EXPIRY and MAC fields, 0 = never; ISC dhcpd: "hardware
 * ethernet MAC;" and "ends W YYYY/MM/DD HH:MM:SS;" in UTC, "ends never;" or "ends epoch
 * N;"; Kea: the hwaddr and expire columns). Returns the malformed count, as leases_parse. */
size_t leases_parse_entries(const char *buf, size_t len, enum leases_format f,
			    leases_record_fn fn, void *arg);

/* Parse one line of a dnsmasq lease file ("EXPIRY MAC IP NAME CLIENT-ID" for IPv4,
 * "EXPIRY IAID IPV6 NAME DUID" for IPv6; the "duid ..." line and a NAME of "*" carry no
 * host name). Reads at most len bytes. Returns 1 with addr and name filled, 0 for a
 * line without a usable name, -1 for a malformed line. */
int leases_parse_line(const char *line, size_t len, struct cg_addr *addr,
		      char name[LEASES_NAME_MAX]);

#endif
