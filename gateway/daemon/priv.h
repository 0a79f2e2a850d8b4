/* Privileges: root binds and opens, the serving process runs as an unprivileged user. */
#ifndef CG_PRIV_H
#define CG_PRIV_H

#include <sys/types.h>

/* Look up a user; 0 with uid/gid filled, or -1. */
int priv_lookup(const char *user, uid_t *uid, gid_t *gid);

/* Switch every thread of the process to user (supplementary groups, gid, uid) and check
 * that root cannot be regained. Call before starting threads. 0, or -1 with *err set. */
int priv_drop(const char *user, const char **err);

#endif
