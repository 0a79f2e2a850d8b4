/* Helpers shared by the journal writer's unit tests (test_journal.c, test_journal_store.c,
 * test_journal_store_crash.c, test_journal_syslog.c, test_leases.c, test_neigh.c):
 * reading a journal back, checking its chain independently, capturing the log. Built
 * into testsupport_journal (journal_support_dep in tests/unit/meson.build). Each helper
 * fails the running Check test on an unexpected error. */
#ifndef CG_JOURNAL_SUPPORT_H
#define CG_JOURNAL_SUPPORT_H

#include <stddef.h>

#include "config.h"
#include "journal.h"
#include "journal_format.h"

#define DAY_US (86400ll * 1000000)

/* One parsed line, with its strings kept. */
struct line {
	struct journal_record r;
	char *arena;
	char *text;
	char file[64];
	unsigned long lineno;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

void lines_free(struct lines *ls);

/* Read every line of every journal file in dir, oldest first; every line must be
 * complete and parse. Free with lines_free. */
void read_all(const char *dir, struct lines *ls);

/* The chain as docs/journal.md describes it, recomputed here independently: the hash
 * is BLAKE2b-256 over the 32 raw bytes of prev and the line up to (not including) the
 * ',"hash":' member; prev is the previous line's hash; seq goes up by one. */
void check_chain(const struct lines *ls);

/* The reader's verifier (journal_verify.c) accepts what the writer wrote. */
void verify_ok(const char *dir);

/* A journal configuration writing into dir (borrowed, not copied). */
struct cfg_journal test_cfg(const char *dir);

/* journal_open that must succeed. */
struct journal *open_ok(const struct cfg_journal *c, const char *zone);

/* A DNS block event for host from 192.0.2.7 (students, gambling, lists/gambling.list:42). */
void ev_basic(struct journal_event *ev, const char *host);

/* How many lines carry this event name. */
size_t count_events(const struct lines *ls, const char *event);

/* Append raw bytes to the newest journal file in dir. */
void append_raw(const char *dir, const char *bytes);

/* Capture what this process writes to stderr (the operational log) from here to
 * stderr_end, which returns it (the caller frees). Tests run forked, one at a time. */
struct stderr_cap {
	int saved;
	char path[64];
};

void stderr_begin(struct stderr_cap *c);
char *stderr_end(struct stderr_cap *c);

#endif
