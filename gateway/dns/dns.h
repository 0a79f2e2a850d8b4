/* DNS filtering proxy: UDP and TCP listeners, forwarding, cache, block answers. */
#ifndef CG_DNS_H
#define CG_DNS_H

#include "config.h"
#include "journal.h"

struct dns_server;

/* Bind/open everything the front end needs (runs as root, before privileges are
 * dropped). Nothing is served yet. NULL with a message in *err on failure; a config
 * with nothing to listen on for this front end returns NULL with *err = NULL. */
struct dns_server *dns_server_new(const struct config *cfg, struct journal *j,
				       const char **err);

/* Start serving on the front end's own threads; returns at once. 0 or -1. */
int dns_server_run(struct dns_server *s);

/* Take the settings of a reloaded config that do not need new sockets (limits, block
 * modes, upstreams, ...). The policy itself is swapped globally (policy_publish). */
void dns_server_reload(struct dns_server *s, const struct config *cfg);

/* Stop serving, join threads, close sockets, free. */
void dns_server_stop(struct dns_server *s);

/* Append the upstreams' state for the control socket's status: one "upstream NAME STATE
 * answered N timeouts N errors N last_answer_s S" line each (STATE: up, failing, down,
 * unused). Any thread. */
void dns_server_status(struct dns_server *s, struct sbuf *out);

#endif
