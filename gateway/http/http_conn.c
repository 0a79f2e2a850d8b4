/* http_conn: what every phase of a client connection does with it: wait for a head
 * under the deadline, answer an error, close after the last answer, free it or hand its
 * sockets over; and the two things the server does before a connection exists (copy the
 * settings, refuse one over the limits). */
#include "http_conn.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blockpage.h"
#include "connlimit.h"
#include "dns_lookup.h"
#include "util.h"

void http_shared_settings(struct http_shared *sh, struct http_settings *out)
{
	pthread_mutex_lock(&sh->lock);
	*out = sh->set;
	pthread_mutex_unlock(&sh->lock);
}

void http_refuse(int fd, enum lang lang)
{
	struct sbuf b;
	sbuf_init(&b);
	blockpage_error(&b, 503, lang);
	ssize_t n = send(fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)n;
	sbuf_free(&b);
	close(fd);
}

void http_conn_close_after_write(struct http_conn *c)
{
	c->state = ST_CLOSING;
	if (c->up) {
		bufferevent_free(c->up);
		c->up = NULL;
	}
	evtimer_del(c->head_timer);
	bufferevent_disable(c->cli, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->cli)) == 0) {
		http_conn_free(c);
		return;
	}
	/* A client that does not take its last answer is dropped after the idle time. */
	struct timeval tv = { c->set.idle_timeout_ms / 1000, (c->set.idle_timeout_ms % 1000) * 1000 };
	bufferevent_set_timeouts(c->cli, NULL, &tv);
	bufferevent_enable(c->cli, EV_WRITE);
}

void http_conn_send_error(struct http_conn *c, int status)
{
	struct sbuf b;
	sbuf_init(&b);
	blockpage_error(&b, status, c->set.lang);
	bufferevent_write(c->cli, b.data, b.len);
	sbuf_free(&b);
	http_conn_close_after_write(c);
}

void http_conn_head_wait(struct http_conn *c)
{
	struct timeval tv = { c->set.head_timeout_ms / 1000, (c->set.head_timeout_ms % 1000) * 1000 };
	c->state = ST_HEAD;
	bufferevent_set_timeouts(c->cli, NULL, NULL);
	evtimer_add(c->head_timer, &tv);
}

void http_conn_free(struct http_conn *c)
{
	struct http_worker *w = c->w;
	connlimit_release(w->sh->limits, &c->client);
	if (c->up)
		bufferevent_free(c->up);
	bufferevent_free(c->cli);
	c->up = c->cli = NULL;
	http_conn_detach(c);
}

void http_conn_detach(struct http_conn *c)
{
	if (c->lookup)
		dns_lookup_cancel(c->lookup);
	LIST_REMOVE(c, link);
	event_free(c->head_timer);
	free(c->req);
	free(c);
}

void http_conn_free_all(struct http_worker *w)
{
	while (!LIST_EMPTY(&w->conns))
		http_conn_free(LIST_FIRST(&w->conns));
}
