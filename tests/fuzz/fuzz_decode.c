/* libFuzzer target: the sensor's whole packet path. An input that libpcap reads as a
 * capture file (the seeds are the shared pcaps) goes packet by packet through decode,
 * fragment reassembly, flows and extraction to the observer; any other input is one
 * packet of the link type its first byte picks, decoded alone and then through the
 * path. Every packet is a copy of exactly its captured length, so ASan sees overreads.
 * A small policy (names and addresses from the seed captures in a block and a bypass
 * category) is built once, so that the observer decides, journals nothing, and finds
 * bypass attempts by name and by address. */
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "decode.h"
#include "extract.h"
#include "inspect.h"
#include "observe.h"
#include "policy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config *fuzz_cfg;
static struct policy *fuzz_policy;

static char *write_list(const char *dir, const char *name, const char *text)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	if (!path)
		abort();
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
	return path;
}

/* The policy every input is decided with: built once, its list files removed after. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char dir[] = "/tmp/fuzz_decode.XXXXXX";
	if (!mkdtemp(dir))
		abort();
	char *block = write_list(dir, "block.list",
				 "www.tcpdump.org\nmozilla.org\nbro.org\nexample.com\n");
	char *byp = write_list(dir, "bypass.list",
			       "dns.google\nlh3.google.com\n8.8.4.4\n1.1.1.1\n"
			       "142.250.200.14\n");
	char conf[1024];
	int n = snprintf(conf, sizeof(conf),
			 "[category adult]\nkind = block\nlist = %s\n"
			 "[category bypass]\nkind = bypass\nlist = %s\n"
			 "[group default]\nblock = adult bypass\n", block, byp);
	if (n < 0 || (size_t)n >= sizeof(conf))
		abort();
	struct diag d;
	diag_init(&d);
	fuzz_cfg = config_parse(conf, (size_t)n, "fuzz.conf", &d);
	fuzz_policy = fuzz_cfg ? policy_build(fuzz_cfg, &d) : NULL;
	if (!fuzz_policy) {
		diag_print(&d, stderr);
		abort();
	}
	diag_free(&d);
	unlink(block);
	unlink(byp);
	rmdir(dir);
	free(block);
	free(byp);
	return 0;
}

static const int dlts[] = {
	DECODE_DLT_EN10MB, DECODE_DLT_RAW, DECODE_DLT_LINUX_SLL, DECODE_DLT_LINUX_SLL2,
	DECODE_DLT_NULL, DECODE_DLT_LOOP, DECODE_DLT_PPI, DECODE_DLT_IEEE802_11,
	DECODE_DLT_IPV4, DECODE_DLT_IPV6,
};

static void one_packet(struct inspect *in, int dlt, int64_t t, const uint8_t *p, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return;
	memcpy(copy, p, n);
	struct decoded d;
	enum decode_result r = decode_packet(dlt, copy, n, &d);
	if ((r == DECODE_L4 || r == DECODE_FRAGMENT) &&
	    (d.payload < copy || d.payload + d.payload_len > copy + n))
		abort();
	inspect_packet(in, dlt, t, copy, n, n);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_sensor sc = { 0 };
	struct cg_addr r = { .family = AF_INET, .a = { 192, 0, 2, 53 } };
	sc.resolvers = &r;
	sc.n_resolvers = 1;
	struct observer *o = observer_new(&sc, NULL);
	if (!fuzz_policy)
		LLVMFuzzerInitialize(NULL, NULL);
	observer_set_policy(o, fuzz_policy);
	struct inspect_limits lim = { .flow = { .max_flows = 64, .max_flow_bytes = 4096 },
				      .frag = { .max_datagrams = 8 } };
	struct inspect *in = inspect_new(&lim, observer_handle, o);
	char err[PCAP_ERRBUF_SIZE];
	FILE *f = size ? fmemopen((void *)data, size, "rb") : NULL;
	pcap_t *p = f ? pcap_fopen_offline(f, err) : NULL;
	if (p) {
		int dlt = pcap_datalink(p);
		struct pcap_pkthdr *h;
		const u_char *pkt;
		int n = 0;
		while (n++ < 10000 && pcap_next_ex(p, &h, &pkt) == 1)
			one_packet(in, dlt, (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec, pkt,
				   h->caplen);
		pcap_close(p);      /* closes f */
	} else {
		if (f)
			fclose(f);
		if (size >= 1)
			one_packet(in, dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))], 0, data + 1,
				   size - 1);
		/* the extractors on the raw bytes, too */
		struct extract_dns dns;
		struct extract_http http;
		char sni[256];
		size_t sl;
		extract_dns(data, size, &dns);
		extract_http_head(data, size, 4096, &http);
		extract_tls_sni(data, size, sni, sizeof(sni), &sl);
	}
	inspect_free(in);
	observer_free(o);
	return 0;
}
