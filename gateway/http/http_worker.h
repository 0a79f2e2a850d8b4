/* http_worker: what the http front end's modules share: the listener modes, the
 * settings a connection runs with, the state all workers share and one worker's own.
 * Types only (like dns_worker.h), so that http_conn and http_tunnel both see them
 * without seeing each other. Internal to the http front end. */
#ifndef CG_HTTP_WORKER_H
#define CG_HTTP_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "addr.h"
#include "config.h"
#include "connlimit.h"
#include "denyset.h"
#include "i18n.h"
#include "journal.h"
#include "recheck.h"
#include "tz.h"

struct event_base;
struct dns_lookup_base;

enum http_mode {
	HTTP_MODE_TRANSPARENT, /* redirected port 80: origin-form, original destination */
	HTTP_MODE_EXPLICIT,    /* configured in the browser: absolute-form and CONNECT */
	HTTP_MODE_BLOCKPAGE,   /* where DNS block-page answers point: always the page */
};

/* The settings a connection runs with, copied at accept (reload changes new ones). */
struct http_settings {
	unsigned max_conns, max_conns_per_client;
	unsigned head_timeout_ms, idle_timeout_ms;
	size_t max_head_bytes, max_line_bytes;
	unsigned max_headers;
	struct cg_endpoint parent; /* port 0 = none */
	enum lang lang;            /* block page language when the browser names none */
	char school[129];          /* [journal] school and contact, for the block page */
	char contact[257];
	uint16_t connect_ports[CFG_MAX_CONNECT_PORTS]; /* where CONNECT may go */
	size_t n_connect_ports;
	unsigned tunnel_idle_ms;   /* a spliced tunnel silent both ways (tls_idle_timeout_ms) */
	unsigned review_limit;     /* review requests per client per window (0: no form) */
	unsigned review_window;    /* seconds */
};

/* What all workers of one server share. */
struct http_shared {
	pthread_mutex_t lock; /* guards set */
	struct http_settings set;
	struct journal *journal; /* NULL: do not journal */
	struct connlimit *limits;
	struct tz *tz;           /* the school's zone for the block page time */
	struct http_review *review; /* the review form's key and rate limit (http_review.c) */
	struct denyset *deny;    /* where CONNECT never goes (guarded by lock; rebuilt on
				    reload; a tunnel holds its own reference) */
};

struct http_tunnel;
struct http_review;

struct http_conn;

/* One worker thread's state. */
struct http_worker {
	struct event_base *base;
	struct dns_lookup_base *dns; /* explicit mode: lookups from the [dns] upstreams */
	struct http_shared *sh;
	LIST_HEAD(http_conn_list, http_conn) conns; /* live connections (freed at stop) */
	LIST_HEAD(http_tunnel_list, http_tunnel) tunnels; /* live tunnels (http_tunnel.c) */
	struct event *sweep;  /* decides the open tunnels again (http_tunnel_sweep_start) */
	struct recheck rc;
};

#endif
