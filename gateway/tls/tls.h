/* TLS SNI check on redirected port 443: peek the ClientHello, decide, splice or close. */
#ifndef CG_TLS_H
#define CG_TLS_H

#include "config.h"
#include "journal.h"

struct tls_server;

/* Bind/open everything the front end needs (runs as root, before privileges are
 * dropped). Nothing is served yet. NULL with a message in *err on failure; a config
 * with nothing to listen on for this front end returns NULL with *err = NULL. */
struct tls_server *tls_server_new(const struct config *cfg, struct journal *j,
				       const char **err);

/* Start serving on the front end's own threads; returns at once. 0 or -1. */
int tls_server_run(struct tls_server *s);

/* Take the settings of a reloaded config that do not need new sockets (limits, block
 * modes, upstreams, ...). The policy itself is swapped globally (policy_publish). */
void tls_server_reload(struct tls_server *s, const struct config *cfg);

/* What the front end has seen since it started. ECH and no-SNI hellos are counted here,
 * not journaled one by one (Chrome sends ECH GREASE in every hello); blocks (among them
 * no-SNI hellos under tls_no_sni = block, ECH to a client-facing name) are both. */
struct tls_stats {
	unsigned long long hellos;             /* complete ClientHellos decided */
	unsigned long long ech;                /* ... with encrypted_client_hello (and an SNI) */
	unsigned long long no_sni;             /* ... without a server name */
	unsigned long long blocked;            /* answered with access_denied */
	unsigned long long blocked_by_address; /* ... on the original destination address */
	unsigned long long bad_hellos;         /* streams that were not a valid ClientHello */
	unsigned long long blocked_no_sni;     /* blocked: no SNI (tls_no_sni) */
	unsigned long long blocked_ech;        /* blocked: ECH to a client-facing ECH name */
	unsigned long long closed_open;        /* spliced connections closed when decided again
					  (a lesson began, a reload): now blocked */
};

/* Copy the counters (any thread). */
void tls_server_get_stats(struct tls_server *s, struct tls_stats *out);

/* Log the counters as one info line (also done at stop). */
void tls_server_log_stats(struct tls_server *s);

/* Stop serving, join threads, close sockets, free. */
void tls_server_stop(struct tls_server *s);

#endif
