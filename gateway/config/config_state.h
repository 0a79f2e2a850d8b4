/* config_state: the state of reading one config file, and the helpers every key setter
 * uses (report on the current line, resolve a path, set a string, a number or a boolean,
 * check a zone, an interface or a user name). The bottom of the loader: the setters
 * (config_keys.c, config_services.c, config_rules.c) and the line reader (config_load.c)
 * use it; it calls none of them. Not for other parts. */
#ifndef CG_CONFIG_STATE_H
#define CG_CONFIG_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "i18n.h"

enum cload_sec {
	SEC_NONE, SEC_BAD, SEC_GENERAL, SEC_DNS, SEC_HTTP, SEC_SENSOR, SEC_JOURNAL,
	SEC_CONSOLE, SEC_DISTRICT, SEC_ALLOW, SEC_CATEGORY, SEC_TIMETABLE, SEC_GROUP, SEC_IPMAC, SEC_COUNT
};

/* A category named by a group, resolved once the whole file is read. */
struct cload_catref {
	char *name;
	unsigned line;
	bool scheduled;
};

/* What a [group] section says that can only be checked at the end. */
struct cload_group {
	struct cload_catref *refs;
	size_t n_refs;
	bool has_scheduled;
	char *timetable;
	unsigned tt_line;
	int safe_search;   /* -1 = not given */
	bool ss_set[4];    /* google, bing, youtube, duckduckgo given one by one */
};

struct cload {
	struct config *cfg;
	struct diag *diag;
	const char *file;          /* as given, for messages */
	const char *buf;
	size_t len, pos;
	unsigned line;             /* the line inih is handling */
	enum cload_sec sec;
	size_t idx;                /* which category/timetable/group */
	uint64_t seen;             /* keys given in this section */
	bool first;                /* the key's first time in this section */
	const char *key;           /* the key being set (for messages) */
	unsigned sec_line[SEC_COUNT];
	struct cload_group *gp;    /* parallel to cfg->groups */
};

/* One key of a section: its setter checks the value and stores it in st->cfg. */
struct cload_key {
	const char *name;
	bool repeat;
	bool empty_ok;
	void (*set)(struct cload *st, const char *value);
};

#define CLOAD_MAX_LIST 64 /* entries of a repeatable key */

/* Set *out to a copy of v, or report that it is longer than max bytes. */
void cload_set_string(struct cload *st, const char *v, size_t max, char **out);
/* Set *out to v when it names a time zone that loads; else report why. */
void cload_check_zone(struct cload *st, const char *v, char **out);

/* yes/true/on/1 or no/false/off/0 into *out: 0, or -1 reported. */
int cload_bool(struct cload *st, const char *v, bool *out);
/* A number in [min, max] into *out: 0, or -1 reported. */
int cload_num(struct cload *st, const char *v, unsigned long long min, unsigned long long max,
	      unsigned long long *out);
/* Set *out to a number in [min, max], or report and leave it. */
void cload_set_uns(struct cload *st, const char *v, unsigned long long min,
		   unsigned long long max, unsigned *out);
/* Replace *out with v resolved as cload_path does. */
void cload_set_path(struct cload *st, const char *v, char **out);
/* Whether v is an interface name as the kernel takes it (1-15 bytes, no blanks or
 * quotes); reported when not. */
bool cload_iface_ok(struct cload *st, const char *v);
/* Set *out to a copy of v when it is a valid user name (1-32 of [a-z0-9_-], not starting
 * with a digit or '-') that exists on this system; else report and leave it. */
void cload_set_user(struct cload *st, const char *v, char **out);

/* Report "file:line: message" for the current line: message id of the catalogue
 * (messages.def) with its arguments, in English and zh-CN (i18n.h diag_msg). */
#define cload_msg(st, id, ...) \
	diag_msg((st)->diag, false, (st)->file, (st)->line, id, ##__VA_ARGS__)

/* A path from the file, resolved against the config's directory (caller frees). */
char *cload_path(const struct cload *st, const char *v);

#endif
