/* Tests for ipfrag.c: IPv4 and IPv6 fragments decoded and reassembled in any order,
 * within the reassembly's limits (every rejection counted), and timed out by capture
 * time. Packets from support/pkt_support.c. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "ipfrag.h"
#include "pkt_support.h"
#include "testutil.h"

START_TEST(ipv6_fragments)
{
	struct decoded d;
	/* atomic fragment (offset 0, no M): decoded through */
	struct pkt a = { .n = 0 };
	put_ipv6(&a, 44, 8 + 13);
	put8(&a, IPPROTO_UDP); put8(&a, 0); put16(&a, 0); put32(&a, 7);
	put_udp(&a, 40000, 53, "hello");
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &a, &d), DECODE_L4);
	check_udp_hello(&d);
	/* first fragment of two */
	struct pkt f = { .n = 0 };
	put_ipv6(&f, 44, 8 + 8);
	put8(&f, IPPROTO_UDP); put8(&f, 0); put16(&f, 1); put32(&f, 0x12345678);
	put(&f, "\x9c\x40\x00\x35\x00\x0d\x00\x00", 8);
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &f, &d), DECODE_FRAGMENT);
	ck_assert_uint_eq(d.frag_id, 0x12345678);
	ck_assert_uint_eq(d.frag_offset, 0);
	ck_assert(d.frag_more);
	ck_assert_uint_eq(d.l4proto, IPPROTO_UDP);
	ck_assert_uint_eq(d.payload_len, 8);

	struct ipfrag *fr = ipfrag_new(NULL);
	const uint8_t *out;
	size_t out_len;
	ck_assert_int_eq(ipfrag_add(fr, &d, 1000, &out, &out_len), 0);
	struct pkt g = { .n = 0 };
	put_ipv6(&g, 44, 8 + 5);
	put8(&g, IPPROTO_UDP); put8(&g, 0); put16(&g, 8); put32(&g, 0x12345678);
	put(&g, "hello", 5);
	struct decoded d2;
	ck_assert_int_eq(dec(DECODE_DLT_RAW, &g, &d2), DECODE_FRAGMENT);
	ck_assert_uint_eq(d2.frag_offset, 8);
	ck_assert(!d2.frag_more);
	ck_assert_int_eq(ipfrag_add(fr, &d2, 2000, &out, &out_len), 1);
	ck_assert_uint_eq(out_len, 13);
	ck_assert_int_eq(decode_transport(6, d2.l4proto, out, out_len, &d2), DECODE_L4);
	check_udp_hello(&d2);
	ipfrag_free(fr);
}
END_TEST

/* IPv4 fragment of a UDP datagram: data at byte offset off (a multiple of 8). */
static void ipv4_frag(struct decoded *d, uint8_t *store, uint16_t id, uint16_t off,
		      bool more, const char *data, size_t n)
{
	struct pkt p = { .n = 0 };
	put_ipv4(&p, IPPROTO_UDP, 0, n, id, (uint16_t)((more ? 0x2000 : 0) | off / 8));
	put(&p, data, n);
	memcpy(store, p.b, p.n);
	ck_assert_int_eq(decode_packet(DECODE_DLT_RAW, store, p.n, d), DECODE_FRAGMENT);
}

START_TEST(ipv4_reassembly_in_any_order)
{
	static const char dgram[] = "\x9c\x40\x00\x35\x00\x1c\x00\x00"
				    "0123456789abcdefghij";
	struct ipfrag *fr = ipfrag_new(NULL);
	struct decoded d;
	uint8_t s[128];
	const uint8_t *out;
	size_t out_len;
	/* last piece first, then the middle, then the first */
	ipv4_frag(&d, s, 9, 24, false, dgram + 24, 4);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	ipv4_frag(&d, s, 9, 8, true, dgram + 8, 16);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	/* a duplicate of the middle changes nothing */
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	ipv4_frag(&d, s, 9, 0, true, dgram, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 1);
	ck_assert_uint_eq(out_len, 28);
	ck_assert_int_eq(memcmp(out, dgram, 28), 0);
	ck_assert_int_eq(decode_transport(4, IPPROTO_UDP, out, out_len, &d), DECODE_L4);
	ck_assert_uint_eq(d.payload_len, 20);
	struct ipfrag_stats st;
	ipfrag_get_stats(fr, &st);
	ck_assert_uint_eq(st.fragments, 4);
	ck_assert_uint_eq(st.reassembled, 1);
	ck_assert_uint_eq(st.rejected, 0);
	ipfrag_free(fr);
}
END_TEST

START_TEST(ipfrag_rejections_and_limits)
{
	struct ipfrag_limits lim = { .max_datagrams = 2, .max_bytes = 64, .max_frags = 2,
				     .timeout_s = 5 };
	struct ipfrag *fr = ipfrag_new(&lim);
	struct decoded d;
	uint8_t s[256];
	char data[128];
	memset(data, 'x', sizeof(data));
	const uint8_t *out;
	size_t out_len;
	struct ipfrag_stats st;
	/* beyond max_bytes */
	ipv4_frag(&d, s, 1, 64, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), -1);
	/* an empty piece with more to come */
	ipv4_frag(&d, s, 1, 0, true, data, 0);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), -1);
	/* an empty last piece at offset 0 (not a fragment on the wire; built by hand) */
	d.frag_more = false;
	d.frag_offset = 0;
	d.payload_len = 0;
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), -1);
	/* two last pieces that disagree on the total */
	ipv4_frag(&d, s, 2, 16, false, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	ipv4_frag(&d, s, 2, 32, false, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), -1);
	/* a piece beyond the known total */
	ipv4_frag(&d, s, 3, 8, false, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	ipv4_frag(&d, s, 3, 16, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), -1);
	/* more distinct pieces than max_frags */
	ipv4_frag(&d, s, 4, 0, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	ipv4_frag(&d, s, 4, 16, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), 0);
	ipv4_frag(&d, s, 4, 32, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 0, &out, &out_len), -1);
	ipfrag_get_stats(fr, &st);
	ck_assert_uint_eq(st.rejected, 6);
	/* more datagrams than slots: the oldest is evicted */
	ipv4_frag(&d, s, 10, 0, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 1, &out, &out_len), 0);
	ipv4_frag(&d, s, 11, 0, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 2, &out, &out_len), 0);
	ipv4_frag(&d, s, 12, 0, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 3, &out, &out_len), 0);
	ipfrag_get_stats(fr, &st);
	ck_assert_uint_ge(st.evicted, 1);
	/* the evicted datagram (10) cannot complete any more */
	ipv4_frag(&d, s, 10, 8, false, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 4, &out, &out_len), 0);
	/* an old datagram times out (capture time) */
	ipv4_frag(&d, s, 20, 0, true, data, 8);
	ck_assert_int_eq(ipfrag_add(fr, &d, 10 * 1000000, &out, &out_len), 0);
	ipfrag_get_stats(fr, &st);
	ck_assert_uint_ge(st.timeouts, 1);
	ipfrag_free(fr);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ipfrag");
	TCase *tc = tcase_create("ipfrag");
	tcase_add_test(tc, ipv6_fragments);
	tcase_add_test(tc, ipv4_reassembly_in_any_order);
	tcase_add_test(tc, ipfrag_rejections_and_limits);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
