/* fetch: one HTTPS download into memory with libcurl, bounded in size and time, for
 * `campusgate update`. Only https:// (redirects only to https://), the peer and host
 * always verified (against ca_file when given, else the system's CAs). */
#ifndef CG_FETCH_H
#define CG_FETCH_H

#include <stddef.h>

#include "util.h"

/* GET url into out (at most max bytes; more fails). timeout_s bounds the whole transfer.
 * 0, or -1 with a message in err. */
int fetch_url(const char *url, const char *ca_file, unsigned timeout_s, size_t max,
	      struct sbuf *out, char *err, size_t errlen);

#endif
