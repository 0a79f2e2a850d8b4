/* Helpers shared by the sensor packet-path unit tests (test_sensor.c,
 * test_sensor_observer.c, test_sensor_sll.c): collecting observations from a run,
 * crafted raw TCP. Built into testsupport_sensor (sensor_support_dep in
 * tests/unit/meson.build). */
#ifndef CG_SENSOR_SUPPORT_H
#define CG_SENSOR_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "inspect.h"

#define MAX_SEEN 256

/* One observation, its strings copied. */
struct seen {
	enum obs_kind kind;
	char host[256];
	char path[256];
	bool tcp, has_mac;
	uint8_t client_mac[6];
	struct cg_addr client, server;
	int64_t time_us;
};

/* The observations of one run (the first MAX_SEEN) and the inspector's counters. */
struct run {
	struct seen s[MAX_SEEN];
	size_t n;
	struct inspect_stats st;
};

/* Observation callback: appends ob to the struct run at arg. */
void collect(void *arg, const struct observation *ob);

/* Run a capture file (absolute path) through a fresh inspector into r. */
void run_path(const char *path, struct run *r);

/* The same for a capture under ../shared/data (the test fails when it is absent). */
void run_shared(const char *rel, struct run *r);

/* Observations of kind k (for host, or any host when NULL). */
size_t count(const struct run *r, enum obs_kind k, const char *host);

/* Every malformed and bad counter of the run, summed. */
uint64_t malformed_total(const struct run *r);

/* A raw IPv4/TCP segment between 10.0.0.9:40000 (the client) and 192.0.2.1:port, sent
 * by the server when from_server, fed to in. */
void raw_tcp_dir(struct inspect *in, bool from_server, uint16_t port, uint8_t flags,
		 uint32_t seq, const void *data, size_t dl);

/* A DNS/TCP message (2-byte length first) for name (one label plus "example"), a
 * response when resp, at out; returns its length. */
size_t dns_tcp_msg(uint8_t *out, uint16_t id, const char *label, bool resp);

#endif
