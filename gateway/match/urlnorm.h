/* One URL normalisation for list rules and requests (RFC 3986 6.2.2 and 5.2.4), for
 * matching only: what a proxy forwards stays as the client sent it. */
#ifndef CG_URLNORM_H
#define CG_URLNORM_H

#include <stddef.h>

/* Normalise a path with its query ("/a/./B?q=%E8%B5%8C") for matching into out (cap
 * bytes), the same for a list rule and a request, so that "/./casino/", "//casino/",
 * "/a/../casino/", "/%63asino/" and "/CASINO/" are all "/casino/":
 *  - the path (up to the first '?' or '#' as sent): every %XX decoded, to UTF-8 bytes as
 *    sent; a decoded %2F, and '\', are '/' like any other (a server that decodes them
 *    serves "/casino%2Fx" as "/casino/x", and one that does not would not serve what a
 *    rule names anyway, so matching the decoded form cannot be walked around); ASCII
 *    lowercased; repeated '/' merged; "." and ".." segments removed (RFC 3986 5.2.4, "..
 *    " never above the root); an empty path is "/";
 *  - the query (from the first '?' as sent): %XX and '+' decoded, ASCII lowercased, no
 *    segment processing; a fragment ('#...') is dropped.
 * The result is at most len + 1 bytes (the "/" of an empty or relative path); with a
 * smaller cap it is cut at cap. Returns the length written. */
size_t urlnorm_path(const char *in, size_t len, char *out, size_t cap);

/* Normalise the host of a list rule ("Example.COM.:80", "ex%61mple.com") into out (cap
 * bytes, NUL-terminated) for name_normalise(): %XX decoded, ASCII lowercased, a default
 * port (":80" or ":443") stripped, one trailing dot dropped; "[v6]" keeps its brackets
 * (and may carry a default port). Returns the length, or -1 with *why (a static English
 * text) for another port or a host that does not fit. */
int urlnorm_host(const char *in, size_t len, char *out, size_t cap, const char **why);

#endif
