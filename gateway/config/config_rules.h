/* config_rules: the key tables of the policy sections ([category NAME], [allow],
 * [timetable NAME], [group NAME]), each ending with a NULL name; cload_keys hands them
 * to the line reader. Not for other parts. */
#ifndef CG_CONFIG_RULES_H
#define CG_CONFIG_RULES_H

#include "config_state.h"

extern const struct cload_key cload_category_keys[], cload_allow_keys[],
	cload_timetable_keys[], cload_group_keys[];

#endif
