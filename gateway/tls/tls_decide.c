/* The TLS decision: the server name when the hello has one (also behind ECH, so that
 * Chrome's ECH GREASE does not hide a blocked name), the original destination address
 * when there is no name or the named site may be a cover for an encrypted inner one. */
#include "tls_decide.h"

#include <stdio.h>
#include <string.h>

static void decide_address(const struct policy *p, struct tls_decision *d,
			   const struct cg_addr *dst)
{
	d->r.host = addr_str(dst, d->addr_buf);
	d->r.host_len = strlen(d->r.host);
	d->r.path = NULL;
	d->r.path_len = 0;
	policy_decide(p, &d->r, &d->v);
	d->by_address = true;
}

int tls_decide(const struct policy *p, const struct tls_hello *h, const struct cg_addr *client,
	       const struct sockaddr *orig, time_t when, struct tls_decision *out)
{
	struct cg_addr dst;
	memset(out, 0, sizeof(*out));
	out->kase = !h->has_sni ? TLS_CASE_NO_SNI : h->ech ? TLS_CASE_ECH : TLS_CASE_SNI;
	out->r.proto = PROTO_TLS;
	out->r.client = *client;
	out->r.when = when;
	if (orig)
		addr_from_sockaddr(orig, &dst);
	if (!h->has_sni) {
		if (!orig)
			return -1;
		decide_address(p, out, &dst);
		snprintf(out->reason_buf, sizeof(out->reason_buf),
			 "no SNI: decided on the destination address");
		out->reason = out->reason_buf;
	} else {
		out->r.host = h->sni;
		out->r.host_len = h->sni_len;
		policy_decide(p, &out->r, &out->v);
		if (h->ech && out->v.action != ACTION_BLOCK && orig) {
			struct verdict by_name = out->v;
			struct request named = out->r;
			decide_address(p, out, &dst);
			if (out->v.action != ACTION_ALLOW) {
				snprintf(out->reason_buf, sizeof(out->reason_buf),
					 "ECH: outer SNI %s allowed; decided on the destination "
					 "address",
					 h->sni);
				out->reason = out->reason_buf;
			} else {
				/* Both allowed: the verdict is the name's. */
				out->v = by_name;
				out->r = named;
				out->by_address = false;
			}
		}
	}
	out->journal = out->v.action == ACTION_BLOCK || out->v.action == ACTION_OBSERVE;
	return 0;
}
