/* Tests for the sensor's packet path (capture.c + inspect.c) over the shared captures:
 * the expected DNS names, HTTP requests and TLS server names, malformed packets counted
 * as malformed, broken files rejected; and the filter and a crafted SLL capture. */
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "inspect.h"
#include "sensor_support.h"
#include "testutil.h"
#include "util.h"

START_TEST(dns_udp)
{
	struct run r;
	run_shared("pcaps/tcpdump/dns_udp.pcap", &r);
	ck_assert_uint_eq(r.st.packets, 2);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "www.tcpdump.org"), 1);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, "www.tcpdump.org"), 1);
	ck_assert(r.s[0].has_mac);
	ck_assert(!r.s[0].tcp);
	ck_assert_int_gt(r.s[0].time_us, 1000000000LL * 1000000);
	ck_assert_uint_eq(malformed_total(&r), 0);
}
END_TEST

START_TEST(dns_tcp)
{
	struct run r;
	run_shared("pcaps/tcpdump/dns_tcp.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "www.tcpdump.org"), 1);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, "www.tcpdump.org"), 1);
	ck_assert_uint_eq(r.st.observed[OBS_DNS_RESPONSE], 1);
	ck_assert(r.s[0].tcp);
	ck_assert_uint_eq(malformed_total(&r), 0);
	ck_assert_uint_ge(r.st.flow.created, 1);
}
END_TEST

START_TEST(dns_tcp_multirequest)
{
	struct run r;
	run_shared("pcaps/suricata-verify/"
		   "dns__dns-tcp-multirequest-buffer__dns-tcp-multirequest-buffer.pcap", &r);
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%d.google.com", i);
		ck_assert_msg(count(&r, OBS_DNS_QUERY, name) == 1, "%s seen %zu times", name,
			      count(&r, OBS_DNS_QUERY, name));
	}
	ck_assert_uint_eq(r.st.observed[OBS_DNS_QUERY], 20);
	/* and the 20 answers, one per segment after the client's FIN */
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%d.google.com", i);
		ck_assert_msg(count(&r, OBS_DNS_RESPONSE, name) == 1, "answer %s seen %zu times",
			      name, count(&r, OBS_DNS_RESPONSE, name));
	}
	ck_assert_uint_eq(r.st.observed[OBS_DNS_RESPONSE], 20);
	ck_assert_uint_eq(r.st.bad[BAD_DNS_TCP], 0);
}
END_TEST

START_TEST(tls_fragmented_client_hello)
{
	struct run r;
	run_shared("pcaps/suricata-verify/tls__tls-client-hello-frag-01__dump_mtu300.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_TLS, "www.google.com"), 1);
	ck_assert_uint_eq(r.st.bad[BAD_TLS], 0);
}
END_TEST

START_TEST(tls_chrome_kyber)
{
	struct run r;
	run_shared("pcaps/zeek/tls_chrome-1250-tls-x25519-kyber.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_TLS, "lh3.google.com"), 1);
	ck_assert(r.s[0].has_mac);
}
END_TEST

START_TEST(http_pipelined)
{
	struct run r;
	run_shared("pcaps/zeek/http_pipelined-requests.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_HTTP, "www.mozilla.org"), 5);
	ck_assert_uint_eq(r.st.observed[OBS_HTTP], 5);
	for (size_t i = 0; i < r.n; i++)
		ck_assert(r.s[i].path[0] == '/');
	ck_assert_uint_eq(r.st.bad[BAD_HTTP], 0);
}
END_TEST

START_TEST(http_get_and_proxy)
{
	struct run r;
	run_shared("pcaps/zeek/http_get.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_HTTP, "bro.org"), 1);
	ck_assert_str_eq(r.s[0].path, "/download/CHANGES.bro-aux.txt");
	run_shared("pcaps/zeek/http_proxy.pcap", &r);
	ck_assert_uint_ge(count(&r, OBS_HTTP, "bro.org"), 1);
	run_shared("pcaps/zeek/http_methods.pcap", &r);
	ck_assert_uint_ge(count(&r, OBS_HTTP, "www.google.com"), 20);
	run_shared("pcaps/suricata-verify/http-uri-spaces__input.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_HTTP, "127.0.0.1"), 1);
	ck_assert_str_eq(r.s[0].path, "/uri afterspace");
}
END_TEST

START_TEST(ipv6_fragmented_dns)
{
	struct run r;
	run_shared("pcaps/zeek/ipv6-fragmented-dns.pcap", &r);
	ck_assert_uint_ge(r.st.frag.reassembled, 1);
	ck_assert_uint_eq(r.st.frag.rejected, 0);
	ck_assert_uint_ge(count(&r, OBS_DNS_QUERY, NULL), 1);
	/* the big TXT answer only exists after reassembly */
	size_t big = 0;
	for (size_t i = 0; i < r.n; i++)
		if (r.s[i].kind == OBS_DNS_RESPONSE && strstr(r.s[i].host, "txtpadding_3230"))
			big++;
	ck_assert_uint_ge(big, 1);
	ck_assert_uint_eq(r.s[0].client.family, AF_INET6);
}
END_TEST

START_TEST(raw_ipv6_and_ppi_and_loopback)
{
	struct run r;
	run_shared("pcaps/tcpdump/LINKTYPE_RAW_ipv6.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "example.com"), 1);
	ck_assert_uint_eq(r.st.ipv6, 1);
	ck_assert(!r.s[0].has_mac);
	run_shared("pcaps/libpcap/http_PPI.pcap", &r);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "www.polito.it"), 1);
	ck_assert_uint_eq(r.st.linktypes[0].dlt, DLT_PPI);
	run_shared("pcaps/tcpdump/dns-badcookie.pcap", &r);
	ck_assert_uint_ge(count(&r, OBS_DNS_QUERY, ""), 1);  /* SOA . */
	ck_assert_uint_eq(r.st.linktypes[0].dlt, DLT_NULL);
}
END_TEST

START_TEST(malformed_dns_counted)
{
	static const char *files[] = {
		"pcaps/tcpdump/dns-zlip-1.pcap", "pcaps/tcpdump/dns-zlip-2.pcap",
		"pcaps/tcpdump/dns-zlip-3.pcap", "pcaps/tcpdump/dns_fwdptr.pcap",
	};
	struct run r;
	for (size_t i = 0; i < CG_ARRAY_LEN(files); i++) {
		run_shared(files[i], &r);
		ck_assert_msg(r.st.bad[BAD_DNS] == 1, "%s: %llu", files[i],
			      (unsigned long long)r.st.bad[BAD_DNS]);
		ck_assert_uint_eq(r.st.observed[OBS_DNS_QUERY], 0);
	}
	run_shared("pcaps/zeek/dns-invalid-names.pcap", &r);
	ck_assert_uint_ge(r.st.bad[BAD_DNS], 2);
	run_shared("pcaps/suricata-verify/dns-udp-junkrequest-first__input.pcap", &r);
	ck_assert_uint_ge(malformed_total(&r), 1);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "catenacyber.Fr"), 1);
}
END_TEST

START_TEST(not_unicast_dns)
{
	struct run r;
	run_shared("pcaps/zeek/dns_mdns.pcap", &r);
	ck_assert_uint_eq(r.st.observed[OBS_DNS_QUERY], 0);
	ck_assert_uint_gt(r.st.packets, 0);
}
END_TEST

/* libpcap's broken-file samples: the only shared captures that must be refused. */
static const char *const broken_files[] = {
	"pcap-invalid-version-1.pcap", "pcapng-invalid-vers-1.pcapng",
	"shb-option-too-long.pcapng", "linktype-reserved-field-not-zero.pcap",
};

static bool is_broken(const char *dir, const char *name)
{
	if (strcmp(dir, "pcaps/libpcap") != 0)
		return false;
	for (size_t i = 0; i < CG_ARRAY_LEN(broken_files); i++)
		if (strcmp(name, broken_files[i]) == 0)
			return true;
	return false;
}

/* Every valid capture in the shared folder opens and runs to its end without a read
 * error; every broken one is refused with a message naming the file and the problem. */
START_TEST(every_capture)
{
	static const char *dirs[] = { "pcaps/tcpdump", "pcaps/zeek", "pcaps/suricata-verify",
				      "pcaps/libpcap" };
	size_t opened = 0, refused = 0;
	for (size_t k = 0; k < CG_ARRAY_LEN(dirs); k++) {
		char *dir = tu_shared_path(dirs[k]);
		ck_assert_ptr_nonnull(dir);
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "ls %s", dir);
		FILE *ls = popen(cmd, "r");
		ck_assert_ptr_nonnull(ls);
		char name[512];
		while (fgets(name, sizeof(name), ls)) {
			name[strcspn(name, "\n")] = '\0';
			char path[4800];
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			char err[CAPTURE_ERRLEN];
			struct capture *c = capture_open_file(path, err);
			if (is_broken(dirs[k], name)) {
				ck_assert_msg(c == NULL, "%s was opened", path);
				ck_assert_msg(strstr(err, name) != NULL, "%s", err);
				ck_assert_msg(strlen(err) > strlen(path) + 4, "no reason: %s", err);
				refused++;
				continue;
			}
			ck_assert_msg(c != NULL, "valid capture refused: %s", err);
			opened++;
			struct inspect *in = inspect_new(NULL, NULL, NULL);
			long n;
			while ((n = capture_file_run(c, in, 0, err)) > 0)
				;
			ck_assert_msg(n == 0, "%s: read error: %s", name, err);
			struct inspect_stats st;
			inspect_get_stats(in, &st);
			ck_assert_msg(st.packets > 0, "%s: no packets", name);
			inspect_free(in);
			capture_close(c);
		}
		pclose(ls);
		free(dir);
	}
	ck_assert_uint_ge(opened, 30);
	ck_assert_uint_eq(refused, CG_ARRAY_LEN(broken_files));
}
END_TEST

START_TEST(broken_files_refused)
{
	static const char *files[] = {
		"pcap-invalid-version-1.pcap", "pcapng-invalid-vers-1.pcapng",
		"shb-option-too-long.pcapng", "linktype-reserved-field-not-zero.pcap",
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(files); i++) {
		char rel[128], err[CAPTURE_ERRLEN];
		snprintf(rel, sizeof(rel), "pcaps/libpcap/%s", files[i]);
		char *p = tu_shared_path(rel);
		ck_assert_ptr_nonnull(p);
		struct capture *c = capture_open_file(p, err);
		ck_assert_msg(c == NULL, "%s was opened", files[i]);
		ck_assert(strstr(err, files[i]) != NULL);
		ck_assert_uint_gt(strlen(err), strlen(p) + 4);
		free(p);
	}
	char err[CAPTURE_ERRLEN];
	ck_assert_ptr_null(capture_open_file("/nonexistent/x.pcap", err));
	ck_assert(strstr(err, "/nonexistent/x.pcap") != NULL);
}
END_TEST

/* A Linux cooked (SLL) capture, written here: a DNS query from a known MAC. */
START_TEST(crafted_sll_capture)
{
	static const uint8_t pkt[] = {
		0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0,
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
		10, 1, 2, 3, 10, 0, 0, 53,
		0xc3, 0x50, 0x00, 0x35, 0x00, 0x2a, 0x00, 0x00,
		0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		4, 's', 'l', 'l', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0x00, 0x01, 0x00, 0x01,
	};
	char *dir = tu_tmpdir();
	char path[512];
	snprintf(path, sizeof(path), "%s/sll.pcap", dir);
	pcap_t *dead = pcap_open_dead(DLT_LINUX_SLL, 65535);
	pcap_dumper_t *dump = pcap_dump_open(dead, path);
	ck_assert_ptr_nonnull(dump);
	struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000, .tv_usec = 5 },
				 .caplen = sizeof(pkt), .len = sizeof(pkt) };
	pcap_dump((u_char *)dump, &h, pkt);
	pcap_dump_close(dump);
	pcap_close(dead);
	struct run r;
	run_path(path, &r);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "sllx.example.com"), 1);
	ck_assert(r.s[0].has_mac);
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	ck_assert_int_eq(memcmp(r.s[0].client_mac, mac, 6), 0);
	ck_assert_int_eq(r.s[0].time_us, 1700000000LL * 1000000 + 5);
	ck_assert_uint_eq(r.st.linktypes[0].dlt, DLT_LINUX_SLL);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- a small pcapng writer: SHB, IDB, EPB (host byte order) ---------------------- */

static void put32(FILE *f, uint32_t v)
{
	ck_assert_uint_eq(fwrite(&v, 4, 1, f), 1);
}

/* Copy every packet of the pcap file src into a pcapng file dst, with time stamps in
 * units of 10^-tsresol s (6: the default, no option written). */
static void pcap_to_pcapng(const char *src, const char *dst, int tsresol)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(src, PCAP_TSTAMP_PRECISION_NANO,
							     perr);
	ck_assert_msg(in != NULL, "%s", perr);
	FILE *f = fopen(dst, "wb");
	ck_assert_ptr_nonnull(f);
	/* section header: type, length, byte-order magic, version 1.0, length unknown */
	put32(f, 0x0a0d0d0a);
	put32(f, 28);
	put32(f, 0x1a2b3c4d);
	put32(f, 1);            /* major 1, minor 0 (little-endian u16 pair) */
	put32(f, 0xffffffff);
	put32(f, 0xffffffff);
	put32(f, 28);
	/* interface: link type, snap length, if_tsresol when not µs, end of options */
	uint32_t idb_len = tsresol == 6 ? 20 : 32;
	put32(f, 1);
	put32(f, idb_len);
	put32(f, (uint32_t)pcap_datalink(in));   /* link type u16, reserved u16 = 0 */
	put32(f, 65535);
	if (tsresol != 6) {
		put32(f, 9 | 1u << 16);              /* if_tsresol, 1 byte */
		put32(f, (uint32_t)tsresol);         /* the byte, 3 bytes padding */
		put32(f, 0);                         /* opt_endofopt */
	}
	put32(f, idb_len);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		uint64_t ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
		uint64_t ts = tsresol == 9 ? ns : ns / 1000;
		uint32_t pad = (4 - h->caplen % 4) % 4;
		uint32_t len = 32 + h->caplen + pad;
		put32(f, 6);
		put32(f, len);
		put32(f, 0);
		put32(f, (uint32_t)(ts >> 32));
		put32(f, (uint32_t)ts);
		put32(f, h->caplen);
		put32(f, h->len);
		ck_assert_uint_eq(fwrite(data, 1, h->caplen, f), h->caplen);
		static const uint8_t zero[4];
		ck_assert_uint_eq(fwrite(zero, 1, pad, f), pad);
		put32(f, len);
	}
	ck_assert_int_eq(rc, PCAP_ERROR_BREAK);
	pcap_close(in);
	ck_assert_int_eq(fclose(f), 0);
}

static void same_runs(const struct run *a, const struct run *b)
{
	ck_assert_uint_eq(a->n, b->n);
	ck_assert_uint_eq(a->st.packets, b->st.packets);
	ck_assert_uint_eq(a->st.bytes, b->st.bytes);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->s[i].kind, b->s[i].kind);
		ck_assert_str_eq(a->s[i].host, b->s[i].host);
		ck_assert_str_eq(a->s[i].path, b->s[i].path);
		ck_assert_int_eq(a->s[i].time_us, b->s[i].time_us);
		ck_assert_int_eq(a->s[i].has_mac, b->s[i].has_mac);
		ck_assert_int_eq(memcmp(a->s[i].client_mac, b->s[i].client_mac, 6), 0);
	}
}

/* A pcapng file (written here from the pcap captures) gives the same extraction as the
 * pcap file, with µs and with ns time stamps. */
START_TEST(pcapng_same_as_pcap)
{
	static const char *caps[] = { "pcaps/tcpdump/dns_udp.pcap",
				      "pcaps/zeek/http_pipelined-requests.pcap",
				      "pcaps/suricata-verify/tls__tls-client-hello-frag-01__dump_mtu300.pcap" };
	char *dir = tu_tmpdir();
	static struct run a, b;
	for (size_t i = 0; i < CG_ARRAY_LEN(caps); i++) {
		char *p = tu_shared_path(caps[i]);
		ck_assert_ptr_nonnull(p);
		run_path(p, &a);
		ck_assert_uint_gt(a.n, 0);
		for (int res = 6; res <= 9; res += 3) {
			char ng[512];
			snprintf(ng, sizeof(ng), "%s/c%zu-%d.pcapng", dir, i, res);
			pcap_to_pcapng(p, ng, res);
			run_path(ng, &b);
			same_runs(&a, &b);
		}
		free(p);
	}
	ck_assert_uint_eq(count(&b, OBS_TLS, "www.google.com"), 1);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The live filter compiles for every link type the decoder supports that libpcap
 * knows here (capture_open_live fails otherwise), with VLAN clauses on Ethernet only. */
START_TEST(filter_compiles)
{
	size_t tried = 0;
	for (int dlt = 0; dlt < 300; dlt++) {
		if (!decode_linktype_supported(dlt) || !pcap_datalink_val_to_name(dlt))
			continue;   /* file link types (e.g. 101) that are no DLT on this platform */
		tried++;
		pcap_t *dead = pcap_open_dead(dlt, 65535);
		ck_assert_ptr_nonnull(dead);
		struct bpf_program prog;
		const char *f = capture_filter(dlt);
		int rc = pcap_compile(dead, &prog, f, 1, PCAP_NETMASK_UNKNOWN);
		ck_assert_msg(rc == 0, "DLT %s: %s", pcap_datalink_val_to_name(dlt),
			      pcap_geterr(dead));
		pcap_freecode(&prog);
		pcap_close(dead);
		ck_assert(strstr(f, "tcp port 853") != NULL);
		ck_assert(strstr(f, "ip6[6] == 44") != NULL);
		ck_assert_int_eq(strstr(f, "vlan") != NULL, dlt == DLT_EN10MB);
	}
	/* Ethernet, raw IP, loopback, SLL, SLL2 at least */
	ck_assert_uint_ge(tried, 8);
}
END_TEST

/* An Ethernet frame with `tags` VLAN tags carrying IPv4 UDP to dport, or IPv6 UDP
 * behind a hop-by-hop header when v6_hbh. */
static size_t ether_udp(uint8_t *b, int tags, uint16_t dport, bool v6_hbh)
{
	size_t n = 12;
	memset(b, 0, 256);
	b[0] = 2;
	b[6] = 2;
	for (int i = 0; i < tags; i++) {
		b[n] = i == 0 && tags == 2 ? 0x88 : 0x81;
		b[n + 1] = i == 0 && tags == 2 ? 0xa8 : 0x00;
		b[n + 3] = (uint8_t)(5 + i);
		n += 4;
	}
	if (v6_hbh) {
		b[n] = 0x86;
		b[n + 1] = 0xdd;
		n += 2;
		b[n] = 0x60;
		b[n + 5] = 16;   /* payload: 8 hop-by-hop + 8 UDP */
		b[n + 6] = 0;    /* next: hop-by-hop */
		b[n + 7] = 64;
		n += 40;
		b[n] = 17;       /* then UDP, 8 bytes of options (PadN) */
		b[n + 2] = 1;
		b[n + 3] = 4;
		n += 8;
	} else {
		b[n] = 0x08;
		n += 2;
		static const uint8_t ip[20] = { 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
						10, 0, 0, 1, 10, 0, 0, 2 };
		memcpy(b + n, ip, 20);
		n += 20;
	}
	b[n] = 0xc3;
	b[n + 1] = 0x50;
	b[n + 2] = (uint8_t)(dport >> 8);
	b[n + 3] = (uint8_t)dport;
	b[n + 5] = 8;
	return n + 8;
}

/* The Ethernet filter keeps DNS untagged, behind 802.1Q and behind QinQ, and IPv6 with
 * extension headers; it drops other UDP. */
START_TEST(filter_matches_vlan_and_qinq)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	ck_assert_int_eq(pcap_compile(dead, &prog, capture_filter(DLT_EN10MB), 1,
				      PCAP_NETMASK_UNKNOWN), 0);
	uint8_t b[256];
	for (int tags = 0; tags <= 2; tags++) {
		size_t n = ether_udp(b, tags, 53, false);
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n };
		ck_assert_msg(pcap_offline_filter(&prog, &h, b) != 0, "DNS with %d tags", tags);
		n = ether_udp(b, tags, 9999, false);
		h.caplen = h.len = (bpf_u_int32)n;
		ck_assert_msg(pcap_offline_filter(&prog, &h, b) == 0, "udp/9999 with %d tags", tags);
		n = ether_udp(b, tags, 9999, true);
		h.caplen = h.len = (bpf_u_int32)n;
		ck_assert_msg(pcap_offline_filter(&prog, &h, b) != 0, "IPv6 hop-by-hop, %d tags",
			      tags);
	}
	pcap_freecode(&prog);
	pcap_close(dead);
	/* raw IP: the same packets without the Ethernet header */
	dead = pcap_open_dead(DLT_RAW, 65535);
	ck_assert_int_eq(pcap_compile(dead, &prog, capture_filter(DLT_RAW), 1,
				      PCAP_NETMASK_UNKNOWN), 0);
	size_t n = ether_udp(b, 0, 53, false);
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)(n - 14), .len = (bpf_u_int32)(n - 14) };
	ck_assert(pcap_offline_filter(&prog, &h, b + 14) != 0);
	ether_udp(b, 0, 9999, false);
	ck_assert(pcap_offline_filter(&prog, &h, b + 14) == 0);
	pcap_freecode(&prog);
	pcap_close(dead);
}
END_TEST

/* A long generated capture of connections that never close: the flow table and its
 * buffers stay within their limits, whatever the number of connections. */
START_TEST(long_capture_memory_flat)
{
	struct inspect_limits lim = { .flow = { .max_flows = 100, .timeout_s = 5,
						.max_flow_bytes = 2048,
						.max_total_bytes = 100 * 1024 } };
	struct inspect *in = inspect_new(&lim, NULL, NULL);
	uint8_t b[1500];
	struct inspect_stats st;
	for (uint32_t n = 0; n < 100000; n++) {
		uint8_t half[] = "GET /a-long-request-that-never-ends HTTP/1.1\r\nHost: x";
		size_t dl = sizeof(half) - 1, tot = 40 + dl;
		uint8_t ip[40] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 1, 0, 0, 64, 6,
				   0, 0, 10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n,
				   192, 0, 2, 1,
				   (uint8_t)(n >> 8), (uint8_t)n, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
				   5 << 4, 0x18, 0xff, 0xff, 0, 0, 0, 0 };
		memcpy(b, ip, 40);
		memcpy(b + 40, half, dl);
		int64_t t = 1800000000LL * 1000000 + (int64_t)n * 100; /* 10,000 per second */
		inspect_packet(in, DLT_RAW, t, b, tot, tot);
		if (n % 1000 == 0) {
			inspect_get_stats(in, &st);
			ck_assert_uint_le(st.flow.active, 100);
			ck_assert_uint_le(st.flow.buffered, 100 * 1024);
		}
	}
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.flow.created, 100000);
	ck_assert_uint_le(st.flow.peak_active, 100);
	ck_assert_uint_le(st.flow.peak_buffered, 100 * 1024);
	ck_assert_uint_eq(st.flow.evicted + st.flow.expired + st.flow.active, 100000);
	ck_assert_uint_eq(st.observed[OBS_HTTP], 0);
	/* 10 s later every flow has timed out (capture time) */
	uint8_t syn[40] = { 0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 99, 99, 99,
			    192, 0, 2, 1, 0x10, 0, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
			    5 << 4, 0x02, 0xff, 0xff, 0, 0, 0, 0 };
	inspect_packet(in, DLT_RAW, 1800000000LL * 1000000 + 100000LL * 100 + 10000000, syn,
		       40, 40);
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.flow.active, 1);
	inspect_free(in);
}
END_TEST


static void raw_tcp(struct inspect *in, uint16_t dport, uint8_t flags, uint32_t seq,
		    const void *data, size_t dl)
{
	raw_tcp_dir(in, false, dport, flags, seq, data, dl);
}


/* DNS over TCP, the server's side: answers split across segments, and several in one. */
START_TEST(dns_tcp_responses_split)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	struct inspect *in = inspect_new(NULL, collect, &r);
	uint8_t q[64], a[3][64], srv[192];
	size_t ql = dns_tcp_msg(q, 1, "split", false);
	size_t al[3], sl = 0;
	static const char *const names[3] = { "split", "second", "third" };
	for (int i = 0; i < 3; i++) {
		al[i] = dns_tcp_msg(a[i], (uint16_t)(1 + i), names[i], true);
		memcpy(srv + sl, a[i], al[i]);
		sl += al[i];
	}
	raw_tcp_dir(in, false, 53, 0x02, 99, "", 0);
	raw_tcp_dir(in, true, 53, 0x12, 6999, "", 0);
	raw_tcp_dir(in, false, 53, 0x18, 100, q, ql);
	/* cut inside the first answer's length prefix, then inside the second's body; the
	   last segment carries the end of the second answer and the whole third */
	size_t cut1 = 1, cut2 = al[0] + 9;
	raw_tcp_dir(in, true, 53, 0x18, 7000, srv, cut1);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, NULL), 0);
	raw_tcp_dir(in, true, 53, 0x18, 7000 + (uint32_t)cut1, srv + cut1, cut2 - cut1);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, "split.example"), 1);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, NULL), 1);
	raw_tcp_dir(in, true, 53, 0x18, 7000 + (uint32_t)cut2, srv + cut2, sl - cut2);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, "second.example"), 1);
	ck_assert_uint_eq(count(&r, OBS_DNS_RESPONSE, "third.example"), 1);
	ck_assert_uint_eq(count(&r, OBS_DNS_QUERY, "split.example"), 1);
	inspect_get_stats(in, &r.st);
	ck_assert_uint_eq(r.st.observed[OBS_DNS_RESPONSE], 3);
	ck_assert_uint_eq(r.st.bad[BAD_DNS_TCP], 0);
	/* the client of every answer is the querier, not the server */
	for (size_t i = 0; i < r.n; i++) {
		ck_assert_uint_eq(r.s[i].client.a[0], 10);
		ck_assert_uint_eq(r.s[i].server.a[0], 192);
	}
	/* a server length prefix below a DNS header is counted as bad DNS/TCP */
	raw_tcp_dir(in, true, 53, 0x18, 7000 + (uint32_t)sl, "\x00\x03" "abc", 5);
	inspect_get_stats(in, &r.st);
	ck_assert_uint_eq(r.st.bad[BAD_DNS_TCP], 1);
	inspect_free(in);
}
END_TEST

/* Application bytes that are not what the port promises are counted, by kind. */
START_TEST(application_rejections)
{
	struct inspect_stats st;
	struct inspect *in = inspect_new(NULL, NULL, NULL);
	/* DNS over TCP whose length prefix is below a DNS header */
	raw_tcp(in, 53, 0x02, 99, "", 0);
	raw_tcp(in, 53, 0x18, 100, "\x00\x05hello", 7);
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.bad[BAD_DNS_TCP], 1);
	inspect_free(in);
	/* a DNS/TCP message that does not parse */
	in = inspect_new(NULL, NULL, NULL);
	raw_tcp(in, 53, 0x02, 99, "", 0);
	raw_tcp(in, 53, 0x18, 100, "\x00\x0e\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x3f\x61",
		16);
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.bad[BAD_DNS_TCP], 1);
	inspect_free(in);
	/* a TLS record that is no ClientHello */
	in = inspect_new(NULL, NULL, NULL);
	raw_tcp(in, 443, 0x02, 99, "", 0);
	raw_tcp(in, 443, 0x18, 100, "\x16\x03\x01\x00\x04\x02\x00\x00\x00", 9);
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.bad[BAD_TLS], 1);
	inspect_free(in);
	/* an HTTP head longer than a flow keeps */
	struct inspect_limits lim = { .flow = { .max_flow_bytes = 256 } };
	in = inspect_new(&lim, NULL, NULL);
	char big[600];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	raw_tcp(in, 80, 0x02, 99, "", 0);
	raw_tcp(in, 80, 0x18, 100, big, sizeof(big));
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.bad[BAD_HTTP], 1);
	inspect_free(in);
	/* bytes that are none of DNS, HTTP, TLS */
	in = inspect_new(NULL, NULL, NULL);
	raw_tcp(in, 80, 0x02, 99, "", 0);
	raw_tcp(in, 80, 0x18, 100, "\x05\x01\x00", 3);
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.tcp_unknown, 1);
	ck_assert_uint_eq(st.bad[BAD_HTTP], 0);
	inspect_free(in);
	/* a ClientHello without a server name is counted, not malformed */
	in = inspect_new(NULL, NULL, NULL);
	static const uint8_t hello[] = {
		0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x03,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
		23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00,
	};
	raw_tcp(in, 443, 0x02, 99, "", 0);
	raw_tcp(in, 443, 0x18, 100, hello, sizeof(hello));
	inspect_get_stats(in, &st);
	ck_assert_uint_eq(st.tls_no_sni, 1);
	ck_assert_uint_eq(st.bad[BAD_TLS], 0);
	inspect_free(in);
}
END_TEST

static Suite *sensor_suite(void)
{
	Suite *s = suite_create("sensor");
	TCase *tc = tcase_create("captures");
	tcase_add_test(tc, dns_udp);
	tcase_add_test(tc, dns_tcp);
	tcase_add_test(tc, dns_tcp_multirequest);
	tcase_add_test(tc, tls_fragmented_client_hello);
	tcase_add_test(tc, tls_chrome_kyber);
	tcase_add_test(tc, http_pipelined);
	tcase_add_test(tc, http_get_and_proxy);
	tcase_add_test(tc, ipv6_fragmented_dns);
	tcase_add_test(tc, raw_ipv6_and_ppi_and_loopback);
	tcase_add_test(tc, malformed_dns_counted);
	tcase_add_test(tc, not_unicast_dns);
	tcase_add_test(tc, every_capture);
	tcase_add_test(tc, broken_files_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	Suite *s = sensor_suite();
	TCase *tc = tcase_create("crafted");
	tcase_set_timeout(tc, 120); /* the long capture under ASan */
	tcase_add_test(tc, crafted_sll_capture);
	tcase_add_test(tc, pcapng_same_as_pcap);
	tcase_add_test(tc, filter_compiles);
	tcase_add_test(tc, filter_matches_vlan_and_qinq);
	tcase_add_test(tc, long_capture_memory_flat);
	tcase_add_test(tc, application_rejections);
	tcase_add_test(tc, dns_tcp_responses_split);
	suite_add_tcase(s, tc);
	const char *base = getenv("CG_SHARED");
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/data/pcaps", base ? base : "../shared");
	if (access(probe, R_OK) != 0)
		return tu_run(s, "shared captures (CG_SHARED/data/pcaps) absent");
	return tu_run(s, NULL);
}
