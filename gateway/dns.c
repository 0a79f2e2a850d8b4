/* STUB until the dns front end lands: reports that it is not built. */
#include <stddef.h>

#include "dns.h"

struct dns_server *dns_server_new(const struct config *cfg, struct journal *j,
				       const char **err)
{
	(void)cfg;
	(void)j;
	*err = "the dns front end is not built yet";
	return NULL;
}

int dns_server_run(struct dns_server *s)
{
	(void)s;
	return -1;
}

void dns_server_reload(struct dns_server *s, const struct config *cfg)
{
	(void)s;
	(void)cfg;
}

void dns_server_stop(struct dns_server *s)
{
	(void)s;
}
