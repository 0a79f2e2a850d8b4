/* neigh: a cache of the kernel's neighbour table, read with a netlink RTM_GETNEIGH dump. */
#include "neigh.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

#define RETRY_NS 1000000000ull   /* a miss re-reads the table at most this often */
#define MAX_AGE_NS 60000000000ull /* entries older than this are re-read */
#define RECV_BYTES 32768
#define MAX_ENTRIES 262144        /* a hostile or broken table cannot take all memory */
#define SKIP_STATES (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP)

struct neigh_entry {
	struct cg_addr addr;
	uint8_t mac[6];
};

struct neigh {
	struct neigh_entry *e;
	size_t n;
	uint64_t loaded_ns;  /* when the entries were read (0: never) */
	uint64_t tried_ns;   /* when a dump was last tried */
	bool warned;
};

/* ---- the parser ----------------------------------------------------------------- */

/* One RTM_NEWNEIGH payload (after the netlink header), plen bytes. 0, or -1 when it is
 * malformed. */
static int parse_newneigh(const uint8_t *p, size_t plen, neigh_entry_cb cb, void *arg)
{
	struct ndmsg nd;
	if (plen < sizeof nd)
		return -1;
	memcpy(&nd, p, sizeof nd);
	size_t off = NLMSG_ALIGN(sizeof nd);
	const uint8_t *dst = NULL, *ll = NULL;
	size_t dst_len = 0, ll_len = 0;
	while (off < plen && plen - off >= sizeof(struct rtattr)) {
		struct rtattr ra;
		memcpy(&ra, p + off, sizeof ra);
		if (ra.rta_len < sizeof ra || ra.rta_len > plen - off)
			return -1;
		const uint8_t *v = p + off + RTA_LENGTH(0);
		size_t vlen = ra.rta_len - RTA_LENGTH(0);
		if (ra.rta_type == NDA_DST) {
			dst = v;
			dst_len = vlen;
		} else if (ra.rta_type == NDA_LLADDR) {
			ll = v;
			ll_len = vlen;
		}
		size_t step = RTA_ALIGN(ra.rta_len);
		if (step > plen - off)
			break; /* the last attribute, unpadded */
		off += step;
	}
	if (nd.ndm_state & SKIP_STATES)
		return 0;
	if (!dst || !ll || ll_len != 6)
		return 0;
	struct cg_addr a;
	memset(&a, 0, sizeof a);
	if (nd.ndm_family == AF_INET && dst_len == 4)
		a.family = AF_INET;
	else if (nd.ndm_family == AF_INET6 && dst_len == 16)
		a.family = AF_INET6;
	else
		return 0;
	memcpy(a.a, dst, dst_len);
	cb(arg, &a, ll);
	return 0;
}

int neigh_parse(const uint8_t *buf, size_t len, neigh_entry_cb cb, void *arg)
{
	size_t off = 0;
	while (off < len) {
		struct nlmsghdr h;
		if (len - off < sizeof h)
			return -1;
		memcpy(&h, buf + off, sizeof h);
		if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - off)
			return -1;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR)
			return -1;
		if (h.nlmsg_type == RTM_NEWNEIGH &&
		    parse_newneigh(buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, cb,
				   arg) < 0)
			return -1;
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len - off)
			break;
		off += step;
	}
	return 0;
}

/* ---- the cache ------------------------------------------------------------------ */

struct collect {
	struct neigh_entry *e;
	size_t n, cap;
	bool full;
};

static void collect_cb(void *arg, const struct cg_addr *a, const uint8_t mac[6])
{
	struct collect *c = arg;
	if (c->n == MAX_ENTRIES) {
		c->full = true;
		return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->e = xrealloc(c->e, c->cap * sizeof *c->e);
	}
	c->e[c->n].addr = *a;
	memcpy(c->e[c->n].mac, mac, 6);
	c->n++;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct cg_addr *a = x, *b = y; /* addr is the first member of an entry */
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, sizeof a->a);
}

/* Send the dump request and read its answer into c. 0 or -1. */
static int dump(struct collect *c)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	uint8_t *buf = NULL;
	struct timeval tv = { .tv_sec = 1, .tv_usec = 0 }; /* never hang the writer */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
		goto fail;
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req;
	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.nd);
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = AF_UNSPEC;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		goto fail;
	buf = xmalloc(RECV_BYTES);
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { .iov_base = buf, .iov_len = RECV_BYTES };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from,
				    .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t got = recvmsg(fd, &m, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (m.msg_flags & MSG_TRUNC)
			goto fail;
		if (m.msg_namelen < sizeof from || from.nl_pid != 0)
			continue; /* only the kernel answers a dump */
		int r = neigh_parse(buf, (size_t)got, collect_cb, c);
		if (r < 0)
			goto fail;
		if (r == 1)
			break;
	}
	free(buf);
	close(fd);
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

struct neigh *neigh_new(void)
{
	return xcalloc(1, sizeof(struct neigh));
}

void neigh_free(struct neigh *n)
{
	if (!n)
		return;
	free(n->e);
	free(n);
}

int neigh_refresh(struct neigh *n)
{
	struct collect c = { 0 };
	n->tried_ns = now_mono_ns();
	if (dump(&c) < 0) {
		free(c.e);
		if (!n->warned)
			log_warn("neighbour table: cannot read it over netlink (%s); the journal "
				 "names client MACs only when the sensor sees them",
				 strerror(errno));
		n->warned = true;
		return -1;
	}
	if (c.full && !n->warned) {
		log_warn("neighbour table: more than %d entries; the rest are not looked up",
			 MAX_ENTRIES);
		n->warned = true;
	}
	if (c.n > 1)
		qsort(c.e, c.n, sizeof *c.e, entry_cmp);
	free(n->e);
	n->e = c.e;
	n->n = c.n;
	n->loaded_ns = n->tried_ns;
	return 0;
}

static const struct neigh_entry *find(const struct neigh *n, const struct cg_addr *a)
{
	struct cg_addr key;
	memset(&key, 0, sizeof key);
	key.family = a->family;
	memcpy(key.a, a->a, a->family == AF_INET ? 4 : 16);
	if (!n->n)
		return NULL;
	return bsearch(&key, n->e, n->n, sizeof *n->e, entry_cmp);
}

int neigh_lookup(struct neigh *n, const struct cg_addr *a, char out[NEIGH_MAC_STRLEN])
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return -1;
	uint64_t now = now_mono_ns();
	bool may_try = !n->tried_ns || now - n->tried_ns >= RETRY_NS;
	if (may_try && (!n->loaded_ns || now - n->loaded_ns >= MAX_AGE_NS)) {
		neigh_refresh(n);
		may_try = false;
	}
	const struct neigh_entry *e = find(n, a);
	if (!e && may_try) {
		neigh_refresh(n);
		e = find(n, a);
	}
	if (!e)
		return -1;
	snprintf(out, NEIGH_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1],
		 e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
	return 0;
}
