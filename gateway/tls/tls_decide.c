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

/* --- hellos that hide their name (no SNI, ECH to a client-facing name) -------------- */

/* No SNI: the group's tls_no_sni first (a block says "no-sni" and keeps the category of a
 * listed address, if any), then the address alone. */
static void tls_decide_no_sni(const struct policy *p, struct tls_decision *d,
			      const struct cg_addr *dst)
{
	struct verdict by_addr;
	decide_address(p, d, dst);
	by_addr = d->v;
	if (policy_decide_no_sni(p, &d->r, &d->v) == ACTION_BLOCK) {
		if (by_addr.action == ACTION_BLOCK) {
			d->v = by_addr; /* the listed address names the rule */
		} else {
			d->by_address = false;
		}
		d->v.bypass = true; /* hiding the name is the attempt, whatever the address */
		d->hidden = TLS_HIDDEN_NO_SNI;
		d->reason = "no-sni";
		return;
	}
	d->v = by_addr;
	snprintf(d->reason_buf, sizeof(d->reason_buf),
		 "no SNI: decided on the destination address");
	d->reason = d->reason_buf;
}

/* ECH with the outer name on a category's ech_list: true when that decided (blocked, or
 * an observe hit for a group that does not enforce the category). */
static bool tls_decide_ech(const struct policy *p, const struct tls_hello *h,
			   struct tls_decision *d)
{
	struct verdict v;
	if (h->ech_type != TLS_ECH_OUTER)
		return false;
	if (policy_decide_ech(p, &d->r, &v) != ACTION_BLOCK)
		return false;
	d->v = v;
	d->hidden = TLS_HIDDEN_ECH;
	d->reason = "ech";
	return true;
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
		tls_decide_no_sni(p, out, &dst);
	} else {
		decide_named(p, h, orig ? &dst : NULL, out);
		if (h->ech && out->v.action != ACTION_BLOCK)
			tls_decide_ech(p, h, out); /* a client-facing ECH name */
	}
	out->journal = out->v.action == ACTION_BLOCK || out->v.action == ACTION_OBSERVE;
	return 0;
}
