/* Unit tests for the journal's crash safety: torn-line recovery, write errors,
 * kill -9 during heavy writing. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "journal_read.h"
#include "journal_support.h"
#include "journal_verify.h"
#include "testutil.h"

/* Append len raw bytes (NULs too) to the newest journal file. */
static void append_bytes(const char *dir, const char *bytes, size_t len)
{
	struct journal_file *files;
	size_t n;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_ge(n, 1);
	int fd = open(files[n - 1].path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	journal_files_free(files, n);
}

static size_t count_torn(const char *dir)
{
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "ls %s/torn | wc -l", dir), 0);
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	ck_assert_int_eq(fscanf(p, "%zu", &n), 1);
	pclose(p);
	free(cmd);
	return n;
}

START_TEST(torn_line_recovered)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "g.example");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	static const char torn[] = "{\"seq\":4,\"time\":\"2026-11-2";
	append_raw(dir, torn); /* half a line: no newline */
	j = open_ok(&c, "UTC");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 5);
	check_chain(&ls);
	ck_assert_str_eq(ls.v[3].r.event, "recovered");
	ck_assert_ptr_nonnull(strstr(ls.v[3].r.reason, "torn"));
	ck_assert_str_eq(ls.v[4].r.event, "hit");
	ck_assert_uint_eq(count_torn(dir), 1);
	lines_free(&ls);

	/* a complete line that does not parse (NUL bytes, as a power cut leaves) is torn,
	 * and so are NUL bytes with no newline after it */
	static const char nul_line[] = "{\"seq\":6,\"ti\0\0\0\0\n\0\0\0";
	append_bytes(dir, nul_line, sizeof nul_line - 1);
	j = open_ok(&c, "UTC");
	journal_close(j);
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 6);
	check_chain(&ls);
	ck_assert_str_eq(ls.v[5].r.event, "recovered");
	ck_assert_uint_eq(count_torn(dir), 2);
	lines_free(&ls);
	verify_ok(dir);

	/* a complete line that parses but does not match its hash was edited: tampering,
	 * not a torn write. It stays where it is, the chain goes on from it, a "tampered"
	 * event and the log say where, and verify still names it. */
	struct journal_file *files;
	size_t nf;
	ck_assert_int_eq(journal_list_files(dir, &files, &nf), 0);
	ck_assert_uint_eq(nf, 1);
	size_t flen;
	char *text = tu_read_file(files[0].path, &flen);
	char *last = text + flen - 1;
	while (last > text && last[-1] != '\n')
		last--;
	char *host = strstr(last, "\"action\":\"recovered\"");
	ck_assert_ptr_nonnull(host);
	memcpy(host + 10, "RECOVERED", 9); /* same length, still a complete line */
	FILE *f = fopen(files[0].path, "w");
	ck_assert_int_eq(fwrite(text, 1, flen, f), flen);
	fclose(f);
	free(text);
	struct stderr_cap cap;
	stderr_begin(&cap);
	j = open_ok(&c, "UTC");
	journal_close(j);
	char *log = stderr_end(&cap);
	char where[96];
	snprintf(where, sizeof where, "%s:6: ", files[0].name);
	ck_assert_msg(strstr(log, "campusgate: error: journal ") &&
		      strstr(log, ": TAMPERING found: ") && strstr(log, where), "log: %s", log);
	free(log);
	ck_assert_uint_eq(count_torn(dir), 2); /* nothing moved aside */
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 7);
	ck_assert_str_eq(ls.v[5].r.action, "RECOVERED"); /* the edited line is kept */
	ck_assert(!journal_line_hash_ok(ls.v[5].text, &ls.v[5].r));
	ck_assert_str_eq(ls.v[6].r.event, "tampered");
	ck_assert_ptr_nonnull(strstr(ls.v[6].r.reason, where));
	ck_assert_uint_eq(ls.v[6].r.seq, ls.v[5].r.seq + 1);
	ck_assert_mem_eq(ls.v[6].r.prev, ls.v[5].r.hash, 32);
	ck_assert(journal_line_hash_ok(ls.v[6].text, &ls.v[6].r));
	lines_free(&ls);
	struct journal_verify_result res;
	journal_verify(dir, INT32_MIN, &res);
	ck_assert_int_ne(res.status, 0);
	ck_assert_str_eq(res.file, files[0].name);
	ck_assert_uint_eq(res.line, 6);
	ck_assert_msg(strncmp(res.what, "edited", 6) == 0, "%s", res.what);
	journal_files_free(files, nf);

	/* once recorded, a reopen records it no more */
	j = open_ok(&c, "UTC");
	journal_close(j);
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 7);
	lines_free(&ls);
	tu_rmtree(dir);
	free(dir);
}
END_TEST


/* A write that fails half way (here: the file size limit, as a full disk would) leaves
 * no half line in the file: every line there is whole, and the failure is counted. */
START_TEST(write_error_leaves_no_half_line)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "full.example");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_flush(j);
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = { 20000, 20000 };
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	for (int i = 0; i < 200; i++) {
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		if (i % 7 == 0)
			journal_flush(j); /* blocks of a few lines, one will straddle the limit */
	}
	journal_flush(j);
	struct journal_stats st;
	journal_get_stats(j, &st);
	ck_assert_uint_gt(st.write_errors, 0);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls); /* asserts that every line is complete and parses */
	ck_assert_uint_gt(ls.n, 10);
	ck_assert_uint_lt(ls.n, 201);
	for (size_t i = 0; i < ls.n; i++)
		ck_assert(journal_line_hash_ok(ls.v[i].text, &ls.v[i].r));
	lines_free(&ls);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Garbage longer than the window start-up reads first: the whole file is searched. */
START_TEST(torn_tail_larger_than_window)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "h.example");
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	size_t big = 5 * JOURNAL_LINE_MAX;
	char *junk = malloc(big + 1);
	for (size_t i = 0; i < big; i++)
		junk[i] = i % 100 == 99 ? '\n' : 'x';
	junk[big] = '\0';
	append_raw(dir, junk);
	free(junk);
	j = open_ok(&c, "UTC");
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 3);
	check_chain(&ls);
	ck_assert_str_eq(ls.v[2].r.event, "recovered");
	ck_assert_ptr_nonnull(strstr(ls.v[2].r.reason, "(327680 bytes)"));
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A child writes as fast as it can and reports, through a pipe, how many events it has
 * flushed; it is killed with SIGKILL mid-stream. Every flushed event must be there,
 * and after recovery the chain must verify. */
START_TEST(kill9_loses_nothing_flushed)
{
	char *dir = tu_tmpdir();
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		struct cfg_journal c = test_cfg(dir);
		c.queue_events = 65536;
		c.max_file_bytes = 1 << 20; /* several parts too */
		const char *err;
		struct journal *j = journal_open(&c, "UTC", &err);
		if (!j)
			_exit(3);
		char reason[32];
		struct journal_event ev;
		ev_basic(&ev, "kill9.example");
		ev.reason = reason;
		for (uint32_t i = 0;; i++) {
			snprintf(reason, sizeof reason, "n=%u", i);
			while (journal_append(j, &ev, NULL) < 0)
				usleep(100);
			if (i % 1000 == 999) {
				journal_flush(j);
				uint32_t acked = i + 1;
				if (write(pfd[1], &acked, sizeof acked) != sizeof acked)
					_exit(4);
			}
		}
	}
	close(pfd[1]);
	uint32_t acked = 0, v;
	uint64_t start = now_mono_ns();
	while (now_mono_ns() - start < 20000000000ull && acked < 30000) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		if (poll(&p, 1, 100) > 0) {
			if (read(pfd[0], &v, sizeof v) != sizeof v)
				break;
			acked = v;
		}
	}
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	ck_assert(WIFSIGNALED(status));
	while (read(pfd[0], &v, sizeof v) == sizeof v)
		acked = v; /* acknowledged just before the kill */
	close(pfd[0]);
	ck_assert_uint_gt(acked, 0);

	/* start-up recovers whatever was half written */
	struct cfg_journal c = test_cfg(dir);
	c.max_file_bytes = 1 << 20;
	struct journal *j = open_ok(&c, "UTC");
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	check_chain(&ls);
	uint32_t next = 0;
	for (size_t i = 0; i < ls.n; i++) {
		unsigned k;
		if (ls.v[i].r.reason && sscanf(ls.v[i].r.reason, "n=%u", &k) == 1) {
			ck_assert_uint_eq(k, next); /* in order, none missing */
			next++;
		}
	}
	ck_assert_msg(next >= acked, "only %u of %u acknowledged events", next, acked);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST


static Suite *journal_store_crash_suite(void)
{
	Suite *s = suite_create("journal_store_crash");
	TCase *tc = tcase_create("crash");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, torn_line_recovered);
	tcase_add_test(tc, torn_tail_larger_than_window);
	tcase_add_test(tc, write_error_leaves_no_half_line);
	tcase_add_test(tc, kill9_loses_nothing_flushed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	return tu_run(journal_store_crash_suite(), NULL);
}
