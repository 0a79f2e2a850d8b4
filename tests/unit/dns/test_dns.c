/* Tests for dns.c: the server run in-process on loopback with real worker threads:
 * the configured cache limits divided among the workers, max_pending answered with
 * SERVFAIL beyond it, a new policy picked up by the workers without a settings reload,
 * and a snapshot released last on a serving thread handed to the publisher to free. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "dns.h"
#include "dns_write.h"
#include "dns_worker.h"
#include "policy.h"
#include "testutil.h"
#include "util.h"

/* A loopback port free for both UDP and TCP (the server listens on both): the kernel's
 * pick for UDP may be a port some TCP connection on the machine is using. */
static uint16_t free_udp_port(void)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET};
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
		socklen_t sl = sizeof sa;
		getsockname(fd, (struct sockaddr *)&sa, &sl);
		int tfd = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1;
		setsockopt(tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		int ok = bind(tfd, (struct sockaddr *)&sa, sizeof sa) == 0;
		close(tfd);
		close(fd);
		if (ok)
			return ntohs(sa.sin_port);
	}
	ck_abort_msg("no loopback port free for both UDP and TCP");
	return 0;
}

struct env {
	char *dir;
	struct config *cfg;
	struct dns_server *srv;
	uint16_t port;
	int silent_fd; /* an upstream that never answers, or -1 */
};

/* A config and policy blocking the names in list, served on a free port. */
static void env_start(struct env *e, const char *list, const char *extra, bool silent_up)
{
	char conf[2048];
	memset(e, 0, sizeof *e);
	e->dir = tu_tmpdir();
	char *lp = tu_write_file(e->dir, "a.list", list);
	e->port = free_udp_port();
	uint16_t up = free_udp_port();
	e->silent_fd = -1;
	if (silent_up) {
		e->silent_fd = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(up)};
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(bind(e->silent_fd, (struct sockaddr *)&sa, sizeof sa), 0);
	}
	snprintf(conf, sizeof conf,
		 "[dns]\nlisten = 127.0.0.1:%u\nupstream = 127.0.0.1:%u\nrate_limit_qps = 0\n%s\n"
		 "[category adult]\nlist = %s\n[group default]\nblock = adult\n",
		 e->port, up, extra, lp);
	struct diag d;
	diag_init(&d);
	e->cfg = config_parse(conf, strlen(conf), "test.conf", &d);
	if (!e->cfg)
		diag_print(&d, stderr);
	ck_assert_ptr_nonnull(e->cfg);
	struct policy *p = policy_build(e->cfg, &d);
	ck_assert_ptr_nonnull(p);
	diag_free(&d);
	policy_publish(p);
	const char *err = NULL;
	e->srv = dns_server_new(e->cfg, NULL, &err);
	ck_assert_msg(e->srv != NULL, "dns_server_new: %s", err ? err : "?");
	ck_assert_int_eq(dns_server_run(e->srv), 0);
	free(lp);
}

static void env_stop(struct env *e)
{
	dns_server_stop(e->srv);
	policy_publish(NULL);
	config_free(e->cfg);
	if (e->silent_fd >= 0)
		close(e->silent_fd);
	tu_rmtree(e->dir);
	free(e->dir);
}

static int client(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

static void send_query(int fd, uint16_t port, uint16_t id, const char *name)
{
	uint8_t q[512];
	size_t n = dns_build_query(q, sizeof q, id, DNS_FLAG_RD, name, strlen(name), DNS_TYPE_A,
				   DNS_CLASS_IN, false);
	ck_assert_uint_gt(n, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(sendto(fd, q, n, 0, (struct sockaddr *)&sa, sizeof sa), (ssize_t)n);
}

/* The rcode of the next answer within ms, or -1. */
static int recv_rcode(int fd, int ms)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	uint8_t r[4096];
	if (poll(&pf, 1, ms) != 1)
		return -1;
	ssize_t n = recv(fd, r, sizeof r, 0);
	return n >= 12 ? r[3] & 0xf : -1;
}

static int ask(uint16_t port, const char *name)
{
	int fd = client();
	send_query(fd, port, 0x1234, name);
	int rc = recv_rcode(fd, 3000);
	close(fd);
	return rc;
}

START_TEST(cache_limits_divided_among_workers)
{
	struct env e;
	env_start(&e, "bad.test\n", "threads = 2\ncache_entries = 1000\ncache_max_mb = 4\n", false);
	ck_assert_uint_eq(e.srv->n_workers, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(e.srv->workers[i].set.cache_entries, 500);
		ck_assert_uint_eq(e.srv->workers[i].set.cache_max_bytes, (size_t)2 << 20);
	}
	ck_assert_int_eq(ask(e.port, "bad.test"), DNS_RCODE_NXDOMAIN);
	env_stop(&e);
}
END_TEST

/* A server stopped right after it starts: a stop that reaches a worker before its loop
 * runs must still end it (a loopbreak sent then was lost, and the join hung). */
START_TEST(stop_right_after_start)
{
	for (int i = 0; i < 40; i++) {
		struct env e;
		env_start(&e, "bad.test\n", "threads = 4\n", false);
		env_stop(&e);
	}
}
END_TEST

START_TEST(max_pending_answers_servfail)
{
	struct env e;
	env_start(&e, "bad.test\n", "threads = 1\ntimeout_ms = 5000\nmax_pending = 16\n", true);
	int fd = client();
	char name[64];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "n%d.ok.test", i);
		send_query(fd, e.port, (uint16_t)(i + 1), name);
	}
	/* 16 wait for the silent upstream (5 s); the other 24 get SERVFAIL at once. */
	int servfail = 0, rc;
	while ((rc = recv_rcode(fd, 1000)) >= 0)
		servfail += rc == DNS_RCODE_SERVFAIL;
	ck_assert_int_eq(servfail, 24);
	ck_assert_uint_eq(e.srv->workers[0].st.overflow, 24);
	close(fd);
	env_stop(&e);
}
END_TEST

struct holder {
	struct policy *p;
	unsigned hold_ms;
};

/* A serving thread that holds the only other reference for a while. */
static void *hold_then_release(void *arg)
{
	struct holder *h = arg;
	policy_thread_serving();
	usleep(h->hold_ms * 1000);
	policy_unref(h->p); /* the last reference: must not be freed on this thread */
	return NULL;
}

START_TEST(new_policy_reaches_workers_and_old_freed_by_publisher)
{
	struct env e;
	env_start(&e, "bad.test\n", "threads = 2\n", false);
	ck_assert_int_eq(ask(e.port, "bad.test"), DNS_RCODE_NXDOMAIN);
	ck_assert_int_ne(ask(e.port, "other.test"), DNS_RCODE_NXDOMAIN);
	unsigned long g = policy_generation();

	/* A second snapshot blocking other.test; a serving thread keeps the first alive
	 * for 300 ms after it is replaced. */
	char *lp = tu_write_file(e.dir, "a.list", "bad.test\nother.test\n");
	free(lp);
	struct diag d;
	diag_init(&d);
	struct policy *p2 = policy_build(e.cfg, &d);
	diag_free(&d);
	ck_assert_ptr_nonnull(p2);
	struct holder h = {policy_acquire(), 300};
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, hold_then_release, &h), 0);
	uint64_t t0 = now_mono_ns();
	policy_publish(p2);
	uint64_t took_ms = (now_mono_ns() - t0) / 1000000;
	pthread_join(t, NULL);
	ck_assert_uint_eq(policy_generation(), g + 1);
	/* The publisher waited for the serving thread to let go (and freed it then), but
	 * not for the whole second it allows. */
	ck_assert_uint_ge(took_ms, 200);
	ck_assert_uint_lt(took_ms, 950);
	/* No settings reload: the workers see the new snapshot by its generation. */
	ck_assert_int_eq(ask(e.port, "other.test"), DNS_RCODE_NXDOMAIN);
	ck_assert_int_eq(ask(e.port, "bad.test"), DNS_RCODE_NXDOMAIN);
	for (size_t i = 0; i < e.srv->n_workers; i++)
		ck_assert_uint_eq(e.srv->workers[i].policy_gen, g + 1); /* idle ones too (tick) */
	env_stop(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("server");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cache_limits_divided_among_workers);
	tcase_add_test(tc, stop_right_after_start);
	tcase_add_test(tc, max_pending_answers_servfail);
	tcase_add_test(tc, new_policy_reaches_workers_and_old_freed_by_publisher);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
