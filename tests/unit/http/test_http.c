/* Tests for the proxy's pieces that need no network: heads rewritten for the next hop
 * (http_head.c), connection caps (connlimit.c, also the counter HTTP and TLS share), the
 * original-destination lookup on a socket that was not redirected, the refusal answer,
 * and which address a request that reuses the connection to the next hop is decided
 * on (http_relay.c). */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connlimit.h"
#include "http_conn.h"
#include "origdst.h"
#include "http_head.h"
#include "http_parse.h"
#include "http_relay.h"
#include "policy.h"
#include "testutil.h"
#include "util.h"

static struct http_request req;
static struct http_response resp;

/* Parse s, rewrite it, return the new head (static buffer). */
static const char *fwd_req(const char *s, bool origin_form)
{
	static char out[4096];
	ck_assert_int_gt(http_parse_request(s, strlen(s), NULL, &req), 0);
	struct evbuffer *b = evbuffer_new();
	http_head_request(b, &req, origin_form, http_head_wants_upgrade(&req));
	size_t n = evbuffer_get_length(b);
	ck_assert_uint_lt(n, sizeof(out));
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	evbuffer_free(b);
	return out;
}

static const char *fwd_resp(const char *s, bool close, int minor, bool upgrade)
{
	static char out[4096];
	ck_assert_int_gt(http_parse_response(s, strlen(s), NULL, &resp), 0);
	struct evbuffer *b = evbuffer_new();
	http_head_response(b, &resp, close, minor, upgrade);
	size_t n = evbuffer_get_length(b);
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	evbuffer_free(b);
	return out;
}

START_TEST(request_heads)
{
	ck_assert_str_eq(fwd_req("GET /a?b HTTP/1.1\r\nHost: h\r\nX-A:  1 \r\n\r\n", true),
			 "GET /a?b HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n");
	/* Hop-by-hop out: the fixed set and what Connection names. */
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop\r\n"
				 "Keep-Alive: 5\r\nX-Hop: 1\r\nProxy-Connection: keep-alive\r\n"
				 "TE: trailers\r\nTrailer: X\r\nProxy-Authorization: Basic eA==\r\n"
				 "Cookie: c=1\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\nTrailer: X\r\nCookie: c=1\r\n\r\n");
	/* Absolute-form: origin-form to an origin, Host from the target. */
	ck_assert_str_eq(fwd_req("GET http://Ex.org:81/p HTTP/1.1\r\nHost: other\r\nA: b\r\n\r\n", true),
			 "GET /p HTTP/1.1\r\nHost: Ex.org:81\r\nA: b\r\n\r\n");
	/* ... and kept as it is towards a parent proxy. */
	ck_assert_str_eq(fwd_req("GET http://ex.org/p HTTP/1.0\r\n\r\n", false),
			 "GET http://ex.org/p HTTP/1.0\r\nHost: ex.org\r\n\r\n");
	/* Upgrade passes only when Connection asks for it. */
	ck_assert_str_eq(fwd_req("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
				 "Upgrade: websocket\r\n\r\n", true),
			 "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	/* h2c never passes (issue 11): not its Upgrade, not its settings, not with
	 * websocket offered alongside, and HTTP2-Settings even when Connection does not name
	 * it. */
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n"
				 "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nHTTP2-Settings: AAMA\r\nA: b\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n");
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
				 "Upgrade: h2c, websocket\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
				 "Upgrade: websocket\r\nUpgrade: h2c\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_str_eq(fwd_req("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
				 "Upgrade: WebSocket\r\n\r\n", true),
			 "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: upgrade\r\n\r\n");
	/* Which 101s are tunnelled: one Upgrade field naming websocket only. */
	static const char *const r101[] = {
		"HTTP/1.1 101 S\r\nUpgrade: websocket\r\n\r\n",
		"HTTP/1.1 101 S\r\nUpgrade: h2c\r\n\r\n",
		"HTTP/1.1 101 S\r\n\r\n",
		"HTTP/1.1 101 S\r\nUpgrade: websocket\r\nUpgrade: websocket\r\n\r\n",
	};
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_gt(http_parse_response(r101[i], strlen(r101[i]), NULL, &resp), 0);
		ck_assert(http_head_upgrade_is_websocket(resp.headers, resp.n_headers) == (i == 0));
	}
	/* Framing fields stay. */
	ck_assert_str_eq(fwd_req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", true),
			 "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
}
END_TEST

START_TEST(response_heads)
{
	ck_assert_str_eq(fwd_resp("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive, X-H\r\n"
				  "X-H: 1\r\nKeep-Alive: timeout=5\r\nServer: s\r\n\r\n", false, 1, false),
			 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nServer: s\r\n\r\n");
	ck_assert_str_eq(fwd_resp("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", true, 1, false),
			 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
	ck_assert_str_eq(fwd_resp("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, 0, false),
			 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n");
	ck_assert_str_eq(fwd_resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
				  "Connection: Upgrade\r\n\r\n", false, 1, true),
			 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
}
END_TEST

START_TEST(limits)
{
	struct connlimit *cl = connlimit_new();
	struct cg_addr a, b;
	ck_assert_int_eq(addr_parse("10.0.0.1", &a), 0);
	ck_assert_int_eq(addr_parse("2001:db8::1", &b), 0);
	ck_assert(connlimit_acquire(cl, &a, 3, 2));
	ck_assert(connlimit_acquire(cl, &a, 3, 2));
	ck_assert(!connlimit_acquire(cl, &a, 3, 2)); /* per client */
	ck_assert(connlimit_acquire(cl, &b, 3, 2));
	ck_assert(!connlimit_acquire(cl, &b, 3, 2)); /* total */
	ck_assert_uint_eq(connlimit_total(cl), 3);
	connlimit_release(cl, &a);
	ck_assert(connlimit_acquire(cl, &b, 3, 2));
	connlimit_release(cl, &a);
	connlimit_release(cl, &b);
	connlimit_release(cl, &b);
	ck_assert_uint_eq(connlimit_total(cl), 0);
	connlimit_release(cl, &b); /* not counted: ignored */
	ck_assert_uint_eq(connlimit_total(cl), 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(connlimit_acquire(cl, &a, 0, 0));
	ck_assert_uint_eq(connlimit_total(cl), 1000);
	connlimit_free(cl);
}
END_TEST

START_TEST(not_redirected_and_refusal)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sin, &sl), 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	int s = accept(l, NULL, NULL);
	ck_assert_int_ge(s, 0);
	struct sockaddr_storage orig;
	socklen_t ol = 0;
	/* A direct connection: no original destination (conntrack may be absent too). */
	ck_assert_int_eq(origdst_get(s, &orig, &ol), -1);
	http_refuse(s, LANG_EN); /* closes s */
	char buf[512];
	ssize_t n = recv(c, buf, sizeof(buf) - 1, MSG_WAITALL);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert(strncmp(buf, "HTTP/1.1 503 Service Unavailable\r\n", 34) == 0);
	ck_assert_ptr_nonnull(strstr(buf, "Connection: close"));
	close(c);
	close(l);
}
END_TEST

/* The HTTP and TLS front ends take the same counter: the caps hold for their sum. */
START_TEST(shared_limits)
{
	struct cg_addr a, b;
	ck_assert_int_eq(addr_parse("10.0.0.1", &a), 0);
	ck_assert_int_eq(addr_parse("10.0.0.2", &b), 0);
	struct connlimit *http = connlimit_shared(), *tls = connlimit_shared();
	ck_assert_ptr_eq(http, tls);
	ck_assert(connlimit_acquire(http, &a, 3, 2));
	ck_assert(connlimit_acquire(tls, &a, 3, 2));
	ck_assert(!connlimit_acquire(tls, &a, 3, 2)); /* per client, across front ends */
	ck_assert(!connlimit_acquire(http, &a, 3, 2));
	ck_assert(connlimit_acquire(tls, &b, 3, 2));
	ck_assert(!connlimit_acquire(http, &b, 3, 2)); /* overall */
	ck_assert_uint_eq(connlimit_total(http), 3);
	connlimit_release(tls, &a);
	connlimit_release(http, &a);
	connlimit_release(http, &b);
	connlimit_shared_put(http);
	ck_assert_uint_eq(connlimit_total(tls), 0); /* still there for the other user */
	connlimit_shared_put(tls);
	/* The last put freed it: the next user starts from zero. */
	struct connlimit *again = connlimit_shared();
	ck_assert_uint_eq(connlimit_total(again), 0);
	connlimit_shared_put(again);
}
END_TEST

/* The address of the open connection to the next hop is decided with a request only when
 * the request would go out on it: explicit mode, same name and port, no reload since,
 * not a CONNECT, no parent proxy, an address known. */
START_TEST(relay_reused_dest)
{
	struct event_base *base = event_base_new();
	struct http_conn c;
	struct http_request r;
	const char *get = "GET http://play.test/x HTTP/1.1\r\nHost: play.test\r\n\r\n";
	const char *get81 = "GET http://play.test:81/x HTTP/1.1\r\nHost: play.test:81\r\n\r\n";
	const char *other = "GET http://other.test/x HTTP/1.1\r\nHost: other.test\r\n\r\n";
	const char *conn = "CONNECT play.test:80 HTTP/1.1\r\nHost: play.test:80\r\n\r\n";

	memset(&c, 0, sizeof(c));
	c.mode = HTTP_MODE_EXPLICIT;
	c.up = bufferevent_socket_new(base, -1, 0);
	ck_assert_ptr_nonnull(c.up);
	snprintf(c.up_key, sizeof(c.up_key), "play.test:80");
	ck_assert_int_eq(addr_parse("198.51.100.7", &c.up_addr), 0);
	c.up_gen = policy_generation();
	ck_assert_int_gt(http_parse_request(get, strlen(get), NULL, &r), 0);
	ck_assert_ptr_eq(http_relay_reused_dest(&c, &r), &c.up_addr);
	c.up_gen++; /* a reload since: looked up and decided afresh */
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r));
	c.up_gen--;
	c.up_addr.family = 0; /* no address known */
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r));
	ck_assert_int_eq(addr_parse("198.51.100.7", &c.up_addr), 0);
	c.set.parent.port = 3128; /* the parent's connection: the parent resolves */
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r));
	c.set.parent.port = 0;
	c.mode = HTTP_MODE_TRANSPARENT; /* the original destination decides there */
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r));
	c.mode = HTTP_MODE_EXPLICIT;
	ck_assert_int_gt(http_parse_request(get81, strlen(get81), NULL, &r), 0);
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r)); /* another port */
	ck_assert_int_gt(http_parse_request(other, strlen(other), NULL, &r), 0);
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r)); /* another name */
	ck_assert_int_gt(http_parse_request(conn, strlen(conn), NULL, &r), 0);
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r)); /* a tunnel looks up itself */
	ck_assert_int_gt(http_parse_request(get, strlen(get), NULL, &r), 0);
	bufferevent_free(c.up);
	c.up = NULL; /* no open connection */
	ck_assert_ptr_null(http_relay_reused_dest(&c, &r));
	event_base_free(base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");
	tcase_add_test(tc, request_heads);
	tcase_add_test(tc, response_heads);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, not_redirected_and_refusal);
	tcase_add_test(tc, shared_limits);
	tcase_add_test(tc, relay_reused_dest);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
