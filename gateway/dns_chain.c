/* dns_chain: an upstream reply with records to inspect, checked whole by ldns. */
#include "dns_msg.h"

#include <ldns/ldns.h>

/* Every record of a reply that carries CNAME/DNAME/SVCB/HTTPS records goes through
 * NLnet Labs' parser once, when it arrives from the upstream, before its targets are
 * decided and before it is cached; cache hits then walk it with dns_reply_chain. */
int dns_reply_check(const uint8_t *buf, size_t len)
{
	ldns_pkt *pkt = NULL;
	if (len < DNS_HDR_LEN || ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK || !pkt)
		return -1;
	ldns_pkt_free(pkt);
	return 0;
}
