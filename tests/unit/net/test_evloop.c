/* Tests for evloop.c: the worker count, worker threads that start, run what is put on
 * their base from another thread (also after idling with nothing to do), keep signals
 * for the main thread, and stop and free cleanly (also a set never started); the
 * SO_REUSEPORT listening sockets on loopback, and their errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "evloop.h"
#include "testutil.h"

#define WORKERS 3

START_TEST(default_count_is_the_usable_cpus_at_most_8)
{
	cpu_set_t set;
	ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
	unsigned cpus = (unsigned)CPU_COUNT(&set);
	unsigned n = evloop_default_count();
	ck_assert_uint_eq(n, cpus > 8 ? 8 : cpus);
	/* Pinned to one CPU, one worker. */
	cpu_set_t one;
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set)) {
			CPU_SET(c, &one);
			break;
		}
	ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
	ck_assert_uint_eq(evloop_default_count(), 1);
	ck_assert_int_eq(sched_setaffinity(0, sizeof set, &set), 0);
}
END_TEST

/* What a callback saw on the worker that ran it. */
struct ran {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int count;
	pthread_t who[WORKERS];
	char name[WORKERS][16];
	bool sigterm_blocked[WORKERS];
};

struct job {
	struct ran *ran;
	int slot;
};

static void on_job(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;
	struct ran *r = j->ran;
	sigset_t cur;
	(void)fd;
	(void)what;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	pthread_mutex_lock(&r->lock);
	r->who[j->slot] = pthread_self();
	pthread_getname_np(pthread_self(), r->name[j->slot], sizeof r->name[j->slot]);
	r->sigterm_blocked[j->slot] = sigismember(&cur, SIGTERM) == 1;
	r->count++;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* Wait until count callbacks have run, at most 10 s; returns the count reached. */
static int wait_count(struct ran *r, int count)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&r->lock);
	while (r->count < count)
		if (pthread_cond_timedwait(&r->cond, &r->lock, &until) == ETIMEDOUT)
			break;
	int n = r->count;
	pthread_mutex_unlock(&r->lock);
	return n;
}

static void ran_init(struct ran *r)
{
	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
}

static void ran_free(struct ran *r)
{
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
}

/* Put one job on every worker's base, from this (another) thread. */
static void post_jobs(struct evloops *ls, struct job *jobs, struct ran *r)
{
	struct timeval now = { 0, 0 };
	for (unsigned i = 0; i < ls->n; i++) {
		jobs[i].ran = r;
		jobs[i].slot = (int)i;
		ck_assert_int_eq(event_base_once(ls->w[i].base, -1, EV_TIMEOUT, on_job, &jobs[i],
						 &now), 0);
	}
}

START_TEST(workers_run_callbacks_and_stop)
{
	struct evloops ls;
	const char *err = NULL;
	struct ran r;
	struct job jobs[WORKERS];
	ran_init(&r);
	ck_assert_int_eq(evloops_init(&ls, WORKERS, &err), 0);
	ck_assert_uint_eq(ls.n, WORKERS);
	for (unsigned i = 0; i < ls.n; i++) {
		ck_assert_ptr_nonnull(ls.w[i].base);
		ck_assert(!ls.w[i].started);
	}
	ck_assert_int_eq(evloops_start(&ls), 0);
	/* With nothing to do, the loops keep running (they do not exit when empty). */
	usleep(200 * 1000);
	post_jobs(&ls, jobs, &r);
	ck_assert_int_eq(wait_count(&r, WORKERS), WORKERS);
	for (unsigned i = 0; i < ls.n; i++) {
		ck_assert(ls.w[i].started);
		/* Each job ran on its own worker's thread, not here. */
		ck_assert(pthread_equal(r.who[i], ls.w[i].thread));
		ck_assert(!pthread_equal(r.who[i], pthread_self()));
		ck_assert_str_eq(r.name[i], "cg-proxy");
		ck_assert_msg(r.sigterm_blocked[i], "worker %u takes signals", i);
	}
	/* A second round, to the same workers. */
	post_jobs(&ls, jobs, &r);
	ck_assert_int_eq(wait_count(&r, 2 * WORKERS), 2 * WORKERS);

	/* Join: the threads end, the bases stay usable from here. */
	evloops_join(&ls);
	for (unsigned i = 0; i < ls.n; i++)
		ck_assert(!ls.w[i].started);
	post_jobs(&ls, jobs, &r);
	for (unsigned i = 0; i < ls.n; i++)
		ck_assert_int_eq(event_base_loop(ls.w[i].base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(wait_count(&r, 3 * WORKERS), 3 * WORKERS);
	for (unsigned i = 0; i < ls.n; i++)
		ck_assert(pthread_equal(r.who[i], pthread_self()));

	evloops_stop(&ls);
	ck_assert_ptr_null(ls.w);
	ck_assert_uint_eq(ls.n, 0);
	evloops_stop(&ls); /* twice: nothing left to do */
	ran_free(&r);
}
END_TEST

START_TEST(stop_without_start)
{
	struct evloops ls;
	const char *err = NULL;
	ck_assert_int_eq(evloops_init(&ls, 2, &err), 0);
	evloops_join(&ls); /* nothing started: returns at once */
	evloops_stop(&ls);
	ck_assert_ptr_null(ls.w);
	/* Zero workers: an empty set that stops as well. */
	ck_assert_int_eq(evloops_init(&ls, 0, &err), 0);
	ck_assert_uint_eq(ls.n, 0);
	ck_assert_int_eq(evloops_start(&ls), 0);
	evloops_stop(&ls);
	ck_assert_ptr_null(ls.w);
}
END_TEST

/* The port a socket is bound to. */
static uint16_t bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof v;
	ck_assert_int_eq(getsockopt(fd, level, name, &v, &l), 0);
	return v;
}

/* A client connects to e and the listener fd accepts it. */
static void connect_accept(const struct cg_endpoint *e, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(e, &ss);
	int c = socket(ss.ss_family, SOCK_STREAM, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&ss, sl), 0);
	int s = -1;
	for (int i = 0; i < 200 && s < 0; i++) { /* non-blocking listener */
		s = accept(fd, NULL, NULL);
		if (s < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			usleep(10 * 1000);
		}
	}
	ck_assert_int_ge(s, 0);
	close(s);
	close(c);
}

START_TEST(listen_v4_reuseport)
{
	struct cg_endpoint e;
	const char *err = NULL;
	ck_assert_int_eq(addr_parse("127.0.0.1", &e.addr), 0);
	e.port = 0;
	int a = evloop_listen(&e, &err);
	ck_assert_msg(a >= 0, "%s", err);
	e.port = bound_port(a);
	ck_assert_uint_gt(e.port, 0);
	ck_assert(fcntl(a, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(a, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(sockopt(a, SOL_SOCKET, SO_ACCEPTCONN), 1);
	ck_assert_int_eq(sockopt(a, SOL_SOCKET, SO_REUSEPORT), 1);
	ck_assert_int_eq(sockopt(a, SOL_SOCKET, SO_REUSEADDR), 1);
	/* Every worker gets its own socket on the same address. */
	int b = evloop_listen(&e, &err);
	ck_assert_msg(b >= 0, "second listener: %s", err);
	ck_assert_uint_eq(bound_port(b), e.port);
	/* A connection arrives at one of them; with b gone, at a. */
	close(b);
	connect_accept(&e, a);
	close(a);
}
END_TEST

START_TEST(listen_v6_only)
{
	struct cg_endpoint e;
	const char *err = NULL;
	ck_assert_int_eq(addr_parse("::1", &e.addr), 0);
	e.port = 0;
	int a = evloop_listen(&e, &err);
	ck_assert_msg(a >= 0, "[::1]: %s", err);
	e.port = bound_port(a);
	ck_assert_int_eq(sockopt(a, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	ck_assert_int_eq(sockopt(a, SOL_SOCKET, SO_REUSEPORT), 1);
	connect_accept(&e, a);
	close(a);
}
END_TEST

START_TEST(listen_errors)
{
	struct cg_endpoint e;
	const char *err = NULL;
	/* A port held by a socket without SO_REUSEPORT: in use. */
	int h = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(h, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(h, 1), 0);
	ck_assert_int_eq(getsockname(h, (struct sockaddr *)&sin, &sl), 0);
	ck_assert_int_eq(addr_parse("127.0.0.1", &e.addr), 0);
	e.port = ntohs(sin.sin_port);
	ck_assert_int_eq(evloop_listen(&e, &err), -1);
	ck_assert_str_eq(err, "address already in use");
	close(h);
	/* An address this host does not have (TEST-NET-1): cannot bind, unless the host
	 * allows binding to foreign addresses (net.ipv4.ip_nonlocal_bind). */
	err = NULL;
	ck_assert_int_eq(addr_parse("192.0.2.1", &e.addr), 0);
	e.port = 0;
	size_t len;
	char *nonlocal = tu_read_file("/proc/sys/net/ipv4/ip_nonlocal_bind", &len);
	int fd = evloop_listen(&e, &err);
	if (nonlocal && nonlocal[0] == '1') {
		ck_assert_msg(fd >= 0, "%s", err);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
		ck_assert_str_eq(err, "cannot bind");
	}
	free(nonlocal);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("evloop");
	TCase *tc = tcase_create("evloop");
	tcase_add_test(tc, default_count_is_the_usable_cpus_at_most_8);
	tcase_add_test(tc, workers_run_callbacks_and_stop);
	tcase_add_test(tc, stop_without_start);
	tcase_add_test(tc, listen_v4_reuseport);
	tcase_add_test(tc, listen_v6_only);
	tcase_add_test(tc, listen_errors);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
