/* Helpers shared by the DNS message unit tests (test_dns_msg.c and
 * test_dns_wire_corpus.c). */
#ifndef CG_DNS_MSG_TU_H
#define CG_DNS_MSG_TU_H

#include <string.h>

/* dns_reply_chain callback: appends each name and a ';' to the string at arg. */
static inline int chain_collect(void *arg, const char *name, size_t len)
{
	char *acc = arg;
	strncat(acc, name, len);
	strcat(acc, ";");
	return 0;
}

#endif
