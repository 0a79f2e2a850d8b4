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
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* A client must send its request and take its reply within this time. */
#define CONTROL_CLIENT_MS 5000

struct control {
	int fd;
	int stop_pipe[2];
	char *path;
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

/* Whether a daemon answers on path already. */
static bool control_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

struct control *control_open(const char *path, uid_t uid, gid_t gid, const char **err)
{
	struct sockaddr_un sa;
	struct stat st;
	*err = NULL;
	if (!path || !path[0] || unix_addr(path, &sa) < 0) {
		*err = "the control socket path is empty or too long (at most 107 bytes)";
		return NULL;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			*err = "a file that is not a socket is in the way";
			return NULL;
		}
		if (control_alive(&sa)) {
			*err = "another campusgated answers on this control socket";
			return NULL;
		}
		unlink(path); /* stale: left by a daemon that did not stop cleanly */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*err = strerror(errno);
		return NULL;
	}
	/* Nobody but the owner may connect before the mode and owner are set. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(fd, 16) < 0) {
		*err = strerror(errno);
		close(fd);
		return NULL;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) {
		*err = strerror(errno);
		goto fail;
	}
	if (chmod(path, gid != (gid_t)-1 ? 0660 : 0600) < 0) {
		*err = strerror(errno);
		goto fail;
	}
	struct control *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->path = xstrdup(path);
	c->stop_pipe[0] = c->stop_pipe[1] = -1;
	c->client_ms = CONTROL_CLIENT_MS;
	return c;
fail:
	unlink(path);
	close(fd);
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
	unlink(c->path);
	free(c->path);
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
