/* Tests for the journal reader side: the line parser (round trip and every rejection
 * branch), the streaming line reader, file names, and the time-range scan. Verify is in
 * test_journal_verify.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_format.h"
#include "journal_read.h"
#include "journal_read_support.h"
#include "testutil.h"
#include "util.h"

/* ---- the parser ---------------------------------------------------------------------- */

START_TEST(parse_round_trip)
{
	struct journal_record r, p;
	struct sbuf out;
	char arena[4096];
	const char *err = NULL;
	memset(&r, 0, sizeof r);
	sbuf_init(&out);
	r.seq = 42;
	r.time_us = 1764062803123456LL;
	r.utc_offset = OFF8;
	r.id = "k3z9q2m4c1x8a7b6f5d";
	r.event = "hit";
	r.proto = "http";
	r.action = "block";
	r.client = "2001:db8::7";
	r.mac = "aa:bb:cc:dd:ee:ff";
	r.client_name = "机房-01";
	r.group = "students";
	r.host = "a\"b,c\nd\x01\x7f<script>";
	r.path = "/\xff\xfe?q=\xe2\x80\xa8";
	r.qtype = "A";
	r.category = "porn";
	r.rule_file = "lists/porn.list";
	r.rule_line = 7;
	r.rule_text = "||bad.example^";
	r.block_mode = "page";
	r.reason = "tab\there";
	r.start_seq = 3;
	r.start_prev = "00";
	r.prev[0] = 0xab;
	journal_format_line(&out, &r);
	ck_assert_int_eq(out.data[out.len - 1], '\n');
	ck_assert_int_eq(journal_parse_line(out.data, out.len - 1, &p, arena, sizeof arena,
					    &err), 0);
	ck_assert(journal_line_hash_ok(out.data, &p));
	ck_assert_uint_eq(p.seq, 42);
	ck_assert_int_eq(p.time_us, r.time_us);
	ck_assert_int_eq(p.utc_offset, OFF8);
	ck_assert_str_eq(p.id, r.id);
	ck_assert_str_eq(p.client, r.client);
	ck_assert_str_eq(p.mac, r.mac);
	ck_assert_str_eq(p.client_name, r.client_name);
	ck_assert_str_eq(p.group, "students");
	ck_assert_str_eq(p.host, r.host);
	ck_assert_str_eq(p.path, "/\xef\xbf\xbd\xef\xbf\xbd?q=\xe2\x80\xa8"); /* U+FFFD */
	ck_assert_str_eq(p.qtype, "A");
	ck_assert_str_eq(p.category, "porn");
	ck_assert_str_eq(p.rule_file, r.rule_file);
	ck_assert_uint_eq(p.rule_line, 7);
	ck_assert_str_eq(p.rule_text, r.rule_text);
	ck_assert_str_eq(p.block_mode, "page");
	ck_assert_str_eq(p.reason, r.reason);
	ck_assert_uint_eq(p.start_seq, 3);
	ck_assert_str_eq(p.start_prev, "00");
	ck_assert_int_eq(memcmp(p.prev, r.prev, JOURNAL_HASH_LEN), 0);
	ck_assert_int_eq(memcmp(p.hash, r.hash, JOURNAL_HASH_LEN), 0);
	ck_assert_uint_eq(p.body_len, r.body_len);
	ck_assert_ptr_eq(memchr(out.data, '\n', out.len), out.data + out.len - 1); /* one line */
	/* The trailing newline is accepted too; an arena of len + 1 is enough. */
	char *tight = xmalloc(out.len);
	ck_assert_int_eq(journal_parse_line(out.data, out.len, &p, tight, out.len, &err), 0);
	free(tight);
	/* One changed byte breaks the hash. */
	char *pos = strstr(out.data, "students");
	*pos = 'S';
	ck_assert_int_eq(journal_parse_line(out.data, out.len - 1, &p, arena, sizeof arena,
					    &err), 0);
	ck_assert(!journal_line_hash_ok(out.data, &p));
	sbuf_free(&out);
}
END_TEST

START_TEST(parse_escapes_and_space)
{
	static const char line[] =
		"{ \"seq\" : 1 , \"time\":\"2025-11-25T01:00:00Z\",\"id\":\"x\","
		"\"host\":\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\r\\\\\",\"rule\":{},"
		"\"prev\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
		"\"\t,\"hash\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
		"\" }";
	struct journal_record r;
	char arena[1024];
	const char *err;
	ck_assert_int_eq(journal_parse_line(line, strlen(line), &r, arena, sizeof arena, &err),
			 0);
	ck_assert_str_eq(r.host, "\xc3\xa9\xf0\x9f\x98\x80/\b\f\r\\");
	ck_assert_int_eq(r.utc_offset, 0);
	ck_assert_int_eq(line[r.body_len], ',');
}
END_TEST

#define MISSING "a required field (seq, time, id, prev, hash) is missing"
#define H64 "0000000000000000000000000000000000000000000000000000000000000000"
#define HEAD "{\"seq\":1,\"time\":\"2025-11-25T01:00:00+08:00\",\"id\":\"x\","
#define TAIL "\"prev\":\"" H64 "\",\"hash\":\"" H64 "\"}"

static const struct {
	const char *line, *err;
} bad_lines[] = {
	{ "", "malformed JSON" },
	{ "[1]", "malformed JSON" },
	{ "{\"seq\"", "malformed JSON" },
	{ "{seq:1}", "expected a string" },
	{ HEAD "\"host\":\"abc", "unterminated string" },
	{ HEAD "\"host\":\"a\tb\"," TAIL, "control byte in a string" },
	{ HEAD "\"host\":\"\xc3\x28\"," TAIL, "invalid UTF-8" },
	{ HEAD "\"host\":\"\xed\xa0\x80\"," TAIL, "invalid UTF-8" },
	{ HEAD "\"host\":\"\xe0\x80\xaf\"," TAIL, "invalid UTF-8" },
	{ HEAD "\"host\":\"\xf0\x80\x80\xaf\"," TAIL, "invalid UTF-8" },
	{ HEAD "\"host\":\"\xf4\x90\x80\x80\"," TAIL, "invalid UTF-8" },
	{ HEAD "\"host\":\"\xe4\xb8\"," TAIL, "invalid UTF-8" },
	{ HEAD "\"host\":\"a\\", "unterminated escape" },
	{ HEAD "\"host\":\"\\x41\"," TAIL, "bad escape" },
	{ HEAD "\"host\":\"\\u12g4\"," TAIL, "bad \\u escape" },
	{ HEAD "\"host\":\"\\u12", "bad \\u escape" },
	{ HEAD "\"host\":\"\\udc00\"," TAIL, "lone low surrogate" },
	{ HEAD "\"host\":\"\\ud800x\"," TAIL, "lone high surrogate" },
	{ HEAD "\"host\":\"\\ud800\\u0041\"," TAIL, "lone high surrogate" },
	{ HEAD "\"host\":\"\\u0000\"," TAIL, "NUL in a string" },
	{ HEAD "\"colour\":\"red\"," TAIL, "unknown field" },
	{ HEAD "\"host\":\"a\",\"host\":\"b\"," TAIL, "duplicate field" },
	{ "{\"seq\":18446744073709551616," , "number out of range" },
	{ "{\"seq\":01,", "bad number" },
	{ "{\"seq\":-1,", "bad number" },
	{ "{\"seq\":\"1\",", "bad number" },
	{ "{\"seq\":1,\"time\":\"2025-11-25 25:00:00Z\",", "bad time" },
	{ "{\"seq\":1,\"time\":\"2025-02-30T01:00:00Z\",", "bad time" },
	{ "{\"seq\":1,\"time\":\"2025-11-25T01:00:00.1234567Z\",", "bad time" },
	{ "{\"seq\":1,\"time\":\"2025-11-25T01:00:00+08\",", "bad time" },
	{ HEAD "\"prev\":\"abc\",", "bad hash" },
	{ HEAD "\"prev\":\"" "000000000000000000000000000000000000000000000000000000000000000G"
	  "\",", "bad hash" },
	{ HEAD "\"prev\":\"" "00000000000000000000000000000000000000000000000000000000000000AA"
	  "\",", "bad hash" },
	{ HEAD "\"prev\":\"" H64 "\",\"hash\":\"" H64 "\",\"host\":\"a\"}", "hash is not the last field" },
	{ HEAD TAIL "x", "bytes after the object" },
	{ HEAD TAIL "}", "bytes after the object" },
	{ "{\"seq\":1,\"time\":\"2025-11-25T01:00:00Z\"," TAIL, MISSING },
	{ HEAD "\"hash\":\"" H64 "\"}", MISSING },
	{ HEAD "\"rule\":{\"name\":\"x\"}," TAIL, "unknown field in rule" },
	{ HEAD "\"rule\":{\"line\":1,\"line\":2}," TAIL, "duplicate field in rule" },
	{ HEAD "\"rule\":{\"line\":4294967296}," TAIL, "number out of range" },
	{ HEAD "\"rule\":{\"file\":\"a\"" TAIL, "malformed JSON" },
	{ HEAD "\"rule\":\"x\"," TAIL, "malformed JSON" },
	{ HEAD "\"host\" \"a\"," TAIL, "malformed JSON" },
};

START_TEST(parse_rejects)
{
	const char *line = bad_lines[_i].line, *err = NULL;
	struct journal_record r;
	char arena[1024];
	int rc = journal_parse_line(line, strlen(line), &r, arena, sizeof arena, &err);
	if (rc != -1 || strcmp(err, bad_lines[_i].err) != 0)
		ck_abort_msg("line %d: rc %d err '%s', wanted '%s'", _i, rc, err ? err : "-",
			     bad_lines[_i].err);
}
END_TEST

START_TEST(parse_rejects_small_arena_and_bad_hash_key_spot)
{
	static const char line[] = HEAD TAIL;
	struct journal_record r;
	char arena[1024];
	const char *err;
	ck_assert_int_eq(journal_parse_line(line, strlen(line), &r, arena, sizeof arena, &err),
			 0);
	ck_assert_int_eq(journal_parse_line(line, strlen(line), &r, arena, 10, &err), -1);
	ck_assert_str_eq(err, "arena too small");
	/* The hash must follow a comma directly: the key is spelled out once. */
	static const char nocomma[] = "{\"hash\":\"" H64 "\",\"seq\":1}";
	ck_assert_int_eq(journal_parse_line(nocomma, strlen(nocomma), &r, arena, sizeof arena,
					    &err), -1);
}
END_TEST

/* ---- the line reader and file names --------------------------------------------------- */

START_TEST(reader_lines_torn_and_too_long)
{
	char *dir = tu_tmpdir();
	struct sbuf s;
	sbuf_init(&s);
	sbuf_adds(&s, "one\n\ntwo\n");
	for (int i = 0; i < JOURNAL_LINE_MAX + 10; i++)
		sbuf_addc(&s, 'x');
	sbuf_adds(&s, "\nthree\n");
	for (int i = 0; i < 3 * JOURNAL_LINE_MAX; i++)
		sbuf_addc(&s, 'y');
	sbuf_adds(&s, "\nfour\ntorn");
	char *p = tu_write_file(dir, "f", s.data);
	struct journal_reader rd;
	const char *line;
	size_t len;
	bool complete;
	ck_assert_int_eq(journal_reader_open(&rd, p), 0);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 1);
	ck_assert(len == 3 && memcmp(line, "one", 3) == 0 && complete);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 1);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 1);
	ck_assert(len == 3 && memcmp(line, "two", 3) == 0);
	ck_assert_uint_eq(rd.lineno, 3);
	ck_assert_uint_eq(rd.offset, 5);
	errno = 0;
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_uint_eq(rd.lineno, 4);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 1);
	ck_assert(len == 5 && memcmp(line, "three", 5) == 0);
	ck_assert_uint_eq(rd.lineno, 5);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 1);
	ck_assert(len == 4 && memcmp(line, "four", 4) == 0 && complete);
	ck_assert_uint_eq(rd.lineno, 7);
	ck_assert_uint_eq(rd.offset, s.len - 9);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 1);
	ck_assert(len == 4 && memcmp(line, "torn", 4) == 0 && !complete);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 0);
	ck_assert_int_eq(journal_reader_next(&rd, &line, &len, &complete), 0);
	journal_reader_close(&rd);
	ck_assert_int_eq(journal_reader_open(&rd, "/nonexistent/x"), -1);
	free(p);
	sbuf_free(&s);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(reader_many_lines_across_chunks)
{
	char *dir = tu_tmpdir();
	struct sbuf s;
	sbuf_init(&s);
	for (int i = 0; i < 200000; i++)
		sbuf_printf(&s, "line %d\n", i);
	char *p = tu_write_file(dir, "f", s.data);
	struct journal_reader rd;
	const char *line;
	size_t len;
	bool complete;
	char want[32];
	int i = 0, got;
	ck_assert_int_eq(journal_reader_open(&rd, p), 0);
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) == 1) {
		snprintf(want, sizeof want, "line %d", i++);
		if (len != strlen(want) || memcmp(line, want, len) != 0 || !complete)
			ck_abort_msg("line %d wrong", i);
	}
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(i, 200000);
	journal_reader_close(&rd);
	free(p);
	sbuf_free(&s);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- the backwards line reader ---------------------------------------------------- */

/* What a reader gave, one entry a line: its bytes, or NULL for a line too long. */
struct lines {
	char **v;
	size_t *len;
	size_t n, cap;
};

static void lines_add(struct lines *l, const char *line, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
		l->len = xrealloc(l->len, l->cap * sizeof *l->len);
	}
	l->v[l->n] = NULL;
	if (line) {
		l->v[l->n] = xmalloc(len + 1);
		memcpy(l->v[l->n], line, len);
	}
	l->len[l->n++] = len;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	memset(l, 0, sizeof *l);
}

/* The whole lines of path backwards, read in blocks of block bytes. */
static void read_back(const char *path, size_t block, struct lines *l)
{
	struct journal_backreader br;
	const char *line;
	size_t len;
	int got;
	ck_assert_int_eq(journal_backreader_open(&br, path, block), 0);
	while ((got = journal_backreader_prev(&br, &line, &len)) != 0) {
		if (got < 0)
			ck_assert_int_eq(errno, EMSGSIZE);
		lines_add(l, got > 0 ? line : NULL, got > 0 ? len : 0);
	}
	ck_assert_int_eq(journal_backreader_prev(&br, &line, &len), 0); /* and stays there */
	journal_backreader_close(&br);
}

/* The same with the forward reader, reversed: the reference. */
static void read_fwd_reversed(const char *path, struct lines *l)
{
	struct journal_reader rd;
	const char *line;
	size_t len;
	bool complete;
	int got;
	struct lines f = { 0 };
	ck_assert_int_eq(journal_reader_open(&rd, path), 0);
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		if (got < 0)
			ck_assert_int_eq(errno, EMSGSIZE);
		if (got < 0 || complete)
			lines_add(&f, got > 0 ? line : NULL, got > 0 ? len : 0);
	}
	journal_reader_close(&rd);
	for (size_t i = f.n; i-- > 0;)
		lines_add(l, f.v[i], f.len[i]);
	lines_free(&f);
}

static void lines_eq(const struct lines *got, const struct lines *want, const char *what)
{
	ck_assert_msg(got->n == want->n, "%s: %zu lines, want %zu", what, got->n, want->n);
	for (size_t i = 0; i < want->n; i++) {
		ck_assert_msg(!got->v[i] == !want->v[i], "%s: line %zu too long or not", what, i);
		ck_assert_msg(!want->v[i] || (got->len[i] == want->len[i] &&
					      memcmp(got->v[i], want->v[i], want->len[i]) == 0),
			      "%s: line %zu differs", what, i);
	}
}

static const size_t back_blocks[] = { 1, 2, 3, 5, 8, 64, 4096, 256 * 1024 };

/* Each case with the lines expected backwards, each followed by "|". */
static const struct {
	const char *file, *want;
} back_cases[] = {
	{ "", "" },                                  /* empty file */
	{ "torn", "" },                              /* no newline at all */
	{ "\n", "|" },                               /* one empty line */
	{ "one\n\ntwo\n", "two||one|" },
	{ "one\ntwo\ntorn", "two|one|" },           /* no final newline: the last not read */
	{ "\nabc", "|" },
	{ "a\r\nbb\r\n", "bb\r|a\r|" },             /* CRLF: the CR is the line's, as forwards */
	{ "abcdefghij\nk\n", "k|abcdefghij|" },     /* longer than small blocks */
	{ "abcdefghijklmnopqrstuvwxyz\n\n\nxy\nz", "xy|||abcdefghijklmnopqrstuvwxyz|" },
};

START_TEST(backreader_cases)
{
	char *dir = tu_tmpdir();
	char *p = tu_write_file(dir, "f", back_cases[_i].file);
	for (size_t b = 0; b < CG_ARRAY_LEN(back_blocks); b++) {
		struct lines got = { 0 }, want = { 0 };
		read_back(p, back_blocks[b], &got);
		const char *w = back_cases[_i].want;
		for (const char *bar; (bar = strchr(w, '|')) != NULL; w = bar + 1)
			lines_add(&want, w, (size_t)(bar - w));
		char what[64];
		snprintf(what, sizeof what, "case %d, block %zu", _i, back_blocks[b]);
		lines_eq(&got, &want, what);
		lines_free(&got);
		lines_free(&want);
	}
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Random files of short, empty, CRLF, block-sized and over-long lines (at and around
 * JOURNAL_LINE_MAX), with and without a final newline (a torn tail short or over
 * JOURNAL_LINE_MAX): backwards, in blocks of any size, the forward reader's lines
 * reversed, with the too-long ones at the same places. */
START_TEST(backreader_agrees_with_reader)
{
	char *dir = tu_tmpdir();
	static const size_t longs[] = { JOURNAL_LINE_MAX - 1, JOURNAL_LINE_MAX,
					JOURNAL_LINE_MAX + 1, 3 * JOURNAL_LINE_MAX };
	srandom(2718);
	for (int trial = 0; trial < 60; trial++) {
		struct sbuf s;
		sbuf_init(&s);
		int nlines = (int)(random() % 40);
		for (int i = 0; i < nlines; i++) {
			int kind = (int)(random() % 10);
			if (kind == 0) {
				size_t n = longs[random() % CG_ARRAY_LEN(longs)];
				for (size_t k = 0; k < n; k++)
					sbuf_addc(&s, (char)('a' + k % 26));
			} else if (kind == 1) {
				sbuf_printf(&s, "crlf %d\r", i);
			} else if (kind == 2) {
				for (long k = random() % 600; k > 0; k--)
					sbuf_addc(&s, 'b');
			} else if (kind != 3) {
				sbuf_printf(&s, "{\"seq\":%d}", i);
			}
			sbuf_addc(&s, '\n');
		}
		if (random() % 3 == 0) { /* a torn tail */
			size_t n = random() % 4 ? (size_t)(random() % 100) + 1 : JOURNAL_LINE_MAX + 7;
			for (size_t k = 0; k < n; k++)
				sbuf_addc(&s, 't');
		}
		char *p = tu_write_file(dir, "f", s.data);
		struct lines want = { 0 };
		read_fwd_reversed(p, &want);
		bool has_long = s.len > JOURNAL_LINE_MAX;
		for (int k = 0; k < 3; k++) {
			/* tiny blocks only for files of short lines (a long one is slow with them) */
			size_t block = has_long ? 512 + (size_t)(random() % 70000)
						: 1 + (size_t)(random() % 700);
			struct lines got = { 0 };
			char what[64];
			read_back(p, block, &got);
			snprintf(what, sizeof what, "trial %d, block %zu", trial, block);
			lines_eq(&got, &want, what);
			lines_free(&got);
		}
		lines_free(&want);
		free(p);
		sbuf_free(&s);
	}
	struct journal_backreader br;
	ck_assert_int_eq(journal_backreader_open(&br, "/nonexistent/x", 16), -1);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(file_names)
{
	int32_t day;
	unsigned part;
	ck_assert(journal_file_name_parse("2025-11-25.jsonl", &day, &part));
	ck_assert_int_eq(day, DAY0);
	ck_assert_uint_eq(part, 0);
	ck_assert(journal_file_name_parse("2025-11-25.12.jsonl", &day, &part));
	ck_assert_uint_eq(part, 12);
	ck_assert(!journal_file_name_parse("2025-11-25.0.jsonl", &day, &part));
	ck_assert(!journal_file_name_parse("2025-11-25.01.jsonl", &day, &part));
	ck_assert(!journal_file_name_parse("2025-11-25.1234567.jsonl", &day, &part));
	ck_assert(!journal_file_name_parse("2025-11-25.x.jsonl", &day, &part));
	ck_assert(!journal_file_name_parse("2025-11-25.jsonl.bak", &day, &part));
	ck_assert(!journal_file_name_parse("2025-13-25.jsonl", &day, &part));
	ck_assert(!journal_file_name_parse("2025-11-25-jsonl", &day, &part));
	ck_assert(!journal_file_name_parse("digest.log", &day, &part));
	ck_assert(!journal_file_name_parse(".jsonl", &day, &part));

	char *dir = tu_tmpdir();
	free(tu_write_file(dir, "2025-11-26.jsonl", ""));
	free(tu_write_file(dir, "2025-11-25.2.jsonl", ""));
	free(tu_write_file(dir, "2025-11-25.10.jsonl", ""));
	free(tu_write_file(dir, "2025-11-25.jsonl", ""));
	free(tu_write_file(dir, "notes.txt", ""));
	struct journal_file *f;
	size_t n;
	ck_assert_int_eq(journal_list_files(dir, &f, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(f[0].name, "2025-11-25.jsonl");
	ck_assert_str_eq(f[1].name, "2025-11-25.2.jsonl");
	ck_assert_str_eq(f[2].name, "2025-11-25.10.jsonl");
	ck_assert_str_eq(f[3].name, "2025-11-26.jsonl");
	ck_assert_int_eq(f[3].day, DAY0 + 1);
	journal_files_free(f, n);
	ck_assert_int_eq(journal_list_files("/nonexistent/dir", &f, &n), -1);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- scan --------------------------------------------------------------------------- */

struct scan_ctx {
	uint64_t n, first, last;
	uint64_t stop_at;
};

static int scan_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct scan_ctx *c = ctx;
	ck_assert(len > 0 && line[0] == '{');
	if (c->n++ == 0)
		c->first = r->seq;
	c->last = r->seq;
	return c->stop_at && r->seq == c->stop_at;
}

START_TEST(scan_time_range)
{
	struct chain c;
	chain_init(&c);
	chain_add(&c, DAY0, NULL, 10, NULL);        /* seq 1..10 */
	chain_add(&c, DAY0 + 5, NULL, 10, NULL);    /* seq 11..20 */
	chain_add(&c, DAY0 + 10, NULL, 10, NULL);   /* seq 21..30 */
	char *p = path_in(c.dir, "2025-12-05.jsonl");
	append_file(p, "garbage\n", 8);
	free(p);
	/* The times: day start (local) + 1 h + seq ms. */
	int64_t t5 = (int64_t)(DAY0 + 5) * US_PER_DAY - OFF8 * 1000000LL + 3600LL * 1000000;
	struct scan_ctx sc = { 0 };
	uint64_t badn = 0;
	const char *err;
	ck_assert_int_eq(journal_scan(c.dir, t5 + 12000, t5 + 15000, NULL, scan_cb, &sc, &badn, &err),
			 0);
	ck_assert_uint_eq(sc.n, 4);
	ck_assert_uint_eq(sc.first, 12);
	ck_assert_uint_eq(sc.last, 15);
	ck_assert_uint_eq(badn, 1); /* the garbage of the later file (read for late events) */
	badn = 0;
	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(journal_scan(c.dir, INT64_MIN, INT64_MAX, NULL, scan_cb, &sc, &badn, &err), 0);
	ck_assert_uint_eq(sc.n, 30);
	ck_assert_uint_eq(badn, 1);
	memset(&sc, 0, sizeof sc);
	sc.stop_at = 3;
	ck_assert_int_eq(journal_scan(c.dir, INT64_MIN, INT64_MAX, NULL, scan_cb, &sc, NULL, &err), 0);
	ck_assert_uint_eq(sc.n, 3);
	/* A valid line the writer would not write (spaces, another field order) has no
	 * quick time: it is parsed in full and still found by its time. */
	{
		static const char odd[] =
			"{ \"time\":\"2025-11-30T01:00:00.012000+08:00\", \"seq\":99,\"id\":\"o\","
			"\"prev\":\"" H64 "\",\"hash\":\"" H64 "\"}\n";
		p = path_in(c.dir, "2025-11-30.jsonl");
		append_file(p, odd, strlen(odd));
		free(p);
		memset(&sc, 0, sizeof sc);
		ck_assert_int_eq(journal_scan(c.dir, t5 + 12000, t5 + 12000, NULL, scan_cb, &sc,
					      &badn, &err), 0);
		ck_assert_uint_eq(sc.n, 2);
		ck_assert_uint_eq(sc.first, 12);
		ck_assert_uint_eq(sc.last, 99);
	}
	/* must: only lines holding every string are parsed and passed on. */
	static const char *const must[] = { "\"seq\":12,", "\"client\":\"192.0.2.7\"", NULL };
	static const char *const none[] = { "\"seq\":12,", "\"client\":\"10.0.0.1\"", NULL };
	memset(&sc, 0, sizeof sc);
	badn = 0;
	ck_assert_int_eq(journal_scan(c.dir, INT64_MIN, INT64_MAX, must, scan_cb, &sc, &badn,
				      &err), 0);
	ck_assert_uint_eq(sc.n, 1);
	ck_assert_uint_eq(sc.first, 12);
	ck_assert_uint_eq(badn, 0); /* the garbage line lacks them: not even parsed */
	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(journal_scan(c.dir, INT64_MIN, INT64_MAX, none, scan_cb, &sc, &badn,
				      &err), 0);
	ck_assert_uint_eq(sc.n, 0);
	/* A file before the range is not even read: its garbage is not counted. A later
	 * file is read (it may hold late events): the garbage of 2025-12-05 is. */
	p = path_in(c.dir, "2025-11-25.jsonl");
	append_file(p, "garbage\n", 8);
	free(p);
	memset(&sc, 0, sizeof sc);
	badn = 0;
	ck_assert_int_eq(journal_scan(c.dir, t5, t5 + US_PER_DAY, NULL, scan_cb, &sc, &badn,
				      &err), 0);
	ck_assert_uint_eq(sc.n, 11); /* seq 11..20 and the odd line */
	ck_assert_uint_eq(badn, 1);
	ck_assert_int_eq(journal_scan("/nonexistent/dir", 0, 1, NULL, scan_cb, &sc, NULL, &err), -1);
	chain_free(&c);
}
END_TEST

/* Late events: dated days before the file that holds them (the writer files an event
 * older than its current file in the current file, as `sensor --read old.pcap` does). A
 * query for their day finds them however far the file is after it. */
START_TEST(scan_finds_late_events)
{
	struct chain c;
	chain_init(&c);
	chain_add(&c, DAY0, NULL, 4, NULL);                          /* seq 1..4 */
	chain_add(&c, DAY0 + 30, NULL, 2, NULL);                     /* seq 5..6 */
	chain_add(&c, DAY0 + 2, "2025-12-25.jsonl", 3, NULL);        /* seq 7..9, late */
	chain_add(&c, DAY0 + 30, NULL, 2, NULL);                     /* seq 10..11 */
	int64_t d2 = (int64_t)(DAY0 + 2) * US_PER_DAY - OFF8 * 1000000LL;
	struct scan_ctx sc = { 0 };
	uint64_t badn = 0;
	const char *err;
	ck_assert_int_eq(journal_scan(c.dir, d2, d2 + US_PER_DAY - 1, NULL, scan_cb, &sc, &badn,
				      &err), 0);
	ck_assert_uint_eq(sc.n, 3);
	ck_assert_uint_eq(sc.first, 7);
	ck_assert_uint_eq(sc.last, 9);
	/* from the late day on: the late events and everything after them */
	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(journal_scan(c.dir, d2, INT64_MAX, NULL, scan_cb, &sc, &badn, &err), 0);
	ck_assert_uint_eq(sc.n, 7);
	/* up to a day before the late ones: only day 0 */
	memset(&sc, 0, sizeof sc);
	ck_assert_int_eq(journal_scan(c.dir, INT64_MIN, d2 - 1, NULL, scan_cb, &sc, &badn, &err),
			 0);
	ck_assert_uint_eq(sc.n, 4);
	ck_assert_uint_eq(sc.last, 4);
	ck_assert_uint_eq(badn, 0);
	chain_free(&c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("journal_read");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, parse_round_trip);
	tcase_add_test(tc, parse_escapes_and_space);
	tcase_add_loop_test(tc, parse_rejects, 0, (int)CG_ARRAY_LEN(bad_lines));
	tcase_add_test(tc, parse_rejects_small_arena_and_bad_hash_key_spot);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, reader_lines_torn_and_too_long);
	tcase_add_test(tc, reader_many_lines_across_chunks);
	tcase_add_loop_test(tc, backreader_cases, 0, (int)CG_ARRAY_LEN(back_cases));
	tcase_add_test(tc, backreader_agrees_with_reader);
	tcase_add_test(tc, file_names);
	tcase_add_test(tc, scan_time_range);
	tcase_add_test(tc, scan_finds_late_events);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
