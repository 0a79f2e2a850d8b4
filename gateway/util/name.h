/* Host-name normalisation at the edge: lowercase, no trailing dot, IDN to punycode. */
#ifndef CG_NAME_H
#define CG_NAME_H

#include <stddef.h>

#define NAME_MAX_LEN 253

/* Normalise a host name given as UTF-8 or ASCII (possibly with a port split off already)
 * into out (at least NAME_MAX_LEN + 1 bytes): lowercase, trailing dot removed, Unicode
 * labels to punycode (IDNA2008 with UTS#46 mapping), IPv6 brackets removed.
 * Returns the length, or -1 with *why set to a short English reason. */
int name_normalise(const char *in, size_t len, char *out, const char **why);

/* Decode punycode labels of a normalised name into UTF-8 (for patterns written in
 * Chinese). Returns a malloc'd string, or NULL when the name has no xn-- label. */
char *name_to_unicode(const char *name);

/* The form of a name that people read: the Unicode form when it has xn-- labels that
 * decode, else a copy of the name. Returns a malloc'd string, or NULL for NULL. Callers
 * that show it next to untrusted text still escape it (a decoded label may hold any
 * character), and show the ASCII form beside it where the two differ. */
char *name_display(const char *name);

/* Whether the text is an IPv4 or IPv6 literal. */
int name_is_ip_literal(const char *name);

#endif
