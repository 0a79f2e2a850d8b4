/* What a request is matched on, prepared once per decision: the host, the path
 * normalised by urlnorm (decoded UTF-8), host+path, and the Unicode form of an IDN host.
 * Inside the policy engine only (policy.c). */
#ifndef CG_POLICY_SUBJECT_H
#define CG_POLICY_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "name.h"
#include "request.h"

#define POLICY_SUBJECT_INLINE_PATH 8192 /* paths up to this need no allocation */
#define POLICY_SUBJECT_MAX_PATH (16u << 20) /* longer paths are cut (max_line_bytes cap) */
#define POLICY_SUBJECT_MAX_UNICODE 1024 /* a decoded 253-byte name fits */

struct policy_subject {
	char host[NAME_MAX_LEN + 1]; /* NUL-terminated copy */
	size_t host_len;             /* 0 when the request's host is unusable */
	bool ip;                     /* an IP literal: matched as an exact name only */
	char *url;                   /* host + normalised path: inline or heap */
	size_t url_len;              /* 0 when the request has no path */
	const char *path;            /* the normalised path inside url */
	size_t path_len;
	/* The directory form of a path that does not end in '/' ("/casino?x" -> "/casino/"),
	 * so that a rule for "/casino/" also covers the directory itself; NULL when the path
	 * ends in '/'. Inside the same buffer as url. */
	const char *dir;
	size_t dir_len;
	char *heap;                  /* url's buffer when the inline one is too small */
	char inline_buf[NAME_MAX_LEN + 2 * POLICY_SUBJECT_INLINE_PATH + 4];
	char unicode[POLICY_SUBJECT_MAX_UNICODE];
	int unicode_len;             /* -2 not decoded yet, -1 no Unicode form */
};

/* Prepare s from req (req's strings are copied). A path longer than the inline buffer
 * takes a heap buffer (cut at POLICY_SUBJECT_MAX_PATH, or left out when memory is short):
 * release it with policy_subject_done. */
void policy_subject_init(struct policy_subject *s, const struct request *req);
void policy_subject_done(struct policy_subject *s);

/* The host with its xn-- labels decoded to UTF-8 (RFC 3492), decoded on first use.
 * Returns its length with the text in s->unicode, or -1 when the host has no xn--
 * label or one does not decode. */
int policy_subject_unicode(struct policy_subject *s);

#endif
