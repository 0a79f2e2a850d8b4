/* The decision on a TLS connection from its ClientHello and original destination. */
#ifndef CG_TLS_DECIDE_H
#define CG_TLS_DECIDE_H

#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

#include "addr.h"
#include "policy.h"
#include "tls_parse.h"

/* Which case a hello was, for the front end's counters. */
enum tls_case {
	TLS_CASE_SNI,    /* a server name and no ECH: the name and the destination address */
	TLS_CASE_ECH,    /* ECH (real or GREASE): the name and the destination address */
	TLS_CASE_NO_SNI, /* no server name: the group's tls_no_sni, then the address */
};

/* Why a hello that hides its name was blocked (journal reason), or NONE. */
enum tls_hidden { TLS_HIDDEN_NONE, TLS_HIDDEN_NO_SNI, TLS_HIDDEN_ECH };

struct tls_decision {
	enum tls_case kase;
	bool by_address;    /* the verdict came from the original destination address */
	bool journal;       /* a real hit (block or observe): journal r and v */
	enum tls_hidden hidden; /* blocked as a hello that hides its name */
	struct request r;   /* what the verdict is about (host = SNI or address text) */
	struct verdict v;
	const char *reason; /* points into reason_buf, or NULL */
	char addr_buf[CG_ADDR_STRLEN];
	char reason_buf[NAME_MAX_LEN + 128];
};

/* Decide a parsed hello h from client, sent to orig (NULL when the connection was not
 * redirected), at when, under policy p. The SNI always counts when present: a blocked
 * name is blocked even behind ECH. ECH (type outer) to a client-facing ECH name of an
 * enforced category is blocked as a bypass attempt (reason "ech"). The original
 * destination is checked as well (policy_decide_dest: the name may be a cover name, with
 * or without ECH). Without a name the group's tls_no_sni decides (block: a bypass
 * attempt, reason "no-sni", host = the destination address), then the address.
 * 0 with *out filled (it points into h and into itself; keep both while using it), or
 * -1 when there is nothing to decide on (no SNI and no original destination). */
int tls_decide(const struct policy *p, const struct tls_hello *h, const struct cg_addr *client,
	       const struct sockaddr *orig, time_t when, struct tls_decision *out);

#endif
