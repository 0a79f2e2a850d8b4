/* policy_dest: a connection that carries a name and goes to an address is decided on
 * both (the Host or SNI says one thing, the packets go somewhere else). */
#include "policy.h"

#include <string.h>

#include "i18n.h"

enum action policy_decide_dest(const struct policy *p, const struct request *req,
			       const struct cg_addr *dest, const char *group, struct verdict *v,
			       struct verdict *dest_v)
{
	char buf[CG_ADDR_STRLEN];
	struct request dr;
	struct verdict dv;

	if (group)
		policy_decide_group(p, req, group, v);
	else
		policy_decide(p, req, v);
	if (dest_v)
		memset(dest_v, 0, sizeof(*dest_v));
	if (!dest || (dest->family != AF_INET && dest->family != AF_INET6))
		return v->action;
	dr = *req;
	dr.host = addr_str(dest, buf);
	dr.host_len = strlen(buf);
	dr.path = NULL;
	dr.path_len = 0;
	if (group)
		policy_decide_group(p, &dr, group, &dv);
	else
		policy_decide(p, &dr, &dv);
	dv.by_dest = true;
	if (dest_v)
		*dest_v = dv;
	/* A block on either blocks; the name's block is named first (it is the more
	 * specific). Even an allowlisted name does not open a listed address: that is the
	 * camouflage this guards against (Host: allowed.example sent to a listed VPN). */
	if (v->action != ACTION_BLOCK && dv.action == ACTION_BLOCK)
		*v = dv;
	return v->action;
}

const char *policy_dest_reason(const struct verdict *v)
{
	return v->by_dest ? msg(LANG_EN, MSG_R_DEST_LISTED) : NULL;
}
