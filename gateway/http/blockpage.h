/* The block page: a self-contained 403 page in the browser's language (zh-CN or English),
 * the other one a click away, naming the school and whom to ask. */
#ifndef CG_BLOCKPAGE_H
#define CG_BLOCKPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "i18n.h"
#include "tz.h"
#include "util.h"

/* What the page shows. Every string may be NULL; all are HTML-escaped. The rule text is
 * deliberately not among them: the page never reveals the list contents. */
struct blockpage_info {
	enum lang lang;
	const char *host;
	const char *category_title; /* in lang; falls back to the category name */
	const char *category_title_alt; /* in the other language (NULL: category_title) */
	const char *school;         /* the school's name ([journal] school) */
	const char *contact;        /* whom to ask ([journal] contact) */
	const char *time_text;      /* "2026-11-25 14:03:07 +0800" */
	const char *client;         /* client address */
	const char *request_id;     /* the journal event id */
	bool bypass;                /* a bypass category (DoH, VPN, ...) */
	int status;                 /* blockpage_response's status: 0 is 403; 405 (a method
				       this port does not take, with an Allow field) */
	const char *review_token;   /* the review form's token (http_review.h), or NULL for
				       no form */
	const char *path;           /* the blocked path, carried by the form (may be NULL) */
};

/* Where the block page's review form posts, on the blocked host itself. */
#define BLOCKPAGE_REVIEW_PATH "/.campusgate/review"

/* The answer to a review form: status 200 (thank you, with the request's event id),
 * or 400, 403, 429, 503 with text saying why; always closes. */
struct blockpage_review {
	enum lang lang;
	int status;
	enum msg_id text;           /* the refusal's text (status other than 200) */
	const char *host;
	const char *school;
	const char *event_id;       /* 200: the request's journal event id */
};
void blockpage_review_response(struct sbuf *out, const struct blockpage_review *br);

/* Append the HTML document to out. */
void blockpage_render(struct sbuf *out, const struct blockpage_info *bi);

/* Append a whole HTTP/1.1 403 response (headers + the page) to out; keep_alive picks
 * the Connection header. head_only (a HEAD request): the same headers, Content-Length
 * included, without the page (RFC 9110 9.3.2), so that keep-alive stays in step. */
void blockpage_response(struct sbuf *out, const struct blockpage_info *bi, bool keep_alive,
			bool head_only);

/* Append a small plain error response ("400 Bad Request", ...) in lang; always closes. */
void blockpage_error(struct sbuf *out, int status, enum lang lang);

/* Append s (len bytes) to out with & < > " ' escaped; control bytes are dropped. */
void blockpage_escape(struct sbuf *out, const char *s, size_t len);

/* Format t in zone z (NULL: the process's zone) as "YYYY-MM-DD HH:MM:SS +hhmm" into
 * buf (at least 32 bytes); returns buf. */
const char *blockpage_time(time_t t, const struct tz *z, char *buf, size_t len);

#endif
