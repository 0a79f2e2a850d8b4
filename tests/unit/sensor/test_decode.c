/* Tests for decode.c: link layers, IPv4/IPv6 (extension header chains), UDP/TCP, every
 * rejection branch. Packets are built byte by byte (support/pkt_support.c); fragments
 * and their reassembly are test_ipfrag.c's. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "testutil.h"

#include "pkt_support.h"

START_TEST(ethernet_ipv4_udp)
{
	struct pkt p = { .n = 0 };
	struct decoded d;
	put_eth(&p, 0x0800);
	put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&p, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &p, &d), DECODE_L4);
	check_udp_hello(&d);
	ck_assert(d.has_mac && d.has_dst_mac);
	ck_assert_int_eq(memcmp(d.src_mac, mac_a, 6), 0);
	ck_assert_int_eq(memcmp(d.dst_mac, mac_b, 6), 0);
	ck_assert_uint_eq(d.ip_version, 4);
	ck_assert_uint_eq(d.src.family, AF_INET);
	ck_assert_uint_eq(d.src.a[0], 10);
	ck_assert_uint_eq(d.dst.a[3], 8);
}
END_TEST

START_TEST(ipv4_options_and_tcp)
{
	struct pkt p = { .n = 0 };
	struct decoded d;
	put_eth(&p, 0x0800);
	put_ipv4(&p, IPPROTO_TCP, 8, 20 + 3, 1, 0x4000 /* DF */);
	put_tcp(&p, 50000, 80, DECODE_TCP_ACK, "GET");
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &p, &d), DECODE_L4);
	ck_assert_uint_eq(d.l4proto, IPPROTO_TCP);
	ck_assert_uint_eq(d.dport, 80);
	ck_assert_uint_eq(d.tcp_seq, 1000);
	ck_assert_uint_eq(d.tcp_ack, 2000);
	ck_assert_uint_eq(d.tcp_flags, DECODE_TCP_ACK);
	ck_assert_uint_eq(d.payload_len, 3);
	ck_assert_int_eq(memcmp(d.payload, "GET", 3), 0);
}
END_TEST

START_TEST(vlan_and_qinq)
{
	static const uint16_t outer[] = { 0x8100, 0x88a8, 0x9100 };
	for (size_t i = 0; i < 3; i++) {
		struct pkt p = { .n = 0 };
		struct decoded d;
		put_eth(&p, outer[i]);
		put16(&p, 100);
		put16(&p, 0x8100);
		put16(&p, 200);
		put16(&p, 0x0800);
		put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
		put_udp(&p, 40000, 53, "hello");
		ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &p, &d), DECODE_L4);
		check_udp_hello(&d);
	}
	/* five stacked tags: too many */
	struct pkt p = { .n = 0 };
	struct decoded d;
	put_eth(&p, 0x8100);
	for (int i = 0; i < 5; i++) {
		put16(&p, 1);
		put16(&p, i == 4 ? 0x0800 : 0x8100);
	}
	put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&p, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &p, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_VLAN);
	/* a tag cut short */
	struct pkt q = { .n = 0 };
	put_eth(&q, 0x8100);
	put16(&q, 1);
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &q, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
}
END_TEST

START_TEST(llc_snap_and_pppoe)
{
	struct pkt p = { .n = 0 };
	struct decoded d;
	put_eth(&p, 60); /* 802.3 length */
	static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	put(&p, snap, sizeof(snap));
	put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&p, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &p, &d), DECODE_L4);
	check_udp_hello(&d);
	/* plain LLC (spanning tree): nothing for us */
	struct pkt s = { .n = 0 };
	put_eth(&s, 38);
	static const uint8_t stp[] = { 0x42, 0x42, 0x03, 0, 0, 0, 0, 0 };
	put(&s, stp, sizeof(stp));
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &s, &d), DECODE_OTHER);
	/* PPPoE session carrying IPv4 */
	struct pkt q = { .n = 0 };
	put_eth(&q, 0x8864);
	put8(&q, 0x11);
	put8(&q, 0);
	put16(&q, 1);
	put16(&q, 35);
	put16(&q, 0x0021);
	put_ipv4(&q, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&q, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &q, &d), DECODE_L4);
	check_udp_hello(&d);
	/* PPPoE cut short */
	struct pkt r = { .n = 0 };
	put_eth(&r, 0x8864);
	put16(&r, 0x1100);
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &r, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	/* ARP is valid and not ours */
	struct pkt a = { .n = 0 };
	put_eth(&a, 0x0806);
	put32(&a, 0);
	ck_assert_int_eq(dec(DECODE_DLT_EN10MB, &a, &d), DECODE_OTHER);
}
END_TEST

START_TEST(linux_sll_and_sll2)
{
	struct pkt p = { .n = 0 };
	struct decoded d;
	put16(&p, 0);      /* to us */
	put16(&p, 1);      /* ARPHRD_ETHER */
	put16(&p, 6);
	put(&p, mac_a, 6);
	put16(&p, 0);
	put16(&p, 0x0800);
	put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&p, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_LINUX_SLL, &p, &d), DECODE_L4);
	check_udp_hello(&d);
	ck_assert(d.has_mac);
	ck_assert(!d.has_dst_mac);  /* a cooked header names only the sender */
	ck_assert_int_eq(memcmp(d.src_mac, mac_a, 6), 0);

	struct pkt q = { .n = 0 };
	put16(&q, 0x86dd);
	put16(&q, 0);
	put32(&q, 3);      /* ifindex */
	put16(&q, 1);
	put8(&q, 4);       /* outgoing */
	put8(&q, 6);
	put(&q, mac_a, 6);
	put16(&q, 0);
	put_ipv6(&q, IPPROTO_UDP, 13);
	put_udp(&q, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_LINUX_SLL2, &q, &d), DECODE_L4);
	check_udp_hello(&d);
	ck_assert_uint_eq(d.ip_version, 6);
	ck_assert(d.has_mac);
	ck_assert(!d.has_dst_mac);

	ck_assert_int_eq(decode_packet(DECODE_DLT_LINUX_SLL, p.b, 15, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	ck_assert_int_eq(decode_packet(DECODE_DLT_LINUX_SLL2, q.b, 19, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
}
END_TEST

START_TEST(raw_and_loopback)
{
	struct pkt p = { .n = 0 };
	struct decoded d;
	put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&p, 40000, 53, "hello");
	static const int raws[] = { DECODE_DLT_RAW, DECODE_DLT_RAW_OPENBSD,
				    DECODE_DLT_LINKTYPE_RAW, DECODE_DLT_IPV4 };
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(dec(raws[i], &p, &d), DECODE_L4);
		check_udp_hello(&d);
		ck_assert(!d.has_mac);
	}
	struct pkt v6 = { .n = 0 };
	put_ipv6(&v6, IPPROTO_UDP, 13);
	put_udp(&v6, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_IPV6, &v6, &d), DECODE_L4);
	check_udp_hello(&d);
	/* BSD loopback: family in host order (NULL) or network order (LOOP) */
	struct pkt n = { .n = 0 };
	put(&n, "\x02\x00\x00\x00", 4);
	put(&n, p.b, p.n);
	ck_assert_int_eq(dec(DECODE_DLT_NULL, &n, &d), DECODE_L4);
	check_udp_hello(&d);
	struct pkt l = { .n = 0 };
	put32(&l, 30); /* AF_INET6 on macOS */
	put(&l, v6.b, v6.n);
	ck_assert_int_eq(dec(DECODE_DLT_LOOP, &l, &d), DECODE_L4);
	check_udp_hello(&d);
	struct pkt o = { .n = 0 };
	put32(&o, 17); /* some other family */
	put32(&o, 0);
	ck_assert_int_eq(dec(DECODE_DLT_NULL, &o, &d), DECODE_OTHER);
	ck_assert_int_eq(decode_packet(DECODE_DLT_NULL, n.b, 3, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
}
END_TEST

/* An 802.11 QoS data frame from a station (ToDS) with LLC/SNAP, optionally under PPI. */
static void put_80211(struct pkt *p, bool qos, bool protected_)
{
	put8(p, qos ? 0x88 : 0x08);
	put8(p, (uint8_t)(0x01 | (protected_ ? 0x40 : 0)));
	put16(p, 0);
	put(p, mac_b, 6);  /* addr1: BSSID */
	put(p, mac_a, 6);  /* addr2: SA */
	put(p, mac_b, 6);  /* addr3: DA */
	put16(p, 0);
	if (qos)
		put16(p, 0);
	static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	put(p, snap, sizeof(snap));
	put_ipv4(p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(p, 40000, 53, "hello");
}

START_TEST(ppi_and_80211)
{
	struct pkt w = { .n = 0 };
	struct decoded d;
	put_80211(&w, true, false);
	ck_assert_int_eq(dec(DECODE_DLT_IEEE802_11, &w, &d), DECODE_L4);
	check_udp_hello(&d);
	ck_assert_int_eq(memcmp(d.src_mac, mac_a, 6), 0);

	struct pkt p = { .n = 0 };
	put(&p, "\x00\x00\x08\x00\x69\x00\x00\x00", 8); /* PPI v0, 8 bytes, DLT 105 */
	put(&p, w.b, w.n);
	ck_assert_int_eq(dec(DECODE_DLT_PPI, &p, &d), DECODE_L4);
	check_udp_hello(&d);

	/* encrypted frames are not read */
	struct pkt e = { .n = 0 };
	put_80211(&e, false, true);
	ck_assert_int_eq(dec(DECODE_DLT_IEEE802_11, &e, &d), DECODE_OTHER);
	/* management frame */
	struct pkt m = { .n = 0 };
	put_80211(&m, false, false);
	m.b[0] = 0x80; /* beacon */
	ck_assert_int_eq(dec(DECODE_DLT_IEEE802_11, &m, &d), DECODE_OTHER);
	/* short 802.11 */
	ck_assert_int_eq(decode_packet(DECODE_DLT_IEEE802_11, w.b, 23, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	ck_assert_int_eq(decode_packet(DECODE_DLT_IEEE802_11, w.b, 30, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	/* PPI: bad version, header longer than the packet, shorter than itself, other DLT */
	struct pkt b = p;
	b.b[0] = 1;
	ck_assert_int_eq(dec(DECODE_DLT_PPI, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	b = p;
	b.b[2] = 0xff;
	b.b[3] = 0xff;
	ck_assert_int_eq(dec(DECODE_DLT_PPI, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	b = p;
	b.b[2] = 4;
	ck_assert_int_eq(dec(DECODE_DLT_PPI, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
	b = p;
	b.b[4] = 0x7f;
	ck_assert_int_eq(dec(DECODE_DLT_PPI, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINKTYPE);
	ck_assert_int_eq(decode_packet(DECODE_DLT_PPI, p.b, 7, &d), DECODE_MALFORMED);
}
END_TEST

START_TEST(unknown_linktype)
{
	uint8_t b[64] = { 0 };
	struct decoded d;
	ck_assert(!decode_linktype_supported(147));
	ck_assert(decode_linktype_supported(DECODE_DLT_LINUX_SLL2));
	ck_assert_int_eq(decode_packet(147, b, sizeof(b), &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINKTYPE);
	ck_assert_str_eq(decode_err_name(DERR_LINKTYPE), "linktype");
	ck_assert_str_eq(decode_err_name(DERR_COUNT), "?");
}
END_TEST

START_TEST(ethernet_too_short)
{
	uint8_t b[13] = { 0 };
	struct decoded d;
	ck_assert_int_eq(decode_packet(DECODE_DLT_EN10MB, b, sizeof(b), &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_LINK);
}
END_TEST

START_TEST(ipv4_rejections)
{
	struct decoded d;
	struct pkt p = { .n = 0 };
	put_ipv4(&p, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&p, 40000, 53, "hello");
	/* shorter than a header */
	ck_assert_int_eq(decode_packet(DECODE_DLT_IPV4, p.b, 19, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV4);
	/* wrong version under DLT_IPV4 */
	struct pkt b = p;
	b.b[0] = 0x65;
	ck_assert_int_eq(dec(DECODE_DLT_IPV4, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV4);
	/* IHL below 5 */
	b = p;
	b.b[0] = 0x44;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV4);
	/* IHL beyond the packet */
	b = p;
	b.b[0] = 0x4f;
	ck_assert_int_eq(decode_packet(DECODE_DLT_RAW, b.b, 40, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV4);
	/* total length below the header */
	b = p;
	b.b[2] = 0;
	b.b[3] = 10;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV4);
	/* total length 0 (offload): the captured length is used */
	b = p;
	b.b[2] = 0;
	b.b[3] = 0;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &b, &d), DECODE_L4);
	check_udp_hello(&d);
	/* total length beyond the capture (snap length): what is there is used */
	b = p;
	b.b[2] = 0x05;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &b, &d), DECODE_L4);
	check_udp_hello(&d);
	/* neither 4 nor 6, and nothing at all */
	b = p;
	b.b[0] = 0x55;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV4);
	ck_assert_int_eq(decode_packet(DECODE_DLT_RAW, p.b, 0, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_TRUNCATED);
	/* ICMP is valid and not ours */
	struct pkt ic = { .n = 0 };
	put_ipv4(&ic, IPPROTO_ICMP, 0, 8, 1, 0);
	put32(&ic, 0x08000000);
	put32(&ic, 0);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &ic, &d), DECODE_OTHER);
}
END_TEST

START_TEST(udp_and_tcp_rejections)
{
	struct decoded d;
	struct pkt p = { .n = 0 };
	put_ipv4(&p, IPPROTO_UDP, 0, 7, 1, 0);
	put(&p, "\x9c\x40\x00\x35\x00\x07\x00", 7);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &p, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_UDP);
	/* UDP length field below 8 */
	struct pkt u = { .n = 0 };
	put_ipv4(&u, IPPROTO_UDP, 0, 13, 1, 0);
	put_udp(&u, 40000, 53, "hello");
	u.b[24] = 0;
	u.b[25] = 4;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &u, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_UDP);
	/* UDP length beyond the datagram: what is there is used */
	u.b[25] = 200;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &u, &d), DECODE_L4);
	check_udp_hello(&d);
	/* UDP length shorter than the datagram: the UDP length wins (dns-zlip) */
	u.b[25] = 8;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &u, &d), DECODE_L4);
	ck_assert_uint_eq(d.payload_len, 0);

	struct pkt t = { .n = 0 };
	put_ipv4(&t, IPPROTO_TCP, 0, 19, 1, 0);
	put(&t, "0123456789012345678", 19);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &t, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_TCP);
	struct pkt t2 = { .n = 0 };
	put_ipv4(&t2, IPPROTO_TCP, 0, 20, 1, 0);
	put_tcp(&t2, 1, 80, 0, "");
	t2.b[32] = 4 << 4; /* data offset 16 */
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &t2, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_TCP);
	t2.b[32] = 15 << 4; /* data offset 60 > 20 */
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &t2, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_TCP);
}
END_TEST

START_TEST(ipv6_extension_headers)
{
	struct decoded d;
	/* hop-by-hop (8), routing (16), destination options (8), then UDP */
	struct pkt p = { .n = 0 };
	put_ipv6(&p, 0, 8 + 16 + 8 + 13);
	put8(&p, 43); put8(&p, 0); put16(&p, 0); put32(&p, 0);
	put8(&p, 60); put8(&p, 1); put16(&p, 0); put32(&p, 0); put32(&p, 0); put32(&p, 0);
	put8(&p, IPPROTO_UDP); put8(&p, 0); put16(&p, 0); put32(&p, 0);
	put_udp(&p, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &p, &d), DECODE_L4);
	check_udp_hello(&d);
	/* an extension header longer than what is left */
	struct pkt b = p;
	b.b[41] = 200;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &b, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	/* a chain longer than the cap */
	struct pkt c = { .n = 0 };
	put_ipv6(&c, 60, 8 * 10 + 13);
	for (int i = 0; i < 10; i++) {
		put8(&c, i == 9 ? IPPROTO_UDP : 60);
		put8(&c, 0); put16(&c, 0); put32(&c, 0);
	}
	put_udp(&c, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &c, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	/* an extension header cut short (less than 8 bytes left) */
	struct pkt s = { .n = 0 };
	put_ipv6(&s, 0, 4);
	put32(&s, 0x11000000);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &s, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	/* a fragment header cut short */
	struct pkt f = { .n = 0 };
	put_ipv6(&f, 44, 4);
	put32(&f, 0x11000000);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &f, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	/* no next header */
	struct pkt n = { .n = 0 };
	put_ipv6(&n, 59, 0);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &n, &d), DECODE_OTHER);
	/* an IPv6 header cut short, and a wrong version under DLT_IPV6 */
	ck_assert_int_eq(decode_packet(DECODE_DLT_RAW, p.b, 39, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6);
	struct pkt v = p;
	v.b[0] = 0x45;
	ck_assert_int_eq(dec(DECODE_DLT_IPV6, &v, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6);
}
END_TEST

/* An HTTP request behind each extension header (hop-by-hop 0, routing 43, destination
 * options 60, an atomic fragment 44) on its own and chained, is found: the decoder walks
 * the chain to TCP. The chain is bounded (DECODE_MAX_EXTHDR headers pass, one more is
 * refused), and a header cut short anywhere in it is refused. */
static const char http_get[] = "GET /casino/ HTTP/1.1\r\nHost: a.example\r\n\r\n";

static void put_ext(struct pkt *p, uint8_t type, uint8_t next)
{
	if (type == 44) { /* atomic fragment: offset 0, M = 0 */
		put8(p, next); put8(p, 0); put16(p, 0); put32(p, 0xabcd);
	} else if (type == 43) { /* routing, 16 bytes (type 4 segment routing shape) */
		put8(p, next); put8(p, 1); put8(p, 4); put8(p, 0); put32(p, 0);
		put32(p, 0); put32(p, 0);
	} else { /* hop-by-hop or destination options: 8 bytes of PadN */
		put8(p, next); put8(p, 0); put8(p, 1); put8(p, 4); put32(p, 0);
	}
}

static size_t ext_len(uint8_t type)
{
	return type == 43 ? 16 : 8;
}

static void check_http(const struct decoded *d)
{
	ck_assert_uint_eq(d->l4proto, IPPROTO_TCP);
	ck_assert_uint_eq(d->dport, 80);
	ck_assert_uint_eq(d->payload_len, strlen(http_get));
	ck_assert_int_eq(memcmp(d->payload, http_get, d->payload_len), 0);
}

START_TEST(ipv6_chain_to_tcp)
{
	struct decoded d;
	static const uint8_t types[] = { 0, 43, 60, 44 };
	size_t tl = 20 + strlen(http_get);
	for (size_t i = 0; i < sizeof(types); i++) {
		struct pkt p = { .n = 0 };
		put_ipv6(&p, types[i], ext_len(types[i]) + tl);
		put_ext(&p, types[i], IPPROTO_TCP);
		put_tcp(&p, 40000, 80, 0x18, http_get);
		ck_assert_int_eq(dec(DECODE_DLT_RAW, &p, &d), DECODE_L4);
		check_http(&d);
		/* the same header cut short: 4 bytes left where it starts */
		struct pkt s = { .n = 0 };
		put_ipv6(&s, types[i], 4);
		put32(&s, 0x06000000);
		ck_assert_int_eq(dec(DECODE_DLT_RAW, &s, &d), DECODE_MALFORMED);
		ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	}
	/* hop-by-hop, atomic fragment, routing, destination options, then TCP */
	struct pkt c = { .n = 0 };
	put_ipv6(&c, 0, 8 + 8 + 16 + 8 + tl);
	put_ext(&c, 0, 44);
	put_ext(&c, 44, 43);
	put_ext(&c, 43, 60);
	put_ext(&c, 60, IPPROTO_TCP);
	put_tcp(&c, 40000, 80, 0x18, http_get);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &c, &d), DECODE_L4);
	check_http(&d);
	/* the routing header's length overruns the packet in the middle of the chain */
	struct pkt r = c;
	r.b[40 + 8 + 8 + 1] = 100;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &r, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	/* a fragment header cut short in the middle of a chain */
	struct pkt f = { .n = 0 };
	put_ipv6(&f, 0, 8 + 4);
	put_ext(&f, 0, 44);
	put32(&f, 0x06000000);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &f, &d), DECODE_MALFORMED);
	ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	/* exactly DECODE_MAX_EXTHDR headers (atomic fragments count too) pass; one more does
	 * not */
	for (unsigned n = DECODE_MAX_EXTHDR; n <= DECODE_MAX_EXTHDR + 1; n++) {
		struct pkt m = { .n = 0 };
		put_ipv6(&m, 60, 8 * n + tl);
		for (unsigned k = 0; k < n; k++)
			put_ext(&m, k == 3 ? 44 : 60,
				k + 1 == n ? IPPROTO_TCP : k + 1 == 3 ? 44 : 60);
		put_tcp(&m, 40000, 80, 0x18, http_get);
		enum decode_result want = n == DECODE_MAX_EXTHDR ? DECODE_L4 : DECODE_MALFORMED;
		ck_assert_int_eq(dec(DECODE_DLT_RAW, &m, &d), want);
		if (want == DECODE_L4)
			check_http(&d);
		else
			ck_assert_int_eq(d.err, DERR_IPV6_EXT);
	}
	/* a real fragment (M set) behind hop-by-hop: a fragment, not an unfragmented packet */
	struct pkt g = { .n = 0 };
	put_ipv6(&g, 0, 8 + 8 + 8);
	put_ext(&g, 0, 44);
	put8(&g, IPPROTO_TCP); put8(&g, 0); put16(&g, 1); put32(&g, 77);
	put32(&g, 0); put32(&g, 0);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &g, &d), DECODE_FRAGMENT);
	ck_assert(d.frag_more);
	ck_assert_uint_eq(d.frag_id, 77);
	/* offset 0 with only reserved bits set is still atomic */
	struct pkt z = { .n = 0 };
	put_ipv6(&z, 44, 8 + tl);
	put8(&z, IPPROTO_TCP); put8(&z, 0); put16(&z, 0x0006); put32(&z, 1);
	put_tcp(&z, 40000, 80, 0x18, http_get);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &z, &d), DECODE_L4);
	check_http(&d);
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("link");
	tcase_add_test(tc, ethernet_ipv4_udp);
	tcase_add_test(tc, ipv4_options_and_tcp);
	tcase_add_test(tc, vlan_and_qinq);
	tcase_add_test(tc, llc_snap_and_pppoe);
	tcase_add_test(tc, linux_sll_and_sll2);
	tcase_add_test(tc, raw_and_loopback);
	tcase_add_test(tc, ppi_and_80211);
	tcase_add_test(tc, unknown_linktype);
	tcase_add_test(tc, ethernet_too_short);
	suite_add_tcase(s, tc);
	tc = tcase_create("ip");
	tcase_add_test(tc, ipv4_rejections);
	tcase_add_test(tc, udp_and_tcp_rejections);
	tcase_add_test(tc, ipv6_extension_headers);
	tcase_add_test(tc, ipv6_chain_to_tcp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(decode_suite(), NULL);
}
