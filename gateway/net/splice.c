/* Socket-to-socket relay with splice(2): bytes go socket -> pipe -> socket in the kernel,
 * never through our buffers. A direction reads while its pipe has room; an EAGAIN on the
 * read side means "the socket is empty" when the pipe is empty, else that the pipe is
 * full (it can run out of buffer slots before bytes), and then we wait to write. */
#include "splice.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define SPLICE_PIPE (1 << 20) /* asked pipe size; the kernel may give less */
#define SPLICE_ROUNDS 8       /* read/write rounds per callback, for fairness */

struct splice_dir {
	struct splice *sp;
	int from, to;
	int p[2];
	size_t pending; /* bytes in the pipe */
	size_t cap;     /* the pipe's size */
	bool eof, done, rd_on, wr_on;
	struct event *rd, *wr;
};

struct splice {
	struct splice_dir d[2];
	splice_done_cb done;
	void *arg;
	struct event *idle;   /* every quarter of the idle time */
	bool moved;           /* bytes moved since the last quarter */
	unsigned idle_quarters;
};

void splice_free(struct splice *sp)
{
	if (!sp)
		return;
	if (sp->idle)
		event_free(sp->idle);
	for (int i = 0; i < 2; i++) {
		struct splice_dir *d = &sp->d[i];
		if (d->rd)
			event_free(d->rd);
		if (d->wr)
			event_free(d->wr);
		if (d->p[0] >= 0)
			close(d->p[0]);
		if (d->p[1] >= 0)
			close(d->p[1]);
	}
	close(sp->d[0].from);
	close(sp->d[1].from);
	free(sp);
}

static void finish(struct splice *sp)
{
	splice_done_cb done = sp->done;
	void *arg = sp->arg;
	splice_free(sp);
	if (done)
		done(arg);
}

/* Turn the read and write events on or off (epoll_ctl only when that changes). */
static void arm(struct splice_dir *d, bool rd, bool wr)
{
	if (rd != d->rd_on) {
		if (rd)
			event_add(d->rd, NULL);
		else
			event_del(d->rd);
		d->rd_on = rd;
	}
	if (wr != d->wr_on) {
		if (wr)
			event_add(d->wr, NULL);
		else
			event_del(d->wr);
		d->wr_on = wr;
	}
}

/* Move what can be moved now: pipe -> receiver, sender -> pipe (while the pipe has
 * room, so that a slow receiver does not stop the sender at once). */
static void pump(struct splice_dir *d)
{
	struct splice *sp = d->sp;
	for (int round = 0; round < SPLICE_ROUNDS; round++) {
		bool progress = false;
		if (d->pending) {
			ssize_t m = splice(d->p[0], NULL, d->to, NULL, d->pending,
					   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (m > 0) {
				d->pending -= (size_t)m;
				progress = true;
				sp->moved = true;
			} else if (m == 0 || errno != EAGAIN) {
				finish(sp); /* EPIPE, ECONNRESET, ... */
				return;
			}
		}
		if (!d->eof && d->pending < d->cap) {
			ssize_t n = splice(d->from, NULL, d->p[1], NULL, d->cap - d->pending,
					   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				d->pending += (size_t)n;
				progress = true;
			} else if (n == 0) {
				d->eof = true;
				progress = true;
			} else if (errno != EAGAIN) {
				finish(sp);
				return;
			} else if (d->pending) {
				/* The pipe ran out of slots before bytes (small segments): wait
				 * for the receiver instead of polling a readable socket. */
				arm(d, false, true);
				return;
			}
		}
		if (d->eof && d->pending == 0) {
			shutdown(d->to, SHUT_WR); /* pass the half-close on */
			d->done = true;
			arm(d, false, false);
			if (sp->d[0].done && sp->d[1].done)
				finish(sp);
			return;
		}
		if (!progress)
			break;
	}
	arm(d, !d->eof && d->pending < d->cap, d->pending > 0);
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

static void on_idle(evutil_socket_t fd, short what, void *arg)
{
	struct splice *sp = arg;
	(void)fd;
	(void)what;
	if (sp->moved) {
		sp->moved = false;
		sp->idle_quarters = 0;
	} else if (++sp->idle_quarters >= 4) {
		finish(sp); /* silent both ways for the idle time */
	}
}

struct splice *splice_start(struct event_base *base, int a, int b, unsigned idle_ms,
			    splice_done_cb done, void *arg)
{
	struct splice *sp = xcalloc(1, sizeof(*sp));
	sp->done = done;
	sp->arg = arg;
	sp->d[0].from = sp->d[1].to = a;
	sp->d[0].to = sp->d[1].from = b;
	for (int i = 0; i < 2; i++) {
		struct splice_dir *d = &sp->d[i];
		d->sp = sp;
		d->p[0] = d->p[1] = -1;
	}
	for (int i = 0; i < 2; i++) {
		struct splice_dir *d = &sp->d[i];
		if (pipe2(d->p, O_NONBLOCK | O_CLOEXEC) < 0)
			goto fail;
		fcntl(d->p[1], F_SETPIPE_SZ, SPLICE_PIPE); /* best effort */
		int cap = fcntl(d->p[1], F_GETPIPE_SZ);
		d->cap = cap > 0 ? (size_t)cap : 65536;
		d->rd = event_new(base, d->from, EV_READ | EV_PERSIST, on_event, d);
		d->wr = event_new(base, d->to, EV_WRITE | EV_PERSIST, on_event, d);
		if (!d->rd || !d->wr)
			goto fail;
	}
	if (idle_ms) {
		unsigned q = idle_ms / 4 ? idle_ms / 4 : 1;
		struct timeval tv = { q / 1000, (q % 1000) * 1000 };
		sp->idle = event_new(base, -1, EV_PERSIST, on_idle, sp);
		if (!sp->idle || event_add(sp->idle, &tv) < 0)
			goto fail;
	}
	arm(&sp->d[0], true, false);
	arm(&sp->d[1], true, false);
	return sp;
fail:
	splice_free(sp);
	return NULL;
}
