/* The DNS per-query path: parse, rate limit, decide, then answer with a block answer,
 * from the cache, or from the upstreams, inspecting CNAME/HTTPS chains and enforcing
 * safe search on the way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns_chain.h"
#include "dns_resolve.h"
#include "dns_write.h"
#include "name.h"
#include "safesearch.h"
#include "util.h"

#define DNS_CACHE_MAX_TTL 86400
#define DNS_CACHE_MAX_NEG_TTL 3600
#define DNS_SAFESEARCH_TTL 300

/* A query waiting for the upstreams. */
struct fwd_ctx {
	struct dns_worker *w;
	struct dns_reply_to to;
	struct dns_query q;
	struct cg_addr client;
	const char *ss_target;       /* safe search: the name actually asked upstream */
	uint8_t qwire[DNS_HDR_LEN + DNS_NAME_WIRE_MAX + 4];
};

/* Scratch buffers per thread: an answer being built, an ECH-stripped reply. */
static __thread uint8_t answer_buf[65536 + 512];
static __thread uint8_t ech_buf[65536 + 512];

static uint32_t mono_s(void)
{
	return (uint32_t)(now_mono_ns() / 1000000000ull);
}

/* Every answer leaves here, by the transport the query came in on. */
/* The cache key bits of a query: DO, and CD (a CD=1 answer may be one that validation
 * would have refused, so it is never served to a CD=0 query). */
static uint8_t cache_bits(const struct dns_query *q)
{
	return (uint8_t)((q->do_bit ? DNS_CACHE_DO : 0) |
			 ((q->flags & DNS_FLAG_CD) ? DNS_CACHE_CD : 0));
}

static void reply_send(struct dns_worker *w, const struct dns_reply_to *to, const uint8_t *msg,
		       size_t len)
{
	w->st.answers++;
	to->ops->send(w, to, msg, len);
}

static void answer_error(struct dns_worker *w, const struct dns_reply_to *to,
			 const uint8_t *qwire, size_t qlen, const struct dns_query *q,
			 enum dns_reject why, int rcode)
{
	size_t n = dns_build_error(answer_buf, sizeof answer_buf, qwire, qlen, q, why, rcode);
	if (n)
		reply_send(w, to, answer_buf, n);
}

/* SERVFAIL made by us, saying why in an Extended DNS Error (RFC 8914) when the client
 * speaks EDNS: no upstream answered, or an answer could not be inspected. */
static void answer_servfail(struct dns_worker *w, const struct dns_reply_to *to,
			    const uint8_t *qwire, const struct dns_query *q, int ede,
			    const char *text)
{
	struct dns_writer wr;
	w->st.servfail++;
	dns_writer_start(&wr, answer_buf, sizeof answer_buf, qwire, q, DNS_RCODE_SERVFAIL);
	if (q->edns)
		dns_writer_opt(&wr, q->do_bit, ede, text);
	size_t n = dns_writer_finish(&wr);
	if (n)
		reply_send(w, to, answer_buf, n);
}

/* NXDOMAIN/NODATA/REFUSED made by us: SOA in authority (not for REFUSED), EDE when the
 * client speaks EDNS. */
static void answer_negative(struct dns_worker *w, const struct dns_reply_to *to,
			    const uint8_t *qwire, const struct dns_query *q, int rcode,
			    int ede, const char *text)
{
	struct dns_writer wr;
	dns_writer_start(&wr, answer_buf, sizeof answer_buf, qwire, q, rcode);
	if (rcode != DNS_RCODE_REFUSED)
		dns_writer_soa(&wr, w->set.block_ttl);
	if (q->edns)
		dns_writer_opt(&wr, q->do_bit, ede, text);
	size_t n = dns_writer_finish(&wr);
	if (n)
		reply_send(w, to, answer_buf, n);
}

static void answer_block(struct dns_worker *w, const struct dns_reply_to *to,
			 const uint8_t *qwire, const struct dns_query *q, enum block_mode mode,
			 int ede, const char *category)
{
	static const struct cg_addr zero4 = {.family = AF_INET};
	static const struct cg_addr zero6 = {.family = AF_INET6};
	const struct cg_addr *addr = NULL;
	bool a = q->qtype == DNS_TYPE_A && q->qclass == DNS_CLASS_IN;
	bool aaaa = q->qtype == DNS_TYPE_AAAA && q->qclass == DNS_CLASS_IN;

	switch (mode) {
	case BLOCK_NXDOMAIN:
		answer_negative(w, to, qwire, q, DNS_RCODE_NXDOMAIN, ede, category);
		return;
	case BLOCK_REFUSED:
		answer_negative(w, to, qwire, q, DNS_RCODE_REFUSED, ede, category);
		return;
	case BLOCK_NULL:
		addr = a ? &zero4 : aaaa ? &zero6 : NULL;
		break;
	case BLOCK_PAGE:
		if (a && w->set.block_page_v4.family == AF_INET)
			addr = &w->set.block_page_v4;
		else if (aaaa && w->set.block_page_v6.family == AF_INET6)
			addr = &w->set.block_page_v6;
		break;
	}
	if (!addr) { /* NODATA for the other types */
		answer_negative(w, to, qwire, q, DNS_RCODE_NOERROR, ede, category);
		return;
	}
	struct dns_writer wr;
	dns_writer_start(&wr, answer_buf, sizeof answer_buf, qwire, q, DNS_RCODE_NOERROR);
	dns_writer_addr(&wr, q->qtype, w->set.block_ttl, addr->a, a ? 4 : 16);
	if (q->edns)
		dns_writer_opt(&wr, q->do_bit, ede, category);
	size_t n = dns_writer_finish(&wr);
	if (n)
		reply_send(w, to, answer_buf, n);
}

static void journal_dns(struct dns_worker *w, const struct request *req,
			const struct verdict *v, const struct dns_query *q, const char *event,
			const char *mode, const char *reason)
{
	struct journal *j = w->srv->journal;
	if (!j)
		return;
	struct journal_event ev;
	char tbuf[16];
	memset(&ev, 0, sizeof ev);
	if (v) {
		journal_event_from(&ev, req, v);
	} else {
		ev.proto = PROTO_DNS;
		ev.client = req->client;
		ev.host = req->host;
		ev.host_len = req->host_len;
	}
	ev.qtype = dns_type_name(q->qtype, tbuf);
	ev.action = "block";
	ev.event = event;
	ev.block_mode = mode;
	ev.reason = reason;
	if (journal_append(j, &ev, NULL) < 0)
		w->st.journal_errors++;
}

/* Block on verdict v (for req, the client's question). */
static void block_verdict(struct dns_worker *w, struct policy *p, const struct dns_reply_to *to,
			  const uint8_t *qwire, const struct dns_query *q,
			  const struct request *req, const struct verdict *v, const char *reason)
{
	const struct cfg_group *g = policy_group(p, v->group);
	enum block_mode mode = g ? g->block_mode : BLOCK_NXDOMAIN;
	answer_block(w, to, qwire, q, mode, v->bypass ? DNS_EDE_BLOCKED : DNS_EDE_FILTERED,
		     v->category);
	w->st.blocked++;
	if (v->bypass)
		w->st.bypass++;
	journal_dns(w, req, v, q, v->bypass ? "bypass" : "hit", block_mode_name(mode), reason);
}

/* Whether a name the answer leads to is blocked for this client; if so the block
 * answer is sent and journaled, and true returned. An answer that cannot be parsed
 * for inspection gets SERVFAIL (true too). */
static bool inspect_chain(struct dns_worker *w, struct policy *p, const struct cg_addr *client,
			  const struct dns_reply_to *to, const uint8_t *qwire,
			  const struct dns_query *q, const uint8_t *msg, size_t len)
{
	struct dns_chain cw;
	struct request req = {.proto = PROTO_DNS, .client = *client, .host = q->name,
			      .host_len = q->name_len, .when = time(NULL)};
	int r = dns_chain_decide(&cw, p, &req, q->name, q->name_len, msg, len);
	if (r < 0) { /* an answer we cannot inspect is not passed on: fail safe */
		w->st.chain_unparsed++;
		w->st.servfail++;
		answer_error(w, to, qwire, q->q_end, q, DNS_OK, DNS_RCODE_SERVFAIL);
		return true;
	}
	if (r != 1)
		return false;
	w->st.chain_blocked++;
	block_verdict(w, p, to, qwire, q, &req, &cw.v, cw.text);
	return true;
}

static void answer_from(struct dns_worker *w, const struct dns_reply_to *to,
			const uint8_t *qwire, const struct dns_query *q, const uint8_t *msg,
			size_t len, size_t opt_off, const uint16_t *offs, size_t n_offs,
			uint32_t age)
{
	size_t n = dns_reply_for_client(answer_buf, sizeof answer_buf, msg, len, opt_off, offs,
					n_offs, age, qwire, q, to->max_len);
	if (!n) {
		w->st.servfail++;
		answer_error(w, to, qwire, q->q_end, q, DNS_OK, DNS_RCODE_SERVFAIL);
		return;
	}
	reply_send(w, to, answer_buf, n);
}

/* Safe search: a CNAME from the asked name to target, then target's records from the
 * upstream's reply msg (TTLs aged by age). */
static void answer_safesearch(struct dns_worker *w, const struct dns_reply_to *to,
			      const uint8_t *qwire, const struct dns_query *q,
			      const char *target, const uint8_t *msg, size_t len, uint32_t age)
{
	struct dns_writer wr;
	size_t p;
	if (len < DNS_HDR_LEN || dns_name_skip(msg, len, DNS_HDR_LEN, &p) < 0 || p + 4 > len)
		goto fail;
	p += 4;
	dns_writer_start(&wr, answer_buf, sizeof answer_buf, qwire, q, msg[3] & 0xf);
	dns_writer_cname(&wr, DNS_SAFESEARCH_TTL, target, strlen(target));
	size_t an = (size_t)(msg[6] << 8 | msg[7]);
	for (size_t i = 0; i < an; i++) {
		struct dns_rr rr;
		if (dns_rr_read(msg, len, p, &rr) < 0)
			goto fail;
		p = rr.end;
		uint32_t ttl = rr.ttl > 0x7fffffff ? 0 : rr.ttl;
		dns_writer_copy_rr(&wr, msg, len, &rr, ttl > age ? ttl - age : 0);
	}
	if (q->edns)
		dns_writer_opt(&wr, q->do_bit, -1, NULL);
	size_t n = dns_writer_finish(&wr);
	if (!n || n > to->max_len) {
		/* Too big for the client: TC with the question only. */
		dns_writer_start(&wr, answer_buf, sizeof answer_buf, qwire, q, 0);
		answer_buf[2] |= DNS_FLAG_TC >> 8;
		n = dns_writer_finish(&wr);
	}
	reply_send(w, to, answer_buf, n);
	return;
fail:
	w->st.servfail++;
	answer_error(w, to, qwire, q->q_end, q, DNS_OK, DNS_RCODE_SERVFAIL);
}

static void fwd_done(void *arg, enum dns_forward_status st, uint8_t *reply, size_t len,
		     struct dns_reply_info *ri)
{
	struct fwd_ctx *c = arg;
	struct dns_worker *w = c->w;
	const struct dns_query *q = &c->q;
	const char *fname = c->ss_target ? c->ss_target : q->name;
	size_t flen = c->ss_target ? strlen(c->ss_target) : q->name_len;

	if (st == DNS_FWD_CANCELLED)
		goto out;
	if (st == DNS_FWD_FAILED) {
		answer_servfail(w, &c->to, c->qwire, q, DNS_EDE_NO_REACHABLE_AUTHORITY,
				"no upstream resolver answered");
		goto out;
	}
	uint8_t *m = reply;
	size_t n = len;
	if (w->set.strip_ech && ri->https) {
		size_t k = dns_reply_strip_ech(reply, len, ech_buf, sizeof ech_buf);
		if (k && dns_reply_scan(ech_buf, k, ri->id, fname, q->qtype, q->qclass, ri) == 0) {
			m = ech_buf;
			n = k;
		}
	}
	n = dns_reply_strip_opt(m, n, ri);
	if (ri->chain && dns_chain_check(m, n) < 0) {
		/* an answer we cannot inspect is neither passed on nor cached: fail safe */
		w->st.chain_unparsed++;
		answer_servfail(w, &c->to, c->qwire, q, DNS_EDE_OTHER,
				"the upstream's answer could not be inspected");
		goto out;
	}
	bool cacheable = (ri->rcode == DNS_RCODE_NOERROR || ri->rcode == DNS_RCODE_NXDOMAIN) &&
			 !(ri->flags & DNS_FLAG_TC) && !ri->too_many_ttls;
	if (w->cache && cacheable) {
		uint32_t ttl = ri->min_ttl, cap = ri->negative ? DNS_CACHE_MAX_NEG_TTL
							       : DNS_CACHE_MAX_TTL;
		dns_cache_put(w->cache, fname, flen, q->qtype, q->qclass, cache_bits(q), m, n,
			      ri->opt_off, ri->ttl_offs, ri->n_ttls, ttl < cap ? ttl : cap, ri->chain,
			      mono_s());
	}
	struct policy *p = w->policy; /* no refresh: we may be inside a read callback */
	if (c->ss_target)
		answer_safesearch(w, &c->to, c->qwire, q, c->ss_target, m, n, 0);
	else if (!(ri->chain && p && inspect_chain(w, p, &c->client, &c->to, c->qwire, q, m, n)))
		answer_from(w, &c->to, c->qwire, q, m, n, ri->opt_off, ri->ttl_offs, ri->n_ttls,
			    0);
out:
	if (c->to.ops->release)
		c->to.ops->release(&c->to);
	free(c);
}

static void forward(struct dns_worker *w, const struct dns_reply_to *to, const uint8_t *msg,
		    const struct dns_query *q, const struct cg_addr *client, const char *target)
{
	struct fwd_ctx *c = xmalloc(sizeof *c);
	c->w = w;
	c->to = *to;
	c->q = *q;
	c->client = *client;
	c->ss_target = target;
	memcpy(c->qwire, msg, q->q_end);
	if (to->ops->hold)
		to->ops->hold(to);
	w->st.forwarded++;
	const char *name = target ? target : q->name;
	size_t len = target ? strlen(target) : q->name_len;
	if (dns_forward_query(w->fwd, name, len, q->qtype, q->qclass, q->flags, q->do_bit,
			      fwd_done, c) < 0) {
		struct dns_forward_stats fs;
		dns_forward_get_stats(w->fwd, &fs);
		if (fs.overflows != w->overflows_seen) {
			w->overflows_seen = fs.overflows;
			w->st.overflow++;
			uint32_t now = mono_s();
			if (!w->overflow_logged || now - w->overflow_logged_s >= 60) {
				log_warn("dns: worker %u has max_pending = %zu upstream queries in "
					 "flight; answering SERVFAIL (logged once a minute)", w->idx,
					 w->set.max_pending);
				w->overflow_logged = true;
				w->overflow_logged_s = now;
			}
		}
		fwd_done(c, DNS_FWD_FAILED, NULL, 0, NULL);
	}
}

static bool is_ddr(const struct dns_query *q)
{
	static const char ra[] = "resolver.arpa";
	size_t n = sizeof ra - 1;
	if (q->name_len == n)
		return memcmp(q->name, ra, n) == 0;
	return q->name_len > n && q->name[q->name_len - n - 1] == '.' &&
	       memcmp(q->name + q->name_len - n, ra, n) == 0;
}

enum { BYPASS_CANARY = 1, BYPASS_DDR = 2 };

/* Whether this client's canary/DDR query is to be journaled: once a minute per client
 * and kind across the workers (a browser asks on every network change). A slot per key
 * hash; a collision only journals more often. */
static bool bypass_due(struct dns_worker *w, const struct cg_addr *client, uint8_t kind)
{
	uint32_t h = 2166136261u ^ kind ^ (uint32_t)client->family << 8;
	for (size_t i = 0; i < sizeof client->a; i++)
		h = (h ^ client->a[i]) * 16777619u;
	_Atomic uint64_t *slot = &w->srv->bypass_seen[h % DNS_BYPASS_SLOTS];
	uint32_t now = mono_s() + 1; /* never 0 */
	uint64_t old = atomic_load_explicit(slot, memory_order_relaxed);
	if (old && (uint32_t)(old >> 32) == h && now - (uint32_t)old < 60)
		goto skip;
	if (atomic_compare_exchange_strong(slot, &old, (uint64_t)h << 32 | now))
		return true;
skip: /* journaled lately, here or by another worker just now */
	w->st.bypass_unjournaled++;
	return false;
}

/* Journal a DoH canary or DDR query (answered by us, not forwarded) as a bypass event,
 * with the client's group. */
static void journal_bypass(struct dns_worker *w, struct policy *p, const struct cg_addr *client,
			   const struct dns_query *q, uint8_t kind)
{
	struct journal *j = w->srv->journal;
	if (!j || !bypass_due(w, client, kind))
		return;
	struct request req = {.proto = PROTO_DNS, .client = *client, .host = q->name,
			      .host_len = q->name_len, .when = time(NULL)};
	struct verdict v;
	struct journal_event ev;
	char tbuf[16];
	memset(&ev, 0, sizeof ev);
	if (p) {
		policy_decide(p, &req, &v);
		ev.group = v.group;
	}
	ev.proto = PROTO_DNS;
	ev.client = *client;
	ev.host = q->name;
	ev.host_len = q->name_len;
	ev.qtype = dns_type_name(q->qtype, tbuf);
	ev.category = "bypass";
	ev.action = "block";
	ev.event = "bypass";
	ev.block_mode = kind == BYPASS_CANARY ? "nxdomain" : "nodata";
	ev.reason = kind == BYPASS_CANARY
		? "DoH canary: answered NXDOMAIN so the browser keeps this resolver"
		: "DDR (resolver.arpa): answered NODATA so no encrypted resolver is discovered";
	if (journal_append(j, &ev, NULL) < 0)
		w->st.journal_errors++;
}

static void rate_report(struct dns_worker *w, const struct cg_addr *client,
			const struct dns_query *q)
{
	char ab[CG_ADDR_STRLEN], reason[96];
	unsigned qps = w->srv->rl_qps;
	log_warn("dns: client %s is over the rate limit of %u queries/s; refusing (logged "
		 "once a minute per client)", addr_str(client, ab), qps);
	struct request req = {.proto = PROTO_DNS, .client = *client, .host = q->name,
			      .host_len = q->name_len, .when = time(NULL)};
	snprintf(reason, sizeof reason, "over the rate limit of %u queries/s", qps);
	journal_dns(w, &req, NULL, q, "ratelimit", "refused", reason);
}

void dns_resolve(struct dns_worker *w, struct policy *p, const uint8_t *msg, size_t len,
		 const struct cg_addr *client, const struct dns_reply_to *to_in)
{
	struct dns_query q;
	struct dns_reply_to to = *to_in;
	enum dns_reject r = dns_query_parse(msg, len, &q);
	if (!to.conn)
		to.max_len = q.edns ? (q.edns_size < DNS_UDP_BUF ? q.edns_size : DNS_UDP_BUF) : 512;
	if (r != DNS_OK) {
		w->st.rejects[r]++;
		answer_error(w, &to, msg, len, &q, r, DNS_RCODE_FORMERR);
		return;
	}
	if (w->srv->rl) {
		enum ratelimit_result rr = ratelimit_check(w->srv->rl, client, now_mono_ns());
		if (rr != RATELIMIT_PASS) {
			w->st.rate_limited++;
			if (rr == RATELIMIT_LIMITED_REPORT)
				rate_report(w, client, &q);
			answer_error(w, &to, msg, len, &q, DNS_OK, DNS_RCODE_REFUSED);
			return;
		}
	}
	if (q.name_odd) { /* bytes no list can hold and no upstream query can carry as text */
		w->st.odd_names++;
		answer_error(w, &to, msg, len, &q, DNS_OK, DNS_RCODE_REFUSED);
		return;
	}
	/* Keep browsers on the school's resolver: the DoH canary and DDR. */
	if (q.name_len == 23 && memcmp(q.name, "use-application-dns.net", 23) == 0) {
		w->st.canary++;
		answer_negative(w, &to, msg, &q, DNS_RCODE_NXDOMAIN, DNS_EDE_BLOCKED, "bypass");
		journal_bypass(w, p, client, &q, BYPASS_CANARY);
		return;
	}
	if (is_ddr(&q)) {
		w->st.ddr++;
		answer_negative(w, &to, msg, &q, DNS_RCODE_NOERROR, -1, NULL);
		journal_bypass(w, p, client, &q, BYPASS_DDR);
		return;
	}
	const char *target = NULL;
	if (p && q.name_len) {
		struct verdict v;
		struct request req = {.proto = PROTO_DNS, .client = *client, .host = q.name,
				      .host_len = q.name_len, .when = time(NULL)};
		if (policy_decide(p, &req, &v) == ACTION_BLOCK) {
			block_verdict(w, p, &to, msg, &q, &req, &v, NULL);
			return;
		}
		if (q.qclass == DNS_CLASS_IN &&
		    safesearch_engine(q.name, q.name_len) != SAFESEARCH_NONE)
			target = safesearch_target(policy_group(p, v.group), q.name, q.name_len);
	}
	uint32_t now = mono_s();
	const char *cname = target ? target : q.name;
	size_t clen = target ? strlen(target) : q.name_len;
	const struct dns_cache_entry *e = w->cache ? dns_cache_get(w->cache, cname, clen, q.qtype,
								   q.qclass, cache_bits(&q), now)
						   : NULL;
	if (target)
		w->st.safesearch++;
	if (!e) {
		forward(w, &to, msg, &q, client, target);
		return;
	}
	w->st.cache_hits++;
	if (target)
		answer_safesearch(w, &to, msg, &q, target, e->msg, e->len, now - e->stored_s);
	else if (!(e->chain && p && inspect_chain(w, p, client, &to, msg, &q, e->msg, e->len)))
		answer_from(w, &to, msg, &q, e->msg, e->len, e->opt_off, e->ttl_offs, e->n_ttls,
			    now - e->stored_s);
}
