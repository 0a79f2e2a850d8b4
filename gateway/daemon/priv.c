/* Privileges: drop from root to the configured user after binding. */
#include "priv.h"

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <unistd.h>

int priv_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int priv_drop(const char *user, const char **err)
{
	uid_t uid;
	gid_t gid;
	if (priv_lookup(user, &uid, &gid) < 0) {
		*err = "no such user";
		return -1;
	}
	if (uid == 0) {
		*err = "the configured user is root";
		return -1;
	}
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0) {
		*err = "cannot change group";
		return -1;
	}
	if (setresuid(uid, uid, uid) < 0) {
		*err = "cannot change user";
		return -1;
	}
	/* A process that dropped root must not be able to get it back. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		*err = "root could be regained after the switch";
		return -1;
	}
	prctl(PR_SET_DUMPABLE, 0);
	return 0;
}
