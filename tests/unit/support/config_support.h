/* Helpers for the config tests: a temporary folder with a few list files (a.list, b.hosts and
 * the UT1 folder ut1dir), a config file written into it and loaded, and the messages the
 * loader gave, looked up by line. */
#ifndef CG_CONFIG_SUPPORT_H
#define CG_CONFIG_SUPPORT_H

#include <stdbool.h>

#include "config.h"

/* One test's folder, its config file and the loader's messages. */
struct fx {
	char *dir;
	char *conf; /* the config file's path, which the messages name */
	struct diag d;
};

/* A fresh folder with a.list, b.hosts and ut1dir/domains; no config file yet. */
void fx_init(struct fx *f);
/* Remove the folder; free all. */
void fx_free(struct fx *f);
/* Set f->conf to DIR/name (nothing is written). */
void fx_path(struct fx *f, const char *name);
/* Write text as DIR/test.conf and load it, the messages going to a fresh f->d. */
struct config *fx_load(struct fx *f, const char *text);
/* Whether some message is "<conf>:<line>: <...want...>". */
bool fx_has(const struct fx *f, unsigned line, const char *want);
/* Print every message to stderr (for a failing case). */
void fx_dump(const struct fx *f);

#endif
