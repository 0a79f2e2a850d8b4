/* Tests for dns_lookup.c (and the chain decision of dns_chain.c that it shares with the
 * DNS query path) against a fake upstream on loopback driven by the same event loop: the
 * addresses of both families, a CNAME into a listed name blocked (as soon as that answer
 * is in, with the chain as text and the verdict), a CNAME into an allowed name passed,
 * the request's path kept for the chain's names (a URL rule), NXDOMAIN, SERVFAIL, a
 * silent upstream, an answer that leads to too many names or cannot be parsed, no
 * upstream, cancellation, and freeing the base with lookups under way. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "dns_chain.h"
#include "dns_lookup.h"
#include "dns_msg.h"
#include "policy.h"
#include "testutil.h"
#include "util.h"

/* --- a fake upstream: answers by the question's name ------------------------------- */

struct fake {
	int fd;
	uint16_t port;
	struct event *ev;
	unsigned seen;
};

static size_t put_name(uint8_t *out, const char *name)
{
	int n = dns_name_to_wire(name, strlen(name), out);
	ck_assert_int_gt(n, 0);
	return (size_t)n;
}

/* One answer record: owner, type, then rdata (a name for CNAME, or raw bytes). */
static size_t put_rr(uint8_t *out, const char *owner, uint16_t type, const void *rd,
		     size_t rdlen)
{
	size_t n = put_name(out, owner);
	uint8_t *h = out + n;
	h[0] = (uint8_t)(type >> 8), h[1] = (uint8_t)type, h[2] = 0, h[3] = 1;
	h[4] = h[5] = 0, h[6] = 1, h[7] = 44; /* TTL 300 */
	n += 10;
	if (type == DNS_TYPE_CNAME) {
		rdlen = put_name(out + n, rd);
	} else {
		memcpy(out + n, rd, rdlen);
	}
	h[8] = (uint8_t)(rdlen >> 8), h[9] = (uint8_t)rdlen;
	return n + rdlen;
}

static const uint8_t v4[4] = {192, 0, 2, 7};
static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};

/* The answer section for name/qtype; *rcode set; returns the record count (-1: say
 * nothing). */
static int answer_for(const char *name, uint16_t qtype, uint8_t *out, size_t *len, int *rcode)
{
	const uint8_t *addr = qtype == DNS_TYPE_A ? v4 : v6;
	size_t alen = qtype == DNS_TYPE_A ? 4 : 16;
	int an = 0;
	*len = 0;
	*rcode = DNS_RCODE_NOERROR;
	if (strcmp(name, "silent.test") == 0)
		return -1;
	if (strcmp(name, "nx.test") == 0) {
		*rcode = DNS_RCODE_NXDOMAIN;
		return 0;
	}
	if (strcmp(name, "fail.test") == 0) {
		*rcode = DNS_RCODE_SERVFAIL;
		return 0;
	}
	if (strcmp(name, "v4only.test") == 0 && qtype == DNS_TYPE_AAAA)
		return 0; /* NODATA */
	if (strcmp(name, "alias.test") == 0 || strcmp(name, "alias2.test") == 0 ||
	    strcmp(name, "pathalias.test") == 0) {
		const char *to = name[0] == 'p' ? "url.test" : name[5] == '2' ? "ok.test" : "bet.test";
		*len += put_rr(out + *len, name, DNS_TYPE_CNAME, to, 0);
		*len += put_rr(out + *len, to, qtype, addr, alen);
		return 2;
	}
	if (strcmp(name, "late.test") == 0) {
		/* A: the address at once; AAAA: a chain into a listed name, and slowly */
		if (qtype == DNS_TYPE_AAAA)
			*len += put_rr(out + *len, name, DNS_TYPE_CNAME, "x.bet.test", 0), an++;
		*len += put_rr(out + *len, name, qtype, addr, alen);
		return an + 1;
	}
	if (strcmp(name, "long.test") == 0) {
		char from[32], to[32];
		for (int i = 0; i <= DNS_CHAIN_MAX_NAMES; i++) {
			snprintf(from, sizeof from, i ? "c%d.test" : "long.test", i);
			snprintf(to, sizeof to, "c%d.test", i + 1);
			*len += put_rr(out + *len, from, DNS_TYPE_CNAME, to, 0);
		}
		return DNS_CHAIN_MAX_NAMES + 1;
	}
	if (strcmp(name, "bad.test") == 0) {
		/* A CNAME whose target runs past its rdata: not inspectable */
		*len += put_rr(out + *len, name, DNS_TYPE_CNAME, "ok.test", 0);
		out[*len - 9] = 63;
		return 1;
	}
	*len += put_rr(out + *len, name, qtype, addr, alen);
	return 1;
}

static void fake_read(evutil_socket_t fd, short what, void *arg)
{
	struct fake *f = arg;
	uint8_t q[512], r[4096];
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	struct dns_query pq;
	(void)what;
	ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
	if (n < 12 || dns_query_parse(q, (size_t)n, &pq) != DNS_OK)
		return;
	f->seen++;
	size_t len;
	int rcode;
	int an = answer_for(pq.name, pq.qtype, r + pq.q_end, &len, &rcode);
	if (an < 0)
		return;
	if (strcmp(pq.name, "late.test") == 0 && pq.qtype == DNS_TYPE_AAAA)
		usleep(100000); /* the A answer is in first */
	memcpy(r, q, pq.q_end);
	r[2] = (uint8_t)(0x80 | (q[2] & 0x01));
	r[3] = (uint8_t)(0x80 | rcode);
	r[6] = 0, r[7] = (uint8_t)an;
	r[8] = r[9] = r[10] = r[11] = 0;
	sendto(fd, r, pq.q_end + len, 0, (struct sockaddr *)&from, fl);
}

static void fake_start(struct fake *f, struct event_base *base)
{
	memset(f, 0, sizeof *f);
	f->fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t sl = sizeof sa;
	getsockname(f->fd, (struct sockaddr *)&sa, &sl);
	f->port = ntohs(sa.sin_port);
	f->ev = event_new(base, f->fd, EV_READ | EV_PERSIST, fake_read, f);
	event_add(f->ev, NULL);
}

static void fake_stop(struct fake *f)
{
	event_free(f->ev);
	close(f->fd);
}

/* --- the policy: bet.test (and below) and the URL url.test/forbidden are listed ------ */

static char *dir;
static struct config *cfg;

static void setup(void)
{
	char conf[1024];
	dir = tu_tmpdir();
	char *lp = tu_write_file(dir, "g.list", "bet.test\nurl.test/forbidden\n");
	snprintf(conf, sizeof conf,
		 "[category gambling]\nlist = %s\n[group default]\nblock = gambling\n", lp);
	struct diag d;
	diag_init(&d);
	cfg = config_parse(conf, strlen(conf), "test.conf", &d);
	ck_assert_ptr_nonnull(cfg);
	struct policy *p = policy_build(cfg, &d);
	ck_assert_ptr_nonnull(p);
	diag_free(&d);
	policy_publish(p);
	free(lp);
}

static void teardown(void)
{
	policy_publish(NULL);
	config_free(cfg);
	tu_rmtree(dir);
	free(dir);
}

/* --- running lookups ---------------------------------------------------------------- */

struct got {
	int calls;
	enum dns_lookup_status status;
	struct cg_addr addrs[DNS_LOOKUP_MAX_ADDRS];
	size_t n_addrs;
	char chain[DNS_CHAIN_TEXT_MAX];
	char category[32];
	struct event_base *base;
};

static void on_result(void *arg, const struct dns_lookup_result *res)
{
	struct got *g = arg;
	g->calls++;
	g->status = res->status;
	g->n_addrs = res->n_addrs;
	memcpy(g->addrs, res->addrs, sizeof g->addrs);
	if (res->status == DNS_LOOKUP_BLOCKED) {
		ck_assert_ptr_nonnull(res->p);
		ck_assert_int_eq(res->v.action, ACTION_BLOCK);
		snprintf(g->chain, sizeof g->chain, "%s", res->chain);
		snprintf(g->category, sizeof g->category, "%s", res->v.category);
	} else {
		ck_assert(res->status == DNS_LOOKUP_OK || res->error != NULL);
	}
	event_base_loopbreak(g->base);
}

/* Look name up (with path, or none) through an upstream on port (0: none). */
static void lookup(const char *name, const char *path, uint16_t port, struct got *g)
{
	struct event_base *base = event_base_new();
	struct fake f;
	fake_start(&f, base);
	struct cg_endpoint ep = {.addr = {.family = AF_INET, .a = {127, 0, 0, 1}},
				 .port = port == 1 ? f.port : port};
	struct dns_lookup_base *b = dns_lookup_base_new(base, &ep, port ? 1 : 0, 300);
	struct request r = {.proto = PROTO_HTTP, .host = name, .host_len = strlen(name),
			    .path = path, .path_len = path ? strlen(path) : 0, .when = time(NULL)};
	r.client.family = AF_INET;
	memset(g, 0, sizeof *g);
	g->base = base;
	ck_assert_ptr_nonnull(dns_lookup_start(b, &r, on_result, g));
	ck_assert_int_eq(g->calls, 0); /* never from inside the start */
	struct timeval tv = {5, 0};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	ck_assert_int_eq(g->calls, 1);
	dns_lookup_base_free(b);
	fake_stop(&f);
	event_base_free(base);
}

START_TEST(both_families)
{
	struct got g;
	lookup("ok.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_OK);
	ck_assert_uint_eq(g.n_addrs, 2);
	ck_assert_int_eq(g.addrs[0].family, AF_INET); /* A first */
	ck_assert_mem_eq(g.addrs[0].a, v4, 4);
	ck_assert_int_eq(g.addrs[1].family, AF_INET6);
	ck_assert_mem_eq(g.addrs[1].a, v6, 16);
	lookup("v4only.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_OK);
	ck_assert_uint_eq(g.n_addrs, 1);
}
END_TEST

START_TEST(cname_to_listed_is_blocked)
{
	struct got g;
	lookup("alias.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_BLOCKED);
	ck_assert_str_eq(g.chain, "CNAME chain alias.test -> bet.test");
	ck_assert_str_eq(g.category, "gambling");
	ck_assert_uint_eq(g.n_addrs, 0);
	lookup("alias2.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_OK);
	ck_assert_uint_eq(g.n_addrs, 2);
}
END_TEST

START_TEST(a_later_answer_blocks)
{
	/* The A answer is clean; the AAAA one (later) leads to a listed name. */
	struct got g;
	lookup("late.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_BLOCKED);
	ck_assert_str_eq(g.chain, "CNAME chain late.test -> x.bet.test");
}
END_TEST

START_TEST(path_is_kept_for_the_chain)
{
	struct got g;
	lookup("pathalias.test", "/forbidden/x", 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_BLOCKED);
	ck_assert_str_eq(g.chain, "CNAME chain pathalias.test -> url.test");
	lookup("pathalias.test", "/fine", 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_OK);
}
END_TEST

START_TEST(failures)
{
	struct got g;
	lookup("nx.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_NONAME);
	lookup("fail.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_FAILED);
	lookup("silent.test", NULL, 1, &g); /* 300 ms, no other upstream */
	ck_assert_int_eq(g.status, DNS_LOOKUP_FAILED);
	lookup("ok.test", NULL, 0, &g);      /* no upstream at all */
	ck_assert_int_eq(g.status, DNS_LOOKUP_FAILED);
}
END_TEST

START_TEST(uninspectable_answers_fail)
{
	struct got g;
	lookup("long.test", NULL, 1, &g); /* more names than DNS_CHAIN_MAX_NAMES */
	ck_assert_int_eq(g.status, DNS_LOOKUP_FAILED);
	lookup("bad.test", NULL, 1, &g);
	ck_assert_int_eq(g.status, DNS_LOOKUP_FAILED);
}
END_TEST

static void never(void *arg, const struct dns_lookup_result *res)
{
	(void)arg;
	(void)res;
	ck_abort_msg("the callback of a cancelled lookup ran");
}

/* Cancel the lookup *arg (started after this one). */
static void cancel_other(void *arg, const struct dns_lookup_result *res)
{
	struct dns_lookup **other = arg;
	(void)res;
	dns_lookup_cancel(*other);
	*other = NULL;
}

START_TEST(cancel_from_a_callback_and_free_under_way)
{
	struct event_base *base = event_base_new();
	struct fake f;
	fake_start(&f, base);
	struct cg_endpoint ep = {.addr = {.family = AF_INET, .a = {127, 0, 0, 1}}, .port = f.port};
	struct dns_lookup_base *b = dns_lookup_base_new(base, &ep, 1, 300);
	struct request r = {.proto = PROTO_HTTP, .host = "ok.test", .host_len = 7};
	struct request s = {.proto = PROTO_HTTP, .host = "silent.test", .host_len = 11};
	/* Cancelled at once (its queries still go out and come back); then l1's callback
	 * cancels l2, whose answers are in (its result queued) or still to come. */
	dns_lookup_cancel(dns_lookup_start(b, &r, never, NULL));
	struct dns_lookup *l2 = NULL;
	ck_assert_ptr_nonnull(dns_lookup_start(b, &r, cancel_other, &l2));
	l2 = dns_lookup_start(b, &r, never, NULL);
	dns_lookup_start(b, &s, never, NULL); /* still waiting when the base goes */
	struct timeval tv = {0, 100000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	ck_assert_ptr_null(l2); /* cancel_other ran */
	dns_lookup_base_free(b);
	fake_stop(&f);
	event_base_free(base);
}
END_TEST

START_TEST(too_long_a_name)
{
	struct event_base *base = event_base_new();
	struct dns_lookup_base *b = dns_lookup_base_new(base, NULL, 0, 300);
	char name[300];
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	struct request r = {.proto = PROTO_HTTP, .host = name, .host_len = strlen(name)};
	ck_assert_ptr_null(dns_lookup_start(b, &r, never, NULL));
	r.host_len = 0;
	ck_assert_ptr_null(dns_lookup_start(b, &r, never, NULL));
	dns_lookup_base_free(b);
	event_base_free(base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_lookup");
	TCase *tc = tcase_create("lookup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, both_families);
	tcase_add_test(tc, cname_to_listed_is_blocked);
	tcase_add_test(tc, a_later_answer_blocks);
	tcase_add_test(tc, path_is_kept_for_the_chain);
	tcase_add_test(tc, failures);
	tcase_add_test(tc, uninspectable_answers_fail);
	tcase_add_test(tc, cancel_from_a_callback_and_free_under_way);
	tcase_add_test(tc, too_long_a_name);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
