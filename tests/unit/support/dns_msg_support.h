/* Helpers shared by the DNS message unit tests (test_dns_msg.c and
 * test_dns_wire_corpus.c). Built into testsupport_proto (proto_support_dep in
 * tests/unit/meson.build). */
#ifndef CG_DNS_MSG_SUPPORT_H
#define CG_DNS_MSG_SUPPORT_H

#include <stddef.h>

/* dns_reply_chain callback: appends each name and a ';' to the string at arg (which
 * must have room). Returns 0. */
int chain_collect(void *arg, const char *name, size_t len);

#endif
