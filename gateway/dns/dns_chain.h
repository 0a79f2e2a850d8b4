/* dns_chain: the names an upstream answer leads a client to (CNAME and DNAME targets,
 * SVCB/HTTPS TargetNames), each decided for the client as if it had asked for it, and
 * the chain as text for the journal ("CNAME chain a -> b -> c"). Used by the DNS query
 * path and by the lookups of the explicit HTTP proxy (dns_lookup), so that both decide
 * an answer alike. */
#ifndef CG_DNS_CHAIN_H
#define CG_DNS_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define DNS_CHAIN_TEXT_MAX 1024
#define DNS_CHAIN_MAX_NAMES 64 /* names decided per answer; an answer with more fails */

/* What a walk found. */
struct dns_chain {
	struct verdict v;               /* the verdict on the blocked name */
	char text[DNS_CHAIN_TEXT_MAX];  /* "CNAME chain QNAME -> ... -> the blocked name" */
	size_t len;
	size_t names;                   /* names decided */
};

/* Decide under p every name that the reply msg/len leads to, with req as the template
 * (its host replaced by each name in turn; client, protocol, path and time kept); qname
 * is the name that was asked, first in the text. 1 when a name is blocked (c->v is its
 * verdict, its strings valid while p is held; c->text the chain up to it), 0 when none
 * is, -1 when the answer is malformed or leads to more than DNS_CHAIN_MAX_NAMES names
 * (an answer that cannot be inspected is not to be used: fail safe). */
int dns_chain_decide(struct dns_chain *c, struct policy *p, const struct request *req,
		     const char *qname, size_t qlen, const uint8_t *msg, size_t len);

/* Whether ldns parses the whole reply: 0, or -1. Run once on an upstream reply that has
 * records to inspect (dns_reply_info.chain), before it is inspected or cached. */
int dns_chain_check(const uint8_t *buf, size_t len);

#endif
