/* journal_backreader: the lines of a journal file from the last whole one back to the
 * first, reading each byte once, in blocks from the end (journal_read.h). */
#include "journal_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int journal_backreader_open(struct journal_backreader *br, const char *path, size_t block)
{
	struct stat st;
	memset(br, 0, sizeof *br);
	br->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (br->fd < 0)
		return -1;
	if (fstat(br->fd, &st) < 0) {
		int e = errno;
		close(br->fd);
		br->fd = -1;
		errno = e;
		return -1;
	}
	br->block = block ? block : 1;
	br->cap = br->block + JOURNAL_LINE_MAX;
	br->buf = xmalloc(br->cap);
	br->lo = br->hi = br->cap;
	br->pos = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	br->skip = br->tail = true; /* the bytes after the last newline: dropped */
	return 0;
}

/* The block before buf[lo], read into the bytes before it; what is held is first moved
 * to the end of buf when there is no room (it is less than JOURNAL_LINE_MAX then, so
 * that block bytes fit before it). 0, or -1 (errno set; EIO: the file shrank). */
static int back_read(struct journal_backreader *br)
{
	size_t rd = br->pos < br->block ? (size_t)br->pos : br->block;
	if (br->lo < rd) {
		size_t n = br->hi - br->lo;
		memmove(br->buf + br->cap - n, br->buf + br->lo, n);
		br->lo = br->cap - n;
		br->hi = br->cap;
	}
	br->lo -= rd;
	br->pos -= rd;
	for (size_t got = 0; got < rd;) {
		ssize_t r = pread(br->fd, br->buf + br->lo + got, rd - got, (off_t)(br->pos + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* In skip mode, the bytes held up to the last newline among them are dropped: 1 when
 * that ended the skip (or the file's start was reached), 0 when more are to read, -1
 * (EMSGSIZE) when the dropped bytes were a torn last line over JOURNAL_LINE_MAX. */
static int back_skip(struct journal_backreader *br, const char *nl)
{
	br->dropped += nl ? (size_t)(br->buf + br->hi - nl - 1) : br->hi - br->lo;
	if (!nl && br->pos > 0) {
		br->lo = br->hi = br->cap;
		return 0;
	}
	bool torn_long = br->tail && br->dropped >= JOURNAL_LINE_MAX;
	br->skip = br->tail = false;
	br->dropped = 0;
	if (nl)
		br->hi = (size_t)(nl - br->buf);
	else
		br->done = true;
	if (torn_long) {
		errno = EMSGSIZE;
		return -1;
	}
	return 1;
}

int journal_backreader_prev(struct journal_backreader *br, const char **line, size_t *len)
{
	while (!br->done) {
		size_t n = br->hi - br->lo;
		char *nl = n ? memrchr(br->buf + br->lo, '\n', n) : NULL;
		if (br->skip) {
			int rc = back_skip(br, nl);
			if (rc < 0)
				return -1;
			if (rc > 0)
				continue;
		} else if (nl || br->pos == 0) {
			size_t start = nl ? (size_t)(nl - br->buf) + 1 : br->lo;
			*line = br->buf + start;
			*len = br->hi - start;
			if (nl)
				br->hi = start - 1;
			else
				br->done = true; /* the file's first line */
			if (*len >= JOURNAL_LINE_MAX) {
				errno = EMSGSIZE;
				return -1;
			}
			return 1;
		} else if (n >= JOURNAL_LINE_MAX) {
			/* Too long: reported now, the rest of it dropped (back to the newline
			 * before it). */
			br->skip = true;
			br->lo = br->hi = br->cap;
			errno = EMSGSIZE;
			return -1;
		}
		if (back_read(br) < 0) {
			br->done = true;
			return -1;
		}
	}
	return 0;
}

void journal_backreader_close(struct journal_backreader *br)
{
	if (br->fd >= 0)
		close(br->fd);
	free(br->buf);
	br->fd = -1;
	br->buf = NULL;
}
