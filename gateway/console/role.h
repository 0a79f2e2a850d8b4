/* role: who may do what in the web console. One function, role_check, decides for every
 * request (role, groups, route, method) before its handler does anything else. */
#ifndef CG_ROLE_H
#define CG_ROLE_H

#include <stdbool.h>
#include <stddef.h>

enum role { ROLE_ADMIN, ROLE_STAFF };

/* "admin" / "staff". */
const char *role_name(enum role r);
/* The role named by s (n bytes); 0, or -1 for anything else. */
int role_parse(const char *s, size_t n, enum role *out);

/* The console's routes. ROUTE_NONE is a path the console does not serve. */
enum route {
	ROUTE_NONE,
	ROUTE_LOGIN,        /* /login: the only route served without a session */
	ROUTE_LOGOUT,       /* /logout */
	ROUTE_STATIC,       /* /static/...: style sheet */
	ROUTE_DASHBOARD,    /* / */
	ROUTE_JOURNAL,      /* /journal (read, may name a group) */
	ROUTE_REPORT,       /* /report */
	ROUTE_CHECK,        /* /check */
	ROUTE_UNBLOCK,      /* /unblock: the queue (staff read, admin decides) */
	ROUTE_PASSWORD,     /* /password: one's own password */
	ROUTE_LISTS,        /* /lists (admin) */
	ROUTE_ACCOUNTS,     /* /accounts (admin) */
	ROUTE_CONFIG,       /* /config (admin) */
};

enum method { METHOD_GET, METHOD_POST, METHOD_OTHER };

/* The route of a request path (the part before '?'), len bytes: a route's path and the
 * paths under it ("/journal", "/journal/event"). */
enum route role_route(const char *path, size_t len);

/* The account asking. groups == NULL (n_groups 0) means every group. */
struct role_subject {
	enum role role;
	const char *const *groups;
	size_t n_groups;
};

enum role_verdict {
	ROLE_DENY,          /* answer 403, do nothing else */
	ROLE_ALLOW,         /* go on */
	ROLE_ALLOW_SCOPED,  /* go on, and filter every query to s->groups */
};

/* May s make this request? group is the group the request names (a journal filter),
 * or NULL when it names none. A staff account limited to groups is refused a group
 * outside them and must get ROLE_ALLOW_SCOPED (its handler filters) for the rest. */
enum role_verdict role_check(const struct role_subject *s, enum route r, enum method m,
			     const char *group);

#endif
