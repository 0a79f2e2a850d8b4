/* The journal's line format: one event as one hash-chained JSON line, and back.
 * Shared by the writer (journal.c) and the reader (journal_read.c); docs/journal.md
 * documents the schema and the exact hashing. */
#ifndef CG_JOURNAL_FORMAT_H
#define CG_JOURNAL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

#define JOURNAL_HASH_LEN 32        /* BLAKE2b-256 */
#define JOURNAL_HEX_LEN 65         /* 64 hex digits and a NUL */
#define JOURNAL_LINE_MAX 65536     /* longest line the reader accepts, newline included */
#define JOURNAL_TIME_LEN 40        /* "2026-11-25T17:26:43.123456+08:00" and a NUL */

/* One journal line as fields. Strings are NUL-terminated UTF-8, NULL when absent. The
 * writer fills it from a queued event; the parser fills it from a line, with the strings
 * pointing into the caller's arena. */
struct journal_record {
	uint64_t seq;
	int64_t time_us;          /* µs since the epoch */
	int32_t utc_offset;       /* seconds east of UTC the time was written with */
	const char *id;
	const char *event;        /* "hit", "bypass", "recovered", "retention", ... */
	const char *proto;
	const char *action;
	const char *client;
	const char *mac;
	const char *client_name;
	const char *group;
	const char *host;
	const char *path;
	const char *qtype;
	const char *category;
	const char *rule_file;
	unsigned rule_line;       /* 0 = no line */
	const char *rule_text;
	const char *block_mode;
	const char *reason;
	const char *account;      /* admin events: who acted */
	const char *teacher;      /* unblock requests: the teacher named */
	uint64_t start_seq;       /* retention events: the oldest seq still kept ... */
	const char *start_prev;   /* ... and the prev hash (hex) of that line */
	uint8_t prev[JOURNAL_HASH_LEN];
	uint8_t hash[JOURNAL_HASH_LEN];
	size_t body_len;          /* parser: bytes of the line the hash covers */
};

/* Append r as one line (with its newline) to out. Uses r->prev, computes the hash
 * into r->hash. Strings are escaped for JSON; invalid UTF-8 becomes U+FFFD. */
void journal_format_line(struct sbuf *out, struct journal_record *r);

/* Whether the hash field of a parsed line matches BLAKE2b-256(prev || body). */
bool journal_line_hash_ok(const char *line, const struct journal_record *r);

/* Hash helpers: 64 lowercase hex digits, and back (0 or -1). */
void journal_hex(const uint8_t h[JOURNAL_HASH_LEN], char out[JOURNAL_HEX_LEN]);
int journal_unhex(const char *s, size_t len, uint8_t h[JOURNAL_HASH_LEN]);

/* "2026-11-25T17:26:43.123456+08:00" from µs and an offset in seconds. */
void journal_format_time(int64_t time_us, int32_t utc_offset, char out[JOURNAL_TIME_LEN]);
/* Parse that form back (any offset, 0-6 fraction digits, 'Z' allowed). 0 or -1. */
int journal_parse_time(const char *s, size_t len, int64_t *time_us, int32_t *utc_offset);

/* Append s to out as JSON string content (no quotes): ", \, control bytes and U+2028/9
 * escaped, invalid UTF-8 replaced by U+FFFD, at most max input bytes (cut on a
 * character boundary). */
void journal_json_escape(struct sbuf *out, const char *s, size_t max);

/* UTC offset of an IANA zone at t, in seconds (loads the zone with tz.h each call).
 * 0, or -1 for a zone that cannot be loaded. */
int journal_zone_offset(const char *zone, time_t t, int32_t *off);

/* Days since 1970-01-01 of a local time (time + offset), and "YYYY-MM-DD" of such a day. */
int32_t journal_day(int64_t time_us, int32_t utc_offset);
void journal_day_str(int32_t day, char out[11]);
/* Parse "YYYY-MM-DD" (exactly 10 bytes) into days since the epoch; 0 or -1. */
int journal_parse_day(const char *s, size_t len, int32_t *day);

#endif
