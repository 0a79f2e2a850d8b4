/* control: the daemon's UNIX control socket, served by one thread with poll(2). */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* A client must send its request and take its reply within this time. */
#define CONTROL_CLIENT_MS 5000

struct control {
	int fd;
	int dirfd;                  /* the socket's folder (to remove it at close) */
	int stop_pipe[2];
	char *path, *base;
	pthread_t thread;
	bool running;
	control_fn fn;
	void *arg;
	unsigned client_ms;
};

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/* Whether a daemon answers on sa already. */
static bool control_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

/* The socket's folder, made (0755) when missing and opened by descriptor: it must be
 * writable by its owner alone, and that owner must be us (root when the daemon starts
 * as root), so that nobody else can put a name in the socket's place. *base is the
 * socket's name in it. A descriptor, or -1 with *err set. */
static int control_dir(const char *path, const char **base, const char **err)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? (slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path)))
			  : xstrdup(".");
	*base = slash ? slash + 1 : path;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		*err = "cannot create the control socket's folder";
		free(dir);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(dir);
	struct stat st;
	if (dfd < 0 || fstat(dfd, &st) < 0) {
		*err = "cannot open the control socket's folder (a symlink is refused)";
		goto fail;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		*err = "the control socket's folder must belong to the daemon's starting user "
		       "(root) and be writable by it alone: whoever else can write there can put "
		       "a link in the socket's place";
		goto fail;
	}
	if (!**base) {
		*err = "the control socket path names a folder";
		goto fail;
	}
	return dfd;
fail:
	if (dfd >= 0)
		close(dfd);
	return -1;
}

/* Bind fd to name in the folder dfd, so that the new file has its final owner (us),
 * group (gid, or ours when -1) and mode (0660 with a group, else 0600) from the start.
 *
 * Why so, and not bind() then chown()/chmod(): those take a path, and between bind()
 * and them a name in the socket's place would be followed (a symlink to /etc/shadow
 * chowned to the control group). fchown()/fchmod() on the socket's descriptor do not
 * reach the file on Linux (they change the socket inode, not the name bind() made). So
 * the mode comes from the umask around bind(), and the group from this thread's
 * effective group: the raw setresgid system call changes the calling thread alone (the
 * glibc wrapper would change every thread, the journal writer's included), and is set
 * back at once. The path given to bind() goes through /proc/self/fd/DFD, the folder
 * checked above, so a swapped parent folder cannot move the socket elsewhere; bind()
 * itself never follows a link at the last name (an existing name is EADDRINUSE). The
 * result is checked by descriptor afterwards. 0, or -1 with *err. */
static int control_bind(int fd, int dfd, const char *base, gid_t gid, const char **err)
{
	struct sockaddr_un sa;
	char via[sizeof sa.sun_path];
	if (snprintf(via, sizeof via, "/proc/self/fd/%d/%s", dfd, base) >= (int)sizeof via ||
	    unix_addr(via, &sa) < 0) {
		*err = "the control socket name is too long";
		return -1;
	}
	gid_t egid = getegid();
	bool set_gid = gid != (gid_t)-1 && gid != egid;
	if (set_gid && syscall(SYS_setresgid, (gid_t)-1, gid, (gid_t)-1) < 0) {
		*err = "cannot create the socket with the control group";
		return -1;
	}
	mode_t old = umask(gid != (gid_t)-1 ? 0117 : 0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (set_gid && syscall(SYS_setresgid, (gid_t)-1, egid, (gid_t)-1) < 0)
		fatal("control socket: cannot restore the effective group: %s", strerror(errno));
	if (rc < 0) {
		*err = strerror(e);
		return -1;
	}
	struct stat st;
	mode_t want = gid != (gid_t)-1 ? 0660 : 0600;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode) ||
	    st.st_uid != geteuid() || (gid != (gid_t)-1 && st.st_gid != gid) ||
	    (st.st_mode & 07777) != want) {
		*err = "the socket did not get the intended owner, group or mode (a setgid "
		       "folder?)";
		unlinkat(dfd, base, 0);
		return -1;
	}
	return 0;
}

struct control *control_open(const char *path, gid_t gid, const char **err)
{
	struct sockaddr_un sa;
	struct stat st;
	const char *base;
	*err = NULL;
	if (!path || !path[0] || unix_addr(path, &sa) < 0) {
		*err = "the control socket path is empty or too long (at most 107 bytes)";
		return NULL;
	}
	int dfd = control_dir(path, &base, err);
	if (dfd < 0)
		return NULL;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			*err = "a file that is not a socket is in the way";
			close(dfd);
			return NULL;
		}
		if (control_alive(&sa)) {
			*err = "another campusgated answers on this control socket";
			close(dfd);
			return NULL;
		}
		unlinkat(dfd, base, 0); /* stale: left by a daemon that did not stop cleanly */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*err = strerror(errno);
		close(dfd);
		return NULL;
	}
	if (control_bind(fd, dfd, base, gid, err) < 0)
		goto fail;
	if (listen(fd, 16) < 0) {
		*err = strerror(errno);
		unlinkat(dfd, base, 0);
		goto fail;
	}
	struct control *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->dirfd = dfd;
	c->path = xstrdup(path);
	c->base = xstrdup(base);
	c->stop_pipe[0] = c->stop_pipe[1] = -1;
	c->client_ms = CONTROL_CLIENT_MS;
	return c;
fail:
	close(fd);
	close(dfd);
	return NULL;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes; 1, 0 (time out), -1. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -1 : n > 0;
	}
}

/* Read one request line (bounded in size and time), answer it, close. */
static void control_serve_one(struct control *c, int cfd)
{
	char req[CONTROL_MAX_REQUEST + 1];
	size_t n = 0;
	int64_t deadline = now_ms() + c->client_ms;
	struct sbuf out;
	sbuf_init(&out);
	struct ucred cred = { .uid = (uid_t)-1 };
	socklen_t cl = sizeof(cred);
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0)
		cred.uid = (uid_t)-1;
	while (!memchr(req, '\n', n)) {
		if (n == CONTROL_MAX_REQUEST) {
			sbuf_adds(&out, "error\nrequest too long\n");
			goto reply;
		}
		if (wait_fd(cfd, POLLIN, deadline) <= 0)
			goto done;
		ssize_t r = read(cfd, req + n, CONTROL_MAX_REQUEST - n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			goto done;
		n += (size_t)r;
	}
	*(char *)memchr(req, '\n', n) = '\0';
	if (strlen(req) != strcspn(req, "\r")) /* "status\r\n" from a terminal tool */
		req[strcspn(req, "\r")] = '\0';
	c->fn(c->arg, req, cred.uid, &out);
reply:
	for (size_t off = 0; off < out.len;) {
		if (wait_fd(cfd, POLLOUT, deadline) <= 0)
			break;
		ssize_t w = send(cfd, out.data + off, out.len - off, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
done:
	sbuf_free(&out);
	close(cfd);
}

static void *control_main(void *arg)
{
	struct control *c = arg;
	for (;;) {
		struct pollfd p[2] = { { .fd = c->fd, .events = POLLIN },
				       { .fd = c->stop_pipe[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("control socket: poll: %s", strerror(errno));
			break;
		}
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		int cfd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0)
			continue;
		control_serve_one(c, cfd);
	}
	return NULL;
}

void control_set_client_timeout(struct control *c, unsigned ms)
{
	c->client_ms = ms;
}

int control_start(struct control *c, control_fn fn, void *arg)
{
	c->fn = fn;
	c->arg = arg;
	if (pipe2(c->stop_pipe, O_CLOEXEC) < 0)
		return -1;
	if (pthread_create(&c->thread, NULL, control_main, c) != 0)
		return -1;
	pthread_setname_np(c->thread, "cg-control");
	c->running = true;
	return 0;
}

void control_close(struct control *c)
{
	if (!c)
		return;
	if (c->running) {
		char b = 1;
		if (write(c->stop_pipe[1], &b, 1) < 0)
			log_warn("control socket: cannot wake its thread: %s", strerror(errno));
		pthread_join(c->thread, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (c->stop_pipe[i] >= 0)
			close(c->stop_pipe[i]);
	close(c->fd);
	unlinkat(c->dirfd, c->base, 0); /* may fail once privileges are dropped: then the
					 * next start finds it stale and replaces it */
	close(c->dirfd);
	free(c->path);
	free(c->base);
	free(c);
}

int control_request(const char *path, const char *cmd, unsigned timeout_ms, struct sbuf *out,
		    size_t max)
{
	struct sockaddr_un sa;
	if (unix_addr(path, &sa) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int64_t deadline = now_ms() + timeout_ms;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	struct sbuf req;
	sbuf_init(&req);
	sbuf_printf(&req, "%s\n", cmd);
	ssize_t w = send(fd, req.data, req.len, MSG_NOSIGNAL);
	bool sent = w == (ssize_t)req.len;
	sbuf_free(&req);
	if (!sent)
		goto fail;
	shutdown(fd, SHUT_WR);
	char buf[4096];
	for (;;) {
		int ready = wait_fd(fd, POLLIN, deadline);
		if (ready == 0)
			errno = ETIMEDOUT;
		if (ready <= 0)
			goto fail;
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ECONNRESET && out->len)
			break; /* the server refused a request it did not read whole */
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		if (out->len + (size_t)r > max) {
			errno = EMSGSIZE;
			goto fail;
		}
		sbuf_add(out, buf, (size_t)r);
	}
	close(fd);
	return 0;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}
