/* config_state: what every key setter of the config loader uses: messages on the current
 * line, paths relative to the config file, bounded strings, time zones that load. */
#include "config_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"

char *cload_path(const struct cload *st, const char *v)
{
	if (v[0] == '/')
		return xstrdup(v);
	size_t n = strlen(st->cfg->dir) + strlen(v) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", st->cfg->dir, v);
	return p;
}

void cload_set_string(struct cload *st, const char *v, size_t max, char **out)
{
	if (strlen(v) > max) {
		cload_msg(st, MSG_CFG_TOO_LONG, st->key, max);
		return;
	}
	free(*out);
	*out = xstrdup(v);
}

void cload_check_zone(struct cload *st, const char *v, char **out)
{
	const char *err = "?";
	struct tz *tz = tz_load(v, &err);
	if (!tz) {
		cload_msg(st, MSG_CFG_BAD_VALUE_WHY, st->key, v, MSG_REASON(err));
		return;
	}
	tz_free(tz);
	cload_set_string(st, v, 200, out);
}
