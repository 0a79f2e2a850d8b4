/* http_answer: the answers the proxy gives itself instead of relaying: the block page
 * for a blocked request (journaled, with the review form when a name is blocked), the
 * journal event of a request that is relayed but observed, and the review form's post.
 * Internal to the http front end. */
#ifndef CG_HTTP_ANSWER_H
#define CG_HTTP_ANSWER_H

#include <stdbool.h>

#include "http_conn.h"
#include "journal.h"
#include "policy.h"
#include "request.h"

/* Journal request r with verdict v (reason, when given, replaces the verdict's): its
 * event id into id, or "" when not journaled. */
void http_answer_journal(struct http_conn *c, const struct request *r, const struct verdict *v,
			 const char *reason, char id[JOURNAL_ID_LEN]);

/* Answer a blocked request (or any, on the block-page server) with the block page,
 * journaled, and drop the caller's reference to p; the head (n bytes) is consumed, and
 * the connection waits for the next head or closes after the answer (it does when a
 * body would have to be skipped). */
void http_answer_blocked(struct http_conn *c, struct policy *p, const struct http_request *req,
			 const struct request *r, struct verdict *v, const char *reason, int n);

/* The block page's review form, posted to the blocked host: answered here, never
 * relayed (http_review.c), and p's reference dropped; the connection closes after the
 * answer. false while its body is not all in (the head is read again with it, under the
 * head timeout). */
bool http_answer_review(struct http_conn *c, struct policy *p, const struct http_request *req,
			const struct request *r, const struct verdict *v, int n);

#endif
