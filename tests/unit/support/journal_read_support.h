/* Helpers shared by the journal reader's unit tests (test_journal_read.c and
 * test_journal_verify.c): a hash chain written into day files in a test directory.
 * Built into testsupport_journal (journal_support_dep in tests/unit/meson.build). */
#ifndef CG_JOURNAL_READ_SUPPORT_H
#define CG_JOURNAL_READ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "journal_format.h"

#define DAY0 20417 /* 2025-11-25 */
#define US_PER_DAY (86400LL * 1000000)
#define OFF8 (8 * 3600)

/* A chain being written into day files in a test directory. */
struct chain {
	char *dir;
	uint64_t seq;
	uint8_t last[JOURNAL_HASH_LEN];
	int32_t day;          /* of the last chain_add, and its first seq (for digests) */
	uint64_t day_first;
};

/* An empty chain in a fresh temporary directory; chain_free removes both. */
void chain_init(struct chain *c);
void chain_free(struct chain *c);

/* "dir/name", malloc'd (the caller frees). */
char *path_in(const char *dir, const char *name);

/* Append len bytes to the file at path (created 0640 when absent). */
void append_file(const char *path, const char *data, size_t len);

/* Append n events (event NULL: "hit") at the given local day (UTC+8) to file name in
 * the chain's directory (NULL: the day's part 0, YYYY-MM-DD.jsonl). */
void chain_add(struct chain *c, int32_t day, const char *name, int n, const char *event);

#endif
