/* Tests for flow.c: lookup in both directions, in-order and out-of-order reassembly of
 * client bytes, every limit (per flow, in total, flows, idle time), and flat memory over
 * a long generated stream of flows. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "testutil.h"

/* A client -> server segment of connection number n (distinct client ports/addresses). */
static void seg(struct decoded *d, uint32_t n, bool to_server)
{
	memset(d, 0, sizeof(*d));
	struct cg_addr cli = { .family = AF_INET, .a = { 10, (uint8_t)(n >> 16),
							  (uint8_t)(n >> 8), (uint8_t)n } };
	struct cg_addr srv = { .family = AF_INET, .a = { 192, 0, 2, 1 } };
	uint16_t cport = (uint16_t)(1024 + n % 50000), sport = 80;
	d->ip_version = 4;
	d->l4proto = IPPROTO_TCP;
	if (to_server) {
		d->src = cli;
		d->dst = srv;
		d->sport = cport;
		d->dport = sport;
	} else {
		d->src = srv;
		d->dst = cli;
		d->sport = sport;
		d->dport = cport;
	}
}

START_TEST(lookup_both_directions)
{
	struct flow_table *t = flow_table_new(NULL);
	struct decoded d;
	bool fc;
	seg(&d, 1, true);
	ck_assert_ptr_null(flow_get(t, &d, 0, false, true, &fc));
	struct flow *f = flow_get(t, &d, 0, true, true, &fc);
	ck_assert_ptr_nonnull(f);
	ck_assert(fc);
	ck_assert_uint_eq(f->cport, d.sport);
	ck_assert_uint_eq(f->sport, 80);
	seg(&d, 1, false);
	ck_assert_ptr_eq(flow_get(t, &d, 1, false, false, &fc), f);
	ck_assert(!fc);
	/* another connection is another flow */
	seg(&d, 2, true);
	struct flow *g = flow_get(t, &d, 2, true, true, &fc);
	ck_assert_ptr_ne(g, f);
	/* created from the server's side: the destination is the client */
	seg(&d, 3, false);
	struct flow *h = flow_get(t, &d, 3, true, false, &fc);
	ck_assert(!fc);
	ck_assert_uint_eq(h->sport, 80);
	ck_assert_uint_eq(h->cli.a[3], 3);
	struct flow_stats st;
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.created, 3);
	ck_assert_uint_eq(st.active, 3);
	flow_close(t, g);
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.active, 2);
	ck_assert_uint_eq(st.closed, 1);
	flow_table_free(t);
}
END_TEST

START_TEST(in_order_and_retransmissions)
{
	struct flow_table *t = flow_table_new(NULL);
	struct decoded d;
	bool fc;
	seg(&d, 1, true);
	struct flow *f = flow_get(t, &d, 0, true, true, &fc);
	flow_stream_syn(&f->cs, 999);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 1000, (const uint8_t *)"GET ", 4), 4);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 1004, (const uint8_t *)"/ HTTP", 6), 6);
	/* a full retransmission adds nothing, a partial one only what is new */
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 1000, (const uint8_t *)"GET ", 4), 0);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 1008, (const uint8_t *)"TP/1", 4), 2);
	ck_assert_uint_eq(f->cs.len, 12);
	ck_assert_int_eq(memcmp(f->cs.buf, "GET / HTTP/1", 12), 0);
	flow_stream_consume(t, &f->cs, 4);
	ck_assert_uint_eq(f->cs.len, 8);
	ck_assert_int_eq(memcmp(f->cs.buf, "/ HTTP/1", 8), 0);
	/* consuming more than is buffered skips the rest as it arrives */
	flow_stream_consume(t, &f->cs, 8 + 3);
	ck_assert_uint_eq(f->cs.len, 0);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 1012, (const uint8_t *)"xyzGET", 6), 3);
	ck_assert_int_eq(memcmp(f->cs.buf, "GET", 3), 0);
	flow_table_free(t);
}
END_TEST

START_TEST(sequence_wraps)
{
	struct flow_table *t = flow_table_new(NULL);
	struct decoded d;
	bool fc;
	seg(&d, 1, true);
	struct flow *f = flow_get(t, &d, 0, true, true, &fc);
	flow_stream_syn(&f->cs, 0xfffffffd);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 0xfffffffe, (const uint8_t *)"abcd", 4), 4);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 2, (const uint8_t *)"ef", 2), 2);
	ck_assert_int_eq(memcmp(f->cs.buf, "abcdef", 6), 0);
	flow_table_free(t);
}
END_TEST

START_TEST(out_of_order)
{
	struct flow_table *t = flow_table_new(NULL);
	struct decoded d;
	bool fc;
	seg(&d, 1, true);
	struct flow *f = flow_get(t, &d, 0, true, true, &fc);
	flow_stream_syn(&f->cs, 99);
	/* the third and second pieces come before the first */
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 108, (const uint8_t *)"89", 2), 0);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 104, (const uint8_t *)"4567", 4), 0);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 104, (const uint8_t *)"4567", 4), 0);
	ck_assert_uint_eq(f->cs.n_ooo, 2);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 100, (const uint8_t *)"0123", 4), 10);
	ck_assert_uint_eq(f->cs.len, 10);
	ck_assert_int_eq(memcmp(f->cs.buf, "0123456789", 10), 0);
	ck_assert_uint_eq(f->cs.n_ooo, 0);
	struct flow_stats st;
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.ooo_queued, 2);
	/* far ahead of the window: not kept */
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 110 + (2u << 20), (const uint8_t *)"z", 1), 0);
	/* more queued pieces than allowed */
	for (uint32_t i = 0; i < 12; i++)
		flow_stream_data(t, &f->cs, 120 + 10 * i, (const uint8_t *)"q", 1);
	flow_get_stats(t, &st);
	ck_assert_uint_ge(st.ooo_dropped, 1 + 4);
	ck_assert_uint_eq(f->cs.n_ooo, 8);
	/* releasing the flow's data gives back its bytes */
	flow_release_data(t, f);
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.buffered, 0);
	flow_table_free(t);
}
END_TEST

START_TEST(per_flow_and_total_limits)
{
	struct flow_limits lim = { .max_flow_bytes = 100, .max_total_bytes = 150 };
	struct flow_table *t = flow_table_new(&lim);
	struct decoded d;
	bool fc;
	uint8_t data[300];
	memset(data, 'a', sizeof(data));
	seg(&d, 1, true);
	struct flow *f = flow_get(t, &d, 0, true, true, &fc);
	flow_stream_syn(&f->cs, 0);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 1, data, 300), 100);
	ck_assert_uint_eq(f->cs.len, 100);
	struct flow_stats st;
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.overflow, 200);
	ck_assert_uint_le(st.buffered, 150);
	/* a second flow cannot take more than what is left in total */
	seg(&d, 2, true);
	struct flow *g = flow_get(t, &d, 0, true, true, &fc);
	flow_stream_syn(&g->cs, 0);
	ck_assert_uint_eq(flow_stream_data(t, &g->cs, 1, data, 100), 0);
	flow_get_stats(t, &st);
	ck_assert_uint_le(st.buffered, 150);
	ck_assert_uint_le(st.peak_buffered, 150);
	/* nor queue out-of-order bytes beyond it */
	ck_assert_uint_eq(flow_stream_data(t, &g->cs, 1000, data, 100), 0);
	flow_get_stats(t, &st);
	ck_assert_uint_ge(st.ooo_dropped, 1);
	flow_table_free(t);
}
END_TEST

/* The server's stream is reassembled on its own sequence, apart from the client's, and
 * counts against the same limits. */
START_TEST(server_stream_apart)
{
	struct flow_limits lim = { .max_flow_bytes = 100, .max_total_bytes = 1000 };
	struct flow_table *t = flow_table_new(&lim);
	struct decoded d;
	bool fc;
	seg(&d, 1, true);
	struct flow *f = flow_get(t, &d, 0, true, true, &fc);
	flow_stream_syn(&f->cs, 10);
	flow_stream_syn(&f->ss, 5000);
	ck_assert_uint_eq(flow_stream_data(t, &f->cs, 11, (const uint8_t *)"ask", 3), 3);
	ck_assert_uint_eq(flow_stream_data(t, &f->ss, 5004, (const uint8_t *)"wer", 3), 0);
	ck_assert_uint_eq(flow_stream_data(t, &f->ss, 5001, (const uint8_t *)"ans", 3), 6);
	ck_assert_uint_eq(f->ss.len, 6);
	ck_assert_int_eq(memcmp(f->ss.buf, "answer", 6), 0);
	ck_assert_uint_eq(f->cs.len, 3);
	ck_assert_int_eq(memcmp(f->cs.buf, "ask", 3), 0);
	uint8_t big[300];
	memset(big, 'b', sizeof(big));
	ck_assert_uint_eq(flow_stream_data(t, &f->ss, 5007, big, sizeof(big)), 94);
	struct flow_stats st;
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.overflow, 206);
	flow_stream_release(t, &f->ss);
	ck_assert_uint_eq(f->ss.len, 0);
	ck_assert_uint_eq(f->cs.len, 3);
	flow_release_data(t, f);
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.buffered, 0);
	flow_table_free(t);
}
END_TEST

#define S 1000000LL /* one second in µs */

START_TEST(lru_eviction_and_expiry)
{
	struct flow_limits lim = { .max_flows = 3, .timeout_s = 10 };
	struct flow_table *t = flow_table_new(&lim);
	struct decoded d;
	bool fc;
	struct flow *f[4];
	for (uint32_t i = 0; i < 3; i++) {
		seg(&d, i, true);
		f[i] = flow_get(t, &d, (int64_t)i * S, true, true, &fc);
	}
	/* touch flow 0, so that flow 1 is the least recently used */
	seg(&d, 0, false);
	ck_assert_ptr_eq(flow_get(t, &d, 5 * S, false, true, &fc), f[0]);
	seg(&d, 3, true);
	f[3] = flow_get(t, &d, 6 * S, true, true, &fc);
	struct flow_stats st;
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.active, 3);
	ck_assert_uint_eq(st.evicted, 1);
	seg(&d, 1, true);
	ck_assert_ptr_null(flow_get(t, &d, 7 * S, false, true, &fc));
	seg(&d, 0, true);
	ck_assert_ptr_eq(flow_get(t, &d, 7 * S, false, true, &fc), f[0]);
	/* at 16 s + 1 µs flows 2 (last used at 2 s) and 3 (6 s) are idle too long */
	flow_expire(t, 16 * S + 1);
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.expired, 2);
	ck_assert_uint_eq(st.active, 1);
	flow_expire(t, 17 * S + 1);
	flow_get_stats(t, &st);
	ck_assert_uint_eq(st.active, 0);
	flow_table_free(t);
}
END_TEST

/* A long capture of many short flows, each sending some bytes and often never closing:
 * the table and its buffers never pass their limits. */
START_TEST(memory_stays_flat)
{
	struct flow_limits lim = { .max_flows = 1000, .timeout_s = 30,
				   .max_flow_bytes = 4096, .max_total_bytes = 1 << 20 };
	struct flow_table *t = flow_table_new(&lim);
	struct decoded d;
	bool fc;
	uint8_t data[1400];
	memset(data, 'x', sizeof(data));
	struct flow_stats st;
	for (uint32_t n = 0; n < 200000; n++) {
		int64_t now = (int64_t)n * 1000; /* 1000 flows per second */
		seg(&d, n, true);
		struct flow *f = flow_get(t, &d, now, true, true, &fc);
		flow_stream_syn(&f->cs, n);
		flow_stream_data(t, &f->cs, n + 1, data, sizeof(data));
		flow_stream_data(t, &f->cs, n + 1 + 3000, data, sizeof(data)); /* a gap */
		if (n % 3 == 0)
			flow_close(t, f);
		if (n % 997 == 0) {
			flow_get_stats(t, &st);
			ck_assert_uint_le(st.active, 1000);
			ck_assert_uint_le(st.buffered, 1 << 20);
		}
	}
	flow_get_stats(t, &st);
	ck_assert_uint_le(st.peak_active, 1000);
	ck_assert_uint_le(st.peak_buffered, 1 << 20);
	ck_assert_uint_eq(st.created, 200000);
	ck_assert_uint_eq(st.created, st.active + st.closed + st.evicted + st.expired);
	ck_assert_uint_gt(st.evicted, 0);
	flow_table_free(t);
}
END_TEST

static Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("flow");
	tcase_set_timeout(tc, 120); /* 200,000 flows under ASan */
	tcase_add_test(tc, lookup_both_directions);
	tcase_add_test(tc, in_order_and_retransmissions);
	tcase_add_test(tc, sequence_wraps);
	tcase_add_test(tc, out_of_order);
	tcase_add_test(tc, per_flow_and_total_limits);
	tcase_add_test(tc, server_stream_apart);
	tcase_add_test(tc, lru_eviction_and_expiry);
	tcase_add_test(tc, memory_stays_flat);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(flow_suite(), NULL);
}
