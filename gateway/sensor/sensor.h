/* Packet sensor: live capture on configured interfaces (libpcap), decode, report. */
#ifndef CG_SENSOR_H
#define CG_SENSOR_H

#include "config.h"
#include "journal.h"
#include "inspect.h"
#include "observe.h"
#include "policy.h"

struct sensor_server;

/* Bind/open everything the front end needs (runs as root, before privileges are
 * dropped). Nothing is served yet. NULL with a message in *err on failure; a config
 * with nothing to listen on for this front end returns NULL with *err = NULL. */
struct sensor_server *sensor_server_new(const struct config *cfg, struct journal *j,
				       const char **err);

/* Start serving on the front end's own threads; returns at once. 0 or -1. */
int sensor_server_run(struct sensor_server *s);

/* Take the settings of a reloaded config that do not need new sockets (limits, block
 * modes, upstreams, ...). The policy itself is swapped globally (policy_publish). */
void sensor_server_reload(struct sensor_server *s, const struct config *cfg);

/* Stop serving, join threads, close sockets, free. */
void sensor_server_stop(struct sensor_server *s);

/* What an offline run saw (campusgate sensor --read). */
struct sensor_report {
	struct inspect_stats in;
	struct observer_stats obs;
};

/* Read a capture file (pcap or pcapng) through the packet path: decide each request with
 * policy p (NULL: no decisions) using cfg's sensor settings (NULL: defaults), journal
 * hits and bypass attempts to j (NULL: none), call print for each when set. Fills *rep.
 * 0, or -1 with a message in err (at least 512 bytes) when the file cannot be read. */
int sensor_read_file(const char *path, const struct config *cfg, const struct policy *p,
		     struct journal *j, observer_print_cb print, void *print_arg,
		     struct sensor_report *rep, char *err);

#endif
