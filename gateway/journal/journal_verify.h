/* Verifying the journal: the hash chain and the sequence across files, and the daily
 * digests in digest.log against them (`campusgate journal verify`). */
#ifndef CG_JOURNAL_VERIFY_H
#define CG_JOURNAL_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "journal_format.h"

/* What verify found. status: 0 intact, 1 tampered (or torn), 2 could not check. */
struct journal_verify_result {
	int status;
	char file[256];          /* the first bad line: file name ... */
	unsigned long line;      /* ... and its 1-based line number (0: the file itself) */
	char what[512];          /* "edited: ...", "deleted: ...", "reordered: ...", ... */
	uint64_t lines, files;   /* how many were checked */
	uint64_t digests;        /* daily digests that matched a line */
	uint64_t first_seq, last_seq;
	int64_t first_time_us, last_time_us;   /* the times written on those two lines ... */
	int32_t first_offset, last_offset;     /* ... and their UTC offsets */
	char last_hash[JOURNAL_HEX_LEN];
	bool start_moved;        /* retention removed the chain's start (and said so) */
};

/* The kind of damage, the word `what` starts with. */
#define JV_EDITED "edited"
#define JV_DELETED "deleted"
#define JV_REORDERED "reordered"
#define JV_TORN "torn"
#define JV_MISSING "file missing"
#define JV_REWRITTEN "rewritten"

/* One line of digest.log: the writer's daily digest (last hash and count of a day). */
struct journal_digest {
	char day[11];           /* "YYYY-MM-DD" */
	uint64_t count, first_seq, last_seq;
	uint8_t last_hash[JOURNAL_HASH_LEN];
	unsigned long line;     /* in digest.log */
};

/* Parse one digest line (without its newline): a flat JSON object with day, count,
 * first_seq, last_seq and last_hash. 0 or -1. */
int journal_digest_parse(const char *s, size_t len, struct journal_digest *d);

/* Check the chain and the sequence of every file in dir from day from_day on
 * (INT32_MIN: all, and then the chain must start at seq 1 or where a retention event
 * says it starts), and the daily digests in dir/digest.log against the lines. Stops at
 * the first bad line and describes it in res. When the newest file ends in half a line
 * it waits up to 1.5 s, and checks again if the file grew (a running writer). */
void journal_verify(const char *dir, int32_t from_day, struct journal_verify_result *res);

/* The same checks over lines fed one by one in seq order, from wherever they are kept
 * (the district store's copy of a school's journal): each line's hash, the chain of prev
 * hashes and the sequence (a jump is "deleted", named at the line after the gap). whole:
 * the chain must start at seq 1 (or where a retention event says). Results go to res,
 * which must outlive the chain; labels must too (they are kept for the messages). */
struct journal_chain;
struct journal_chain *journal_chain_new(struct journal_verify_result *res, bool whole);
/* One line (no newline), lineno its number under label. 0 to go on; -1 once res is
 * decided (res->status 1, the first bad line described). */
int journal_chain_line(struct journal_chain *c, const char *line, size_t len, const char *label,
		       unsigned long lineno);
/* No more lines: decide a jump still open; fill res->last_hash when intact. */
void journal_chain_end(struct journal_chain *c);
void journal_chain_free(struct journal_chain *c);

#endif
