/* The sensor's packet path: decode -> fragments -> UDP DNS or TCP flow -> extraction ->
 * observation callback. No policy here; the observer decides (observe.h). */
#include "inspect.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PORT_DNS 53
#define PORT_HTTP 80
#define PORT_HTTPS 443
#define PORT_DOT 853

/* Per-flow application state (flow.app). */
enum app {
	APP_NEW,
	APP_DNS,
	APP_HTTP,
	APP_TLS,
	APP_DONE,
};
#define APP_MASK 0xff
#define APP_DOT_SEEN 0x100
#define APP_FIN_CLIENT 0x200   /* the client sent FIN */
#define APP_FIN_SERVER 0x400   /* the server sent FIN */
#define APP_SRV_DONE 0x800     /* the server's stream is of no more interest (DNS) */

struct inspect {
	inspect_cb cb;
	void *arg;
	struct flow_table *flows;
	struct ipfrag *frag;
	size_t max_flow_bytes;
	int64_t last_expire_us;
	struct inspect_stats st;
};

static const char *const kind_names[OBS_KIND_COUNT] = {
	"dns-query", "dns-response", "http", "tls", "dot", "conn",
};
static const char *const bad_names[BAD_COUNT] = { "dns", "dns-tcp", "http", "tls" };

const char *obs_kind_name(enum obs_kind k)
{
	return (unsigned)k < OBS_KIND_COUNT ? kind_names[k] : "?";
}

const char *inspect_bad_name(enum inspect_bad b)
{
	return (unsigned)b < BAD_COUNT ? bad_names[b] : "?";
}

struct inspect *inspect_new(const struct inspect_limits *lim, inspect_cb cb, void *arg)
{
	struct inspect *in = xcalloc(1, sizeof(*in));
	in->cb = cb;
	in->arg = arg;
	in->flows = flow_table_new(lim ? &lim->flow : NULL);
	in->frag = ipfrag_new(lim ? &lim->frag : NULL);
	in->max_flow_bytes = lim && lim->flow.max_flow_bytes ? lim->flow.max_flow_bytes : 16384;
	return in;
}

void inspect_free(struct inspect *in)
{
	if (!in)
		return;
	flow_table_free(in->flows);
	ipfrag_free(in->frag);
	free(in);
}

void inspect_get_stats(const struct inspect *in, struct inspect_stats *st)
{
	*st = in->st;
	ipfrag_get_stats(in->frag, &st->frag);
	flow_get_stats(in->flows, &st->flow);
}

static void emit(struct inspect *in, struct observation *ob)
{
	in->st.observed[ob->kind]++;
	if (in->cb)
		in->cb(in->arg, ob);
}

static void count_linktype(struct inspect *in, int dlt)
{
	for (size_t i = 0; i < in->st.n_linktypes; i++) {
		if (in->st.linktypes[i].dlt == dlt) {
			in->st.linktypes[i].packets++;
			return;
		}
	}
	if (in->st.n_linktypes < INSPECT_MAX_LINKTYPES) {
		in->st.linktypes[in->st.n_linktypes].dlt = dlt;
		in->st.linktypes[in->st.n_linktypes++].packets = 1;
	}
}

/* A DNS message (UDP payload or one TCP-framed message); query_from_src says which side
 * asked when that is known from the transport (else the QR bit decides). */
static void dns_message(struct inspect *in, const struct decoded *d, int64_t t,
			const uint8_t *msg, size_t len, bool tcp, const struct flow *f)
{
	struct extract_dns dns;
	if (extract_dns(msg, len, &dns) < 0) {
		in->st.bad[tcp ? BAD_DNS_TCP : BAD_DNS]++;
		return;
	}
	if (!dns.has_question)
		return;
	struct observation ob = { .tcp = tcp, .time_us = t, .dns = &dns };
	ob.kind = dns.response ? OBS_DNS_RESPONSE : OBS_DNS_QUERY;
	ob.host = dns.name;
	ob.host_len = dns.name_len;
	if (f) {
		ob.client = f->cli;
		ob.server = f->srv;
		ob.cport = f->cport;
		ob.sport = f->sport;
		ob.has_mac = f->has_mac;
		memcpy(ob.client_mac, f->client_mac, 6);
	} else {
		/* the client is the side that is not port 53; if both are, the QR bit says */
		bool src_client = d->sport != PORT_DNS ? true :
				  d->dport != PORT_DNS ? false : !dns.response;
		ob.client = src_client ? d->src : d->dst;
		ob.server = src_client ? d->dst : d->src;
		ob.cport = src_client ? d->sport : d->dport;
		ob.sport = src_client ? d->dport : d->sport;
		/* a cooked (SLL) header names only the sender: an answer's receiver is unknown */
		ob.has_mac = src_client ? d->has_mac : d->has_dst_mac;
		if (ob.has_mac)
			memcpy(ob.client_mac, src_client ? d->src_mac : d->dst_mac, 6);
	}
	emit(in, &ob);
}

static void flow_observation(const struct flow *f, int64_t t, struct observation *ob)
{
	memset(ob, 0, sizeof(*ob));
	ob->tcp = true;
	ob->time_us = t;
	ob->client = f->cli;
	ob->server = f->srv;
	ob->cport = f->cport;
	ob->sport = f->sport;
	ob->has_mac = f->has_mac;
	memcpy(ob->client_mac, f->client_mac, 6);
}

/* The client's stream is of no more interest (a DNS flow still reads the server's). */
/* A connection to 80/443 that yields no request or name: the observer can still judge
 * the server's address (DoH resolvers by IP). */
static void web_conn(struct inspect *in, const struct flow *f, int64_t t, const char *app)
{
	if (f->sport != PORT_HTTP && f->sport != PORT_HTTPS)
		return;
	struct observation ob;
	flow_observation(f, t, &ob);
	ob.kind = OBS_CONN;
	ob.host = "";
	ob.app = app;
	emit(in, &ob);
}

static void app_done(struct inspect *in, struct flow *f)
{
	f->app = (f->app & ~APP_MASK) | APP_DONE;
	flow_stream_release(in->flows, &f->cs);
}

static void server_done(struct inspect *in, struct flow *f)
{
	f->app |= APP_SRV_DONE;
	flow_stream_release(in->flows, &f->ss);
}

/* DNS over TCP in one direction: 2-byte length, then the message; several per segment,
 * or split across segments. Returns -1 when the stream is no DNS (counted). */
static int tcp_dns(struct inspect *in, struct flow *f, struct flow_stream *s, int64_t t)
{
	while (s->len >= 2) {
		size_t mlen = (size_t)(s->buf[0] << 8 | s->buf[1]);
		if (mlen < 12 || mlen + 2 > in->max_flow_bytes) {
			in->st.bad[BAD_DNS_TCP]++;
			return -1;
		}
		if (s->len < mlen + 2)
			return 0;
		dns_message(in, NULL, t, s->buf + 2, mlen, true, f);
		flow_stream_consume(in->flows, s, mlen + 2);
	}
	return 0;
}

static void tcp_http(struct inspect *in, struct flow *f, int64_t t)
{
	while (f->cs.len > 0) {
		struct extract_http h;
		long n = extract_http_head(f->cs.buf, f->cs.len, in->max_flow_bytes, &h);
		if (n == 0) {
			if (f->cs.len >= in->max_flow_bytes) {
				in->st.bad[BAD_HTTP]++;
				if (f->app_count == 0)
					web_conn(in, f, t, "http");
				app_done(in, f);
			}
			return;
		}
		if (n < 0) {
			if (f->app_count == 0) {
				in->st.bad[BAD_HTTP]++;
				web_conn(in, f, t, "http");
			}
			app_done(in, f);
			return;
		}
		f->app_count++;
		if (h.method_len == 3 && memcmp(h.method, "PRI", 3) == 0) {
			/* HTTP/2 with prior knowledge: frames are not read, the address counts */
			in->st.http2++;
			if (f->app_count == 1)
				web_conn(in, f, t, "http2");
			app_done(in, f);
			return;
		}
		struct observation ob;
		flow_observation(f, t, &ob);
		ob.kind = OBS_HTTP;
		ob.host = h.host;
		ob.host_len = h.host_len;
		ob.path = h.path;
		ob.path_len = h.path_len;
		ob.method = h.method;
		ob.method_len = h.method_len;
		ob.first = f->app_count == 1;
		emit(in, &ob);
		if (h.chunked || h.connect) {
			app_done(in, f);        /* body length unknown, or a tunnel */
			return;
		}
		flow_stream_consume(in->flows, &f->cs, (uint64_t)n + h.body_len);
	}
}

static void tcp_tls(struct inspect *in, struct flow *f, int64_t t)
{
	char sni[256];
	size_t sni_len = 0;
	bool ech = false;
	enum extract_tls_result r = extract_tls_hello(f->cs.buf, f->cs.len, sni, sizeof(sni),
						      &sni_len, &ech);
	if (ech)
		in->st.tls_ech++;
	if (r == TLS_MORE) {
		if (f->cs.len >= in->max_flow_bytes) {
			in->st.bad[BAD_TLS]++;
			web_conn(in, f, t, "tls");
			app_done(in, f);
		}
		return;
	}
	if (r == TLS_SNI) {
		struct observation ob;
		flow_observation(f, t, &ob);
		ob.kind = OBS_TLS;
		ob.host = sni;
		ob.host_len = sni_len;
		ob.ech = ech;
		emit(in, &ob);
	} else if (r == TLS_NO_SNI) {
		/* no name: the observer can still judge the server's address */
		in->st.tls_no_sni++;
		struct observation ob;
		flow_observation(f, t, &ob);
		ob.kind = OBS_TLS;
		ob.host = "";
		ob.ech = ech;
		emit(in, &ob);
	} else {
		in->st.bad[BAD_TLS]++;
		web_conn(in, f, t, "tls");
	}
	app_done(in, f);
}

static void tcp_app(struct inspect *in, struct flow *f, int64_t t)
{
	if ((f->app & APP_MASK) == APP_NEW && f->cs.len > 0) {
		int app;
		if (f->sport == PORT_DNS)
			app = APP_DNS;
		else if (extract_is_tls(f->cs.buf, f->cs.len))
			app = APP_TLS;
		else if (extract_is_http(f->cs.buf, f->cs.len))
			app = APP_HTTP;
		else
			app = APP_DONE;
		if (app == APP_DONE) {
			in->st.tcp_unknown++;
			web_conn(in, f, t, "unknown");
			app_done(in, f);
			return;
		}
		f->app = (f->app & ~APP_MASK) | app;
	}
	switch (f->app & APP_MASK) {
	case APP_DNS:
		if (tcp_dns(in, f, &f->cs, t) < 0)
			app_done(in, f);
		break;
	case APP_HTTP:
		tcp_http(in, f, t);
		break;
	case APP_TLS:
		tcp_tls(in, f, t);
		break;
	default:
		break;
	}
}

static bool service_port(uint16_t p)
{
	return p == PORT_DNS || p == PORT_HTTP || p == PORT_HTTPS || p == PORT_DOT;
}

static void tcp_segment(struct inspect *in, const struct decoded *d, int64_t t)
{
	uint8_t fl = d->tcp_flags;
	bool syn = (fl & DECODE_TCP_SYN) != 0;
	bool create = (syn || d->payload_len > 0) && !(fl & DECODE_TCP_RST);
	bool src_client;
	if (syn)
		src_client = !(fl & DECODE_TCP_ACK);
	else if (service_port(d->dport) != service_port(d->sport))
		src_client = service_port(d->dport);
	else
		src_client = d->sport >= d->dport;
	bool from_client;
	struct flow *f = flow_get(in->flows, d, t, create, src_client, &from_client);
	if (!f)
		return;
	if (from_client && d->has_mac && !f->has_mac) {
		f->has_mac = true;
		memcpy(f->client_mac, d->src_mac, 6);
	}
	if (f->sport == PORT_DOT && from_client && !(f->app & APP_DOT_SEEN)) {
		f->app |= APP_DOT_SEEN;
		struct observation ob;
		flow_observation(f, t, &ob);
		ob.kind = OBS_DOT;
		emit(in, &ob);
	}
	if (from_client) {
		if (syn)
			flow_stream_syn(&f->cs, d->tcp_seq);
		else if (d->payload_len && (f->app & APP_MASK) != APP_DONE &&
			 flow_stream_data(in->flows, &f->cs, d->tcp_seq, d->payload,
					  d->payload_len))
			tcp_app(in, f, t);
	} else if (f->sport == PORT_DNS && !(f->app & APP_SRV_DONE)) {
		/* DNS over TCP: the server's answers are read too (the only server bytes kept) */
		if (syn)
			flow_stream_syn(&f->ss, d->tcp_seq);
		else if (d->payload_len &&
			 flow_stream_data(in->flows, &f->ss, d->tcp_seq, d->payload,
					  d->payload_len) &&
			 tcp_dns(in, f, &f->ss, t) < 0)
			server_done(in, f);
	}
	/* a flow ends with a reset or once both sides have sent FIN; packets after a
	   one-sided FIN still belong to it */
	if (fl & DECODE_TCP_FIN)
		f->app |= from_client ? APP_FIN_CLIENT : APP_FIN_SERVER;
	if ((fl & DECODE_TCP_RST) ||
	    (f->app & (APP_FIN_CLIENT | APP_FIN_SERVER)) == (APP_FIN_CLIENT | APP_FIN_SERVER))
		flow_close(in->flows, f);
}

static void transport(struct inspect *in, const struct decoded *d, int64_t t)
{
	if (d->l4proto == IPPROTO_UDP) {
		in->st.udp++;
		if (d->sport == PORT_DNS || d->dport == PORT_DNS)
			dns_message(in, d, t, d->payload, d->payload_len, false, NULL);
	} else if (d->l4proto == IPPROTO_TCP) {
		in->st.tcp++;
		tcp_segment(in, d, t);
	}
}

void inspect_packet(struct inspect *in, int dlt, int64_t time_us, const uint8_t *buf,
		    size_t caplen, size_t wirelen)
{
	struct decoded d;
	in->st.packets++;
	in->st.bytes += wirelen > caplen ? wirelen : caplen;
	count_linktype(in, dlt);
	if (time_us - in->last_expire_us > 1000000) {
		flow_expire(in->flows, time_us);
		in->last_expire_us = time_us;
	}
	enum decode_result r = decode_packet(dlt, buf, caplen, &d);
	if (r == DECODE_MALFORMED) {
		in->st.malformed[d.err]++;
		return;
	}
	if (d.ip_version == 4)
		in->st.ipv4++;
	else if (d.ip_version == 6)
		in->st.ipv6++;
	if (r == DECODE_FRAGMENT) {
		const uint8_t *data;
		size_t len;
		int fr = ipfrag_add(in->frag, &d, time_us, &data, &len);
		if (fr < 0)
			in->st.malformed[DERR_FRAG]++;
		if (fr <= 0)
			return;
		r = decode_transport(d.ip_version, d.l4proto, data, len, &d);
		if (r == DECODE_MALFORMED) {
			in->st.malformed[d.err]++;
			return;
		}
	}
	if (r == DECODE_OTHER) {
		in->st.other++;
		return;
	}
	transport(in, &d, time_us);
}
