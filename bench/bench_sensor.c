/* Benchmark of the sensor's offline path: write a capture of N DNS, HTTP and TLS packets
 * (pcap_dump), then time sensor_read_file over it on one thread and print packets/s on
 * one core (the thread's CPU time) and per wall-clock second, without and with a
 * policy. Usage: bench_sensor [-n PACKETS] [-c CONF] [-o FILE]
 * [-r REPS] [-k]. */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "policy.h"
#include "sensor.h"
#include "util.h"

struct gen {
	pcap_dumper_t *dump;
	uint64_t n, bytes;
	uint32_t t_us;
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* One Ethernet/IPv4 packet from client number c (to the server when up) carrying an L4
 * header (udp or tcp) and payload. */
static void emit(struct gen *g, uint32_t c, bool up, bool tcp, uint16_t sport_srv,
		 uint32_t seq, uint8_t flags, const uint8_t *pl, size_t pl_len)
{
	uint8_t b[2048];
	uint8_t cmac[6] = { 2, 0, (uint8_t)(c >> 24), (uint8_t)(c >> 16), (uint8_t)(c >> 8),
			    (uint8_t)c };
	uint8_t smac[6] = { 2, 0xff, 0, 0, 0, 1 };
	uint8_t cip[4] = { 10, (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c };
	uint8_t sip[4] = { 192, 0, 2, (uint8_t)(1 + c % 8) };
	uint16_t cport = (uint16_t)(1024 + c % 60000);
	memcpy(b, up ? smac : cmac, 6);
	memcpy(b + 6, up ? cmac : smac, 6);
	put16(b + 12, 0x0800);
	size_t l4 = tcp ? 20 : 8;
	size_t tot = 20 + l4 + pl_len;
	uint8_t *ip = b + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)tot);
	ip[8] = 64;
	ip[9] = tcp ? 6 : 17;
	memcpy(ip + 12, up ? cip : sip, 4);
	memcpy(ip + 16, up ? sip : cip, 4);
	uint8_t *h = ip + 20;
	memset(h, 0, l4);
	put16(h, up ? cport : sport_srv);
	put16(h + 2, up ? sport_srv : cport);
	if (tcp) {
		put32(h + 4, seq);
		h[12] = 5 << 4;
		h[13] = flags;
		put16(h + 14, 65535);
	} else {
		put16(h + 4, (unsigned)(8 + pl_len));
	}
	memcpy(h + l4, pl, pl_len);
	size_t len = 14 + tot;
	g->t_us += 3;
	struct pcap_pkthdr ph = { .ts = { .tv_sec = 1800000000 + g->t_us / 1000000,
					  .tv_usec = g->t_us % 1000000 },
				  .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len };
	pcap_dump((u_char *)g->dump, &ph, b);
	g->n++;
	g->bytes += len;
}

static size_t dns_query(uint8_t *m, uint32_t id, const char *name)
{
	memset(m, 0, 12);
	put16(m, id & 0xffff);
	m[2] = 1;
	m[5] = 1;
	size_t o = 12;
	const char *p = name;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		m[o++] = (uint8_t)l;
		memcpy(m + o, p, l);
		o += l;
		p += l + (dot ? 1 : 0);
	}
	m[o++] = 0;
	put16(m + o, 1);
	put16(m + o + 2, 1);
	return o + 4;
}

static size_t client_hello(uint8_t *r, const char *name)
{
	size_t nl = strlen(name);
	uint8_t *hs = r + 5;
	size_t o = 4;
	put16(hs + o, 0x0303);
	o += 2;
	memset(hs + o, 7, 32);
	o += 32;
	hs[o++] = 0;
	put16(hs + o, 4);
	put16(hs + o + 2, 0x1301);
	put16(hs + o + 4, 0x1302);
	o += 6;
	hs[o++] = 1;
	hs[o++] = 0;
	put16(hs + o, (unsigned)(nl + 9 + 8));
	o += 2;
	put16(hs + o, 0);                /* server_name */
	put16(hs + o + 2, (unsigned)(nl + 5));
	put16(hs + o + 4, (unsigned)(nl + 3));
	hs[o + 6] = 0;
	put16(hs + o + 7, (unsigned)nl);
	memcpy(hs + o + 9, name, nl);
	o += 9 + nl;
	put16(hs + o, 10);               /* supported_groups */
	put16(hs + o + 2, 4);
	put16(hs + o + 4, 2);
	put16(hs + o + 6, 29);
	o += 8;
	hs[0] = 1;
	hs[1] = 0;
	put16(hs + 2, (unsigned)(o - 4));
	r[0] = 0x16;
	put16(r + 1, 0x0301);
	put16(r + 3, (unsigned)o);
	return o + 5;
}

/* 10 packets per round: a DNS query and its echo as answer, an HTTP connection (SYN,
 * request, FIN both ways) and a TLS one (SYN, ClientHello, FIN both ways). */
static void generate(const char *path, uint64_t packets)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct gen g = { .dump = pcap_dump_open(dead, path) };
	if (!g.dump)
		fatal("%s: %s", path, pcap_geterr(dead));
	uint8_t pl[1024];
	char name[128], req[512];
	for (uint32_t c = 0; g.n + 10 <= packets; c++) {
		snprintf(name, sizeof(name), "host%u.site%u.example.com", c % 5000, c % 97);
		size_t n = dns_query(pl, c, name);
		emit(&g, c, true, false, 53, 0, 0, pl, n);
		pl[2] |= 0x80;
		emit(&g, c, false, false, 53, 0, 0, pl, n);
		int rl = snprintf(req, sizeof(req),
				  "GET /path/%u/index.html?q=%u HTTP/1.1\r\nHost: www.site%u.example.org\r\n"
				  "User-Agent: bench\r\nAccept: */*\r\n\r\n", c % 1000, c, c % 3000);
		emit(&g, c, true, true, 80, 1000, 0x02, NULL, 0);
		emit(&g, c, true, true, 80, 1001, 0x18, (const uint8_t *)req, (size_t)rl);
		emit(&g, c, true, true, 80, 1001 + (uint32_t)rl, 0x11, NULL, 0);
		emit(&g, c, false, true, 80, 5000, 0x11, NULL, 0);
		snprintf(name, sizeof(name), "cdn%u.tls%u.example.net", c % 7000, c % 51);
		n = client_hello(pl, name);
		emit(&g, c + 1, true, true, 443, 2000, 0x02, NULL, 0);
		emit(&g, c + 1, true, true, 443, 2001, 0x18, pl, n);
		emit(&g, c + 1, true, true, 443, 2001 + (uint32_t)n, 0x11, NULL, 0);
		emit(&g, c + 1, false, true, 443, 9000, 0x11, NULL, 0);
	}
	pcap_dump_close(g.dump);
	pcap_close(dead);
	fprintf(stderr, "bench_sensor: wrote %s: %llu packets, %llu bytes\n", path,
		(unsigned long long)g.n, (unsigned long long)g.bytes);
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds of one run; its CPU seconds (this thread) in *cpu. */
static double timed_run(const char *path, const struct config *cfg, const struct policy *p,
			struct sensor_report *rep, double *cpu)
{
	char err[CAPTURE_ERRLEN];
	uint64_t t0 = now_mono_ns();
	double c0 = cpu_s();
	if (sensor_read_file(path, cfg, p, NULL, NULL, NULL, rep, err) < 0)
		fatal("%s", err);
	*cpu = cpu_s() - c0;
	return (double)(now_mono_ns() - t0) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void bench(const char *label, const char *path, const struct config *cfg,
		  const struct policy *p, int reps)
{
	double t[16], cpu[16];
	struct sensor_report rep;
	for (int i = 0; i < reps; i++)
		t[i] = timed_run(path, cfg, p, &rep, &cpu[i]);
	qsort(t, (size_t)reps, sizeof(t[0]), cmp_double);
	qsort(cpu, (size_t)reps, sizeof(cpu[0]), cmp_double);
	double med = t[reps / 2], cmed = cpu[reps / 2];
	uint64_t req = rep.obs.requests[0] + rep.obs.requests[1] + rep.obs.requests[2];
	double pps_core = (double)rep.in.packets / cmed, pps_wall = (double)rep.in.packets / med;
	printf("%s: %llu packets, %llu requests (dns %llu, http %llu, tls %llu), %llu hits, "
	       "%d runs\n",
	       label, (unsigned long long)rep.in.packets, (unsigned long long)req,
	       (unsigned long long)rep.obs.requests[0], (unsigned long long)rep.obs.requests[1],
	       (unsigned long long)rep.obs.requests[2], (unsigned long long)rep.obs.hits, reps);
	printf("  one core:   %10.0f packets/s  %10.0f requests/s  (CPU time of the one "
	       "reading thread, median %.3f s)\n", pps_core, (double)req / cmed, cmed);
	printf("  wall clock: %10.0f packets/s  %10.0f requests/s  (median %.3f s, best %.3f s;"
	       " lower when other work shares the core)\n", pps_wall, (double)req / med, med,
	       t[0]);
	printf("  goal: >= 1000000 packets/s on one core: %s\n",
	       pps_core >= 1e6 ? "met" : "NOT met");
}

int main(int argc, char **argv)
{
	unsigned long long packets = 1000000, reps = 3;
	const char *conf = NULL, *out = "/tmp/cg-bench-sensor.pcap";
	bool keep = false;
	int c;
	while ((c = getopt(argc, argv, "n:c:o:r:k")) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 10, 100000000, &packets) < 0)
				fatal("-n: a number of packets, 10..100000000");
			break;
		case 'c': conf = optarg; break;
		case 'o': out = optarg; break;
		case 'r':
			if (parse_uint(optarg, 1, 15, &reps) < 0)
				fatal("-r: 1..15");
			break;
		case 'k': keep = true; break;
		default:
			fprintf(stderr, "usage: bench_sensor [-n PACKETS] [-c CONF] [-o FILE] "
					"[-r REPS] [-k]\n");
			return 2;
		}
	}
	generate(out, packets);
	struct config *cfg = config_default();
	bench("no policy", out, cfg, NULL, (int)reps);
	if (conf) {
		struct diag d;
		diag_init(&d);
		struct config *fc = config_load(conf, &d);
		if (!fc) {
			diag_print(&d, stderr);
			fatal("%s: configuration errors", conf);
		}
		struct policy *p = policy_build(fc, &d);
		if (!p)
			fatal("%s: the policy cannot be built", conf);
		struct policy_stats ps;
		policy_get_stats(p, &ps);
		fprintf(stderr, "bench_sensor: policy: %zu domains, %zu patterns\n", ps.domains,
			ps.patterns);
		bench("with policy", out, fc, p, (int)reps);
		policy_unref(p);
		config_free(fc);
		diag_free(&d);
	}
	config_free(cfg);
	if (!keep)
		unlink(out);
	return 0;
}
