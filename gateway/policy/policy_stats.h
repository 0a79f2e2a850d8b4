/* What a policy snapshot holds, in numbers (policy_get_stats; also kept in the snapshot). */
#ifndef CG_POLICY_STATS_H
#define CG_POLICY_STATS_H

#include <stddef.h>

struct policy_stats {
	size_t domains, exact, urls, patterns, patterns_always_run, allow_rules;
	size_t lists, bad_lines;
	size_t bytes; /* memory held by the match structures */
	unsigned long pattern_limits; /* patterns that hit a PCRE2 limit, process-wide */
};

#endif
