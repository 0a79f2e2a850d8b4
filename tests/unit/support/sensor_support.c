/* Helpers shared by the sensor packet-path unit tests (see sensor_support.h). */
#include "sensor_support.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "testutil.h"

void collect(void *arg, const struct observation *ob)
{
	struct run *r = arg;
	if (r->n == MAX_SEEN)
		return;
	struct seen *s = &r->s[r->n++];
	memset(s, 0, sizeof(*s));
	s->kind = ob->kind;
	snprintf(s->host, sizeof(s->host), "%.*s", (int)ob->host_len, ob->host ? ob->host : "");
	if (ob->path)
		snprintf(s->path, sizeof(s->path), "%.*s", (int)ob->path_len, ob->path);
	s->tcp = ob->tcp;
	s->has_mac = ob->has_mac;
	memcpy(s->client_mac, ob->client_mac, 6);
	s->client = ob->client;
	s->server = ob->server;
	s->time_us = ob->time_us;
}

void run_path(const char *path, struct run *r)
{
	char err[CAPTURE_ERRLEN];
	memset(r, 0, sizeof(*r));
	struct capture *c = capture_open_file(path, err);
	ck_assert_msg(c != NULL, "%s", err);
	struct inspect *in = inspect_new(NULL, collect, r);
	long n;
	while ((n = capture_file_run(c, in, 1000, err)) > 0)
		;
	ck_assert_msg(n == 0, "%s", err);
	inspect_get_stats(in, &r->st);
	inspect_free(in);
	capture_close(c);
}

void run_shared(const char *rel, struct run *r)
{
	char *p = tu_shared_path(rel);
	ck_assert_msg(p != NULL, "missing shared capture %s", rel);
	run_path(p, r);
	free(p);
}

size_t count(const struct run *r, enum obs_kind k, const char *host)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->s[i].kind == k && (!host || strcmp(r->s[i].host, host) == 0))
			n++;
	return n;
}

uint64_t malformed_total(const struct run *r)
{
	uint64_t n = 0;
	for (int i = 0; i < DERR_COUNT; i++)
		n += r->st.malformed[i];
	for (int i = 0; i < BAD_COUNT; i++)
		n += r->st.bad[i];
	return n;
}

void raw_tcp_dir(struct inspect *in, bool from_server, uint16_t port, uint8_t flags,
		 uint32_t seq, const void *data, size_t dl)
{
	uint8_t b[1500];
	size_t tot = 40 + dl;
	uint8_t h[40] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 1, 0, 0, 64, 6, 0, 0,
			  10, 0, 0, 9, 192, 0, 2, 1, 0x9c, 0x40, (uint8_t)(port >> 8),
			  (uint8_t)port, (uint8_t)(seq >> 24), (uint8_t)(seq >> 16),
			  (uint8_t)(seq >> 8), (uint8_t)seq, 0, 0, 0, 0, 5 << 4, flags, 0xff, 0xff,
			  0, 0, 0, 0 };
	if (from_server) {
		uint8_t tmp[4];
		memcpy(tmp, h + 12, 4);
		memcpy(h + 12, h + 16, 4);
		memcpy(h + 16, tmp, 4);
		memcpy(tmp, h + 20, 2);
		memcpy(h + 20, h + 22, 2);
		memcpy(h + 22, tmp, 2);
	}
	memcpy(b, h, 40);
	memcpy(b + 40, data, dl);
	inspect_packet(in, DLT_RAW, 1800000000LL * 1000000, b, tot, tot);
}

size_t dns_tcp_msg(uint8_t *out, uint16_t id, const char *label, bool resp)
{
	size_t n = 2, ll = strlen(label);
	uint8_t hdr[12] = { (uint8_t)(id >> 8), (uint8_t)id, resp ? 0x81 : 0x01,
			    resp ? 0x83 : 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(out + n, hdr, 12);
	n += 12;
	out[n++] = (uint8_t)ll;
	memcpy(out + n, label, ll);
	n += ll;
	memcpy(out + n, "\x07" "example" "\x00\x00\x01\x00\x01", 13);
	n += 13;
	out[0] = (uint8_t)((n - 2) >> 8);
	out[1] = (uint8_t)(n - 2);
	return n;
}
