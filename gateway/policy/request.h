/* The one request every front end builds, and the one verdict the policy returns. */
#ifndef CG_REQUEST_H
#define CG_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"

enum proto { PROTO_DNS, PROTO_HTTP, PROTO_TLS, PROTO_SENSOR };
const char *proto_name(enum proto p); /* "dns", "http", "tls", "sensor" */

/* Host names are normalised at the edge with name_normalise() (name.h): lowercase ASCII,
 * IDN as punycode, no trailing dot. The request does not own its strings. */
struct request {
	enum proto proto;
	struct cg_addr client;
	const char *host;   /* normalised; may be an IP literal; never NULL */
	size_t host_len;
	const char *path;   /* "/..." with query, or NULL (DNS, TLS) */
	size_t path_len;
	time_t when;        /* wall-clock seconds (timetables) */
};

enum action { ACTION_ALLOW, ACTION_BLOCK, ACTION_OBSERVE };
const char *action_name(enum action a); /* "allow", "block", "observe" */

enum rule_kind {
	RULE_NONE,    /* nothing matched */
	RULE_DOMAIN,  /* name and every name below it */
	RULE_EXACT,   /* that name only */
	RULE_URL,     /* host + path prefix */
	RULE_PATTERN, /* PCRE2 pattern */
};

/* Where a decision came from. Strings point into the policy snapshot and stay valid
 * while the caller holds that snapshot (policy_acquire). */
struct rule_ref {
	enum rule_kind kind;
	const char *file;  /* list file as named in the config */
	unsigned line;     /* 1-based line in that file */
	const char *text;  /* the rule as written (domain, host/path or pattern) */
	size_t text_len;
};

struct verdict {
	enum action action;
	const char *group;     /* the client's group (never NULL once decided) */
	const char *category;  /* category of the rule that fired, or NULL */
	bool bypass;           /* that category is a bypass category (DoH, VPN, ...) */
	bool allowlisted;      /* an allowlist rule matched and won */
	bool category_listed;  /* a rule matched but the group does not block it now */
	bool timetable_applied;/* a timetable decided whether the category is enforced */
	bool timetable_active; /* ... and whether it was in force at request time */
	const char *timetable; /* its name, or NULL */
	bool pattern_limit;    /* the rule is a pattern that hit a PCRE2 limit (match, depth,
				  JIT stack): blocked without knowing (fail closed) */
	struct rule_ref rule;  /* the most specific rule that matched (block or allow) */
	bool by_dest;          /* decided on the destination address, not on the name
				  (policy_decide_dest): the rule names the address */
};

#endif
