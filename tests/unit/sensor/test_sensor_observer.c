/* Tests for the sensor's observer over captures: policy hits, bypass attempts (resolver,
 * DoT, DoH by address), the journal of hits. Split from test_sensor.c. */
#include <dirent.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "inspect.h"
#include "journal.h"
#include "observe.h"
#include "policy.h"
#include "sensor.h"
#include "sensor_support.h"
#include "testutil.h"
#include "util.h"

/* ---- the observer: policy hits, bypass attempts, the journal ---------------------- */

/* Build an Ethernet + IPv4 + TCP packet from 10.9.8.7 (MAC 02:..:77) to dst:dport,
 * carrying dl bytes of data. */
static size_t tcp_packet_bin(uint8_t *b, const uint8_t dst[4], uint16_t dport, uint8_t flags,
			     uint32_t seq, const void *data, size_t dl)
{
	size_t n = 0;
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0x77, 8, 0 };
	memcpy(b, eth, 14);
	n = 14;
	size_t tot = 20 + 20 + dl;
	uint8_t ip[20] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 1, 0, 0, 64, 6, 0, 0,
			   10, 9, 8, 7, dst[0], dst[1], dst[2], dst[3] };
	memcpy(b + n, ip, 20);
	n += 20;
	uint8_t tcp[20] = { 0xc3, 0x51, (uint8_t)(dport >> 8), (uint8_t)dport,
			    (uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
			    (uint8_t)seq, 0, 0, 0, 0, 5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0 };
	memcpy(b + n, tcp, 20);
	n += 20;
	memcpy(b + n, data, dl);
	return n + dl;
}

static size_t tcp_packet(uint8_t *b, const uint8_t dst[4], uint16_t dport, uint8_t flags,
			 uint32_t seq, const char *data)
{
	return tcp_packet_bin(b, dst, dport, flags, seq, data, strlen(data));
}

/* A small TLS ClientHello record for name, with an outer-type encrypted_client_hello
 * extension when ech. Returns its length (at most 160 bytes). */
static size_t hello_bytes(uint8_t *o, const char *name, bool ech)
{
	size_t nl = strlen(name), e = 0, n = 0;
	uint8_t ext[128];
	ext[e++] = 0; ext[e++] = 0; /* server_name */
	ext[e++] = 0; ext[e++] = (uint8_t)(nl + 5);
	ext[e++] = 0; ext[e++] = (uint8_t)(nl + 3);
	ext[e++] = 0; ext[e++] = 0; ext[e++] = (uint8_t)nl;
	memcpy(ext + e, name, nl);
	e += nl;
	if (ech) {
		static const uint8_t x[] = { 0xfe, 0x0d, 0, 14, 0, 0, 1, 0, 1, 0x42, 0, 2, 9, 9,
					     0, 2, 7, 7 };
		memcpy(ext + e, x, sizeof(x));
		e += sizeof(x);
	}
	size_t body = 2 + 32 + 1 + 4 + 2 + 2 + e;
	o[n++] = 22; o[n++] = 3; o[n++] = 1; o[n++] = 0; o[n++] = (uint8_t)(body + 4);
	o[n++] = 1; o[n++] = 0; o[n++] = 0; o[n++] = (uint8_t)body;
	o[n++] = 3; o[n++] = 3;
	memset(o + n, 0x5a, 32);
	n += 32;
	o[n++] = 0;                                     /* session id */
	o[n++] = 0; o[n++] = 2; o[n++] = 0x13; o[n++] = 0x01; /* one suite */
	o[n++] = 1; o[n++] = 0;                         /* null compression */
	o[n++] = 0; o[n++] = (uint8_t)e;
	memcpy(o + n, ext, e);
	return n + e;
}

/* Write a capture of Ethernet packets (each given with its length) to dir/name. */
static char *write_capture(const char *dir, const char *name, uint8_t pkts[][256],
			   const size_t *lens, size_t n)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump = pcap_dump_open(dead, path);
	ck_assert_ptr_nonnull(dump);
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1800000000 + (long)i, .tv_usec = 0 },
					 .caplen = (bpf_u_int32)lens[i],
					 .len = (bpf_u_int32)lens[i] };
		pcap_dump((u_char *)dump, &h, pkts[i]);
	}
	pcap_dump_close(dump);
	pcap_close(dead);
	return path;
}

static void run_observer(const char *path, struct observer *o, struct inspect_stats *st)
{
	char err[CAPTURE_ERRLEN];
	struct capture *c = capture_open_file(path, err);
	ck_assert_msg(c != NULL, "%s", err);
	struct inspect *in = inspect_new(NULL, observer_handle, o);
	while (capture_file_run(c, in, 0, err) > 0)
		;
	if (st)
		inspect_get_stats(in, st);
	inspect_free(in);
	capture_close(c);
}

/* Every file in dir whose name ends in suffix, concatenated (caller frees). */
static char *cat_dir(const char *dir, const char *suffix)
{
	DIR *dp = opendir(dir);
	ck_assert_ptr_nonnull(dp);
	char *all = xstrdup("");
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name), k = strlen(suffix);
		if (n < k || strcmp(de->d_name + n - k, suffix) != 0)
			continue;
		char path[1024];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		char *b = tu_read_file(path, &len);
		ck_assert_ptr_nonnull(b);
		size_t have = strlen(all);
		all = xrealloc(all, have + len + 1);
		memcpy(all + have, b, len);
		all[have + len] = '\0';
		free(b);
	}
	closedir(dp);
	return all;
}

struct printed {
	char host[64][64];
	bool ech[64];
	char event[64][16];
	size_t n;
};

static void record_print(void *arg, const struct observation *ob, const char *host,
			 const struct verdict *v, const char *event)
{
	struct printed *pr = arg;
	(void)v;
	if (pr->n >= 64)
		return;
	snprintf(pr->host[pr->n], sizeof(pr->host[0]), "%s", host ? host : "");
	pr->ech[pr->n] = ob->ech;
	snprintf(pr->event[pr->n], sizeof(pr->event[0]), "%s", event ? event : "");
	pr->n++;
}

/* ECH in the sensor: every ECH hello is marked (outer name); one whose outer name is on
 * the bypass category's ech_list is a bypass attempt journaled with reason ech; GREASE
 * ECH with a real name and the client-facing name without ECH are not. */
START_TEST(ech_hellos_marked)
{
	char *dir = tu_tmpdir();
	static uint8_t pk[6][256];
	size_t lens[6];
	uint8_t h[200];
	static const uint8_t a[4] = { 198, 51, 100, 9 }, b[4] = { 198, 51, 100, 10 },
			     c[4] = { 198, 51, 100, 11 };
	lens[0] = tcp_packet(pk[0], a, 443, 0x02, 100, "");
	lens[1] = tcp_packet_bin(pk[1], a, 443, 0x18, 101, h, hello_bytes(h, "ech-cover.test", true));
	lens[2] = tcp_packet(pk[2], b, 443, 0x02, 300, "");
	lens[3] = tcp_packet_bin(pk[3], b, 443, 0x18, 301, h, hello_bytes(h, "school.test", true));
	lens[4] = tcp_packet(pk[4], c, 443, 0x02, 500, "");
	lens[5] = tcp_packet_bin(pk[5], c, 443, 0x18, 501, h,
				 hello_bytes(h, "ech-cover.test", false));
	char *path = write_capture(dir, "ech.pcap", pk, lens, 6);
	char *byp = tu_write_file(dir, "bypass.list", "vpn.test\n");
	char *ech = tu_write_file(dir, "ech.list", "ech-cover.test\n");
	char conf[2048];
	snprintf(conf, sizeof(conf),
		 "[journal]\ndir = %s/journal\n"
		 "[category bypass]\nkind = bypass\nlist = %s\nech_list = %s\n"
		 "[group default]\nblock = bypass\n", dir, byp, ech);
	char *cpath = tu_write_file(dir, "c.conf", conf);
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(cpath, &d);
	if (!cfg)
		diag_print(&d, stderr);
	ck_assert_ptr_nonnull(cfg);
	struct policy *pol = policy_build(cfg, &d);
	ck_assert_ptr_nonnull(pol);
	diag_free(&d);
	const char *err = NULL;
	struct journal *j = journal_open(&cfg->journal, cfg->timezone, &err);
	ck_assert_msg(j != NULL, "%s", err ? err : "?");
	static struct printed pr;
	memset(&pr, 0, sizeof(pr));
	struct sensor_report rep;
	char e[CAPTURE_ERRLEN];
	ck_assert_int_eq(sensor_read_file(path, cfg, pol, j, record_print, &pr, &rep, e), 0);
	journal_close(j);
	ck_assert_uint_eq(rep.in.tls_ech, 2);
	ck_assert_uint_eq(rep.obs.ech, 2);
	ck_assert_uint_eq(rep.obs.requests[OBS_PROTO_TLS], 3);
	ck_assert_uint_eq(rep.obs.bypass[BYPASS_ECH], 1);
	ck_assert_uint_eq(rep.obs.hits, 1);
	ck_assert_uint_eq(rep.obs.journaled, 1);
	ck_assert_str_eq(bypass_kind_name(BYPASS_ECH), "ech");
	ck_assert_uint_eq(pr.n, 3);
	for (size_t i = 0; i < pr.n; i++) {
		if (strcmp(pr.host[i], "ech-cover.test") == 0 && pr.ech[i])
			ck_assert_str_eq(pr.event[i], "bypass");
		else if (strcmp(pr.host[i], "school.test") == 0)
			ck_assert(pr.ech[i] && pr.event[i][0] == '\0');
		else
			ck_assert(!pr.ech[i] && pr.event[i][0] == '\0');
	}
	/* the journal line: the outer name, reason ech, the ech_list rule */
	char jdir[600];
	snprintf(jdir, sizeof(jdir), "%s/journal", dir);
	char *all = cat_dir(jdir, ".jsonl");
	ck_assert_ptr_nonnull(strstr(all, "\"host\":\"ech-cover.test\""));
	ck_assert_ptr_nonnull(strstr(all, "\"reason\":\"ech\""));
	ck_assert_ptr_nonnull(strstr(all, "ech.list"));
	ck_assert_ptr_null(strstr(all, "school.test"));
	free(all);
	policy_unref(pol);
	config_free(cfg);
	free(cpath);
	free(byp);
	free(ech);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(resolver_bypass_without_policy)
{
	char *p = tu_shared_path("pcaps/tcpdump/dns_udp.pcap");
	struct cfg_sensor sc = { 0 };
	struct cg_addr school;
	ck_assert_int_eq(addr_parse("192.0.2.53", &school), 0);
	sc.resolvers = &school;
	sc.n_resolvers = 1;
	struct observer *o = observer_new(&sc, NULL);
	run_observer(p, o, NULL);
	struct observer_stats os;
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.requests[OBS_PROTO_DNS], 1);
	ck_assert_uint_eq(os.dns_responses, 1);
	ck_assert_uint_eq(os.bypass[BYPASS_RESOLVER], 1);
	ck_assert_uint_eq(os.hits, 0);
	observer_free(o);
	/* the same query to the school's resolver is no bypass; nor with no list at all */
	struct run r;
	run_path(p, &r);
	ck_assert_uint_eq(r.n, 2);
	sc.resolvers = &r.s[0].server;
	o = observer_new(&sc, NULL);
	run_observer(p, o, NULL);
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.requests[OBS_PROTO_DNS], 1);
	ck_assert_uint_eq(os.bypass[BYPASS_RESOLVER], 0);
	observer_free(o);
	o = observer_new(NULL, NULL);
	run_observer(p, o, NULL);
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.bypass[BYPASS_RESOLVER], 0);
	observer_free(o);
	free(p);
}
END_TEST

START_TEST(dot_and_doh_path)
{
	char *dir = tu_tmpdir();
	static uint8_t pk[4][256];
	size_t lens[4];
	static const uint8_t dns9[4] = { 9, 9, 9, 9 }, web[4] = { 198, 51, 100, 7 };
	lens[0] = tcp_packet(pk[0], dns9, 853, 0x02, 100, "");
	lens[1] = tcp_packet(pk[1], web, 80, 0x02, 500, "");
	static const char doh[] = "GET /dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB "
				  "HTTP/1.1\r\nHost: doh.example\r\n\r\n";
	lens[2] = tcp_packet(pk[2], web, 80, 0x18, 501, doh);
	lens[3] = tcp_packet(pk[3], web, 80, 0x18, 501 + (uint32_t)strlen(doh),
			     "GET /dns-queryx HTTP/1.1\r\nHost: doh.example\r\n\r\n");
	char *path = write_capture(dir, "bypass.pcap", pk, lens, 4);
	struct observer *o = observer_new(NULL, NULL);
	struct inspect_stats st;
	run_observer(path, o, &st);
	struct observer_stats os;
	observer_get_stats(o, &os);
	ck_assert_uint_eq(st.observed[OBS_DOT], 1);
	ck_assert_uint_eq(os.bypass[BYPASS_DOT], 1);
	ck_assert_uint_eq(os.requests[OBS_PROTO_HTTP], 2);
	ck_assert_uint_eq(os.bypass[BYPASS_DOH_PATH], 1);
	observer_free(o);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A config and policy whose bypass category lists the lines in list (one per line). */
static struct policy *bypass_policy(const char *dir, const char *list, struct config **cfg)
{
	char *lp = tu_write_file(dir, "byaddr.list", list);
	char conf[1024];
	snprintf(conf, sizeof(conf), "[category bypass]\nkind = bypass\nlist = %s\n"
		 "[group default]\nblock = bypass\n", lp);
	char *cp = tu_write_file(dir, "byaddr.conf", conf);
	struct diag d;
	diag_init(&d);
	*cfg = config_load(cp, &d);
	if (!*cfg)
		diag_print(&d, stderr);
	ck_assert_ptr_nonnull(*cfg);
	struct policy *pol = policy_build(*cfg, &d);
	ck_assert_ptr_nonnull(pol);
	diag_free(&d);
	free(cp);
	free(lp);
	return pol;
}

/* DoH by address without TLS: cleartext HTTP/2 (prior knowledge) to 8.8.4.4:80, as in
 * the suricata capture, is one bypass attempt when 8.8.4.4 is listed, none otherwise. */
START_TEST(doh_address_over_http2)
{
	char *dir = tu_tmpdir();
	char *p = tu_shared_path("pcaps/suricata-verify/dns-over-http2__dns_over_https.pcap");
	ck_assert_ptr_nonnull(p);
	struct config *cfg;
	struct policy *pol = bypass_policy(dir, "8.8.4.4\n", &cfg);
	struct sensor_report rep;
	char e[CAPTURE_ERRLEN];
	ck_assert_int_eq(sensor_read_file(p, cfg, pol, NULL, NULL, NULL, &rep, e), 0);
	ck_assert_uint_eq(rep.obs.bypass[BYPASS_CATEGORY], 1);
	ck_assert_uint_eq(rep.obs.hits, 1);
	ck_assert_uint_eq(rep.obs.connections, 1);
	ck_assert_uint_eq(rep.in.http2, 1);
	ck_assert_uint_eq(rep.in.observed[OBS_CONN], 1);
	policy_unref(pol);
	config_free(cfg);
	pol = bypass_policy(dir, "8.8.8.8\n", &cfg);
	ck_assert_int_eq(sensor_read_file(p, cfg, pol, NULL, NULL, NULL, &rep, e), 0);
	ck_assert_uint_eq(rep.obs.bypass[BYPASS_CATEGORY], 0);
	ck_assert_uint_eq(rep.obs.connections, 1);
	policy_unref(pol);
	config_free(cfg);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* HTTP/1 to a listed address is one attempt per connection (not per request), and so
 * are bytes that are neither HTTP nor TLS on 443. */
START_TEST(doh_address_over_http1_and_unknown)
{
	char *dir = tu_tmpdir();
	static uint8_t pk[5][256];
	size_t lens[5];
	static const uint8_t g4[4] = { 8, 8, 4, 4 }, g8[4] = { 8, 8, 8, 8 };
	static const char req[] = "GET /resolve?name=x HTTP/1.1\r\nHost: dns.example\r\n\r\n";
	lens[0] = tcp_packet(pk[0], g4, 80, 0x02, 100, "");
	lens[1] = tcp_packet(pk[1], g4, 80, 0x18, 101, req);
	lens[2] = tcp_packet(pk[2], g4, 80, 0x18, 101 + (uint32_t)strlen(req), req);
	lens[3] = tcp_packet(pk[3], g8, 443, 0x02, 700, "");
	lens[4] = tcp_packet(pk[4], g8, 443, 0x18, 701, "\x05\x01\x00 not tls");
	char *path = write_capture(dir, "byaddr.pcap", pk, lens, 5);
	struct config *cfg;
	struct policy *pol = bypass_policy(dir, "8.8.4.4\n8.8.8.8\n", &cfg);
	struct observer *o = observer_new(NULL, NULL);
	observer_set_policy(o, pol);
	run_observer(path, o, NULL);
	struct observer_stats os;
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.requests[OBS_PROTO_HTTP], 2);
	ck_assert_uint_eq(os.connections, 1);
	ck_assert_uint_eq(os.bypass[BYPASS_CATEGORY], 2);
	observer_free(o);
	policy_unref(pol);
	config_free(cfg);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The whole thing with a real config, policy and journal: hits and bypass attempts
 * are journaled with action "observed", the packet's time and the client's MAC. */
START_TEST(policy_hits_are_journaled)
{
	char *dir = tu_tmpdir();
	char *adult = tu_write_file(dir, "adult.list", "www.tcpdump.org\nmozilla.org\n");
	char *byp = tu_write_file(dir, "bypass.list", "lh3.google.com\n");
	char conf[2048];
	snprintf(conf, sizeof(conf),
		 "[sensor]\nresolver = 192.0.2.53\n"
		 "[journal]\ndir = %s/journal\n"
		 "[category adult]\nkind = block\nlist = %s\n"
		 "[category bypass]\nkind = bypass\nlist = %s\n"
		 "[group default]\nblock = adult bypass\n", dir, adult, byp);
	char *cpath = tu_write_file(dir, "c.conf", conf);
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(cpath, &d);
	if (!cfg)
		diag_print(&d, stderr);
	ck_assert_ptr_nonnull(cfg);
	struct policy *pol = policy_build(cfg, &d);
	ck_assert_ptr_nonnull(pol);
	diag_free(&d);
	const char *err = NULL;
	struct journal *j = journal_open(&cfg->journal, cfg->timezone, &err);
	ck_assert_msg(j != NULL, "%s", err ? err : "?");

	static const char *caps[] = { "pcaps/tcpdump/dns_udp.pcap",
				      "pcaps/zeek/http_pipelined-requests.pcap",
				      "pcaps/zeek/tls_chrome-1250-tls-x25519-kyber.pcap" };
	struct sensor_report rep[3];
	for (size_t i = 0; i < 3; i++) {
		char *p = tu_shared_path(caps[i]);
		char e[CAPTURE_ERRLEN];
		ck_assert_int_eq(sensor_read_file(p, cfg, pol, j, NULL, NULL, &rep[i], e), 0);
		free(p);
	}
	journal_close(j);
	/* dns_udp: one hit (the query), one resolver bypass */
	ck_assert_uint_eq(rep[0].obs.hits, 1);
	ck_assert_uint_eq(rep[0].obs.bypass[BYPASS_RESOLVER], 1);
	ck_assert_uint_eq(rep[0].obs.n_categories, 1);
	ck_assert_str_eq(rep[0].obs.categories[0].name, "adult");
	ck_assert_uint_eq(rep[0].obs.journaled, 2);
	/* five pipelined requests to www.mozilla.org, all under mozilla.org */
	ck_assert_uint_eq(rep[1].obs.hits, 5);
	/* the ClientHello's name is in the bypass category */
	ck_assert_uint_eq(rep[2].obs.bypass[BYPASS_CATEGORY], 1);
	ck_assert_uint_eq(rep[2].obs.hits, 1);
	ck_assert_str_eq(rep[2].obs.categories[0].name, "bypass");
	/* TLS to an address in a bypass list (DoH by IP) is one bypass attempt too */
	struct config *cfg2 = NULL;
	{
		char *byp2 = tu_write_file(dir, "bypass2.list", "142.250.200.14\n");
		char conf2[2048];
		snprintf(conf2, sizeof(conf2),
			 "[category bypass]\nkind = bypass\nlist = %s\n"
			 "[group default]\nblock = bypass\n", byp2);
		char *c2 = tu_write_file(dir, "c2.conf", conf2);
		struct diag d2;
		diag_init(&d2);
		cfg2 = config_load(c2, &d2);
		ck_assert_ptr_nonnull(cfg2);
		struct policy *pol2 = policy_build(cfg2, &d2);
		ck_assert_ptr_nonnull(pol2);
		char *p = tu_shared_path(caps[2]);
		char e[CAPTURE_ERRLEN];
		struct sensor_report r2;
		ck_assert_int_eq(sensor_read_file(p, cfg2, pol2, NULL, NULL, NULL, &r2, e), 0);
		ck_assert_uint_eq(r2.obs.bypass[BYPASS_CATEGORY], 1);
		ck_assert_uint_eq(r2.obs.requests[OBS_PROTO_TLS], 1);
		free(p);
		policy_unref(pol2);
		config_free(cfg2);
		diag_free(&d2);
		free(c2);
		free(byp2);
	}

	/* read back what was written */
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "cat %s/journal/*.jsonl", dir);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	char line[4096];
	size_t n = 0, tcpdump = 0, mozilla = 0, bypass = 0;
	while (fgets(line, sizeof(line), f)) {
		n++;
		ck_assert_msg(strstr(line, "\"action\":\"observed\"") != NULL, "%s", line);
		if (strstr(line, "www.tcpdump.org")) {
			tcpdump++;
			/* the packet's own time (2020, in the school's zone), not now */
			ck_assert_msg(strstr(line, "\"time\":\"2020-06-10T17:19:54.740079") != NULL,
				      "%s", line);
			ck_assert(strstr(line, "\"mac\":\"00:11:22:33:44:55\"") != NULL);
		}
		if (strstr(line, "www.mozilla.org")) {
			mozilla++;
			ck_assert(strstr(line, "adult") != NULL);
		}
		if (strstr(line, "lh3.google.com")) {
			bypass++;
			ck_assert(strstr(line, "\"bypass\"") != NULL);
		}
	}
	pclose(f);
	ck_assert_uint_eq(tcpdump, 2);   /* the hit and the resolver bypass */
	ck_assert_uint_eq(mozilla, 5);
	ck_assert_uint_eq(bypass, 1);
	ck_assert_uint_ge(n, 8);
	snprintf(cmd, sizeof(cmd), "grep -c '\"mac\":\"[0-9a-f:]\\{17\\}\"' %s/journal/*.jsonl", dir);
	f = popen(cmd, "r");
	ck_assert(fgets(line, sizeof(line), f) != NULL);
	ck_assert_uint_eq(strtoul(line, NULL, 10), n);
	pclose(f);

	policy_unref(pol);
	config_free(cfg);
	free(cpath);
	free(adult);
	free(byp);
	tu_rmtree(dir);
	free(dir);
}
END_TEST


/* DNS to another resolver is a bypass whatever it asks: the root (dns-badcookie: two
 * SOA queries for "." to 127.0.0.1), and a name that does not normalise. */
START_TEST(resolver_bypass_before_name_checks)
{
	char *p = tu_shared_path("pcaps/tcpdump/dns-badcookie.pcap");
	ck_assert_ptr_nonnull(p);
	struct cfg_sensor sc = { 0 };
	struct cg_addr school;
	ck_assert_int_eq(addr_parse("192.0.2.53", &school), 0);
	sc.resolvers = &school;
	sc.n_resolvers = 1;
	struct observer *o = observer_new(&sc, NULL);
	run_observer(p, o, NULL);
	struct observer_stats os;
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.no_host, 2);
	ck_assert_uint_eq(os.bypass[BYPASS_RESOLVER], 2);
	observer_free(o);
	free(p);
	/* over TCP, a question whose name has a byte no host name has */
	o = observer_new(&sc, NULL);
	struct inspect *in = inspect_new(NULL, observer_handle, o);
	uint8_t q[64];
	size_t ql = dns_tcp_msg(q, 7, "bad name", false);
	raw_tcp_dir(in, false, 53, 0x02, 99, "", 0);
	raw_tcp_dir(in, false, 53, 0x18, 100, q, ql);
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.bad_names, 1);
	ck_assert_uint_eq(os.requests[OBS_PROTO_DNS], 0);
	ck_assert_uint_eq(os.bypass[BYPASS_RESOLVER], 1);
	inspect_free(in);
	observer_free(o);
	/* the same to the school's resolver is no bypass */
	ck_assert_int_eq(addr_parse("192.0.2.1", &school), 0);
	o = observer_new(&sc, NULL);
	in = inspect_new(NULL, observer_handle, o);
	raw_tcp_dir(in, false, 53, 0x02, 99, "", 0);
	raw_tcp_dir(in, false, 53, 0x18, 100, q, ql);
	observer_get_stats(o, &os);
	ck_assert_uint_eq(os.bad_names, 1);
	ck_assert_uint_eq(os.bypass[BYPASS_RESOLVER], 0);
	inspect_free(in);
	observer_free(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sensor_observer");
	TCase *tc = tcase_create("observer");
	tcase_add_test(tc, resolver_bypass_without_policy);
	tcase_add_test(tc, ech_hellos_marked);
	tcase_add_test(tc, dot_and_doh_path);
	tcase_add_test(tc, policy_hits_are_journaled);
	tcase_add_test(tc, doh_address_over_http2);
	tcase_add_test(tc, doh_address_over_http1_and_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("crafted");
	tcase_add_test(tc, resolver_bypass_before_name_checks);
	suite_add_tcase(s, tc);
	const char *base = getenv("CG_SHARED");
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/data/pcaps", base ? base : "../shared");
	if (access(probe, R_OK) != 0)
		return tu_run(s, "shared captures (CG_SHARED/data/pcaps) absent");
	return tu_run(s, NULL);
}
