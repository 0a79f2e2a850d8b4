/* Tests for splice.c on real loopback TCP connections: bytes relayed both ways, a
 * half-close passed on while the other direction keeps going, a large transfer both
 * ways at once arriving intact, backpressure from a reader that stops, the idle
 * timeout, a reset peer, and splice_free. The relay runs on its own thread; the test
 * plays both ends with blocking sockets (receive timeouts, so a stuck relay fails). */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "splice.h"
#include "testutil.h"

#define SMALL_BUF (64 * 1024)

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_timeout(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
}

static void set_bufs(int fd, int bytes)
{
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes), 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes), 0);
}

/* A connected loopback TCP pair: *outer is the test's end (blocking, 10 s timeouts),
 * *inner the relay's (non-blocking, as the front ends hand it over). Small socket
 * buffers when small, so that backpressure shows after little data. */
static void tcp_pair(int *outer, int *inner, bool small)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sin;
	ck_assert_int_ge(l, 0);
	if (small)
		set_bufs(l, SMALL_BUF); /* inherited by the accepted socket */
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sin, &sl), 0);
	*outer = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(*outer, 0);
	if (small)
		set_bufs(*outer, SMALL_BUF);
	ck_assert_int_eq(connect(*outer, (struct sockaddr *)&sin, sizeof sin), 0);
	*inner = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ck_assert_int_ge(*inner, 0);
	close(l);
	set_timeout(*outer, 10000);
}

/* A relay between two pairs, its loop on a thread of its own. */
struct relay {
	struct event_base *base;
	pthread_t thread;
	int a, b;             /* the test's ends */
	int a_in, b_in;       /* the relay's ends (closed by the splice) */
	struct splice *sp;
	atomic_int done;      /* times the done callback ran */
	atomic_llong done_ms; /* when it ran */
};

static void on_done(void *arg)
{
	struct relay *r = arg;
	r->done_ms = now_ms();
	r->done++;
}

/* The loop returns when the splice's events are gone (done, or freed). */
static void *loop_main(void *arg)
{
	struct relay *r = arg;
	event_base_dispatch(r->base);
	return NULL;
}

static void relay_start(struct relay *r, bool small, unsigned idle_ms)
{
	memset(r, 0, sizeof *r);
	tcp_pair(&r->a, &r->a_in, small);
	tcp_pair(&r->b, &r->b_in, small);
	if (small) {
		set_bufs(r->a_in, SMALL_BUF);
		set_bufs(r->b_in, SMALL_BUF);
	}
	r->base = event_base_new();
	ck_assert_ptr_nonnull(r->base);
	r->sp = splice_start(r->base, r->a_in, r->b_in, idle_ms, on_done, r);
	ck_assert_ptr_nonnull(r->sp);
	ck_assert_int_eq(pthread_create(&r->thread, NULL, loop_main, r), 0);
}

/* Wait for the relay's loop to end (the splice finished) and free the rest. */
static void relay_end(struct relay *r)
{
	ck_assert_int_eq(pthread_join(r->thread, NULL), 0);
	event_base_free(r->base);
	close(r->a);
	if (r->b >= 0)
		close(r->b);
}

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		ck_assert_msg(n > 0, "send: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

static void recv_exact(int fd, char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);
		ck_assert_msg(n > 0, "recv after %zu of %zu bytes: %s", got, len,
			      n == 0 ? "EOF" : strerror(errno));
		got += (size_t)n;
	}
}

/* The next read on fd sees the end of the stream (not a timeout). */
static void expect_eof(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, 0);
	ck_assert_msg(n == 0, "want EOF, got %zd (%s)", n, n < 0 ? strerror(errno) : "data");
}

/* A closed descriptor (the splice owns and closes its sockets). */
static bool fd_closed(int fd)
{
	return fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

START_TEST(relays_both_ways_and_passes_half_close_on)
{
	struct relay r;
	char buf[64];
	relay_start(&r, false, 0);
	send_all(r.a, "hello", 5);
	recv_exact(r.b, buf, 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	send_all(r.b, "world!", 6);
	recv_exact(r.a, buf, 6);
	ck_assert_int_eq(memcmp(buf, "world!", 6), 0);

	/* a is done sending: b sees the end, and b -> a still flows. */
	ck_assert_int_eq(shutdown(r.a, SHUT_WR), 0);
	expect_eof(r.b);
	send_all(r.b, "after the half-close", 20);
	recv_exact(r.a, buf, 20);
	ck_assert_int_eq(memcmp(buf, "after the half-close", 20), 0);
	ck_assert_int_eq(r.done, 0);

	/* b is done too: a sees the end, the relay finishes once and closes its ends. */
	ck_assert_int_eq(shutdown(r.b, SHUT_WR), 0);
	expect_eof(r.a);
	relay_end(&r);
	ck_assert_int_eq(r.done, 1);
	ck_assert(fd_closed(r.a_in));
	ck_assert(fd_closed(r.b_in));
}
END_TEST

/* A byte pattern that differs at every offset of a block and between directions. */
static uint8_t pattern(size_t i, unsigned seed)
{
	return (uint8_t)((i * 131u + (i >> 12) * 7u + seed) & 0xff);
}

struct writer {
	int fd;
	size_t total;
	unsigned seed;
	atomic_size_t sent;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint8_t buf[65536];
	while (w->sent < w->total) {
		size_t n = w->total - w->sent < sizeof buf ? w->total - w->sent : sizeof buf;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(w->sent + i, w->seed);
		ssize_t m = send(w->fd, buf, n, MSG_NOSIGNAL);
		if (m <= 0)
			return NULL; /* the reader's check reports the shortfall */
		w->sent += (size_t)m;
	}
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

/* Read fd to its end, checking every byte against the writer's pattern; returns the
 * count (the first wrong byte fails the test). */
static size_t read_check(int fd, unsigned seed)
{
	uint8_t buf[65536];
	size_t got = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		ck_assert_msg(n >= 0, "recv after %zu bytes: %s", got, strerror(errno));
		if (n == 0)
			return got;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(got + (size_t)i, seed))
				ck_abort_msg("byte %zu differs", got + (size_t)i);
		got += (size_t)n;
	}
}

struct reader {
	int fd;
	unsigned seed;
	size_t got;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	rd->got = read_check(rd->fd, rd->seed);
	return NULL;
}

START_TEST(large_transfer_both_ways_at_once_arrives_intact)
{
	const size_t total = 24u << 20;
	struct relay r;
	relay_start(&r, true, 0);
	struct writer wa = { .fd = r.a, .total = total, .seed = 1 };
	struct writer wb = { .fd = r.b, .total = total, .seed = 2 };
	struct reader rb = { .fd = r.a, .seed = 2 }; /* a reads what b wrote */
	pthread_t ta, tb, tr;
	ck_assert_int_eq(pthread_create(&ta, NULL, writer_main, &wa), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, writer_main, &wb), 0);
	ck_assert_int_eq(pthread_create(&tr, NULL, reader_main, &rb), 0);
	size_t got = read_check(r.b, 1); /* b reads what a wrote */
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tr, NULL);
	ck_assert_uint_eq(got, total);
	ck_assert_uint_eq(rb.got, total);
	relay_end(&r);
	ck_assert_int_eq(r.done, 1);
}
END_TEST

START_TEST(a_stopped_reader_stops_the_writer)
{
	const size_t total = 32u << 20;
	struct relay r;
	relay_start(&r, true, 0);
	struct writer w = { .fd = r.a, .total = total, .seed = 3 };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, writer_main, &w), 0);
	/* b reads nothing: the relay must stop taking from a once the pipe and the socket
	 * buffers are full, so the writer blocks far short of the total. */
	size_t before;
	do {
		before = w.sent;
		usleep(300 * 1000);
	} while (w.sent != before);
	ck_assert_msg(before < total / 4, "%zu bytes taken with nobody reading", before);
	ck_assert_uint_gt(before, 0);
	/* The reader comes back: everything arrives, in order. */
	ck_assert_uint_eq(read_check(r.b, 3), total);
	pthread_join(t, NULL);
	ck_assert_uint_eq(w.sent, total);
	ck_assert_int_eq(shutdown(r.b, SHUT_WR), 0);
	expect_eof(r.a);
	relay_end(&r);
	ck_assert_int_eq(r.done, 1);
}
END_TEST

START_TEST(idle_timeout_ends_a_silent_relay)
{
	const int idle_ms = 600;
	struct relay r;
	int64_t t0 = now_ms();
	relay_start(&r, false, idle_ms);
	/* Traffic every 100 ms keeps it alive well past its idle time. */
	char buf[8];
	for (int i = 0; i < 12; i++) {
		usleep(100 * 1000);
		send_all(r.a, "k", 1);
		recv_exact(r.b, buf, 1);
	}
	ck_assert_int_eq(r.done, 0);
	ck_assert_int_ge(now_ms() - t0, 2 * idle_ms);
	int64_t quiet = now_ms();
	/* Then silence: it ends between the idle time and 1.25 times it (with slack for a
	 * loaded machine: the last byte moved a little before quiet, the timer may be late),
	 * closing both ends. */
	expect_eof(r.a);
	expect_eof(r.b);
	relay_end(&r);
	ck_assert_int_eq(r.done, 1);
	int64_t idle = r.done_ms - quiet;
	ck_assert_msg(idle >= idle_ms - 50 && idle < idle_ms * 5 / 4 + 500,
		      "ended after %lld ms idle", (long long)idle);
}
END_TEST

START_TEST(reset_peer_ends_the_relay)
{
	struct relay r;
	char buf[8];
	relay_start(&r, false, 0);
	send_all(r.a, "x", 1);
	recv_exact(r.b, buf, 1);
	struct linger lg = { 1, 0 };
	ck_assert_int_eq(setsockopt(r.b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
	close(r.b); /* RST */
	r.b = -1;
	/* The relay notices at once (its read of b fails), ends, and a is closed: a's
	 * next read ends (EOF, or a reset if a's data was unread). */
	ssize_t n = recv(r.a, buf, 1, 0);
	ck_assert_msg(n == 0 || (n < 0 && errno == ECONNRESET), "recv: %zd %s", n,
		      n < 0 ? strerror(errno) : "");
	relay_end(&r);
	ck_assert_int_eq(r.done, 1);
	ck_assert(fd_closed(r.a_in));
	ck_assert(fd_closed(r.b_in));
}
END_TEST

START_TEST(free_stops_without_done)
{
	struct relay r;
	memset(&r, 0, sizeof r);
	tcp_pair(&r.a, &r.a_in, false);
	tcp_pair(&r.b, &r.b_in, false);
	r.base = event_base_new();
	r.sp = splice_start(r.base, r.a_in, r.b_in, 1000, on_done, &r);
	ck_assert_ptr_nonnull(r.sp);
	ck_assert_int_eq(event_base_loop(r.base, EVLOOP_NONBLOCK), 0);
	splice_free(r.sp);
	ck_assert_int_eq(r.done, 0);
	ck_assert(fd_closed(r.a_in));
	ck_assert(fd_closed(r.b_in));
	expect_eof(r.a);
	expect_eof(r.b);
	/* Nothing is left on the base: a loop returns at once (1: no events). */
	ck_assert_int_eq(event_base_loop(r.base, 0), 1);
	ck_assert_int_eq(r.done, 0);
	event_base_free(r.base);
	close(r.a);
	close(r.b);
	splice_free(NULL);
}
END_TEST

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* as the daemon does */
	Suite *s = suite_create("splice");
	TCase *tc = tcase_create("splice");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, relays_both_ways_and_passes_half_close_on);
	tcase_add_test(tc, large_transfer_both_ways_at_once_arrives_intact);
	tcase_add_test(tc, a_stopped_reader_stops_the_writer);
	tcase_add_test(tc, idle_timeout_ends_a_silent_relay);
	tcase_add_test(tc, reset_peer_ends_the_relay);
	tcase_add_test(tc, free_stops_without_done);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
