/* role: the console's one decision of who may do what (docs/console.md, "Roles"). */
#include <string.h>

#include "role.h"

const char *role_name(enum role r)
{
	return r == ROLE_ADMIN ? "admin" : "staff";
}

int role_parse(const char *s, size_t n, enum role *out)
{
	if (n == 5 && memcmp(s, "admin", 5) == 0)
		*out = ROLE_ADMIN;
	else if (n == 5 && memcmp(s, "staff", 5) == 0)
		*out = ROLE_STAFF;
	else
		return -1;
	return 0;
}

static const struct {
	const char *path;
	enum route route;
	bool prefix;
} routes[] = {
	{"/", ROUTE_DASHBOARD, false},
	{"/login", ROUTE_LOGIN, false},
	{"/logout", ROUTE_LOGOUT, false},
	{"/static/", ROUTE_STATIC, true},
	{"/journal", ROUTE_JOURNAL, false},
	{"/report", ROUTE_REPORT, false},
	{"/check", ROUTE_CHECK, false},
	{"/unblock", ROUTE_UNBLOCK, false},
	{"/password", ROUTE_PASSWORD, false},
	{"/lists", ROUTE_LISTS, false},
	{"/accounts", ROUTE_ACCOUNTS, false},
	{"/config", ROUTE_CONFIG, false},
};

enum route role_route(const char *path, size_t len)
{
	const char *q = memchr(path, '?', len);
	if (q)
		len = (size_t)(q - path);
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		size_t n = strlen(routes[i].path);
		if (len < n || memcmp(path, routes[i].path, n) != 0)
			continue;
		/* "/journal" serves "/journal/event" too; "/" serves only itself */
		if (routes[i].prefix ? len > n
				     : len == n || (n > 1 && len > n + 1 && path[n] == '/'))
			return routes[i].route;
	}
	return ROUTE_NONE;
}

static bool in_groups(const struct role_subject *s, const char *group)
{
	for (size_t i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i], group) == 0)
			return true;
	return false;
}

enum role_verdict role_check(const struct role_subject *s, enum route r, enum method m,
			     const char *group)
{
	if (m == METHOD_OTHER || r == ROUTE_NONE)
		return ROLE_DENY;
	switch (r) {
	case ROUTE_LOGIN:
	case ROUTE_LOGOUT:
	case ROUTE_PASSWORD:
		return ROLE_ALLOW;
	case ROUTE_STATIC:
		return m == METHOD_GET ? ROLE_ALLOW : ROLE_DENY;
	case ROUTE_LISTS:
	case ROUTE_ACCOUNTS:
	case ROUTE_CONFIG:
		return s->role == ROLE_ADMIN ? ROLE_ALLOW : ROLE_DENY;
	case ROUTE_UNBLOCK:
		/* staff read the queue; deciding is the admin's */
		if (s->role != ROLE_ADMIN && m != METHOD_GET)
			return ROLE_DENY;
		break;
	case ROUTE_CHECK:
	case ROUTE_DASHBOARD:
	case ROUTE_JOURNAL:
	case ROUTE_REPORT:
		break;
	case ROUTE_NONE:
		return ROLE_DENY;
	}
	/* Reading routes: staff limited to groups see only theirs. */
	if (s->role == ROLE_ADMIN || s->n_groups == 0)
		return ROLE_ALLOW;
	if (group && !in_groups(s, group))
		return ROLE_DENY;
	return ROLE_ALLOW_SCOPED;
}
