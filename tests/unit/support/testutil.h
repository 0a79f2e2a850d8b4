/* Helpers shared by the Check unit tests: paths to test data, temporary files. */
#ifndef CG_TESTUTIL_H
#define CG_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/* Path of a file under ../shared/data (from $CG_SHARED), or NULL when the shared
 * material is absent; the caller frees. */
char *tu_shared_path(const char *rel);
/* Path under the project source root ($CG_SOURCE_ROOT, or "."); the caller frees. */
char *tu_source_path(const char *rel);
/* A fresh temporary directory (removed by tu_rmtree); the caller frees the string. */
char *tu_tmpdir(void);
void tu_rmtree(const char *dir);
/* Write a whole file; aborts the test on failure. Returns the path (caller frees). */
char *tu_write_file(const char *dir, const char *name, const char *content);
/* Read a whole file (NUL-terminated); NULL if it cannot be read. */
char *tu_read_file(const char *path, size_t *len);

/* Run a suite, print Check's summary, return the exit status for main(). When
 * skip_reason is set, print it and return 77 (meson's "skipped") instead. */
int tu_run(Suite *s, const char *skip_reason);

#endif
