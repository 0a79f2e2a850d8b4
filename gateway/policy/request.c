/* request: the names of request.h's enums, as the journal and the tools print them. */
#include "request.h"

const char *proto_name(enum proto p)
{
	switch (p) {
	case PROTO_DNS: return "dns";
	case PROTO_HTTP: return "http";
	case PROTO_TLS: return "tls";
	case PROTO_SENSOR: return "sensor";
	}
	return "unknown";
}

const char *action_name(enum action a)
{
	switch (a) {
	case ACTION_ALLOW: return "allow";
	case ACTION_BLOCK: return "block";
	case ACTION_OBSERVE: return "observed";
	}
	return "unknown";
}
