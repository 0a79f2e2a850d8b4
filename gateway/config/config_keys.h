/* config_keys: the key table of each section, which the line reader (config_load.c)
 * looks keys up in; the setters of the filter's sections live in config_keys.c, those
 * of the services beside it in config_services.c, the policy sections' in
 * config_rules.c. Not for other parts. */
#ifndef CG_CONFIG_KEYS_H
#define CG_CONFIG_KEYS_H

#include "config_state.h"

/* The keys of a section, ending with a NULL name (an empty table for SEC_NONE/SEC_BAD). */
const struct cload_key *cload_keys(enum cload_sec sec);

#endif
