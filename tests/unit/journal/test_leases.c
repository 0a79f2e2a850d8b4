/* Unit tests for the DHCP lease cache: the dnsmasq line parser (each rejection), lookups
 * from a file, a rewritten file picked up, a missing file, real-looking ISC dhcpd, dhcpd6,
 * Kea v4 and v6 files (the last record wins), hostile files, and the journal writer naming a
 * client's host name when it was opened with a lease file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_support.h"
#include "leases.h"
#include "leases_parse.h"
#include "testutil.h"
#include "util.h"

static int parse(const char *line, struct cg_addr *a, char name[LEASES_NAME_MAX])
{
	return leases_parse_line(line, strlen(line), a, name);
}

START_TEST(parse_lines)
{
	struct cg_addr a, want;
	char name[LEASES_NAME_MAX];
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56 10.1.2.3 pc-301 01:52:54:00:12:34:56\n",
			       &a, name), 1);
	ck_assert_int_eq(addr_parse("10.1.2.3", &want), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_mem_eq(a.a, want.a, 4);
	ck_assert_str_eq(name, "pc-301");
	ck_assert_int_eq(parse("1764662400 1234 2001:db8::7 Lab-Mac.local 00:01:00:01\n", &a, name), 1);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(name, "Lab-Mac.local");
	/* no name */
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56 10.1.2.4 * *\n", &a, name), 0);
	ck_assert_int_eq(parse("duid 00:01:00:01:2a:3b\n", &a, name), 0);
	/* malformed */
	ck_assert_int_eq(parse("", &a, name), -1);
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56\n", &a, name), -1);
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56 10.1.2.3\n", &a, name), -1);
	ck_assert_int_eq(parse("soon 52:54:00:12:34:56 10.1.2.3 pc *\n", &a, name), -1);
	ck_assert_int_eq(parse("-5 52:54:00:12:34:56 10.1.2.3 pc *\n", &a, name), -1);
	ck_assert_int_eq(parse("1 52:54:00:12:34:56 10.1.2.300 pc *\n", &a, name), -1);
	ck_assert_int_eq(parse("1 52:54:00:12:34:56 10.1.2.3 <script> *\n", &a, name), -1);
	ck_assert_int_eq(parse("1 52:54:00:12:34:56 10.1.2.3 a\"b *\n", &a, name), -1);
	char longname[200];
	memset(longname, 'x', 64);
	longname[64] = '\0';
	char line[300];
	snprintf(line, sizeof line, "1 52:54:00:12:34:56 10.1.2.3 %s *\n", longname);
	ck_assert_int_eq(parse(line, &a, name), -1); /* 64 bytes: one too long */
	longname[63] = '\0';
	snprintf(line, sizeof line, "1 52:54:00:12:34:56 10.1.2.3 %s *\n", longname);
	ck_assert_int_eq(parse(line, &a, name), 1);
	/* len is honoured: the name is cut where len ends */
	const char *cut = "1 52:54:00:12:34:56 10.1.2.3 pc-301 *";
	ck_assert_int_eq(leases_parse_line(cut, 31, &a, name), 1);
	ck_assert_str_eq(name, "pc");
	ck_assert_int_eq(leases_parse_line(cut, 10, &a, name), -1);
}
END_TEST

START_TEST(lookup_and_reload)
{
	char *dir = tu_tmpdir();
	char *path = tu_write_file(dir, "dnsmasq.leases",
				   "1 52:54:00:00:00:01 10.1.2.3 pc-301 *\n"
				   "garbage line\n"
				   "1 52:54:00:00:00:02 10.1.2.4 * *\n"
				   "duid 00:01\n"
				   "1 77 2001:db8::7 tablet-7 00:01\n");
	struct leases *l = leases_new(path);
	struct cg_addr a;
	char name[LEASES_NAME_MAX];
	ck_assert_int_eq(addr_parse("10.1.2.3", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), 0);
	ck_assert_str_eq(name, "pc-301");
	ck_assert_int_eq(addr_parse("2001:db8::7", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), 0);
	ck_assert_str_eq(name, "tablet-7");
	ck_assert_int_eq(addr_parse("10.1.2.4", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), -1); /* leased without a name */
	ck_assert_int_eq(addr_parse("10.1.2.5", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), -1);
	/* The DHCP server rewrites the file: seen after the next look a second later. */
	free(tu_write_file(dir, "dnsmasq.leases", "2 52:54:00:00:00:05 10.1.2.5 pc-305 *\n"));
	usleep(1100 * 1000);
	ck_assert_int_eq(leases_lookup(l, &a, name), 0);
	ck_assert_str_eq(name, "pc-305");
	ck_assert_int_eq(addr_parse("10.1.2.3", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), -1); /* gone with the old file */
	leases_free(l);
	/* A file that is not there: no names, no crash. */
	struct leases *none = leases_new("/nonexistent/campusgate/leases");
	ck_assert_int_eq(leases_lookup(none, &a, name), -1);
	leases_free(none);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The name looked up for address s through l: the name, or "-" when none. */
static const char *name_of(struct leases *l, const char *s, char name[LEASES_NAME_MAX])
{
	struct cg_addr a;
	ck_assert_int_eq(addr_parse(s, &a), 0);
	if (leases_lookup(l, &a, name) < 0)
		strcpy(name, "-");
	return name;
}

/* An isc-dhcp-server 4.4 dhcpd.leases as Debian keeps it: a renewed lease appended after
 * the first (the last block wins), a freed one, an abandoned one, a lease that moved to
 * another client, and the dhcpd6 file beside it. */
static const char ISC_LEASES[] =
	"# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
	"# This lease file was written by isc-dhcp-4.4.3-P1\n"
	"\n"
	"# authoring-byte-order entry is generated, DO NOT DELETE\n"
	"authoring-byte-order little-endian;\n"
	"\n"
	"server-duid \"\\000\\001\\000\\001,\\226\\321\\006RT\\000\\022\\064V\";\n"
	"\n"
	"lease 192.168.1.5 {\n"
	"  starts 3 2026/12/02 06:01:11;\n"
	"  ends 3 2026/12/02 18:01:11;\n"
	"  cltt 3 2026/12/02 06:01:11;\n"
	"  binding state active;\n"
	"  next binding state free;\n"
	"  rewind binding state free;\n"
	"  hardware ethernet 52:54:00:12:34:05;\n"
	"  uid \"\\001RT\\000\\0224\\005\";\n"
	"  set vendor-class-identifier = \"MSFT 5.0\";\n"
	"  client-hostname \"pc-05-old\";\n"
	"}\n"
	"lease 192.168.1.6 {\n"
	"  starts 3 2026/12/02 06:02:00;\n"
	"  ends 3 2026/12/02 07:02:00;\n"
	"  binding state active;\n"
	"  next binding state free;\n"
	"  hardware ethernet 52:54:00:12:34:06;\n"
	"  client-hostname \"pc-06\";\n"
	"}\n"
	"lease 192.168.1.7 {\n"
	"  starts 3 2026/12/02 06:03:00;\n"
	"  ends 3 2026/12/02 18:03:00;\n"
	"  binding state active;\n"
	"  hardware ethernet 52:54:00:12:34:07;\n"
	"  client-hostname \"pc-07\";\n"
	"}\n"
	"lease 192.168.1.8 {\n"
	"  starts 3 2026/12/02 06:04:00;\n"
	"  ends 3 2026/12/02 18:04:00;\n"
	"  binding state active;\n"
	"  hardware ethernet 52:54:00:12:34:08;\n"
	"  client-hostname \"teacher-laptop\";\n"
	"}\n"
	"lease 192.168.1.5 {\n"
	"  starts 3 2026/12/02 07:01:11;\n"
	"  ends 3 2026/12/02 19:01:11;\n"
	"  cltt 3 2026/12/02 07:01:11;\n"
	"  binding state active;\n"
	"  next binding state free;\n"
	"  hardware ethernet 52:54:00:12:34:05;\n"
	"  client-hostname \"pc-05\";\n"
	"}\n"
	"lease 192.168.1.6 {\n"
	"  starts 3 2026/12/02 06:02:00;\n"
	"  ends 3 2026/12/02 07:02:00;\n"
	"  tstp 3 2026/12/02 07:02:00;\n"
	"  binding state free;\n"
	"  hardware ethernet 52:54:00:12:34:06;\n"
	"  client-hostname \"pc-06\";\n"
	"}\n"
	"lease 192.168.1.7 {\n"
	"  starts 3 2026/12/02 06:30:00;\n"
	"  ends 3 2026/12/02 18:30:00;\n"
	"  binding state abandoned;\n"
	"  next binding state free;\n"
	"  client-hostname \"pc-07\";\n"
	"}\n"
	"lease 192.168.1.8 {\n"
	"  starts 3 2026/12/02 08:00:00;\n"
	"  ends 3 2026/12/02 20:00:00;\n"
	"  binding state active;\n"
	"  hardware ethernet 52:54:00:12:34:99;\n"
	"}\n"
	"lease 192.168.1.9 {\n"
	"  binding state active;\n"
	"  client-hostname \"lab\\055pc\\0569\";\n"
	"}\n";

static const char ISC6_LEASES[] =
	"# This lease file was written by isc-dhcp-4.4.3-P1\n"
	"authoring-byte-order little-endian;\n"
	"server-duid \"\\000\\001\\000\\001%\\275\\200\\371RT\\000\\022\\064V\";\n"
	"\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\\034\\356\\010\\252\" {\n"
	"  cltt 3 2026/12/02 06:00:00;\n"
	"  iaaddr 2001:db8:1::5 {\n"
	"    binding state active;\n"
	"    preferred-life 27000;\n"
	"    max-life 43200;\n"
	"    ends 3 2026/12/02 18:00:00;\n"
	"    client-hostname \"tablet-5\";\n"
	"  }\n"
	"}\n";

static const char KEA4_LEASES[] =
	"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,"
	"state,user_context,pool_id\n"
	"192.168.2.10,52:54:00:aa:00:10,01:52:54:00:aa:00:10,4000,1764700000,1,1,1,"
	"pc-10.school.lan.,0,,0\n"
	"192.168.2.11,52:54:00:aa:00:11,,4000,1764700000,1,0,0,,0,,0\n"
	"192.168.2.12,52:54:00:aa:00:12,,4000,1764700000,1,0,0,pc-12,1,,0\n"
	"192.168.2.13,52:54:00:aa:00:13,,4000,1764700000,1,0,0,pc-13,0,,0\n"
	"192.168.2.14,52:54:00:aa:00:14,,4000,1764700000,1,0,0,pc-14-old,0,,0\n"
	"192.168.2.13,52:54:00:aa:00:13,,0,1764696000,1,0,0,pc-13,0,,0\n"
	"192.168.2.14,52:54:00:aa:00:14,,4000,1764704000,1,0,0,pc-14,0,,0\n";

static const char KEA6_LEASES[] =
	"address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,"
	"fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id\n"
	"2001:db8:1::10,00:03:00:01:52:54:00:aa:00:10,4000,1764700000,1,3000,0,1,128,0,0,"
	"laptop-10,52:54:00:aa:00:10,0,,1,2,0\n"
	"2001:db8:1::11,00:03:00:01:52:54:00:aa:00:11,4000,1764700000,1,3000,0,1,128,0,0,"
	"laptop-11,52:54:00:aa:00:11,2,,1,2,0\n"
	"2001:db8:2::,00:03:00:01:52:54:00:aa:00:12,4000,1764700000,1,3000,2,1,56,0,0,"
	"router-1,,0,,1,2,0\n";

/* Real-looking files of each format, told apart by their content alone. */
START_TEST(files_of_each_format)
{
	char *dir = tu_tmpdir();
	char name[LEASES_NAME_MAX];
	char *isc = tu_write_file(dir, "dhcpd.leases", ISC_LEASES);
	struct leases *l = leases_new(isc);
	ck_assert_str_eq(name_of(l, "192.168.1.5", name), "pc-05"); /* the last block wins */
	ck_assert_str_eq(name_of(l, "192.168.1.6", name), "-");	    /* freed since */
	ck_assert_str_eq(name_of(l, "192.168.1.7", name), "-");	    /* abandoned since */
	ck_assert_str_eq(name_of(l, "192.168.1.8", name), "-");	    /* another client, no name */
	ck_assert_str_eq(name_of(l, "192.168.1.9", name), "lab-pc.9");
	ck_assert_str_eq(name_of(l, "192.168.1.10", name), "-");
	leases_free(l);
	char *isc6 = tu_write_file(dir, "dhcpd6.leases", ISC6_LEASES);
	l = leases_new(isc6);
	ck_assert_str_eq(name_of(l, "2001:db8:1::5", name), "tablet-5");
	leases_free(l);
	char *kea4 = tu_write_file(dir, "kea-leases4.csv", KEA4_LEASES);
	l = leases_new(kea4);
	ck_assert_str_eq(name_of(l, "192.168.2.10", name), "pc-10.school.lan");
	ck_assert_str_eq(name_of(l, "192.168.2.11", name), "-"); /* no hostname */
	ck_assert_str_eq(name_of(l, "192.168.2.12", name), "-"); /* declined */
	ck_assert_str_eq(name_of(l, "192.168.2.13", name), "-"); /* deleted later */
	ck_assert_str_eq(name_of(l, "192.168.2.14", name), "pc-14"); /* the last row wins */
	leases_free(l);
	char *kea6 = tu_write_file(dir, "kea-leases6.csv", KEA6_LEASES);
	l = leases_new(kea6);
	ck_assert_str_eq(name_of(l, "2001:db8:1::10", name), "laptop-10");
	ck_assert_str_eq(name_of(l, "2001:db8:1::11", name), "-"); /* expired-reclaimed */
	ck_assert_str_eq(name_of(l, "2001:db8:2::", name), "-");   /* a delegated prefix */
	leases_free(l);
	/* One path whose server changed from dnsmasq to Kea: the new format is read. */
	char *p = tu_write_file(dir, "leases", "1 52:54:00:00:00:01 192.168.2.14 dm-14 *\n");
	l = leases_new(p);
	ck_assert_str_eq(name_of(l, "192.168.2.14", name), "dm-14");
	free(tu_write_file(dir, "leases", KEA4_LEASES));
	usleep(1100 * 1000);
	ck_assert_str_eq(name_of(l, "192.168.2.14", name), "pc-14");
	leases_free(l);
	free(p);
	free(kea6);
	free(kea4);
	free(isc6);
	free(isc);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Hostile files: a truncated ISC file, garbage with NULs, a FIFO (never opened, so the
 * writer cannot block on it), an empty file: no crash, and what is good is still read. */
START_TEST(hostile_files)
{
	char *dir = tu_tmpdir();
	char name[LEASES_NAME_MAX];
	/* dhcpd killed while appending: the cut block is dropped, the earlier one holds */
	char *cut = xstrndup(ISC_LEASES, strlen(ISC_LEASES) - 40);
	char *p = tu_write_file(dir, "cut.leases", cut);
	struct leases *l = leases_new(p);
	ck_assert_str_eq(name_of(l, "192.168.1.5", name), "pc-05");
	ck_assert_str_eq(name_of(l, "192.168.1.9", name), "-");
	leases_free(l);
	free(p);
	free(cut);
	/* NULs, an unterminated string and unbalanced braces around one good block */
	static const char junk[] = "lease 10.0.0.1 { client-hostname \"a\0b\"; }\n"
				   "lease 10.0.0.2 { client-hostname \"never ends\n"
				   "}}}{{{\n"
				   "lease 10.0.0.3 { binding state active; client-hostname \"ok-3\"; }\n"
				   "lease 10.0.0.4 { { { client-hostname \"p4\";\n";
	char *jp = tu_write_file(dir, "junk.leases", "");
	FILE *f = fopen(jp, "we");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(junk, 1, sizeof junk - 1, f), sizeof junk - 1);
	fclose(f);
	l = leases_new(jp);
	ck_assert_str_eq(name_of(l, "10.0.0.3", name), "ok-3");
	ck_assert_str_eq(name_of(l, "10.0.0.1", name), "-");
	ck_assert_str_eq(name_of(l, "10.0.0.2", name), "-");
	ck_assert_str_eq(name_of(l, "10.0.0.4", name), "-");
	leases_free(l);
	free(jp);
	char fifo[4096];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	l = leases_new(fifo);
	ck_assert_str_eq(name_of(l, "10.0.0.3", name), "-");
	leases_free(l);
	char *empty = tu_write_file(dir, "empty", "");
	l = leases_new(empty);
	ck_assert_str_eq(name_of(l, "10.0.0.3", name), "-");
	leases_free(l);
	free(empty);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The writer names the client from the lease file when opened with lookup_mac (the
 * daemon) and a dhcp_leases path; an event that has a name keeps it; without
 * lookup_mac (campusgate sensor --read) no name is looked up. */
START_TEST(journal_names_client_from_leases)
{
	char *dir = tu_tmpdir();
	char *lf = tu_write_file(dir, "leases", "1 52:54:00:00:00:01 192.0.2.7 pc-301 *\n");
	char *jdir = tu_tmpdir();
	struct cfg_journal c = test_cfg(jdir);
	c.dhcp_leases = lf;
	for (int pass = 0; pass < 2; pass++) {
		c.lookup_mac = pass == 0;
		struct journal *j = open_ok(&c, "UTC");
		struct journal_event ev;
		ev_basic(&ev, "lookup.example");
		ck_assert_int_eq(addr_parse("192.0.2.7", &ev.client), 0);
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		ev.client_name = "given";
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		journal_close(j);
	}
	c.dhcp_leases = NULL;
	struct lines ls;
	read_all(jdir, &ls);
	ck_assert_uint_eq(ls.n, 4);
	check_chain(&ls);
	ck_assert_str_eq(ls.v[0].r.client_name, "pc-301");
	ck_assert_str_eq(ls.v[1].r.client_name, "given");
	ck_assert_ptr_null(ls.v[2].r.client_name);
	ck_assert_str_eq(ls.v[3].r.client_name, "given");
	lines_free(&ls);
	verify_ok(jdir);
	tu_rmtree(jdir);
	tu_rmtree(dir);
	free(jdir);
	free(dir);
	free(lf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("leases");
	TCase *tc = tcase_create("leases");
	tcase_add_test(tc, parse_lines);
	tcase_add_test(tc, lookup_and_reload);
	tcase_add_test(tc, files_of_each_format);
	tcase_add_test(tc, hostile_files);
	tcase_add_test(tc, journal_names_client_from_leases);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
