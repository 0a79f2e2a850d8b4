/* What a request is matched on, prepared once per decision without allocating: the
 * host, the normalised path, host+path, and the Unicode form of an IDN host. Inside the
 * policy engine only (policy.c). */
#ifndef CG_POLICY_SUBJECT_H
#define CG_POLICY_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "name.h"
#include "request.h"

#define POLICY_SUBJECT_MAX_PATH 4096 /* longer paths are cut (prefixes stay exact) */
#define POLICY_SUBJECT_MAX_UNICODE 1024 /* a decoded 253-byte name fits */

struct policy_subject {
	char host[NAME_MAX_LEN + 1]; /* NUL-terminated copy */
	size_t host_len;             /* 0 when the request's host is unusable */
	bool ip;                     /* an IP literal: matched as an exact name only */
	char url[NAME_MAX_LEN + POLICY_SUBJECT_MAX_PATH]; /* host + normalised path */
	size_t url_len;              /* 0 when the request has no path */
	const char *path;            /* the normalised path inside url */
	size_t path_len;
	char unicode[POLICY_SUBJECT_MAX_UNICODE];
	int unicode_len;             /* -2 not decoded yet, -1 no Unicode form */
};

/* Prepare s from req (req's strings are copied; s owns nothing on the heap). */
void policy_subject_init(struct policy_subject *s, const struct request *req);

/* The host with its xn-- labels decoded to UTF-8 (RFC 3492), decoded on first use.
 * Returns its length with the text in s->unicode, or -1 when the host has no xn--
 * label or one does not decode. */
int policy_subject_unicode(struct policy_subject *s);

/* Normalise a URL path for prefix matching into out (cap bytes): ASCII lowercased,
 * %XX escapes of unreserved characters (letters, digits, - . _ ~) decoded, other
 * escapes lowercased. The same on list rules and on requests, so "/Casino/" and
 * "/%63asino/" match a rule "/casino/". Returns the length written (cut at cap). */
size_t policy_subject_path(const char *in, size_t len, char *out, size_t cap);

#endif
