/* pidfile: write a pid file atomically and without following links. */
#include "pidfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Split path into its folder (opened O_DIRECTORY) and its last name. -1 on error. */
static int pidfile_dir(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	*base = slash ? slash + 1 : path;
	if (!**base) {
		errno = EISDIR;
		return -1;
	}
	if (!slash)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (slash == path)
		return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *dir = xstrndup(path, (size_t)(slash - path));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

int pidfile_write(const char *path, pid_t pid)
{
	const char *base;
	char tmp[256], text[32];
	int fd = -1, e;
	int dfd = pidfile_dir(path, &base);
	if (dfd < 0)
		return -1;
	int n = snprintf(text, sizeof text, "%ld\n", (long)pid);
	/* A fresh name each try: O_EXCL|O_NOFOLLOW never opens what someone put there. */
	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		unsigned r = 0;
		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
			r = (unsigned)getpid() * 2654435761u + (unsigned)tries;
		if (snprintf(tmp, sizeof tmp, ".%s.%08x.tmp", base, r) >= (int)sizeof tmp) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			goto fail;
	}
	if (fd < 0)
		goto fail;
	bool ok = fchmod(fd, 0644) == 0 && write(fd, text, (size_t)n) == n;
	e = errno;
	if (close(fd) < 0 && ok) {
		ok = false;
		e = errno;
	}
	fd = -1;
	if (!ok) {
		errno = e ? e : EIO;
		goto fail_unlink;
	}
	/* rename replaces whatever name is at path (a planted symlink included) and never
	 * follows it. */
	if (renameat(dfd, tmp, dfd, base) < 0)
		goto fail_unlink;
	close(dfd);
	return 0;
fail_unlink:
	e = errno;
	unlinkat(dfd, tmp, 0);
	errno = e;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	close(dfd);
	errno = e;
	return -1;
}
