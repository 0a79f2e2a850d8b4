/* config_services: the key tables of the sections of the services beside the filter
 * ([ipmac], [console], [district]), each ending with a NULL name; cload_keys hands them
 * to the line reader. Not for other parts. */
#ifndef CG_CONFIG_SERVICES_H
#define CG_CONFIG_SERVICES_H

#include "config_state.h"

extern const struct cload_key cload_ipmac_keys[], cload_console_keys[], cload_district_keys[];

#endif
