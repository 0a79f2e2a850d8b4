/* Packet decoding: link layers, IPv4/IPv6 with options and extension headers, UDP, TCP. */
#include "decode.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_QINQ_OLD 0x9100
#define ETH_PPPOE 0x8864

static const char *const err_names[DERR_COUNT] = {
	[DERR_NONE] = "none",
	[DERR_LINK] = "link",
	[DERR_LINKTYPE] = "linktype",
	[DERR_VLAN] = "vlan",
	[DERR_IPV4] = "ipv4",
	[DERR_IPV6] = "ipv6",
	[DERR_IPV6_EXT] = "ipv6-ext",
	[DERR_UDP] = "udp",
	[DERR_TCP] = "tcp",
	[DERR_FRAG] = "fragment",
	[DERR_TRUNCATED] = "truncated",
};

const char *decode_err_name(enum decode_err e)
{
	return (unsigned)e < DERR_COUNT ? err_names[e] : "?";
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t rd16le(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static enum decode_result malformed(struct decoded *d, enum decode_err e)
{
	d->err = e;
	return DECODE_MALFORMED;
}

bool decode_linktype_supported(int dlt)
{
	switch (dlt) {
	case DECODE_DLT_NULL: case DECODE_DLT_EN10MB: case DECODE_DLT_RAW:
	case DECODE_DLT_RAW_OPENBSD: case DECODE_DLT_LOOP: case DECODE_DLT_LINKTYPE_RAW:
	case DECODE_DLT_LINUX_SLL: case DECODE_DLT_PPI: case DECODE_DLT_IEEE802_11:
	case DECODE_DLT_IPV4: case DECODE_DLT_IPV6: case DECODE_DLT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

static enum decode_result decode_udp(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 8)
		return malformed(d, DERR_UDP);
	d->sport = rd16(p);
	d->dport = rd16(p + 2);
	size_t ulen = rd16(p + 4);
	if (ulen == 0)          /* jumbogram or offloaded: take what was captured */
		ulen = len;
	else if (ulen < 8)
		return malformed(d, DERR_UDP);
	else if (ulen > len)    /* cut by the snap length: keep what we have */
		ulen = len;
	d->payload = p + 8;
	d->payload_len = ulen - 8;
	return DECODE_L4;
}

static enum decode_result decode_tcp(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 20)
		return malformed(d, DERR_TCP);
	size_t off = (size_t)(p[12] >> 4) * 4;
	if (off < 20 || off > len)
		return malformed(d, DERR_TCP);
	d->sport = rd16(p);
	d->dport = rd16(p + 2);
	d->tcp_seq = rd32(p + 4);
	d->tcp_ack = rd32(p + 8);
	d->tcp_flags = p[13];
	d->payload = p + off;
	d->payload_len = len - off;
	return DECODE_L4;
}

static bool ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == 135 || nh == 139 ||
	       nh == 140;
}

/* Skip IPv6 extension headers other than the fragment header; *nh and the cursor move
 * to the first header that is not one. */
static int ipv6_skip_ext(uint8_t *nh, const uint8_t **p, size_t *len, unsigned *count)
{
	while (ipv6_ext(*nh)) {
		if (++*count > DECODE_MAX_EXTHDR || *len < 8)
			return -1;
		size_t hl = *nh == 51 ? ((size_t)(*p)[1] + 2) * 4 : ((size_t)(*p)[1] + 1) * 8;
		if (hl > *len)
			return -1;
		*nh = (*p)[0];
		*p += hl;
		*len -= hl;
	}
	return 0;
}

enum decode_result decode_transport(int ip_version, uint8_t proto, const uint8_t *buf,
				    size_t len, struct decoded *d)
{
	if (ip_version == 6) {
		unsigned count = 0;
		if (ipv6_skip_ext(&proto, &buf, &len, &count) < 0)
			return malformed(d, DERR_IPV6_EXT);
	}
	d->l4proto = proto;
	if (proto == IPPROTO_UDP)
		return decode_udp(buf, len, d);
	if (proto == IPPROTO_TCP)
		return decode_tcp(buf, len, d);
	return DECODE_OTHER;
}

static enum decode_result decode_ipv4(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 20 || p[0] >> 4 != 4)
		return malformed(d, DERR_IPV4);
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	size_t total = rd16(p + 2);
	if (ihl < 20 || ihl > len)
		return malformed(d, DERR_IPV4);
	if (total == 0)         /* segmentation offload: the length is left zero */
		total = len;
	if (total < ihl)
		return malformed(d, DERR_IPV4);
	if (total > len)        /* snap length: keep what was captured */
		total = len;
	d->ip_version = 4;
	d->src.family = AF_INET;
	memcpy(d->src.a, p + 12, 4);
	d->dst.family = AF_INET;
	memcpy(d->dst.a, p + 16, 4);
	d->l4proto = p[9];
	uint16_t fo = rd16(p + 6);
	const uint8_t *pl = p + ihl;
	size_t pl_len = total - ihl;
	if ((fo & 0x3fff) != 0) {  /* MF set or an offset: a fragment */
		d->frag_id = rd16(p + 4) | (uint32_t)p[9] << 16;
		d->frag_offset = (uint32_t)(fo & 0x1fff) * 8;
		d->frag_more = (fo & 0x2000) != 0;
		d->payload = pl;
		d->payload_len = pl_len;
		return DECODE_FRAGMENT;
	}
	return decode_transport(4, p[9], pl, pl_len, d);
}

static enum decode_result decode_ipv6(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 40 || p[0] >> 4 != 6)
		return malformed(d, DERR_IPV6);
	size_t plen = rd16(p + 4);
	if (plen == 0 || plen > len - 40) /* jumbo/offload, or cut by the snap length */
		plen = len - 40;
	d->ip_version = 6;
	d->src.family = AF_INET6;
	memcpy(d->src.a, p + 8, 16);
	d->dst.family = AF_INET6;
	memcpy(d->dst.a, p + 24, 16);
	uint8_t nh = p[6];
	const uint8_t *q = p + 40;
	unsigned count = 0;
	for (;;) {
		if (ipv6_skip_ext(&nh, &q, &plen, &count) < 0)
			return malformed(d, DERR_IPV6_EXT);
		if (nh != 44)
			break;
		if (++count > DECODE_MAX_EXTHDR || plen < 8)
			return malformed(d, DERR_IPV6_EXT);
		uint16_t off = rd16(q + 2);
		uint8_t next = q[0];
		if ((off & 0xfff9) == 0) { /* atomic fragment: offset 0, no M flag */
			nh = next;
			q += 8;
			plen -= 8;
			continue;
		}
		d->l4proto = next;
		d->frag_id = rd32(q + 4);
		d->frag_offset = (uint32_t)(off & 0xfff8);
		d->frag_more = (off & 1) != 0;
		d->payload = q + 8;
		d->payload_len = plen - 8;
		return DECODE_FRAGMENT;
	}
	d->l4proto = nh;
	if (nh == 59)           /* no next header */
		return DECODE_OTHER;
	return decode_transport(6, nh, q, plen, d);
}

enum decode_result decode_ip(const uint8_t *buf, size_t len, struct decoded *d)
{
	if (len < 1)
		return malformed(d, DERR_TRUNCATED);
	switch (buf[0] >> 4) {
	case 4:
		return decode_ipv4(buf, len, d);
	case 6:
		return decode_ipv6(buf, len, d);
	default:
		return malformed(d, DERR_IPV4);
	}
}

/* After the link header: an EtherType says what follows. */
static enum decode_result decode_ethertype(uint16_t type, const uint8_t *p, size_t len,
					   struct decoded *d)
{
	unsigned tags = 0;
	for (;;) {
		if (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
			if (++tags > DECODE_MAX_VLAN)
				return malformed(d, DERR_VLAN);
			if (len < 4)
				return malformed(d, DERR_LINK);
			type = rd16(p + 2);
			p += 4;
			len -= 4;
			continue;
		}
		if (type <= 1500) {     /* 802.3 length: LLC, SNAP carries an EtherType */
			if (len < 8 || p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03)
				return DECODE_OTHER;
			type = rd16(p + 6);
			p += 8;
			len -= 8;
			if (type <= 1500)
				return DECODE_OTHER;
			continue;
		}
		if (type == ETH_PPPOE) { /* PPPoE session: 6-byte header, 2-byte PPP protocol */
			if (len < 8)
				return malformed(d, DERR_LINK);
			uint16_t ppp = rd16(p + 6);
			p += 8;
			len -= 8;
			if (ppp == 0x0021)
				return decode_ipv4(p, len, d);
			if (ppp == 0x0057)
				return decode_ipv6(p, len, d);
			return DECODE_OTHER;
		}
		break;
	}
	if (type == ETH_IPV4)
		return decode_ipv4(p, len, d);
	if (type == ETH_IPV6)
		return decode_ipv6(p, len, d);
	return DECODE_OTHER;
}

static enum decode_result decode_ether(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 14)
		return malformed(d, DERR_LINK);
	d->has_mac = d->has_dst_mac = true;
	memcpy(d->dst_mac, p, 6);
	memcpy(d->src_mac, p + 6, 6);
	return decode_ethertype(rd16(p + 12), p + 14, len - 14, d);
}

/* 802.11 data frame with LLC/SNAP (as found under PPI or DLT_IEEE802_11). */
static enum decode_result decode_80211(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 24)
		return malformed(d, DERR_LINK);
	uint8_t fc0 = p[0], fc1 = p[1];
	if (((fc0 >> 2) & 3) != 2)      /* not a data frame */
		return DECODE_OTHER;
	if (fc0 & 0x40)                 /* null-function subtypes carry no data */
		return DECODE_OTHER;
	if (fc1 & 0x40)                 /* protected: encrypted payload */
		return DECODE_OTHER;
	size_t hl = 24;
	unsigned ds = fc1 & 3;
	if (ds == 3)
		hl += 6;
	if (fc0 & 0x80) {               /* QoS data */
		hl += 2;
		if (fc1 & 0x80)         /* +HTC */
			hl += 4;
	}
	if (len < hl + 8)
		return malformed(d, DERR_LINK);
	const uint8_t *sa = ds == 0 || ds == 1 ? p + 10 : ds == 2 ? p + 16 : p + 24;
	const uint8_t *da = ds == 0 || ds == 2 ? p + 4 : p + 16;
	d->has_mac = d->has_dst_mac = true;
	memcpy(d->src_mac, sa, 6);
	memcpy(d->dst_mac, da, 6);
	const uint8_t *llc = p + hl;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03)
		return DECODE_OTHER;
	return decode_ethertype(rd16(llc + 6), llc + 8, len - hl - 8, d);
}

static enum decode_result decode_sll(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 16)
		return malformed(d, DERR_LINK);
	uint16_t hatype = rd16(p + 2), alen = rd16(p + 4);
	if (hatype == 1 && alen == 6) {
		d->has_mac = true;
		memcpy(d->src_mac, p + 6, 6);
	}
	return decode_ethertype(rd16(p + 14), p + 16, len - 16, d);
}

static enum decode_result decode_sll2(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 20)
		return malformed(d, DERR_LINK);
	uint16_t hatype = rd16(p + 8);
	if (hatype == 1 && p[11] == 6) {
		d->has_mac = true;
		memcpy(d->src_mac, p + 12, 6);
	}
	return decode_ethertype(rd16(p), p + 20, len - 20, d);
}

/* BSD loopback: a 4-byte address family, host byte order (NULL) or network (LOOP). */
static enum decode_result decode_null(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 4)
		return malformed(d, DERR_LINK);
	uint32_t be = rd32(p), le = rd32le(p);
	uint32_t fam = be < 256 ? be : le;
	if (fam == 2)
		return decode_ipv4(p + 4, len - 4, d);
	if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
		return decode_ipv6(p + 4, len - 4, d);
	return DECODE_OTHER;
}

static enum decode_result decode_ppi(const uint8_t *p, size_t len, struct decoded *d)
{
	if (len < 8 || p[0] != 0)
		return malformed(d, DERR_LINK);
	size_t hl = rd16le(p + 2);
	uint32_t dlt = rd32le(p + 4);
	if (hl < 8 || hl > len)
		return malformed(d, DERR_LINK);
	if (dlt == DECODE_DLT_IEEE802_11)
		return decode_80211(p + hl, len - hl, d);
	if (dlt == DECODE_DLT_EN10MB)
		return decode_ether(p + hl, len - hl, d);
	return malformed(d, DERR_LINKTYPE);
}

enum decode_result decode_packet(int dlt, const uint8_t *buf, size_t len,
				 struct decoded *d)
{
	memset(d, 0, offsetof(struct decoded, payload));
	d->payload = NULL;
	d->payload_len = 0;
	d->err = DERR_NONE;
	switch (dlt) {
	case DECODE_DLT_EN10MB:
		return decode_ether(buf, len, d);
	case DECODE_DLT_RAW: case DECODE_DLT_RAW_OPENBSD: case DECODE_DLT_LINKTYPE_RAW:
		return decode_ip(buf, len, d);
	case DECODE_DLT_IPV4:
		return decode_ipv4(buf, len, d);
	case DECODE_DLT_IPV6:
		return decode_ipv6(buf, len, d);
	case DECODE_DLT_LINUX_SLL:
		return decode_sll(buf, len, d);
	case DECODE_DLT_LINUX_SLL2:
		return decode_sll2(buf, len, d);
	case DECODE_DLT_NULL: case DECODE_DLT_LOOP:
		return decode_null(buf, len, d);
	case DECODE_DLT_PPI:
		return decode_ppi(buf, len, d);
	case DECODE_DLT_IEEE802_11:
		return decode_80211(buf, len, d);
	default:
		return malformed(d, DERR_LINKTYPE);
	}
}
