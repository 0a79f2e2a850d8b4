/* Worker threads, one event base each, and SO_REUSEPORT listening sockets. */
#include "evloop.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

unsigned evloop_default_count(void)
{
	cpu_set_t set;
	int n = 1;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n < 1)
		n = 1;
	return n > 8 ? 8 : (unsigned)n;
}

/* libevent's own messages (resolver trouble, ...) go to the operational log. */
static void event_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_ERR)
		log_err("libevent: %s", msg);
	else if (severity == EVENT_LOG_WARN)
		log_warn("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

static void threads_on(void)
{
	evthread_use_pthreads();
	event_set_log_callback(event_log);
}

int evloops_init(struct evloops *ls, unsigned n, const char **err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, threads_on);
	ls->n = 0;
	ls->w = xcalloc(n ? n : 1, sizeof(*ls->w));
	for (unsigned i = 0; i < n; i++) {
		ls->w[i].base = event_base_new();
		if (!ls->w[i].base) {
			*err = "cannot create an event base";
			return -1;
		}
		ls->n++;
	}
	return 0;
}

static void *loop_main(void *arg)
{
	struct evloop *l = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals belong to the main thread */
	pthread_setname_np(pthread_self(), "cg-proxy"); /* HTTP and TLS, for top -H */
	event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int evloops_start(struct evloops *ls)
{
	for (unsigned i = 0; i < ls->n; i++) {
		if (pthread_create(&ls->w[i].thread, NULL, loop_main, &ls->w[i]) != 0)
			return -1;
		ls->w[i].started = true;
	}
	return 0;
}

void evloops_join(struct evloops *ls)
{
	for (unsigned i = 0; ls->w && i < ls->n; i++)
		if (ls->w[i].started) /* loopexit: survives a loop that has not started */
			event_base_loopexit(ls->w[i].base, NULL);
	for (unsigned i = 0; ls->w && i < ls->n; i++) {
		if (ls->w[i].started)
			pthread_join(ls->w[i].thread, NULL);
		ls->w[i].started = false;
	}
}

void evloops_stop(struct evloops *ls)
{
	if (!ls->w)
		return;
	evloops_join(ls);
	for (unsigned i = 0; i < ls->n; i++)
		if (ls->w[i].base)
			event_base_free(ls->w[i].base);
	free(ls->w);
	ls->w = NULL;
	ls->n = 0;
}

int evloop_listen(const struct cg_endpoint *e, const char **err)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(e, &ss);
	int one = 1;
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = "cannot create a TCP socket";
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		*err = "SO_REUSEPORT not supported";
		goto fail;
	}
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		*err = errno == EADDRINUSE ? "address already in use" : "cannot bind";
		goto fail;
	}
	if (listen(fd, 1024) < 0) {
		*err = "cannot listen";
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
