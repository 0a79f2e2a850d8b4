/* review_form: the block page's "request a review" form (application/x-www-form-urlencoded
 * POST body) parsed as hostile input: bounded, percent-decoded, valid UTF-8 without
 * control characters, known fields only, each at most once. */
#ifndef CG_REVIEW_FORM_H
#define CG_REVIEW_FORM_H

#include <stddef.h>

#define REVIEW_FORM_MAX 4096      /* bytes of the whole body */
#define REVIEW_REASON_MAX 600     /* bytes of the reason, decoded (about 200 Chinese characters) */
#define REVIEW_TEACHER_MAX 64     /* bytes of the teacher's name, decoded */
#define REVIEW_URL_MAX 1024       /* bytes of the blocked path, decoded */
#define REVIEW_TOKEN_MAX 96       /* bytes of the page's token */
#define REVIEW_BLOCK_ID_MAX 19    /* a journal event id */

struct review_form {
	char reason[REVIEW_REASON_MAX + 1];   /* required; spaces trimmed at both ends */
	char teacher[REVIEW_TEACHER_MAX + 1]; /* "" when not given */
	char url[REVIEW_URL_MAX + 1];         /* "" or a path starting with '/' */
	char block_id[REVIEW_BLOCK_ID_MAX + 1]; /* "" or [a-z0-9]+ */
	char token[REVIEW_TOKEN_MAX + 1];     /* required: [A-Za-z0-9_-]+ */
};

/* Parse a form body of len bytes into *f. Returns 0, or -1 with *why (a static English
 * text naming the rejection). */
int review_form_parse(const char *buf, size_t len, struct review_form *f, const char **why);

#endif
