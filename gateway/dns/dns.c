/* The DNS filtering proxy: sockets bound at start-up, one worker thread per core each
 * with its own event loop, SO_REUSEPORT UDP and TCP sockets, forwarder and cache;
 * reloads handed to the workers through an event. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/thread.h>

#include "dns.h"
#include "dns_resolve.h"
#include "dns_tcp.h"
#include "dns_worker.h"
#include "util.h"

#define DNS_RL_CLIENTS 65536
#define DNS_FWD_SOCKS 1024u /* source sockets per worker and family, at most */
#define DNS_FD_RESERVE 256  /* descriptors kept for listeners, TCP clients, journal, ... */

static char dns_err[256]; /* start-up error text handed to the daemon */

static void settings_free(struct dns_settings *s)
{
	free(s->upstream);
	s->upstream = NULL;
	s->n_upstream = 0;
}

static void settings_copy(struct dns_settings *dst, const struct dns_settings *src)
{
	settings_free(dst);
	*dst = *src;
	dst->upstream = src->n_upstream ? xmalloc(src->n_upstream * sizeof *src->upstream) : NULL;
	if (src->n_upstream)
		memcpy(dst->upstream, src->upstream, src->n_upstream * sizeof *src->upstream);
}

/* The settings each of n workers gets: the cache limits are the daemon's, divided
 * among the workers (each has its own cache); the forwarders' source sockets share the
 * descriptors there are (fd_room for all workers, two address families each). */
static void settings_from(struct dns_settings *s, const struct config *cfg, size_t n,
			  size_t fd_room)
{
	size_t bytes = cfg->dns.cache_max_bytes ? cfg->dns.cache_max_bytes : (size_t)16 << 20;
	size_t entries = cfg->dns.cache_entries ? (cfg->dns.cache_entries + n - 1) / n : 0;
	size_t pending = cfg->dns.max_pending ? cfg->dns.max_pending : 4096;
	size_t socks = fd_room / n / 2;
	if (socks < DNS_FWD_SOCKS)
		log_warn("dns: the file descriptor limit leaves %zu upstream sockets per worker "
			 "and family (%u wanted: fewer random source ports); raise RLIMIT_NOFILE",
			 socks, DNS_FWD_SOCKS);
	struct dns_settings t = {
		.upstream = cfg->dns.upstream, .n_upstream = cfg->dns.n_upstream,
		.timeout_ms = cfg->dns.timeout_ms ? cfg->dns.timeout_ms : 1500,
		.cache_entries = entries,
		.cache_max_bytes = bytes / n > 65536 ? bytes / n : 65536,
		.max_pending = pending,
		.fwd_socks = socks < DNS_FWD_SOCKS ? (socks ? (unsigned)socks : 1) : DNS_FWD_SOCKS,
		.strip_ech = cfg->dns.strip_ech,
		.block_page_v4 = cfg->dns.block_page_v4, .block_page_v6 = cfg->dns.block_page_v6,
		.tcp_idle_ms = cfg->dns.tcp_idle_ms ? cfg->dns.tcp_idle_ms : 10000,
		.tcp_msg_timeout_ms = cfg->dns.tcp_msg_timeout_ms ? cfg->dns.tcp_msg_timeout_ms
								  : 3000,
		.tcp_max_per_client = cfg->dns.tcp_max_per_client,
		.block_ttl = cfg->dns.block_ttl,
	};
	settings_copy(s, &t);
}

static unsigned worker_count(const struct config *cfg)
{
	if (cfg->dns.threads)
		return cfg->dns.threads;
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static int open_socket(const struct cg_endpoint *ep, int type)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(ep, &ss);
	int fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0 ||
	    (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0))
		goto fail;
	if (type == SOCK_DGRAM) {
		int rcv = 4 << 20;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv); /* best effort */
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 256) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void udp_flush(struct dns_worker *w, int fd)
{
	unsigned done = 0;
	while (done < w->n_out) {
		int n = sendmmsg(fd, w->out_msgs + done, w->n_out - done, 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			w->st.send_errors++;
			done++; /* skip the one that failed */
			continue;
		}
		done += (unsigned)n;
	}
	w->n_out = 0;
}

/* Answers made outside a UDP read round (forwarded replies) go out together once the
 * loop has run every callback that was ready. */
static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_worker *w = arg;
	(void)fd;
	(void)what;
	w->flush_pending = false;
	if (w->n_out)
		udp_flush(w, w->batch_fd);
}

/* The UDP way back for the query path (struct dns_reply_ops): the answer joins the
 * worker's batch. */
static void udp_send(struct dns_worker *w, const struct dns_reply_to *to, const uint8_t *msg,
		     size_t len)
{
	if (len > DNS_UDP_BUF) {
		if (sendto(to->fd, msg, len, 0, (const struct sockaddr *)&to->ss, to->sslen) < 0)
			w->st.send_errors++;
		return;
	}
	/* One sendmmsg per socket: a batch for another socket, or a full one, goes first. */
	if (w->n_out && (w->batch_fd != to->fd || w->n_out == DNS_UDP_BATCH))
		udp_flush(w, w->batch_fd);
	unsigned i = w->n_out++;
	w->batch_fd = to->fd;
	memcpy(w->out_buf[i], msg, len);
	memcpy(&w->out_ss[i], &to->ss, to->sslen);
	w->out_iov[i].iov_base = w->out_buf[i];
	w->out_iov[i].iov_len = len;
	memset(&w->out_msgs[i], 0, sizeof w->out_msgs[i]);
	w->out_msgs[i].msg_hdr.msg_name = &w->out_ss[i];
	w->out_msgs[i].msg_hdr.msg_namelen = to->sslen;
	w->out_msgs[i].msg_hdr.msg_iov = &w->out_iov[i];
	w->out_msgs[i].msg_hdr.msg_iovlen = 1;
	if (!w->in_read && !w->flush_pending) {
		w->flush_pending = true;
		event_active(w->flush_ev, EV_TIMEOUT, 0);
	}
}

static const struct dns_reply_ops udp_reply = {.send = udp_send};

static void udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct dns_worker *w = arg;
	struct mmsghdr msgs[DNS_UDP_BATCH];
	struct iovec iov[DNS_UDP_BATCH];
	struct sockaddr_storage from[DNS_UDP_BATCH];
	struct policy *p = dns_worker_policy(w);
	(void)what;
	for (int round = 0; round < 8; round++) {
		for (int i = 0; i < DNS_UDP_BATCH; i++) {
			iov[i].iov_base = w->in_buf[i];
			iov[i].iov_len = DNS_UDP_BUF;
			memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof from[i];
		}
		int n = recvmmsg(fd, msgs, DNS_UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		w->in_read = true;
		for (int i = 0; i < n; i++) {
			struct dns_reply_to to = {.ops = &udp_reply, .fd = fd,
						  .sslen = msgs[i].msg_hdr.msg_namelen};
			struct cg_addr client;
			w->st.udp_queries++;
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				w->st.oversized++;
				continue;
			}
			memcpy(&to.ss, &from[i], sizeof from[i]);
			addr_from_sockaddr((struct sockaddr *)&from[i], &client);
			dns_resolve(w, p, w->in_buf[i], msgs[i].msg_len, &client, &to);
		}
		if (w->n_out)
			udp_flush(w, w->batch_fd);
		w->in_read = false;
		if (n < DNS_UDP_BATCH)
			break;
	}
}

/* An idle worker lets go of a replaced snapshot too (so the publisher can free it). */
static void policy_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dns_worker_policy(arg);
}

/* Apply the settings of the last reload (runs on the worker's thread). */
static void worker_reload(evutil_socket_t fd, short what, void *arg)
{
	struct dns_worker *w = arg;
	struct dns_server *s = w->srv;
	(void)fd;
	(void)what;
	pthread_mutex_lock(&s->lock);
	if (w->gen == s->next_gen) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	settings_copy(&w->set, &s->next);
	w->gen = s->next_gen;
	pthread_mutex_unlock(&s->lock);
	dns_forward_set_upstreams(w->fwd, w->set.upstream, w->set.n_upstream, w->set.timeout_ms);
	dns_forward_set_limits(w->fwd, w->set.max_pending, w->set.fwd_socks);
	if (w->set.cache_entries == 0) {
		dns_cache_free(w->cache);
		w->cache = NULL;
	} else if (w->cache) {
		dns_cache_set_limits(w->cache, w->set.cache_entries, w->set.cache_max_bytes);
	} else {
		w->cache = dns_cache_new(w->set.cache_entries, w->set.cache_max_bytes);
	}
}

static int worker_init(struct dns_server *s, struct dns_worker *w, const struct config *cfg)
{
	w->srv = s;
	LIST_INIT(&w->conns);
	w->base = event_base_new();
	if (!w->base)
		return -1;
	settings_copy(&w->set, &s->next);
	w->gen = s->next_gen;
	w->n_fds = cfg->dns.n_listen;
	w->udp_fds = xcalloc(w->n_fds, sizeof *w->udp_fds);
	w->tcp_fds = xcalloc(w->n_fds, sizeof *w->tcp_fds);
	w->udp_evs = xcalloc(w->n_fds, sizeof *w->udp_evs);
	w->tcp_ls = xcalloc(w->n_fds, sizeof *w->tcp_ls);
	for (size_t i = 0; i < w->n_fds; i++)
		w->udp_fds[i] = w->tcp_fds[i] = -1;
	for (size_t i = 0; i < w->n_fds; i++) {
		const struct cg_endpoint *ep = &cfg->dns.listen[i];
		char eb[64];
		w->udp_fds[i] = open_socket(ep, SOCK_DGRAM);
		if (w->udp_fds[i] < 0) {
			snprintf(dns_err, sizeof dns_err, "dns: cannot listen on udp %s: %s",
				 endpoint_str(ep, eb, sizeof eb), strerror(errno));
			return -1;
		}
		w->tcp_fds[i] = open_socket(ep, SOCK_STREAM);
		if (w->tcp_fds[i] < 0) {
			snprintf(dns_err, sizeof dns_err, "dns: cannot listen on tcp %s: %s",
				 endpoint_str(ep, eb, sizeof eb), strerror(errno));
			return -1;
		}
		w->udp_evs[i] = event_new(w->base, w->udp_fds[i], EV_READ | EV_PERSIST, udp_read, w);
		w->tcp_ls[i] = evconnlistener_new(w->base, dns_tcp_accept, w, LEV_OPT_CLOSE_ON_FREE,
						  0, w->tcp_fds[i]);
		if (!w->udp_evs[i] || !w->tcp_ls[i] || event_add(w->udp_evs[i], NULL) < 0) {
			snprintf(dns_err, sizeof dns_err, "dns: cannot set up the event loop");
			return -1;
		}
		w->tcp_fds[i] = -1; /* the listener owns it now */
	}
	w->reload_ev = event_new(w->base, -1, 0, worker_reload, w);
	w->flush_ev = event_new(w->base, -1, 0, flush_cb, w);
	w->policy_ev = event_new(w->base, -1, EV_PERSIST, policy_tick, w);
	struct timeval tick = {0, 100000};
	if (!w->policy_ev || event_add(w->policy_ev, &tick) < 0)
		return -1;
	w->fwd = dns_forward_new(w->base, w->set.upstream, w->set.n_upstream, w->set.timeout_ms);
	dns_forward_set_limits(w->fwd, w->set.max_pending, w->set.fwd_socks);
	dns_forward_set_health(w->fwd, &s->health);
	if (w->set.cache_entries)
		w->cache = dns_cache_new(w->set.cache_entries, w->set.cache_max_bytes);
	return w->reload_ev && w->flush_ev ? 0 : -1;
}

static void worker_free(struct dns_worker *w)
{
	if (!w->base)
		return;
	dns_tcp_close_all(w);
	dns_forward_free(w->fwd); /* pending queries are cancelled and freed */
	for (size_t i = 0; i < w->n_fds; i++) {
		if (w->udp_evs[i])
			event_free(w->udp_evs[i]);
		if (w->tcp_ls[i])
			evconnlistener_free(w->tcp_ls[i]);
		if (w->udp_fds[i] >= 0)
			close(w->udp_fds[i]);
		if (w->tcp_fds[i] >= 0)
			close(w->tcp_fds[i]);
	}
	if (w->reload_ev)
		event_free(w->reload_ev);
	if (w->flush_ev)
		event_free(w->flush_ev);
	if (w->policy_ev)
		event_free(w->policy_ev);
	policy_unref(w->policy); /* on the main thread: freed here when the last */
	w->policy = NULL;
	dns_cache_free(w->cache);
	free(w->udp_fds);
	free(w->tcp_fds);
	free(w->udp_evs);
	free(w->tcp_ls);
	settings_free(&w->set);
	event_base_free(w->base);
	w->base = NULL;
}

/* Descriptors the forwarders may hold in all (one per upstream try in flight): the soft
 * RLIMIT_NOFILE is raised to the hard one first (we may still be root here). */
static size_t fd_room(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024 - DNS_FD_RESERVE;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = {rl.rlim_max, rl.rlim_max};
		if (up.rlim_cur == RLIM_INFINITY || up.rlim_cur > (1u << 20))
			up.rlim_cur = 1u << 20;
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl.rlim_cur = up.rlim_cur;
	}
	size_t n = rl.rlim_cur == RLIM_INFINITY ? (size_t)1 << 20 : (size_t)rl.rlim_cur;
	return n > 2 * DNS_FD_RESERVE ? n - DNS_FD_RESERVE : n / 2;
}

static bool same_listen(const struct dns_server *s, const struct config *cfg)
{
	if (s->n_listen != cfg->dns.n_listen)
		return false;
	for (size_t i = 0; i < s->n_listen; i++) {
		const struct cg_endpoint *a = &s->listen[i], *b = &cfg->dns.listen[i];
		if (a->port != b->port || a->addr.family != b->addr.family ||
		    memcmp(a->addr.a, b->addr.a, sizeof a->addr.a) != 0)
			return false;
	}
	return true;
}

/* Free the workers (those that were set up) and the server; their threads have ended or
 * never started. */
static void server_free(struct dns_server *s)
{
	for (size_t i = 0; i < s->n_workers; i++)
		worker_free(&s->workers[i]);
	free(s->workers);
	ratelimit_free(s->rl);
	connlimit_free(s->tcp_clients);
	settings_free(&s->next);
	free(s->listen);
	pthread_mutex_destroy(&s->lock);
	dns_health_destroy(&s->health);
	free(s);
}

/* libevent locking, so that reloads and stop can poke the workers' loops. */
static void threads_init(void)
{
	if (evthread_use_pthreads() < 0)
		log_err("dns: libevent thread support is missing");
}

struct dns_server *dns_server_new(const struct config *cfg, struct journal *j,
				  const char **err)
{
	*err = NULL;
	if (cfg->dns.n_listen == 0)
		return NULL;
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, threads_init);
	struct dns_server *s = xcalloc(1, sizeof *s);
	s->rate = -1;
	pthread_mutex_init(&s->lock, NULL);
	dns_health_init(&s->health);
	s->journal = j;
	s->n_workers = worker_count(cfg);
	s->fd_room = fd_room();
	settings_from(&s->next, cfg, s->n_workers, s->fd_room);
	s->n_listen = cfg->dns.n_listen;
	s->listen = xmalloc(s->n_listen * sizeof *s->listen);
	memcpy(s->listen, cfg->dns.listen, s->n_listen * sizeof *s->listen);
	s->threads_cfg = cfg->dns.threads;
	s->tcp_clients = connlimit_new();
	s->rl_qps = cfg->dns.rate_limit_qps;
	if (cfg->dns.rate_limit_qps)
		s->rl = ratelimit_new(cfg->dns.rate_limit_qps, cfg->dns.rate_limit_burst,
				      DNS_RL_CLIENTS);
	if (cfg->dns.n_upstream == 0)
		log_warn("dns: no upstream resolver configured: allowed names get SERVFAIL");
	s->workers = xcalloc(s->n_workers, sizeof *s->workers);
	for (size_t i = 0; i < s->n_workers; i++) {
		s->workers[i].idx = (unsigned)i;
		if (worker_init(s, &s->workers[i], cfg) < 0) {
			*err = dns_err[0] ? dns_err : "dns: cannot start a worker";
			goto fail;
		}
	}
	return s;
fail:
	server_free(s);
	return NULL;
}

static void *worker_main(void *arg)
{
	struct dns_worker *w = arg;
	char name[16];
	snprintf(name, sizeof name, "cg-dns%u", w->idx);
	pthread_setname_np(pthread_self(), name); /* for top -H and ps -L */
	policy_thread_serving();
	event_base_dispatch(w->base);
	return NULL;
}

int dns_server_run(struct dns_server *s)
{
	for (size_t i = 0; i < s->n_workers; i++) {
		struct dns_worker *w = &s->workers[i];
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			log_err("dns: cannot start worker thread %zu", i);
			return -1;
		}
		w->started = true;
	}
	char eb[64];
	log_info("dns: %zu worker thread(s); upstreams %zu, first %s; cache %zu entries; rate "
		 "limit %u queries/s per client", s->n_workers, s->next.n_upstream,
		 s->next.n_upstream ? endpoint_str(&s->next.upstream[0], eb, sizeof eb) : "none",
		 s->next.cache_entries, (unsigned)s->rl_qps);
	return 0;
}

void dns_server_reload(struct dns_server *s, const struct config *cfg)
{
	if (!same_listen(s, cfg))
		log_warn("dns: reload: the [dns] listen addresses changed; the old ones are still "
			 "served: new sockets take a restart");
	if (cfg->dns.threads != s->threads_cfg)
		log_warn("dns: reload: [dns] threads changed from %u to %u; still %zu worker "
			 "thread(s): that takes a restart", s->threads_cfg, cfg->dns.threads,
			 s->n_workers);
	pthread_mutex_lock(&s->lock);
	settings_from(&s->next, cfg, s->n_workers, s->fd_room);
	s->next_gen++;
	pthread_mutex_unlock(&s->lock);
	s->rl_qps = cfg->dns.rate_limit_qps;
	if (s->rl)
		ratelimit_set(s->rl, cfg->dns.rate_limit_qps, cfg->dns.rate_limit_burst);
	else if (cfg->dns.rate_limit_qps)
		log_warn("dns: rate limiting switched on by a reload takes a restart");
	for (size_t i = 0; i < s->n_workers; i++)
		event_active(s->workers[i].reload_ev, EV_READ, 0);
}

static void stats_log(const struct dns_server *s)
{
	struct dns_stats t;
	memset(&t, 0, sizeof t);
	uint64_t *tv = (uint64_t *)&t;
	for (size_t i = 0; i < s->n_workers; i++) {
		const uint64_t *wv = (const uint64_t *)&s->workers[i].st;
		for (size_t k = 0; k < sizeof t / sizeof *tv; k++)
			tv[k] += wv[k];
	}
	struct dns_forward_stats f = {0};
	for (size_t i = 0; i < s->n_workers; i++) {
		struct dns_forward_stats x;
		dns_forward_get_stats(s->workers[i].fwd, &x);
		f.udp_sent += x.udp_sent;
		f.timeouts += x.timeouts;
		f.tcp_retries += x.tcp_retries;
		f.bad_replies += x.bad_replies;
		f.unmatched += x.unmatched;
		f.upstream_errors += x.upstream_errors;
		f.failures += x.failures;
		f.socket_errors += x.socket_errors;
		f.overflows += x.overflows;
	}
	log_info("dns: upstream queries %llu, upstream timeouts %llu, tcp retries %llu, bad "
		 "replies %llu, unmatched %llu, upstream errors %llu, failed %llu, socket errors "
		 "%llu, over max_pending %llu",
		 (unsigned long long)f.udp_sent, (unsigned long long)f.timeouts,
		 (unsigned long long)f.tcp_retries, (unsigned long long)f.bad_replies,
		 (unsigned long long)f.unmatched, (unsigned long long)f.upstream_errors,
		 (unsigned long long)f.failures, (unsigned long long)f.socket_errors,
		 (unsigned long long)f.overflows);
	struct dns_cache_stats c = {0};
	for (size_t i = 0; i < s->n_workers; i++) {
		struct dns_cache_stats x;
		if (!s->workers[i].cache)
			continue;
		dns_cache_get_stats(s->workers[i].cache, &x);
		c.entries += x.entries;
		c.bytes += x.bytes;
		c.evictions += x.evictions;
		c.expired += x.expired;
	}
	log_info("dns: cache %zu answers in %zu KiB; evicted %llu, expired %llu", c.entries,
		 c.bytes >> 10, (unsigned long long)c.evictions, (unsigned long long)c.expired);
	uint64_t rej = 0;
	for (int r = 1; r < DNS_REJ_COUNT; r++)
		rej += t.rejects[r];
	log_info("dns: queries udp %llu tcp %llu; answers %llu; rejected %llu (short %llu, "
		 "response %llu, opcode %llu, qdcount %llu, name %llu, truncated %llu, edns %llu, "
		 "badvers %llu), oversized %llu, odd names %llu; blocked %llu (bypass %llu, "
		 "chain %llu, answers not inspectable %llu), safe search %llu, canary %llu, ddr %llu, rate limited %llu; "
		 "cache hits %llu, forwarded %llu, servfail %llu; tcp conns %llu refused %llu "
		 "(per client %llu) idle-closed %llu slow-closed %llu bad frames %llu; send errors %llu, journal errors %llu",
		 (unsigned long long)t.udp_queries, (unsigned long long)t.tcp_queries,
		 (unsigned long long)t.answers, (unsigned long long)rej,
		 (unsigned long long)t.rejects[DNS_REJ_SHORT],
		 (unsigned long long)t.rejects[DNS_REJ_RESPONSE],
		 (unsigned long long)t.rejects[DNS_REJ_OPCODE],
		 (unsigned long long)t.rejects[DNS_REJ_QDCOUNT],
		 (unsigned long long)t.rejects[DNS_REJ_NAME],
		 (unsigned long long)t.rejects[DNS_REJ_TRUNC],
		 (unsigned long long)t.rejects[DNS_REJ_EDNS],
		 (unsigned long long)t.rejects[DNS_REJ_BADVERS],
		 (unsigned long long)t.oversized, (unsigned long long)t.odd_names,
		 (unsigned long long)t.blocked, (unsigned long long)t.bypass,
		 (unsigned long long)t.chain_blocked, (unsigned long long)t.chain_unparsed,
		 (unsigned long long)t.safesearch,
		 (unsigned long long)t.canary, (unsigned long long)t.ddr,
		 (unsigned long long)t.rate_limited, (unsigned long long)t.cache_hits,
		 (unsigned long long)t.forwarded, (unsigned long long)t.servfail,
		 (unsigned long long)t.tcp_conns, (unsigned long long)t.tcp_refused,
		 (unsigned long long)t.tcp_client_refused, (unsigned long long)t.tcp_idle_closed,
		 (unsigned long long)t.tcp_slow_closed, (unsigned long long)t.tcp_bad_frames,
		 (unsigned long long)t.send_errors, (unsigned long long)t.journal_errors);
}

void dns_server_stop(struct dns_server *s)
{
	if (!s)
		return;
	/* loopexit, not loopbreak: a break sent before a worker's loop has started is
	 * cleared when it starts (and the join would wait for ever); loopexit's zero
	 * timeout event waits in the base until the loop runs it. */
	for (size_t i = 0; i < s->n_workers; i++)
		if (s->workers[i].started)
			event_base_loopexit(s->workers[i].base, NULL);
	for (size_t i = 0; i < s->n_workers; i++)
		if (s->workers[i].started)
			pthread_join(s->workers[i].thread, NULL);
	stats_log(s);
	server_free(s);
}

void dns_server_status(struct dns_server *s, struct sbuf *out)
{
	pthread_mutex_lock(&s->lock);
	dns_health_status(&s->health, s->next.upstream, s->next.n_upstream, time(NULL), out);
	pthread_mutex_unlock(&s->lock);
	/* The workers' counters, read while they count: each word is read whole (relaxed
	 * atomic loads), the sums are a moment's picture. */
	uint64_t q = 0, hits = 0, blocked = 0, fwd = 0;
	for (size_t i = 0; i < s->n_workers; i++) {
		const struct dns_stats *st = &s->workers[i].st;
		q += __atomic_load_n(&st->udp_queries, __ATOMIC_RELAXED) +
		     __atomic_load_n(&st->tcp_queries, __ATOMIC_RELAXED);
		hits += __atomic_load_n(&st->cache_hits, __ATOMIC_RELAXED);
		blocked += __atomic_load_n(&st->blocked, __ATOMIC_RELAXED);
		fwd += __atomic_load_n(&st->forwarded, __ATOMIC_RELAXED);
	}
	sbuf_printf(out, "dns_queries %llu\ndns_cache_hits %llu\ndns_blocked %llu\n"
		    "dns_forwarded %llu\n", (unsigned long long)q, (unsigned long long)hits,
		    (unsigned long long)blocked, (unsigned long long)fwd);
	/* Queries/s between two status requests at least 5 s apart (the console's page
	 * loads, `campusgate status`): the rate of late, not since start. */
	pthread_mutex_lock(&s->lock);
	uint64_t now = now_mono_ns();
	if (s->rate_ns == 0 || now - s->rate_ns >= 5000000000ULL) {
		if (s->rate_ns)
			s->rate = (double)(q - s->rate_q) * 1e9 / (double)(now - s->rate_ns);
		s->rate_q = q;
		s->rate_ns = now;
	}
	if (s->rate >= 0)
		sbuf_printf(out, "dns_qps_recent %.1f\n", s->rate);
	pthread_mutex_unlock(&s->lock);
}
