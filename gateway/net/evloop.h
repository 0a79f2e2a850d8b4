/* Worker threads with one libevent base each, and the listening sockets they share out
 * (SO_REUSEPORT: every worker has its own socket on each address). */
#ifndef CG_EVLOOP_H
#define CG_EVLOOP_H

#include <pthread.h>
#include <stdbool.h>

#include "addr.h"

struct event_base;

struct evloop {
	struct event_base *base;
	pthread_t thread;
	bool started;
};

struct evloops {
	struct evloop *w;
	unsigned n;
};

/* How many workers to run: the CPUs this process may use (sched_getaffinity), at most 8. */
unsigned evloop_default_count(void);

/* Create n event bases (threading support on). 0, or -1 with *err set. */
int evloops_init(struct evloops *ls, unsigned n, const char **err);

/* Start one thread per base, each running its loop until evloops_stop. 0 or -1. */
int evloops_start(struct evloops *ls);

/* Break every loop and join the threads; the bases stay (free what uses them next). */
void evloops_join(struct evloops *ls);

/* Join (if running) and free the bases. Safe on a half-made set. */
void evloops_stop(struct evloops *ls);

/* A non-blocking TCP socket bound to e and listening (SO_REUSEADDR, SO_REUSEPORT,
 * IPV6_V6ONLY for v6). Returns the fd, or -1 with *err set to a static reason. */
int evloop_listen(const struct cg_endpoint *e, const char **err);

#endif
