/* http_conn: one client connection through the HTTP proxy, the state that the modules
 * driving it share (http_client reads and decides its heads, http_answer answers them
 * here, http_relay relays them to the next hop), and what every one of them does to it:
 * wait for the next head, answer an error, close after the last answer, free it or hand
 * its sockets over. The bottom of those modules: it calls none of them. http_client
 * owns the events of both sockets and hands them to the others, which return what is
 * left to do; none of them calls back up. Internal to the http front end (http.c). */
#ifndef CG_HTTP_CONN_H
#define CG_HTTP_CONN_H

#include <stdbool.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "addr.h"
#include "http_parse.h"
#include "http_worker.h"
#include "name.h"

#define HTTP_CONN_HIGH (256 * 1024) /* stop reading a side while the other holds this much */
#define HTTP_CONN_IO (128 * 1024)   /* bytes per read/write on a relay (libevent: 16 KiB) */

struct bufferevent;
struct dns_lookup;
struct event;

enum conn_state {
	ST_HEAD,    /* waiting for a request head */
	ST_RESOLVE, /* explicit mode: an allowed request's name being looked up (the head
		       stays in the client input, reading stops) */
	ST_RELAY,   /* request forwarded (body may still flow), response coming back */
	ST_CLOSING, /* flushing our last answer, then free */
};

struct http_conn {
	struct http_worker *w;
	LIST_ENTRY(http_conn) link; /* in w->conns */
	enum http_mode mode;
	struct http_settings set;
	struct cg_addr client;
	char client_str[CG_ADDR_STRLEN];
	struct sockaddr_storage orig;
	socklen_t orig_len; /* 0: not redirected */
	struct bufferevent *cli, *up;
	char up_key[NAME_MAX_LEN + 16]; /* where up goes ("h:port" or "a:port") */
	unsigned long up_gen;           /* policy_generation() when up was opened */
	struct cg_addr up_addr;         /* the address up goes to (explicit mode: looked up
					   or given; transparent: the original destination);
					   family 0: the parent proxy's, not decided */
	bool up_connected;
	struct sockaddr_storage up_sa;  /* where up is to connect (http_relay_start) */
	socklen_t up_sa_len;            /* 0: connecting or connected */
	struct event *head_timer;
	enum conn_state state;
	struct http_request *req;
	struct dns_lookup *lookup; /* ST_RESOLVE */
	int head_n;                /* ST_RESOLVE: the length of the head waiting */
	struct http_scan scan; /* how far the next head has been read (linear reading) */
	/* the request in flight */
	struct http_body req_body;
	bool req_body_done, upgrade, head_req, client_keep;
	int req_minor;
	/* its response */
	bool resp_head_done, resp_started;
	struct http_body resp_body;
	bool up_keep;
	bool cli_eof;
	bool out_paused; /* ST_HEAD: not reading heads until the client takes its answers */
};

/* Copy the current settings. */
void http_shared_settings(struct http_shared *sh, struct http_settings *out);

/* Answer a refused connection (limits) with a short 503 and close it; never blocks. */
void http_refuse(int fd, enum lang lang);

/* Stop everything and flush what we queued for the client, then free c (at once when
 * nothing is queued). */
void http_conn_close_after_write(struct http_conn *c);

/* Queue a short error answer with this status for the client, then close after it. */
void http_conn_send_error(struct http_conn *c, int status);

/* Wait for the next request head, under the head timeout. */
void http_conn_head_wait(struct http_conn *c);

/* Close c's sockets, release its connection-limit slot and free it. */
void http_conn_free(struct http_conn *c);

/* End the connection but leave its sockets (c->cli, c->up unless freed or NULL) and its
 * limit slot to whoever took them over; free c. */
void http_conn_detach(struct http_conn *c);

/* Free every live connection of a worker (its loop has stopped). */
void http_conn_free_all(struct http_worker *w);

#endif
