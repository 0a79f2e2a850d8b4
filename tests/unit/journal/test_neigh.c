/* Unit tests for the neighbour cache: the netlink parser on hand-built messages, one
 * rejection per branch, a live dump of this machine's table, and the journal writer
 * naming a neighbour's MAC when it was opened with lookup_mac. */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_support.h"
#include "neigh.h"
#include "testutil.h"

/* A buffer of netlink messages built by hand. */
struct msgbuf {
	uint8_t b[1024];
	size_t len;
	size_t msg; /* start of the message being built */
};

static void mb_begin(struct msgbuf *m, uint16_t type)
{
	m->msg = m->len;
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = NLM_F_MULTI };
	memcpy(m->b + m->len, &h, sizeof h);
	m->len += NLMSG_HDRLEN;
}

static void mb_put(struct msgbuf *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n);
	m->len += n;
	while (m->len % 4)
		m->b[m->len++] = 0;
}

static void mb_ndmsg(struct msgbuf *m, uint8_t family, uint16_t state)
{
	struct ndmsg nd = { .ndm_family = family, .ndm_state = state, .ndm_ifindex = 2 };
	mb_put(m, &nd, sizeof nd);
}

static void mb_attr(struct msgbuf *m, uint16_t type, const void *v, size_t n)
{
	struct rtattr ra = { .rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type };
	memcpy(m->b + m->len, &ra, sizeof ra);
	m->len += sizeof ra;
	mb_put(m, v, n);
}

/* Set the message's nlmsg_len to what was built (plus extra, to lie). */
static void mb_end(struct msgbuf *m, int extra)
{
	uint32_t l = (uint32_t)((int)(m->len - m->msg) + extra);
	memcpy(m->b + m->msg + offsetof(struct nlmsghdr, nlmsg_len), &l, sizeof l);
}

static const uint8_t mac1[6] = { 0x02, 0x00, 0x5e, 0x10, 0xaa, 0xff };

/* One good neighbour message: family, destination bytes, lladdr of ll_len bytes. */
static void mb_neigh(struct msgbuf *m, uint8_t family, uint16_t state, const char *dst,
		     size_t ll_len)
{
	uint8_t a[16];
	ck_assert_int_eq(inet_pton(family, dst, a), 1);
	uint8_t ll[8] = { 0x02, 0x00, 0x5e, 0x10, 0xaa, 0xff, 0x01, 0x02 };
	mb_begin(m, RTM_NEWNEIGH);
	mb_ndmsg(m, family, state);
	mb_attr(m, NDA_DST, a, family == AF_INET ? 4 : 16);
	mb_attr(m, NDA_LLADDR, ll, ll_len);
	mb_end(m, 0);
}

static void mb_done(struct msgbuf *m)
{
	mb_begin(m, NLMSG_DONE);
	int32_t zero = 0;
	mb_put(m, &zero, sizeof zero);
	mb_end(m, 0);
}

struct seen {
	int n;
	struct cg_addr a[8];
	uint8_t mac[8][6];
};

static void seen_cb(void *arg, const struct cg_addr *a, const uint8_t mac[6])
{
	struct seen *s = arg;
	ck_assert_int_lt(s->n, 8);
	s->a[s->n] = *a;
	memcpy(s->mac[s->n], mac, 6);
	s->n++;
}

START_TEST(good_v4)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 6);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), 0); /* no DONE yet */
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.a[0].family, AF_INET);
	char t[CG_ADDR_STRLEN];
	ck_assert_str_eq(addr_str(&s.a[0], t), "192.0.2.7");
	ck_assert_mem_eq(s.mac[0], mac1, 6);
	/* with DONE after it: 1, and the entry still reported */
	mb_done(&m);
	s.n = 0;
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), 1);
	ck_assert_int_eq(s.n, 1);
}
END_TEST

START_TEST(good_v6_and_skipped_states)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_neigh(&m, AF_INET6, NUD_STALE, "2001:db8::42", 6);
	mb_neigh(&m, AF_INET6, NUD_FAILED, "2001:db8::43", 6);
	mb_neigh(&m, AF_INET, NUD_INCOMPLETE, "192.0.2.8", 6);
	mb_neigh(&m, AF_INET, NUD_NOARP, "192.0.2.9", 6);
	mb_begin(&m, RTM_NEWROUTE); /* another type: skipped whole */
	mb_put(&m, "xxxxxxxx", 8);
	mb_end(&m, 0);
	mb_done(&m);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), 1);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.a[0].family, AF_INET6);
	char t[CG_ADDR_STRLEN];
	ck_assert_str_eq(addr_str(&s.a[0], t), "2001:db8::42");
	ck_assert_mem_eq(s.mac[0], mac1, 6);
}
END_TEST

START_TEST(short_header)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 6);
	size_t first = m.len;
	mb_done(&m);
	/* a second header cut short: rejected, whatever came before */
	ck_assert_int_eq(neigh_parse(m.b, first + sizeof(struct nlmsghdr) - 1, seen_cb, &s), -1);
	ck_assert_int_eq(neigh_parse(m.b, 3, seen_cb, &s), -1);
	/* nlmsg_len smaller than the header itself */
	struct msgbuf z = { .len = 0 };
	mb_done(&z);
	mb_end(&z, -(int)z.len + 4);
	ck_assert_int_eq(neigh_parse(z.b, z.len, seen_cb, &s), -1);
	/* an RTM_NEWNEIGH too short for its ndmsg */
	struct msgbuf t = { .len = 0 };
	mb_begin(&t, RTM_NEWNEIGH);
	mb_put(&t, "ab", 2);
	mb_end(&t, 0);
	ck_assert_int_eq(neigh_parse(t.b, t.len, seen_cb, &s), -1);
	ck_assert_int_eq(s.n, 1); /* only the complete first message, in the first call */
}
END_TEST

START_TEST(nlmsg_len_past_end)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 6);
	mb_end(&m, 1); /* claims one byte more than the buffer holds */
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), -1);
	ck_assert_int_eq(s.n, 0);
	mb_end(&m, 0x7fff0000);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), -1);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

START_TEST(rta_len_past_end)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 6);
	/* the last attribute (lladdr) claims more than its message holds */
	size_t ll_at = m.len - RTA_ALIGN(RTA_LENGTH(6));
	unsigned short big = 200;
	memcpy(m.b + ll_at, &big, sizeof big);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), -1);
	/* or less than an attribute header */
	unsigned short tiny = 2;
	memcpy(m.b + ll_at, &tiny, sizeof tiny);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), -1);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

START_TEST(lladdr_not_6_bytes)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 8);
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.8", 0);
	mb_neigh(&m, AF_INET6, NUD_REACHABLE, "2001:db8::1", 5);
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.9", 6);
	mb_done(&m);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), 1);
	ck_assert_int_eq(s.n, 1); /* skipped, not an error: only the good one */
	char t[CG_ADDR_STRLEN];
	ck_assert_str_eq(addr_str(&s.a[0], t), "192.0.2.9");
	/* a destination of the wrong size for its family, or none: skipped too */
	struct msgbuf d = { .len = 0 };
	uint8_t a[16] = { 192, 0, 2, 1 };
	mb_begin(&d, RTM_NEWNEIGH);
	mb_ndmsg(&d, AF_INET, NUD_REACHABLE);
	mb_attr(&d, NDA_DST, a, 16);
	mb_attr(&d, NDA_LLADDR, mac1, 6);
	mb_end(&d, 0);
	mb_begin(&d, RTM_NEWNEIGH);
	mb_ndmsg(&d, AF_INET, NUD_REACHABLE);
	mb_attr(&d, NDA_LLADDR, mac1, 6);
	mb_end(&d, 0);
	ck_assert_int_eq(neigh_parse(d.b, d.len, seen_cb, &s), 0);
	ck_assert_int_eq(s.n, 1);
}
END_TEST

START_TEST(done_stops)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_done(&m);
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 6); /* after DONE: not read */
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), 1);
	ck_assert_int_eq(s.n, 0);
	ck_assert_int_eq(neigh_parse(m.b, 0, seen_cb, &s), 0); /* empty: more to come */
}
END_TEST

START_TEST(nlmsg_error)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { 0 };
	mb_begin(&m, NLMSG_ERROR);
	struct nlmsgerr e = { .error = -1 };
	mb_put(&m, &e, sizeof e);
	mb_end(&m, 0);
	mb_neigh(&m, AF_INET, NUD_REACHABLE, "192.0.2.7", 6);
	ck_assert_int_eq(neigh_parse(m.b, m.len, seen_cb, &s), -1);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

/* The first complete IPv4 entry of /proc/net/arp, an oracle independent of netlink:
 * 0, or -1 when there is none. */
static int proc_arp_first(struct cg_addr *a, char mac[NEIGH_MAC_STRLEN])
{
	FILE *f = fopen("/proc/net/arp", "r");
	if (!f)
		return -1;
	char line[256], ip[64], hw[64], flags[16];
	int found = -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%63s %*s %15s %63s", ip, flags, hw) != 3)
			continue;
		if (strcmp(flags, "0x2") != 0 || strlen(hw) != 17 ||
		    strcmp(hw, "00:00:00:00:00:00") == 0 || addr_parse(ip, a) < 0)
			continue;
		memcpy(mac, hw, NEIGH_MAC_STRLEN);
		found = 0;
	}
	fclose(f);
	return found;
}

START_TEST(live_dump)
{
	struct neigh *n = neigh_new();
	struct cg_addr lo;
	ck_assert_int_eq(addr_parse("127.0.0.1", &lo), 0);
	char mac[NEIGH_MAC_STRLEN] = "unchanged";
	ck_assert_int_eq(neigh_lookup(n, &lo, mac), -1); /* never a neighbour */
	ck_assert_str_eq(mac, "unchanged");
	ck_assert_int_eq(neigh_refresh(n), 0); /* the dump itself works here */
	struct cg_addr none = { .family = 0 };
	ck_assert_int_eq(neigh_lookup(n, &none, mac), -1);
	struct cg_addr peer;
	char want[NEIGH_MAC_STRLEN];
	if (proc_arp_first(&peer, want) == 0) {
		char t[CG_ADDR_STRLEN];
		ck_assert_msg(neigh_lookup(n, &peer, mac) == 0, "%s not found", addr_str(&peer, t));
		ck_assert_str_eq(mac, want);
	}
	neigh_free(n);
}
END_TEST

/* Events as the writer sees them: with lookup_mac, one without a MAC from a neighbour
 * gets its MAC; a MAC already set is kept; loopback gets none; without lookup_mac none. */
START_TEST(journal_names_neighbour_mac)
{
	struct cg_addr peer;
	char want[NEIGH_MAC_STRLEN];
	bool have_peer = proc_arp_first(&peer, want) == 0;
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	for (int pass = 0; pass < 2; pass++) {
		c.lookup_mac = pass == 0;
		struct journal *j = open_ok(&c, "UTC");
		struct journal_event ev;
		ev_basic(&ev, "lookup.example");
		if (have_peer)
			ev.client = peer;
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		ev.client_mac = "02:00:00:00:00:01"; /* the sensor's own: kept */
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		ev.client_mac = NULL;
		ck_assert_int_eq(addr_parse("127.0.0.1", &ev.client), 0);
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		journal_close(j);
	}
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 6);
	check_chain(&ls);
	if (have_peer)
		ck_assert_str_eq(ls.v[0].r.mac, want);
	else
		ck_assert_ptr_null(ls.v[0].r.mac); /* 192.0.2.7 is nobody's neighbour here */
	ck_assert_str_eq(ls.v[1].r.mac, "02:00:00:00:00:01");
	ck_assert_ptr_null(ls.v[2].r.mac);
	ck_assert_ptr_null(ls.v[3].r.mac); /* lookup_mac off */
	ck_assert_str_eq(ls.v[4].r.mac, "02:00:00:00:00:01");
	ck_assert_ptr_null(ls.v[5].r.mac);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("neigh");
	TCase *tc = tcase_create("neigh");
	tcase_add_test(tc, good_v4);
	tcase_add_test(tc, good_v6_and_skipped_states);
	tcase_add_test(tc, short_header);
	tcase_add_test(tc, nlmsg_len_past_end);
	tcase_add_test(tc, rta_len_past_end);
	tcase_add_test(tc, lladdr_not_6_bytes);
	tcase_add_test(tc, done_stops);
	tcase_add_test(tc, nlmsg_error);
	tcase_add_test(tc, live_dump);
	tcase_add_test(tc, journal_names_neighbour_mac);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
