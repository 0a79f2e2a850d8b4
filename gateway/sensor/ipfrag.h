/* IP fragment reassembly for the sensor, within fixed bounds: datagrams in flight,
 * bytes and fragments per datagram, and a timeout in capture time. */
#ifndef CG_IPFRAG_H
#define CG_IPFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct ipfrag_limits {
	size_t max_datagrams;   /* datagrams being reassembled at once (oldest evicted) */
	size_t max_bytes;       /* upper-layer bytes per datagram (at most 65535) */
	unsigned max_frags;     /* distinct pieces per datagram */
	unsigned timeout_s;     /* an incomplete datagram is dropped after this */
};

struct ipfrag_stats {
	uint64_t fragments;     /* fragments offered */
	uint64_t reassembled;   /* datagrams completed */
	uint64_t timeouts;      /* incomplete datagrams dropped by age */
	uint64_t evicted;       /* incomplete datagrams dropped for room */
	uint64_t rejected;      /* fragments beyond the limits or inconsistent */
};

struct ipfrag;

/* A reassembler with the given limits (0 fields take defaults: 64 datagrams, 65535
 * bytes, 64 pieces, 30 s). The caller frees it with ipfrag_free. */
struct ipfrag *ipfrag_new(const struct ipfrag_limits *lim);
/* Free the reassembler and every datagram in progress. */
void ipfrag_free(struct ipfrag *f);

/* Add the fragment decoded in *d (DECODE_FRAGMENT) seen at capture time now_us.
 * Returns 1 when its datagram is complete: *out, *out_len then hold the upper-layer
 * data (owned by the reassembler, valid until the next call); 0 when more pieces are
 * needed; -1 when the fragment was rejected (bad offset/size, limits). */
int ipfrag_add(struct ipfrag *f, const struct decoded *d, int64_t now_us,
	       const uint8_t **out, size_t *out_len);

/* Copy the counters into *st. */
void ipfrag_get_stats(const struct ipfrag *f, struct ipfrag_stats *st);

#endif
