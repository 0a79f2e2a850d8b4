/* The sensor's bounded TCP flow table: flows keyed by their 5-tuple (client side first),
 * bounded in-order reassembly of each direction's bytes (the server's only when the
 * caller asks), eviction by age and least recent use. */
#ifndef CG_FLOW_H
#define CG_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "addr.h"
#include "decode.h"

struct flow_limits {
	size_t max_flows;        /* flows tracked at once (the least recently used go) */
	unsigned timeout_s;      /* a flow idle this long (capture time) is dropped */
	size_t max_flow_bytes;   /* unconsumed bytes kept per flow and direction (16 KiB) */
	size_t max_total_bytes;  /* all flows' buffers together (64 MiB) */
};

struct flow_stats {
	uint64_t created, closed, expired, evicted; /* evicted: for room, while active */
	uint64_t ooo_queued;     /* out-of-order segments kept until the gap filled */
	uint64_t ooo_dropped;    /* out-of-order segments not kept (limits) */
	uint64_t overflow;       /* bytes not kept because a buffer was full */
	size_t active, peak_active;
	size_t buffered, peak_buffered; /* bytes held in flow buffers */
};

struct flow_seg;

/* The bytes of one direction of a connection, reassembled in order. */
struct flow_stream {
	bool seq_known;
	uint32_t next_seq;       /* next sequence number expected */
	uint8_t *buf;            /* unconsumed in-order bytes */
	size_t len, cap;
	uint64_t skip;           /* bytes to drop before buffering (bodies) */
	struct flow_seg *ooo;    /* out-of-order segments, sorted by sequence */
	unsigned n_ooo;
	size_t ooo_bytes;
};

/* One TCP connection as seen from its client. The app fields belong to the caller. */
struct flow {
	struct cg_addr cli, srv;
	uint16_t cport, sport;
	int64_t last_us;
	bool has_mac;
	uint8_t client_mac[6];
	struct flow_stream cs;   /* client -> server */
	struct flow_stream ss;   /* server -> client (filled only if the caller adds to it) */
	int app;                 /* the caller's protocol state; starts at 0 */
	unsigned app_count;      /* the caller's message count */
	/* table links */
	struct flow *hnext;      /* bucket chain */
	TAILQ_ENTRY(flow) lru;   /* first = most recently used */
	uint32_t hash;
};

struct flow_table;

/* A table with the given limits (0 fields take defaults: 65536 flows, 120 s, 16 KiB,
 * 64 MiB). The caller frees it with flow_table_free. */
struct flow_table *flow_table_new(const struct flow_limits *lim);
/* Free the table, its flows and their buffers. */
void flow_table_free(struct flow_table *t);

/* The flow of a TCP segment decoded in *d, in either direction; *from_client says which
 * way this segment goes. When there is none and create is set, a new flow is made
 * with the segment's source as the client when src_is_client, else its destination
 * (evicting the least recently used flow when the table is full). NULL otherwise.
 * Marks the flow used at now_us. */
struct flow *flow_get(struct flow_table *t, const struct decoded *d, int64_t now_us,
		      bool create, bool src_is_client, bool *from_client);

/* Add data of stream s (&f->cs or &f->ss) at sequence number seq. In-order bytes are
 * appended to s->buf (after s->skip is used up), later ones are queued until the gap
 * fills, earlier ones are trimmed. Returns the number of bytes appended to s->buf. */
size_t flow_stream_data(struct flow_table *t, struct flow_stream *s, uint32_t seq,
			const uint8_t *data, size_t len);

/* Note a SYN (or SYN-ACK) of stream s: its data sequence starts at seq + 1. */
void flow_stream_syn(struct flow_stream *s, uint32_t seq);

/* Drop n bytes from the front of s->buf; beyond what is buffered, they are skipped as
 * they arrive. */
void flow_stream_consume(struct flow_table *t, struct flow_stream *s, uint64_t n);

/* Free the buffers of one stream whose bytes are of no more interest. */
void flow_stream_release(struct flow_table *t, struct flow_stream *s);

/* Free both streams' buffers of a flow (the flow stays in the table). */
void flow_release_data(struct flow_table *t, struct flow *f);

/* Remove a flow (FIN, RST). */
void flow_close(struct flow_table *t, struct flow *f);

/* Drop flows idle for longer than the timeout at capture time now_us. */
void flow_expire(struct flow_table *t, int64_t now_us);

/* Copy the counters (created, evicted, peaks, bytes held, ...) into *st. */
void flow_get_stats(const struct flow_table *t, struct flow_stats *st);

#endif
