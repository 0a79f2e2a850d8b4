/* http_review: the block page's "request a review" form, answered by the proxy itself:
 * the token that binds a form to the client and blocked host it was shown for, the
 * per-client rate limit, and the handling of a posted form (checked, journaled as an
 * "unblock_request" event, answered with a thank-you page). Internal to the http front
 * end. */
#ifndef CG_HTTP_REVIEW_H
#define CG_HTTP_REVIEW_H

#include <stdbool.h>
#include <time.h>

#include "http_parse.h"
#include "http_worker.h"
#include "policy.h"
#include "request.h"
#include "util.h"

#define HTTP_REVIEW_TOKEN_LEN 48    /* "TTTTTTTT-" + 32 hex digits, and a NUL */
#define HTTP_REVIEW_TOKEN_TTL 3600  /* seconds a block page's form stays good */

struct http_review;

/* A fresh key (random) and an empty rate-limit table. */
struct http_review *http_review_new(void);
void http_review_free(struct http_review *rv);

/* The token of a form shown at now to client for host. */
void http_review_token(const struct http_review *rv, const struct cg_addr *client,
		       const char *host, time_t now, char out[HTTP_REVIEW_TOKEN_LEN]);
/* Whether token was made by this process for client and host within the last
 * HTTP_REVIEW_TOKEN_TTL seconds. */
bool http_review_token_ok(const struct http_review *rv, const struct cg_addr *client,
			  const char *host, const char *token, time_t now);

/* Count one request of client at now: true when it is within limit requests per
 * window seconds (limit 0: never). Thread-safe. */
bool http_review_rate(struct http_review *rv, const struct cg_addr *client, time_t now,
		      unsigned limit, unsigned window);

struct evbuffer;
struct blockpage_info;

/* Offer the review form on the block page bi for the blocked request r (a name, not an
 * address) of client: the token into tok and the path into path (the caller's buffers,
 * which bi then points to). Does nothing when the form is off (set->review_limit 0). */
void http_review_offer(const struct http_shared *sh, const struct http_settings *set,
		       const struct cg_addr *client, const struct request *r,
		       struct blockpage_info *bi, char tok[HTTP_REVIEW_TOKEN_LEN],
		       char *path, size_t path_len);

/* Take a posted form from the client's input in: its head (head_len bytes), then its
 * body, answered as http_review_answer does into out. Returns 1 with the answer in out
 * and what was taken drained from in (the connection must close after the answer), or
 * 0 while the body is not all in yet (nothing written or drained). */
int http_review_take(struct http_shared *sh, const struct http_settings *set,
		     const struct http_request *req, const struct request *r,
		     const struct verdict *v, struct evbuffer *in, size_t head_len,
		     struct sbuf *out);

/* Whether a request head is a POST of the review form (its path, any host). */
bool http_review_is_form(const struct http_request *req);

/* Answer a posted form: req its head, body its body (len bytes), r and v the request
 * for the Host it was posted to and the policy's verdict on it now (a form is taken
 * only for a host that is blocked for this client; v's strings must stay valid, so
 * the caller holds the policy). Writes a whole HTTP response (which closes) to out. */
void http_review_answer(struct http_shared *sh, const struct http_settings *set,
			const struct http_request *req,
			const struct request *r, const struct verdict *v, const char *body,
			size_t len, struct sbuf *out);

#endif
