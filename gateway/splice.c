/* Socket-to-socket relay with splice(2): bytes go socket -> pipe -> socket in the kernel,
 * never through our buffers. Each direction drains its pipe before reading again, so an
 * EAGAIN on the read side always means "the socket is empty". */
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
#define SPLICE_ROUNDS 16      /* read/write rounds per callback, for fairness */

struct splice_dir {
	struct splice *sp;
	int from, to;
	int p[2];
	size_t pending; /* bytes in the pipe */
	bool eof, done;
	struct event *rd, *wr;
};

struct splice {
	struct splice_dir d[2];
	splice_done_cb done;
	void *arg;
};

void splice_free(struct splice *sp)
{
	if (!sp)
		return;
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

static void pump(struct splice_dir *d)
{
	struct splice *sp = d->sp;
	for (int round = 0; round < SPLICE_ROUNDS; round++) {
		if (d->pending) {
			ssize_t m = splice(d->p[0], NULL, d->to, NULL, d->pending,
					   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (m > 0) {
				d->pending -= (size_t)m;
				continue;
			}
			if (m < 0 && errno == EAGAIN) {
				event_del(d->rd);
				event_add(d->wr, NULL); /* the receiver is slow: wait for room */
				return;
			}
			finish(sp); /* EPIPE, ECONNRESET, ... */
			return;
		}
		if (d->eof) {
			shutdown(d->to, SHUT_WR);
			d->done = true;
			event_del(d->rd);
			event_del(d->wr);
			if (sp->d[0].done && sp->d[1].done)
				finish(sp);
			return;
		}
		ssize_t n = splice(d->from, NULL, d->p[1], NULL, SPLICE_PIPE,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->pending = (size_t)n;
			continue;
		}
		if (n == 0) {
			d->eof = true;
			continue;
		}
		if (errno == EAGAIN) {
			event_del(d->wr);
			event_add(d->rd, NULL);
			return;
		}
		finish(sp);
		return;
	}
	/* Still busy: come back through the loop (the read event is level-triggered). */
	if (d->pending) {
		event_add(d->wr, NULL);
	} else {
		event_del(d->wr);
		event_add(d->rd, NULL);
	}
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

struct splice *splice_start(struct event_base *base, int a, int b, splice_done_cb done,
			    void *arg)
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
		d->rd = event_new(base, d->from, EV_READ | EV_PERSIST, on_event, d);
		d->wr = event_new(base, d->to, EV_WRITE | EV_PERSIST, on_event, d);
		if (!d->rd || !d->wr)
			goto fail;
	}
	event_add(sp->d[0].rd, NULL);
	event_add(sp->d[1].rd, NULL);
	return sp;
fail:
	splice_free(sp);
	return NULL;
}
