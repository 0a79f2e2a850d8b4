/* control: campusgated's local control socket (a UNIX stream socket), through which
 * `campusgate reload|status` and the web console ask for a reload and get its result,
 * or read the daemon's state. One short request a connection; one client at a time. */
#ifndef CG_CONTROL_H
#define CG_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* The longest request line; longer requests are refused. */
#define CONTROL_MAX_REQUEST 4096

/* Answer one request. cmd is the request line without its newline; peer_uid is the
 * client's user (SO_PEERCRED). Append the reply to out: its first line is "ok" or
 * "error", then any number of lines. Runs on the control thread. */
typedef void (*control_fn)(void *arg, const char *cmd, uid_t peer_uid, struct sbuf *out);

struct control;

/* Bind path (runs as root, before privileges are dropped): a stale socket there is
 * replaced, a live one (another daemon answers) or any other file is an error. The
 * socket is created with its final owner (the caller: root), group gid and mode 0660
 * (gid -1: our group, mode 0600), never changed by path afterwards. Its folder is made
 * (0755) when missing and must belong to the caller and be writable by it alone (such
 * as /run/campusgate); the reasons are in control.c. Returns NULL with *err set (static
 * text, or errno's) on failure. */
struct control *control_open(const char *path, gid_t gid, const char **err);

/* How long one client may take to send its request and read the reply (default 5 s);
 * a client that stalls holds the socket at most this long. Call before control_start. */
void control_set_client_timeout(struct control *c, unsigned ms);

/* Serve requests on a thread of its own until control_close. 0, or -1. */
int control_start(struct control *c, control_fn fn, void *arg);

/* Stop the thread, close and remove the socket, free. NULL is ignored. */
void control_close(struct control *c);

/* Client side: send cmd, read the whole reply into out (at most max bytes), waiting at
 * most timeout_ms in all. 0, or -1 with errno set (ENOENT/ECONNREFUSED: no daemon there;
 * EACCES: no permission; ETIMEDOUT). */
int control_request(const char *path, const char *cmd, unsigned timeout_ms, struct sbuf *out,
		    size_t max);

#endif
