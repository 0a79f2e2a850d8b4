/* Packets built byte by byte for the sensor's tests (pkt_support.h). */
#include <netinet/in.h>
#include <string.h>

#include "pkt_support.h"
#include "testutil.h"

void put(struct pkt *p, const void *data, size_t n)
{
	ck_assert_uint_le(p->n + n, sizeof(p->b));
	memcpy(p->b + p->n, data, n);
	p->n += n;
}

void put8(struct pkt *p, uint8_t v)
{
	put(p, &v, 1);
}

void put16(struct pkt *p, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 2);
}

void put32(struct pkt *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0xaa };
const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0xbb };

void put_eth(struct pkt *p, uint16_t type)
{
	put(p, mac_b, 6);
	put(p, mac_a, 6);
	put16(p, type);
}

/* IPv4 header (20 bytes + opts) for proto with payload_len bytes after it. */
void put_ipv4(struct pkt *p, uint8_t proto, size_t opts, size_t payload_len,
		     uint16_t id, uint16_t frag)
{
	put8(p, (uint8_t)(0x40 | (5 + opts / 4)));
	put8(p, 0);
	put16(p, (uint16_t)(20 + opts + payload_len));
	put16(p, id);
	put16(p, frag);
	put8(p, 64);
	put8(p, proto);
	put16(p, 0);
	put32(p, 0x0a000001); /* 10.0.0.1 */
	put32(p, 0x08080808); /* 8.8.8.8 */
	for (size_t i = 0; i < opts; i++)
		put8(p, 1); /* NOP options */
}

void put_ipv6(struct pkt *p, uint8_t nh, size_t payload_len)
{
	put32(p, 0x60000000);
	put16(p, (uint16_t)payload_len);
	put8(p, nh);
	put8(p, 64);
	uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	put(p, src, 16);
	put(p, dst, 16);
}

void put_udp(struct pkt *p, uint16_t sport, uint16_t dport, const char *data)
{
	size_t n = strlen(data);
	put16(p, sport);
	put16(p, dport);
	put16(p, (uint16_t)(8 + n));
	put16(p, 0);
	put(p, data, n);
}

void put_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags,
		    const char *data)
{
	put16(p, sport);
	put16(p, dport);
	put32(p, 1000);
	put32(p, 2000);
	put8(p, 5 << 4);
	put8(p, flags);
	put16(p, 65535);
	put32(p, 0);
	put(p, data, strlen(data));
}

enum decode_result dec(int dlt, const struct pkt *p, struct decoded *d)
{
	return decode_packet(dlt, p->b, p->n, d);
}

void check_udp_hello(const struct decoded *d)
{
	ck_assert_uint_eq(d->l4proto, IPPROTO_UDP);
	ck_assert_uint_eq(d->sport, 40000);
	ck_assert_uint_eq(d->dport, 53);
	ck_assert_uint_eq(d->payload_len, 5);
	ck_assert_int_eq(memcmp(d->payload, "hello", 5), 0);
}

