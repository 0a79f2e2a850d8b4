/* HTTP filtering proxy (transparent and explicit) with the block page. */
#ifndef CG_HTTP_H
#define CG_HTTP_H

#include "config.h"
#include "journal.h"

struct http_server;

/* Bind/open everything the front end needs (runs as root, before privileges are
 * dropped). Nothing is served yet. NULL with a message in *err on failure; a config
 * with nothing to listen on for this front end returns NULL with *err = NULL. */
struct http_server *http_server_new(const struct config *cfg, struct journal *j,
				       const char **err);

/* Start serving on the front end's own threads; returns at once. 0 or -1. */
int http_server_run(struct http_server *s);

/* Take the settings of a reloaded config that do not need new sockets (limits, block
 * modes, upstreams, ...). The policy itself is swapped globally (policy_publish). */
void http_server_reload(struct http_server *s, const struct config *cfg);

/* Stop serving, join threads, close sockets, free. */
void http_server_stop(struct http_server *s);

#endif
