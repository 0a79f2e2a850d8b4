/* Tests for connlimit.c beyond the caps test_http.c checks: clients told apart by
 * family as well as bytes, many clients sharing hash buckets, releases in any order,
 * the overall cap holding under threads racing for it, and the process-wide counter
 * that HTTP and TLS share (one counter, freed by its last user). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "connlimit.h"
#include "testutil.h"

static struct cg_addr addr(const char *s)
{
	struct cg_addr a;
	ck_assert_msg(addr_parse(s, &a) == 0, "%s", s);
	return a;
}

/* Client i of many: 10.x.y.z, or 2001:db8:0:xyz::1 (a /64 each) when v6. */
static struct cg_addr client(unsigned i, bool v6)
{
	struct cg_addr a;
	memset(&a, 0, sizeof a);
	if (v6) {
		a = addr("2001:db8::1");
		a.a[5] = (uint8_t)(i >> 16);
		a.a[6] = (uint8_t)(i >> 8);
		a.a[7] = (uint8_t)i;
	} else {
		a.family = AF_INET;
		a.a[0] = 10;
		a.a[1] = (uint8_t)(i >> 16);
		a.a[2] = (uint8_t)(i >> 8);
		a.a[3] = (uint8_t)i;
	}
	return a;
}

START_TEST(family_tells_clients_apart)
{
	struct connlimit *cl = connlimit_new();
	/* Same first four bytes, different families: two clients. */
	struct cg_addr v4 = addr("10.0.0.1"), v6 = addr("a00:1::");
	ck_assert_int_eq(memcmp(v4.a, v6.a, 4), 0);
	ck_assert(connlimit_acquire(cl, &v4, 0, 1));
	ck_assert(connlimit_acquire(cl, &v6, 0, 1));
	ck_assert(!connlimit_acquire(cl, &v4, 0, 1));
	ck_assert(!connlimit_acquire(cl, &v6, 0, 1));
	ck_assert_uint_eq(connlimit_total(cl), 2);
	connlimit_release(cl, &v6);
	ck_assert(!connlimit_acquire(cl, &v4, 0, 1)); /* v4 still counted */
	ck_assert(connlimit_acquire(cl, &v6, 0, 1));
	connlimit_free(cl); /* with clients still counted: frees them */
}
END_TEST

/* An IPv6 host can take any address of its /64 for each connection: the /64 is the
 * client. Another /64 is another client. */
START_TEST(v6_client_is_its_slash64)
{
	struct connlimit *cl = connlimit_new();
	struct cg_addr a1 = addr("2001:db8:1:2::1"), a2 = addr("2001:db8:1:2:ffff:1:2:3"),
		       a3 = addr("2001:db8:1:2:dead:beef::9"), other = addr("2001:db8:1:3::1");
	ck_assert(connlimit_acquire(cl, &a1, 0, 2));
	ck_assert(connlimit_acquire(cl, &a2, 0, 2));
	ck_assert(!connlimit_acquire(cl, &a3, 0, 2));
	ck_assert(connlimit_acquire(cl, &other, 0, 2));
	connlimit_release(cl, &a3); /* any address of the /64 gives one back */
	ck_assert(connlimit_acquire(cl, &a1, 0, 2));
	ck_assert(!connlimit_acquire(cl, &a2, 0, 2));
	ck_assert_uint_eq(connlimit_total(cl), 3);
	/* IPv4 clients stay per address. */
	struct cg_addr b1 = addr("192.0.2.1"), b2 = addr("192.0.2.2");
	ck_assert(connlimit_acquire(cl, &b1, 0, 1));
	ck_assert(connlimit_acquire(cl, &b2, 0, 1));
	connlimit_free(cl);
}
END_TEST

START_TEST(many_clients_any_release_order)
{
	enum { N = 10000 }; /* more than the buckets: chains of several */
	struct connlimit *cl = connlimit_new();
	for (unsigned i = 0; i < N; i++) {
		struct cg_addr a = client(i, i % 2);
		ck_assert(connlimit_acquire(cl, &a, 0, 2));
		ck_assert(connlimit_acquire(cl, &a, 0, 2));
		ck_assert(!connlimit_acquire(cl, &a, 0, 2));
	}
	ck_assert_uint_eq(connlimit_total(cl), 2 * N);
	/* Release one of each client's two, from the middle of the chains outwards. */
	for (unsigned k = 0; k < N; k++) {
		unsigned i = (k * 7919u) % N; /* 7919 is prime to N: every i once */
		struct cg_addr a = client(i, i % 2);
		connlimit_release(cl, &a);
	}
	ck_assert_uint_eq(connlimit_total(cl), N);
	for (unsigned i = 0; i < N; i++) { /* each has room for exactly one again */
		struct cg_addr a = client(i, i % 2);
		ck_assert(connlimit_acquire(cl, &a, 0, 2));
		ck_assert(!connlimit_acquire(cl, &a, 0, 2));
	}
	for (unsigned i = N; i-- > 0;) {
		struct cg_addr a = client(i, i % 2);
		connlimit_release(cl, &a);
		connlimit_release(cl, &a);
	}
	ck_assert_uint_eq(connlimit_total(cl), 0);
	/* A release of a client never counted changes nothing. */
	struct cg_addr stranger = addr("203.0.113.9");
	connlimit_release(cl, &stranger);
	ck_assert_uint_eq(connlimit_total(cl), 0);
	connlimit_free(cl);
	connlimit_free(NULL);
}
END_TEST

#define THREADS 4
#define TRIES 5000
#define CAP 7000

struct racer {
	struct connlimit *cl;
	unsigned id;
	unsigned won;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	for (unsigned i = 0; i < TRIES; i++) {
		struct cg_addr a = client(r->id * TRIES + i, false);
		if (connlimit_acquire(r->cl, &a, CAP, 0))
			r->won++;
	}
	return NULL;
}

static void *churn(void *arg)
{
	struct racer *r = arg;
	struct cg_addr a = client(r->id, true);
	for (unsigned i = 0; i < TRIES; i++) {
		if (connlimit_acquire(r->cl, &a, 0, 3)) {
			r->won++;
			connlimit_release(r->cl, &a);
		}
	}
	return NULL;
}

START_TEST(overall_cap_holds_under_threads)
{
	struct connlimit *cl = connlimit_new();
	struct racer r[THREADS];
	pthread_t t[THREADS];
	for (unsigned i = 0; i < THREADS; i++) {
		r[i] = (struct racer){ .cl = cl, .id = i };
		ck_assert_int_eq(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	unsigned won = 0;
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		won += r[i].won;
	}
	ck_assert_uint_eq(won, CAP); /* exactly the cap, of THREADS * TRIES attempts */
	ck_assert_uint_eq(connlimit_total(cl), CAP);
	for (unsigned i = 0; i < THREADS * TRIES; i++) {
		struct cg_addr a = client(i, false);
		connlimit_release(cl, &a);
	}
	ck_assert_uint_eq(connlimit_total(cl), 0);

	/* Acquire and release racing on shared clients: every one balances out. */
	for (unsigned i = 0; i < THREADS; i++) {
		r[i] = (struct racer){ .cl = cl, .id = i % 2 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn, &r[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_uint_eq(r[i].won, TRIES); /* two threads a client, cap 3: always room */
	}
	ck_assert_uint_eq(connlimit_total(cl), 0);
	connlimit_free(cl);
}
END_TEST

START_TEST(shared_counter_is_one_and_freed_by_its_last_user)
{
	struct connlimit *http = connlimit_shared();
	struct connlimit *tls = connlimit_shared();
	ck_assert_ptr_eq(http, tls);
	struct cg_addr a = addr("192.0.2.7");
	/* One client, cap 2 per client: HTTP takes one, TLS the other, then no more. */
	ck_assert(connlimit_acquire(http, &a, 0, 2));
	ck_assert(connlimit_acquire(tls, &a, 0, 2));
	ck_assert(!connlimit_acquire(http, &a, 0, 2));
	ck_assert_uint_eq(connlimit_total(tls), 2);
	/* A private counter is not the shared one: giving it back frees nothing. */
	struct connlimit *own = connlimit_new();
	connlimit_shared_put(own);
	connlimit_shared_put(NULL);
	ck_assert_uint_eq(connlimit_total(own), 0);
	connlimit_free(own);
	/* HTTP stops: TLS still has the counter, with its counts. */
	connlimit_shared_put(http);
	ck_assert_uint_eq(connlimit_total(tls), 2);
	connlimit_release(tls, &a);
	ck_assert_uint_eq(connlimit_total(tls), 1);
	/* TLS stops too: the counter is freed (ASan would report a leak otherwise), and
	 * the next user starts from zero. */
	connlimit_shared_put(tls);
	struct connlimit *next = connlimit_shared();
	ck_assert_uint_eq(connlimit_total(next), 0);
	ck_assert(connlimit_acquire(next, &a, 0, 1));
	connlimit_shared_put(next);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("connlimit");
	TCase *tc = tcase_create("connlimit");
	tcase_add_test(tc, family_tells_clients_apart);
	tcase_add_test(tc, v6_client_is_its_slash64);
	tcase_add_test(tc, many_clients_any_release_order);
	tcase_add_test(tc, overall_cap_holds_under_threads);
	tcase_add_test(tc, shared_counter_is_one_and_freed_by_its_last_user);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
