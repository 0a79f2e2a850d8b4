/* The policy snapshot's insides, shared by building it (policy_build.c) and deciding
 * with it (policy.c); nothing outside the policy part includes this. */
#ifndef CG_POLICY_INT_H
#define CG_POLICY_INT_H

#include <stdatomic.h>

#include "domainset.h"
#include "grants.h"
#include "patset.h"
#include "config.h"
#include "policy_stats.h"
#include "request.h"
#include "timetable.h"
#include "tz.h"
#include "urlset.h"

#define POLICY_MAX_FILES 65535  /* file ids are 16 bits */

struct policy_timetable {
	struct cfg_timetable tt;
	struct tz *tz;
};

/* One subnet of one group; kept sorted longest prefix first. */
struct policy_subnet {
	struct cg_subnet net;
	size_t group;
};

/* One family of match sets: the blocklists, or the allowlist (category 0). */
struct policy_sets {
	struct domainset *dom;
	struct urlset *url;
	struct patset *pat;
};

struct policy {
	atomic_uint refs;
	struct policy *retired_next;  /* on the retired list (released on a serving thread) */
	struct cfg_category *cats;
	size_t n_cats;
	uint32_t all_mask;
	struct cfg_group *groups;
	size_t n_groups;
	size_t default_group;
	struct policy_subnet *subnets;
	size_t n_subnets;
	struct policy_timetable *tts;
	size_t n_tts;
	char **files;
	size_t n_files;
	struct policy_sets block, allow;
	struct domainset *ech;        /* client-facing ECH names (ech_list), by category */
	struct grants grants;         /* approved unblock requests: allow until they end */
	char *grants_file;            /* where they were read from (for the verdict's rule) */
	struct policy_stats stats;
};

/* Free a snapshot nobody holds any more (the last reference, or a failed build). */
void policy_free(struct policy *p);

#endif
