/* Unit tests for the journal's syslog forwarding ([journal] syslog): UDP, TCP with
 * octet counting, a collector that goes away, bad specs. The writer itself:
 * test_journal.c. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "journal_format.h"
#include "journal_support.h"
#include "journal_syslog.h"
#include "testutil.h"
#include "util.h"

/* ---- syslog --------------------------------------------------------------------- */

static int udp_listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	socklen_t sl = sizeof sin;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static ssize_t recv_wait(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 5000) <= 0)
		return -1;
	ssize_t n = recv(fd, buf, len - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

START_TEST(syslog_udp)
{
	uint16_t port;
	int fd = udp_listener(&port);
	char *dir = tu_tmpdir();
	char spec[64];
	snprintf(spec, sizeof spec, "udp:127.0.0.1:%u", port);
	struct cfg_journal c = test_cfg(dir);
	c.syslog = spec;
	c.school = "No. 3 \"Middle\" School";
	c.school_id = "gz-no3";
	c.heartbeat_min = 0; /* no heartbeat line in this test */
	struct journal *j = open_ok(&c, "Asia/Shanghai");
	struct journal_event ev;
	char id[JOURNAL_ID_LEN];
	ev_basic(&ev, "a]b\"c\\d\ne.example");
	ev.time_us = 1795598803123456ll;
	ck_assert_int_eq(journal_append(j, &ev, id), 0);
	journal_flush(j);
	char buf[4096];
	ck_assert_int_gt(recv_wait(fd, buf, sizeof buf), 0);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.syslog_sent, 1);
	ck_assert_uint_eq(st.syslog_dropped, 0);
	journal_close(j);
	close(fd);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 1);
	/* <local0.warning>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG */
	ck_assert_msg(strncmp(buf, "<132>1 2026-11-25T17:26:43.123456+08:00 ", 40) == 0, "%s",
		      buf);
	ck_assert_msg(strstr(buf, " campusgated ") && strstr(buf, " hit [campusgate@32473 seq=\"1\""),
		      "%s", buf);
	char want[64];
	snprintf(want, sizeof want, " id=\"%s\"", id);
	ck_assert_msg(strstr(buf, want), "%s", buf);
	ck_assert_msg(strstr(buf, " host=\"a\\]b\\\"c\\\\d\\ne.example\""), "%s", buf);
	ck_assert_msg(strstr(buf, " school=\"No. 3 \\\"Middle\\\" School\""), "%s", buf);
	ck_assert_msg(strstr(buf, " rule_line=\"42\" "), "%s", buf);
	ck_assert_msg(strstr(buf, " school_id=\"gz-no3\""), "%s", buf);
	/* MSG is the journal line byte for byte, without its newline */
	const char *msgp = strstr(buf, "] {");
	ck_assert_ptr_nonnull(msgp);
	size_t tlen = strcspn(ls.v[0].text, "\n");
	ck_assert_uint_eq(strlen(msgp + 2), tlen);
	ck_assert(memcmp(msgp + 2, ls.v[0].text, tlen) == 0);
	ck_assert_ptr_null(strchr(buf, '\n'));
	lines_free(&ls);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* In a district, the writer journals a heartbeat at start and every heartbeat_minutes; the
 * heartbeat goes out to syslog with the school id like any line. */
START_TEST(syslog_heartbeat)
{
	uint16_t port;
	int fd = udp_listener(&port);
	char *dir = tu_tmpdir();
	char spec[64];
	snprintf(spec, sizeof spec, "udp:127.0.0.1:%u", port);
	struct cfg_journal c = test_cfg(dir);
	c.syslog = spec;
	c.school_id = "s1";
	c.heartbeat_min = 5;
	struct journal *j = open_ok(&c, "Asia/Shanghai");
	char buf[4096];
	ck_assert_int_gt(recv_wait(fd, buf, sizeof buf), 0);
	journal_close(j);
	close(fd);
	ck_assert_msg(strstr(buf, " heartbeat [campusgate@32473 seq=\"1\""), "%s", buf);
	ck_assert_msg(strstr(buf, " school_id=\"s1\""), "%s", buf);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 1);
	ck_assert_str_eq(ls.v[0].r.event, "heartbeat");
	lines_free(&ls);
	/* Not in a district (no school_id): no heartbeat, whatever the minutes say. */
	tu_rmtree(dir);
	c.school_id = NULL;
	mkdir(dir, 0700);
	j = open_ok(&c, "Asia/Shanghai");
	journal_flush(j);
	journal_close(j);
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 0);
	lines_free(&ls);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(syslog_digest_message)
{
	struct sbuf out;
	sbuf_init(&out);
	const char *line = "{\"day\":\"2026-11-25\",\"count\":3}\n";
	journal_syslog_format_digest(&out, 1795598803123456ll, 8 * 3600, "box", "s1", "2026-11-25",
				     line, strlen(line));
	sbuf_addc(&out, '\0');
	const char *want = "<133>1 2026-11-25T17:26:43.123456+08:00 box campusgated ";
	ck_assert_msg(strncmp(out.data, want, strlen(want)) == 0, "%s", out.data);
	ck_assert_msg(strstr(out.data, " digest [campusgate@32473 school_id=\"s1\" "
			     "day=\"2026-11-25\"] {\"day\":\"2026-11-25\",\"count\":3}"), "%s", out.data);
	ck_assert_ptr_null(strchr(out.data, '\n'));
	sbuf_free(&out);
}
END_TEST

START_TEST(syslog_tcp_octet_counting)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	socklen_t sl = sizeof sin;
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	const char *err;
	char spec[64];
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	struct journal_syslog *js = journal_syslog_open(spec, NULL, NULL, &err);
	ck_assert_ptr_nonnull(js);
	int cfd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(cfd, 0);
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.seq = 7;
	r.id = "abc";
	r.event = "hit";
	r.action = "observe";
	r.proto = "sensor";
	r.host = "x.example";
	journal_syslog_send(js, &r, "{}\n", 3);
	r.seq = 8;
	journal_syslog_send(js, &r, "{}\n", 3);
	uint64_t sent, dropped;
	journal_syslog_counts(js, &sent, &dropped);
	ck_assert_uint_eq(sent, 2);
	ck_assert_uint_eq(dropped, 0);
	journal_syslog_close(js);
	char buf[8192];
	size_t got = 0;
	ssize_t n;
	while ((n = recv(cfd, buf + got, sizeof buf - 1 - got, 0)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	/* two frames: "LEN SP MSG", LEN the exact byte count of MSG */
	char *p = buf;
	for (int k = 0; k < 2; k++) {
		char *end;
		unsigned long len = strtoul(p, &end, 10);
		ck_assert_int_eq(*end, ' ');
		ck_assert_uint_le((size_t)(end + 1 - buf) + len, got);
		ck_assert(strncmp(end + 1, "<133>1 ", 7) == 0); /* local0.notice */
		ck_assert_ptr_nonnull(memmem(end + 1, len, k ? "seq=\"8\"" : "seq=\"7\"", 7));
		p = end + 1 + len;
	}
	ck_assert_ptr_eq(p, buf + got);
	close(cfd);
	close(lfd);
}
END_TEST

/* A collector that is away does not stop the journal: events are counted as dropped. */
START_TEST(syslog_collector_away)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	socklen_t sl = sizeof sin;
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	close(lfd); /* the port is now closed: connections are refused */
	char spec[64];
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.syslog = spec;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "away.example");
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_eq(st.written, 5);
	ck_assert_uint_ge(st.syslog_dropped, 1); /* counted, and logged */
	ck_assert_uint_eq(st.syslog_sent + st.syslog_dropped, 5);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 5);
	lines_free(&ls);
	const char *err;
	struct journal_syslog *js = journal_syslog_open(spec, NULL, NULL, &err);
	ck_assert_ptr_nonnull(js);
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.id = "x";
	journal_syslog_send(js, &r, "{}\n", 3);
	journal_syslog_send(js, &r, "{}\n", 3);
	uint64_t sent, dropped;
	journal_syslog_counts(js, &sent, &dropped);
	ck_assert_uint_eq(sent + dropped, 2);
	ck_assert_uint_ge(dropped, 1);
	journal_syslog_close(js);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(syslog_bad_spec)
{
	const char *err = NULL;
	ck_assert_ptr_null(journal_syslog_open("off", NULL, NULL, &err));
	ck_assert_ptr_null(err);
	ck_assert_ptr_null(journal_syslog_open(NULL, NULL, NULL, &err));
	ck_assert_ptr_null(err);
	ck_assert_ptr_null(journal_syslog_open("udp:not-an-address:514", NULL, NULL, &err));
	ck_assert_ptr_nonnull(err);
	err = NULL;
	ck_assert_ptr_null(journal_syslog_open("smtp:127.0.0.1:25", NULL, NULL, &err));
	ck_assert_ptr_nonnull(err);
	err = NULL;
	ck_assert_ptr_null(journal_syslog_open("tcp:127.0.0.1:99999", NULL, NULL, &err));
	ck_assert_ptr_nonnull(err);
	/* a bad spec fails journal_open with that reason */
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.syslog = "bogus";
	err = NULL;
	ck_assert_ptr_null(journal_open(&c, "UTC", &err));
	ck_assert_ptr_nonnull(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *journal_syslog_suite(void)
{
	Suite *s = suite_create("journal_syslog");
	TCase *tc = tcase_create("syslog");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, syslog_udp);
	tcase_add_test(tc, syslog_tcp_octet_counting);
	tcase_add_test(tc, syslog_heartbeat);
	tcase_add_test(tc, syslog_digest_message);
	tcase_add_test(tc, syslog_bad_spec);
	tcase_add_test(tc, syslog_collector_away);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	return tu_run(journal_syslog_suite(), NULL);
}
