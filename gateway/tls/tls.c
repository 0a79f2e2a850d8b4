/* The TLS front end for redirected port 443: read the ClientHello under a deadline, take
 * the SNI (or, without one or behind ECH, the original destination address), decide,
 * then splice the connection byte for byte to the original destination (splice(2), zero
 * copy), or send a fatal access_denied alert and close. Nothing is decrypted. A spliced
 * connection keeps its hello: every worker decides its open connections again after a
 * reload and at every new minute (timetables), and closes those now blocked. */
#include "tls.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

#include "connlimit.h"
#include "evloop.h"
#include "i18n.h"
#include "policy.h"
#include "recheck.h"
#include "splice.h"
#include "tls_decide.h"
#include "tls_parse.h"
#include "origdst.h"
#include "util.h"


struct tls_settings {
	unsigned max_conns, max_conns_per_client, hello_timeout_ms, idle_timeout_ms;
};

struct tls_worker;

struct tls_conn {
	struct tls_worker *w;
	LIST_ENTRY(tls_conn) link; /* in w->conns */
	struct cg_addr client;
	char client_str[CG_ADDR_STRLEN];
	struct sockaddr_storage orig;
	socklen_t orig_len;
	struct bufferevent *cli, *up; /* until the splice takes the sockets over */
	struct splice *sp;
	struct event *timer;
	struct tls_reader *rd; /* the ClientHello so far; freed once decided */
	struct tls_hello *hello; /* the hello it was allowed on (decided again by the sweep) */
	unsigned idle_ms; /* the splice's idle timeout, from the settings at accept */
	bool flushing, closing;
};

struct tls_server {
	pthread_mutex_t lock; /* guards set */
	struct tls_settings set;
	struct journal *journal;
	struct connlimit *limits;
	struct tls_stats stats; /* updated with atomics from every worker */
	struct evloops loops;
	struct tls_worker *workers;
	struct evconnlistener **listeners;
	size_t n_listeners;
};

struct tls_worker {
	struct tls_server *s;
	struct event_base *base;
	LIST_HEAD(tls_conn_list, tls_conn) conns; /* live connections (freed at stop) */
	struct event *sweep;   /* every RECHECK_INTERVAL_MS: decide the open ones again */
	struct recheck rc;
};

static void stat_add(unsigned long long *n)
{
	__atomic_fetch_add(n, 1, __ATOMIC_RELAXED);
}

static void conn_free(struct tls_conn *c)
{
	struct tls_worker *w = c->w;
	LIST_REMOVE(c, link);
	connlimit_release(w->s->limits, &c->client);
	if (c->sp)
		splice_free(c->sp);
	if (c->up)
		bufferevent_free(c->up);
	if (c->cli)
		bufferevent_free(c->cli);
	event_free(c->timer);
	free(c->rd);
	free(c->hello);
	free(c);
}

/* Flush what is queued for the client, then free. */
static void close_after_write(struct tls_conn *c)
{
	c->closing = true;
	evtimer_del(c->timer);
	if (c->up) {
		bufferevent_free(c->up);
		c->up = NULL;
	}
	bufferevent_disable(c->cli, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->cli)) == 0)
		conn_free(c);
}

static void send_alert(struct tls_conn *c)
{
	/* alert record: fatal (2), access_denied (49) */
	static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 49 };
	bufferevent_write(c->cli, alert, sizeof(alert));
	close_after_write(c);
}

static void journal_case(struct tls_conn *c, const struct request *r, const struct verdict *v,
			 const char *reason)
{
	struct journal_event ev;
	if (!c->w->s->journal)
		return;
	journal_event_from(&ev, r, v);
	if (reason)
		ev.reason = reason;
	journal_append(c->w->s->journal, &ev, NULL);
}

static void splice_done(void *arg)
{
	struct tls_conn *c = arg;
	c->sp = NULL; /* freed by the splice itself */
	conn_free(c);
}

/* The hello (and anything after it) has reached the origin: hand both sockets to a
 * zero-copy splice. */
static void start_splice(struct tls_conn *c)
{
	int a = dup(bufferevent_getfd(c->cli)), b = dup(bufferevent_getfd(c->up));
	bufferevent_free(c->cli);
	bufferevent_free(c->up);
	c->cli = c->up = NULL;
	c->flushing = false;
	if (a < 0 || b < 0) {
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		conn_free(c);
		return;
	}
	c->sp = splice_start(c->w->base, a, b, c->idle_ms, splice_done, c);
	if (!c->sp)
		conn_free(c);
}

static void up_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)arg; /* reading starts with the splice */
}

static void up_write(struct bufferevent *bev, void *arg)
{
	struct tls_conn *c = arg;
	if (c->flushing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		start_splice(c);
}

static void cli_write(struct bufferevent *bev, void *arg)
{
	struct tls_conn *c = arg;
	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void up_event(struct bufferevent *bev, short what, void *arg)
{
	struct tls_conn *c = arg;
	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		bufferevent_set_timeouts(bev, NULL, NULL);
		bufferevent_disable(bev, EV_READ);
		/* The hello and whatever followed it in the same reads; then the splice. */
		c->flushing = true;
		evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(c->cli));
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			start_splice(c);
		return;
	}
	log_debug("tls: %s: cannot reach the original destination", c->client_str);
	close_after_write(c);
}

static void cli_event(struct bufferevent *bev, short what, void *arg)
{
	struct tls_conn *c = arg;
	(void)bev;
	(void)what;
	conn_free(c);
}

/* The hello is complete: decide and act. Only real hits are journaled; the ECH and
 * no-SNI cases are counted (tls_server_get_stats). */
static void hello_done(struct tls_conn *c, const struct tls_hello *h)
{
	struct tls_stats *st = &c->w->s->stats;
	struct tls_decision d;

	evtimer_del(c->timer);
	stat_add(&st->hellos);
	if (!h->has_sni)
		stat_add(&st->no_sni);
	else if (h->ech)
		stat_add(&st->ech);
	struct policy *p = policy_acquire();
	if (!p) {
		send_alert(c); /* no policy: fail safe */
		return;
	}
	if (tls_decide(p, h, &c->client, c->orig_len ? (struct sockaddr *)&c->orig : NULL,
		       time(NULL), &d) < 0) {
		policy_unref(p);
		log_debug("tls: %s: no SNI and no original destination", c->client_str);
		close_after_write(c);
		return;
	}
	if (d.journal)
		journal_case(c, &d.r, &d.v, d.reason);
	policy_unref(p);
	if (d.v.action == ACTION_BLOCK) {
		stat_add(&st->blocked);
		if (d.hidden == TLS_HIDDEN_NO_SNI)
			stat_add(&st->blocked_no_sni);
		else if (d.hidden == TLS_HIDDEN_ECH)
			stat_add(&st->blocked_ech);
		if (d.by_address)
			stat_add(&st->blocked_by_address);
		send_alert(c);
		return;
	}
	if (!c->orig_len) {
		log_debug("tls: %s: %s allowed but not redirected: nowhere to send it", c->client_str,
			  d.r.host);
		close_after_write(c);
		return;
	}
	c->hello = xmalloc(sizeof(*c->hello));
	*c->hello = *h;
	c->hello->error = NULL;
	c->up = bufferevent_socket_new(c->w->base, -1,
				       BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!c->up) {
		close_after_write(c);
		return;
	}
	bufferevent_setcb(c->up, up_read, up_write, up_event, c);
	bufferevent_enable(c->up, EV_READ | EV_WRITE);
	bufferevent_disable(c->cli, EV_READ); /* until connected */
	struct timeval tv = { 10, 0 };
	bufferevent_set_timeouts(c->up, &tv, &tv); /* the connect */
	if (bufferevent_socket_connect(c->up, (struct sockaddr *)&c->orig, (int)c->orig_len) < 0) {
		bufferevent_free(c->up);
		c->up = NULL;
		close_after_write(c);
	}
}

static void cli_read(struct bufferevent *bev, void *arg)
{
	struct tls_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr at;
	struct tls_hello h;
	uint8_t chunk[4096];
	int r = 0;

	if (c->closing || c->up || !c->rd) /* deciding is done; connecting */
		return;
	/* Only the bytes after those already fed: each byte is looked at once. */
	size_t len = evbuffer_get_length(in);
	while (r == 0 && c->rd->pos < len) {
		if (evbuffer_ptr_set(in, &at, c->rd->pos, EVBUFFER_PTR_SET) < 0)
			break;
		size_t want = len - c->rd->pos < sizeof(chunk) ? len - c->rd->pos : sizeof(chunk);
		ev_ssize_t got = evbuffer_copyout_from(in, &at, chunk, want);
		if (got <= 0)
			break;
		r = tls_reader_feed(c->rd, chunk, (size_t)got, &h);
	}
	if (r == 0)
		return;
	free(c->rd);
	c->rd = NULL;
	if (r < 0) {
		stat_add(&c->w->s->stats.bad_hellos);
		log_debug("tls: %s: %s", c->client_str, h.error);
		close_after_write(c);
		return;
	}
	hello_done(c, &h);
}

static void hello_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct tls_conn *c = arg;
	(void)fd;
	(void)what;
	if (!c->up && !c->closing)
		conn_free(c);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int sl, void *arg)
{
	struct tls_worker *w = arg;
	struct tls_settings set;
	struct cg_addr a;
	int one = 1;
	(void)l;
	(void)sl;
	addr_from_sockaddr(sa, &a);
	pthread_mutex_lock(&w->s->lock);
	set = w->s->set;
	pthread_mutex_unlock(&w->s->lock);
	if (!connlimit_acquire(w->s->limits, &a, set.max_conns, set.max_conns_per_client)) {
		close(fd);
		return;
	}
	struct tls_conn *c = xcalloc(1, sizeof(*c));
	c->w = w;
	c->client = a;
	c->idle_ms = set.idle_timeout_ms;
	addr_str(&a, c->client_str);
	if (origdst_get(fd, &c->orig, &c->orig_len) < 0)
		c->orig_len = 0;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	c->cli = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->timer = evtimer_new(w->base, hello_timeout, c);
	c->rd = xmalloc(sizeof(*c->rd));
	tls_reader_init(c->rd);
	if (!c->cli || !c->timer) {
		if (c->cli)
			bufferevent_free(c->cli);
		else
			close(fd);
		if (c->timer)
			event_free(c->timer);
		connlimit_release(w->s->limits, &a);
		free(c->rd);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&w->conns, c, link);
	bufferevent_setcb(c->cli, cli_read, cli_write, cli_event, c);
	bufferevent_enable(c->cli, EV_READ | EV_WRITE);
	struct timeval tv = { set.hello_timeout_ms / 1000, (set.hello_timeout_ms % 1000) * 1000 };
	evtimer_add(c->timer, &tv);
}

/* Decide an allowed connection again, at now under p: true (journaled as a block with
 * the reason "open connection closed: now blocked", counted) when it is blocked now. */
static bool conn_now_blocked(struct tls_conn *c, const struct policy *p, time_t now)
{
	struct tls_decision d;
	const struct sockaddr *orig = c->orig_len ? (struct sockaddr *)&c->orig : NULL;
	if (tls_decide(p, c->hello, &c->client, orig, now, &d) < 0 ||
	    d.v.action != ACTION_BLOCK)
		return false;
	log_debug("tls: %s: open connection to %s closed: now blocked (%s)", c->client_str,
		  d.r.host, d.v.category ? d.v.category : "-");
	journal_case(c, &d.r, &d.v, msg(LANG_EN, MSG_R_OPEN_CLOSED));
	stat_add(&c->w->s->stats.closed_open);
	return true;
}

/* The worker's sweep: after a reload or in a new minute, every connection that was
 * allowed (the hello kept) and is not closing is decided again; those now blocked are
 * closed on both sides at once. Allowed ones are not touched. */
static void sweep(evutil_socket_t fd, short what, void *arg)
{
	struct tls_worker *w = arg;
	struct tls_conn *c, *next;
	unsigned n = 0;
	time_t now = time(NULL);
	(void)fd;
	(void)what;
	if (LIST_EMPTY(&w->conns) || !recheck_due(&w->rc, policy_generation(), now))
		return;
	struct policy *p = policy_acquire();
	if (!p)
		return; /* no policy: nothing to decide on; the next tick asks again */
	for (c = LIST_FIRST(&w->conns); c; c = next) {
		next = LIST_NEXT(c, link);
		if (!c->hello || c->closing || !conn_now_blocked(c, p, now))
			continue;
		conn_free(c);
		n++;
	}
	policy_unref(p);
	if (n)
		log_info("tls: %u open connections closed: now blocked", n);
}

static void settings_from(const struct config *cfg, struct tls_settings *s)
{
	s->max_conns = cfg->http.max_conns;
	s->max_conns_per_client = cfg->http.max_conns_per_client;
	s->hello_timeout_ms = cfg->http.head_timeout_ms ? cfg->http.head_timeout_ms : 10000;
	s->idle_timeout_ms = cfg->http.tls_idle_timeout_ms ? cfg->http.tls_idle_timeout_ms : 600000;
}

static void server_free(struct tls_server *s)
{
	evloops_join(&s->loops);
	for (size_t i = 0; i < s->n_listeners; i++)
		evconnlistener_free(s->listeners[i]);
	for (unsigned k = 0; s->workers && k < s->loops.n; k++) {
		while (!LIST_EMPTY(&s->workers[k].conns))
			conn_free(LIST_FIRST(&s->workers[k].conns));
		if (s->workers[k].sweep)
			event_free(s->workers[k].sweep);
	}
	evloops_stop(&s->loops);
	free(s->listeners);
	free(s->workers);
	connlimit_shared_put(s->limits);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

struct tls_server *tls_server_new(const struct config *cfg, struct journal *j,
				  const char **err)
{
	const struct cfg_http *h = &cfg->http;
	*err = NULL;
	if (h->n_tls_listen == 0)
		return NULL;
	struct tls_server *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	settings_from(cfg, &s->set);
	s->journal = j;
	s->limits = connlimit_shared(); /* the caps count HTTP connections too */
	if (evloops_init(&s->loops, evloop_default_count(), err) < 0)
		goto fail;
	s->workers = xcalloc(s->loops.n, sizeof(*s->workers));
	s->listeners = xcalloc(h->n_tls_listen * s->loops.n, sizeof(*s->listeners));
	for (unsigned k = 0; k < s->loops.n; k++) {
		s->workers[k].s = s;
		s->workers[k].base = s->loops.w[k].base;
		LIST_INIT(&s->workers[k].conns);
		struct timeval tv = { RECHECK_INTERVAL_MS / 1000, (RECHECK_INTERVAL_MS % 1000) * 1000 };
		s->workers[k].sweep = event_new(s->workers[k].base, -1, EV_PERSIST, sweep,
						&s->workers[k]);
		if (!s->workers[k].sweep || event_add(s->workers[k].sweep, &tv) < 0)
			goto fail;
	}
	for (size_t i = 0; i < h->n_tls_listen; i++) {
		for (unsigned k = 0; k < s->loops.n; k++) {
			int fd = evloop_listen(&h->tls_listen[i], err);
			if (fd < 0)
				goto fail;
			struct evconnlistener *l = evconnlistener_new(
				s->workers[k].base, on_accept, &s->workers[k],
				LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_DISABLED, -1,
				fd);
			if (!l) {
				close(fd);
				*err = "cannot create a listener";
				goto fail;
			}
			s->listeners[s->n_listeners++] = l;
		}
	}
	return s;
fail:
	if (!*err)
		*err = "cannot start the tls front end";
	server_free(s);
	return NULL;
}

int tls_server_run(struct tls_server *s)
{
	for (size_t i = 0; i < s->n_listeners; i++)
		if (evconnlistener_enable(s->listeners[i]) < 0)
			return -1;
	return evloops_start(&s->loops);
}

void tls_server_reload(struct tls_server *s, const struct config *cfg)
{
	struct tls_settings set;
	settings_from(cfg, &set);
	pthread_mutex_lock(&s->lock);
	s->set = set;
	pthread_mutex_unlock(&s->lock);
}

void tls_server_get_stats(struct tls_server *s, struct tls_stats *out)
{
	out->hellos = __atomic_load_n(&s->stats.hellos, __ATOMIC_RELAXED);
	out->ech = __atomic_load_n(&s->stats.ech, __ATOMIC_RELAXED);
	out->no_sni = __atomic_load_n(&s->stats.no_sni, __ATOMIC_RELAXED);
	out->blocked = __atomic_load_n(&s->stats.blocked, __ATOMIC_RELAXED);
	out->blocked_by_address = __atomic_load_n(&s->stats.blocked_by_address, __ATOMIC_RELAXED);
	out->bad_hellos = __atomic_load_n(&s->stats.bad_hellos, __ATOMIC_RELAXED);
	out->blocked_no_sni = __atomic_load_n(&s->stats.blocked_no_sni, __ATOMIC_RELAXED);
	out->blocked_ech = __atomic_load_n(&s->stats.blocked_ech, __ATOMIC_RELAXED);
	out->closed_open = __atomic_load_n(&s->stats.closed_open, __ATOMIC_RELAXED);
}

void tls_server_log_stats(struct tls_server *s)
{
	struct tls_stats st;
	tls_server_get_stats(s, &st);
	log_info("tls: %llu hellos (%llu with ECH, %llu without SNI), %llu blocked (%llu on the "
		 "destination address, %llu without SNI, %llu ECH to a client-facing name), "
		 "%llu not a valid hello, %llu open connections closed when decided again",
		 st.hellos, st.ech, st.no_sni, st.blocked, st.blocked_by_address, st.blocked_no_sni,
		 st.blocked_ech, st.bad_hellos, st.closed_open);
}

void tls_server_stop(struct tls_server *s)
{
	if (!s)
		return;
	tls_server_log_stats(s);
	server_free(s);
}
