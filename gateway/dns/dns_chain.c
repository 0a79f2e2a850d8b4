/* Deciding the names an upstream answer leads to, for the DNS query path and for the
 * explicit HTTP proxy's lookups alike. */
#include "dns_chain.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>

#include "dns_msg.h"

struct chain_walk {
	struct dns_chain *c;
	struct policy *p;
	const struct request *req;
};

/* Append " -> name" while it fits; a longer chain is still decided, its text cut. */
static void chain_add(struct dns_chain *c, const char *name, size_t len)
{
	if (c->len + len + 5 >= sizeof c->text)
		return;
	memcpy(c->text + c->len, " -> ", 4);
	c->len += 4;
	memcpy(c->text + c->len, name, len);
	c->len += len;
	c->text[c->len] = '\0';
}

static int chain_visit(void *arg, const char *name, size_t len)
{
	struct chain_walk *cw = arg;
	struct request req = *cw->req;
	if (++cw->c->names > DNS_CHAIN_MAX_NAMES)
		return -1;
	chain_add(cw->c, name, len);
	req.host = name;
	req.host_len = len;
	return policy_decide(cw->p, &req, &cw->c->v) == ACTION_BLOCK;
}

int dns_chain_decide(struct dns_chain *c, struct policy *p, const struct request *req,
		     const char *qname, size_t qlen, const uint8_t *msg, size_t len)
{
	struct chain_walk cw = {.c = c, .p = p, .req = req};
	int n = snprintf(c->text, sizeof c->text, "CNAME chain %.*s", (int)qlen, qname);
	c->len = n < 0 ? 0 : (size_t)n < sizeof c->text ? (size_t)n : sizeof c->text - 1;
	c->names = 0;
	int r = dns_reply_chain(msg, len, chain_visit, &cw);
	return r < 0 ? -1 : r;
}

/* Every record of a reply that carries CNAME/DNAME/SVCB/HTTPS records goes through
 * NLnet Labs' parser once, when it arrives from the upstream, before its targets are
 * decided and before it is cached; cache hits then walk it with dns_reply_chain. */
int dns_chain_check(const uint8_t *buf, size_t len)
{
	ldns_pkt *pkt = NULL;
	if (len < DNS_HDR_LEN || ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK || !pkt)
		return -1;
	ldns_pkt_free(pkt);
	return 0;
}
