/* server: campusgate-console's HTTPS server (libmicrohttpd with its GnuTLS): login,
 * logout, the dashboard; sessions, CSRF and the role check on every request; login
 * events journaled through campusgated's control socket. One serving thread. */
#ifndef CG_SERVER_H
#define CG_SERVER_H

#include "config.h"

struct server;

/* Serve cfg's [console] with the PEM texts cert and key (copied). NULL with *err. */
struct server *server_start(const struct config *cfg, const char *cert, const char *key,
			    const char **err);
/* Stop serving and free. NULL is ignored. */
void server_stop(struct server *s);

#endif
