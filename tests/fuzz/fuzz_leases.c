/* libFuzzer target: the DHCP lease line parser and the netlink neighbour parser, on
 * arbitrary bytes (each line of the input for the first, the whole input for the
 * second). A name that comes out must be a plain host name of at most 63 bytes. */
#include <stdlib.h>
#include <string.h>

#include "leases.h"
#include "leases_parse.h"
#include "neigh.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void entry(void *arg, const struct cg_addr *a, const uint8_t mac[6])
{
	(void)arg;
	if (a->family != AF_INET && a->family != AF_INET6)
		abort();
	(void)mac;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		struct cg_addr a;
		char name[LEASES_NAME_MAX];
		if (leases_parse_line(p, len, &a, name) == 1) {
			size_t n = strnlen(name, sizeof name);
			if (n == 0 || n >= sizeof name || strspn(name, "abcdefghijklmnopqrstuvwxyz"
							     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
							     "0123456789-_.") != n)
				abort();
		}
		p += len;
	}
	neigh_parse(data, size, entry, NULL);
	return 0;
}
