/* libFuzzer target for dns_msg.c: the query parser, the sensor's question peek, error
 * answers, the reply scanner, the chain walker, the ECH rewrite and the client-answer
 * writer on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int chain_count(void *arg, const char *name, size_t len)
{
	(void)name;
	*(size_t *)arg += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct dns_query q;
	struct dns_reply_info ri;
	static struct dns_peek pk; /* the sensor's reading of any message */
	dns_question_peek(data, size, &pk);
	enum dns_reject r = dns_query_parse(data, size, &q);
	if (r != DNS_OK) {
		dns_build_error(out, sizeof out, data, size, &q, r, DNS_RCODE_FORMERR);
		return 0;
	}
	/* Treat the same bytes as a reply to that question. */
	uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
	size_t n = 0;
	dns_reply_chain(data, size, chain_count, &n);
	size_t e = dns_reply_strip_ech(data, size, out, sizeof out);
	if (e)
		dns_reply_chain(out, e, chain_count, &n);
	if (dns_reply_scan(data, size, id, q.name, q.qtype, q.qclass, &ri) == 0) {
		uint8_t copy[65536];
		if (size > sizeof copy)
			return 0;
		memcpy(copy, data, size);
		size_t len = dns_reply_strip_opt(copy, size, &ri);
		dns_reply_for_client(out, sizeof out, copy, len, ri.opt_off, ri.ttl_offs, ri.n_ttls,
				     7, data, &q, 512);
	}
	return 0;
}
