/* Tests for the journal reader side: the line parser (round trip and every rejection
 * branch), the streaming line reader, file names, the time-range scan, and verify
 * (edited, deleted, reordered, torn, file missing, rewritten, retention). */
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
#include "journal_verify.h"
#include "testutil.h"
#include "util.h"

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

static void chain_init(struct chain *c)
{
	memset(c, 0, sizeof *c);
	c->dir = tu_tmpdir();
}

static void chain_free(struct chain *c)
{
	tu_rmtree(c->dir);
	free(c->dir);
}

static char *path_in(const char *dir, const char *name)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/%s", dir, name);
	return sbuf_take(&b);
}

static void append_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0640);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Append n events at the given local day to file name (NULL: the day's part 0). */
static void chain_add(struct chain *c, int32_t day, const char *name, int n,
		      const char *event)
{
	char fname[32];
	struct sbuf out;
	sbuf_init(&out);
	if (c->day_first == 0 || day != c->day) {
		c->day = day;
		c->day_first = c->seq + 1;
	}
	if (!name) {
		journal_day_str(day, fname);
		strcat(fname, ".jsonl");
		name = fname;
	}
	for (int i = 0; i < n; i++) {
		struct journal_record r;
		char id[24];
		memset(&r, 0, sizeof r);
		c->seq++;
		snprintf(id, sizeof id, "id%llu", (unsigned long long)c->seq);
		r.seq = c->seq;
		r.time_us = (int64_t)day * US_PER_DAY - OFF8 * 1000000LL + 3600LL * 1000000 +
			    (int64_t)c->seq * 1000;
		r.utc_offset = OFF8;
		r.id = id;
		r.event = event ? event : "hit";
		r.proto = "dns";
		r.action = "block";
		r.client = "192.0.2.7";
		r.host = "bet.example";
		r.category = "gambling";
		memcpy(r.prev, c->last, JOURNAL_HASH_LEN);
		journal_format_line(&out, &r);
		memcpy(c->last, r.hash, JOURNAL_HASH_LEN);
	}
	char *p = path_in(c->dir, name);
	append_file(p, out.data, out.len);
	free(p);
	sbuf_free(&out);
}

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

/* ---- verify --------------------------------------------------------------------------- */

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
	tcase_add_test(tc, file_names);
	tcase_add_test(tc, scan_time_range);
	tcase_add_test(tc, scan_finds_late_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
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
