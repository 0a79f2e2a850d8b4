/* config_state: what every key setter of the config loader uses: messages on the current
 * line, paths relative to the config file, bounded strings, numbers and booleans, time
 * zones that load, interface and user names. */
#include "config_state.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int cload_bool(struct cload *st, const char *v, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < CG_ARRAY_LEN(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	cload_msg(st, MSG_CFG_NOT_YES_NO, st->key, v);
	return -1;
}

int cload_num(struct cload *st, const char *v, unsigned long long min,
		   unsigned long long max, unsigned long long *out)
{
	if (parse_uint(v, min, max, out) == 0)
		return 0;
	cload_msg(st, MSG_CFG_NOT_NUMBER, st->key, min, max, v);
	return -1;
}

void cload_set_uns(struct cload *st, const char *v, unsigned long long min,
		    unsigned long long max, unsigned *out)
{
	unsigned long long x;
	if (cload_num(st, v, min, max, &x) == 0)
		*out = (unsigned)x;
}

void cload_set_path(struct cload *st, const char *v, char **out)
{
	free(*out);
	*out = cload_path(st, v);
}

bool cload_iface_ok(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 15;
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)v[i]) || strchr("._-@:", v[i]);
	if (!ok)
		cload_msg(st, MSG_CFG_NOT_INTERFACE, v);
	return ok;
}

void cload_set_user(struct cload *st, const char *v, char **out)
{
	size_t n = strlen(v);
	bool ok = n <= 32 && (islower((unsigned char)v[0]) || v[0] == '_');
	for (size_t i = 0; ok && i < n; i++)
		ok = islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) || v[i] == '_' ||
		     v[i] == '-';
	if (!ok) {
		cload_msg(st, MSG_CFG_NOT_USER_NAME, v);
		return;
	}
	if (!getpwnam(v)) {
		cload_msg(st, MSG_CFG_NO_SUCH_USER, v);
		return;
	}
	cload_set_string(st, v, 32, out);
}
