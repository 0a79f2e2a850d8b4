/* Tests for district_msg, the ingest's parser of what rsyslog hands it: the accepted forms
 * (an event, an edited event kept with hash_ok false, a digest, a BOM, CRLF, escaped SD
 * values) and one case per rejection branch; and the chain check fed line by line
 * (journal_chain_*), which `district verify` runs over the stored lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "district_msg.h"
#include "journal_format.h"
#include "journal_verify.h"
#include "testutil.h"
#include "util.h"

#define T0 1795598803123456ll

static char arena[DISTRICT_MSG_MAX + 1];

/* A journal line (no newline) of seq, chained on prev (updated to its hash). */
static char *jline(uint64_t seq, uint8_t prev[JOURNAL_HASH_LEN], const char *host)
{
	struct journal_record r;
	struct sbuf out;
	memset(&r, 0, sizeof r);
	r.seq = seq;
	r.time_us = T0 + (int64_t)seq * 1000000;
	r.utc_offset = 8 * 3600;
	r.id = "abc";
	r.event = "hit";
	r.proto = "dns";
	r.action = "block";
	r.client = "10.1.2.3";
	r.host = host;
	r.category = "gambling";
	memcpy(r.prev, prev, JOURNAL_HASH_LEN);
	sbuf_init(&out);
	journal_format_line(&out, &r);
	memcpy(prev, r.hash, JOURNAL_HASH_LEN);
	out.data[--out.len] = '\0';
	return sbuf_take(&out);
}

static char *msgf(const char *sd, const char *line)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s %s", sd, line);
	return sbuf_take(&b);
}

static void reject(const char *buf, size_t len, const char *why_part)
{
	struct district_msg m;
	const char *why = NULL;
	ck_assert_int_eq(district_msg_parse(buf, len, &m, arena, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, why_part), "wanted '%s', got '%s'", why_part, why);
}

static void reject_s(const char *buf, const char *why_part)
{
	reject(buf, strlen(buf), why_part);
}

START_TEST(msg_event_accepted)
{
	uint8_t prev[JOURNAL_HASH_LEN] = {0};
	char *line = jline(1, prev, "bet.example");
	char *m1 = msgf("[campusgate@32473 seq=\"1\" id=\"abc\" school_id=\"gz-no3\" "
			"school=\"No. 3 \\\"Middle\\\" \\]School\\\\\" host=\"bet.example\"]", line);
	struct district_msg m;
	const char *why = NULL;
	ck_assert_msg(district_msg_parse(m1, strlen(m1), &m, arena, &why) == 0, "%s", why);
	ck_assert_int_eq(m.kind, DM_EVENT);
	ck_assert_str_eq(m.school_id, "gz-no3");
	ck_assert_uint_eq(m.r.seq, 1);
	ck_assert(m.hash_ok);
	ck_assert_uint_eq(m.len, strlen(line));
	ck_assert(memcmp(m.line, line, m.len) == 0);
	ck_assert_str_eq(m.r.host, "bet.example");
	/* other SD elements before it, a BOM before the line, CRLF at the end */
	char *m2 = msgf("[origin ip=\"10.0.0.1\"][campusgate@32473 school_id=\"s.1_x-y\" seq=\"1\"]",
			"\xef\xbb\xbf");
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s%s\r\n", m2, line);
	ck_assert_msg(district_msg_parse(b.data, b.len, &m, arena, &why) == 0, "%s", why);
	ck_assert_str_eq(m.school_id, "s.1_x-y");
	ck_assert_uint_eq(m.len, strlen(line));
	sbuf_free(&b);
	free(m2);
	/* an edited line is taken, marked: the store keeps the evidence */
	char *ed = xstrdup(line);
	char *h = strstr(ed, "bet.example");
	h[0] = 'p';
	char *m3 = msgf("[campusgate@32473 seq=\"1\" school_id=\"gz-no3\"]", ed);
	ck_assert_int_eq(district_msg_parse(m3, strlen(m3), &m, arena, &why), 0);
	ck_assert(!m.hash_ok);
	free(m3);
	free(ed);
	free(m1);
	free(line);
}
END_TEST

START_TEST(msg_digest_accepted)
{
	const char *d = "[campusgate@32473 school_id=\"gz-no3\" day=\"2026-11-25\"] {\"day\":"
		"\"2026-11-25\",\"count\":3,\"first_seq\":1,\"last_seq\":3,\"last_hash\":"
		"\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}\n";
	struct district_msg m;
	const char *why = NULL;
	ck_assert_msg(district_msg_parse(d, strlen(d), &m, arena, &why) == 0, "%s", why);
	ck_assert_int_eq(m.kind, DM_DIGEST);
	ck_assert_uint_eq(m.d.count, 3);
	ck_assert_uint_eq(m.d.last_seq, 3);
	ck_assert_str_eq(m.d.day, "2026-11-25");
	/* rejections of a digest */
	reject_s("[campusgate@32473 school_id=\"a\" day=\"2026-11-25\"] {\"day\":\"2026-11-25\"}",
		 "not a digest line");
	reject_s("[campusgate@32473 school_id=\"a\" day=\"2026-11-24\"] {\"day\":\"2026-11-25\","
		 "\"count\":3,\"first_seq\":1,\"last_seq\":3,\"last_hash\":"
		 "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}",
		 "day of the structured data and of the digest differ");
	reject_s("[campusgate@32473 school_id=\"a\" day=\"2026-11-25\"] {\"day\":\"2026-11-25\","
		 "\"count\":3,\"first_seq\":1,\"last_seq\":18446744073709551615,\"last_hash\":"
		 "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}",
		 "seq out of range");
}
END_TEST

START_TEST(msg_rejections)
{
	uint8_t prev[JOURNAL_HASH_LEN] = {0};
	char *line = jline(5, prev, "x.example");
	char *m;
	/* the frame and the structured data */
	reject_s("", "no structured data");
	reject_s("{\"seq\":1}", "no structured data");
	reject_s("[ seq=\"1\"] {}", "an element without an id");
	reject_s("[campusgate@32473", "an element without an id");
	reject_s("[campusgate@32473 school_id=\"a\"][campusgate@32473 seq=\"1\"] {}",
		 "the campusgate element twice");
	reject_s("[campusgate@32473 school_id=a] {}", "expected NAME=\"VALUE\"");
	reject_s("[campusgate@32473 =\"a\"] {}", "expected NAME=\"VALUE\"");
	reject_s("[campusgate@32473 school_id=\"a] {}", "a value without its closing quote");
	reject_s("[campusgate@32473 school_id=\"a\" school_id=\"b\"] {}", "a parameter twice");
	reject_s("[campusgate@32473 school_id=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"] {}",
		 "too long");
	reject_s("[campusgate@32473 school_id=\"a\"x] {}", "without its closing ']'");
	reject_s("[other@1 school_id=\"a\" seq=\"1\"] {}", "no [campusgate@32473] element");
	reject_s("[campusgate@32473 seq=\"1\"] {}", "no valid school_id");
	reject_s("[campusgate@32473 school_id=\"No 3\" seq=\"1\"] {}", "no valid school_id");
	reject_s("[campusgate@32473 school_id=\"a/b\" seq=\"1\"] {}", "no valid school_id");
	/* the line behind it */
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"]", "no journal line");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"]x{}", "no journal line");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] ", "no journal line");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] hello", "no journal line");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] {\"a\":\"\x01\"}", "not valid UTF-8");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] {\"a\":\"\xc3\x28\"}",
		 "not valid UTF-8");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] {\"a\":\"\xed\xa0\x80\"}",
		 "not valid UTF-8");
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] {\"a\":\"\xe2\x82\"}",
		 "not valid UTF-8");
	m = msgf("[campusgate@32473 school_id=\"a\"]", line);
	reject_s(m, "without a valid seq");
	free(m);
	m = msgf("[campusgate@32473 school_id=\"a\" seq=\"0\"]", line);
	reject_s(m, "without a valid seq");
	free(m);
	m = msgf("[campusgate@32473 school_id=\"a\" seq=\"x5\"]", line);
	reject_s(m, "without a valid seq");
	free(m);
	m = msgf("[campusgate@32473 school_id=\"a\" seq=\"6\"]", line);
	reject_s(m, "seq of the structured data and of the journal line differ");
	free(m);
	reject_s("[campusgate@32473 school_id=\"a\" seq=\"5\"] {\"seq\":5,\"time\":}", "");
	/* sizes: a whole message, a journal line */
	size_t big = DISTRICT_MSG_MAX + 10;
	char *b = xmalloc(big);
	memset(b, 'a', big);
	b[0] = '[';
	reject(b, big, "message too long");
	const char *sd = "[campusgate@32473 school_id=\"a\" seq=\"5\"] {";
	memcpy(b, sd, strlen(sd));
	reject(b, JOURNAL_LINE_MAX + strlen(sd) + 5, "journal line too long");
	free(b);
	free(line);
}
END_TEST

START_TEST(msg_school_id_and_text)
{
	ck_assert(district_school_id_ok("a", 1));
	ck_assert(district_school_id_ok("0-a.b_c", 7));
	ck_assert(!district_school_id_ok("", 0));
	ck_assert(district_school_id_ok("GZ-No3", 6));
	ck_assert(!district_school_id_ok("a/b", 3));
	ck_assert(!district_school_id_ok("学校", strlen("学校")));
	ck_assert(!district_school_id_ok("a b", 3));
	ck_assert(!district_school_id_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 65));
	ck_assert(district_text_ok("中文 ok", strlen("中文 ok")));
	ck_assert(!district_text_ok("a\tb", 3));
	ck_assert(district_utf8_ok("a\tb", 3));
	ck_assert(!district_utf8_ok("\xf5\x80\x80\x80", 4));
	ck_assert(!district_utf8_ok("\xe0\x80\x80", 3)); /* overlong */
	ck_assert(!district_utf8_ok("a\0b", 3));
}
END_TEST

/* The authenticated form: "<school the certificate was checked for> SP" and the message.
 * The same school is accepted; another school's id is DISTRICT_MSG_FORGED with both ids
 * kept; a missing or invalid prefix and a message that does not parse are -1. */
START_TEST(msg_auth)
{
	uint8_t prev[JOURNAL_HASH_LEN] = {0};
	char *line = jline(1, prev, "bet.example");
	struct district_msg m;
	const char *why = NULL;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "gz-no3 [campusgate@32473 seq=\"1\" school_id=\"gz-no3\"] %s\n", line);
	ck_assert_msg(district_msg_parse_auth(b.data, b.len, &m, arena, &why) == 0, "%s", why);
	ck_assert_str_eq(m.school_id, "gz-no3");
	ck_assert_str_eq(m.auth_school, "gz-no3");
	ck_assert_uint_eq(m.r.seq, 1);
	ck_assert(m.hash_ok);
	ck_assert(memcmp(m.line, line, m.len) == 0 && m.len == strlen(line));

	/* a line of gz-no3 sent with gz-no5's certificate */
	sbuf_reset(&b);
	sbuf_printf(&b, "gz-no5 [campusgate@32473 seq=\"1\" school_id=\"gz-no3\"] %s", line);
	why = NULL;
	ck_assert_int_eq(district_msg_parse_auth(b.data, b.len, &m, arena, &why),
			 DISTRICT_MSG_FORGED);
	ck_assert_str_eq(m.school_id, "gz-no3");
	ck_assert_str_eq(m.auth_school, "gz-no5");
	ck_assert_ptr_nonnull(why);
	ck_assert(strncmp(why, DISTRICT_FORGED_REASON, strlen(DISTRICT_FORGED_REASON)) == 0);
	/* ids differing only in case are different schools */
	sbuf_reset(&b);
	sbuf_printf(&b, "GZ-no3 [campusgate@32473 seq=\"1\" school_id=\"gz-no3\"] %s", line);
	ck_assert_int_eq(district_msg_parse_auth(b.data, b.len, &m, arena, &why),
			 DISTRICT_MSG_FORGED);

	/* no prefix (the old form: a district config without the per-school listeners) */
	sbuf_reset(&b);
	sbuf_printf(&b, "[campusgate@32473 seq=\"1\" school_id=\"gz-no3\"] %s", line);
	why = NULL;
	ck_assert_int_eq(district_msg_parse_auth(b.data, b.len, &m, arena, &why), -1);
	ck_assert_msg(why && strstr(why, "no authenticated school id"), "%s", why);
	ck_assert_str_eq(m.auth_school, "");
	/* an empty prefix (the template's variable unset), an invalid one, none at all */
	const char *bad[] = {" [campusgate@32473 seq=\"1\"] {}", "a/b [x] {}", "gz-no3", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		ck_assert_int_eq(district_msg_parse_auth(bad[i], strlen(bad[i]), &m, arena, &why),
				 -1);
		ck_assert_msg(why && strstr(why, "no authenticated school id"), "%zu: %s", i, why);
	}
	/* a prefix longer than an id may be */
	char longid[80];
	memset(longid, 'a', 70);
	strcpy(longid + 70, " [x] {}");
	why = NULL;
	ck_assert_int_eq(district_msg_parse_auth(longid, strlen(longid), &m, arena, &why), -1);
	ck_assert_msg(why && strstr(why, "no authenticated school id"), "%s", why);
	/* a valid prefix before a message that does not parse: that parser's reason, and the
	 * certificate's school kept for the reject */
	sbuf_reset(&b);
	sbuf_printf(&b, "gz-no5 [campusgate@32473 seq=\"2\" school_id=\"gz-no3\"] %s", line);
	why = NULL;
	ck_assert_int_eq(district_msg_parse_auth(b.data, b.len, &m, arena, &why), -1);
	ck_assert_msg(why && strstr(why, "seq of the structured data"), "%s", why);
	ck_assert_str_eq(m.auth_school, "gz-no5");
	sbuf_free(&b);
	free(line);
}
END_TEST

/* The chain fed line by line: intact, an edited line, a gap, a duplicate. */
START_TEST(chain_fed_lines)
{
	uint8_t prev[JOURNAL_HASH_LEN] = {0};
	char *l[6];
	for (int i = 0; i < 6; i++)
		l[i] = jline((uint64_t)i + 1, prev, "h.example");
	struct journal_verify_result res;
	struct journal_chain *c = journal_chain_new(&res, true);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(journal_chain_line(c, l[i], strlen(l[i]), "s1", (unsigned long)i + 1), 0);
	journal_chain_end(c);
	journal_chain_free(c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_eq(res.lines, 6);
	ck_assert_uint_eq(res.last_seq, 6);
	/* edited */
	char *ed = xstrdup(l[2]);
	strstr(ed, "h.example")[0] = 'k';
	c = journal_chain_new(&res, false);
	journal_chain_line(c, l[0], strlen(l[0]), "s1", 1);
	journal_chain_line(c, l[1], strlen(l[1]), "s1", 2);
	ck_assert_int_eq(journal_chain_line(c, ed, strlen(ed), "s1", 3), -1);
	journal_chain_end(c);
	journal_chain_free(c);
	ck_assert_int_eq(res.status, 1);
	ck_assert_uint_eq(res.line, 3);
	ck_assert_msg(strncmp(res.what, JV_EDITED, strlen(JV_EDITED)) == 0, "%s", res.what);
	free(ed);
	/* a gap: 1 2 5 6 */
	c = journal_chain_new(&res, false);
	int order[] = {0, 1, 4, 5};
	for (int i = 0; i < 4; i++)
		journal_chain_line(c, l[order[i]], strlen(l[order[i]]), "s1",
				   (unsigned long)order[i] + 1);
	journal_chain_end(c);
	journal_chain_free(c);
	ck_assert_int_eq(res.status, 1);
	ck_assert_msg(strstr(res.what, "seq jumps from 2") && strstr(res.what, "to 5"), "%s",
		      res.what);
	/* a chain that starts later is fine when not whole, refused when whole */
	c = journal_chain_new(&res, true);
	journal_chain_line(c, l[3], strlen(l[3]), "s1", 4);
	journal_chain_end(c);
	journal_chain_free(c);
	ck_assert_int_eq(res.status, 1);
	/* the same seq twice */
	c = journal_chain_new(&res, false);
	journal_chain_line(c, l[0], strlen(l[0]), "s1", 1);
	journal_chain_line(c, l[0], strlen(l[0]), "s1", 1);
	journal_chain_end(c);
	journal_chain_free(c);
	ck_assert_int_eq(res.status, 1);
	ck_assert_msg(strncmp(res.what, JV_REORDERED, strlen(JV_REORDERED)) == 0, "%s", res.what);
	for (int i = 0; i < 6; i++)
		free(l[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("district_msg");
	TCase *tc = tcase_create("msg");
	tcase_add_test(tc, msg_event_accepted);
	tcase_add_test(tc, msg_digest_accepted);
	tcase_add_test(tc, msg_rejections);
	tcase_add_test(tc, msg_school_id_and_text);
	tcase_add_test(tc, msg_auth);
	tcase_add_test(tc, chain_fed_lines);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
