/* Tests for dns_forward.c against fake upstreams on loopback driven by the same event
 * loop: random IDs and source ports, replies with a wrong ID, source or question
 * ignored, timeout then the next upstream, SERVFAIL then the next upstream, TC=1 then
 * TCP, every upstream failing, and cancellation. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "dns_forward.h"
#include "testutil.h"
#include "util.h"

enum fake_mode { FAKE_OK, FAKE_SILENT, FAKE_SERVFAIL, FAKE_TC, FAKE_NOISE };

struct fake {
	int fd, tcp_fd, other_fd;
	uint16_t port;
	enum fake_mode mode;
	unsigned seen;
	uint16_t ids[512];
	uint16_t src_ports[512];
	struct event *ev, *tev;
	bool saw_rd, saw_opt;
};

static size_t make_reply(const uint8_t *q, size_t qlen, uint8_t *out, int rcode, bool tc)
{
	struct dns_query pq;
	if (dns_query_parse(q, qlen, &pq) != DNS_OK)
		return 0;
	memcpy(out, q, pq.q_end);
	out[2] = (uint8_t)(0x80 | (q[2] & 0x01) | (tc ? 0x02 : 0));
	out[3] = (uint8_t)(0x80 | rcode);
	out[6] = 0, out[7] = (rcode == 0 && !tc) ? 1 : 0;
	out[8] = out[9] = out[10] = out[11] = 0;
	size_t n = pq.q_end;
	if (out[7]) {
		static const uint8_t rr[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7};
		memcpy(out + n, rr, sizeof rr);
		n += sizeof rr;
	}
	return n;
}

static void fake_read(evutil_socket_t fd, short what, void *arg)
{
	struct fake *f = arg;
	uint8_t q[1500], r[1600];
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	(void)what;
	ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
	if (n < 12)
		return;
	if (f->seen < 512) {
		f->ids[f->seen] = (uint16_t)(q[0] << 8 | q[1]);
		f->src_ports[f->seen] = ntohs(from.sin_port);
	}
	f->seen++;
	f->saw_rd = (q[2] & 1) != 0;
	f->saw_opt = q[11] == 1;
	size_t m;
	switch (f->mode) {
	case FAKE_SILENT:
		return;
	case FAKE_SERVFAIL:
		m = make_reply(q, (size_t)n, r, DNS_RCODE_SERVFAIL, false);
		break;
	case FAKE_TC:
		m = make_reply(q, (size_t)n, r, 0, true);
		break;
	case FAKE_NOISE:
		/* From another port: ignored. Wrong ID: ignored. Wrong question: ignored. */
		m = make_reply(q, (size_t)n, r, 0, false);
		sendto(f->other_fd, r, m, 0, (struct sockaddr *)&from, fl);
		r[1] ^= 0x55;
		sendto(fd, r, m, 0, (struct sockaddr *)&from, fl);
		r[1] ^= 0x55;
		r[13] ^= 0x01; /* first letter of the question name */
		sendto(fd, r, m, 0, (struct sockaddr *)&from, fl);
		r[13] ^= 0x01;
		break;
	default:
		m = make_reply(q, (size_t)n, r, 0, false);
		break;
	}
	sendto(fd, r, m, 0, (struct sockaddr *)&from, fl);
}

struct fake_conn {
	int fd;
	struct event *ev;
	size_t got;
	uint8_t buf[1600];
};

/* A framed query on an accepted connection: answer it whole, then close. */
static void fake_conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct fake_conn *c = arg;
	uint8_t r[1700];
	(void)what;
	ssize_t n = read(fd, c->buf + c->got, sizeof c->buf - c->got);
	if (n > 0)
		c->got += (size_t)n;
	bool whole = c->got >= 2 && c->got >= 2 + (size_t)(c->buf[0] << 8 | c->buf[1]);
	if (n > 0 && !whole)
		return;
	if (whole) {
		size_t m = make_reply(c->buf + 2, c->got - 2, r + 2, 0, false);
		r[0] = (uint8_t)(m >> 8);
		r[1] = (uint8_t)m;
		ck_assert_int_eq(write(fd, r, m + 2), (ssize_t)(m + 2));
	}
	event_free(c->ev);
	close(fd);
	free(c);
}

static void fake_accept(evutil_socket_t fd, short what, void *arg)
{
	struct fake *f = arg;
	(void)what;
	int cfd = accept(fd, NULL, NULL);
	if (cfd < 0)
		return;
	struct fake_conn *c = calloc(1, sizeof *c);
	c->fd = cfd;
	c->ev = event_new(event_get_base(f->ev), cfd, EV_READ | EV_PERSIST, fake_conn_read, c);
	event_add(c->ev, NULL);
}

/* A socket bound on loopback, or -1 when the port is taken. */
static int bind_lo(int type, uint16_t port)
{
	int fd = socket(AF_INET, type, 0), one = 1;
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void fake_start(struct fake *f, struct event_base *base, enum fake_mode mode)
{
	memset(f, 0, sizeof *f);
	f->mode = mode;
	/* The same port for UDP and TCP; other tests may hold the TCP one: try again. */
	for (int i = 0; i < 50; i++) {
		f->fd = bind_lo(SOCK_DGRAM, 0);
		ck_assert_int_ge(f->fd, 0);
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		getsockname(f->fd, (struct sockaddr *)&sa, &sl);
		f->port = ntohs(sa.sin_port);
		f->tcp_fd = bind_lo(SOCK_STREAM, f->port);
		if (f->tcp_fd >= 0)
			break;
		close(f->fd);
	}
	ck_assert_int_ge(f->tcp_fd, 0);
	ck_assert_int_eq(listen(f->tcp_fd, 8), 0);
	f->other_fd = bind_lo(SOCK_DGRAM, 0);
	ck_assert_int_ge(f->other_fd, 0);
	f->ev = event_new(base, f->fd, EV_READ | EV_PERSIST, fake_read, f);
	f->tev = event_new(base, f->tcp_fd, EV_READ | EV_PERSIST, fake_accept, f);
	event_add(f->ev, NULL);
	event_add(f->tev, NULL);
}

static void fake_stop(struct fake *f)
{
	event_free(f->ev);
	event_free(f->tev);
	close(f->fd);
	close(f->tcp_fd);
	close(f->other_fd);
}

static struct cg_endpoint ep_of(const struct fake *f)
{
	struct cg_endpoint e = {.addr = {.family = AF_INET, .a = {127, 0, 0, 1}}, .port = f->port};
	return e;
}

struct result {
	int calls;
	enum dns_forward_status st;
	uint8_t rcode;
	uint16_t ancount;
	struct event_base *base;
	int want;
};

static void on_done(void *arg, enum dns_forward_status st, uint8_t *reply, size_t len,
		    struct dns_reply_info *ri)
{
	struct result *r = arg;
	r->calls++;
	r->st = st;
	if (st == DNS_FWD_REPLY) {
		ck_assert_uint_ge(len, 12);
		ck_assert_ptr_nonnull(reply);
		r->rcode = ri->rcode;
		r->ancount = ri->ancount;
	}
	if (r->calls >= r->want && r->base)
		event_base_loopbreak(r->base);
}

static void run_until(struct event_base *base, struct result *r, int want)
{
	r->base = base;
	r->want = want;
	struct timeval tv = {5, 0};
	event_base_loopexit(base, &tv); /* a safety net: tests never hang */
	if (r->calls < want)
		event_base_dispatch(base);
}

static int distinct(const uint16_t *v, int n)
{
	int d = 0;
	for (int i = 0; i < n; i++) {
		bool seen = false;
		for (int k = 0; k < i; k++)
			seen |= v[k] == v[i];
		d += !seen;
	}
	return d;
}

START_TEST(reply_random_ids_and_ports)
{
	struct event_base *base = event_base_new();
	struct fake up;
	fake_start(&up, base, FAKE_OK);
	struct cg_endpoint e = ep_of(&up);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 1000);
	struct result r = {0};
	/* Warm up: 4096 queries open every slot of the pool and retire many sockets. Then
	 * 256 queries, 8 at a time: each picks a slot at random among 1024 (expect ~225
	 * distinct ports; a pool of 16 reused sockets gives at most 16). */
	int sent = 0;
	for (int round = 0; round < 512 + 32; round++) {
		if (round == 512)
			up.seen = 0;
		for (int i = 0; i < 8; i++, sent++)
			ck_assert_int_eq(dns_forward_query(f, "www.example.com", 15, DNS_TYPE_A, 1,
							   DNS_FLAG_RD, false, on_done, &r), 0);
		run_until(base, &r, sent);
	}
	ck_assert_int_eq(r.calls, sent);
	ck_assert_int_eq(r.st, DNS_FWD_REPLY);
	ck_assert_uint_eq(r.ancount, 1);
	ck_assert(up.saw_rd);
	ck_assert(up.saw_opt);
	ck_assert_uint_eq(up.seen, 256);
	int same_id = 0, sequential = 0;
	for (int i = 1; i < 256; i++) {
		same_id += up.ids[i] == up.ids[0];
		sequential += up.src_ports[i] == (uint16_t)(up.src_ports[i - 1] + 1);
	}
	ck_assert_int_lt(same_id, 3);
	ck_assert_int_ge(distinct(up.src_ports, 256), 200);
	ck_assert_int_lt(sequential, 8); /* not handed out in order */
	struct dns_forward_stats st;
	dns_forward_get_stats(f, &st);
	ck_assert_uint_eq(st.replies, (uint64_t)sent);
	ck_assert_uint_eq(st.pending, 0);
	dns_forward_free(f);
	fake_stop(&up);
	event_base_free(base);
}
END_TEST

/* A socket serves at most 8 queries, then a new one (a new random port) takes over:
 * with a single slot, 64 queries one after another use 8 ports, 8 times each in a row. */
START_TEST(sockets_are_renewed)
{
	struct event_base *base = event_base_new();
	struct fake up;
	fake_start(&up, base, FAKE_OK);
	struct cg_endpoint e = ep_of(&up);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 1000);
	dns_forward_set_limits(f, 0, 1);
	struct result r = {0};
	for (int i = 0; i < 64; i++) {
		ck_assert_int_eq(dns_forward_query(f, "a.example", 9, DNS_TYPE_A, 1, 0, false,
						   on_done, &r), 0);
		run_until(base, &r, i + 1);
	}
	ck_assert_uint_eq(up.seen, 64);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(up.src_ports[i], up.src_ports[i - i % 8]);
	ck_assert_int_ge(distinct(up.src_ports, 64), 7); /* the kernel may repeat one by chance */
	dns_forward_free(f);
	fake_stop(&up);
	event_base_free(base);
}
END_TEST

/* A flood while the upstream is silent: at most max_pending in flight, the rest refused
 * at once and counted; after the timeouts there is room again. */
START_TEST(pending_is_capped)
{
	struct event_base *base = event_base_new();
	struct fake dead, good;
	fake_start(&dead, base, FAKE_SILENT);
	fake_start(&good, base, FAKE_OK);
	struct cg_endpoint e = ep_of(&dead);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 100);
	dns_forward_set_limits(f, 4, 0);
	struct result r = {0};
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(dns_forward_query(f, "a.example", 9, 1, 1, 0, false, on_done, &r),
				 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(dns_forward_query(f, "b.example", 9, 1, 1, 0, false, on_done, &r),
				 -1);
	struct dns_forward_stats st;
	dns_forward_get_stats(f, &st);
	ck_assert_uint_eq(st.overflows, 3);
	ck_assert_uint_eq(st.pending, 4);
	run_until(base, &r, 4);
	ck_assert_int_eq(r.calls, 4);
	ck_assert_int_eq(r.st, DNS_FWD_FAILED);
	/* Room again once they are answered (here: failed). */
	struct cg_endpoint e2 = ep_of(&good);
	dns_forward_set_upstreams(f, &e2, 1, 800);
	ck_assert_int_eq(dns_forward_query(f, "c.example", 9, 1, 1, 0, false, on_done, &r), 0);
	run_until(base, &r, 5);
	ck_assert_int_eq(r.st, DNS_FWD_REPLY);
	dns_forward_get_stats(f, &st);
	ck_assert_uint_eq(st.overflows, 3);
	ck_assert_uint_eq(st.pending, 0);
	dns_forward_free(f);
	fake_stop(&dead);
	fake_stop(&good);
	event_base_free(base);
}
END_TEST

START_TEST(noise_is_ignored)
{
	struct event_base *base = event_base_new();
	struct fake up;
	fake_start(&up, base, FAKE_NOISE);
	struct cg_endpoint e = ep_of(&up);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 1000);
	struct result r = {0};
	dns_forward_query(f, "www.example.com", 15, DNS_TYPE_A, 1, DNS_FLAG_RD, false, on_done,
			  &r);
	run_until(base, &r, 1);
	ck_assert_int_eq(r.st, DNS_FWD_REPLY);
	struct dns_forward_stats st;
	dns_forward_get_stats(f, &st);
	ck_assert_uint_eq(st.bad_replies, 2);   /* wrong source, wrong question */
	ck_assert_uint_eq(st.unmatched, 1);     /* wrong ID */
	ck_assert_uint_eq(st.replies, 1);
	dns_forward_free(f);
	fake_stop(&up);
	event_base_free(base);
}
END_TEST

START_TEST(timeout_then_next_upstream)
{
	struct event_base *base = event_base_new();
	struct fake dead, servfail, good;
	fake_start(&dead, base, FAKE_SILENT);
	fake_start(&servfail, base, FAKE_SERVFAIL);
	fake_start(&good, base, FAKE_OK);
	struct cg_endpoint e[3] = {ep_of(&dead), ep_of(&servfail), ep_of(&good)};
	struct dns_forward *f = dns_forward_new(base, e, 3, 800); /* slack for a loaded machine */
	struct result r = {0};
	dns_forward_query(f, "a.example", 9, DNS_TYPE_AAAA, 1, DNS_FLAG_RD, true, on_done, &r);
	run_until(base, &r, 1);
	ck_assert_int_eq(r.st, DNS_FWD_REPLY);
	ck_assert_uint_eq(r.rcode, 0);
	ck_assert_uint_eq(dead.seen, 1);
	ck_assert_uint_eq(servfail.seen, 1);
	ck_assert_uint_eq(good.seen, 1);
	struct dns_forward_stats st;
	dns_forward_get_stats(f, &st);
	ck_assert_uint_eq(st.timeouts, 1);
	ck_assert_uint_eq(st.upstream_errors, 1);
	/* The one that worked is tried first from now on. */
	r.calls = 0;
	dns_forward_query(f, "b.example", 9, DNS_TYPE_A, 1, DNS_FLAG_RD, false, on_done, &r);
	run_until(base, &r, 1);
	ck_assert_uint_eq(good.seen, 2);
	ck_assert_uint_eq(dead.seen, 1);
	dns_forward_free(f);
	fake_stop(&dead);
	fake_stop(&servfail);
	fake_stop(&good);
	event_base_free(base);
}
END_TEST

START_TEST(all_fail_and_servfail_passes_when_last)
{
	struct event_base *base = event_base_new();
	struct fake dead, sf;
	fake_start(&dead, base, FAKE_SILENT);
	fake_start(&sf, base, FAKE_SERVFAIL);
	struct cg_endpoint e = ep_of(&dead);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 100);
	struct result r = {0};
	dns_forward_query(f, "a.example", 9, DNS_TYPE_A, 1, DNS_FLAG_RD, false, on_done, &r);
	run_until(base, &r, 1);
	ck_assert_int_eq(r.st, DNS_FWD_FAILED);
	ck_assert_uint_eq(dead.seen, 2); /* one upstream: tried twice */
	/* A reload to a SERVFAIL upstream: after its retry the SERVFAIL is passed on. */
	struct cg_endpoint e2 = ep_of(&sf);
	dns_forward_set_upstreams(f, &e2, 1, 800);
	r.calls = 0;
	dns_forward_query(f, "a.example", 9, DNS_TYPE_A, 1, DNS_FLAG_RD, false, on_done, &r);
	run_until(base, &r, 1);
	ck_assert_int_eq(r.st, DNS_FWD_REPLY);
	ck_assert_uint_eq(r.rcode, DNS_RCODE_SERVFAIL);
	/* No upstream at all: nothing can start. */
	dns_forward_set_upstreams(f, NULL, 0, 100);
	ck_assert_int_eq(dns_forward_query(f, "a.example", 9, 1, 1, 0, false, on_done, &r), -1);
	dns_forward_free(f);
	fake_stop(&dead);
	fake_stop(&sf);
	event_base_free(base);
}
END_TEST

START_TEST(truncated_then_tcp)
{
	struct event_base *base = event_base_new();
	struct fake up;
	fake_start(&up, base, FAKE_TC);
	struct cg_endpoint e = ep_of(&up);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 1000);
	struct result r = {0};
	dns_forward_query(f, "big.example", 11, DNS_TYPE_TXT, 1, DNS_FLAG_RD, false, on_done,
			  &r);
	run_until(base, &r, 1);
	ck_assert_int_eq(r.st, DNS_FWD_REPLY);
	ck_assert_uint_eq(r.ancount, 1); /* the TCP answer, not the truncated one */
	struct dns_forward_stats st;
	dns_forward_get_stats(f, &st);
	ck_assert_uint_eq(st.tcp_retries, 1);
	dns_forward_free(f);
	fake_stop(&up);
	event_base_free(base);
}
END_TEST

START_TEST(free_cancels_pending)
{
	struct event_base *base = event_base_new();
	struct fake dead;
	fake_start(&dead, base, FAKE_SILENT);
	struct cg_endpoint e = ep_of(&dead);
	struct dns_forward *f = dns_forward_new(base, &e, 1, 5000);
	struct result r = {0};
	for (int i = 0; i < 5; i++)
		dns_forward_query(f, "a.example", 9, 1, 1, 0, false, on_done, &r);
	dns_forward_free(f);
	ck_assert_int_eq(r.calls, 5);
	ck_assert_int_eq(r.st, DNS_FWD_CANCELLED);
	fake_stop(&dead);
	event_base_free(base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_forward");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, reply_random_ids_and_ports);
	tcase_add_test(tc, pending_is_capped);
	tcase_add_test(tc, sockets_are_renewed);
	tcase_add_test(tc, noise_is_ignored);
	tcase_add_test(tc, timeout_then_next_upstream);
	tcase_add_test(tc, all_fail_and_servfail_passes_when_last);
	tcase_add_test(tc, truncated_then_tcp);
	tcase_add_test(tc, free_cancels_pending);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
