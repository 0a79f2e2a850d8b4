/* The journal's files as the writer sees them: the current day file, rotation by day and
 * size, retention, torn-line recovery at start-up, and the daily digest. Used by one
 * thread at a time (journal.c's writer thread, or the opener before it starts). */
#ifndef CG_JOURNAL_STORE_H
#define CG_JOURNAL_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "journal_format.h"

struct journal_syslog;
struct tz;

struct jstore {
	char *dir;
	int dirfd;
	int fd;                    /* the current file, -1 before the first */
	int32_t day;               /* its day (school zone) */
	unsigned part;
	uint64_t size;             /* bytes in it, including what is buffered */
	uint64_t seq;              /* last sequence number written */
	uint8_t last_hash[JOURNAL_HASH_LEN];
	uint64_t day_first_seq;    /* first seq of the current day, 0 = none yet */
	size_t max_file_bytes;     /* 0 = no size limit */
	unsigned retention_days;   /* 0 = keep for ever */
	struct tz *tz;             /* the school's zone (tz.h) */
	bool chown_files;          /* opened by root: give new files to the directory's owner */
	uid_t uid;
	gid_t gid;
	struct sbuf out;           /* formatted lines not yet written */
	struct sbuf line;
	uint64_t written, write_errors, fsyncs;
	bool dirty;                /* written since the last fdatasync */
	struct journal_syslog *syslog;    /* forward each line here, or NULL */
	int64_t last_err_log_ns;
	int64_t now_us;            /* the wall clock as last given (jstore_write/tick) */
};

/* Open dir (created 0750 if missing), recover torn last lines, continue the chain, apply
 * retention and open today's file. 0, or -1 with a static message in *err. */
int jstore_open(struct jstore *s, const struct cfg_journal *cfg, const char *zone,
		const char **err);

/* The school's UTC offset at time t (seconds). */
int32_t jstore_offset(const struct jstore *s, time_t t);

/* Give r the next seq, the chain's prev and the school's offset, rotate if its day or the
 * size limit says so, format it and buffer it. Fills r->hash. now_us is the wall clock:
 * an event is filed under its own day, but never a day after now's nor one before the
 * current file's. */
void jstore_write(struct jstore *s, struct journal_record *r, int64_t now_us);

/* Start the new day's file (digest, retention) when the school's day has changed
 * since the last event, so that a quiet night still ends the day on time. */
void jstore_tick(struct jstore *s, int64_t now_us);

/* Write the buffered lines (write(2)); errors are counted and logged. */
void jstore_flush(struct jstore *s);
/* Flush and fdatasync the current file if anything was written since the last time. */
void jstore_sync(struct jstore *s);
/* Flush, sync, write the digest of the current day and close. */
void jstore_close(struct jstore *s);

#endif
