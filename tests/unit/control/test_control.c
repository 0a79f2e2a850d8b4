/* Tests for control.c: the control socket's server and client on a real UNIX socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "testutil.h"
#include "util.h"

static void echo(void *arg, const char *cmd, uid_t uid, struct sbuf *out)
{
	int *calls = arg;
	(*calls)++;
	if (strcmp(cmd, "status") == 0)
		sbuf_printf(out, "ok\nuid %ld\n", (long)uid);
	else
		sbuf_printf(out, "error\nunknown request '%s'\n", cmd);
}

static char *sock_path(const char *dir)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/control.sock", dir);
	return sbuf_take(&b);
}

START_TEST(request_and_reply)
{
	char *dir = tu_tmpdir(), *path = sock_path(dir);
	const char *err = NULL;
	int calls = 0;
	struct control *c = control_open(path, (gid_t)-1, &err);
	ck_assert_msg(c != NULL, "%s", err ? err : "");
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);  /* no group given: the owner only */
	ck_assert_int_eq(control_start(c, echo, &calls), 0);

	struct sbuf out;
	sbuf_init(&out);
	ck_assert_int_eq(control_request(path, "status", 2000, &out, 4096), 0);
	char want[64];
	snprintf(want, sizeof(want), "ok\nuid %ld\n", (long)getuid());
	ck_assert_str_eq(out.data, want);
	sbuf_reset(&out);
	ck_assert_int_eq(control_request(path, "bogus", 2000, &out, 4096), 0);
	ck_assert_str_eq(out.data, "error\nunknown request 'bogus'\n");
	/* a reply larger than the caller takes is an error, not a cut reply */
	sbuf_reset(&out);
	ck_assert_int_eq(control_request(path, "status", 2000, &out, 4), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(calls, 3);
	sbuf_free(&out);

	control_close(c);
	ck_assert_int_eq(access(path, F_OK), -1);  /* removed at close */
	sbuf_init(&out);
	ck_assert_int_eq(control_request(path, "status", 500, &out, 4096), -1);
	ck_assert(errno == ENOENT || errno == ECONNREFUSED);
	sbuf_free(&out);
	tu_rmtree(dir);
	free(dir);
	free(path);
}
END_TEST

/* A request line longer than the limit is refused without calling the handler. */
START_TEST(long_request_refused)
{
	char *dir = tu_tmpdir(), *path = sock_path(dir);
	const char *err = NULL;
	int calls = 0;
	struct control *c = control_open(path, (gid_t)-1, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(control_start(c, echo, &calls), 0);
	char big[CONTROL_MAX_REQUEST + 50];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct sbuf out;
	sbuf_init(&out);
	ck_assert_int_eq(control_request(path, big, 2000, &out, 4096), 0);
	ck_assert_str_eq(out.data, "error\nrequest too long\n");
	ck_assert_int_eq(calls, 0);
	sbuf_free(&out);
	control_close(c);
	tu_rmtree(dir);
	free(dir);
	free(path);
}
END_TEST

/* A client that connects and says nothing holds the socket only for the client timeout;
 * the next client is answered after it. */
START_TEST(silent_client_times_out)
{
	char *dir = tu_tmpdir(), *path = sock_path(dir);
	const char *err = NULL;
	int calls = 0;
	struct control *c = control_open(path, (gid_t)-1, &err);
	ck_assert_ptr_nonnull(c);
	control_set_client_timeout(c, 300);
	ck_assert_int_eq(control_start(c, echo, &calls), 0);
	int silent = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(silent, (struct sockaddr *)&sa, sizeof(sa)), 0);
	struct sbuf out;
	sbuf_init(&out);
	ck_assert_int_eq(control_request(path, "status", 3000, &out, 4096), 0);
	ck_assert(strncmp(out.data, "ok\n", 3) == 0);
	char b;
	ck_assert_int_eq(read(silent, &b, 1), 0);  /* closed by the server, no reply */
	close(silent);
	sbuf_free(&out);
	control_close(c);
	tu_rmtree(dir);
	free(dir);
	free(path);
}
END_TEST

/* A stale socket file (no daemon) is replaced; a live one and a non-socket are refused. */
START_TEST(stale_live_and_foreign_files)
{
	char *dir = tu_tmpdir(), *path = sock_path(dir);
	const char *err = NULL;
	int calls = 0;
	int stale = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(bind(stale, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(stale);  /* the file stays, nobody listens */
	struct control *c = control_open(path, (gid_t)-1, &err);
	ck_assert_msg(c != NULL, "%s", err ? err : "");
	ck_assert_int_eq(control_start(c, echo, &calls), 0);
	ck_assert_ptr_null(control_open(path, (gid_t)-1, &err));
	ck_assert_str_eq(err, "another campusgated answers on this control socket");
	control_close(c);

	char *file = tu_write_file(dir, "control.sock", "not a socket\n");
	ck_assert_ptr_null(control_open(path, (gid_t)-1, &err));
	ck_assert_str_eq(err, "a file that is not a socket is in the way");
	ck_assert_int_eq(access(file, F_OK), 0);  /* left alone */
	free(file);
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_ptr_null(control_open(longp, (gid_t)-1, &err));
	ck_assert_ptr_null(control_open("", (gid_t)-1, &err));
	tu_rmtree(dir);
	free(dir);
	free(path);
}
END_TEST

/* Someone who can write the folder plants a symlink where the socket goes: refused, and
 * the link's target is not touched (no chown or chmod through it). A folder others can
 * write, or a folder that is itself a symlink, is refused before anything is made. */
START_TEST(planted_links_and_open_folders_refused)
{
	char *dir = tu_tmpdir(), *outside = tu_tmpdir();
	char *path = sock_path(dir);
	char *victim = tu_write_file(outside, "shadow", "secret\n");
	ck_assert_int_eq(chmod(victim, 0640), 0);
	ck_assert_int_eq(symlink(victim, path), 0);
	const char *err = NULL;
	ck_assert_ptr_null(control_open(path, (gid_t)-1, &err));
	ck_assert_str_eq(err, "a file that is not a socket is in the way");
	struct stat st;
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_eq(st.st_uid, getuid());
	ck_assert_int_eq(unlink(path), 0);
	/* A dangling link to where a socket would be made: not followed either. */
	char *ghost = sock_path(outside);
	ck_assert_int_eq(symlink(ghost, path), 0);
	ck_assert_ptr_null(control_open(path, (gid_t)-1, &err));
	ck_assert_int_eq(access(ghost, F_OK), -1);
	ck_assert_int_eq(unlink(path), 0);
	/* A folder that others can write. */
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_ptr_null(control_open(path, (gid_t)-1, &err));
	ck_assert_msg(strstr(err, "writable by it alone"), "%s", err);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	/* The folder is a symlink. */
	char *linkdir = NULL, *lpath = NULL;
	ck_assert_int_ge(asprintf(&linkdir, "%s/linked", dir), 0);
	ck_assert_int_eq(symlink(outside, linkdir), 0);
	lpath = sock_path(linkdir);
	ck_assert_ptr_null(control_open(lpath, (gid_t)-1, &err));
	ck_assert_msg(strstr(err, "symlink"), "%s", err);
	ck_assert_int_eq(access(ghost, F_OK), -1);
	/* A missing folder is made, 0755, ours. */
	char *sub = NULL, *spath = NULL;
	ck_assert_int_ge(asprintf(&sub, "%s/run", dir), 0);
	spath = sock_path(sub);
	struct control *c = control_open(spath, (gid_t)-1, &err);
	ck_assert_msg(c != NULL, "%s", err ? err : "");
	ck_assert_int_eq(lstat(sub, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	control_close(c);
	free(sub);
	free(spath);
	free(linkdir);
	free(lpath);
	free(ghost);
	free(victim);
	free(path);
	tu_rmtree(dir);
	tu_rmtree(outside);
	free(dir);
	free(outside);
}
END_TEST

/* As root with a control group: the socket is made with that group and mode 0660 (no
 * chown afterwards), and the process's effective group is the same as before. */
START_TEST(group_set_at_creation)
{
	if (geteuid() != 0) {
		fprintf(stderr, "group_set_at_creation: not run: needs root\n");
		return;
	}
	char *dir = tu_tmpdir(), *path = sock_path(dir);
	const char *err = NULL;
	gid_t before = getegid();
	struct control *c = control_open(path, 65534, &err);
	ck_assert_msg(c != NULL, "%s", err ? err : "");
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_gid, 65534);
	ck_assert_int_eq(st.st_uid, 0);
	ck_assert_int_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(getegid(), before);
	control_close(c);
	ck_assert_int_eq(access(path, F_OK), -1);
	tu_rmtree(dir);
	free(dir);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");
	tcase_add_test(tc, request_and_reply);
	tcase_add_test(tc, planted_links_and_open_folders_refused);
	tcase_add_test(tc, group_set_at_creation);
	tcase_add_test(tc, long_request_refused);
	tcase_add_test(tc, silent_client_times_out);
	tcase_add_test(tc, stale_live_and_foreign_files);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
