/* Answer inspection: the names an upstream answer leads a client to, read with ldns. */
#include "dns_msg.h"

#include <ldns/ldns.h>

/* The names are taken from a full ldns parse of the reply (ldns_wire2pkt), so every
 * record of the answer is checked by NLnet Labs' parser before we act on it; the
 * targets' wire form is then turned into our lowercase text by dns_name_read. This
 * runs only for replies whose scan found CNAME/DNAME/SVCB/HTTPS records. */
int dns_reply_chain(const uint8_t *buf, size_t len, dns_chain_fn fn, void *arg)
{
	ldns_pkt *pkt = NULL;
	if (len < DNS_HDR_LEN || ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK || !pkt)
		return -1;
	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t count = an ? ldns_rr_list_rr_count(an) : 0;
	int ret = 0;
	for (size_t i = 0; i < count && ret == 0; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const ldns_rdf *target;
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_CNAME:
		case LDNS_RR_TYPE_DNAME:
			target = ldns_rr_rdf(rr, 0);
			break;
		case LDNS_RR_TYPE_SVCB:
		case LDNS_RR_TYPE_HTTPS:
			target = ldns_rr_rdf(rr, 1);
			break;
		default:
			continue;
		}
		if (!target || ldns_rdf_get_type(target) != LDNS_RDF_TYPE_DNAME) {
			ret = -1;
			break;
		}
		char name[DNS_NAME_TEXT_MAX];
		bool odd;
		size_t np;
		int n = dns_name_read(ldns_rdf_data(target), ldns_rdf_size(target), 0, name, &odd,
				      &np);
		if (n < 0) {
			ret = -1;
			break;
		}
		if (n == 0 || odd) /* "." = the owner itself; odd names match no list */
			continue;
		ret = fn(arg, name, (size_t)n);
	}
	ldns_pkt_free(pkt);
	return ret;
}
