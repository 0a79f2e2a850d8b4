/* Helpers shared by the journal writer's unit tests (see journal_support.h). */
#include "journal_support.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal_read.h"
#include "journal_store.h"
#include "journal_verify.h"
#include "testutil.h"

void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].arena);
		free(ls->v[i].text);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = ls->cap = 0;
}

void read_all(const char *dir, struct lines *ls)
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

void check_chain(const struct lines *ls)
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

void verify_ok(const char *dir)
{
	struct journal_verify_result res;
	journal_verify(dir, INT32_MIN, &res);
	ck_assert_msg(res.status == 0, "verify: %s:%lu: %s", res.file, res.line, res.what);
}

struct cfg_journal test_cfg(const char *dir)
{
	struct cfg_journal c;
	memset(&c, 0, sizeof c);
	c.dir = (char *)dir;
	c.fsync_interval_ms = 1000;
	c.queue_events = 4096;
	return c;
}

struct journal *open_ok(const struct cfg_journal *c, const char *zone)
{
	const char *err = NULL;
	struct journal *j = journal_open(c, zone, &err);
	ck_assert_msg(j != NULL, "journal_open: %s", err ? err : "?");
	return j;
}

void ev_basic(struct journal_event *ev, const char *host)
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

size_t count_events(const struct lines *ls, const char *event)
{
	size_t n = 0;
	for (size_t i = 0; i < ls->n; i++)
		n += ls->v[i].r.event && strcmp(ls->v[i].r.event, event) == 0;
	return n;
}

void append_raw(const char *dir, const char *bytes)
{
	struct journal_file *files;
	size_t n;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_ge(n, 1);
	int fd = open(files[n - 1].path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, strlen(bytes)), (ssize_t)strlen(bytes));
	close(fd);
	journal_files_free(files, n);
}

void stderr_begin(struct stderr_cap *c)
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

char *stderr_end(struct stderr_cap *c)
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
