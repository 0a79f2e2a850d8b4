/* STUB until the sensor front end lands: reports that it is not built. */
#include <stddef.h>

#include "sensor.h"

struct sensor_server *sensor_server_new(const struct config *cfg, struct journal *j,
				       const char **err)
{
	(void)cfg;
	(void)j;
	*err = "the sensor front end is not built yet";
	return NULL;
}

int sensor_server_run(struct sensor_server *s)
{
	(void)s;
	return -1;
}

void sensor_server_reload(struct sensor_server *s, const struct config *cfg)
{
	(void)s;
	(void)cfg;
}

void sensor_server_stop(struct sensor_server *s)
{
	(void)s;
}
