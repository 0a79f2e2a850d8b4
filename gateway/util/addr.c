/* IP addresses, subnets and endpoints in one compact form. */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int addr_parse(const char *s, struct cg_addr *out)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

int subnet_parse(const char *s, struct cg_subnet *out)
{
	char buf[64];
	size_t n = strlen(s);
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, s, n + 1);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (addr_parse(buf, &out->addr) < 0)
		return -1;
	unsigned max = out->addr.family == AF_INET ? 32 : 128;
	unsigned long long prefix = max;
	if (slash && parse_uint(slash + 1, 0, max, &prefix) < 0)
		return -1;
	out->prefix = (uint8_t)prefix;
	/* Host bits must be zero: "10.1.2.3/8" is almost always a typo. */
	for (unsigned bit = out->prefix; bit < max; bit++)
		if (out->addr.a[bit / 8] & (0x80 >> (bit % 8)))
			return -1;
	return 0;
}

bool subnet_contains(const struct cg_subnet *n, const struct cg_addr *a)
{
	if (n->addr.family != a->family)
		return false;
	unsigned full = n->prefix / 8, rest = n->prefix % 8;
	if (memcmp(n->addr.a, a->a, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((n->addr.a[full] & mask) != (a->a[full] & mask))
			return false;
	}
	return true;
}

const char *addr_str(const struct cg_addr *a, char *buf)
{
	if (a->family == AF_INET || a->family == AF_INET6)
		inet_ntop(a->family, a->a, buf, CG_ADDR_STRLEN);
	else
		strcpy(buf, "-");
	return buf;
}

void addr_from_sockaddr(const struct sockaddr *sa, struct cg_addr *out)
{
	memset(out, 0, sizeof *out);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		out->family = AF_INET;
		memcpy(out->a, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		/* An IPv4-mapped address is the IPv4 client it stands for. */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			out->family = AF_INET;
			memcpy(out->a, &in6->sin6_addr.s6_addr[12], 4);
		} else {
			out->family = AF_INET6;
			memcpy(out->a, &in6->sin6_addr, 16);
		}
	}
}

void addr_client_key(const struct cg_addr *a, struct cg_addr *out)
{
	*out = *a;
	if (a->family == AF_INET6)
		memset(out->a + 8, 0, 8);
	else if (a->family == AF_INET)
		memset(out->a + 4, 0, 12);
}

bool addr_is_loopback(const struct cg_addr *a)
{
	static const uint8_t v6lo[16] = {[15] = 1};
	if (a->family == AF_INET)
		return a->a[0] == 127;
	if (a->family == AF_INET6)
		return memcmp(a->a, v6lo, 16) == 0;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, size_t n, uint8_t mac[6])
{
	size_t i = 0;
	char sep = 0;
	for (int k = 0; k < 6; k++) {
		if (k > 0) {
			if (i >= n || (s[i] != ':' && s[i] != '-') || (sep && s[i] != sep))
				return -1;
			sep = s[i++];
		}
		int v = 0, digits = 0;
		while (i < n && digits < 3 && hexval(s[i]) >= 0) {
			v = v * 16 + hexval(s[i++]);
			digits++;
		}
		if (digits == 0 || digits > 2)
			return -1;
		mac[k] = (uint8_t)v;
	}
	return i == n ? 0 : -1;
}

const char *mac_str(const uint8_t mac[6], char buf[CG_MAC_STRLEN])
{
	snprintf(buf, CG_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}

int endpoint_parse(const char *s, uint16_t default_port, struct cg_endpoint *out)
{
	char host[64];
	const char *port = NULL;
	size_t n;
	memset(out, 0, sizeof *out);
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof host)
			return -1;
		n = (size_t)(close - s - 1);
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return -1;
	} else {
		const char *colon = strrchr(s, ':');
		/* More than one colon without brackets: a bare IPv6 address. */
		if (colon && strchr(s, ':') != colon)
			colon = NULL;
		n = colon ? (size_t)(colon - s) : strlen(s);
		if (n >= sizeof host)
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
		if (colon)
			port = colon + 1;
	}
	if (addr_parse(host, &out->addr) < 0)
		return -1;
	unsigned long long p = default_port;
	if (port) {
		if (parse_uint(port, 1, 65535, &p) < 0)
			return -1;
	} else if (!default_port) {
		return -1;
	}
	out->port = (uint16_t)p;
	return 0;
}

socklen_t endpoint_to_sockaddr(const struct cg_endpoint *e, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (e->addr.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(e->port);
		memcpy(&in->sin_addr, e->addr.a, 4);
		return sizeof *in;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(e->port);
	memcpy(&in6->sin6_addr, e->addr.a, 16);
	return sizeof *in6;
}

const char *endpoint_str(const struct cg_endpoint *e, char *buf, size_t len)
{
	char a[CG_ADDR_STRLEN];
	addr_str(&e->addr, a);
	if (e->addr.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, e->port);
	else
		snprintf(buf, len, "%s:%u", a, e->port);
	return buf;
}
