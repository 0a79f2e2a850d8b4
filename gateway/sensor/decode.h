/* Packet decoding for the sensor: link layer, IPv4/IPv6 (options, extension headers,
 * fragments), UDP and TCP. Bounded: every read checks the bytes left; no length field
 * is trusted beyond the captured bytes. Checksums are not verified. */
#ifndef CG_DECODE_H
#define CG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Link types we decode (pcap DLT_ / LINKTYPE_ values). */
#define DECODE_DLT_NULL 0
#define DECODE_DLT_EN10MB 1
#define DECODE_DLT_RAW 12          /* DLT_RAW on Linux/most BSDs */
#define DECODE_DLT_RAW_OPENBSD 14  /* DLT_RAW on OpenBSD */
#define DECODE_DLT_LOOP 108
#define DECODE_DLT_LINKTYPE_RAW 101
#define DECODE_DLT_LINUX_SLL 113
#define DECODE_DLT_PPI 192
#define DECODE_DLT_IEEE802_11 105
#define DECODE_DLT_IPV4 228
#define DECODE_DLT_IPV6 229
#define DECODE_DLT_LINUX_SLL2 276

#define DECODE_MAX_VLAN 4      /* stacked 802.1Q / QinQ tags accepted */
#define DECODE_MAX_EXTHDR 8    /* IPv6 extension headers in one chain */

/* What a packet was, when it was not a complete UDP or TCP segment. */
enum decode_err {
	DERR_NONE,
	DERR_LINK,        /* link header cut short or inconsistent */
	DERR_LINKTYPE,    /* a link type we do not decode */
	DERR_VLAN,        /* too many VLAN tags */
	DERR_IPV4,        /* bad IPv4 header (version, IHL, total length) */
	DERR_IPV6,        /* bad IPv6 header */
	DERR_IPV6_EXT,    /* bad or too long IPv6 extension header chain */
	DERR_UDP,         /* bad UDP header */
	DERR_TCP,         /* bad TCP header */
	DERR_FRAG,        /* bad fragment (offset, size, overlap beyond limits) */
	DERR_TRUNCATED,   /* snap length cut the packet before its payload */
	DERR_COUNT
};

/* "link", "linktype", ... for summaries. */
const char *decode_err_name(enum decode_err e);

/* Outcome of decoding one packet. */
enum decode_result {
	DECODE_L4,        /* a UDP or TCP segment: d->sport.. and d->payload are set */
	DECODE_FRAGMENT,  /* an IP fragment: d->frag_* and d->payload (fragment data) set */
	DECODE_OTHER,     /* a valid packet we do not look into (ARP, ICMP, ...) */
	DECODE_MALFORMED, /* d->err says what */
};

struct decoded {
	/* link: has_mac for the sender's MAC; Linux cooked headers (SLL, SLL2) carry only
	   that one, so has_dst_mac says whether dst_mac is known too */
	bool has_mac, has_dst_mac;
	uint8_t src_mac[6], dst_mac[6];
	/* network */
	uint8_t ip_version;          /* 4 or 6 */
	struct cg_addr src, dst;
	uint8_t l4proto;             /* IPPROTO_UDP, IPPROTO_TCP, ... */
	/* fragment (DECODE_FRAGMENT) */
	uint32_t frag_id;
	uint32_t frag_offset;        /* in bytes */
	bool frag_more;
	/* transport (DECODE_L4) */
	uint16_t sport, dport;
	uint32_t tcp_seq, tcp_ack;
	uint8_t tcp_flags;
	/* payload of the segment (or the fragment's data); points into the packet */
	const uint8_t *payload;
	size_t payload_len;
	enum decode_err err;
};

#define DECODE_TCP_FIN 0x01
#define DECODE_TCP_SYN 0x02
#define DECODE_TCP_RST 0x04
#define DECODE_TCP_ACK 0x10

/* Whether decode_packet understands the link type. */
bool decode_linktype_supported(int dlt);

/* Decode one captured packet of link type dlt from (buf, len). Fills *d (pointers into
 * buf). Returns what it was; on DECODE_MALFORMED d->err names the problem. */
enum decode_result decode_packet(int dlt, const uint8_t *buf, size_t len,
				 struct decoded *d);

/* Decode a network-layer datagram that starts at buf (IPv4 or IPv6 by its version). */
enum decode_result decode_ip(const uint8_t *buf, size_t len, struct decoded *d);

/* Decode the upper-layer data of a reassembled datagram: proto is the protocol (IPv4)
 * or the next header after the fragment header (IPv6; extension headers may follow). */
enum decode_result decode_transport(int ip_version, uint8_t proto, const uint8_t *buf,
				    size_t len, struct decoded *d);

#endif
