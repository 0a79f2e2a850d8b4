/* One proxied client connection (transparent, explicit or block-page listener) and the
 * per-worker state it runs in. Internal to the http front end (http.c). */
#ifndef CG_HTTP_CONN_H
#define CG_HTTP_CONN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "addr.h"
#include "connlimit.h"
#include "i18n.h"
#include "journal.h"
#include "tz.h"

struct event_base;
struct evdns_base;

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
};

/* What all workers of one server share. */
struct http_shared {
	pthread_mutex_t lock; /* guards set */
	struct http_settings set;
	struct journal *journal; /* NULL: do not journal */
	struct connlimit *limits;
	struct tz *tz;           /* the school's zone for the block page time */
};

struct http_conn;

/* One worker thread's state. */
struct http_worker {
	struct event_base *base;
	struct evdns_base *dns; /* for explicit mode; NULL falls back to getaddrinfo */
	struct http_shared *sh;
	LIST_HEAD(http_conn_list, http_conn) conns; /* live connections (freed at stop) */
};

/* Copy the current settings. */
void http_shared_settings(struct http_shared *sh, struct http_settings *out);

/* Take over an accepted socket (counted in sh->limits already). local is the address
 * the client connected to (to tell a REDIRECT from a direct connection). */
void http_conn_start(struct http_worker *w, enum http_mode mode, int fd,
		     const struct sockaddr *peer, socklen_t peer_len);

/* Free every live connection of a worker (its loop has stopped). */
void http_conn_free_all(struct http_worker *w);

/* Answer a refused connection (limits) with a short 503 and close it; never blocks. */
void http_refuse(int fd, enum lang lang);

#endif
