/* journal_limit: how many events each client may have written per interval. Above the
 * limit a client's events are counted instead of written, and each interval that
 * suppressed some ends in one summary ("N more events from this client suppressed"):
 * a flood from one pupil's machine neither fills the disk nor hides the others, and
 * nothing is dropped without a trace. A client is addr_client_key() (IPv6: its /64).
 * Not thread-safe: journal.c calls it under its queue lock. */
#ifndef CG_JOURNAL_LIMIT_H
#define CG_JOURNAL_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "request.h"

/* An interval of one client that ended with suppressed events. */
struct jlimit_summary {
	struct cg_addr client;  /* the last address seen from that client */
	enum proto proto;       /* of the last suppressed event */
	uint64_t count;         /* events not written */
};

struct jlimit;

/* A limit of max_events per interval_s seconds per client; NULL when max_events or
 * interval_s is 0 (no limit). */
struct jlimit *jlimit_new(unsigned max_events, unsigned interval_s);
void jlimit_free(struct jlimit *l);

/* Count one event of client at monotonic now_ns. true: write it; false: suppressed
 * (counted). When an earlier interval of this client, or of a client forgotten to make
 * room, ended with suppressed events, *due is filled and *have_due set: the caller
 * journals that summary first. */
bool jlimit_take(struct jlimit *l, const struct cg_addr *client, enum proto proto,
		 uint64_t now_ns, struct jlimit_summary *due, bool *have_due);

typedef void (*jlimit_summary_cb)(void *arg, const struct jlimit_summary *s);

/* Call cb for each interval that ended by now_ns with suppressed events (and start
 * that client afresh). Cheap when jlimit_next_ns() has not come yet. */
void jlimit_sweep(struct jlimit *l, uint64_t now_ns, jlimit_summary_cb cb, void *arg);

/* The monotonic time the first summary is due, UINT64_MAX when none. */
uint64_t jlimit_next_ns(const struct jlimit *l);

/* Events suppressed in all (summaries include them). */
uint64_t jlimit_suppressed(const struct jlimit *l);

#endif
