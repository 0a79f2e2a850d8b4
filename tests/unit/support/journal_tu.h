/* Helpers shared by the journal writer's unit tests (test_journal.c and
 * test_journal_store.c): reading a journal back, checking its chain independently. */
#ifndef CG_JOURNAL_TU_H
#define CG_JOURNAL_TU_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "journal_format.h"
#include "journal_read.h"
#include "journal_store.h"
#include "journal_verify.h"
#include "journal_syslog.h"
#include "testutil.h"


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

static inline void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].arena);
		free(ls->v[i].text);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = ls->cap = 0;
}

/* Read every line of every journal file in dir, oldest first; every line must be
 * complete and parse. */
static inline void read_all(const char *dir, struct lines *ls)
{
	struct journal_file *files;
	size_t n;
	memset(ls, 0, sizeof *ls);
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct journal_reader rd;
		const char *line;
		size_t len;
		bool complete;
		ck_assert_int_eq(journal_reader_open(&rd, files[i].path), 0);
		int got;
		while ((got = journal_reader_next(&rd, &line, &len, &complete)) == 1) {
			ck_assert_msg(complete, "%s: torn line", files[i].name);
			if (ls->n == ls->cap) {
				ls->cap = ls->cap ? 2 * ls->cap : 64;
				ls->v = realloc(ls->v, ls->cap * sizeof *ls->v);
			}
			struct line *l = &ls->v[ls->n++];
			const char *err = NULL;
			l->arena = malloc(len + 1);
			l->text = malloc(len + 1); /* line is not NUL-terminated */
			memcpy(l->text, line, len);
			l->text[len] = '\0';
			snprintf(l->file, sizeof l->file, "%s", files[i].name);
			l->lineno = rd.lineno;
			ck_assert_msg(journal_parse_line(l->text, len, &l->r, l->arena, len + 1,
							 &err) == 0,
				      "%s:%lu: %s", files[i].name, rd.lineno, err);
		}
		ck_assert_int_eq(got, 0);
		journal_reader_close(&rd);
	}
	journal_files_free(files, n);
}

/* The chain as docs/journal.md describes it, recomputed here independently: the hash
 * is BLAKE2b-256 over the 32 raw bytes of prev and the line up to (not including) the
 * ',"hash":' member; prev is the previous line's hash; seq goes up by one. */
static inline void check_chain(const struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		const struct line *l = &ls->v[i];
		const char *h = strstr(l->text, ",\"hash\":\"");
		ck_assert_ptr_nonnull(h);
		uint8_t want[32];
		crypto_generichash_state st;
		crypto_generichash_init(&st, NULL, 0, 32);
		crypto_generichash_update(&st, l->r.prev, 32);
		crypto_generichash_update(&st, (const unsigned char *)l->text,
					  (size_t)(h - l->text));
		crypto_generichash_final(&st, want, 32);
		ck_assert_msg(memcmp(want, l->r.hash, 32) == 0, "%s:%lu: hash", l->file,
			      l->lineno);
		ck_assert(journal_line_hash_ok(l->text, &l->r));
		if (i > 0) {
			ck_assert_msg(memcmp(l->r.prev, ls->v[i - 1].r.hash, 32) == 0,
				      "%s:%lu: prev is not the previous hash", l->file, l->lineno);
			ck_assert_msg(l->r.seq == ls->v[i - 1].r.seq + 1, "%s:%lu: seq %llu",
				      l->file, l->lineno, (unsigned long long)l->r.seq);
		}
	}
}

/* The reader's verifier (journal_verify.c) accepts what the writer wrote. */
static inline void verify_ok(const char *dir)
{
	struct journal_verify_result res;
	journal_verify(dir, INT32_MIN, &res);
	ck_assert_msg(res.status == 0, "verify: %s:%lu: %s", res.file, res.line, res.what);
}

static inline struct cfg_journal test_cfg(const char *dir)
{
	struct cfg_journal c;
	memset(&c, 0, sizeof c);
	c.dir = (char *)dir;
	c.fsync_interval_ms = 1000;
	c.queue_events = 4096;
	return c;
}

static inline struct journal *open_ok(const struct cfg_journal *c, const char *zone)
{
	const char *err = NULL;
	struct journal *j = journal_open(c, zone, &err);
	ck_assert_msg(j != NULL, "journal_open: %s", err ? err : "?");
	return j;
}

static inline void ev_basic(struct journal_event *ev, const char *host)
{
	memset(ev, 0, sizeof *ev);
	ev->proto = PROTO_DNS;
	addr_parse("192.0.2.7", &ev->client);
	ev->group = "students";
	ev->host = host;
	ev->qtype = "A";
	ev->category = "gambling";
	ev->action = "block";
	ev->rule_file = "lists/gambling.list";
	ev->rule_line = 42;
	ev->rule_text = "bet365.com";
	ev->block_mode = "nxdomain";
}

static inline size_t count_events(const struct lines *ls, const char *event)
{
	size_t n = 0;
	for (size_t i = 0; i < ls->n; i++)
		n += ls->v[i].r.event && strcmp(ls->v[i].r.event, event) == 0;
	return n;
}

/* Capture what this process writes to stderr (the operational log) from here to
 * stderr_end, which returns it (the caller frees). Tests run forked, one at a time. */
struct stderr_cap {
	int saved;
	char path[64];
};

static inline void stderr_begin(struct stderr_cap *c)
{
	snprintf(c->path, sizeof c->path, "/tmp/cg-journal-log.XXXXXX");
	int fd = mkstemp(c->path);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	c->saved = dup(2);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
}

static inline char *stderr_end(struct stderr_cap *c)
{
	fflush(stderr);
	ck_assert_int_eq(dup2(c->saved, 2), 2);
	close(c->saved);
	size_t len;
	char *text = tu_read_file(c->path, &len);
	ck_assert_ptr_nonnull(text);
	unlink(c->path);
	return text;
}

#endif
