/* The TLS decision: the server name when the hello has one (also behind ECH, so that
 * Chrome's ECH GREASE does not hide a blocked name) together with the original
 * destination address; the address alone when there is no name. */
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

/* A hello with a name: the name and the original destination decide together
 * (policy_decide_dest), so that an allowed name does not carry a connection to a listed
 * address (a cover name, ECH's outer name, REALITY-style camouflage). When the address
 * decided, the request names the address and the reason the name. */
static void decide_named(const struct policy *p, const struct tls_hello *h,
			 const struct cg_addr *dst, struct tls_decision *out)
{
	out->r.host = h->sni;
	out->r.host_len = h->sni_len;
	policy_decide_dest(p, &out->r, dst, NULL, &out->v, NULL);
	if (!out->v.by_dest)
		return;
	out->by_address = true;
	out->r.host = addr_str(dst, out->addr_buf);
	out->r.host_len = strlen(out->r.host);
	if (h->ech)
		snprintf(out->reason_buf, sizeof(out->reason_buf),
			 "ECH: outer SNI %s allowed; %s", h->sni, policy_dest_reason(&out->v));
	else
		snprintf(out->reason_buf, sizeof(out->reason_buf), "SNI %s allowed; %s", h->sni,
			 policy_dest_reason(&out->v));
	out->reason = out->reason_buf;
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
		decide_named(p, h, orig ? &dst : NULL, out);
	}
	out->journal = out->v.action == ACTION_BLOCK || out->v.action == ACTION_OBSERVE;
	return 0;
}
