/* libpcap handles for the sensor: offline files and non-blocking live interfaces. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* What the sensor reads: DNS, HTTP, TLS, DoT, every IPv4 fragment, and IPv6 packets
 * whose first header after the fixed one is an extension header (hop-by-hop 0, routing
 * 43, fragment 44, destination options 60). BPF cannot walk IPv6 extension headers to
 * the ports (`ip6 protochain` finds the protocol, not the port offset), so those go to
 * user space, where decode.c walks them and drops what is not ours. */
#define FILTER_CORE \
	"udp port 53 or tcp port 53 or tcp port 80 or tcp port 443 or tcp port 853" \
	" or (ip and ip[6:2] & 0x1fff != 0) or (ip and ip[6] & 0x20 != 0)" \
	" or (ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 44 or ip6[6] == 60))"

/* Ethernet: untagged, one 802.1Q tag, or two (QinQ). Each `vlan` moves the offsets of
 * what follows it, so the QinQ clause nests inside the single-tag one. libpcap refuses
 * `vlan` on other link types (raw IP, loopback, Linux cooked). */
static const char filter_ether[] =
	FILTER_CORE " or (vlan and (" FILTER_CORE " or (vlan and (" FILTER_CORE "))))";
static const char filter_plain[] = FILTER_CORE;

struct capture {
	pcap_t *p;
	char *name;     /* the file or interface, for messages */
	int dlt;
	bool live;
};

struct run_ctx {
	struct inspect *in;
	int dlt;
};

const char *capture_filter(int dlt)
{
	return dlt == DLT_EN10MB ? filter_ether : filter_plain;
}

static bool linktype_ok(struct capture *c, char err[CAPTURE_ERRLEN], const char *what)
{
	c->dlt = pcap_datalink(c->p);
	if (decode_linktype_supported(c->dlt))
		return true;
	const char *name = pcap_datalink_val_to_name(c->dlt);
	snprintf(err, CAPTURE_ERRLEN, "%s: unsupported link type %s (%d)", what,
		 name ? name : "unknown", c->dlt);
	return false;
}

struct capture *capture_open_file(const char *path, char err[CAPTURE_ERRLEN])
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(path);
	c->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!c->p) {
		if (strncmp(perr, path, strlen(path)) == 0) /* fopen errors name the file */
			snprintf(err, CAPTURE_ERRLEN, "%s", perr);
		else
			snprintf(err, CAPTURE_ERRLEN, "%s: %s", path, perr[0] ? perr : "cannot read");
		goto fail;
	}
	if (!linktype_ok(c, err, path))
		goto fail;
	return c;
fail:
	capture_close(c);
	return NULL;
}

struct capture *capture_open_live(const char *ifname, bool promisc,
				  char err[CAPTURE_ERRLEN])
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	struct capture *c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(ifname);
	c->live = true;
	c->p = pcap_create(ifname, perr);
	if (!c->p) {
		snprintf(err, CAPTURE_ERRLEN, "%s: %s", ifname, perr);
		goto fail;
	}
	pcap_set_snaplen(c->p, CAPTURE_SNAPLEN);
	pcap_set_promisc(c->p, promisc ? 1 : 0);
	pcap_set_timeout(c->p, 100);
	pcap_set_buffer_size(c->p, 8 << 20);
	int rc = pcap_activate(c->p);
	if (rc < 0) {
		snprintf(err, CAPTURE_ERRLEN, "%s: %s", ifname, pcap_geterr(c->p));
		goto fail;
	}
	if (rc > 0)
		log_warn("sensor: %s: %s", ifname, pcap_statustostr(rc));
	if (!linktype_ok(c, err, ifname))
		goto fail;
	if (pcap_compile(c->p, &prog, capture_filter(c->dlt), 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, CAPTURE_ERRLEN, "%s: filter: %s", ifname, pcap_geterr(c->p));
		goto fail;
	}
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, CAPTURE_ERRLEN, "%s: filter: %s", ifname, pcap_geterr(c->p));
		goto fail;
	}
	if (pcap_setnonblock(c->p, 1, perr) < 0) {
		snprintf(err, CAPTURE_ERRLEN, "%s: %s", ifname, perr);
		goto fail;
	}
	return c;
fail:
	capture_close(c);
	return NULL;
}

int capture_linktype(const struct capture *c)
{
	return c->dlt;
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct run_ctx *ctx = (struct run_ctx *)arg;
	int64_t t = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
	inspect_packet(ctx->in, ctx->dlt, t, bytes, h->caplen, h->len);
}

long capture_file_run(struct capture *c, struct inspect *in, long max,
		      char err[CAPTURE_ERRLEN])
{
	struct run_ctx ctx = { .in = in, .dlt = c->dlt };
	int cnt = max <= 0 || max > 1000000 ? -1 : (int)max;
	int n = pcap_dispatch(c->p, cnt, on_packet, (u_char *)&ctx);
	if (n == PCAP_ERROR) {
		snprintf(err, CAPTURE_ERRLEN, "%s: %s", c->name, pcap_geterr(c->p));
		return -1;
	}
	return n < 0 ? 0 : n;
}

long capture_live_run(struct capture *c, struct inspect *in, int timeout_ms,
		      char err[CAPTURE_ERRLEN])
{
	struct run_ctx ctx = { .in = in, .dlt = c->dlt };
	int fd = pcap_get_selectable_fd(c->p);
	if (fd >= 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno != EINTR) {
			snprintf(err, CAPTURE_ERRLEN, "%s: poll: %s", c->name, strerror(errno));
			return -1;
		}
		if (r <= 0)
			return 0;
	}
	int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)&ctx);
	if (n == PCAP_ERROR) {
		snprintf(err, CAPTURE_ERRLEN, "%s: %s", c->name, pcap_geterr(c->p));
		return -1;
	}
	return n < 0 ? 0 : n;
}

uint64_t capture_dropped(struct capture *c)
{
	struct pcap_stat st;
	if (!c->live || pcap_stats(c->p, &st) < 0)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->p)
		pcap_close(c->p);
	free(c->name);
	free(c);
}
