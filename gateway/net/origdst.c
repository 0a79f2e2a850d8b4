/* origdst: the address a redirected connection was really sent to (nftables REDIRECT). */
#include "origdst.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
/* after <netinet/in.h>, which the kernel headers would otherwise redefine */
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

int origdst_get(int fd, struct sockaddr_storage *out, socklen_t *out_len)
{
	struct sockaddr_storage local;
	socklen_t ll = sizeof(local), ol = sizeof(*out);
	if (getsockname(fd, (struct sockaddr *)&local, &ll) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (local.ss_family == AF_INET) {
		if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, out, &ol) < 0)
			return -1;
		const struct sockaddr_in *a = (const void *)out, *b = (const void *)&local;
		if (a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr)
			return -1;
	} else if (local.ss_family == AF_INET6) {
		if (getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, out, &ol) < 0)
			return -1;
		const struct sockaddr_in6 *a = (const void *)out, *b = (const void *)&local;
		if (a->sin6_port == b->sin6_port &&
		    memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0)
			return -1;
	} else {
		return -1;
	}
	*out_len = ol;
	return 0;
}
