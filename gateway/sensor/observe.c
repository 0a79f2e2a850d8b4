/* The sensor's observer: normalise, decide with the policy, detect bypass attempts,
 * journal hits with the packet's own time and the client's MAC, and count. */
#include "observe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "util.h"

#define PORT_DNS 53

struct observer {
	struct journal *journal;
	const struct policy *policy;
	struct cg_addr *resolvers;
	size_t n_resolvers;
	observer_print_cb print;
	void *print_arg;
	struct observer_stats st;
};

static const char *const bypass_names[BYPASS_COUNT] = {
	"resolver", "dot", "category", "doh-path", "ech",
};

const char *bypass_kind_name(enum bypass_kind b)
{
	return (unsigned)b < BYPASS_COUNT ? bypass_names[b] : "?";
}

struct observer *observer_new(const struct cfg_sensor *sc, struct journal *j)
{
	struct observer *o = xcalloc(1, sizeof(*o));
	o->journal = j;
	if (sc)
		observer_set_resolvers(o, sc->resolvers, sc->n_resolvers);
	return o;
}

void observer_free(struct observer *o)
{
	if (!o)
		return;
	free(o->resolvers);
	free(o);
}

void observer_set_resolvers(struct observer *o, const struct cg_addr *r, size_t n)
{
	free(o->resolvers);
	o->resolvers = NULL;
	o->n_resolvers = 0;
	if (n == 0)
		return;
	o->resolvers = xcalloc(n, sizeof(*r));
	memcpy(o->resolvers, r, n * sizeof(*r));
	o->n_resolvers = n;
}

void observer_set_policy(struct observer *o, const struct policy *p)
{
	o->policy = p;
}

void observer_set_printer(struct observer *o, observer_print_cb cb, void *arg)
{
	o->print = cb;
	o->print_arg = arg;
}

void observer_get_stats(const struct observer *o, struct observer_stats *st)
{
	*st = o->st;
}

static bool is_resolver(const struct observer *o, const struct cg_addr *a)
{
	for (size_t i = 0; i < o->n_resolvers; i++) {
		const struct cg_addr *r = &o->resolvers[i];
		if (r->family == a->family &&
		    memcmp(r->a, a->a, a->family == AF_INET ? 4 : 16) == 0)
			return true;
	}
	return false;
}

static void count_category(struct observer *o, const char *name)
{
	size_t i;
	for (i = 0; i < o->st.n_categories; i++)
		if (strcmp(o->st.categories[i].name, name) == 0)
			break;
	if (i == o->st.n_categories) {
		if (i == OBSERVER_MAX_CATEGORIES)
			return;
		snprintf(o->st.categories[i].name, sizeof(o->st.categories[i].name), "%s", name);
		o->st.n_categories++;
	}
	o->st.categories[i].hits++;
}

static const char *what_seen(enum obs_kind k)
{
	switch (k) {
	case OBS_DNS_QUERY: return "dns query";
	case OBS_HTTP: return "http request";
	case OBS_TLS: return "tls server name";
	case OBS_DOT: return "dns over tls";
	case OBS_CONN: return "connection";
	default: return "seen";
	}
}

/* The journal's reason for a named request: what was seen, marked when the TLS name is
 * the outer one of an ECH hello. */
static const char *seen_reason(const struct observation *ob)
{
	if (ob->kind == OBS_TLS && ob->ech)
		return "tls server name (outer, ECH)";
	return what_seen(ob->kind);
}

/* Write one journal event for what was seen. */
static void journal_obs(struct observer *o, const struct observation *ob,
			const struct request *req, const struct verdict *v,
			const char *event, const char *reason)
{
	if (!o->journal)
		return;
	struct journal_event ev;
	char mac[18];
	if (v) {
		journal_event_from(&ev, req, v);
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.proto = PROTO_SENSOR;
		ev.client = req->client;
		ev.host = req->host;
	}
	char *path = req->path ? xstrndup(req->path, req->path_len) : NULL;
	ev.path = path;
	ev.time_us = ob->time_us;
	ev.action = "observed";   /* the sensor saw it; nothing was blocked */
	ev.event = event;
	ev.reason = reason;
	if (ob->dns)
		ev.qtype = ob->dns->qtype_name;
	if (ob->has_mac) {
		const uint8_t *m = ob->client_mac;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
		ev.client_mac = mac;
	}
	if (journal_append(o->journal, &ev, NULL) == 0)
		o->st.journaled++;
	else
		o->st.journal_dropped++;
	free(path);
}

static void bypass(struct observer *o, const struct observation *ob,
		   const struct request *req, const struct verdict *v, enum bypass_kind k,
		   const char *reason)
{
	o->st.bypass[k]++;
	journal_obs(o, ob, req, v, "bypass", reason);
	if (o->print)
		o->print(o->print_arg, ob, req->host, v, "bypass");
}

static bool category_is_bypass(const struct observer *o, const struct verdict *v)
{
	if (v->bypass)
		return true;
	if (!v->category || !o->policy)
		return false;
	const struct cfg_category *c = policy_category(o->policy, v->category);
	return c && c->kind == CATEGORY_BYPASS;
}

/* What a connection to the server's address carried, for the journal's reason. */
static const char *conn_what(const struct observation *ob)
{
	if (ob->kind == OBS_TLS)
		return "TLS";
	if (ob->kind == OBS_HTTP)
		return "HTTP";
	if (ob->app && strcmp(ob->app, "http2") == 0)
		return "HTTP/2";
	if (ob->app && strcmp(ob->app, "tls") == 0)
		return "TLS";
	if (ob->app && strcmp(ob->app, "http") == 0)
		return "HTTP";
	return "TCP";
}

/* A connection (TLS, HTTP, HTTP/2, other bytes on 80/443) to an address listed in a
 * bypass category (DoH resolvers by IP, e.g. 1.1.1.1 or 8.8.4.4): journaled as a bypass
 * attempt, with the name asked for when there is one. */
static bool conn_to_bypass_address(struct observer *o, const struct observation *ob,
				   const struct request *base)
{
	if (!o->policy)
		return false;
	char ip[CG_ADDR_STRLEN], host[NAME_MAX_LEN + 1];
	struct request req = *base;
	req.host = addr_str(&ob->server, ip);
	req.host_len = strlen(req.host);
	struct verdict v;
	policy_decide(o->policy, &req, &v);
	if (!(v.action == ACTION_BLOCK || v.category_listed) || !category_is_bypass(o, &v))
		return false;
	const char *why = NULL;
	int n = ob->host_len ? name_normalise(ob->host, ob->host_len, host, &why) : -1;
	char reason[CG_ADDR_STRLEN + 48];
	snprintf(reason, sizeof(reason), "%s to %s, a listed bypass address", conn_what(ob), ip);
	if (n > 0) {
		req.host = host;   /* journal the name asked for; the rule shows the address */
		req.host_len = (size_t)n;
	}
	o->st.hits++;
	count_category(o, v.category);
	bypass(o, ob, &req, &v, BYPASS_CATEGORY, reason);
	return true;
}

/* DNS sent to a resolver that is not one of the school's. */
static void resolver_bypass(struct observer *o, const struct observation *ob,
			    const struct request *req, const struct verdict *v)
{
	char reason[96], ip[CG_ADDR_STRLEN];
	snprintf(reason, sizeof(reason), "DNS to %s, not a school resolver",
		 addr_str(&ob->server, ip));
	bypass(o, ob, req, v, BYPASS_RESOLVER, reason);
}

/* The kinds that carry no name: a DNS response is counted; DNS over TLS and a connection
 * that gave no request are judged by the server's address alone. */
static void observe_nameless(struct observer *o, const struct observation *ob,
			     struct request *req)
{
	char ipbuf[CG_ADDR_STRLEN];
	switch (ob->kind) {
	case OBS_DNS_RESPONSE:
		o->st.dns_responses++;
		return;
	case OBS_DOT: {
		/* no name yet: decide on the server's address */
		req->host = addr_str(&ob->server, ipbuf);
		req->host_len = strlen(req->host);
		struct verdict v;
		if (o->policy)
			policy_decide(o->policy, req, &v);
		bypass(o, ob, req, o->policy ? &v : NULL, BYPASS_DOT, "DNS over TLS (tcp/853)");
		return;
	}
	case OBS_CONN:
		/* no request and no name: only the server's address can tell */
		o->st.connections++;
		conn_to_bypass_address(o, ob, req);
		return;
	default:
		return;
	}
}

/* The protocol counted for a kind that carries a name; false for the others. */
static bool named_proto(enum obs_kind k, enum obs_proto *proto)
{
	switch (k) {
	case OBS_DNS_QUERY:
		*proto = OBS_PROTO_DNS;
		return true;
	case OBS_HTTP:
		*proto = OBS_PROTO_HTTP;
		return true;
	case OBS_TLS:
		*proto = OBS_PROTO_TLS;
		return true;
	default:
		return false;
	}
}

/* What the policy's verdict (vp, NULL without a policy) makes of a named request, counted
 * and journaled: "bypass" (a bypass category, or a connection already journaled by its
 * address), "hit" (blocked), or NULL. */
static const char *observe_verdict(struct observer *o, const struct observation *ob,
				   const struct request *req, const struct verdict *vp,
				   bool addr_bypass)
{
	if (addr_bypass)
		return "bypass"; /* already journaled by address; the name adds nothing */
	if (vp && (vp->action == ACTION_BLOCK || vp->category_listed) &&
	    category_is_bypass(o, vp)) {
		o->st.hits++;
		count_category(o, vp->category);
		bypass(o, ob, req, vp, BYPASS_CATEGORY, seen_reason(ob));
		return "bypass";
	}
	if (vp && vp->action == ACTION_BLOCK) {
		o->st.hits++;
		count_category(o, vp->category ? vp->category : "?");
		journal_obs(o, ob, req, vp, "hit", seen_reason(ob));
		return "hit";
	}
	if (vp && vp->category_listed)
		o->st.listed++;
	return NULL;
}

/* ECH whose outer name is a client-facing ECH name (a category's ech_list): the real site
 * is hidden, a bypass attempt journaled with reason "ech" and the outer name. GREASE ECH
 * (the real name outside) was decided on that name like any TLS name. */
static bool observe_ech(struct observer *o, const struct observation *ob,
			const struct request *req)
{
	struct verdict v;
	if (!o->policy)
		return false;
	policy_decide_ech(o->policy, req, &v);
	if (v.action != ACTION_BLOCK && !v.category_listed)
		return false;
	o->st.hits++;
	count_category(o, v.category ? v.category : "?");
	bypass(o, ob, req, &v, BYPASS_ECH, "ech");
	return true;
}

/* Whether an HTTP request asks for /dns-query (DNS over HTTPS in cleartext). */
static bool is_doh_path(const struct observation *ob)
{
	return ob->kind == OBS_HTTP && ob->path_len >= 10 &&
	       memcmp(ob->path, "/dns-query", 10) == 0 &&
	       (ob->path_len == 10 || ob->path[10] == '?' || ob->path[10] == '/');
}

void observer_handle(void *arg, const struct observation *ob)
{
	struct observer *o = arg;
	char host[NAME_MAX_LEN + 1];
	const char *why = NULL;
	struct request req = { .proto = PROTO_SENSOR, .client = ob->client };
	req.when = (time_t)(ob->time_us / 1000000);
	enum obs_proto proto;

	if (!named_proto(ob->kind, &proto)) {
		observe_nameless(o, ob, &req);
		return;
	}
	/* once per connection: TLS has one name, HTTP is judged at its first request */
	bool addr_bypass = (ob->kind == OBS_TLS || (ob->kind == OBS_HTTP && ob->first)) &&
			   conn_to_bypass_address(o, ob, &req);
	/* DNS to another resolver is a bypass whatever it asks: checked before the name */
	bool other_resolver = ob->kind == OBS_DNS_QUERY && ob->sport == PORT_DNS &&
			      o->n_resolvers && !is_resolver(o, &ob->server);
	if (ob->host_len == 0) {
		o->st.no_host++;
		if (other_resolver) {
			req.host = ".";   /* the root (the only empty DNS name) */
			req.host_len = 1;
			resolver_bypass(o, ob, &req, NULL);
		}
		return;
	}
	int n = name_normalise(ob->host, ob->host_len, host, &why);
	if (n < 0) {
		o->st.bad_names++;
		if (other_resolver)
			resolver_bypass(o, ob, &req, NULL);   /* no host: the name is not kept */
		return;
	}
	o->st.requests[proto]++;
	req.host = host;
	req.host_len = (size_t)n;
	if (ob->kind == OBS_HTTP && ob->path) {
		req.path = ob->path;
		req.path_len = ob->path_len;
	}
	struct verdict v, *vp = NULL;
	if (o->policy) {
		policy_decide(o->policy, &req, &v);
		vp = &v;
	}
	const char *event = observe_verdict(o, ob, &req, vp, addr_bypass);
	if (ob->kind == OBS_TLS && ob->ech) {
		o->st.ech++;
		if (!event && observe_ech(o, ob, &req))
			event = "bypass";
	}
	if (other_resolver) {
		resolver_bypass(o, ob, &req, vp);
		event = "bypass";
	}
	if (is_doh_path(ob)) {
		bypass(o, ob, &req, vp, BYPASS_DOH_PATH, "DNS over HTTPS request (/dns-query)");
		event = "bypass";
	}
	if (o->print && (!event || strcmp(event, "hit") == 0))
		o->print(o->print_arg, ob, host, vp, event);
}
