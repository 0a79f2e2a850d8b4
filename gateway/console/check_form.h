/* check_form: the console's /check form (a name or URL, a client address, a destination
 * address, a time) checked as hostile input and turned into the control socket's "check"
 * request line (control/check_request.h), so that the page sends the daemon only what
 * its parser takes and tells the reader which field was wrong. */
#ifndef CG_CHECK_FORM_H
#define CG_CHECK_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum check_form_field {
	CHECK_FORM_OK,
	CHECK_FORM_TARGET,
	CHECK_FORM_CLIENT,
	CHECK_FORM_DEST,
	CHECK_FORM_TIME,
};

/* The fields as the browser sent them: each a pointer and a length (NULL or length 0:
 * not given; bytes after len are not read, a NUL inside is refused); when the time in
 * seconds since the epoch, -1 for now (the page turns the school-time text into it). */
struct check_form {
	const char *target, *client, *dest;
	size_t target_len, client_len, dest_len;
	int64_t when;
};

/* Append the request line for f to out. 0, or -1 with *bad the first field at fault
 * (the target is required; nothing is appended then). */
int check_form_request(const struct check_form *f, struct sbuf *out,
		       enum check_form_field *bad);

#endif
