/* STUB until the tls front end lands: reports that it is not built. */
#include <stddef.h>

#include "tls.h"

struct tls_server *tls_server_new(const struct config *cfg, struct journal *j,
				       const char **err)
{
	(void)cfg;
	(void)j;
	*err = "the tls front end is not built yet";
	return NULL;
}

int tls_server_run(struct tls_server *s)
{
	(void)s;
	return -1;
}

void tls_server_reload(struct tls_server *s, const struct config *cfg)
{
	(void)s;
	(void)cfg;
}

void tls_server_stop(struct tls_server *s)
{
	(void)s;
}
