/* A zero-copy relay between two sockets with splice(2) through a pipe per direction,
 * on a libevent base; half-closes are passed on. */
#ifndef CG_SPLICE_H
#define CG_SPLICE_H

struct event_base;
struct splice;

/* Called once when both directions have ended or one failed; the splice is freed right
 * after it returns (with both sockets closed). */
typedef void (*splice_done_cb)(void *arg);

/* Relay a <-> b until both directions end, or until no byte has moved either way for
 * idle_ms (0 = never; checked in quarters, so it ends between idle_ms and 1.25 idle_ms).
 * Takes ownership of both sockets. NULL when pipes or events cannot be made (the sockets
 * are closed then too). */
struct splice *splice_start(struct event_base *base, int a, int b, unsigned idle_ms,
			    splice_done_cb done, void *arg);

/* Stop at once and close everything (without calling done). */
void splice_free(struct splice *sp);

#endif
