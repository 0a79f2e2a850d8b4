/* STUB until the http front end lands: reports that it is not built. */
#include <stddef.h>

#include "http.h"

struct http_server *http_server_new(const struct config *cfg, struct journal *j,
				       const char **err)
{
	(void)cfg;
	(void)j;
	*err = "the http front end is not built yet";
	return NULL;
}

int http_server_run(struct http_server *s)
{
	(void)s;
	return -1;
}

void http_server_reload(struct http_server *s, const struct config *cfg)
{
	(void)s;
	(void)cfg;
}

void http_server_stop(struct http_server *s)
{
	(void)s;
}
