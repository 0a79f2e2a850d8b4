/* What the sensor makes of an observation: the policy's verdict, bypass detection,
 * journal events (action "observed", the packet's own time) and the counts that the
 * summary prints. One observer per capture thread; the journal may be shared. */
#ifndef CG_OBSERVE_H
#define CG_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "inspect.h"
#include "journal.h"
#include "policy.h"

enum bypass_kind {
	BYPASS_RESOLVER,   /* DNS to a resolver that is not the school's */
	BYPASS_DOT,        /* DNS over TLS (tcp/853) */
	BYPASS_CATEGORY,   /* a name in a bypass-kind category (DoH, VPN, ...) */
	BYPASS_DOH_PATH,   /* an HTTP request for /dns-query */
	BYPASS_ECH,        /* ECH whose outer name is a client-facing ECH name (ech_list) */
	BYPASS_COUNT
};
/* "resolver", "dot", "category", "doh-path", "ech" */
const char *bypass_kind_name(enum bypass_kind b);

enum obs_proto { OBS_PROTO_DNS, OBS_PROTO_HTTP, OBS_PROTO_TLS, OBS_PROTO_COUNT };

#define OBSERVER_MAX_CATEGORIES (CFG_MAX_CATEGORIES + 1)

struct observer_stats {
	uint64_t requests[OBS_PROTO_COUNT]; /* DNS queries, HTTP requests, TLS names decided */
	uint64_t dns_responses;
	uint64_t connections;    /* 80/443 connections with neither request nor name */
	uint64_t no_host;        /* HTTP requests without a host */
	uint64_t ech;            /* TLS names seen behind ECH (the outer name; mostly GREASE) */
	uint64_t bad_names;      /* hosts that do not normalise */
	uint64_t hits;           /* requests the policy would block (bypass categories too) */
	uint64_t listed;         /* matched a category not enforced for the group now */
	uint64_t bypass[BYPASS_COUNT];
	uint64_t journaled, journal_dropped;
	struct {
		char name[64];
		uint64_t hits;
	} categories[OBSERVER_MAX_CATEGORIES];
	size_t n_categories;
};

/* Called for every decided request (and bypass attempt) when set: the normalised host,
 * the verdict (NULL without policy) and the journal event kind ("hit", "bypass", or
 * NULL when nothing was journaled). For `campusgate sensor -v`. */
typedef void (*observer_print_cb)(void *arg, const struct observation *ob,
				  const char *host, const struct verdict *v,
				  const char *event);

struct observer;

/* An observer using the sensor settings in sc (resolvers are copied) and journal j
 * (may be NULL: nothing is journaled). Freed with observer_free. */
struct observer *observer_new(const struct cfg_sensor *sc, struct journal *j);
/* Free the observer (the journal and policy are the caller's). */
void observer_free(struct observer *o);

/* Replace the list of the school's resolvers (copied). */
void observer_set_resolvers(struct observer *o, const struct cg_addr *r, size_t n);

/* The snapshot to decide with until the next call (borrowed; NULL = no decisions). */
void observer_set_policy(struct observer *o, const struct policy *p);

/* Call cb(arg, ...) for every decided request and bypass attempt (NULL: none). */
void observer_set_printer(struct observer *o, observer_print_cb cb, void *arg);

/* The inspect_cb: takes one observation (arg is the observer). */
void observer_handle(void *arg, const struct observation *ob);

/* Copy the counters into *st. */
void observer_get_stats(const struct observer *o, struct observer_stats *st);

#endif
