/* libpcap for the sensor: capture files (pcap and pcapng) and live interfaces with the
 * sensor's own BPF filter, feeding each packet to an inspector (inspect.h). */
#ifndef CG_CAPTURE_H
#define CG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect.h"

#define CAPTURE_ERRLEN 512
#define CAPTURE_SNAPLEN 65535

struct capture;

/* The BPF filter for live capture on link type dlt: DNS (udp/tcp 53), HTTP (80), TLS
 * (443), DoT (853), every IPv4 fragment and every IPv6 packet with extension headers
 * (fragments among them) so that the reassembler and decoder see them; on Ethernet also
 * behind one or two VLAN tags (802.1Q, QinQ). A static string. */
const char *capture_filter(int dlt);

/* Open a capture file (pcap or pcapng, µs time stamps). NULL with a message in err when
 * libpcap cannot read it or its link type is not one we decode. */
struct capture *capture_open_file(const char *path, char err[CAPTURE_ERRLEN]);

/* Open interface ifname for live capture (needs root or CAP_NET_RAW), non-blocking,
 * with capture_filter() for its link type applied. NULL with a message in err on
 * failure. */
struct capture *capture_open_live(const char *ifname, bool promisc,
				  char err[CAPTURE_ERRLEN]);

/* The capture's link type (DLT_ value). */
int capture_linktype(const struct capture *c);

/* Files: process up to max packets (max <= 0: all). Returns the number processed,
 * 0 at the end of the file, -1 on a read error (message in err).
 * Live: wait up to timeout_ms for packets, then process what is buffered; 0 when the
 * wait timed out. */
long capture_file_run(struct capture *c, struct inspect *in, long max,
		      char err[CAPTURE_ERRLEN]);
long capture_live_run(struct capture *c, struct inspect *in, int timeout_ms,
		      char err[CAPTURE_ERRLEN]);

/* Packets the kernel dropped on a live capture (0 for files or when unknown). */
uint64_t capture_dropped(struct capture *c);

/* Close the handle and free it (NULL is fine). */
void capture_close(struct capture *c);

#endif
