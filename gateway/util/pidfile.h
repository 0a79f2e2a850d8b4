/* pidfile: the daemon's pid file, written so that a symlink or a file planted at its
 * path by another user (the folder may be the service user's) is never followed,
 * truncated or chowned: a new file is made under a random name with
 * O_CREAT|O_EXCL|O_NOFOLLOW in the folder (opened by descriptor) and renamed over path. */
#ifndef CG_PIDFILE_H
#define CG_PIDFILE_H

#include <sys/types.h>

/* Write "pid\n" to path (mode 0644). 0, or -1 with errno set. */
int pidfile_write(const char *path, pid_t pid);

#endif
