/* Unit tests for journal_limit.c: the per-client event limit, the summary at the end of
 * an interval (on the next event, or from the sweep), IPv6 clients by /64, a full table
 * handing out the summary of the client it forgets, and "0 = no limit". */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "journal_limit.h"
#include "testutil.h"

#define S 1000000000ull

static struct cg_addr ip(const char *s)
{
	struct cg_addr a;
	ck_assert_int_eq(addr_parse(s, &a), 0);
	return a;
}

struct sums {
	size_t n;
	uint64_t total;
	struct jlimit_summary last;
};

static void collect(void *arg, const struct jlimit_summary *s)
{
	struct sums *g = arg;
	g->n++;
	g->total += s->count;
	g->last = *s;
}

START_TEST(off_when_zero)
{
	ck_assert_ptr_null(jlimit_new(0, 60));
	ck_assert_ptr_null(jlimit_new(300, 0));
	jlimit_free(NULL);
}
END_TEST

START_TEST(limit_then_summary_on_next_event)
{
	struct jlimit *l = jlimit_new(3, 60);
	struct cg_addr a = ip("192.0.2.7"), b = ip("192.0.2.8");
	struct jlimit_summary due;
	bool have;
	for (int i = 0; i < 3; i++) {
		ck_assert(jlimit_take(l, &a, PROTO_DNS, 10 * S + (uint64_t)i, &due, &have));
		ck_assert(!have);
	}
	for (int i = 0; i < 5; i++)
		ck_assert(!jlimit_take(l, &a, PROTO_HTTP, 11 * S, &due, &have));
	ck_assert_uint_eq(jlimit_suppressed(l), 5);
	ck_assert_uint_eq(jlimit_next_ns(l), 70 * S);
	/* Another client is not affected. */
	ck_assert(jlimit_take(l, &b, PROTO_DNS, 12 * S, &due, &have));
	ck_assert(!have);
	/* The first event after the interval: written, and the summary is due first. */
	ck_assert(jlimit_take(l, &a, PROTO_DNS, 70 * S, &due, &have));
	ck_assert(have);
	ck_assert_uint_eq(due.count, 5);
	ck_assert_int_eq(due.proto, PROTO_HTTP);
	ck_assert_int_eq(memcmp(&due.client, &a, sizeof a), 0);
	/* Said once: the sweep has nothing left for it. */
	struct sums g = {0};
	jlimit_sweep(l, 500 * S, collect, &g);
	ck_assert_uint_eq(g.n, 0);
	jlimit_free(l);
}
END_TEST

START_TEST(sweep_at_interval_end)
{
	struct jlimit *l = jlimit_new(1, 60);
	struct cg_addr a = ip("198.51.100.1"), b = ip("198.51.100.2");
	struct jlimit_summary due;
	bool have;
	ck_assert(jlimit_take(l, &a, PROTO_DNS, 0, &due, &have));
	ck_assert(!jlimit_take(l, &a, PROTO_DNS, 1 * S, &due, &have));
	ck_assert(!jlimit_take(l, &a, PROTO_DNS, 2 * S, &due, &have));
	ck_assert(jlimit_take(l, &b, PROTO_TLS, 30 * S, &due, &have));
	ck_assert(!jlimit_take(l, &b, PROTO_TLS, 31 * S, &due, &have));
	struct sums g = {0};
	jlimit_sweep(l, 59 * S, collect, &g); /* nothing ended yet */
	ck_assert_uint_eq(g.n, 0);
	jlimit_sweep(l, 60 * S, collect, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.last.count, 2);
	ck_assert_uint_eq(jlimit_next_ns(l), 90 * S); /* b's interval */
	jlimit_sweep(l, 90 * S, collect, &g);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.last.count, 1);
	ck_assert_int_eq(g.last.proto, PROTO_TLS);
	ck_assert_uint_eq(jlimit_next_ns(l), UINT64_MAX);
	/* a starts afresh: its next event is written, with no summary owed. */
	ck_assert(jlimit_take(l, &a, PROTO_DNS, 100 * S, &due, &have));
	ck_assert(!have);
	jlimit_free(l);
}
END_TEST

START_TEST(v6_by_slash64)
{
	struct jlimit *l = jlimit_new(2, 60);
	struct cg_addr a1 = ip("2001:db8:5:6::1"), a2 = ip("2001:db8:5:6:aaaa::2"),
		       other = ip("2001:db8:5:7::1");
	struct jlimit_summary due;
	bool have;
	ck_assert(jlimit_take(l, &a1, PROTO_DNS, 0, &due, &have));
	ck_assert(jlimit_take(l, &a2, PROTO_DNS, 0, &due, &have));
	ck_assert(!jlimit_take(l, &a1, PROTO_DNS, 0, &due, &have));
	ck_assert(!jlimit_take(l, &a2, PROTO_DNS, 0, &due, &have));
	ck_assert(jlimit_take(l, &other, PROTO_DNS, 0, &due, &have));
	struct sums g = {0};
	jlimit_sweep(l, 60 * S, collect, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.total, 2);
	ck_assert_int_eq(memcmp(&g.last.client, &a2, sizeof a2), 0); /* the last address */
	jlimit_free(l);
}
END_TEST

/* Far more flooding clients than the table holds: every suppressed event is still
 * accounted for, by a summary handed out when its client is forgotten or by the sweep. */
START_TEST(full_table_never_loses_a_count)
{
	struct jlimit *l = jlimit_new(1, 60);
	struct sums g = {0};
	uint64_t said = 0;
	for (unsigned i = 0; i < 20000; i++) {
		struct cg_addr a = {.family = AF_INET,
				    .a = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
		struct jlimit_summary due;
		bool have;
		for (int k = 0; k < 3; k++) {
			jlimit_take(l, &a, PROTO_DNS, S + i, &due, &have);
			if (have)
				said += due.count;
		}
	}
	ck_assert_uint_eq(jlimit_suppressed(l), 40000);
	jlimit_sweep(l, UINT64_MAX, collect, &g);
	ck_assert_uint_eq(said + g.total, 40000);
	jlimit_free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal_limit");
	TCase *tc = tcase_create("journal_limit");
	tcase_add_test(tc, off_when_zero);
	tcase_add_test(tc, limit_then_summary_on_next_event);
	tcase_add_test(tc, sweep_at_interval_end);
	tcase_add_test(tc, v6_by_slash64);
	tcase_add_test(tc, full_table_never_loses_a_count);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
