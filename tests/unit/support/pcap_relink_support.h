/* Test helper: rewrite a real Ethernet capture as the Linux cooked captures that
 * `tcpdump -i any` writes (DLT_LINUX_SLL, DLT_LINUX_SLL2), so that the cooked link
 * paths run on real traffic. Written at test time into a temporary directory. Built
 * into testsupport_pcap (pcap_support_dep in tests/unit/meson.build). */
#ifndef CG_PCAP_RELINK_SUPPORT_H
#define CG_PCAP_RELINK_SUPPORT_H

#include <pcap/pcap.h>
#include <stddef.h>

#define RELINK_SLL_LEN 16
#define RELINK_SLL2_LEN 20
#define RELINK_IFINDEX 2          /* the SLL2 interface index written ("eth0") */

/* What tu_pcap_relink did with the frames of one capture. */
struct relink_stats {
	size_t packets;           /* frames written */
	size_t vlan;              /* of those, frames with an 802.1Q/QinQ tag */
	size_t short_frames;      /* frames under an Ethernet header or over 256 KiB: skipped */
};

/* Write to dst every frame of the Ethernet capture src (pcap or pcapng) with its
 * 14-byte Ethernet header replaced by an SLL (dlt DLT_LINUX_SLL) or SLL2
 * (DLT_LINUX_SLL2) header, time stamps kept to the nanosecond, original and captured
 * lengths adjusted by the header's difference. VLAN-tagged frames are carried, not
 * skipped: the protocol field holds the tag's TPID and the tag (TCI, inner EtherType)
 * stays at the start of the payload, as libpcap writes the tags it puts back into
 * cooked captures; a reader finds the inner type behind it. Frames shorter than an
 * Ethernet header (or over 256 KiB) are skipped and counted. Returns 0, or -1 with a
 * message in err (src not Ethernet, unreadable, dst not writable). */
int tu_pcap_relink(const char *src, const char *dst, int dlt, struct relink_stats *st,
		   char err[PCAP_ERRBUF_SIZE]);

/* Both cooked copies of the shared Ethernet capture src in dir: *sll and *sll2 get
 * malloc'd paths (dir/<tag>.sll.pcap, dir/<tag>.sll2.pcap; the caller frees). Returns
 * the frames written to each, or -1 with err set. */
long tu_pcap_relink_both(const char *src, const char *dir, const char *tag, char **sll,
			 char **sll2, char err[PCAP_ERRBUF_SIZE]);

#endif
