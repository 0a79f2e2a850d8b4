/* Reading the journal: its files in order, a streaming line reader with a line cap,
 * the line parser (hostile input), and a scan over a time range. The chain verifier
 * behind `journal verify` is journal_verify.h. */
#ifndef CG_JOURNAL_READ_H
#define CG_JOURNAL_READ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal_format.h"

/* One journal file: YYYY-MM-DD.jsonl (part 0) or YYYY-MM-DD.N.jsonl (part N). */
struct journal_file {
	char *name;      /* file name only */
	char *path;      /* dir/name */
	int32_t day;     /* days since the epoch, in the school's zone */
	unsigned part;
};

/* The journal files in dir, oldest first (by day, then part). Other names are ignored.
 * Returns 0, or -1 with errno set (dir unreadable). The caller frees with
 * journal_files_free. */
int journal_list_files(const char *dir, struct journal_file **files, size_t *n);
void journal_files_free(struct journal_file *files, size_t n);
/* Whether name is a journal file name; fills day and part when it is. */
bool journal_file_name_parse(const char *name, int32_t *day, unsigned *part);

/* A streaming line reader over one file: constant memory whatever the file size. */
struct journal_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	unsigned long lineno;   /* 1-based number of the line last returned */
	uint64_t offset;        /* file offset of the line last returned */
	uint64_t base;          /* file offset of buf[0] */
	bool eof, skip;         /* skip: dropping the rest of an over-long line */
};

/* Open path for reading; 0 or -1 (errno set). */
int journal_reader_open(struct journal_reader *rd, const char *path);
/* The next line, without its newline, in *line and *len (valid until the next call).
 * *complete is false for a last line with no newline (torn). Returns 1 for a line,
 * 0 at the end, -1 on a read error or a line longer than JOURNAL_LINE_MAX (errno
 * EMSGSIZE). */
int journal_reader_next(struct journal_reader *rd, const char **line, size_t *len,
			bool *complete);
/* Go on from byte off (the start of a line; lineno is no longer meaningful). 0 or -1. */
int journal_reader_seek(struct journal_reader *rd, uint64_t off);
void journal_reader_close(struct journal_reader *rd);

/* The same lines backwards, from the last whole line of a file to its first, each byte
 * read once: blocks from the end, the head of a line that began in an earlier block
 * carried over to it (journal_backreader.c). Memory: block + JOURNAL_LINE_MAX bytes. */
struct journal_backreader {
	int fd;
	char *buf;
	size_t block, cap;
	size_t lo, hi;        /* buf[lo, hi): read and not yet returned; a line ends at hi */
	uint64_t pos;         /* file offset of buf[lo]: the bytes before it are still to read */
	uint64_t dropped;     /* bytes of the torn last line dropped so far */
	bool skip;            /* dropping bytes back to the newline before them */
	bool tail;            /* ... those of the last line, with no newline (being written) */
	bool done;
};

/* Open path to read it backwards in blocks of block bytes (at least 1; from the size it
 * has now: what is appended later is not read). 0 or -1 (errno set). */
int journal_backreader_open(struct journal_backreader *br, const char *path, size_t block);
/* The line before the one returned last (the last whole line of the file at first),
 * without its newline, in *line and *len (valid until the next call). Returns 1 for a
 * line, 0 at the start of the file, -1 on a read error or for a line longer than
 * JOURNAL_LINE_MAX (errno EMSGSIZE; then the line before it is next). A last line with
 * no newline (still being written) is not returned; over JOURNAL_LINE_MAX it is reported
 * as too long, as journal_reader_next does. */
int journal_backreader_prev(struct journal_backreader *br, const char **line, size_t *len);
void journal_backreader_close(struct journal_backreader *br);

/* Parse one line (without its newline) of len bytes. Strings are decoded into arena
 * (at least len + 1 bytes) and r points into it. Returns 0, or -1 with a static message
 * in *err. The hash is not checked here (journal_line_hash_ok). */
int journal_parse_line(const char *line, size_t len, struct journal_record *r,
		       char *arena, size_t arena_len, const char **err);

/* The time of a line as the writer starts it ({"seq":N,"time":"..."), without parsing
 * the rest: 0, or -1 when the line does not start that way (it must be parsed fully). */
int journal_line_time(const char *line, size_t len, int64_t *us);

/* Called for each parsed line by journal_scan; return non-zero to stop the scan. */
typedef int (*journal_scan_fn)(const struct journal_record *r, const char *line,
			       size_t len, void *ctx);

/* Stream every line of the files in dir that may hold events in [from_us, to_us]
 * (files are skipped by name), oldest first, calling fn for each line whose time is in
 * the range. must (may be NULL) is a NULL-terminated list of byte strings a line has to
 * contain to be parsed at all: a cheap prefilter for the caller's exact-match filters
 * (the writer's escaping is canonical, so a plain ASCII value appears as it is).
 * Lines in the range that do not parse are counted in *bad (may be NULL) and skipped;
 * lines that the time or the must strings already rule out are not parsed. Returns 0,
 * or -1 with a static message in *err. */
int journal_scan(const char *dir, int64_t from_us, int64_t to_us, const char *const *must,
		 journal_scan_fn fn, void *ctx, uint64_t *bad, const char **err);
/* (journal_scan.c; with the index cache set up, journal_index.h, blocks that cannot
 * hold a wanted line are not read, with the same result. fn must not scan itself.) */

/* The same lines, newest first: files from the newest, each from its last whole line
 * back (a line still being written is not read; a line over JOURNAL_LINE_MAX is counted
 * in *bad, as journal_scan does). A file with an index (in memory or in the cache
 * folder, checked against the file) is read by its blocks, so that "the newest 50"
 * reads a few; a file without one (or whose index is degraded) is not indexed now
 * (journal_index_warm does that) but read plainly from its end, in blocks backwards
 * (journal_backreader). 0 or -1 with *err. */
int journal_scan_newest(const char *dir, int64_t from_us, int64_t to_us,
			const char *const *must, journal_scan_fn fn, void *ctx, uint64_t *bad,
			const char **err);

/* The rollup of the files that may hold events in [from_us, to_us] (journal_index.h):
 * fn gets each row: its kind (enum jidx_kind), for JIDX_HOUR rows the hour's start
 * (hours that overlap the range only; INT64_MIN for the others), the day of the file
 * it comes from, its four strings (NULL: absent) and its count. A file that cannot be
 * read gives nothing. 0 or -1 with *err. */
typedef void (*journal_rollup_fn)(unsigned kind, int64_t hour_us, int32_t file_day,
				  const char *const str[4], uint64_t n, void *ctx);
int journal_rollup(const char *dir, int64_t from_us, int64_t to_us, journal_rollup_fn fn,
		   void *ctx, const char **err);
/* (A file with no index yet is indexed now: its rollup is that index. A file another
 * thread is indexing is waited for, not indexed twice.) */

/* Index the files that may hold events from from_us on, newest first, into the index
 * cache (and its folder): the console's background thread at start, and `campusgate
 * journal index`. Stops between two files once *stop (may be NULL) is set. *built: the
 * files indexed or found current. 0 or -1 with *err. */
int journal_index_warm(const char *dir, int64_t from_us, const atomic_bool *stop,
		       unsigned *built, const char **err);

#endif
