/* daemon_explain: campusgated's answer to the control socket's "check" request: the
 * running policy's decision for a name or URL, a client, a destination address and a
 * time (check_request.h). */
#ifndef CG_DAEMON_EXPLAIN_H
#define CG_DAEMON_EXPLAIN_H

#include "util.h"

/* Answer cmd (the request line) into out: "ok" and key value lines, or "error" and why. */
void daemon_explain(const char *cmd, struct sbuf *out);

#endif
