/* Tests for the sensor over Linux cooked captures (SLL, SLL2: what `tcpdump -i any`
 * writes): the shared Ethernet captures the sensor tests read (DNS, malformed DNS, HTTP,
 * TLS), rewritten here as SLL and as SLL2, give the same observations, counts,
 * decisions and journal lines as the originals. */
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "decode.h"
#include "inspect.h"
#include "journal.h"
#include "observe.h"
#include "pcap_relink_support.h"
#include "policy.h"
#include "sensor.h"
#include "sensor_support.h"
#include "testutil.h"
#include "util.h"

/* The two cooked forms, with the bytes each header adds to a frame. */
static const struct { int dlt; size_t extra; const char *name; } cooked[] = {
	{ DLT_LINUX_SLL, RELINK_SLL_LEN - 14, "SLL" },
	{ DLT_LINUX_SLL2, RELINK_SLL2_LEN - 14, "SLL2" },
};

static void relink(const char *src, const char *dst, int dlt, struct relink_stats *st)
{
	char err[PCAP_ERRBUF_SIZE];
	ck_assert_msg(tu_pcap_relink(src, dst, dlt, st, err) == 0, "%s", err);
}

static bool same_addr(const struct cg_addr *a, const struct cg_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

/* Whether an observation's client MAC is the frame's destination MAC in Ethernet: a
 * DNS answer over UDP (no flow: the client is the receiver). A cooked header carries
 * only the sender's address, so there the client's MAC is unknown. */
static bool mac_from_dst(const struct seen *s)
{
	return s->kind == OBS_DNS_RESPONSE && !s->tcp;
}

/* The run b over the cooked copy equals the run a over the Ethernet original: the same
 * observations in the same order (kind, names, paths, addresses, times, client MACs),
 * the same counts by protocol, kind and rejection; bytes grow by the header. */
static void same_as_ether(const char *what, const struct run *a, const struct run *b,
			  int dlt, size_t extra)
{
	ck_assert_msg(a->n == b->n, "%s: %zu observations, %zu from Ethernet", what, b->n,
		      a->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct seen *x = &a->s[i], *y = &b->s[i];
		ck_assert_msg(x->kind == y->kind, "%s #%zu: kind %d, not %d", what, i, y->kind,
			      x->kind);
		ck_assert_msg(strcmp(x->host, y->host) == 0, "%s #%zu: host %s, not %s", what,
			      i, y->host, x->host);
		ck_assert_msg(strcmp(x->path, y->path) == 0, "%s #%zu: path", what, i);
		ck_assert_msg(x->tcp == y->tcp, "%s #%zu: transport", what, i);
		ck_assert_msg(x->time_us == y->time_us, "%s #%zu: time %lld, not %lld", what, i,
			      (long long)y->time_us, (long long)x->time_us);
		ck_assert_msg(same_addr(&x->client, &y->client) &&
			      same_addr(&x->server, &y->server), "%s #%zu: addresses", what, i);
		if (mac_from_dst(x)) {
			ck_assert_msg(!y->has_mac, "%s #%zu: a client MAC claimed for a UDP "
				      "answer, from a header that has none", what, i);
			continue;
		}
		ck_assert_msg(x->has_mac == y->has_mac, "%s #%zu: has_mac", what, i);
		ck_assert_msg(memcmp(x->client_mac, y->client_mac, 6) == 0,
			      "%s #%zu: client MAC", what, i);
	}
	const struct inspect_stats *s = &a->st, *t = &b->st;
	ck_assert_uint_eq(s->packets, t->packets);
	ck_assert_msg(t->bytes == s->bytes + extra * s->packets, "%s: %llu bytes", what,
		      (unsigned long long)t->bytes);
	ck_assert_uint_eq(s->ipv4, t->ipv4);
	ck_assert_uint_eq(s->ipv6, t->ipv6);
	ck_assert_uint_eq(s->udp, t->udp);
	ck_assert_uint_eq(s->tcp, t->tcp);
	ck_assert_uint_eq(s->other, t->other);
	for (int k = 0; k < DERR_COUNT; k++)
		ck_assert_msg(s->malformed[k] == t->malformed[k], "%s: malformed %s: %llu, not "
			      "%llu", what, decode_err_name((enum decode_err)k),
			      (unsigned long long)t->malformed[k],
			      (unsigned long long)s->malformed[k]);
	for (int k = 0; k < BAD_COUNT; k++)
		ck_assert_msg(s->bad[k] == t->bad[k], "%s: bad %s", what,
			      inspect_bad_name((enum inspect_bad)k));
	for (int k = 0; k < OBS_KIND_COUNT; k++)
		ck_assert_msg(s->observed[k] == t->observed[k], "%s: observed %s: %llu, not "
			      "%llu", what, obs_kind_name((enum obs_kind)k),
			      (unsigned long long)t->observed[k],
			      (unsigned long long)s->observed[k]);
	ck_assert_uint_eq(s->tls_no_sni, t->tls_no_sni);
	ck_assert_uint_eq(s->tcp_unknown, t->tcp_unknown);
	ck_assert_uint_eq(s->http2, t->http2);
	ck_assert_uint_eq(s->flow.created, t->flow.created);
	ck_assert_uint_eq(s->frag.reassembled, t->frag.reassembled);
	ck_assert_uint_eq(s->frag.rejected, t->frag.rejected);
	ck_assert_uint_eq(t->n_linktypes, 1);
	ck_assert_int_eq(t->linktypes[0].dlt, dlt);
	ck_assert_uint_eq(t->linktypes[0].packets, s->packets);
}

/* Captures the existing sensor tests read, by what they hold. */
static const char *const dns_caps[] = {
	"pcaps/tcpdump/dns_udp.pcap", "pcaps/tcpdump/dns_tcp.pcap",
	"pcaps/tcpdump/dnssec.pcap", "pcaps/tcpdump/edns-opts.pcap",
	"pcaps/suricata-verify/dns__dns-tcp-multirequest-buffer__dns-tcp-multirequest-buffer.pcap",
	"pcaps/zeek/ipv6-fragmented-dns.pcap", "pcaps/zeek/dns-https.pcap",
	"pcaps/zeek/dns_mdns.pcap",
};
static const char *const malformed_caps[] = {
	"pcaps/tcpdump/dns-zlip-1.pcap", "pcaps/tcpdump/dns-zlip-2.pcap",
	"pcaps/tcpdump/dns-zlip-3.pcap", "pcaps/tcpdump/dns_fwdptr.pcap",
	"pcaps/tcpdump/dns-badlabel.pcap", "pcaps/zeek/dns-invalid-names.pcap",
	"pcaps/suricata-verify/dns-udp-junkrequest-first__input.pcap",
};
static const char *const http_caps[] = {
	"pcaps/zeek/http_get.pcap", "pcaps/zeek/http_proxy.pcap",
	"pcaps/zeek/http_pipelined-requests.pcap", "pcaps/zeek/http_methods.pcap",
	"pcaps/suricata-verify/dns-over-http2__dns_over_https.pcap",
};
static const char *const tls_caps[] = {
	"pcaps/suricata-verify/tls__tls-client-hello-frag-01__dump_mtu300.pcap",
	"pcaps/zeek/tls_chrome-1250-tls-x25519-kyber.pcap",
	"pcaps/zeek/tls_tls-fragmented-handshake.pcap", "pcaps/zeek/socks-with-ssl.pcap",
};

/* Run each capture and its SLL and SLL2 copies; returns the observations of kind k
 * seen over all originals. */
static size_t equal_over(const char *const *caps, size_t n, enum obs_kind k)
{
	static struct run a, b;
	char *dir = tu_tmpdir();
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		char *p = tu_shared_path(caps[i]);
		ck_assert_msg(p != NULL, "missing shared capture %s", caps[i]);
		run_path(p, &a);
		ck_assert_msg(a.n < MAX_SEEN, "%s: more observations than the test keeps",
			      caps[i]);
		seen += count(&a, k, NULL);
		for (size_t c = 0; c < CG_ARRAY_LEN(cooked); c++) {
			char dst[600], what[700];
			snprintf(dst, sizeof(dst), "%s/%zu.%s.pcap", dir, i, cooked[c].name);
			struct relink_stats rs;
			relink(p, dst, cooked[c].dlt, &rs);
			ck_assert_uint_eq(rs.packets, a.st.packets);
			run_path(dst, &b);
			snprintf(what, sizeof(what), "%s as %s", caps[i], cooked[c].name);
			same_as_ether(what, &a, &b, cooked[c].dlt, cooked[c].extra);
		}
		free(p);
	}
	tu_rmtree(dir);
	free(dir);
	return seen;
}

START_TEST(dns_same_as_ether)
{
	size_t q = equal_over(dns_caps, CG_ARRAY_LEN(dns_caps), OBS_DNS_QUERY);
	ck_assert_uint_ge(q, 20 + 1 + 1 + 3 + 21);
}
END_TEST

START_TEST(malformed_same_as_ether)
{
	/* the junk request file still has one good query after the junk */
	ck_assert_uint_ge(equal_over(malformed_caps, CG_ARRAY_LEN(malformed_caps),
				     OBS_DNS_QUERY), 1);
}
END_TEST

START_TEST(http_same_as_ether)
{
	ck_assert_uint_ge(equal_over(http_caps, CG_ARRAY_LEN(http_caps), OBS_HTTP),
			  1 + 1 + 5 + 20);
}
END_TEST

START_TEST(tls_same_as_ether)
{
	ck_assert_uint_ge(equal_over(tls_caps, CG_ARRAY_LEN(tls_caps), OBS_TLS), 3);
}
END_TEST

/* Known answers from cooked copies, so that "equal" cannot mean "equally empty". */
START_TEST(cooked_known_answers)
{
	char *dir = tu_tmpdir();
	char *p = tu_shared_path("pcaps/tcpdump/dns_udp.pcap"), *sll, *sll2;
	char err[PCAP_ERRBUF_SIZE];
	ck_assert_msg(tu_pcap_relink_both(p, dir, "dns", &sll, &sll2, err) == 2, "%s", err);
	static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct run r;
	for (int v = 0; v < 2; v++) {
		run_path(v ? sll2 : sll, &r);
		ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "www.tcpdump.org"), 1);
		ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, "www.tcpdump.org"), 1);
		ck_assert_int_eq(r.s[0].kind, OBS_DNS_QUERY);
		ck_assert(r.s[0].has_mac);
		ck_assert_int_eq(memcmp(r.s[0].client_mac, mac, 6), 0);
		ck_assert_uint_eq(malformed_total(&r), 0);
		ck_assert_int_eq(r.st.linktypes[0].dlt, v ? DLT_LINUX_SLL2 : DLT_LINUX_SLL);
	}
	free(sll);
	free(sll2);
	free(p);
	/* the headers themselves: SLL2's protocol, interface, hardware type, address */
	p = tu_shared_path("pcaps/zeek/tls_chrome-1250-tls-x25519-kyber.pcap");
	ck_assert_int_eq(tu_pcap_relink_both(p, dir, "tls", &sll, &sll2, err), 15);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *e = pcap_open_offline(p, perr), *c1 = pcap_open_offline(sll, perr),
	       *c2 = pcap_open_offline(sll2, perr);
	ck_assert(e && c1 && c2);
	ck_assert_int_eq(pcap_datalink(c1), DLT_LINUX_SLL);
	ck_assert_int_eq(pcap_datalink(c2), DLT_LINUX_SLL2);
	struct pcap_pkthdr *he, *h1, *h2;
	const u_char *fe, *f1, *f2;
	ck_assert_int_eq(pcap_next_ex(e, &he, &fe), 1);
	struct pcap_pkthdr h0 = *he;
	uint8_t first[64];
	memcpy(first, fe, sizeof(first));
	ck_assert_int_eq(pcap_next_ex(c1, &h1, &f1), 1);
	ck_assert_int_eq(h1->caplen, h0.caplen + 2);
	ck_assert_int_eq(h1->ts.tv_sec, h0.ts.tv_sec);
	ck_assert_int_eq(h1->ts.tv_usec, h0.ts.tv_usec);
	ck_assert_int_eq(f1[3], 1);
	ck_assert_int_eq(f1[5], 6);
	ck_assert_int_eq(memcmp(f1 + 6, first + 6, 6), 0);
	ck_assert_int_eq(memcmp(f1 + 14, first + 12, 2), 0);
	ck_assert_int_eq(memcmp(f1 + 16, first + 14, 40), 0);
	ck_assert_int_eq(pcap_next_ex(c2, &h2, &f2), 1);
	ck_assert_int_eq(h2->caplen, h0.caplen + 6);
	ck_assert_int_eq(memcmp(f2, first + 12, 2), 0);
	ck_assert_int_eq(f2[7], RELINK_IFINDEX);
	ck_assert_int_eq(f2[9], 1);
	ck_assert_int_eq(f2[11], 6);
	ck_assert_int_eq(memcmp(f2 + 12, first + 6, 6), 0);
	ck_assert_int_eq(memcmp(f2 + 20, first + 14, 40), 0);
	pcap_close(e);
	pcap_close(c1);
	pcap_close(c2);
	/* a capture that is not Ethernet is refused with its name */
	free(sll);
	free(sll2);
	free(p);
	p = tu_shared_path("pcaps/tcpdump/LINKTYPE_RAW_ipv6.pcap");
	struct relink_stats rs;
	ck_assert_int_eq(tu_pcap_relink(p, "/nonexistent", DLT_LINUX_SLL, &rs, err), -1);
	ck_assert(strstr(err, "LINKTYPE_RAW_ipv6.pcap") && strstr(err, "not Ethernet"));
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A VLAN-tagged DNS query (802.1Q, then QinQ + 802.1Q): the tag is carried behind the
 * cooked header and the inner IPv4 found behind it. */
START_TEST(vlan_tag_carried)
{
	static const uint8_t tail[] = {
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
		10, 1, 2, 3, 10, 0, 0, 53,
		0xc3, 0x50, 0x00, 0x35, 0x00, 0x2a, 0x00, 0x00,
		0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		4, 'v', 'l', 'a', 'n', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0x00, 0x01, 0x00, 0x01,
	};
	char *dir = tu_tmpdir();
	char path[512];
	snprintf(path, sizeof(path), "%s/vlan.pcap", dir);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump = pcap_dump_open(dead, path);
	ck_assert_ptr_nonnull(dump);
	for (int tags = 1; tags <= 2; tags++) {
		uint8_t f[128] = { 2, 0, 0, 0, 0, 1, 2, 0x11, 0x22, 0x33, 0x44, 0x55 };
		size_t n = 12;
		for (int t = 0; t < tags; t++) {
			bool outer = tags == 2 && t == 0;
			f[n++] = outer ? 0x88 : 0x81;
			f[n++] = outer ? 0xa8 : 0x00;
			f[n++] = 0;
			f[n++] = (uint8_t)(7 + t);
		}
		memcpy(f + n, tail, sizeof(tail));
		n += sizeof(tail);
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000 + tags, .tv_usec = 9 },
					 .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n };
		pcap_dump((u_char *)dump, &h, f);
	}
	pcap_dump_close(dump);
	pcap_close(dead);
	static struct run a, b;
	run_path(path, &a);
	ck_assert_uint_eq(count(&a, OBS_DNS_QUERY, "vlan.example.com"), 2);
	for (size_t c = 0; c < CG_ARRAY_LEN(cooked); c++) {
		char dst[600];
		snprintf(dst, sizeof(dst), "%s/vlan.%s.pcap", dir, cooked[c].name);
		struct relink_stats rs;
		relink(path, dst, cooked[c].dlt, &rs);
		ck_assert_uint_eq(rs.vlan, 2);
		run_path(dst, &b);
		same_as_ether(dst, &a, &b, cooked[c].dlt, cooked[c].extra);
		ck_assert_uint_eq(b.st.malformed[DERR_VLAN] + b.st.malformed[DERR_LINK], 0);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- the observer: decisions and the journal ------------------------------------- */

#define MAX_LINES 64

struct decided {
	char line[MAX_LINES][512];
	size_t n;
};

/* Like `campusgate sensor -v`: what was decided for each request, in order. */
static void decided_line(void *arg, const struct observation *ob, const char *host,
			 const struct verdict *v, const char *event)
{
	struct decided *d = arg;
	if (d->n == MAX_LINES)
		return;
	char ip[CG_ADDR_STRLEN];
	snprintf(d->line[d->n++], sizeof(d->line[0]), "%lld %s %s %s %.*s %s %s [%s]",
		 (long long)ob->time_us, addr_str(&ob->client, ip), obs_kind_name(ob->kind),
		 host ? host : "-", ob->path ? (int)(ob->path_len > 100 ? 100 : ob->path_len)
					     : 1, ob->path ? ob->path : "-",
		 v ? action_name(v->action) : "-", v && v->category ? v->category : "-",
		 event ? event : "-");
}

/* The journal lines in dir, with what differs between two journals written at
 * different moments (event id, hash chain) cut out, into one string (caller frees). */
static char *journal_text(const char *dir)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cat %s/*.jsonl 2>/dev/null | sed -e 's/\"id\":\"[^\"]*\",//' "
		 "-e 's/,\"prev\":\"[0-9a-f]*\",\"hash\":\"[0-9a-f]*\"//'", dir);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	struct sbuf sb;
	sbuf_init(&sb);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&sb, buf, got);
	pclose(f);
	sbuf_addc(&sb, '\0');
	return sb.data;
}

/* The journal text b equals a, line by line (a difference names its line, cut short:
 * Check's messages are bounded). */
static void same_journal(const char *what, const char *a, const char *b)
{
	size_t line = 1;
	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
		ck_assert_msg(la == lb && memcmp(a, b, la) == 0,
			      "%s: journal line %zu is\n%.300s\nnot\n%.300s", what, line, b, a);
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
		line++;
	}
	ck_assert_uint_gt(line, 10);
}

static struct policy *hits_policy(const char *dir, const char *jdir, struct config **cfg)
{
	char *adult = tu_write_file(dir, "adult.list",
				    "www.tcpdump.org\nmozilla.org\nbro.org\n1.google.com\n");
	char *byp = tu_write_file(dir, "bypass.list", "lh3.google.com\nwww.google.com\n"
				  "8.8.4.4\n");
	char conf[2048];
	snprintf(conf, sizeof(conf),
		 "[sensor]\nresolver = 192.0.2.53\n"
		 "[journal]\ndir = %s\n"
		 "[category adult]\nkind = block\nlist = %s\n"
		 "[category bypass]\nkind = bypass\nlist = %s\n"
		 "[group default]\nblock = adult bypass\n", jdir, adult, byp);
	char *cpath = tu_write_file(dir, "c.conf", conf);
	struct diag d;
	diag_init(&d);
	*cfg = config_load(cpath, &d);
	if (!*cfg)
		diag_print(&d, stderr);
	ck_assert_ptr_nonnull(*cfg);
	struct policy *pol = policy_build(*cfg, &d);
	ck_assert_ptr_nonnull(pol);
	diag_free(&d);
	free(cpath);
	free(adult);
	free(byp);
	return pol;
}

/* Read the n capture files in paths, in order, into a fresh journal jdir with
 * hits_policy; fill rep[i] per file and dec with every decision. */
static void read_all(const char *const *paths, size_t n, const char *dir, const char *jdir,
		     struct sensor_report *rep, struct decided *dec)
{
	struct config *cfg;
	struct policy *pol = hits_policy(dir, jdir, &cfg);
	const char *err = NULL;
	struct journal *j = journal_open(&cfg->journal, cfg->timezone, &err);
	ck_assert_msg(j != NULL, "%s", err ? err : "?");
	for (size_t i = 0; i < n; i++) {
		char e[CAPTURE_ERRLEN];
		ck_assert_msg(sensor_read_file(paths[i], cfg, pol, j, decided_line, dec, &rep[i],
					       e) == 0, "%s", e);
	}
	journal_close(j);
	policy_unref(pol);
	config_free(cfg);
}

static void same_report(const char *what, const struct sensor_report *a,
			const struct sensor_report *b)
{
	const struct observer_stats *x = &a->obs, *y = &b->obs;
	for (int k = 0; k < OBS_PROTO_COUNT; k++)
		ck_assert_msg(x->requests[k] == y->requests[k], "%s: requests", what);
	ck_assert_msg(x->hits == y->hits, "%s: %llu hits, not %llu", what,
		      (unsigned long long)y->hits, (unsigned long long)x->hits);
	for (int k = 0; k < BYPASS_COUNT; k++)
		ck_assert_msg(x->bypass[k] == y->bypass[k], "%s: bypass %d", what, k);
	ck_assert_uint_eq(x->dns_responses, y->dns_responses);
	ck_assert_uint_eq(x->connections, y->connections);
	ck_assert_uint_eq(x->no_host, y->no_host);
	ck_assert_uint_eq(x->bad_names, y->bad_names);
	ck_assert_uint_eq(x->listed, y->listed);
	ck_assert_uint_eq(x->journaled, y->journaled);
	ck_assert_uint_eq(x->n_categories, y->n_categories);
	for (size_t k = 0; k < x->n_categories; k++) {
		ck_assert_str_eq(x->categories[k].name, y->categories[k].name);
		ck_assert_uint_eq(x->categories[k].hits, y->categories[k].hits);
	}
}

/* With a policy and a journal: the same decisions, the same report and the same
 * journal lines (client MACs, packet times included) from the cooked copies. */
START_TEST(journal_same_as_ether)
{
	static const char *const caps[] = {
		"pcaps/tcpdump/dns_udp.pcap", "pcaps/zeek/http_pipelined-requests.pcap",
		"pcaps/zeek/tls_chrome-1250-tls-x25519-kyber.pcap", "pcaps/zeek/http_get.pcap",
		"pcaps/suricata-verify/tls__tls-client-hello-frag-01__dump_mtu300.pcap",
		"pcaps/suricata-verify/dns__dns-tcp-multirequest-buffer__dns-tcp-multirequest-buffer.pcap",
		"pcaps/suricata-verify/dns-over-http2__dns_over_https.pcap",
	};
	enum { N = CG_ARRAY_LEN(caps) };
	char *dir = tu_tmpdir();
	char *paths[3][N];
	for (size_t i = 0; i < N; i++) {
		paths[0][i] = tu_shared_path(caps[i]);
		ck_assert_msg(paths[0][i] != NULL, "missing %s", caps[i]);
		char tag[16], err[PCAP_ERRBUF_SIZE];
		snprintf(tag, sizeof(tag), "c%zu", i);
		ck_assert_msg(tu_pcap_relink_both(paths[0][i], dir, tag, &paths[1][i],
						  &paths[2][i], err) > 0, "%s", err);
	}
	static struct sensor_report rep[3][N];
	static struct decided dec[3];
	char *jtext[3];
	for (int v = 0; v < 3; v++) {
		char jdir[600];
		snprintf(jdir, sizeof(jdir), "%s/journal%d", dir, v);
		memset(&dec[v], 0, sizeof(dec[v]));
		read_all((const char *const *)paths[v], N, dir, jdir, rep[v], &dec[v]);
		jtext[v] = journal_text(jdir);
	}
	/* the original's own answers, as the observer tests have them */
	ck_assert_uint_eq(rep[0][0].obs.hits, 1);
	ck_assert_uint_eq(rep[0][0].obs.bypass[BYPASS_RESOLVER], 1);
	ck_assert_uint_eq(rep[0][1].obs.hits, 5);
	ck_assert_uint_eq(rep[0][2].obs.bypass[BYPASS_CATEGORY], 1);
	ck_assert_uint_eq(rep[0][6].obs.bypass[BYPASS_CATEGORY], 1);
	ck_assert(strstr(jtext[0], "\"mac\":\"00:11:22:33:44:55\"") != NULL);
	ck_assert(strstr(jtext[0], "\"time\":\"2020-06-10T17:19:54.740079") != NULL);
	ck_assert_uint_ge(dec[0].n, 20);
	ck_assert_uint_lt(dec[0].n, MAX_LINES);  /* none left out */
	for (int v = 1; v < 3; v++) {
		for (size_t i = 0; i < N; i++) {
			char what[256];
			snprintf(what, sizeof(what), "%s as %s", caps[i], cooked[v - 1].name);
			same_report(what, &rep[0][i], &rep[v][i]);
		}
		ck_assert_uint_eq(dec[v].n, dec[0].n);
		for (size_t k = 0; k < dec[0].n; k++)
			ck_assert_str_eq(dec[v].line[k], dec[0].line[k]);
		same_journal(cooked[v - 1].name, jtext[0], jtext[v]);
	}
	for (int v = 0; v < 3; v++) {
		free(jtext[v]);
		for (size_t i = 0; i < N; i++)
			free(paths[v][i]);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sensor_sll");
	TCase *tc = tcase_create("cooked");
	tcase_set_timeout(tc, 120); /* http_methods three times under ASan */
	tcase_add_test(tc, cooked_known_answers);
	tcase_add_test(tc, dns_same_as_ether);
	tcase_add_test(tc, malformed_same_as_ether);
	tcase_add_test(tc, http_same_as_ether);
	tcase_add_test(tc, tls_same_as_ether);
	tcase_add_test(tc, journal_same_as_ether);
	suite_add_tcase(s, tc);
	tc = tcase_create("crafted");
	tcase_add_test(tc, vlan_tag_carried);
	suite_add_tcase(s, tc);
	const char *base = getenv("CG_SHARED");
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/data/pcaps", base ? base : "../shared");
	if (access(probe, R_OK) != 0)
		return tu_run(s, "shared captures (CG_SHARED/data/pcaps) absent: the SLL/SLL2 "
			      "copies of real traffic were not checked");
	return tu_run(s, NULL);
}
