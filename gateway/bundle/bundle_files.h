/* bundle_files: a bundle and the file system. Making a bundle from the district's folder
 * of lists (each checked as `campusgate lists check` checks it), checking a bundle's
 * lists the same way, and unpacking one into a new folder that appears whole or not at
 * all. Reading a whole file, bounded. */
#ifndef CG_BUNDLE_FILES_H
#define CG_BUNDLE_FILES_H

#include <stddef.h>

#include "bundle.h"
#include "manifest.h"
#include "minisign.h"
#include "util.h"

/* Read the file at path into out (at most max bytes; more is an error). 0, or -1 with
 * errno (EFBIG when larger than max). */
int bundle_read_file(const char *path, size_t max, struct sbuf *out);

/* Write data to path atomically (path.tmp, fsync, rename), mode 0644. 0 or -1 (errno). */
int bundle_write_atomic(const char *path, const void *data, size_t len);

/* Check every list of the bundle (all files but the manifest) in the native list format
 * with the policy's own parser and pattern compiler; bad lines go to d as
 * "PREFIX/NAME:LINE: reason". Returns the number of bad lines. */
size_t bundle_check_lists(const struct bundle *b, const char *prefix, struct diag *d);

/* Make a bundle from dir's *.list files (other files are left out, with a warning) and
 * m's serial, expires and scope (m's lists are filled in here). Every list is checked:
 * bad lines go to d as "DIR/NAME:LINE: reason" and make the bundle fail. 0, or -1. */
int bundle_make(const char *dir, struct manifest *m, struct sbuf *out, struct diag *d);

/* Unpack the bundle's files into a new folder dest (made as dest.tmp, files fsynced,
 * then renamed; an old dest.tmp is removed first; dest must not exist). 0, or -1 with
 * errno. */
int bundle_unpack(const struct bundle *b, const char *dest);

/* Remove folder dir and the plain files in it (a bundle's folder). 0 or -1. */
int bundle_remove_dir(const char *dir);

#endif

/* Everything `bundle verify` and `update` check of a bundle (buf, len) and its signature
 * file (sig, sig_len): the signature with one of the n pinned keys, the container, the
 * manifest, each list's SHA-256, each list's lines. On success m and b describe the
 * bundle (b points into buf; free m with manifest_free) and *key is the key's index.
 * Else -1, with the reason in d as "NAME[:LINE]: refused: why" (name names the bundle;
 * list lines as NAME/LIST:LINE) and in *why (static English). */
int bundle_verify(const char *buf, size_t len, const char *sig, size_t sig_len,
		  const struct minisign_pub *keys, size_t n, const char *name,
		  struct manifest *m, struct bundle *b, size_t *key, struct diag *d,
		  const char **why);
