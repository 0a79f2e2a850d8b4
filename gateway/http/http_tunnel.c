/* The tunnels of the HTTP front end. A CONNECT is never relayed blind: the port must be
 * one of connect_ports, the name is resolved through the gateway's own upstreams, the
 * address must not be the box, loopback, link-local or the LAN (connect_deny), the name
 * and the address are decided together, and once the client speaks, its ClientHello is
 * decided as the transparent TLS path decides it (tls_decide); only then are the two
 * sockets spliced. A WebSocket connection (its request already allowed) is spliced after
 * its 101. Each worker decides its open tunnels again after a reload and at every new
 * minute (timetables: a lesson begins), on what they were allowed on, and closes those
 * now blocked. */
#include "http_tunnel.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blockpage.h"
#include "dns_lookup.h"
#include "i18n.h"
#include "policy.h"
#include "splice.h"
#include "tls_decide.h"
#include "tls_parse.h"
#include "util.h"

enum tunnel_state {
	TUN_RESOLVE, /* waiting for the name's address */
	TUN_CONNECT, /* connecting to it */
	TUN_HELLO,   /* 200 sent; reading the ClientHello */
	TUN_FLUSH,   /* passing on what was buffered, then the splice */
	TUN_SPLICE,  /* the sockets belong to the splice */
	TUN_CLOSING, /* flushing our last answer to the client, then free */
};

struct http_tunnel {
	struct http_worker *w;
	LIST_ENTRY(http_tunnel) link; /* in w->tunnels */
	enum tunnel_state state;
	struct cg_addr client;
	char client_str[CG_ADDR_STRLEN];
	char host[NAME_MAX_LEN + 1];
	size_t host_len;
	uint16_t port;
	struct http_settings set;
	struct sockaddr_storage dest;
	socklen_t dest_len;
	struct bufferevent *cli, *up;
	struct dns_lookup *lookup;    /* while resolving */
	struct event *timer;          /* the ClientHello deadline */
	struct splice *sp;
	unsigned idle_ms;
	bool websocket;               /* a WebSocket relay (else a CONNECT) */
	bool has_dest;                /* dest_addr is the address it was allowed to */
	struct cg_addr dest_addr;
	struct tls_hello *hello;      /* CONNECT: the hello it was allowed on */
};

static void tunnel_free(struct http_tunnel *t)
{
	struct http_worker *w = t->w;
	LIST_REMOVE(t, link);
	connlimit_release(w->sh->limits, &t->client);
	if (t->lookup)
		dns_lookup_cancel(t->lookup);
	if (t->sp)
		splice_free(t->sp);
	if (t->up)
		bufferevent_free(t->up);
	if (t->cli)
		bufferevent_free(t->cli);
	if (t->timer)
		event_free(t->timer);
	free(t->hello);
	free(t);
}

static void cli_write(struct bufferevent *bev, void *arg);
static void up_write(struct bufferevent *bev, void *arg);

/* Flush what is queued for the client, then free. */
static void tunnel_close_after_write(struct http_tunnel *t)
{
	t->state = TUN_CLOSING;
	if (t->up) {
		bufferevent_free(t->up);
		t->up = NULL;
	}
	if (t->timer)
		evtimer_del(t->timer);
	bufferevent_disable(t->cli, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(t->cli)) == 0) {
		tunnel_free(t);
		return;
	}
	struct timeval tv = { t->set.idle_timeout_ms / 1000, (t->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(t->cli, NULL, &tv);
	bufferevent_enable(t->cli, EV_WRITE);
}

static void tunnel_error(struct http_tunnel *t, int status)
{
	struct sbuf b;
	sbuf_init(&b);
	blockpage_error(&b, status, t->set.lang);
	bufferevent_write(t->cli, b.data, b.len);
	sbuf_free(&b);
	tunnel_close_after_write(t);
}

/* Append the block page for host (category: v's, or "a tunnel" when v is NULL). */
static void tunnel_page(struct evbuffer *out, struct http_worker *w,
			const struct http_settings *set, const struct policy *p, const char *host,
			const char *client_str, const struct verdict *v, const char *id,
			int status)
{
	const struct cfg_category *cat = v && v->category ? policy_category(p, v->category) : NULL;
	enum lang l = set->lang, o = l == LANG_ZH ? LANG_EN : LANG_ZH;
	struct blockpage_info bi;
	char tbuf[48];
	struct sbuf b;

	memset(&bi, 0, sizeof(bi));
	bi.lang = l;
	bi.host = host;
	if (v && v->category) {
		const char *zh = cat && cat->title_zh ? cat->title_zh : v->category;
		const char *en = cat && cat->title_en ? cat->title_en : v->category;
		bi.category_title = l == LANG_ZH ? zh : en;
		bi.category_title_alt = l == LANG_ZH ? en : zh;
	} else {
		bi.category_title = msg(l, MSG_PAGE_TUNNEL);
		bi.category_title_alt = msg(o, MSG_PAGE_TUNNEL);
	}
	bi.school = set->school;
	bi.contact = set->contact;
	bi.time_text = blockpage_time(time(NULL), w->sh->tz, tbuf, sizeof(tbuf));
	bi.client = client_str;
	bi.request_id = id && id[0] ? id : NULL;
	bi.bypass = !v || v->bypass;
	bi.status = status;
	sbuf_init(&b);
	blockpage_response(&b, &bi, false, false);
	evbuffer_add(out, b.data, b.len);
	sbuf_free(&b);
}

/* Journal a refused tunnel as a bypass attempt (the group from the policy); id gets the
 * event id. */
static void journal_refusal(struct http_worker *w, const struct cg_addr *client,
			    const char *host, const char *reason, char id[JOURNAL_ID_LEN])
{
	struct journal_event ev;
	struct request r;
	struct verdict v;

	id[0] = '\0';
	if (!w->sh->journal)
		return;
	memset(&ev, 0, sizeof(ev));
	memset(&r, 0, sizeof(r));
	r.proto = PROTO_HTTP;
	r.client = *client;
	r.host = host;
	r.host_len = strlen(host);
	r.when = time(NULL);
	struct policy *p = policy_acquire();
	if (p) {
		policy_decide(p, &r, &v);
		ev.group = v.group;
	}
	ev.proto = PROTO_HTTP;
	ev.client = *client;
	ev.host = host;
	ev.category = "bypass";
	ev.action = "block";
	ev.event = "bypass";
	ev.reason = reason;
	if (journal_append(w->sh->journal, &ev, id) < 0)
		id[0] = '\0';
	policy_unref(p);
}

void http_tunnel_refuse_transparent(struct http_worker *w, struct evbuffer *out,
				    const struct cg_addr *client, const struct http_request *req,
				    const struct http_settings *set)
{
	char id[JOURNAL_ID_LEN], cs[CG_ADDR_STRLEN];
	journal_refusal(w, client, req->host, "CONNECT on a transparent port", id);
	tunnel_page(out, w, set, NULL, req->host, addr_str(client, cs), NULL, id, 405);
}

enum denyset_kind http_deny_match(struct http_worker *w, const struct cg_addr *a)
{
	pthread_mutex_lock(&w->sh->lock);
	enum denyset_kind k = w->sh->deny ? denyset_match(w->sh->deny, a) : DENYSET_NONE;
	pthread_mutex_unlock(&w->sh->lock);
	return k;
}

void http_tunnel_refuse_denied(struct http_worker *w, struct evbuffer *out,
			       const struct cg_addr *client, const struct http_request *req,
			       const struct http_settings *set, const struct cg_addr *a,
			       enum denyset_kind k)
{
	char id[JOURNAL_ID_LEN], cs[CG_ADDR_STRLEN], as[CG_ADDR_STRLEN];
	char reason[NAME_MAX_LEN + 200];
	snprintf(reason, sizeof(reason), "HTTP to %s (%s) not allowed: %s", addr_str(a, as),
		 req->host, denyset_kind_name(k));
	log_debug("http: %s: %s", addr_str(client, cs), reason);
	journal_refusal(w, client, req->host, reason, id);
	tunnel_page(out, w, set, NULL, req->host, cs, NULL, id, 403);
}

/* Refuse with the block page and a journal event; reason is English free text. */
static void tunnel_refuse(struct http_tunnel *t, const char *reason)
{
	char id[JOURNAL_ID_LEN];
	log_debug("http: %s: CONNECT %s:%u refused: %s", t->client_str, t->host,
		  (unsigned)t->port, reason);
	journal_refusal(t->w, &t->client, t->host, reason, id);
	tunnel_page(bufferevent_get_output(t->cli), t->w, &t->set, NULL, t->host, t->client_str,
		    NULL, id, 0);
	tunnel_close_after_write(t);
}

/* Refuse on verdict v for r (the tunnel's name; the verdict may be a name of its CNAME
 * chain): the block page with the category, journaled with reason. p is held by the
 * caller. */
static void tunnel_block(struct http_tunnel *t, const struct policy *p, const struct request *r,
			 const struct verdict *v, const char *reason)
{
	char id[JOURNAL_ID_LEN] = "";
	struct journal_event ev;
	log_debug("http: %s: CONNECT %s:%u blocked: %s", t->client_str, t->host,
		  (unsigned)t->port, reason);
	if (t->w->sh->journal) {
		journal_event_from(&ev, r, v);
		ev.reason = reason;
		if (journal_append(t->w->sh->journal, &ev, id) < 0)
			id[0] = '\0';
	}
	tunnel_page(bufferevent_get_output(t->cli), t->w, &t->set, p, t->host, t->client_str, v,
		    id, 0);
	tunnel_close_after_write(t);
}

static void splice_done(void *arg)
{
	struct http_tunnel *t = arg;
	t->sp = NULL; /* freed by the splice itself */
	tunnel_free(t);
}

/* Both buffers are passed on: hand the sockets to a zero-copy splice. */
static void tunnel_splice(struct http_tunnel *t)
{
	int a = dup(bufferevent_getfd(t->cli)), b = dup(bufferevent_getfd(t->up));
	bufferevent_free(t->cli);
	bufferevent_free(t->up);
	t->cli = t->up = NULL;
	t->state = TUN_SPLICE;
	if (a < 0 || b < 0) {
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		tunnel_free(t);
		return;
	}
	t->sp = splice_start(t->w->base, a, b, t->idle_ms, splice_done, t);
	if (!t->sp)
		tunnel_free(t);
}

/* Splice once nothing is left in either output. */
static void tunnel_flushed(struct http_tunnel *t)
{
	if (t->state == TUN_FLUSH &&
	    evbuffer_get_length(bufferevent_get_output(t->cli)) == 0 &&
	    evbuffer_get_length(bufferevent_get_output(t->up)) == 0)
		tunnel_splice(t);
}

/* Pass on what each side sent that the other has not seen yet, then splice. */
static void tunnel_flush(struct http_tunnel *t)
{
	t->state = TUN_FLUSH;
	if (t->timer)
		evtimer_del(t->timer);
	bufferevent_disable(t->cli, EV_READ);
	bufferevent_disable(t->up, EV_READ);
	bufferevent_set_timeouts(t->cli, NULL, NULL);
	bufferevent_set_timeouts(t->up, NULL, NULL);
	evbuffer_add_buffer(bufferevent_get_output(t->up), bufferevent_get_input(t->cli));
	evbuffer_add_buffer(bufferevent_get_output(t->cli), bufferevent_get_input(t->up));
	bufferevent_enable(t->cli, EV_WRITE);
	bufferevent_enable(t->up, EV_WRITE);
	tunnel_flushed(t);
}

static void journal_hello(struct http_tunnel *t, const struct tls_decision *d)
{
	struct journal_event ev;
	if (!t->w->sh->journal)
		return;
	journal_event_from(&ev, &d->r, &d->v);
	if (d->reason)
		ev.reason = d->reason;
	journal_append(t->w->sh->journal, &ev, NULL);
}

/* The hello inside the tunnel is complete: decide it as redirected 443 is decided, with
 * the tunnel's address as the original destination. */
static void tunnel_hello(struct http_tunnel *t, const struct tls_hello *h)
{
	static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 49 }; /* fatal access_denied */
	struct tls_decision d;
	struct policy *p = policy_acquire();

	evtimer_del(t->timer);
	if (!p || tls_decide(p, h, &t->client, (struct sockaddr *)&t->dest, time(NULL), &d) < 0) {
		policy_unref(p);
		bufferevent_write(t->cli, alert, sizeof(alert)); /* no policy: fail safe */
		tunnel_close_after_write(t);
		return;
	}
	if (d.journal)
		journal_hello(t, &d);
	policy_unref(p);
	if (d.v.action == ACTION_BLOCK) {
		log_debug("http: %s: CONNECT %s: hello for %s blocked", t->client_str, t->host,
			  d.r.host);
		bufferevent_write(t->cli, alert, sizeof(alert));
		tunnel_close_after_write(t);
		return;
	}
	t->hello = xmalloc(sizeof(*t->hello));
	*t->hello = *h;
	t->hello->error = NULL;
	tunnel_flush(t);
}

static void cli_read(struct bufferevent *bev, void *arg)
{
	struct http_tunnel *t = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct tls_hello h;

	if (t->state == TUN_CLOSING) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	if (t->state != TUN_HELLO)
		return; /* kept for the flush */
	size_t len = evbuffer_get_length(in);
	size_t look = len < TLS_STREAM_MAX ? len : TLS_STREAM_MAX;
	const uint8_t *buf = evbuffer_pullup(in, (ssize_t)look);
	int r = tls_parse_client_hello(buf, look, &h);
	if (r == 0 && look < TLS_STREAM_MAX)
		return;
	if (r <= 0) {
		char reason[NAME_MAX_LEN + 200];
		snprintf(reason, sizeof(reason), "CONNECT to %s:%u: not a TLS ClientHello (%s)",
			 t->host, (unsigned)t->port, r < 0 ? h.error : "hello too large");
		char id[JOURNAL_ID_LEN];
		journal_refusal(t->w, &t->client, t->host, reason, id);
		tunnel_close_after_write(t);
		return;
	}
	tunnel_hello(t, &h);
}

static void cli_write(struct bufferevent *bev, void *arg)
{
	struct http_tunnel *t = arg;
	if (t->state == TUN_CLOSING && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		tunnel_free(t);
	else if (t->state == TUN_FLUSH)
		tunnel_flushed(t);
}

static void up_write(struct bufferevent *bev, void *arg)
{
	struct http_tunnel *t = arg;
	(void)bev;
	if (t->state == TUN_FLUSH)
		tunnel_flushed(t);
}

static void up_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)arg; /* kept for the flush; the splice reads the rest */
}

static void cli_event(struct bufferevent *bev, short what, void *arg)
{
	struct http_tunnel *t = arg;
	(void)bev;
	(void)what;
	tunnel_free(t);
}

static void hello_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct http_tunnel *t = arg;
	(void)fd;
	(void)what;
	if (t->state == TUN_HELLO)
		tunnel_free(t);
}

static void up_event(struct bufferevent *bev, short what, void *arg)
{
	struct http_tunnel *t = arg;
	if (t->state == TUN_CONNECT && (what & BEV_EVENT_CONNECTED)) {
		static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
		int one = 1;
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		bufferevent_set_timeouts(bev, NULL, NULL);
		bufferevent_disable(bev, EV_READ); /* the origin speaks after the hello */
		bufferevent_write(t->cli, ok, sizeof(ok) - 1);
		t->state = TUN_HELLO;
		struct timeval tv = { t->set.head_timeout_ms / 1000,
				      (t->set.head_timeout_ms % 1000) * 1000 };
		evtimer_add(t->timer, &tv);
		bufferevent_enable(t->cli, EV_READ);
		cli_read(t->cli, t);
		return;
	}
	if (t->state == TUN_CONNECT) {
		log_debug("http: %s: CONNECT %s:%u: cannot connect", t->client_str, t->host,
			  (unsigned)t->port);
		tunnel_error(t, (what & BEV_EVENT_TIMEOUT) ? 504 : 502);
		return;
	}
	tunnel_free(t); /* the origin went away before the splice */
}

/* The address is known: connect_deny, then the name and the address together, then
 * connect. */
static void tunnel_address(struct http_tunnel *t, const struct sockaddr *sa, socklen_t sl)
{
	struct cg_addr a;
	char abuf[CG_ADDR_STRLEN], reason[NAME_MAX_LEN + 200];
	struct request r;
	struct verdict v;

	addr_from_sockaddr(sa, &a);
	addr_str(&a, abuf);
	enum denyset_kind k = http_deny_match(t->w, &a);
	if (k != DENYSET_NONE) {
		snprintf(reason, sizeof(reason), "CONNECT to %s (%s) not allowed: %s", abuf, t->host,
			 denyset_kind_name(k));
		tunnel_refuse(t, reason);
		return;
	}
	struct policy *p = policy_acquire();
	if (!p) {
		tunnel_error(t, 503);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.proto = PROTO_HTTP;
	r.client = t->client;
	r.host = t->host;
	r.host_len = t->host_len;
	r.when = time(NULL);
	if (policy_decide_dest(p, &r, &a, NULL, &v, NULL) == ACTION_BLOCK) {
		snprintf(reason, sizeof(reason), "CONNECT to %s: %s", abuf,
			 v.by_dest ? policy_dest_reason(&v) : "name listed");
		tunnel_block(t, p, &r, &v, reason);
		policy_unref(p);
		return;
	}
	policy_unref(p);
	t->dest_addr = a;
	t->has_dest = true;
	memcpy(&t->dest, sa, sl);
	t->dest_len = sl;
	if (t->dest.ss_family == AF_INET)
		((struct sockaddr_in *)&t->dest)->sin_port = htons(t->port);
	else
		((struct sockaddr_in6 *)&t->dest)->sin6_port = htons(t->port);
	t->state = TUN_CONNECT;
	t->up = bufferevent_socket_new(t->w->base, -1,
				       BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!t->up) {
		tunnel_error(t, 502);
		return;
	}
	bufferevent_setcb(t->up, up_read, up_write, up_event, t);
	struct timeval tv = { t->set.idle_timeout_ms / 1000, (t->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(t->up, &tv, &tv);
	bufferevent_enable(t->up, EV_WRITE);
	if (bufferevent_socket_connect(t->up, (struct sockaddr *)&t->dest, (int)t->dest_len) < 0) {
		bufferevent_free(t->up);
		t->up = NULL;
		tunnel_error(t, 502);
	}
}

/* The lookup is done: a name of the answer's chain blocked (the block page, journaled
 * with the chain), no address (502), or the first address, as a browser would take it,
 * checked and used. */
static void tunnel_resolved(void *arg, const struct dns_lookup_result *res)
{
	struct http_tunnel *t = arg;
	t->lookup = NULL;
	if (res->status == DNS_LOOKUP_BLOCKED) {
		struct request r = {.proto = PROTO_HTTP, .client = t->client, .host = t->host,
				    .host_len = t->host_len, .when = time(NULL)};
		struct verdict v = res->v;
		tunnel_block(t, res->p, &r, &v, res->chain);
		return;
	}
	if (res->status != DNS_LOOKUP_OK) {
		log_debug("http: %s: CONNECT %s: %s", t->client_str, t->host, res->error);
		tunnel_error(t, 502);
		return;
	}
	struct cg_endpoint ep = {.addr = res->addrs[0], .port = t->port};
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(&ep, &ss);
	tunnel_address(t, (struct sockaddr *)&ss, sl);
}

static bool port_allowed(const struct http_settings *set, uint16_t port)
{
	for (size_t i = 0; i < set->n_connect_ports; i++)
		if (set->connect_ports[i] == port)
			return true;
	return false;
}

static struct http_tunnel *tunnel_new(struct http_worker *w, struct bufferevent *cli,
				      const struct cg_addr *client)
{
	struct http_tunnel *t = xcalloc(1, sizeof(*t));
	t->w = w;
	t->client = *client;
	addr_str(client, t->client_str);
	t->cli = cli;
	LIST_INSERT_HEAD(&w->tunnels, t, link);
	bufferevent_setcb(cli, cli_read, cli_write, cli_event, t);
	return t;
}

void http_tunnel_connect(struct http_worker *w, struct bufferevent *cli,
			 const struct cg_addr *client, const struct http_request *req,
			 const struct http_settings *set)
{
	struct http_tunnel *t = tunnel_new(w, cli, client);
	char reason[NAME_MAX_LEN + 200];

	t->set = *set;
	t->idle_ms = t->set.tunnel_idle_ms;
	snprintf(t->host, sizeof(t->host), "%s", req->host);
	t->host_len = strlen(t->host);
	t->port = req->port ? req->port : 443;
	t->timer = evtimer_new(w->base, hello_timeout, t);
	bufferevent_disable(cli, EV_READ); /* nothing until the 200 */
	bufferevent_set_timeouts(cli, NULL, NULL);
	if (!t->timer) {
		tunnel_free(t);
		return;
	}
	if (!port_allowed(&t->set, t->port)) {
		snprintf(reason, sizeof(reason), "CONNECT to port %u not allowed (connect_ports)",
			 (unsigned)t->port);
		tunnel_refuse(t, reason);
		return;
	}
	if (req->host_is_ip) {
		struct cg_addr a;
		struct cg_endpoint ep;
		struct sockaddr_storage ss;
		if (addr_parse(t->host, &a) < 0) {
			tunnel_error(t, 400);
			return;
		}
		ep.addr = a;
		ep.port = t->port;
		socklen_t sl = endpoint_to_sockaddr(&ep, &ss);
		tunnel_address(t, (struct sockaddr *)&ss, sl);
		return;
	}
	if (!w->dns) {
		tunnel_error(t, 502);
		return;
	}
	struct request r = {.proto = PROTO_HTTP, .client = t->client, .host = t->host,
			    .host_len = t->host_len, .when = time(NULL)};
	t->state = TUN_RESOLVE;
	t->lookup = dns_lookup_start(w->dns, &r, tunnel_resolved, t);
	if (!t->lookup)
		tunnel_error(t, 502);
}

void http_tunnel_relay(struct http_worker *w, struct bufferevent *cli, struct bufferevent *up,
		       const struct cg_addr *client, const char *host,
		       const struct cg_addr *dest, unsigned idle_ms)
{
	struct http_tunnel *t = tunnel_new(w, cli, client);
	t->up = up;
	t->idle_ms = idle_ms;
	t->websocket = true;
	snprintf(t->host, sizeof(t->host), "%s", host);
	if (dest) {
		t->dest_addr = *dest;
		t->has_dest = true;
		if (!t->host[0])
			addr_str(dest, t->host); /* no Host (HTTP/1.0): the address was the name */
	}
	t->host_len = strlen(t->host);
	bufferevent_setcb(up, up_read, up_write, up_event, t);
	tunnel_flush(t);
}

void http_tunnel_free_all(struct http_worker *w)
{
	while (!LIST_EMPTY(&w->tunnels))
		tunnel_free(LIST_FIRST(&w->tunnels));
	if (w->sweep)
		event_free(w->sweep);
	w->sweep = NULL;
}

/* --- the sweep: open tunnels decided again -------------------------------------------- */

static void journal_closed(struct http_tunnel *t, const struct request *r,
			   const struct verdict *v)
{
	struct journal_event ev;
	log_debug("http: %s: open %s to %s closed: now blocked (%s)", t->client_str,
		  t->websocket ? "WebSocket" : "CONNECT", t->host, v->category ? v->category : "-");
	if (!t->w->sh->journal)
		return;
	journal_event_from(&ev, r, v);
	ev.reason = msg(LANG_EN, MSG_R_OPEN_CLOSED);
	journal_append(t->w->sh->journal, &ev, NULL);
}

/* Decide an open tunnel again at now under p, as it was decided when it opened: its name
 * with the address it goes to (policy_decide_dest), then a CONNECT's hello (tls_decide).
 * true (journaled) when either blocks now. */
static bool tunnel_now_blocked(struct http_tunnel *t, const struct policy *p, time_t now)
{
	struct request r = {.proto = PROTO_HTTP, .client = t->client, .host = t->host,
			    .host_len = t->host_len, .when = now};
	struct verdict v;
	struct tls_decision d;
	if (policy_decide_dest(p, &r, t->has_dest ? &t->dest_addr : NULL, NULL, &v, NULL) ==
	    ACTION_BLOCK) {
		journal_closed(t, &r, &v);
		return true;
	}
	if (!t->hello || tls_decide(p, t->hello, &t->client, (struct sockaddr *)&t->dest, now,
				    &d) < 0 || d.v.action != ACTION_BLOCK)
		return false;
	journal_closed(t, &d.r, &d.v);
	return true;
}

static void tunnel_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct http_worker *w = arg;
	struct http_tunnel *t, *next;
	unsigned n = 0;
	time_t now = time(NULL);
	(void)fd;
	(void)what;
	if (LIST_EMPTY(&w->tunnels) || !recheck_due(&w->rc, policy_generation(), now))
		return;
	struct policy *p = policy_acquire();
	if (!p)
		return; /* the next tick asks again */
	for (t = LIST_FIRST(&w->tunnels); t; t = next) {
		next = LIST_NEXT(t, link);
		if (t->state != TUN_FLUSH && t->state != TUN_SPLICE)
			continue; /* not decided yet, or closing */
		if (!tunnel_now_blocked(t, p, now))
			continue;
		tunnel_free(t);
		n++;
	}
	policy_unref(p);
	if (n)
		log_info("http: %u open tunnels closed: now blocked", n);
}

int http_tunnel_sweep_start(struct http_worker *w)
{
	struct timeval tv = { RECHECK_INTERVAL_MS / 1000, (RECHECK_INTERVAL_MS % 1000) * 1000 };
	w->sweep = event_new(w->base, -1, EV_PERSIST, tunnel_sweep, w);
	if (!w->sweep || event_add(w->sweep, &tv) < 0)
		return -1;
	return 0;
}
