/* Helpers for the config tests (config_support.h). */
#include "config_support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

void fx_init(struct fx *f)
{
	f->dir = tu_tmpdir();
	free(tu_write_file(f->dir, "a.list", "example.com\n"));
	free(tu_write_file(f->dir, "b.hosts", "0.0.0.0 example.org\n"));
	char *ut1 = tu_write_file(f->dir, "ut1dir", ""); /* replaced by a folder below */
	remove(ut1);
	ck_assert_int_eq(mkdir(ut1, 0700), 0);
	free(tu_write_file(ut1, "domains", "example.net\n"));
	free(ut1);
	f->conf = NULL;
	diag_init(&f->d);
}

void fx_free(struct fx *f)
{
	diag_free(&f->d);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->conf);
}

void fx_path(struct fx *f, const char *name)
{
	free(f->conf);
	size_t n = strlen(f->dir) + strlen(name) + 2;
	f->conf = malloc(n);
	snprintf(f->conf, n, "%s/%s", f->dir, name);
}

struct config *fx_load(struct fx *f, const char *text)
{
	free(f->conf);
	f->conf = tu_write_file(f->dir, "test.conf", text);
	diag_free(&f->d);
	return config_load(f->conf, &f->d);
}

bool fx_has(const struct fx *f, unsigned line, const char *want)
{
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%s:%u: ", f->conf, line);
	for (size_t i = 0; i < f->d.n; i++)
		if (strncmp(f->d.msgs[i], prefix, strlen(prefix)) == 0 &&
		    strstr(f->d.msgs[i] + strlen(prefix), want))
			return true;
	return false;
}

void fx_dump(const struct fx *f)
{
	for (size_t i = 0; i < f->d.n; i++)
		fprintf(stderr, "  %s\n", f->d.msgs[i]);
}
