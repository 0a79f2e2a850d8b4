/* The security journal (安全日志): append-only, hash-chained JSON Lines, one file per
 * day. Front ends append through this writer API; the tool reads through journal_read.h.
 * The schema is documented in docs/journal.md. */
#ifndef CG_JOURNAL_H
#define CG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "request.h"

#define JOURNAL_ID_LEN 20 /* event id text, with its NUL: e.g. "k3z9q2m4c1x8a7b6f5d" */

/* One event. The caller owns every string; journal_append copies what it needs before
 * it returns. Unset strings are NULL and are omitted from the line. */
struct journal_event {
	int64_t time_us;        /* wall clock, µs since the epoch (0 = now) */
	enum proto proto;
	struct cg_addr client;
	const char *client_mac;   /* "aa:bb:cc:dd:ee:ff" when the link layer shows it */
	const char *client_name;
	const char *group;
	const char *host;
	const char *path;
	const char *qtype;        /* DNS query type ("A", "AAAA", ...) */
	const char *category;
	const char *action;       /* "block", "observe", "bypass", "allow", "recovered" */
	const char *event;        /* kind: "hit" (default), "bypass", "ratelimit", ... */
	const char *rule_file;
	unsigned rule_line;
	const char *rule_text;
	const char *block_mode;   /* DNS: "nxdomain", "null", "page", "refused" */
	const char *reason;       /* free text: "CNAME chain a -> b", "no SNI", ... */
	const char *account;      /* admin events: the console or CLI account that acted */
	const char *teacher;      /* unblock requests: the teacher the pupil named */
	/* Lengths of host, path and rule_text when they are not NUL-terminated (as in
	 * struct request and struct rule_ref); 0 = NUL-terminated. */
	size_t host_len, path_len, rule_text_len;
};

/* Fill the common fields of an event from a request and its verdict. */
void journal_event_from(struct journal_event *ev, const struct request *req,
			const struct verdict *v);

struct journal;

/* Open the journal directory (create it 0750 if needed), recover a torn last line
 * (moved aside, a "recovered" event written), continue the chain, start the writer
 * thread. NULL with a message in *err (static string) on failure. */
struct journal *journal_open(const struct cfg_journal *cfg, const char *timezone,
			     const char **err);

/* Queue one event for writing; never blocks on I/O. Writes the event id (which the
 * block page shows) into id_out when it is not NULL. Returns 0, or -1 when the queue
 * is full: the event is then counted as dropped and logged loudly (rate-limited). An
 * event over its client's limit (client_max_events) is counted, not queued (0, id_out
 * ""), and stands in the "suppressed" event that ends that client's interval. */
int journal_append(struct journal *j, const struct journal_event *ev,
		   char id_out[JOURNAL_ID_LEN]);

/* Wait until everything queued so far is written and fsynced. */
void journal_flush(struct journal *j);

struct journal_stats {
	uint64_t appended, written, dropped, write_errors, fsyncs;
	uint64_t synced; /* events written and fdatasynced: these survive a power cut */
	uint64_t seq; /* last sequence number written */
	uint64_t batches; /* writer rounds that wrote events (events gather for ~2 ms) */
	size_t slots;     /* queue slots in memory: about the most events ever queued at once */
	uint64_t syslog_sent, syslog_dropped; /* forwarding ([journal] syslog), if on */
	uint64_t suppressed; /* over client_max_events: not written, summarised per interval */
	bool low_space;      /* free space is below min_free_mb now: events are not written */
	uint64_t low_space_skipped; /* events not written for want of space, in all */
};
void journal_get_stats(struct journal *j, struct journal_stats *st);

/* Flush, stop the writer thread, close files. */
void journal_close(struct journal *j);

#endif
