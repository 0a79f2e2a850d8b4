/* Packets built byte by byte for the sensor's decode and reassembly tests: Ethernet
 * from mac_a to mac_b, IPv4 10.0.0.1 -> 8.8.8.8 (a stand-in for a public address in a
 * buffer that is never sent), IPv6 2001:db8::1 -> ::2, UDP, TCP. */
#ifndef CG_PKT_SUPPORT_H
#define CG_PKT_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* A packet under construction. */
struct pkt {
	uint8_t b[2048];
	size_t n;
};

extern const uint8_t mac_a[6], mac_b[6];

void put(struct pkt *p, const void *data, size_t n);
void put8(struct pkt *p, uint8_t v);
void put16(struct pkt *p, uint16_t v);
void put32(struct pkt *p, uint32_t v);
void put_eth(struct pkt *p, uint16_t type);
/* IPv4 header (20 bytes + opts) for proto with payload_len bytes after it. */
void put_ipv4(struct pkt *p, uint8_t proto, size_t opts, size_t payload_len, uint16_t id,
	      uint16_t frag);
void put_ipv6(struct pkt *p, uint8_t nh, size_t payload_len);
void put_udp(struct pkt *p, uint16_t sport, uint16_t dport, const char *data);
void put_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags, const char *data);
enum decode_result dec(int dlt, const struct pkt *p, struct decoded *d);
/* d is UDP 40000 -> 53 carrying "hello". */
void check_udp_hello(const struct decoded *d);

#endif
