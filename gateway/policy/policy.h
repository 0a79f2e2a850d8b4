/* The policy engine: config + lists compiled into an immutable snapshot, and the one
 * decision function every front end calls. */
#ifndef CG_POLICY_H
#define CG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "policy_stats.h"
#include "request.h"
#include "util.h"

struct policy;

/* Compile a snapshot from cfg: read every list (bad lines go to diag with file:line and
 * are skipped), build the domain, URL and pattern sets. The snapshot keeps its own copy
 * of what it needs from cfg (groups, timetables, names), so cfg may be freed after.
 * Returns NULL only when nothing usable could be built (e.g. out of memory, or a list
 * file that cannot be opened at all: that is reported and fails the build, so that a
 * reload keeps the old snapshot). The caller owns one reference. */
struct policy *policy_build(const struct config *cfg, struct diag *diag);

/* Decide one request. Pure: reads only the snapshot and the request; safe from any
 * thread. Fills *v (strings point into the snapshot). Returns v->action. */
enum action policy_decide(const struct policy *p, const struct request *req,
			  struct verdict *v);

/* Decide for the group named, not by client address (used by `campusgate check`). */
enum action policy_decide_group(const struct policy *p, const struct request *req,
				const char *group, struct verdict *v);

/* A TLS ClientHello without a server name from req->client (req->host: the destination
 * address text, for the journal): blocked, as a bypass attempt (v->bypass, the first
 * enforced bypass category as v->category), when the client's group says tls_no_sni =
 * block, or leaves it unset and enforces any category at req->when. Decides nothing on
 * the address: that is policy_decide's. Returns v->action. */
enum action policy_decide_no_sni(const struct policy *p, const struct request *req,
				 struct verdict *v);

/* A ClientHello with encrypted_client_hello and the outer server name req->host: blocked
 * when that name is a client-facing ECH name (a category's ech_list) of a category the
 * group enforces; the allowlist wins. The name without ECH is not looked at here (see
 * docs/http-tls.md). Returns v->action; v->rule names the ech_list line. */
enum action policy_decide_ech(const struct policy *p, const struct request *req,
			      struct verdict *v);

/* Decide a connection that has both a name (req->host: Host, SNI, the CONNECT name) and
 * a destination address (dest: the original destination, or the address the proxy
 * resolved): each is decided for the same client and group (the address as an exact
 * name, without the path), and a block on either blocks. *v is the name's verdict, or
 * the address's (v->by_dest set) when only the address blocks. dest_v, when not NULL,
 * gets the address's own verdict (zeroed when dest is NULL or not an address), so that
 * `campusgate check --dest` can explain both. group NULL: the client's group, else the
 * group named (as policy_decide_group). Pure, like policy_decide. Returns v->action. */
enum action policy_decide_dest(const struct policy *p, const struct request *req,
			       const struct cg_addr *dest, const char *group, struct verdict *v,
			       struct verdict *dest_v);

/* The journal reason of a verdict decided by the destination address ("destination
 * address listed", the English text of the catalogue's R_DEST_LISTED), or NULL. */
const char *policy_dest_reason(const struct verdict *v);

/* Reference counting; the last unref frees the snapshot. */
void policy_ref(struct policy *p);
void policy_unref(struct policy *p);

/* The process-wide current snapshot. acquire returns it with a reference the caller
 * must release with policy_unref; publish swaps in a new one (taking the caller's
 * reference) and drops the old one, which is freed when its last user lets go. */
struct policy *policy_acquire(void);
void policy_publish(struct policy *p);
/* Bumped by every publish: a thread that keeps a snapshot (with its reference) across
 * requests re-acquires only when this changed, so its hot path takes no lock. */
unsigned long policy_generation(void);
/* Mark the calling thread as one that answers clients: a snapshot whose last reference
 * it drops is not freed there but handed to the next policy_publish (waits up to 1 s for
 * it), which frees it on the publishing (main) thread. */
void policy_thread_serving(void);

/* Facts about a snapshot (for logs, `campusgate lists stats` and the benchmark). */
void policy_get_stats(const struct policy *p, struct policy_stats *st);

/* Look up group settings for front ends (block mode, safe search) by name. */
const struct cfg_group *policy_group(const struct policy *p, const char *name);
/* Category metadata by name (titles for block pages), or NULL. */
const struct cfg_category *policy_category(const struct policy *p, const char *name);

#endif
