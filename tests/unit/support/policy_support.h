/* Helpers for the policy tests: a config built in code, its lists written to a
 * temporary folder (tmp, made by setup and removed by teardown), the snapshot built, and
 * one decision asked for a client, host and time. */
#ifndef CG_POLICY_SUPPORT_H
#define CG_POLICY_SUPPORT_H

#include <time.h>

#include "config.h"
#include "policy.h"

/* Wednesday 2026-11-25 10:00 in Asia/Shanghai, the same day at 20:00, and Saturday. */
#define WED_1000 ((time_t)1795572000)
#define WED_2000 (WED_1000 + 10 * 3600)
#define SAT_1000 (WED_1000 + 3 * 86400)

extern char *tmp;

void setup(void);
void teardown(void);
void add_list(struct cfg_list **lists, size_t *n, const char *file, const char *text);
unsigned add_category(struct config *cfg, const char *name, enum category_kind kind,
			     const char *text);
struct cfg_group *add_group(struct config *cfg, const char *name, const char *subnets,
				   uint32_t block, uint32_t scheduled, int timetable);
int add_timetable(struct config *cfg, const char *name, const char *zone);
struct policy *build(const struct config *cfg, size_t want_errors);
enum action decide(const struct policy *p, const char *client, const char *host,
			  const char *path, time_t when, struct verdict *v);
void rule_is(const struct verdict *v, enum rule_kind kind, const char *file,
		    unsigned line, const char *text);

#endif
