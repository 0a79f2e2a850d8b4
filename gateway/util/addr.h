/* IP addresses and subnets (IPv4 and IPv6) in one compact form. */
#ifndef CG_ADDR_H
#define CG_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An address; IPv4 is kept as family AF_INET with the 4 bytes in a[0..3]. */
struct cg_addr {
	uint8_t family; /* AF_INET, AF_INET6, or 0 when unknown */
	uint8_t a[16];
};

struct cg_subnet {
	struct cg_addr addr;
	uint8_t prefix; /* 0..32 or 0..128 */
};

#define CG_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

/* Parse "192.0.2.1" or "2001:db8::1"; 0 or -1. */
int addr_parse(const char *s, struct cg_addr *out);
/* Parse "10.0.0.0/8", "2001:db8::/32" or a bare address (full-length prefix); host bits
 * must be zero. 0 or -1. */
int subnet_parse(const char *s, struct cg_subnet *out);
bool subnet_contains(const struct cg_subnet *n, const struct cg_addr *a);
/* Write the text form into buf (at least CG_ADDR_STRLEN bytes); returns buf. */
const char *addr_str(const struct cg_addr *a, char *buf);
void addr_from_sockaddr(const struct sockaddr *sa, struct cg_addr *out);
bool addr_is_loopback(const struct cg_addr *a);
/* The key per-client limits count a client under: an IPv4 address as it is, an IPv6
 * address as its /64 (one host usually holds a whole /64 and can pick any address in it
 * from one second to the next, RFC 4941/8981). */
void addr_client_key(const struct cg_addr *a, struct cg_addr *out);

#define CG_MAC_STRLEN 18 /* "52:54:00:aa:bb:cc" and its NUL */

/* An Ethernet address "52:54:00:aa:bb:cc" (or '-' separated, one or two hex digits an
 * octet, either case) in s[0..n) into mac: 0, or -1 when it is not one. */
int mac_parse(const char *s, size_t n, uint8_t mac[6]);
/* The text form "52:54:00:aa:bb:cc" into buf; returns buf. */
const char *mac_str(const uint8_t mac[6], char buf[CG_MAC_STRLEN]);

/* A listening or upstream endpoint: "127.0.0.1:53", "[::1]:53". */
struct cg_endpoint {
	struct cg_addr addr;
	uint16_t port;
};
/* Parse "ADDR:PORT" or "[V6]:PORT"; default_port used when ":PORT" is absent
 * (0 = the port is required). 0 or -1. */
int endpoint_parse(const char *s, uint16_t default_port, struct cg_endpoint *out);
/* Fill a sockaddr_storage; returns its length. */
socklen_t endpoint_to_sockaddr(const struct cg_endpoint *e, struct sockaddr_storage *ss);
const char *endpoint_str(const struct cg_endpoint *e, char *buf, size_t len);

#endif
