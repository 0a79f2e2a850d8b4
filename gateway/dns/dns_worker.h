/* Inside the DNS front end: one worker thread (event loop, sockets, forwarder, cache),
 * the settings it copies from the config, and how an answer goes back to the client.
 * The bottom of the front end: the server (dns.c), the TCP side (dns_tcp.c) and the
 * query path (dns_resolve.c) use it, and it calls none of them. Not for other parts:
 * they use dns.h. */
#ifndef CG_DNS_WORKER_H
#define CG_DNS_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "addr.h"
#include "connlimit.h"
#include "dns_cache.h"
#include "dns_forward.h"
#include "dns_health.h"
#include "dns_msg.h"
#include "journal.h"
#include "policy.h"
#include "ratelimit.h"

#define DNS_UDP_BATCH 32
#define DNS_UDP_BUF 4096      /* larger client datagrams are dropped as oversized */
#define DNS_TCP_MAX_PENDING 64 /* queries in flight per TCP connection */
#define DNS_TCP_MAX_OUT (256 * 1024) /* unsent answers per connection before we stop reading */
#define DNS_TCP_MAX_CONNS 512 /* per worker */
#define DNS_BYPASS_SLOTS 1024 /* clients remembered for journaling canary/DDR */

/* What a worker keeps from the config (copied: the config may go away). */
struct dns_settings {
	struct cg_endpoint *upstream;
	size_t n_upstream;
	unsigned timeout_ms;
	size_t cache_entries, cache_max_bytes;
	bool strip_ech;
	struct cg_addr block_page_v4, block_page_v6;
	unsigned tcp_idle_ms;
	unsigned tcp_msg_timeout_ms;
	unsigned tcp_max_per_client; /* 0 = no cap */
	unsigned block_ttl;
	size_t max_pending;         /* upstream queries in flight on this worker */
	unsigned fwd_socks;         /* upstream source sockets per family on this worker */
};

/* Counters; each worker writes its own, dns_server_stop logs the sum. */
struct dns_stats {
	uint64_t udp_queries, tcp_queries, rejects[DNS_REJ_COUNT], oversized, odd_names;
	uint64_t blocked, bypass, chain_blocked, chain_unparsed, safesearch, canary, ddr,
		 rate_limited;
	uint64_t cache_hits, forwarded, servfail, answers, send_errors, journal_errors;
	uint64_t tcp_conns, tcp_refused, tcp_idle_closed, tcp_bad_frames;
	uint64_t tcp_client_refused; /* over tcp_max_per_client */
	uint64_t tcp_slow_closed;    /* a message not complete within tcp_msg_timeout_ms */
	uint64_t overflow;          /* SERVFAIL: max_pending upstream queries in flight */
	uint64_t bypass_unjournaled; /* canary/DDR queries not journaled (once a minute) */
};


struct dns_tconn;
struct dns_worker;
struct dns_reply_to;

/* How answers go back: the transport that read the query fills it in (UDP in dns.c, TCP
 * in dns_tcp.c), so that the query path answers without calling either by name. */
struct dns_reply_ops {
	/* Send one answer: into the worker's UDP batch, or framed onto the connection. */
	void (*send)(struct dns_worker *w, const struct dns_reply_to *to, const uint8_t *msg,
		     size_t len);
	/* Keep the way back open while the query is forwarded, and let it go after the
	 * answer; NULL when there is nothing to keep (UDP). */
	void (*hold)(const struct dns_reply_to *to);
	void (*release)(const struct dns_reply_to *to);
};

/* Where an answer goes: a UDP peer on one of our sockets, or a TCP connection. */
struct dns_reply_to {
	const struct dns_reply_ops *ops;
	struct dns_tconn *conn;     /* NULL for UDP */
	int fd;
	struct sockaddr_storage ss;
	socklen_t sslen;
	size_t max_len;             /* largest answer the client takes */
};

struct dns_server;

struct dns_worker {
	struct dns_server *srv;
	unsigned idx;
	pthread_t thread;
	bool started;
	struct event_base *base;
	int *udp_fds, *tcp_fds;
	size_t n_fds;
	struct event **udp_evs;
	struct evconnlistener **tcp_ls;
	struct event *reload_ev;
	struct event *policy_ev;    /* looks for a new policy now and then (idle workers) */
	struct policy *policy;      /* this worker's reference to the current snapshot */
	unsigned long policy_gen;   /* policy_generation() when it was taken */
	unsigned gen;               /* settings generation applied */
	struct dns_settings set;
	struct dns_forward *fwd;
	struct dns_cache *cache;
	struct dns_stats st;
	uint64_t overflows_seen;    /* the forwarder's overflow count last looked at */
	bool overflow_logged;
	uint32_t overflow_logged_s;
	size_t n_conns;
	LIST_HEAD(dns_tconn_list, dns_tconn) conns; /* every open TCP connection (for stop) */
	/* UDP answers wait here and leave in one sendmmsg per socket: at the end of a read
	 * round, or (answers to forwarded queries) at the end of the loop iteration. */
	bool in_read, flush_pending;
	struct event *flush_ev;
	int batch_fd;
	unsigned n_out;
	struct mmsghdr out_msgs[DNS_UDP_BATCH];
	struct iovec out_iov[DNS_UDP_BATCH];
	struct sockaddr_storage out_ss[DNS_UDP_BATCH];
	uint8_t out_buf[DNS_UDP_BATCH][DNS_UDP_BUF];
	uint8_t in_buf[DNS_UDP_BATCH][DNS_UDP_BUF];
};

/* The server: shared by the workers, read-only once they run except as noted. */
struct dns_server {
	struct journal *journal;
	struct ratelimit *rl;       /* thread-safe */
	struct connlimit *tcp_clients; /* open TCP connections per client, all workers */
	_Atomic unsigned rl_qps;    /* for messages */
	struct dns_worker *workers;
	size_t n_workers;
	pthread_mutex_t lock;       /* guards next/next_gen */
	struct dns_settings next;
	unsigned next_gen;
	bool running;
	uint64_t rate_q, rate_ns;   /* status: the queries counted at the last sample, when */
	double rate;                /* queries/s between the last two samples; < 0: none yet */
	/* What the sockets and threads were made from: a reload cannot change them. */
	struct cg_endpoint *listen;
	size_t n_listen;
	unsigned threads_cfg;
	size_t fd_room;             /* descriptors the forwarders may use in all */
	/* When a (client, canary/DDR) was last journaled, shared by the workers: the key's
	 * 32-bit hash << 32 | monotonic seconds. */
	_Atomic uint64_t bypass_seen[DNS_BYPASS_SLOTS];
	struct dns_health health;   /* each upstream's answers and failures, for all workers */
};

/* The policy snapshot to use in this callback (NULL: none yet), refreshed first when a
 * new one was published: one atomic load, no lock. Call only at the start of a
 * top-level callback: the previous snapshot may go away. The worker keeps the reference. */
static inline struct policy *dns_worker_policy(struct dns_worker *w)
{
	unsigned long g = policy_generation();
	if (g != w->policy_gen) {
		struct policy *old = w->policy;
		w->policy = policy_acquire(); /* a mutex, once per worker and reload */
		w->policy_gen = g;
		policy_unref(old); /* if the last: freed on the main thread (policy_publish) */
	}
	return w->policy;
}

#endif
