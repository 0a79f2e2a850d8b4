/* Unit tests for the journal writer: line format and hashing, the queue and group
 * commit, event ids, file modes. Files: test_journal_store.c, test_journal_syslog.c
 * (forwarding to a syslog collector). */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "journal_format.h"
#include "journal_read.h"
#include "journal_support.h"
#include "testutil.h"
#include "util.h"

/* ---- format --------------------------------------------------------------------- */

START_TEST(time_format_round_trip)
{
	char t[JOURNAL_TIME_LEN];
	int64_t us;
	int32_t off;
	/* 2026-11-25T09:26:43.123456Z */
	int64_t when = 1795598803123456ll;
	journal_format_time(when, 8 * 3600, t);
	ck_assert_str_eq(t, "2026-11-25T17:26:43.123456+08:00");
	ck_assert_int_eq(journal_parse_time(t, strlen(t), &us, &off), 0);
	ck_assert(us == when);
	ck_assert_int_eq(off, 8 * 3600);
	journal_format_time(when, -(3 * 3600 + 30 * 60), t);
	ck_assert_str_eq(t, "2026-11-25T05:56:43.123456-03:30");
	journal_format_time(-1, 0, t); /* just before the epoch */
	ck_assert_str_eq(t, "1969-12-31T23:59:59.999999+00:00");
	journal_format_time(0, 999999, t); /* absurd offset: still well-formed */
	ck_assert_str_eq(t, "1970-01-01T00:00:00.000000+00:00");
	ck_assert_int_eq(journal_day(when, 8 * 3600), journal_day(when + 6 * 3600 * 1000000ll, 0));
	char d[11];
	journal_day_str(journal_day(when, 8 * 3600), d);
	ck_assert_str_eq(d, "2026-11-25");
}
END_TEST

START_TEST(escape_any_bytes)
{
	struct sbuf b;
	sbuf_init(&b);
	journal_json_escape(&b, "a\"b\\c\n\r\t\x01\x1f\x7f", 100);
	ck_assert_str_eq(b.data, "a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u007f");
	sbuf_reset(&b);
	journal_json_escape(&b, "\xff\xc3(\xe2\x80\xa8\xed\xa0\x80ok\xe4\xb8\xad", 100);
	/* invalid bytes -> U+FFFD, U+2028 escaped, a surrogate is invalid, 中 kept */
	ck_assert_str_eq(b.data, "\xef\xbf\xbd\xef\xbf\xbd(\\u2028\xef\xbf\xbd\xef\xbf\xbd"
				 "\xef\xbf\xbdok\xe4\xb8\xad");
	sbuf_reset(&b);
	journal_json_escape(&b, "abcdef", 3);
	ck_assert_str_eq(b.data, "abc");
	sbuf_free(&b);
}
END_TEST

START_TEST(hex_round_trip)
{
	uint8_t h[32], back[32];
	char hex[JOURNAL_HEX_LEN];
	for (int i = 0; i < 32; i++)
		h[i] = (uint8_t)(i * 37 + 1);
	journal_hex(h, hex);
	ck_assert_uint_eq(strlen(hex), 64);
	ck_assert_int_eq(journal_unhex(hex, 64, back), 0);
	ck_assert_mem_eq(h, back, 32);
	ck_assert_int_eq(journal_unhex(hex, 63, back), -1);
	hex[5] = 'A'; /* one spelling only: lowercase */
	ck_assert_int_eq(journal_unhex(hex, 64, back), -1);
	hex[5] = 'g';
	ck_assert_int_eq(journal_unhex(hex, 64, back), -1);
}
END_TEST

START_TEST(zone_offsets)
{
	int32_t off = 0;
	ck_assert_int_eq(journal_zone_offset("Asia/Shanghai", 1795598803, &off), 0);
	ck_assert_int_eq(off, 8 * 3600);
	ck_assert_int_eq(journal_zone_offset(NULL, 1795598803, &off), 0); /* the default */
	ck_assert_int_eq(off, 8 * 3600);
	ck_assert_int_eq(journal_zone_offset("America/New_York", 1768000000, &off), 0);
	ck_assert_int_eq(off, -5 * 3600); /* January */
	ck_assert_int_eq(journal_zone_offset("America/New_York", 1784000000, &off), 0);
	ck_assert_int_eq(off, -4 * 3600); /* July, daylight saving */
	ck_assert_int_eq(journal_zone_offset("No/Such_Zone", 0, &off), -1);
	ck_assert_int_eq(journal_zone_offset("../../etc/passwd", 0, &off), -1);
}
END_TEST

/* Random strings of hostile bytes through format and parse: valid UTF-8 comes back
 * byte for byte, anything else comes back as valid UTF-8, and the line stays one
 * line whose hash verifies. */
START_TEST(escape_round_trip_random)
{
	static const char *const pieces[] = {
		"a", "Z", "0", ".", "-", "\"", "\\", "/", ",", "=", "+", "@", "]", "[", "{", "}",
		"\n", "\r", "\t", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe4\xb8\xad",
		"\xf0\x9f\x98\x80", "\xe2\x80\xa8", "<script>", "\\u0000", " ",
	};
	static const char *const bad[] = { "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe4\xb8",
					     "\x80", "\xf5\x80\x80\x80" };
	uint64_t x = 88172645463325252ull;
	struct sbuf line;
	sbuf_init(&line);
	char *arena = malloc(JOURNAL_LINE_MAX + 1);
	for (int round = 0; round < 3000; round++) {
		char val[600];
		size_t n = 0;
		bool valid = true;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int parts = (int)(x % 40);
		for (int k = 0; k < parts; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			const char *p;
			if (x % 17 == 0) {
				p = bad[(x >> 8) % CG_ARRAY_LEN(bad)];
				valid = false;
			} else {
				p = pieces[(x >> 8) % CG_ARRAY_LEN(pieces)];
			}
			memcpy(val + n, p, strlen(p));
			n += strlen(p);
		}
		val[n] = '\0';
		struct journal_record r, back;
		memset(&r, 0, sizeof r);
		r.seq = (uint64_t)round + 1;
		r.time_us = (int64_t)(x % 4000000000000000ull);
		r.utc_offset = 8 * 3600;
		r.id = "r";
		r.host = val;
		r.path = val;
		r.reason = val;
		r.rule_text = val;
		sbuf_reset(&line);
		journal_format_line(&line, &r);
		ck_assert_uint_gt(line.len, 0);
		ck_assert_int_eq(line.data[line.len - 1], '\n');
		ck_assert_ptr_eq(memchr(line.data, '\n', line.len), line.data + line.len - 1);
		const char *err = NULL;
		ck_assert_msg(journal_parse_line(line.data, line.len - 1, &back, arena,
						 JOURNAL_LINE_MAX + 1, &err) == 0, "%s: %s", err,
			      line.data);
		ck_assert(journal_line_hash_ok(line.data, &back));
		ck_assert(back.time_us == r.time_us);
		ck_assert_mem_eq(back.hash, r.hash, 32);
		if (valid) {
			ck_assert_str_eq(back.host, val);
			ck_assert_str_eq(back.reason, val);
			ck_assert_str_eq(back.rule_text, val);
		}
		/* what comes back is valid UTF-8 either way, and escaping is stable */
		struct sbuf again;
		sbuf_init(&again);
		journal_json_escape(&again, back.host, SIZE_MAX);
		struct sbuf once;
		sbuf_init(&once);
		journal_json_escape(&once, val, SIZE_MAX);
		ck_assert_uint_eq(again.len, once.len);
		if (once.len)
			ck_assert_mem_eq(again.data, once.data, once.len);
		sbuf_free(&again);
		sbuf_free(&once);
	}
	free(arena);
	sbuf_free(&line);
}
END_TEST

START_TEST(files_0640_whatever_the_umask)
{
	char *dir = tu_tmpdir();
	mode_t old = umask(077);
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "m.example");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	umask(old);
	struct journal_file *files;
	size_t n;
	struct stat sb;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(stat(files[0].path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	journal_files_free(files, n);
	char *dpath = NULL;
	ck_assert_int_ge(asprintf(&dpath, "%s/digest.log", dir), 0);
	ck_assert_int_eq(stat(dpath, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	free(dpath);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- writer --------------------------------------------------------------------- */

START_TEST(round_trip_every_field)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "Asia/Shanghai");
	struct journal_event ev;
	char id1[JOURNAL_ID_LEN], id2[JOURNAL_ID_LEN];
	static const char evil[] = "x\",\"action\":\"allow\"}\n<script>\x01\xff,=1+2";
	ev_basic(&ev, "bet365.com");
	ev.time_us = 1795598803123456ll;
	ev.client_mac = "aa:bb:cc:dd:ee:ff";
	ev.client_name = "lab-pc-07";
	ev.path = "/promo?a=1&b=\"2\"";
	ev.reason = evil;
	ck_assert_int_eq(journal_append(j, &ev, id1), 0);
	/* counted strings: not NUL-terminated, and a NUL inside */
	memset(&ev, 0, sizeof ev);
	ev.proto = PROTO_HTTP;
	ev.host = "evil.example\0tail-not-part";
	ev.host_len = 15; /* "evil.example\0ta" */
	ev.path = "/abcdef";
	ev.path_len = 3;
	ev.rule_text = "evil.exampleXYZ";
	ev.rule_text_len = 12;
	ev.action = "observe";
	ck_assert_int_eq(journal_append(j, &ev, id2), 0);
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.appended, 2);
	ck_assert_uint_eq(st.written, 2);
	ck_assert_uint_eq(st.seq, 2);
	ck_assert_uint_ge(st.fsyncs, 1);
	journal_close(j);

	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 2);
	check_chain(&ls);
	const struct journal_record *r = &ls.v[0].r;
	uint8_t zero[32] = { 0 };
	ck_assert_mem_eq(r->prev, zero, 32); /* a new journal starts from 32 zero bytes */
	ck_assert_uint_eq(r->seq, 1);
	ck_assert(r->time_us == 1795598803123456ll);
	ck_assert_int_eq(r->utc_offset, 8 * 3600);
	ck_assert(strstr(ls.v[0].text, "\"time\":\"2026-11-25T17:26:43.123456+08:00\""));
	ck_assert_str_eq(r->id, id1);
	ck_assert_str_eq(r->event, "hit");
	ck_assert_str_eq(r->proto, "dns");
	ck_assert_str_eq(r->action, "block");
	ck_assert_str_eq(r->client, "192.0.2.7");
	ck_assert_str_eq(r->mac, "aa:bb:cc:dd:ee:ff");
	ck_assert_str_eq(r->client_name, "lab-pc-07");
	ck_assert_str_eq(r->group, "students");
	ck_assert_str_eq(r->host, "bet365.com");
	ck_assert_str_eq(r->path, "/promo?a=1&b=\"2\"");
	ck_assert_str_eq(r->qtype, "A");
	ck_assert_str_eq(r->category, "gambling");
	ck_assert_str_eq(r->rule_file, "lists/gambling.list");
	ck_assert_uint_eq(r->rule_line, 42);
	ck_assert_str_eq(r->rule_text, "bet365.com");
	ck_assert_str_eq(r->block_mode, "nxdomain");
	/* the attacker's string comes back as it was, but for the invalid byte */
	ck_assert_str_eq(r->reason, "x\",\"action\":\"allow\"}\n<script>\x01\xef\xbf\xbd,=1+2");
	ck_assert_ptr_null(strchr(ls.v[0].text, '\n'));
	ck_assert_ptr_null(strchr(ls.v[0].text, '\x01'));

	r = &ls.v[1].r;
	ck_assert_str_eq(r->id, id2);
	ck_assert_str_eq(r->proto, "http");
	ck_assert_str_eq(r->host, "evil.example\xef\xbf\xbdta");
	ck_assert_str_eq(r->path, "/ab");
	ck_assert_str_eq(r->rule_text, "evil.example");
	ck_assert_ptr_null(r->client); /* no address known: field omitted */
	ck_assert_ptr_null(r->rule_file);
	ck_assert_uint_eq(r->rule_line, 0);

	/* the file: named by the school's day of now (an event dated another day goes to
	 * the current file: never an older one, never a future one), mode 0640 */
	struct stat sb;
	struct journal_file *files;
	size_t n;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_eq(n, 1);
	int32_t today = journal_day(now_wall_us(), 8 * 3600);
	ck_assert_msg(files[0].day == today || files[0].day == today - 1, /* midnight passed */
		      "%s is not today's file", files[0].name);
	ck_assert_int_eq(stat(files[0].path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	journal_files_free(files, n);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(event_ids_unique_and_short)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.queue_events = 20000;
	struct journal *j = open_ok(&c, "UTC");
	enum { N = 5000 };
	char (*ids)[JOURNAL_ID_LEN] = calloc(N, JOURNAL_ID_LEN);
	struct journal_event ev;
	ev_basic(&ev, "a.example");
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(journal_append(j, &ev, ids[i]), 0);
		ck_assert_uint_eq(strlen(ids[i]), JOURNAL_ID_LEN - 1);
		ck_assert_uint_eq(strspn(ids[i], "0123456789abcdefghjkmnpqrstvwxyz"),
				  JOURNAL_ID_LEN - 1);
	}
	journal_close(j);
	/* one prefix per start; the rest is not a plain counter: consecutive ids differ in
	 * most of their 13 counter characters (a counter changes one or two) */
	int close_pairs = 0;
	for (int i = 1; i < N; i++) {
		ck_assert(memcmp(ids[i - 1], ids[0], 6) == 0);
		int diff = 0;
		for (int k = 6; k < JOURNAL_ID_LEN - 1; k++)
			diff += ids[i - 1][k] != ids[i][k];
		close_pairs += diff < 6;
	}
	ck_assert_msg(close_pairs < N / 100, "%d of %d neighbouring ids nearly equal", close_pairs,
		      N - 1);
	qsort(ids, N, JOURNAL_ID_LEN, (int (*)(const void *, const void *))strcmp);
	for (int i = 1; i < N; i++)
		ck_assert_str_ne(ids[i - 1], ids[i]);
	free(ids);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(event_from_request)
{
	struct request req = { .proto = PROTO_TLS, .host = "vpn.example.net", .host_len = 15 };
	struct verdict v = { .action = ACTION_BLOCK, .group = "staff", .category = "vpn",
			     .bypass = true };
	v.rule.kind = RULE_DOMAIN;
	v.rule.file = "lists/vpn.list";
	v.rule.line = 3;
	v.rule.text = "example.netXX";
	v.rule.text_len = 11;
	addr_parse("2001:db8::5", &req.client);
	struct journal_event ev;
	journal_event_from(&ev, &req, &v);
	ck_assert_int_eq(ev.proto, PROTO_TLS);
	ck_assert_ptr_eq(ev.host, req.host);
	ck_assert_uint_eq(ev.host_len, 15);
	ck_assert_ptr_null(ev.path);
	ck_assert_str_eq(ev.group, "staff");
	ck_assert_str_eq(ev.category, "vpn");
	ck_assert_str_eq(ev.action, "bypass");
	ck_assert_str_eq(ev.event, "bypass");
	ck_assert_str_eq(ev.rule_file, "lists/vpn.list");
	ck_assert_uint_eq(ev.rule_line, 3);
	ck_assert_uint_eq(ev.rule_text_len, 11);
	ck_assert(memcmp(&ev.client, &req.client, sizeof ev.client) == 0);
	v.bypass = false;
	v.action = ACTION_ALLOW;
	v.allowlisted = true;
	journal_event_from(&ev, &req, &v);
	ck_assert_str_eq(ev.action, "allow");
	ck_assert_str_eq(ev.event, "hit");
	ck_assert_str_eq(ev.reason, "allowlisted");
}
END_TEST

START_TEST(group_commit)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.fsync_interval_ms = 60000; /* nothing but flush and close syncs */
	c.queue_events = 100000;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_stats st0, st;
	journal_get_stats(j, &st0);
	struct journal_event ev;
	ev_basic(&ev, "b.example");
	for (int i = 0; i < 20000; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	/* written (write(2)) soon, but not synced until asked */
	for (int i = 0; i < 500; i++) {
		journal_get_stats(j, &st);
		if (st.written == 20000)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(st.written, 20000);
	ck_assert_uint_eq(st.fsyncs, st0.fsyncs);
	journal_flush(j);
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.fsyncs, st0.fsyncs + 1);
	journal_flush(j); /* nothing new: no second sync */
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.fsyncs, st0.fsyncs + 1);
	journal_close(j);

	/* with a short interval, idle time syncs without a flush */
	c.fsync_interval_ms = 50;
	j = open_ok(&c, "UTC");
	journal_get_stats(j, &st0);
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	for (int i = 0; i < 300; i++) {
		journal_get_stats(j, &st);
		if (st.fsyncs > st0.fsyncs)
			break;
		usleep(10000);
	}
	ck_assert_uint_gt(st.fsyncs, st0.fsyncs);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 20001);
	check_chain(&ls);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Events that arrive less than a millisecond apart are written together: the writer is woken
 * for the first event of a batch and lets the rest gather, instead of being woken (and
 * taking the CPU from the DNS worker) once per event. */
START_TEST(writer_batches_events)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.fsync_interval_ms = 60000;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "b.example");
	enum { N = 200 };
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		uint64_t t = now_mono_ns();
		while (now_mono_ns() - t < 200000) /* 0.2 ms apart: 5k blocked queries/s */
			;
	}
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.written, N);
	ck_assert_uint_ge(st.batches, 1);
	ck_assert_uint_le(st.batches, N / 3); /* one per event before; ~20 expected */
	/* written slots are reused: memory follows the queue's depth, not queue_events */
	ck_assert_uint_ge(st.slots, 1);
	ck_assert_uint_le(st.slots, N / 2);
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 50; i++)
			ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		journal_flush(j);
	}
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.written, N + 1000);
	ck_assert_uint_le(st.slots, N / 2); /* a ring would have touched N + 1000 slots */
	journal_close(j);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* fsync_interval_ms = 0: every batch the writer takes is fdatasynced before the next, so
 * an event is on disk by the time the stats count it written, without a flush. */
START_TEST(fsync_every_batch)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.fsync_interval_ms = 0;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "d.example");
	for (uint64_t k = 1; k <= 5; k++) {
		struct journal_stats st0, st;
		journal_get_stats(j, &st0);
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		/* written and fsyncs are published together after the batch's sync */
		for (int i = 0; i < 500; i++) {
			journal_get_stats(j, &st);
			if (st.written == st0.written + 1)
				break;
			usleep(2000);
		}
		ck_assert_uint_eq(st.written, st0.written + 1);
		ck_assert_msg(st.fsyncs == st0.fsyncs + 1, "event %llu written, fsyncs %llu -> %llu",
			      (unsigned long long)k, (unsigned long long)st0.fsyncs,
			      (unsigned long long)st.fsyncs);
		ck_assert_uint_eq(st.synced, st.written);
	}
	/* a burst: fewer syncs than events (group commit), all of them synced */
	struct journal_stats st0, st;
	journal_get_stats(j, &st0);
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	for (int i = 0; i < 1000; i++) {
		journal_get_stats(j, &st);
		if (st.synced == st0.synced + 2000)
			break;
		usleep(2000);
	}
	ck_assert_uint_eq(st.synced, st0.synced + 2000);
	ck_assert_uint_gt(st.fsyncs, st0.fsyncs);
	ck_assert_uint_le(st.fsyncs, st0.fsyncs + 2000);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 2005);
	check_chain(&ls);
	lines_free(&ls);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(full_queue_counted)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.queue_events = 1;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "c.example");
	unsigned ok = 0, full = 0;
	struct stderr_cap cap;
	stderr_begin(&cap);
	for (int i = 0; i < 200000 && full < 100; i++) {
		char id[JOURNAL_ID_LEN];
		if (journal_append(j, &ev, id) == 0) {
			ok++;
		} else {
			full++;
			ck_assert_str_eq(id, ""); /* no id for an event that was not kept */
		}
	}
	char *log = stderr_end(&cap);
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_gt(full, 0);
	ck_assert_uint_eq(st.dropped, full);
	/* logged loudly: an error naming the queue and the count, once (rate-limited to
	 * one line per 10 s however many are dropped) */
	ck_assert_msg(strstr(log, "campusgate: error: journal: queue full (1 events): event "
				  "DROPPED, 1 dropped so far"),
		      "log: %s", log);
	const char *again = strstr(log, "queue full");
	ck_assert_ptr_null(strstr(again + 1, "queue full"));
	free(log);
	ck_assert_uint_eq(st.appended, ok);
	ck_assert_uint_eq(st.written, ok);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, ok);
	check_chain(&ls);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A client over client_max_events in an interval: its further events are counted, and
 * one "suppressed" event with the count is written when the interval ends (from the
 * writer's own timer, no further event needed) or, at the latest, at close. Other
 * clients are not affected. Never a silent drop. */
/* The first suppressed event of an interval reaches a writer that is idle (written and
 * synced, asleep for TICK_NS): its summary still comes when the interval ends, not up
 * to 30 s later. */
START_TEST(client_limit_summary_wakes_idle_writer)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.client_max_events = 1;
	c.client_interval_s = 1;
	c.fsync_interval_ms = 10;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "flood.example");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	usleep(300000); /* written, synced, the writer idle */
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0); /* suppressed */
	size_t found = 0;
	for (int i = 0; i < 40 && !found; i++) { /* the interval ends ~0.7 s from now */
		usleep(100000);
		struct lines ls;
		read_all(dir, &ls);
		found = count_events(&ls, "suppressed");
		lines_free(&ls);
	}
	ck_assert_msg(found == 1, "no summary within 4 s of a 1 s interval");
	journal_close(j);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(client_limit_summarised)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.client_max_events = 3;
	c.client_interval_s = 1;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev, other;
	ev_basic(&ev, "flood.example");
	ev_basic(&other, "quiet.example");
	ck_assert_int_eq(addr_parse("192.0.2.9", &other.client), 0);
	for (int i = 0; i < 10; i++) {
		char id[JOURNAL_ID_LEN];
		ck_assert_int_eq(journal_append(j, &ev, id), 0);
		ck_assert_uint_eq(strlen(id), i < 3 ? JOURNAL_ID_LEN - 1 : 0);
	}
	ck_assert_int_eq(journal_append(j, &other, NULL), 0);
	ck_assert_int_eq(journal_append(j, &other, NULL), 0);
	usleep(1500000); /* the interval ends: the writer says it by itself */
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.suppressed, 7);
	ck_assert_uint_eq(st.dropped, 0);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(count_events(&ls, "suppressed"), 1);
	ck_assert_uint_eq(count_events(&ls, "hit"), 5);
	const struct journal_record *r = &ls.v[ls.n - 1].r;
	ck_assert_str_eq(r->event, "suppressed");
	ck_assert_str_eq(r->action, "suppressed");
	ck_assert_str_eq(r->client, "192.0.2.7");
	ck_assert_msg(strstr(r->reason, "7 more events from this client suppressed"), "%s",
		      r->reason);
	lines_free(&ls);
	/* A new interval: 3 written, 2 suppressed, said at close. */
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	read_all(dir, &ls);
	ck_assert_uint_eq(count_events(&ls, "suppressed"), 2);
	size_t k = ls.n;
	while (k-- > 0 && strcmp(ls.v[k].r.event, "suppressed") != 0)
		;
	ck_assert_msg(strstr(ls.v[k].r.reason, "2 more events"), "%s", ls.v[k].r.reason);
	check_chain(&ls);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(open_errors)
{
	const char *err = NULL;
	struct cfg_journal c = test_cfg(NULL);
	ck_assert_ptr_null(journal_open(&c, "UTC", &err));
	ck_assert_ptr_nonnull(err);
	char *dir = tu_tmpdir();
	c = test_cfg(dir);
	err = NULL;
	ck_assert_ptr_null(journal_open(&c, "Nowhere/Atlantis", &err));
	ck_assert_ptr_nonnull(err);
	char *sub = NULL;
	ck_assert_int_ge(asprintf(&sub, "%s/no/such/parent", dir), 0);
	c.dir = sub;
	err = NULL;
	ck_assert_ptr_null(journal_open(&c, "UTC", &err));
	ck_assert_ptr_nonnull(err);
	free(sub);
	tu_rmtree(dir);
	free(dir);
}
END_TEST


static Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, time_format_round_trip);
	tcase_add_test(tc, escape_any_bytes);
	tcase_add_test(tc, hex_round_trip);
	tcase_add_test(tc, zone_offsets);
	tcase_add_test(tc, escape_round_trip_random);
	suite_add_tcase(s, tc);
	tc = tcase_create("writer");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, round_trip_every_field);
	tcase_add_test(tc, event_ids_unique_and_short);
	tcase_add_test(tc, event_from_request);
	tcase_add_test(tc, group_commit);
	tcase_add_test(tc, fsync_every_batch);
	tcase_add_test(tc, writer_batches_events);
	tcase_add_test(tc, full_queue_counted);
	tcase_add_test(tc, client_limit_summarised);
	tcase_add_test(tc, client_limit_summary_wakes_idle_writer);
	tcase_add_test(tc, open_errors);
	tcase_add_test(tc, files_0640_whatever_the_umask);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	return tu_run(journal_suite(), NULL);
}
