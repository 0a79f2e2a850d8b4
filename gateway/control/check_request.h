/* check_request: the control socket's "check" request, by which the web console asks
 * campusgated to explain its running policy's decision for a name or URL (as `campusgate
 * check` does from the files), so the console never loads the lists itself:
 *
 *     check TARGET [client ADDRESS] [dest ADDRESS] [time UNIX_SECONDS]
 *
 * TARGET a name or URL (http[s]://host[:port]/path?query), at most CHECK_TARGET_MAX bytes
 * of printable non-space characters (UTF-8 allowed: a Unicode name), client ADDRESS an
 * IPv4 or IPv6 address (decides the group; without it the default group), dest ADDRESS
 * the IPv4 or IPv6 address the connection goes to (decided too, as `campusgate check
 * --dest`: a block on the name or the address blocks), each address at most
 * CHECK_ADDR_MAX bytes, UNIX_SECONDS the time to decide at (timetables; without it now).
 * Each keyword at most once. The daemon answers "ok" and "key value" lines
 * (daemon/daemon_explain.c lists the keys), or "error" and why. */
#ifndef CG_CHECK_REQUEST_H
#define CG_CHECK_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "name.h"
#include "util.h"

#define CHECK_TARGET_MAX 2048
#define CHECK_PATH_MAX 4096
#define CHECK_TIME_MAX 4102444800LL /* 2100-01-01 */
#define CHECK_ADDR_MAX (CG_ADDR_STRLEN - 1) /* the longest address text addr_parse takes */

struct check_request {
	char target[CHECK_TARGET_MAX + 1];
	bool has_client;
	struct cg_addr client;
	bool has_dest;
	struct cg_addr dest;
	bool has_time;
	int64_t when;   /* seconds since the epoch */
};

/* Parse the request line (len bytes, no newline). 0, or -1 with *why (static text). */
int check_request_parse(const char *buf, size_t len, struct check_request *out,
			const char **why);

/* An IPv4 or IPv6 address of len bytes at buf (no NUL inside, at most CHECK_ADDR_MAX
 * bytes) into out. 0, or -1 when it is too long (*too_long set) or not an address. */
int check_addr_parse(const char *buf, size_t len, struct cg_addr *out, bool *too_long);

/* The request line for target, client and dest (NULL: none) and when (< 0: none). 0, or
 * -1 when target is not a valid target (empty, too long, spaces or control characters). */
int check_request_format(struct sbuf *out, const char *target, const struct cg_addr *client,
			 const struct cg_addr *dest, int64_t when);

/* Split a name or URL into its normalised host (host: NAME_MAX_LEN + 1 bytes) and its
 * path with query (path: CHECK_PATH_MAX + 1 bytes; *has_path false for a bare name): a
 * scheme, user:password@ and a port are dropped. Returns the host's length, or -1 with
 * *why (static English text). Shared by `campusgate check` and the daemon. */
int check_target_split(const char *arg, char *host, char *path, bool *has_path,
		       const char **why);

/* Append "key value\n" to out with the value's control characters (newlines included)
 * as '?', so that one value stays one line of the reply. */
void check_reply_add(struct sbuf *out, const char *key, const char *value);

#endif
