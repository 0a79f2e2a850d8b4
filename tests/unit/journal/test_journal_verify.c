/* Tests for journal verify: intact, edited, deleted, reordered, torn, a line still being
 * written, file missing, retention, rewritten chain and digest, over-long lines, and the
 * digest lines themselves. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_format.h"
#include "journal_read.h"
#include "journal_read_support.h"
#include "journal_verify.h"
#include "testutil.h"
#include "util.h"

static void chain_digest(struct chain *c, const char *day)
{
	char hex[JOURNAL_HEX_LEN], line[256];
	journal_hex(c->last, hex);
	snprintf(line, sizeof line,
		 "{\"day\":\"%s\",\"count\":%llu,\"first_seq\":%llu,\"last_seq\":%llu,"
		 "\"last_hash\":\"%s\"}\n", day, (unsigned long long)(c->seq - c->day_first + 1),
		 (unsigned long long)c->day_first, (unsigned long long)c->seq, hex);
	char *p = path_in(c->dir, "digest.log");
	append_file(p, line, strlen(line));
	free(p);
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
	char *p = path_in(dir, name);
	char *s = tu_read_file(p, len);
	free(p);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void write_in(const char *dir, const char *name, const char *s, size_t len)
{
	char *p = path_in(dir, name);
	unlink(p);
	append_file(p, s, len);
	free(p);
}

/* Start of line k (1-based) in s. */
static char *line_at(char *s, int k)
{
	while (--k > 0) {
		s = strchr(s, '\n');
		ck_assert_ptr_nonnull(s);
		s++;
	}
	return s;
}

static void verify_expect(const char *dir, int32_t from, int status, const char *file,
			  unsigned long line, const char *what)
{
	struct journal_verify_result res;
	journal_verify(dir, from, &res);
	if (res.status != status || strncmp(res.what, what, strlen(what)) != 0 ||
	    (file && strcmp(res.file, file) != 0) || (file && res.line != line))
		ck_abort_msg("verify: status %d %s:%lu: %s (wanted %d %s:%lu %s)", res.status,
			     res.file, res.line, res.what, status, file ? file : "-", line, what);
}


/* Three days: 2025-11-25 (seq 1-5), 2025-11-26 (6-10), 2025-11-26.1 (11-15), digests. */
static void make_journal(struct chain *c)
{
	chain_init(c);
	chain_add(c, DAY0, NULL, 5, NULL);
	chain_digest(c, "2025-11-25");
	chain_add(c, DAY0 + 1, NULL, 5, NULL);
	chain_add(c, DAY0 + 1, "2025-11-26.1.jsonl", 5, NULL);
	chain_digest(c, "2025-11-26");
}

START_TEST(verify_intact)
{
	struct chain c;
	struct journal_verify_result res;
	make_journal(&c);
	journal_verify(c.dir, INT32_MIN, &res);
	ck_assert_msg(res.status == 0, "%s:%lu %s", res.file, res.line, res.what);
	ck_assert_uint_eq(res.lines, 15);
	ck_assert_uint_eq(res.files, 3);
	ck_assert_uint_eq(res.digests, 2);
	ck_assert_uint_eq(res.first_seq, 1);
	ck_assert_uint_eq(res.last_seq, 15);
	char hex[JOURNAL_HEX_LEN];
	journal_hex(c.last, hex);
	ck_assert_str_eq(res.last_hash, hex);
	ck_assert(!res.start_moved);
	/* --from a later day starts the check there. */
	journal_verify(c.dir, DAY0 + 1, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_eq(res.lines, 10);
	ck_assert_uint_eq(res.first_seq, 6);
	chain_free(&c);
	/* An empty directory is intact; a missing one cannot be checked. */
	char *dir = tu_tmpdir();
	journal_verify(dir, INT32_MIN, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_eq(res.lines, 0);
	tu_rmtree(dir);
	free(dir);
	journal_verify("/nonexistent/dir", INT32_MIN, &res);
	ck_assert_int_eq(res.status, 2);
}
END_TEST

START_TEST(verify_edited)
{
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-26.jsonl", &len);
	char *l3 = line_at(s, 3);
	char *h = strstr(l3, "bet.example");
	h[0] = 'w'; /* a staff member "corrects" a host */
	write_in(c.dir, "2025-11-26.jsonl", s, len);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.jsonl", 3, "edited: the line does not");
	/* Not even valid JSON any more. */
	l3[0] = 'X';
	write_in(c.dir, "2025-11-26.jsonl", s, len);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.jsonl", 3, "edited: not a valid");
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_edited_with_new_hash)
{
	/* Line 2 rewritten with a correct hash of its own: line 3's prev gives it away. */
	struct chain c, d;
	size_t len, dlen;
	make_journal(&c);
	chain_init(&d);
	chain_add(&d, DAY0, NULL, 1, NULL);
	chain_add(&d, DAY0, NULL, 1, "forged");
	char *s = read_in(c.dir, "2025-11-25.jsonl", &len);
	char *f = read_in(d.dir, "2025-11-25.jsonl", &dlen);
	char *l2 = line_at(s, 2), *l3 = line_at(s, 3);
	char *f2 = line_at(f, 2);
	struct sbuf out;
	sbuf_init(&out);
	sbuf_add(&out, s, (size_t)(l2 - s));
	sbuf_add(&out, f2, strlen(f2));
	sbuf_add(&out, l3, len - (size_t)(l3 - s));
	write_in(c.dir, "2025-11-25.jsonl", out.data, out.len);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 3,
		      "edited: prev does not match the hash of the line before "
		      "(2025-11-25.jsonl:2)");
	sbuf_free(&out);
	free(s);
	free(f);
	chain_free(&c);
	chain_free(&d);
}
END_TEST

START_TEST(verify_deleted)
{
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-26.jsonl", &len);
	char *l2 = line_at(s, 2), *l3 = line_at(s, 3);
	memmove(l2, l3, len - (size_t)(l3 - s));
	write_in(c.dir, "2025-11-26.jsonl", s, len - (size_t)(l3 - l2));
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.jsonl", 2,
		      "deleted: seq jumps from 6 (line 1) to 8: 1 line(s) deleted");
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_deleted_last_line)
{
	/* The last line of a day cut cleanly: only the digest can tell. */
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-26.1.jsonl", &len);
	char *l5 = line_at(s, 5);
	write_in(c.dir, "2025-11-26.1.jsonl", s, (size_t)(l5 - s));
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.1.jsonl", 4,
		      "deleted: the journal ends at seq 14, but the digest of 2025-11-26");
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_swapped)
{
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-25.jsonl", &len);
	char *l2 = line_at(s, 2), *l3 = line_at(s, 3), *l4 = line_at(s, 4);
	struct sbuf out;
	sbuf_init(&out);
	sbuf_add(&out, s, (size_t)(l2 - s));
	sbuf_add(&out, l3, (size_t)(l4 - l3));
	sbuf_add(&out, l2, (size_t)(l3 - l2));
	sbuf_add(&out, l4, len - (size_t)(l4 - s));
	ck_assert_uint_eq(out.len, len);
	write_in(c.dir, "2025-11-25.jsonl", out.data, out.len);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 2,
		      "reordered: seq 3 comes before seq 2 (2025-11-25.jsonl:3)");
	sbuf_free(&out);
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_moved_line_is_reordered)
{
	/* Line 2 moved after line 4: not deleted, reordered, and where it went is named. */
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-25.jsonl", &len);
	char *l2 = line_at(s, 2), *l3 = line_at(s, 3), *l5 = line_at(s, 5);
	struct sbuf out;
	sbuf_init(&out);
	sbuf_add(&out, s, (size_t)(l2 - s));
	sbuf_add(&out, l3, (size_t)(l5 - l3));
	sbuf_add(&out, l2, (size_t)(l3 - l2));
	sbuf_add(&out, l5, len - (size_t)(l5 - s));
	write_in(c.dir, "2025-11-25.jsonl", out.data, out.len);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 2,
		      "reordered: seq 3 comes before seq 2 (2025-11-25.jsonl:4)");
	sbuf_free(&out);
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_duplicate_is_reordered)
{
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-25.jsonl", &len);
	char *l2 = line_at(s, 2), *l3 = line_at(s, 3);
	char *p = path_in(c.dir, "2025-11-25.jsonl");
	append_file(p, l2, (size_t)(l3 - l2)); /* seq 2 again after seq 5 */
	free(p);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 6,
		      "reordered: seq 2 follows seq 5 (2025-11-25.jsonl:5)");
	/* The same line twice in a row: a copy or an insertion. */
	struct sbuf out;
	sbuf_init(&out);
	sbuf_add(&out, s, (size_t)(l3 - s));
	sbuf_add(&out, l2, len - (size_t)(l2 - s));
	write_in(c.dir, "2025-11-25.jsonl", out.data, out.len);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 3,
		      "reordered: seq 2 follows seq 2 (2025-11-25.jsonl:2); a line was copied");
	sbuf_free(&out);
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_truncated)
{
	struct chain c;
	size_t len;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-26.1.jsonl", &len);
	write_in(c.dir, "2025-11-26.1.jsonl", s, len - 40);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.1.jsonl", 5, "torn: the last line");
	/* Cut inside a middle line of an older file: the rest of it is gone too. */
	char *t = read_in(c.dir, "2025-11-25.jsonl", &len);
	write_in(c.dir, "2025-11-25.jsonl", t, (size_t)(line_at(t, 3) - t) + 30);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 3, "torn");
	free(s);
	free(t);
	chain_free(&c);
}
END_TEST

struct late_write {
	char *path;
	const char *rest;
	size_t len;
};

static void *finish_line(void *arg)
{
	struct late_write *lw = arg;
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	append_file(lw->path, lw->rest, lw->len);
	return NULL;
}

START_TEST(verify_waits_for_a_line_being_written)
{
	/* The newest file ends in half a line that the writer completes 0.3 s later: verify
	 * sees the file grow and checks again instead of crying "torn". */
	struct chain c;
	size_t len;
	pthread_t th;
	make_journal(&c);
	char *s = read_in(c.dir, "2025-11-26.1.jsonl", &len);
	write_in(c.dir, "2025-11-26.1.jsonl", s, len - 40);
	struct late_write lw = { path_in(c.dir, "2025-11-26.1.jsonl"), s + len - 40, 40 };
	ck_assert_int_eq(pthread_create(&th, NULL, finish_line, &lw), 0);
	verify_expect(c.dir, INT32_MIN, 0, NULL, 0, "");
	pthread_join(th, NULL);
	free(lw.path);
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_file_removed)
{
	struct chain c;
	make_journal(&c);
	char *p = path_in(c.dir, "2025-11-26.jsonl");
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.1.jsonl", 1,
		      "file missing: seq jumps from 5 (end of 2025-11-25.jsonl) to 11");
	chain_free(&c);
	/* The last file: the digest tells. */
	make_journal(&c);
	p = path_in(c.dir, "2025-11-26.1.jsonl");
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.jsonl", 5, "deleted: the journal ends at");
	chain_free(&c);
	/* The first file, with no retention event saying so. */
	make_journal(&c);
	p = path_in(c.dir, "2025-11-25.jsonl");
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.jsonl", 1,
		      "deleted: the journal starts at seq 6");
	/* ... which --from a later day does not ask about. */
	verify_expect(c.dir, DAY0 + 1, 0, NULL, 0, "");
	chain_free(&c);
}
END_TEST

START_TEST(verify_retention_moves_start)
{
	struct chain c;
	size_t len;
	struct journal_verify_result res;
	make_journal(&c);
	/* Retention removed the first day and recorded where the chain now starts. */
	char *s = read_in(c.dir, "2025-11-26.jsonl", &len);
	struct journal_record first;
	char arena[2048];
	const char *err;
	ck_assert_int_eq(journal_parse_line(s, (size_t)(strchr(s, '\n') - s), &first, arena,
					    sizeof arena, &err), 0);
	char prevhex[JOURNAL_HEX_LEN];
	journal_hex(first.prev, prevhex);
	char *p = path_in(c.dir, "2025-11-25.jsonl");
	unlink(p);
	free(p);
	struct journal_record r;
	struct sbuf out;
	sbuf_init(&out);
	memset(&r, 0, sizeof r);
	r.seq = ++c.seq;
	r.time_us = (int64_t)(DAY0 + 1) * US_PER_DAY;
	r.utc_offset = OFF8;
	r.id = "-";
	r.event = "retention";
	r.action = "retention";
	r.reason = "retention 1 days: removed 1 file(s): 2025-11-25.jsonl";
	r.start_seq = 6;
	r.start_prev = prevhex;
	memcpy(r.prev, c.last, JOURNAL_HASH_LEN);
	journal_format_line(&out, &r);
	p = path_in(c.dir, "2025-11-26.1.jsonl");
	append_file(p, out.data, out.len);
	free(p);
	journal_verify(c.dir, INT32_MIN, &res);
	ck_assert_msg(res.status == 0, "%s:%lu %s", res.file, res.line, res.what);
	ck_assert(res.start_moved);
	ck_assert_uint_eq(res.first_seq, 6);
	ck_assert_uint_eq(res.last_seq, 16);
	sbuf_free(&out);
	free(s);
	chain_free(&c);
}
END_TEST

START_TEST(verify_rewritten_chain_and_digest)
{
	/* The whole chain regenerated with one event changed: only the digest shows it. */
	struct chain c, d;
	make_journal(&c);
	chain_init(&d);
	chain_add(&d, DAY0, NULL, 4, NULL);
	chain_add(&d, DAY0, NULL, 1, "forged");
	chain_add(&d, DAY0 + 1, NULL, 5, NULL);
	chain_add(&d, DAY0 + 1, "2025-11-26.1.jsonl", 5, NULL);
	size_t len;
	const char *names[] = { "2025-11-25.jsonl", "2025-11-26.jsonl", "2025-11-26.1.jsonl" };
	for (int i = 0; i < 3; i++) {
		char *s = read_in(d.dir, names[i], &len);
		write_in(c.dir, names[i], s, len);
		free(s);
	}
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-25.jsonl", 5,
		      "rewritten: the hash of seq 5 differs from the daily digest of 2025-11-25 "
		      "(digest.log line 1)");
	/* A digest line that is not one. */
	char *s = read_in(c.dir, "digest.log", &len);
	s[2] = 'X';
	write_in(c.dir, "digest.log", s, len);
	verify_expect(c.dir, INT32_MIN, 1, "digest.log", 1, "edited: not a valid digest line");
	/* An incomplete last digest line (being written) is ignored. */
	write_in(c.dir, "digest.log", "{\"day\":\"2025-11-25\"", 19);
	verify_expect(c.dir, INT32_MIN, 0, NULL, 0, "");
	free(s);
	chain_free(&c);
	chain_free(&d);
}
END_TEST

/* The digest's count and first_seq are checked against the lines: an edited count (a
 * report shows it), a first_seq moved with it, or a digest filed under another day. */
START_TEST(verify_digest_count_and_first_seq)
{
	struct chain c;
	make_journal(&c);
	verify_expect(c.dir, INT32_MIN, 0, NULL, 0, "");
	size_t len;
	char *orig = read_in(c.dir, "digest.log", &len);
	char *s = xstrdup(orig);
	char *p = strstr(s, "\"count\":5,");
	ck_assert_ptr_nonnull(p);
	p[8] = '4'; /* 2025-11-25 had 5 events: say 4 */
	write_in(c.dir, "digest.log", s, strlen(s));
	verify_expect(c.dir, INT32_MIN, 1, "digest.log", 1,
		      "edited: the digest of 2025-11-25 counts 4 events, but seq 1..5 is 5");
	/* count and first_seq changed together: the day's first line tells */
	free(s);
	s = xstrdup(orig);
	p = strstr(s, "\"count\":5,\"first_seq\":1,");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "\"count\":4,\"first_seq\":2,", 24);
	write_in(c.dir, "digest.log", s, strlen(s));
	verify_expect(c.dir, INT32_MIN, 1, "digest.log", 1,
		      "edited: the digest of 2025-11-25 says the day starts at seq 2, but its "
		      "first line (2025-11-25.jsonl:1) is seq 1");
	/* the second day's digest: its first_seq is 6, the start of 2025-11-26 */
	free(s);
	s = xstrdup(orig);
	p = strstr(s, "\"count\":10,\"first_seq\":6,");
	ck_assert_ptr_nonnull(p);
	verify_expect(c.dir, 20418, 0, NULL, 0, ""); /* --from 2025-11-26 */
	/* a digest filed under another day */
	p = strstr(s, "\"day\":\"2025-11-26\"");
	ck_assert_ptr_nonnull(p);
	p[16] = '7';
	write_in(c.dir, "digest.log", s, strlen(s));
	verify_expect(c.dir, INT32_MIN, 1, "digest.log", 2,
		      "edited: the digest of 2025-11-27 ends at seq 15, which is in "
		      "2025-11-26.1.jsonl:5, a file of 2025-11-26");
	free(s);
	free(orig);
	chain_free(&c);
}
END_TEST

START_TEST(verify_over_long_line)
{
	struct chain c;
	make_journal(&c);
	struct sbuf s;
	sbuf_init(&s);
	for (int i = 0; i < JOURNAL_LINE_MAX; i++)
		sbuf_addc(&s, 'x');
	sbuf_addc(&s, '\n');
	char *p = path_in(c.dir, "2025-11-26.1.jsonl");
	append_file(p, s.data, s.len);
	free(p);
	verify_expect(c.dir, INT32_MIN, 1, "2025-11-26.1.jsonl", 6, "edited: line longer than");
	sbuf_free(&s);
	chain_free(&c);
}
END_TEST

#define DG_HASH "abababababababababababababababababababababababababababababababab"
#define DG_OK "{\"day\":\"2025-11-25\",\"count\":7,\"first_seq\":6,\"last_seq\":12," \
	"\"last_hash\":\"" DG_HASH "\"}"

START_TEST(digest_lines)
{
	struct journal_digest d;
	ck_assert_int_eq(journal_digest_parse(DG_OK, strlen(DG_OK), &d), 0);
	ck_assert_str_eq(d.day, "2025-11-25");
	ck_assert_uint_eq(d.count, 7);
	ck_assert_uint_eq(d.first_seq, 6);
	ck_assert_uint_eq(d.last_seq, 12);
	ck_assert_uint_eq(d.last_hash[0], 0xab);
	static const char *const bad[] = {
		"", "{", "x" DG_OK, "{\"day\":\"2025-11-25\"}",               /* fields missing */
		"{day:1}",                                                      /* key unquoted */
		"{\"da\\y\":\"2025-11-25\"}",                                  /* escape in key */
		"{\"day\"}", "{\"day\"\"2025-11-25\"}",                         /* no ':' */
		"{\"day\":\"2025-11-25}",                                       /* unterminated */
		"{\"day\":\"2025-11-25\" \"count\":1}",                          /* no comma */
		"{\"last_seq\":12,}",                                           /* comma, '}' */
		"{\"day\":\"2025-11-25\",\"last_seq\":x,\"last_hash\":\"" DG_HASH "\"}",
		"{\"day\":\"2025-11-25\",\"last_seq\":123456789012345678901234,"
		"\"last_hash\":\"" DG_HASH "\"}",                                /* too long */
		"{\"day\":\"2025-11-25\",\"last_seq\":99999999999999999999,"
		"\"last_hash\":\"" DG_HASH "\"}",                                /* > 2^64 */
		"{\"day\":\"2025-11-25\",\"last_seq\":1,\"last_hash\":\"AB\"}",   /* hash */
		"{\"day\":\"2025-13-25\",\"last_seq\":1,\"last_hash\":\"" DG_HASH "\"}",
		"{\"day\":\"2025-11-25\",\"last_seq\":\"1\",\"last_hash\":\"" DG_HASH "\"}",
		"{\"day\":\"2025-11-25\",\"other\":,\"last_seq\":1,\"last_hash\":\"" DG_HASH "\"}",
		NULL,
	};
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(journal_digest_parse(bad[i], strlen(bad[i]), &d) == -1,
			      "digest line %d accepted", i);
}

static Suite *suite(void)
{
	Suite *s = suite_create("journal_verify");
	TCase *tc = tcase_create("verify");
	tcase_add_test(tc, verify_intact);
	tcase_add_test(tc, verify_edited);
	tcase_add_test(tc, verify_edited_with_new_hash);
	tcase_add_test(tc, verify_deleted);
	tcase_add_test(tc, verify_deleted_last_line);
	tcase_add_test(tc, verify_swapped);
	tcase_add_test(tc, verify_moved_line_is_reordered);
	tcase_add_test(tc, verify_duplicate_is_reordered);
	tcase_add_test(tc, verify_truncated);
	tcase_add_test(tc, verify_waits_for_a_line_being_written);
	tcase_add_test(tc, verify_file_removed);
	tcase_add_test(tc, verify_retention_moves_start);
	tcase_add_test(tc, verify_rewritten_chain_and_digest);
	tcase_add_test(tc, verify_digest_count_and_first_seq);
	tcase_add_test(tc, verify_over_long_line);
	tcase_add_test(tc, digest_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
