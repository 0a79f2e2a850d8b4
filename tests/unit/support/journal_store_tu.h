/* Helpers shared by the journal store's unit tests (test_journal_store.c and
 * test_journal_store_crash.c). */
#ifndef CG_JOURNAL_STORE_TU_H
#define CG_JOURNAL_STORE_TU_H

#include "journal_tu.h"

/* Append raw bytes to the newest journal file. */
static inline void append_raw(const char *dir, const char *bytes)
{
	struct journal_file *files;
	size_t n;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_ge(n, 1);
	int fd = open(files[n - 1].path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, strlen(bytes)), (ssize_t)strlen(bytes));
	close(fd);
	journal_files_free(files, n);
}


#endif
