/* Safe search: the names of the big search engines and the enforced names their
 * operators publish for networks that want safe search on (answered as a CNAME). */
#ifndef CG_SAFESEARCH_H
#define CG_SAFESEARCH_H

#include <stddef.h>

#include "config.h"

enum safesearch_engine {
	SAFESEARCH_NONE,
	SAFESEARCH_GOOGLE,
	SAFESEARCH_BING,
	SAFESEARCH_YOUTUBE,
	SAFESEARCH_DUCKDUCKGO,
};

/* Which engine a normalised host name belongs to (the search front-end names only:
 * www.google.de yes, mail.google.com no). */
enum safesearch_engine safesearch_engine(const char *host, size_t len);

/* The name host must be answered with for group g (its safesearch_* settings), or NULL
 * when safe search does not apply. A static string. */
const char *safesearch_target(const struct cfg_group *g, const char *host, size_t len);

#endif
