/* Cooked (SLL, SLL2) copies of Ethernet captures for the tests (see
 * pcap_relink_support.h). */
#include "pcap_relink_support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sll_pkttype Linux would give a frame by its destination: broadcast (1),
 * multicast (2), else to this host (0). (Which frames were outgoing (4) a copy of a
 * mirror capture cannot tell; the sensor does not read the field.) */
static uint16_t relink_pkttype(const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	if (memcmp(dst, bcast, 6) == 0)
		return 1;
	return (dst[0] & 1) ? 2 : 0;
}

/* The cooked header for one Ethernet frame f (at least 14 bytes) into h; returns its
 * length. The protocol is the frame's EtherType; an 802.3 length field becomes
 * ETH_P_802_2 (4), as Linux writes for LLC frames. */
static size_t relink_header(int dlt, const uint8_t *f, uint8_t *h)
{
	uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
	uint16_t proto = type <= 1500 ? 0x0004 : type;
	uint16_t pkttype = relink_pkttype(f);
	if (dlt == DLT_LINUX_SLL) {
		memset(h, 0, RELINK_SLL_LEN);
		h[1] = (uint8_t)pkttype;  /* packet type */
		h[3] = 1;                 /* ARPHRD_ETHER */
		h[5] = 6;                 /* address length */
		memcpy(h + 6, f + 6, 6);  /* the sender's MAC, 2 bytes of padding */
		h[14] = (uint8_t)(proto >> 8);
		h[15] = (uint8_t)proto;
		return RELINK_SLL_LEN;
	}
	memset(h, 0, RELINK_SLL2_LEN);
	h[0] = (uint8_t)(proto >> 8);     /* protocol, then 2 reserved bytes */
	h[1] = (uint8_t)proto;
	h[7] = RELINK_IFINDEX;            /* interface index, 4 bytes */
	h[9] = 1;                         /* ARPHRD_ETHER, 2 bytes */
	h[10] = (uint8_t)pkttype;         /* packet type, 1 byte */
	h[11] = 6;                        /* address length, 1 byte */
	memcpy(h + 12, f + 6, 6);
	return RELINK_SLL2_LEN;
}

int tu_pcap_relink(const char *src, const char *dst, int dlt, struct relink_stats *st,
		   char err[PCAP_ERRBUF_SIZE])
{
	pcap_t *in = NULL, *dead = NULL;
	pcap_dumper_t *out = NULL;
	uint8_t *buf = NULL;
	int rc = -1;
	memset(st, 0, sizeof(*st));
	if (dlt != DLT_LINUX_SLL && dlt != DLT_LINUX_SLL2) {
		snprintf(err, PCAP_ERRBUF_SIZE, "link type %d is not SLL or SLL2", dlt);
		return -1;
	}
	in = pcap_open_offline_with_tstamp_precision(src, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!in)
		goto fail;
	if (pcap_datalink(in) != DLT_EN10MB) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s: link type %s, not Ethernet", src,
			 pcap_datalink_val_to_name(pcap_datalink(in)));
		goto fail;
	}
	size_t extra = (dlt == DLT_LINUX_SLL ? RELINK_SLL_LEN : RELINK_SLL2_LEN) - 14;
	int snap = pcap_snapshot(in) + (int)extra;
	dead = pcap_open_dead_with_tstamp_precision(dlt, snap, PCAP_TSTAMP_PRECISION_NANO);
	if (!dead) {
		snprintf(err, PCAP_ERRBUF_SIZE, "pcap_open_dead failed");
		goto fail;
	}
	out = pcap_dump_open(dead, dst);
	if (!out) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s: %s", dst, pcap_geterr(dead));
		goto fail;
	}
	buf = malloc(262144 + RELINK_SLL2_LEN);
	if (!buf) {
		snprintf(err, PCAP_ERRBUF_SIZE, "out of memory");
		goto fail;
	}
	struct pcap_pkthdr *h;
	const u_char *f;
	int r;
	while ((r = pcap_next_ex(in, &h, &f)) == 1) {
		if (h->caplen < 14 || h->caplen > 262144) {
			st->short_frames++;
			continue;
		}
		uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
		if (type == 0x8100 || type == 0x88a8 || type == 0x9100)
			st->vlan++;
		size_t hl = relink_header(dlt, f, buf);
		memcpy(buf + hl, f + 14, h->caplen - 14);
		struct pcap_pkthdr nh = *h;
		nh.caplen = h->caplen + (bpf_u_int32)extra;
		nh.len = h->len + (bpf_u_int32)extra;
		pcap_dump((u_char *)out, &nh, buf);
		st->packets++;
	}
	if (r != PCAP_ERROR_BREAK) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s: %s", src, pcap_geterr(in));
		goto fail;
	}
	if (pcap_dump_flush(out) != 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s: write failed", dst);
		goto fail;
	}
	rc = 0;
fail:
	free(buf);
	if (out)
		pcap_dump_close(out);
	if (dead)
		pcap_close(dead);
	if (in)
		pcap_close(in);
	return rc;
}

long tu_pcap_relink_both(const char *src, const char *dir, const char *tag, char **sll,
			 char **sll2, char err[PCAP_ERRBUF_SIZE])
{
	struct relink_stats a, b;
	size_t n = strlen(dir) + strlen(tag) + 16;
	*sll = malloc(n);
	*sll2 = malloc(n);
	if (!*sll || !*sll2) {
		snprintf(err, PCAP_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	snprintf(*sll, n, "%s/%s.sll.pcap", dir, tag);
	snprintf(*sll2, n, "%s/%s.sll2.pcap", dir, tag);
	if (tu_pcap_relink(src, *sll, DLT_LINUX_SLL, &a, err) < 0 ||
	    tu_pcap_relink(src, *sll2, DLT_LINUX_SLL2, &b, err) < 0)
		return -1;
	return (long)a.packets;
}
