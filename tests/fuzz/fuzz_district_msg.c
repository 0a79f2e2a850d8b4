/* libFuzzer target: the district ingest's message parsers (district_msg_parse, and
 * district_msg_parse_auth with the certificate's school before the message) on
 * arbitrary bytes, as rsyslog would hand them over from any school. An accepted message
 * must name a valid school id and point inside the input; an event's seq must match its
 * line's; the store's text check must hold for the line. */
#include <stdlib.h>
#include <string.h>

#include "district_msg.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char arena[DISTRICT_MSG_MAX + 1];

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct district_msg m;
	const char *why = NULL;
	const char *buf = (const char *)data;
	int arc = district_msg_parse_auth(buf, size, &m, arena, &why);
	if (arc < 0 && (!why || (arc != -1 && arc != DISTRICT_MSG_FORGED)))
		abort();
	if (arc == 0 && strcmp(m.school_id, m.auth_school) != 0)
		abort();
	if (arc == DISTRICT_MSG_FORGED && (strcmp(m.school_id, m.auth_school) == 0 ||
					   !district_school_id_ok(m.auth_school,
								  strlen(m.auth_school))))
		abort();
	why = NULL;
	if (district_msg_parse(buf, size, &m, arena, &why) < 0) {
		if (!why)
			abort();
		return 0;
	}
	if (!district_school_id_ok(m.school_id, strlen(m.school_id)))
		abort();
	if (m.line < buf || m.line + m.len > buf + size || m.len == 0)
		abort();
	if (!district_text_ok(m.line, m.len))
		abort();
	if (m.kind == DM_EVENT && (m.r.seq == 0 || m.r.seq > INT64_MAX))
		abort();
	if (m.kind == DM_DIGEST && strlen(m.d.day) != 10)
		abort();
	return 0;
}
