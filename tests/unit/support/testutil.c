/* Helpers shared by the Check unit tests. */
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

char *tu_shared_path(const char *rel)
{
	const char *base = getenv("CG_SHARED");
	char *p = join(base ? base : "../shared", "data");
	char *full = join(p, rel);
	free(p);
	if (access(full, R_OK) != 0) {
		free(full);
		return NULL;
	}
	return full;
}

char *tu_source_path(const char *rel)
{
	const char *base = getenv("CG_SOURCE_ROOT");
	return join(base ? base : ".", rel);
}

char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/cgtest.XXXXXX";
	char *d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *dir)
{
	if (dir && strncmp(dir, "/tmp/cgtest.", 12) == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_write_file(const char *dir, const char *name, const char *content)
{
	char *path = join(dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(content, f);
	fclose(f);
	return path;
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int tu_run(Suite *s, const char *skip_reason)
{
	if (skip_reason) {
		printf("SKIP: %s\n", skip_reason);
		srunner_free(srunner_create(s)); /* the runner owns and frees the suite */
		return 77;
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
